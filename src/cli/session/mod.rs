//! `vignette session …`: creating and running workshop sessions.

mod answer;
mod close;
mod design;
mod export;
mod handout;
mod import;
mod list;
mod new;
mod run;
mod status;
mod template;

use super::Outcome;
use crate::cli::Context;

/// Run workshop sessions: plan who gets which case, collect the groups'
/// answers, follow progress and export the answers.
///
/// Sessions are kept in one SQLite file (--db, default ./vignette.db). A
/// session pins the exact study, vignettes and rubrics it was created with,
/// so later changes to the bank never change it.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    New(Box<new::Args>),
    Design(design::Args),
    Run(run::Args),
    Handout(handout::Args),
    Answer(answer::Args),
    Import(import::Args),
    Template(template::Args),
    Status(status::Args),
    List(list::Args),
    Close(close::CloseArgs),
    Reopen(close::ReopenArgs),
    Discard(close::DiscardArgs),
    Restore(close::RestoreArgs),
    Delete(close::DeleteArgs),
    Log(close::LogArgs),
    Export(export::Args),
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    match &args.command {
        Command::New(args) => new::run(cx, args),
        Command::Design(args) => design::run(cx, args),
        Command::Run(args) => run::run(cx, args),
        Command::Handout(args) => handout::run(cx, args),
        Command::Answer(args) => answer::run(cx, args),
        Command::Import(args) => import::run(cx, args),
        Command::Template(args) => template::run(cx, args),
        Command::Status(args) => status::run(cx, args),
        Command::List(args) => list::run(cx, args),
        Command::Close(args) => close::close(cx, args),
        Command::Reopen(args) => close::reopen(cx, args),
        Command::Discard(args) => close::discard(cx, args),
        Command::Restore(args) => close::restore(cx, args),
        Command::Delete(args) => close::delete(cx, args),
        Command::Log(args) => close::log(cx, args),
        Command::Export(args) => export::run(cx, args),
    }
}

/// `form B (the site's rotation: baseline A → endpoint B)`.
fn form_line(form: &vignette::design::forms::FormAssignment) -> String {
    let rotation: Vec<String> = form
        .rotation
        .iter()
        .map(|p| format!("{} {}", p.phase, p.form))
        .collect();
    format!(
        "form {} (the site's rotation: {})",
        form.form,
        rotation.join(" → ")
    )
}

/// The groups' join codes for `vignette serve`, one line each.
fn print_codes(codes: &[vignette::store::JoinCodeRecord]) {
    let line: Vec<String> = codes
        .iter()
        .map(|c| format!("{} {}", c.group, vignette::session::join::display(&c.code)))
        .collect();
    println!("join codes for `vignette serve`: {}", line.join(" · "));
}
