//! `vignette`: vignette-based competence assessment of how school and
//! kindergarten staff prevent, detect and handle bullying.
//!
//! The library follows the data flow of the design: the [`bank`] loads and
//! checks instruments, [`render`] turns a vignette into text for any face.
//! It never prints and never reads standard input; the `vignette` binary is
//! a thin command-line face over it.

pub mod agreement;
pub mod bank;
pub mod compare;
pub mod dataset;
pub mod demo;
pub mod design;
pub mod export;
pub mod power;
pub mod rating;
pub mod render;
pub mod report;
pub mod scoring;
pub mod session;
pub mod simulate;
pub mod stats;
pub mod store;
