//! A rubric audit from a session's own ratings: how each piece of evidence
//! the rules credit fares against the human levels where it fired, and
//! what the humans credited that the rules missed. How authors tune a
//! rubric on a study's own data instead of on guesses.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::input::Rating;
use crate::scoring::{CardSum, Evidence, ScoreCard};
use crate::session::{Session, SessionError, unit_code};
use crate::store::Store;

use super::agreement::{Weights, cohen_kappa};
use super::stored::human_reference;

/// One piece of evidence of one criterion, over the units where it fired.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermAudit {
    pub criterion: String,
    /// A phrase of the rubric (`phrase:TERM`) or an answer (`option:PROMPT=OPTION`,
    /// `rank:PROMPT=OPTION`, `likert:PROMPT`).
    pub evidence: String,
    /// The level it gives.
    pub level: u8,
    /// Rated units where it fired.
    pub fired: usize,
    /// Of those, units whose human level is below the level it gives.
    pub over_credited: usize,
    /// Share of its firings where the human level reached the level it gives.
    pub precision: f64,
    pub mean_human_level: f64,
    /// Rated units where it decided the criterion's level: the criterion
    /// earned the level it gives, and nothing lowered it (profile rules
    /// aside: they read the rest of the card, not this evidence).
    pub decided: usize,
    /// The mean human level where it decided (`None` where it never did).
    pub mean_human_level_decided: Option<f64>,
    /// The level the humans give where it decided, rounded, when it decided
    /// on at least [`MIN_DECIDED`] units and that mean is more than half a
    /// level from the level it gives; how the shipped rubrics were
    /// calibrated (docs/statistics.md).
    pub suggested_level: Option<u8>,
}

/// The human levels of the units where a piece of evidence fired, and of
/// those where it decided the level.
type Firings = (Vec<i64>, Vec<i64>);

/// Units a piece of evidence must decide before the audit suggests a level for it.
pub const MIN_DECIDED: usize = 8;

/// The rules against the humans on one criterion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionAudit {
    pub criterion: String,
    pub units: usize,
    pub mean_auto_level: f64,
    pub mean_human_level: f64,
    /// Linear weighted kappa of the automatic against the human levels.
    pub kappa_linear: Option<f64>,
}

/// A unit the humans credited more than the rules did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Missed {
    pub unit: String,
    pub criterion: String,
    pub auto_level: u8,
    pub human_level: i64,
}

/// A profile rule the ratings suggest (see `evidence.profile` in a rubric):
/// where criterion `criterion` is at `from` (before profile rules) and the
/// rest of the card is at least `others_at_least` (or below
/// `others_below`), the humans give `to` more often than `from`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileSuggestion {
    pub criterion: String,
    pub from: u8,
    pub to: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub others_at_least: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub others_below: Option<f64>,
    /// Rated units the rule moves.
    pub moved: usize,
    /// Of those, the units the move brings to the human level's side less
    /// those it takes away from it: how many more it gets right.
    pub nearer: i64,
}

/// Units a profile rule must move before the audit suggests it.
pub const MIN_MOVED: usize = 8;

/// What the audit found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Audit {
    /// Every piece of evidence that fired on a rated unit, the most often
    /// over-crediting first (the false friends).
    pub evidence: Vec<TermAudit>,
    /// Per criterion, in id order.
    pub criteria: Vec<CriterionAudit>,
    /// The human-credited answers the rules missed, the largest gap first.
    pub missed: Vec<Missed>,
    /// Profile rules the ratings suggest, per criterion id and level, raises first.
    pub profile: Vec<ProfileSuggestion>,
}

/// Audits the session's latest automatic scores against its human
/// reference (the consensus, else the single rating) on every rated unit.
pub fn audit(store: &Store, session: &Session) -> Result<Audit, SessionError> {
    let human = human_reference(store, &session.record.id)?;
    let cards = store
        .latest_scores(&session.record.id, "auto")?
        .into_iter()
        .filter_map(|score| {
            let card = serde_json::from_str::<ScoreCard>(&score.card).ok()?;
            Some((
                unit_code(&session.record.id, &score.group, &score.vignette),
                card,
            ))
        });
    Ok(audit_cards(cards, &human))
}

