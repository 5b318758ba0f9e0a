//! The `vignette` command line: parses arguments, calls the library, prints.

mod cli;

/// mimalloc: scoring and comparing make and free millions of small values
/// on all cores, often freed by another thread than the one that made them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
