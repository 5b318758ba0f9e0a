//! Automatic scoring: a group's answers to one vignette, judged against the
//! vignette's pinned rubric. Each criterion gets a level with the evidence
//! for it (options chosen, ranks, Likert values, phrases written and where),
//! red flags cap or lower levels, and dimensions get scores from 0 to 100.
//! [`Scorer::score`] builds the full card with the evidence;
//! [`Scorer::levels`] only the levels, for scoring many units at once. Both
//! apply the same rules.
//!
//! `cues` finds the answers the instrument would hand out (level-2 phrases
//! in the text a group reads), for `validate`.
//!
//! The rules (`types`, `rules`, `matcher`, `fold`) are pure: no I/O, no
//! store. `session` applies them to a stored session's latest answers,
//! storing each unit's scores as a new version, or to a session export read
//! by `input` ([`Responses`]). Human ratings, which override these levels,
//! are `rating`'s business; reading files is `input`'s.

mod cues;
pub mod fold;
mod matcher;
mod rules;
mod session;
mod types;

pub use cues::cue_warnings;
pub use matcher::{Hit, MatchBuffers, Matcher, Target};
pub use rules::{Scorer, Scratch};
pub use session::{
    LevelChange, Responses, ScoreStatus, Scored, ScoredSummary, latest_answers, parse_responses,
    score_session, score_session_with_bank,
};
pub use types::{
    Answer, CardSum, CriterionLevel, CriterionScore, DimensionScore, Evidence, Levels, Mention,
    ProfileMove, RaisedFlag, ScoreCard, Summary,
};