/// The human level of every rated (unit, criterion) in a ratings file: the
/// raters' mean, rounded to the nearest level, halves down (two raters
/// giving 1 and 2 make 1), so the audit never credits more than the
/// raters together did.
pub fn human_levels(ratings: &[Rating]) -> BTreeMap<(String, String), i64> {
    let mut given: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for rating in ratings {
        let entry = given
            .entry((rating.unit.clone(), rating.criterion.clone()))
            .or_default();
        entry.0 += rating.level;
        entry.1 += 1;
    }
    given
        .into_iter()
        .map(|(key, (sum, n))| (key, (2 * sum + n - 1).div_euclid(2 * n)))
        .collect()
}

/// Audits score cards, each with its unit code, against the human level of
/// each (unit code, criterion); units and criteria without one are skipped.
pub fn audit_cards(
    cards: impl IntoIterator<Item = (String, ScoreCard)>,
    human: &BTreeMap<(String, String), i64>,
) -> Audit {
    let mut terms: BTreeMap<(String, String, u8), Firings> = BTreeMap::new();
    let mut criteria: BTreeMap<String, (Vec<i64>, Vec<i64>)> = BTreeMap::new();
    let mut missed = Vec::new();
    let mut placed: BTreeMap<(String, u8), Vec<Placed>> = BTreeMap::new();
    let mut max_level: BTreeMap<String, u8> = BTreeMap::new();
    for (unit, card) in cards {
        let rest = CardSum::of(
            card.criteria
                .iter()
                .map(|c| (c.before_profile(), c.max_level)),
        );
        for c in &card.criteria {
            let Some(&level) = human.get(&(unit.clone(), c.id.clone())) else {
                continue;
            };
            let pair = criteria.entry(c.id.clone()).or_default();
            pair.0.push(i64::from(c.level));
            pair.1.push(level);
            max_level.insert(c.id.clone(), c.max_level);
            if let Some(others) = rest.others(c.before_profile(), c.max_level) {
                placed
                    .entry((c.id.clone(), c.before_profile()))
                    .or_default()
                    .push(Placed {
                        others,
                        human: level,
                        flagged: !c.flags.is_empty(),
                    });
            }
            // Once per unit, however often it fired there.
            let fired: BTreeSet<(String, u8)> =
                c.evidence.iter().map(|e| (name(e), e.level())).collect();
            let decides = c.earned > 0 && c.before_profile() == c.earned;
            for (evidence, gives) in fired {
                let decided = decides && gives == c.earned;
                let entry = terms.entry((c.id.clone(), evidence, gives)).or_default();
                entry.0.push(level);
                if decided {
                    entry.1.push(level);
                }
            }
            if level > i64::from(c.level) {
                missed.push(Missed {
                    unit: unit.clone(),
                    criterion: c.id.clone(),
                    auto_level: c.level,
                    human_level: level,
                });
            }
        }
    }
    let mut evidence: Vec<TermAudit> = terms
        .into_iter()
        .map(|((criterion, evidence, level), (humans, decided))| {
            let reached = humans.iter().filter(|&&h| h >= i64::from(level)).count();
            TermAudit {
                criterion,
                evidence,
                level,
                fired: humans.len(),
                over_credited: humans.len() - reached,
                precision: reached as f64 / humans.len() as f64,
                mean_human_level: mean(&humans),
                decided: decided.len(),
                mean_human_level_decided: (!decided.is_empty()).then(|| mean(&decided)),
                suggested_level: suggested_level(level, &decided),
            }
        })
        .collect();
    evidence.sort_by(|a, b| {
        b.over_credited
            .cmp(&a.over_credited)
            .then_with(|| a.precision.total_cmp(&b.precision))
            .then_with(|| (&a.criterion, &a.evidence).cmp(&(&b.criterion, &b.evidence)))
    });
    missed.sort_by(|a, b| {
        (b.human_level - i64::from(b.auto_level))
            .cmp(&(a.human_level - i64::from(a.auto_level)))
            .then_with(|| (&a.unit, &a.criterion).cmp(&(&b.unit, &b.criterion)))
    });
    let criteria = criteria
        .into_iter()
        .map(|(criterion, (auto, human))| CriterionAudit {
            units: auto.len(),
            mean_auto_level: mean(&auto),
            mean_human_level: mean(&human),
            kappa_linear: cohen_kappa(&auto, &human, Weights::Linear),
            criterion,
        })
        .collect();
    Audit {
        evidence,
        criteria,
        missed,
        profile: suggest_profiles(&placed, &max_level),
    }
}

