//! The integration tests, in one binary (one link of the crate, not one per
//! file): each module tests one feature through the real `vignette` binary
//! or the library on real files; `common` holds what they share.

mod common;

mod adjudicate_terminal;
mod agreement;
mod browser;
mod compare;
mod context;
mod demo;
mod design;
mod discard;
mod export;
mod export_scores;
mod fault_injection;
mod forms;
mod fuzz_readers;
mod hand_scored;
mod handout;
mod help;
mod instrument;
mod lexicon;
mod list;
mod memory;
mod mutations;
mod output;
mod planted_effects;
mod power;
mod print;
mod profile;
mod rating;
mod rating_terminal;
mod read_only;
mod readers;
mod report;
mod runner;
mod scoring;
mod session;
mod show;
mod simulate;
mod stance;
mod validate;
mod validation;
mod web;
