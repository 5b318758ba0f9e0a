//! How a command fails: a kind that decides the exit code, the message,
//! lines printed before it (one per problem found) and hints printed after
//! it. Every conversion from a library error is here, with the hints that
//! name this face's commands and flags (the library never names them).

use std::process::ExitCode;

use vignette::bank::BankError;
use vignette::demo::DemoError;
use vignette::export::ExportError;
use vignette::input::{Problem, Unreadable, printable};
use vignette::render::RenderError;
use vignette::report::{ProfileError, ReportError};
use vignette::session::SessionError;
use vignette::simulate::SimulateError;
use vignette::simulate::power::PowerError;
use vignette::store::StoreError;

/// Problems listed before the rest are only counted.
const SHOWN_PROBLEMS: usize = 20;

/// What kind of failure, which decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The input was read but is invalid (exit 1).
    Invalid,
    /// Bad arguments, or input that could not be read (exit 2).
    Usage,
    /// A database this program cannot read, or a fault of its own (exit 3).
    Internal,
}

impl Kind {
    fn code(self) -> u8 {
        match self {
            Kind::Invalid => 1,
            Kind::Usage => 2,
            Kind::Internal => 3,
        }
    }
}

/// A failed command: what went wrong, how to fix it, and the exit code.
#[derive(Debug)]
pub struct Failure {
    kind: Kind,
    message: String,
    /// Lines printed before the message, e.g. one per problem found.
    details: Vec<String>,
    hints: Vec<String>,
}

impl Failure {
    fn new(kind: Kind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            message: message.into(),
            details: Vec::new(),
            hints: Vec::new(),
        }
    }

    /// Bad arguments or unreadable input (exit 2).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure::new(Kind::Usage, message)
    }

    /// The input was read but is invalid (exit 1).
    pub fn invalid(message: impl Into<String>) -> Failure {
        Failure::new(Kind::Invalid, message)
    }

    /// A corrupt database or a fault of the program's own (exit 3).
    pub fn internal(message: impl Into<String>) -> Failure {
        Failure::new(Kind::Internal, message)
    }

    /// Invalid input with every problem found listed before the message
    /// (the first [`SHOWN_PROBLEMS`], then a count of the rest).
    pub fn problems(message: impl Into<String>, problems: &[Problem]) -> Failure {
        let mut failure = Failure::invalid(message);
        failure.details = problems
            .iter()
            .take(SHOWN_PROBLEMS)
            .map(|p| format!("error: {p}"))
            .collect();
        if problems.len() > SHOWN_PROBLEMS {
            let more = problems.len() - SHOWN_PROBLEMS;
            failure.details.push(format!("… and {more} more"));
        }
        failure
    }

    /// Adds a hint printed under the message.
    pub fn hint(mut self, hint: impl Into<String>) -> Failure {
        self.hints.push(hint.into());
        self
    }

    /// Adds a hint where `hint` has one.
    pub fn hint_if(self, hint: Option<&str>) -> Failure {
        match hint {
            Some(hint) => self.hint(hint),
            None => self,
        }
    }

    /// Prints the failure on standard error, control characters escaped,
    /// and gives its exit code.
    pub fn report(&self) -> ExitCode {
        for detail in &self.details {
            eprintln!("{}", printable(detail, true));
        }
        eprintln!("error: {}", printable(&self.message, true));
        for hint in &self.hints {
            eprintln!("  hint: {}", printable(hint, true));
        }
        ExitCode::from(self.kind.code())
    }
}

impl From<BankError> for Failure {
    fn from(error: BankError) -> Failure {
        Failure::usage(error.to_string())
    }
}

impl From<Unreadable> for Failure {
    fn from(error: Unreadable) -> Failure {
        Failure::usage(error.to_string())
    }
}

