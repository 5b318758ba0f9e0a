//! Parallel forms across phases: which form of a study's vignettes a new
//! session takes.
//!
//! A site starts with one form and moves on through the forms as the
//! study's `form_rotation` says (by default one form per phase, wrapping
//! round after the last), so it meets new cases at a later phase rather than
//! ones it knows the end of. Which form a site starts with is balanced across
//! the sites of each offering and sector: a new site takes the start fewest
//! of them have (ties broken by the session's seed), so half the sites go
//! A→B and half B→A. A site that already has a session keeps its rotation.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::bank::Study;

/// The form of a session and the rotation its site follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormAssignment {
    /// The form this session's vignettes are drawn from.
    pub form: String,
    /// The site's form at every phase of the study, in phase order.
    pub rotation: Vec<PhaseForm>,
    /// How the form was found: `balanced` (a new site), `site` (the site's
    /// earlier sessions set the rotation) or `named` (chosen by hand).
    pub chosen: String,
}

/// One phase of a site's rotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseForm {
    pub phase: String,
    pub form: String,
}

/// An earlier session of the same study, as far as forms go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierSession {
    pub site: String,
    pub offering: String,
    /// The site's `sector` attribute, if it has one.
    pub sector: Option<String>,
    pub phase: String,
    /// The session's form; `None` for a session not drawn from forms.
    pub form: Option<String>,
}

/// Where a new session stands: its site, offering, sector and phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewSession<'a> {
    pub site: &'a str,
    pub offering: &'a str,
    pub sector: Option<&'a str>,
    pub phase: &'a str,
}

/// Why a form cannot be used as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("the study has no forms; leave out the form or add forms to the study")]
    NoForms,
    #[error("the study has no form `{form}`; expected one of: {known}")]
    UnknownForm { form: String, known: String },
    #[error("the study has no phase `{0}`")]
    UnknownPhase(String),
}

/// The form a stored design (as JSON) records, if any.
pub fn form_of_design(design: &str) -> Option<String> {
    assignment_of_design(design).map(|f| f.form)
}

/// The form assignment a stored design (as JSON) records, if any.
pub fn assignment_of_design(design: &str) -> Option<FormAssignment> {
    #[derive(Deserialize)]
    struct FormOnly {
        #[serde(default)]
        form: Option<FormAssignment>,
    }
    serde_json::from_str::<FormOnly>(design).ok()?.form
}

/// The form for a new session, balanced across sites; `None` when the
/// study has no forms. `earlier` lists the study's sessions in the order
/// they were created.
pub fn choose(
    study: &Study,
    new: NewSession<'_>,
    earlier: &[EarlierSession],
    seed: u64,
) -> Result<Option<FormAssignment>, FormError> {
    if study.forms.is_empty() {
        return Ok(None);
    }
    let phase = phase_index(study, new.phase)?;
    let starts = site_starts(study, earlier);
    let (start, chosen) = match starts.get(new.site) {
        Some(&(start, _, _)) => (start, "site"),
        None => (balanced_start(study, &starts, new, seed), "balanced"),
    };
    Ok(Some(assignment(study, start, phase, chosen)))
}

/// The rotation that gives `form` at `phase`, for a form chosen by hand.
pub fn named(study: &Study, phase: &str, form: &str) -> Result<FormAssignment, FormError> {
    if study.forms.is_empty() {
        return Err(FormError::NoForms);
    }
    let index = study
        .forms
        .iter()
        .position(|f| f.id == form)
        .ok_or_else(|| {
            let known: Vec<&str> = study.forms.iter().map(|f| f.id.as_str()).collect();
            FormError::UnknownForm {
                form: form.to_string(),
                known: known.join(", "),
            }
        })?;
    let phase = phase_index(study, phase)?;
    let start = start_of(study, index, phase);
    Ok(assignment(study, start, phase, "named"))
}

