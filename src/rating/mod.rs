//! Human rating of a session's answers: blind unit codes, the seeded plan of
//! who codes which unit, checks of ratings against the pinned rubrics,
//! imports, consensus by rule, progress, and agreement from stored ratings
//! (among raters, and of the automatic scores against the humans).
//!
//! A rating unit is one group's answers to one vignette. Raters only ever see
//! its code (`U` + 10 hex digits of SHA-256 of `session/group/vignette`); the
//! code's meaning is computed here and never shown. Not for presentation or
//! reading files: no terminal, no printing (the CLI does that), and the
//! ratings CSV is read by `input`.

pub mod agreement;
mod audit;
mod blind;
mod consensus;
mod import;
mod plan;
mod progress;
mod stored;
mod units;

pub use audit::{
    Audit, CriterionAudit, MIN_DECIDED, MIN_MOVED, Missed, ProfileSuggestion, TermAudit, audit,
    audit_cards, human_levels,
};
pub use blind::{BlindPrompt, BlindStage, BlindUnit, blind_unit};
pub use consensus::{
    ADJUDICATED, Rated, Rule, adjudicate, adjudicated, by_rule, check_adjudicator,
    open_disagreements, rated,
};
pub use import::{import, session_of_ratings};
pub use plan::{assign, plan};
pub use progress::{RaterStatus, open_criteria, resume_at, status};
pub use stored::{SessionAgreement, agreement_ratings, session_agreement};
pub use units::{Unit, check_level, find_unit, rubric, units};

/// The rater name the automatic scores take in agreement.
pub const AUTO_RATER: &str = "auto";