impl From<RenderError> for Failure {
    fn from(error: RenderError) -> Failure {
        Failure::usage(error.to_string())
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Failure {
        Failure::usage(format!("cannot write the output: {error}"))
    }
}

impl From<csv::Error> for Failure {
    fn from(error: csv::Error) -> Failure {
        Failure::usage(format!("cannot write the output: {error}"))
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Failure {
        let hint = match &error {
            StoreError::NoSession(_) => {
                Some("`vignette session list` shows the sessions in this database".to_string())
            }
            StoreError::Closed(id) => Some(format!(
                "reopen it with `vignette session reopen {id} --reason …`"
            )),
            StoreError::Discarded(id, _) => Some(format!(
                "restore it with `vignette session restore {id} --reason …`"
            )),
            StoreError::ReadOnly { .. } => Some(
                "commands that only read it still work (session list, session status, session \
                 export, export, compare, report); to change it, run this where the database \
                 and its folder can be written, or copy it to such a folder and use --db"
                    .to_string(),
            ),
            StoreError::NotEmpty(id, _) => Some(format!(
                "discard it instead, which keeps it and leaves it out of every result: \
                 `vignette session discard {id} --reason …`"
            )),
            _ => None,
        };
        let failure = match error {
            StoreError::Corrupt(_) | StoreError::Migration(_) | StoreError::Sql(_) => {
                Failure::internal(error.to_string())
            }
            _ => Failure::usage(error.to_string()),
        };
        match hint {
            Some(hint) => failure.hint(hint),
            None => failure,
        }
    }
}

impl From<SessionError> for Failure {
    fn from(error: SessionError) -> Failure {
        match error {
            SessionError::Answers {
                source_name,
                problems,
            } => Failure::problems(
                format!(
                    "{} problem(s) in {source_name}; nothing was stored",
                    problems.len()
                ),
                &problems,
            ),
            SessionError::Store(e) => e.into(),
            other => Failure::usage(other.to_string()),
        }
    }
}

impl From<ExportError> for Failure {
    fn from(error: ExportError) -> Failure {
        let failure = Failure::usage(error.to_string());
        match error {
            ExportError::Exists { .. } => {
                failure.hint("add --force to replace them, or choose another --out folder")
            }
            ExportError::Render(_) => Failure::internal(failure.message),
            _ => failure,
        }
    }
}

impl From<ProfileError> for Failure {
    fn from(error: ProfileError) -> Failure {
        match error {
            ProfileError::Render(_) => Failure::internal(error.to_string()),
            _ => Failure::usage(error.to_string()),
        }
    }
}

impl From<ReportError> for Failure {
    fn from(error: ReportError) -> Failure {
        let hint = match &error {
            ReportError::NoScores(_) => Some("score the sessions first: `vignette score SESSION`"),
            ReportError::UnknownPhase { .. } => Some("leave out --phase to use the latest phase"),
            _ => None,
        };
        Failure::usage(error.to_string()).hint_if(hint)
    }
}

impl From<SimulateError> for Failure {
    fn from(error: SimulateError) -> Failure {
        match error {
            SimulateError::Session(e) => e.into(),
            e @ SimulateError::CohortExists { .. } => Failure::usage(e.to_string())
                .hint("choose another --cohort, or simulate into a new --db"),
            e @ SimulateError::Partial { .. } => Failure::usage(e.to_string())
                .hint("simulate again into a new --db, or with another --cohort"),
            e @ SimulateError::Spec(_) => Failure::usage(e.to_string()),
        }
    }
}

impl From<PowerError> for Failure {
    fn from(error: PowerError) -> Failure {
        match error {
            PowerError::Simulate(e) => e.into(),
            e @ PowerError::Spec(_) => Failure::usage(e.to_string()),
            e @ PowerError::Malformed(_) => Failure::invalid(e.to_string())
                .hint("write it with `vignette power --format json > FILE.json`"),
        }
    }
}

impl From<DemoError> for Failure {
    fn from(error: DemoError) -> Failure {
        match error {
            DemoError::Exists { .. } => Failure::usage(error.to_string())
                .hint("add --force to replace it, or choose another --dir"),
            other => Failure::invalid(other.to_string()),
        }
    }
}