fn phase_index(study: &Study, phase: &str) -> Result<usize, FormError> {
    study
        .phases
        .iter()
        .position(|p| p.id == phase)
        .ok_or_else(|| FormError::UnknownPhase(phase.to_string()))
}

/// The step of the rotation phase `phase` (by position) takes.
fn step(study: &Study, phase: usize) -> usize {
    study
        .form_rotation
        .as_ref()
        .and_then(|steps| steps.get(phase).copied())
        .unwrap_or(phase)
}

/// The starting form of a site that has form `form` at phase `phase`.
fn start_of(study: &Study, form: usize, phase: usize) -> usize {
    let count = study.forms.len();
    (form + count - step(study, phase) % count) % count
}

fn assignment(study: &Study, start: usize, phase: usize, chosen: &str) -> FormAssignment {
    let form_at = |p: usize| {
        study.forms[(start + step(study, p)) % study.forms.len()]
            .id
            .clone()
    };
    FormAssignment {
        form: form_at(phase),
        rotation: study
            .phases
            .iter()
            .enumerate()
            .map(|(p, ph)| PhaseForm {
                phase: ph.id.clone(),
                form: form_at(p),
            })
            .collect(),
        chosen: chosen.to_string(),
    }
}

/// Site → (index of its starting form, offering, sector), from the first
/// of its earlier sessions that was drawn from a known form.
fn site_starts<'e>(
    study: &Study,
    earlier: &'e [EarlierSession],
) -> BTreeMap<&'e str, (usize, &'e str, Option<&'e str>)> {
    let mut starts = BTreeMap::new();
    for session in earlier {
        let Some(form) = &session.form else { continue };
        let form = study.forms.iter().position(|f| &f.id == form);
        let phase = study.phases.iter().position(|p| p.id == session.phase);
        if let (Some(form), Some(phase)) = (form, phase) {
            let start = start_of(study, form, phase);
            let at = (start, session.offering.as_str(), session.sector.as_deref());
            starts.entry(session.site.as_str()).or_insert(at);
        }
    }
    starts
}