/// A rated unit's criterion as profile rules read it: the rest of the card,
/// the human level, and whether a red flag acted on the criterion.
struct Placed {
    others: f64,
    human: i64,
    flagged: bool,
}

/// Per criterion id and level, the threshold on a grid of 0.05 that moves
/// at least [`MIN_MOVED`] units and gets the most more of them right, if
/// any gets more right than wrong: a raise (never from 0, never where a
/// red flag acted) where the rest of the card is strong, a lowering where
/// it is weak. As `tests/fixtures/validation-method/calibrate_profile.py`
/// fitted the shipped rules, but on the one human level per unit.
fn suggest_profiles(
    placed: &BTreeMap<(String, u8), Vec<Placed>>,
    max_level: &BTreeMap<String, u8>,
) -> Vec<ProfileSuggestion> {
    let mut raises = Vec::new();
    let mut lowerings = Vec::new();
    for ((criterion, level), units) in placed {
        let (from, l) = (*level, i64::from(*level));
        let suggestion = |to: u8, best: Option<(f64, usize, i64)>| {
            best.map(|(t, moved, nearer)| ProfileSuggestion {
                criterion: criterion.clone(),
                from,
                to,
                others_at_least: (to > from).then_some(t),
                others_below: (to < from).then_some(t),
                moved,
                nearer,
            })
        };
        if from > 0 && max_level.get(criterion).is_some_and(|&max| from < max) {
            raises.extend(suggestion(
                from + 1,
                best_threshold(
                    units.iter().filter(|u| !u.flagged),
                    |others, t| others >= t,
                    |h| i64::from(h > l) - i64::from(h <= l),
                ),
            ));
        }
        if from > 0 {
            lowerings.extend(suggestion(
                from - 1,
                best_threshold(
                    units.iter(),
                    |others, t| others < t,
                    |h| i64::from(h < l) - i64::from(h >= l),
                ),
            ));
        }
    }
    raises.extend(lowerings);
    raises
}

/// The lowest grid threshold with the largest gain over the units it moves
/// (at least [`MIN_MOVED`], gain above 0), as (threshold, moved, gain).
fn best_threshold<'p>(
    units: impl Iterator<Item = &'p Placed> + Clone,
    moves: impl Fn(f64, f64) -> bool,
    gain: impl Fn(i64) -> i64,
) -> Option<(f64, usize, i64)> {
    let mut best: Option<(f64, usize, i64)> = None;
    for k in 1..20 {
        let t = f64::from(k) / 20.0;
        let moved: Vec<&Placed> = units.clone().filter(|u| moves(u.others, t)).collect();
        let nearer: i64 = moved.iter().map(|u| gain(u.human)).sum();
        if moved.len() >= MIN_MOVED && nearer > 0 && best.is_none_or(|(_, _, g)| nearer > g) {
            best = Some((t, moved.len(), nearer));
        }
    }
    best
}

/// The level the humans give a piece of evidence where it decided, if it
/// decided often enough and they differ from it by more than half a level.
fn suggested_level(level: u8, decided: &[i64]) -> Option<u8> {
    if decided.len() < MIN_DECIDED {
        return None;
    }
    let human = mean(decided);
    let rounded = (human + 0.5).floor().clamp(0.0, 2.0) as u8;
    // More than half a level away, the rounded mean is another level.
    ((human - f64::from(level)).abs() > 0.5).then_some(rounded)
}

