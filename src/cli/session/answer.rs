//! `vignette session answer`: store one group's answers to one vignette from a file.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use vignette::input;
use vignette::session;
use vignette::store::Store;

use crate::cli::Context;
use crate::cli::{Failure, Outcome};

/// Store one group's answers to one vignette from a JSON file, or a stream of
/// single answers, one JSON object per line on standard input (--stream).
///
/// The file:
/// {"group": "G1", "vignette": "V2", "answers": {"s1_do": "…", "s1_first_action": "talk_with_lea",
/// "s1_seriousness": 4, "s2_measures": ["activity_plan", …]}}.
///
/// Text answers are strings, `single` answers an option id, `multi` and `rank`
/// answers arrays of option ids (rank in order), Likert answers whole numbers.
/// The whole file is checked against the session's prompts first: if anything
/// is wrong, every problem is listed and nothing is stored. Answering a prompt
/// again stores a new revision; earlier ones are kept.
///
/// With --stream each line is `{"group": "G1", "vignette": "V2", "prompt": "s1_do",
/// "value": …}`; each answer is stored in its own transaction and then
/// acknowledged on standard output as `stored GROUP VIGNETTE PROMPT revision N`.
/// A line that does not fit is reported with its line number and skipped.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Session id.
    session: String,
    /// The answer file (JSON).
    #[arg(long, required_unless_present = "stream", conflicts_with = "stream")]
    file: Option<PathBuf>,
    /// Read single answers, one JSON object per line, from standard input.
    #[arg(long)]
    stream: bool,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let mut store = cx.store()?;
    let Some(file) = &args.file else {
        return stream(&mut store, &args.session);
    };
    let bytes = input::read_file(file, input::read::ANSWER_FILE)?;
    let name = file.display().to_string();
    let stored = session::store_answer_file(&mut store, &args.session, &name, &bytes)?;
    println!(
        "stored {stored} answer(s) from {name} in session {}",
        args.session
    );
    Ok(ExitCode::SUCCESS)
}

/// Stores answers line by line from standard input, acknowledging each one once committed.
fn stream(store: &mut Store, id: &str) -> Outcome {
    let loaded = session::load(store, id)?;
    let mut rejected = 0;
    let stdout = std::io::stdout();
    for read in input::Stream::new(std::io::stdin().lock(), "standard input") {
        let stored = read
            .map_err(|problem| vec![problem])
            .and_then(|(place, answer)| session::store_streamed(store, &loaded, &place, answer));
        match stored {
            Ok((answer, revision)) => {
                let mut out = stdout.lock();
                let acknowledged = writeln!(
                    out,
                    "stored {} {} {} revision {revision}",
                    answer.group, answer.vignette, answer.prompt
                )
                .and_then(|()| out.flush());
                if acknowledged.is_err() {
                    break; // nobody reads the acknowledgements any more; the answer is stored
                }
            }
            Err(problems) => {
                rejected += 1;
                for problem in problems {
                    eprintln!("error: {problem}");
                }
            }
        }
    }
    if rejected > 0 {
        return Err(Failure::invalid(format!(
            "{rejected} answer(s) were not stored"
        )));
    }
    Ok(ExitCode::SUCCESS)
}