/// The start fewest sites of the same offering and sector have; ties are
/// broken by `seed`.
fn balanced_start(
    study: &Study,
    starts: &BTreeMap<&str, (usize, &str, Option<&str>)>,
    new: NewSession<'_>,
    seed: u64,
) -> usize {
    let mut used = vec![0usize; study.forms.len()];
    for &(start, offering, sector) in starts.values() {
        if offering == new.offering && sector == new.sector {
            used[start] += 1;
        }
    }
    let fewest = used.iter().copied().min().unwrap_or(0);
    let candidates: Vec<usize> = (0..used.len()).filter(|&i| used[i] == fewest).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    *candidates.choose(&mut rng).unwrap_or(&0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{Form, Labelled};

    fn labelled(id: &str) -> Labelled {
        Labelled {
            id: id.to_string(),
            label: [("en".to_string(), id.to_string())].into(),
            description: None,
        }
    }

    fn study(forms: &[&str], phases: &[&str]) -> Study {
        let json = serde_json::json!({
            "id": "s", "version": "1.0.0", "title": {"en": "S"}, "languages": ["en"],
            "dimensions": [], "offerings": [], "phases": [], "roles": [],
            "site_attributes": [], "vignettes": []
        });
        let mut study: Study = serde_json::from_value(json).unwrap();
        study.phases = phases.iter().map(|p| labelled(p)).collect();
        study.forms = forms
            .iter()
            .map(|f| Form {
                id: f.to_string(),
                label: [("en".to_string(), f.to_string())].into(),
                vignettes: vec![format!("V{f}")],
            })
            .collect();
        study
    }

    fn new<'a>(site: &'a str, offering: &'a str, phase: &'a str) -> NewSession<'a> {
        NewSession {
            site,
            offering,
            sector: Some("school"),
            phase,
        }
    }

    fn earlier(site: &str, offering: &str, phase: &str, form: &str) -> EarlierSession {
        EarlierSession {
            site: site.to_string(),
            offering: offering.to_string(),
            sector: Some("school".to_string()),
            phase: phase.to_string(),
            form: Some(form.to_string()),
        }
    }

    fn forms_of(a: &FormAssignment) -> Vec<&str> {
        a.rotation.iter().map(|p| p.form.as_str()).collect()
    }

    #[test]
    fn a_study_without_forms_gives_none() {
        let study = study(&[], &["baseline", "endpoint"]);
        assert_eq!(choose(&study, new("x", "o", "baseline"), &[], 1), Ok(None));
        assert_eq!(named(&study, "baseline", "A"), Err(FormError::NoForms));
    }

    #[test]
    fn a_site_continues_its_rotation_at_a_later_phase() {
        let study = study(&["A", "B"], &["baseline", "midpoint", "endpoint"]);
        let before = [earlier("x", "o", "baseline", "B")];
        let later = choose(&study, new("x", "o", "endpoint"), &before, 7)
            .unwrap()
            .unwrap();
        assert_eq!(later.form, "B", "B at phase 0 wraps round to B at phase 2");
        assert_eq!(forms_of(&later), ["B", "A", "B"]);
        assert_eq!(later.chosen, "site");
        let middle = choose(&study, new("x", "o", "midpoint"), &before, 7)
            .unwrap()
            .unwrap();
        assert_eq!(middle.form, "A");
    }

    #[test]
    fn new_sites_alternate_their_start_within_an_offering_and_sector() {
        let study = study(&["A", "B"], &["baseline", "endpoint"]);
        let mut earlier_sessions = Vec::new();
        for (i, site) in ["s1", "s2", "s3", "s4", "s5", "s6"].iter().enumerate() {
            let got = choose(
                &study,
                new(site, "o", "baseline"),
                &earlier_sessions,
                i as u64,
            )
            .unwrap()
            .unwrap();
            assert_eq!(got.chosen, "balanced");
            earlier_sessions.push(earlier(site, "o", "baseline", &got.form));
        }
        let a = earlier_sessions
            .iter()
            .filter(|e| e.form.as_deref() == Some("A"))
            .count();
        assert_eq!(a, 3, "half the sites start with A");
        // Another offering's sites do not count toward this offering's balance.
        let other = choose(&study, new("t1", "p", "baseline"), &earlier_sessions, 0).unwrap();
        let again = choose(&study, new("t1", "p", "baseline"), &[], 0).unwrap();
        assert_eq!(other, again);
    }

    #[test]
    fn the_same_seed_gives_the_same_start() {
        let study = study(&["A", "B", "C"], &["baseline", "endpoint"]);
        for seed in 0..20 {
            let one = choose(&study, new("x", "o", "baseline"), &[], seed).unwrap();
            let two = choose(&study, new("x", "o", "baseline"), &[], seed).unwrap();
            assert_eq!(one, two);
        }
    }

    #[test]
    fn the_study_rotation_decides_which_phases_share_a_form() {
        let mut study = study(&["A", "B"], &["baseline", "midpoint", "endpoint"]);
        study.form_rotation = Some(vec![0, 0, 1]);
        let before = [earlier("x", "o", "midpoint", "B")];
        let later = choose(&study, new("x", "o", "endpoint"), &before, 7)
            .unwrap()
            .unwrap();
        assert_eq!(forms_of(&later), ["B", "B", "A"]);
        assert_eq!(later.form, "A");
    }

    #[test]
    fn a_named_form_sets_the_rotation_through_it() {
        let study = study(&["A", "B", "C"], &["baseline", "midpoint", "endpoint"]);
        let got = named(&study, "midpoint", "A").unwrap();
        assert_eq!(forms_of(&got), ["C", "A", "B"]);
        assert_eq!(got.chosen, "named");
        assert!(matches!(
            named(&study, "midpoint", "Z"),
            Err(FormError::UnknownForm { .. })
        ));
    }
}
