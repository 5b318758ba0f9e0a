//! Simulated human raters: two raters code a share of a session's units,
//! each agreeing with the automatic level most of the time and otherwise
//! one level off, independently of each other. For demos of the rating
//! workflow and of agreement; the ratings go in through the normal import.

use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::scoring::ScoreCard;
use crate::session::SessionError;
use crate::session::unit_code;
use crate::store::{Store, StoreError};

/// How simulated raters rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Raters {
    pub names: Vec<String>,
    /// Share of the session's scored units every rater codes, in [0, 1].
    pub share: f64,
    /// Chance that a rater gives the automatic level, in [0, 1].
    pub agree: f64,
    pub seed: u64,
}

/// The ratings CSV (`unit,rater,criterion,level`) the raters would hand in
/// for a session, from its latest automatic scores; the same seed gives the
/// same file.
pub fn ratings_csv(store: &Store, session: &str, raters: &Raters) -> Result<String, SessionError> {
    let mut rng = ChaCha8Rng::seed_from_u64(raters.seed);
    let mut scores = store.latest_scores(session, "auto")?;
    scores.sort_by(|a, b| (&a.group, &a.vignette).cmp(&(&b.group, &b.vignette)));
    scores.shuffle(&mut rng);
    let rated = (scores.len() as f64 * raters.share).round() as usize;
    let mut csv = String::from("unit,rater,criterion,level\n");
    for score in &scores[..rated] {
        let card: ScoreCard = serde_json::from_str(&score.card).map_err(|e| {
            StoreError::Corrupt(format!("score card of {session}/{}: {e}", score.group))
        })?;
        let unit = unit_code(session, &score.group, &score.vignette);
        for rater in &raters.names {
            for criterion in &card.criteria {
                let level = noisy(criterion.level, criterion.max_level, raters.agree, &mut rng);
                csv.push_str(&format!("{unit},{rater},{},{level}\n", criterion.id));
            }
        }
    }
    Ok(csv)
}

/// `level`, or with probability 1 − `agree` a level one step up or down.
fn noisy(level: u8, max: u8, agree: f64, rng: &mut ChaCha8Rng) -> u8 {
    if rng.random_bool(agree.clamp(0.0, 1.0)) {
        return level;
    }
    match (level, rng.random_bool(0.5)) {
        (0, _) => 1.min(max),
        (l, _) if l == max => l - 1,
        (l, true) => l + 1,
        (l, false) => l - 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_noisy_level_stays_on_the_scale_and_moves_at_most_one_step() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for _ in 0..1000 {
            for level in 0..=2u8 {
                let got = noisy(level, 2, 0.5, &mut rng);
                assert!(got <= 2 && got.abs_diff(level) <= 1);
            }
        }
        assert_eq!(noisy(1, 2, 1.0, &mut rng), 1);
    }
}
