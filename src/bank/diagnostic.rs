//! Problems found in a bank: the one problem shape of `input` (file, place,
//! what was expected, a hint) with a severity.

use std::fmt;

use serde::Serialize;

use crate::input::Problem;
use crate::input::json::Position;

/// How bad a problem is: errors make a bank invalid, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one file of a bank.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file is a path relative to the bank root, e.g. `vignettes/V1.json`.
    #[serde(flatten)]
    pub problem: Problem,
}

impl Diagnostic {
    /// An error at `pointer` in `file`.
    pub fn error(file: &str, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            problem: Problem::at_pointer(file, pointer, message),
        }
    }

    /// A warning at `pointer` in `file`.
    pub fn warning(file: &str, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, pointer, message)
        }
    }

    /// Adds a hint on how to fix it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.problem.hint = Some(hint.into().into());
        self
    }

    /// Sets the line and column.
    pub fn at(mut self, position: Position) -> Diagnostic {
        self.problem = self.problem.at(position);
        self
    }
}

impl std::ops::Deref for Diagnostic {
    type Target = Problem;

    fn deref(&self) -> &Problem {
        &self.problem
    }
}

impl std::ops::DerefMut for Diagnostic {
    fn deref_mut(&mut self) -> &mut Problem {
        &mut self.problem
    }
}

/// Sorts problems by file and position, dropping exact repeats.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.problem.key().cmp(&b.problem.key()));
    diagnostics.dedup();
}

impl fmt::Display for Diagnostic {
    /// `error: vignettes/V1.json:12:7: at /stages/0/text/en: message`, then the hint.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{severity}: {}", self.problem)
    }
}