/// How a piece of evidence is named in the audit.
fn name(evidence: &Evidence) -> String {
    match evidence {
        Evidence::Phrase { term, .. } => format!("phrase:{term}"),
        Evidence::Option { prompt, option, .. } => format!("option:{prompt}={option}"),
        Evidence::Rank { prompt, option, .. } => format!("rank:{prompt}={option}"),
        Evidence::Likert { prompt, .. } => format!("likert:{prompt}"),
    }
}

fn mean(values: &[i64]) -> f64 {
    values.iter().sum::<i64>() as f64 / values.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rating(rater: &str, level: i64) -> Rating {
        Rating {
            unit: "U1".to_string(),
            rater: rater.to_string(),
            criterion: "D5".to_string(),
            level,
        }
    }

    #[test]
    fn a_level_is_suggested_where_the_humans_place_deciding_evidence_elsewhere() {
        let eight = |level: i64| vec![level; MIN_DECIDED];
        assert_eq!(suggested_level(1, &eight(0)), Some(0));
        assert_eq!(suggested_level(1, &eight(2)), Some(2));
        assert_eq!(suggested_level(1, &eight(1)), None);
        assert_eq!(suggested_level(1, &[0; MIN_DECIDED - 1]), None, "too few");
        // Mean 1.375 against 2: more than half a level below, rounds to 1.
        assert_eq!(suggested_level(2, &[1, 1, 1, 1, 1, 2, 2, 2]), Some(1));
        // Mean 1.5 against 2: exactly half a level is not more.
        assert_eq!(suggested_level(2, &[1, 1, 1, 1, 2, 2, 2, 2]), None);
        // Mean 0.375 against 1: rounds to 0.
        assert_eq!(suggested_level(1, &[0, 0, 0, 0, 0, 1, 1, 1]), Some(0));
    }

    /// Twelve units at level 1: those with a strong rest of the card are
    /// given 2 by the humans, those with a weak rest 0. The audit suggests
    /// raising at the lowest threshold that takes in the strong ones only,
    /// and lowering below the one that takes in the weak ones only.
    #[test]
    fn profile_rules_are_suggested_where_the_humans_follow_the_rest_of_the_card() {
        let unit = |others: f64, human: i64| Placed {
            others,
            human,
            flagged: false,
        };
        let mut units: Vec<Placed> = (0..8).map(|_| unit(0.72, 2)).collect();
        units.extend((0..8).map(|_| unit(0.2, 0)));
        units.extend((0..4).map(|_| unit(0.5, 1)));
        let placed = BTreeMap::from([(("D1".to_string(), 1), units)]);
        let max = BTreeMap::from([("D1".to_string(), 2)]);
        let suggested = suggest_profiles(&placed, &max);
        let rule = |s: &ProfileSuggestion| {
            (
                s.from,
                s.to,
                s.others_at_least,
                s.others_below,
                s.moved,
                s.nearer,
            )
        };
        assert_eq!(
            suggested.iter().map(rule).collect::<Vec<_>>(),
            [
                (1, 2, Some(0.55), None, 8, 8),
                (1, 0, None, Some(0.25), 8, 8),
            ]
        );
        // Too few to move, or a red flag on every strong unit: no raise.
        let flagged: Vec<Placed> = (0..8)
            .map(|_| Placed {
                others: 0.72,
                human: 2,
                flagged: true,
            })
            .collect();
        let placed = BTreeMap::from([(("D1".to_string(), 1), flagged)]);
        assert!(suggest_profiles(&placed, &max).is_empty());
    }

    #[test]
    fn a_file_s_human_level_is_the_raters_mean_with_halves_rounded_down() {
        let level = |levels: &[i64]| {
            let ratings: Vec<Rating> = levels
                .iter()
                .enumerate()
                .map(|(i, &l)| rating(&format!("r{i}"), l))
                .collect();
            human_levels(&ratings)[&("U1".to_string(), "D5".to_string())]
        };
        assert_eq!(level(&[2]), 2);
        assert_eq!(level(&[1, 2]), 1);
        assert_eq!(level(&[0, 1]), 0);
        assert_eq!(level(&[0, 2]), 1);
        assert_eq!(level(&[0, 1, 1]), 1);
        assert_eq!(level(&[0, 0, 1]), 0);
        assert_eq!(level(&[2, 2, 1, 1]), 1);
    }
}
