//! The seeded rating plan: who codes which unit, in which order.

use std::collections::BTreeSet;

use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::session::{self, SessionError};
use crate::store::{RatingPlanRecord, RatingRunRecord, Store};

use super::*;

/// Draws a rating plan: every unit gets one primary rater (balanced across
/// raters, within one), a share `overlap` of the units (chosen at random,
/// rounded) gets a second, different rater, and each rater's units are put
/// in an order of their own. The same seed and inputs give the same plan.
pub fn assign(
    units: &[Unit<'_>],
    raters: &[String],
    overlap: f64,
    seed: u64,
) -> Result<Vec<RatingPlanRecord>, SessionError> {
    check_raters(raters, overlap)?;
    if units.is_empty() {
        return Err(SessionError::Spec(
            "the session has no answers to rate yet".into(),
        ));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut codes: Vec<&str> = units.iter().map(|u| u.code.as_str()).collect();
    codes.shuffle(&mut rng);
    let mut load = vec![0usize; raters.len()];
    let mut taken: Vec<Vec<(&str, &str)>> = vec![Vec::new(); raters.len()];
    let offset = rng.random_range(0..raters.len());
    for (i, code) in codes.iter().enumerate() {
        let r = (i + offset) % raters.len();
        load[r] += 1;
        taken[r].push((code, "primary"));
    }
    let doubled = (overlap * codes.len() as f64).round() as usize;
    let mut second: Vec<usize> = (0..codes.len()).collect();
    second.shuffle(&mut rng);
    for &i in second.iter().take(doubled) {
        let primary = (i + offset) % raters.len();
        let r = least_loaded(&load, primary, &mut rng);
        load[r] += 1;
        taken[r].push((codes[i], "second"));
    }
    let mut plan = Vec::new();
    for (r, mut mine) in taken.into_iter().enumerate() {
        mine.shuffle(&mut rng);
        plan.extend(
            mine.into_iter()
                .enumerate()
                .map(|(p, (code, role))| RatingPlanRecord {
                    rater: raters[r].clone(),
                    unit: code.to_string(),
                    position: p as u32 + 1,
                    role: role.to_string(),
                }),
        );
    }
    Ok(plan)
}

/// The rater other than `primary` with the fewest units; ties drawn at random.
fn least_loaded(load: &[usize], primary: usize, rng: &mut ChaCha8Rng) -> usize {
    let others = (0..load.len()).filter(|&r| r != primary);
    let least = others.clone().map(|r| load[r]).min().unwrap_or(0);
    let ties: Vec<usize> = others.filter(|&r| load[r] == least).collect();
    ties[rng.random_range(0..ties.len())]
}

fn check_raters(raters: &[String], overlap: f64) -> Result<(), SessionError> {
    let spec = |m: String| Err(SessionError::Spec(m));
    if raters.is_empty() || raters.iter().any(|r| r.trim().is_empty()) {
        return spec("expected one or more rater names, such as anna and bo".into());
    }
    if let Some(r) = raters.iter().find(|r| r.as_str() == AUTO_RATER) {
        return spec(format!("`{r}` is reserved for the automatic scores"));
    }
    let distinct: BTreeSet<&String> = raters.iter().collect();
    if distinct.len() != raters.len() {
        return spec("each rater may be named once".into());
    }
    if !(0.0..=1.0).contains(&overlap) {
        return spec(format!(
            "the overlap {overlap} is not a share between 0 and 1"
        ));
    }
    if overlap > 0.0 && raters.len() < 2 {
        return spec("double coding (an overlap above 0) needs two or more raters".into());
    }
    Ok(())
}

/// Draws and stores a session's rating plan; refused if it has one.
pub fn plan(
    store: &mut Store,
    id: &str,
    raters: &[String],
    overlap: f64,
    seed: u64,
) -> Result<Vec<RatingPlanRecord>, SessionError> {
    let session = session::load(store, id)?;
    if store.rating_run(id)?.is_some() {
        return Err(SessionError::Spec(format!(
            "session {id} has a rating plan already"
        )));
    }
    let units = units(&session, store)?;
    let plan = assign(&units, raters, overlap, seed)?;
    let run = RatingRunRecord {
        seed,
        overlap,
        raters: raters.to_vec(),
        planned_at: String::new(),
    };
    store.save_rating_plan(id, &run, &plan)?;
    Ok(plan)
}
