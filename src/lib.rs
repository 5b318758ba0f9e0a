//! `vignette`: vignette-based competence assessment of how school and
//! kindergarten staff prevent, detect and handle bullying.
//!
//! The modules follow the data flow of the design: [`bank`] loads and checks
//! the instruments, [`render`] turns a vignette into text for any face,
//! [`design`] plans who answers what, [`session`] takes the answers and
//! [`store`] keeps them, [`scoring`] and [`rating`] turn them into criterion
//! levels, [`stats`] and [`compare`] weigh the scores, and [`report`] and
//! [`export`] show them. [`input`] reads every file a user gives; [`simulate`]
//! makes studies to try all of it on, and [`demo`] runs the whole study in
//! one call, on top of all the others; [`web`] is the groups' and the
//! facilitator's pages over the same session and store calls. The library
//! never prints and never reads standard input; the `vignette` binary is a
//! thin command-line face.

pub mod bank;
pub mod compare;
pub mod demo;
pub mod design;
pub mod export;
pub mod input;
pub mod messages;
pub mod rating;
pub mod render;
pub mod report;
pub mod scoring;
pub mod session;
pub mod simulate;
pub mod stats;
pub mod store;
pub mod web;
