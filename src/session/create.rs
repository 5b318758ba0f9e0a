//! Creating a session: checking the request against the study, planning the
//! design and pinning every instrument it uses.

use std::collections::BTreeMap;

use crate::bank::{Bank, Entry, Rubric, SiteAttribute, Study, Vignette};
use crate::design::forms::{self, EarlierSession, FormAssignment, NewSession};
use crate::design::{self, DesignInput};
use crate::store::{AssignmentRecord, GroupRecord, InstrumentRecord, SessionRecord, Store};

use super::{Instruments, Session, SessionError, content_hash, parse_pinned};

/// Which vignettes the groups get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VignetteChoice {
    /// Every group gets all of these, in a counterbalanced order.
    Listed(Vec<String>),
    /// Every group gets this many of the study's vignettes that fit the
    /// site's sector (see [`fits_site`]).
    PerGroup(usize),
    /// Every group gets `per_group` of these vignettes (e.g. those of the
    /// site's sector), balanced like [`VignetteChoice::PerGroup`].
    PerGroupOf {
        vignettes: Vec<String>,
        per_group: usize,
    },
}

/// What a facilitator asks for when creating a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSpec {
    /// The session id; made from the site and phase when `None`.
    pub id: Option<String>,
    pub study: String,
    pub offering: String,
    pub phase: String,
    pub cohort: String,
    pub site: String,
    pub site_attributes: BTreeMap<String, String>,
    /// The study's first language when `None`.
    pub language: Option<String>,
    pub groups: Vec<GroupRecord>,
    pub vignettes: VignetteChoice,
    /// The parallel form the vignettes are drawn from (see [`form_for`]);
    /// `None` to draw from all of them.
    pub form: Option<FormAssignment>,
    pub seed: u64,
}

fn spec_error(message: impl Into<String>) -> SessionError {
    SessionError::Spec(message.into())
}

fn one_of<'a>(
    what: &str,
    wanted: &str,
    ids: impl Iterator<Item = &'a str>,
) -> Result<(), SessionError> {
    let ids: Vec<&str> = ids.collect();
    if ids.contains(&wanted) {
        Ok(())
    } else {
        Err(spec_error(format!(
            "the study has no {what} `{wanted}`; expected one of: {}",
            ids.join(", ")
        )))
    }
}

/// A checked and planned session with its pinned instruments, not yet stored.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The id asked for, or the base an id is made from when stored.
    id: Option<String>,
    id_base: String,
    record: SessionRecord,
    instruments: Vec<InstrumentRecord>,
    groups: Vec<GroupRecord>,
    assignments: Vec<AssignmentRecord>,
}

impl Planned {
    /// The session as [`super::load`] would return it once stored under the
    /// id asked for, without a store (e.g. to score simulated answers in
    /// memory), with its instruments taken out of `parsed` rather than
    /// parsed again: give them back with [`Parsed::give_back`] before the
    /// next session takes them. `None` when no id was asked for: the stored
    /// one is made then.
    pub fn session(&self, parsed: &mut Parsed) -> Option<Result<Session, SessionError>> {
        let mut record = self.record.clone();
        record.id = self.id.clone()?;
        // In the store's order: by group, then position.
        let mut assignments = self.assignments.clone();
        assignments.sort_by_key(|a| {
            let group = self.groups.iter().position(|g| g.label == a.group);
            (group, a.position)
        });
        Some(super::assemble(
            record,
            self.groups.clone(),
            assignments,
            parsed,
        ))
    }

    /// Stores the session, all or nothing; returns its id.
    pub fn store(mut self, store: &mut Store) -> Result<String, SessionError> {
        self.record.id = match self.id {
            Some(id) => id,
            None => free_id(store, &self.id_base)?,
        };
        store.create_session(
            &self.record,
            &self.instruments,
            &self.groups,
            &self.assignments,
        )?;
        Ok(self.record.id)
    }
}

/// Every instrument sessions of one study can pin, parsed once as
/// [`super::load`] parses them and kept by content hash, to assemble many
/// sessions without parsing the same JSON for each (a simulation scored in
/// memory). [`Planned::session`] takes a session's instruments out;
/// [`Parsed::give_back`] puts them back.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    studies: BTreeMap<String, Study>,
    vignettes: BTreeMap<String, Vignette>,
    rubrics: BTreeMap<String, Rubric>,
}

impl Parsed {
    /// The study `id` of the bank and each of its vignettes with its rubric,
    /// pinned as [`plan`] pins them and parsed.
    pub fn of_study(bank: &Bank, id: &str) -> Result<Parsed, SessionError> {
        let entry = bank
            .study(id)
            .ok_or_else(|| spec_error(format!("no study `{id}` in the bank")))?;
        let study = &entry.item;
        let pinned = pin("study", &study.id, &study.version, &entry.text);
        let mut parsed = Parsed::default();
        parsed
            .studies
            .insert(pinned.hash.clone(), parse_pinned(&pinned)?);
        for vignette in &study.vignettes {
            let [vignette, rubric] = pin_vignette(bank, vignette)?;
            parsed
                .vignettes
                .insert(vignette.hash.clone(), parse_pinned(&vignette)?);
            parsed
                .rubrics
                .insert(rubric.hash.clone(), parse_pinned(&rubric)?);
        }
        Ok(parsed)
    }

    /// Puts back the instruments [`Planned::session`] took for a session of
    /// the study pinned as `study_hash`.
    pub fn give_back(
        &mut self,
        study_hash: String,
        study: Study,
        vignettes: BTreeMap<String, Vignette>,
        rubrics: BTreeMap<String, Rubric>,
    ) {
        self.studies.insert(study_hash, study);
        self.vignettes.extend(vignettes);
        self.rubrics.extend(rubrics);
    }
}

/// Takes an instrument out of one of the maps of [`Parsed`].
fn take<T>(from: &mut BTreeMap<String, T>, kind: &str, hash: &str) -> Result<T, SessionError> {
    from.remove(hash).ok_or_else(|| {
        spec_error(format!(
            "{kind} {hash} is not among the parsed instruments (or is lent to another session)"
        ))
    })
}

impl Instruments for Parsed {
    fn study(&mut self, hash: &str) -> Result<Study, SessionError> {
        take(&mut self.studies, "study", hash)
    }

    fn vignette(&mut self, hash: &str) -> Result<Vignette, SessionError> {
        take(&mut self.vignettes, "vignette", hash)
    }

    fn rubric(&mut self, hash: &str) -> Result<Rubric, SessionError> {
        take(&mut self.rubrics, "rubric", hash)
    }
}

/// Checks a request against the study and the bank, plans the design and pins
/// the instruments it uses. Nothing is stored.
pub fn plan(bank: &Bank, spec: &SessionSpec) -> Result<Planned, SessionError> {
    let study_entry = bank.study(&spec.study).ok_or_else(|| {
        let known: Vec<&str> = bank.studies.iter().map(|s| s.item.id.as_str()).collect();
        spec_error(format!(
            "no study `{}` in the bank; expected one of: {}",
            spec.study,
            known.join(", ")
        ))
    })?;
    let study = &study_entry.item;
    one_of(
        "offering",
        &spec.offering,
        study.offerings.iter().map(|o| o.id.as_str()),
    )?;
    one_of(
        "phase",
        &spec.phase,
        study.phases.iter().map(|p| p.id.as_str()),
    )?;
    let language = spec
        .language
        .clone()
        .unwrap_or_else(|| study.languages[0].clone());
    one_of(
        "language",
        &language,
        study.languages.iter().map(String::as_str),
    )?;
    check_text("site", &spec.site)?;
    check_text("cohort", &spec.cohort)?;
    let mut problems = site_attribute_problems(study, &spec.site_attributes);
    problems.extend(group_problems(study, &spec.groups));
    match problems.len() {
        0 => {}
        1 => return Err(spec_error(problems.remove(0))),
        n => return Err(spec_error(format!("{n} problems: {}", problems.join("; ")))),
    }
    let candidates = candidate_vignettes(bank, study, spec)?;
    let per_group = match spec.vignettes {
        VignetteChoice::Listed(ref ids) => ids.len(),
        VignetteChoice::PerGroup(k) | VignetteChoice::PerGroupOf { per_group: k, .. } => k,
    };
    let mut design = design::assign(&DesignInput {
        groups: spec.groups.iter().map(|g| g.label.clone()).collect(),
        vignettes: candidates.iter().map(|e| &e.item).collect(),
        per_group,
        seed: spec.seed,
    })?;
    design.form = spec.form.clone();
    let mut instruments = vec![pin("study", &study.id, &study.version, &study_entry.text)];
    // Vignette id → the hashes of it and its rubric: each is hashed once.
    let mut hashes: BTreeMap<&str, (String, String)> = BTreeMap::new();
    let mut assignments = Vec::new();
    for plan in &design.groups {
        for (position, planned) in plan.vignettes.iter().enumerate() {
            let (vignette_hash, rubric_hash) = match hashes.get(planned.vignette.as_str()) {
                Some(known) => known.clone(),
                None => {
                    let [vignette, rubric] = pin_vignette(bank, &planned.vignette)?;
                    let known = (vignette.hash.clone(), rubric.hash.clone());
                    for pinned in [vignette, rubric] {
                        if !instruments.iter().any(|i| i.hash == pinned.hash) {
                            instruments.push(pinned);
                        }
                    }
                    hashes.insert(&planned.vignette, known.clone());
                    known
                }
            };
            assignments.push(AssignmentRecord {
                group: plan.group.clone(),
                position: position as u32 + 1,
                vignette: planned.vignette.clone(),
                vignette_hash,
                rubric_hash,
                levels: planned.levels.clone(),
                revealed: 0,
            });
        }
    }
    if let Some(id) = &spec.id {
        check_id(id)?;
    }
    let record = SessionRecord {
        id: String::new(),
        study_id: study.id.clone(),
        study_hash: instruments[0].hash.clone(),
        offering: spec.offering.clone(),
        phase: spec.phase.clone(),
        cohort: spec.cohort.clone(),
        site: spec.site.clone(),
        site_attributes: spec.site_attributes.clone(),
        language,
        seed: spec.seed,
        design: design_json(&design),
        created_at: String::new(),
        closed_at: None,
        discarded_at: None,
    };
    Ok(Planned {
        id: spec.id.clone(),
        id_base: format!("{}-{}", slug(&spec.site), spec.phase),
        record,
        instruments,
        groups: spec.groups.clone(),
        assignments,
    })
}

/// The design as stored and shown: pretty JSON with a final newline.
fn design_json(design: &design::Design) -> String {
    let mut json = serde_json::to_string_pretty(design).unwrap_or_default();
    json.push('\n');
    json
}

/// Pins a vignette of the bank and its rubric.
fn pin_vignette(bank: &Bank, id: &str) -> Result<[InstrumentRecord; 2], SessionError> {
    let vignette = bank
        .vignette(id)
        .ok_or_else(|| spec_error("design names an unknown vignette"))?;
    let rubric = bank
        .rubric_for(id)
        .ok_or_else(|| spec_error(format!("vignette `{id}` has no rubric")))?;
    Ok([
        pin(
            "vignette",
            &vignette.item.id,
            &vignette.item.version,
            &vignette.text,
        ),
        pin(
            "rubric",
            &rubric.item.id,
            &rubric.item.version,
            &rubric.text,
        ),
    ])
}

/// Pins an instrument file by the SHA-256 of its exact text.
fn pin(kind: &str, id: &str, version: &str, text: &str) -> InstrumentRecord {
    InstrumentRecord {
        hash: content_hash(text),
        kind: kind.to_string(),
        item_id: id.to_string(),
        version: version.to_string(),
        text: text.to_string(),
    }
}

/// The site attribute that says where a site's groups work, matched
/// against each vignette's `sector`.
pub const SECTOR: &str = "sector";

/// Whether a vignette of `sector` fits a site of `site_sector`: a site with
/// no sector, or a sector no vignette of the study has (e.g. `both`), fits
/// every vignette; otherwise the sectors must be the same.
pub fn fits_site(sector: &str, site_sector: Option<&str>, study_sectors: &[&str]) -> bool {
    match site_sector {
        Some(site) if study_sectors.contains(&site) => site == sector,
        _ => true,
    }
}

fn candidate_vignettes<'b>(
    bank: &'b Bank,
    study: &Study,
    spec: &SessionSpec,
) -> Result<Vec<&'b Entry<crate::bank::Vignette>>, SessionError> {
    let mut ids: Vec<&str> = match &spec.vignettes {
        VignetteChoice::Listed(ids) | VignetteChoice::PerGroupOf { vignettes: ids, .. } => {
            ids.iter().map(String::as_str).collect()
        }
        VignetteChoice::PerGroup(_) => study.vignettes.iter().map(String::as_str).collect(),
    };
    for id in &ids {
        one_of("vignette", id, study.vignettes.iter().map(String::as_str))?;
    }
    if let Some(assignment) = &spec.form {
        ids = in_form(study, assignment, &spec.vignettes, ids)?;
    }
    let entries = ids
        .into_iter()
        .map(|id| {
            bank.vignette(id)
                .ok_or_else(|| spec_error(format!("the bank has no vignette `{id}`")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let VignetteChoice::PerGroup(per_group) = spec.vignettes else {
        return Ok(entries);
    };
    let sectors: Vec<&str> = entries.iter().map(|e| e.item.sector.as_str()).collect();
    let site_sector = spec.site_attributes.get(SECTOR).map(String::as_str);
    let fitting: Vec<_> = entries
        .iter()
        .filter(|e| fits_site(&e.item.sector, site_sector, &sectors))
        .copied()
        .collect();
    if let Some(site) = site_sector
        && fitting.len() < per_group
        && fitting.len() < entries.len()
    {
        let ids: Vec<&str> = fitting.iter().map(|e| e.item.id.as_str()).collect();
        let source = match &spec.form {
            Some(assignment) => format!("form `{}`", assignment.form),
            None => "the study".to_string(),
        };
        return Err(spec_error(format!(
            "each group is to get {per_group} vignettes, but {source} has {} for a site of \
             sector `{site}` ({}); expected at most {}",
            fitting.len(),
            ids.join(", "),
            fitting.len()
        )));
    }
    Ok(fitting)
}

/// The candidates that belong to the session's form.
fn in_form<'i>(
    study: &Study,
    assignment: &FormAssignment,
    choice: &VignetteChoice,
    ids: Vec<&'i str>,
) -> Result<Vec<&'i str>, SessionError> {
    if let VignetteChoice::Listed(_) = choice {
        return Err(spec_error(
            "vignettes listed for every group are given as listed, not drawn from a form; \
             leave out the form or give the number per group",
        ));
    }
    let form = study
        .forms
        .iter()
        .find(|f| f.id == assignment.form)
        .ok_or_else(|| spec_error(format!("the study has no form `{}`", assignment.form)))?;
    let kept: Vec<&str> = ids
        .into_iter()
        .filter(|id| form.vignettes.iter().any(|v| v == id))
        .collect();
    if kept.is_empty() {
        return Err(spec_error(format!(
            "none of the chosen vignettes is in form `{}` ({})",
            form.id,
            form.vignettes.join(", ")
        )));
    }
    Ok(kept)
}

/// The form a session of `spec` takes: `named` if given, else the rotation
/// its site's earlier sessions of the study set, else a start balanced
/// across the sites of its offering and sector (see [`forms`]). `None` when
/// the study has no forms, or when the vignettes are chosen by hand and no
/// form is named. Without a store (none made yet), there are no earlier
/// sessions.
pub fn form_for(
    bank: &Bank,
    store: Option<&Store>,
    spec: &SessionSpec,
    named: Option<&str>,
) -> Result<Option<FormAssignment>, SessionError> {
    let Some(study) = bank.study(&spec.study).map(|e| &e.item) else {
        return Ok(None);
    };
    if !study.phases.iter().any(|p| p.id == spec.phase) {
        // `plan` refuses it, naming the phases the study has.
        return Ok(None);
    }
    let form_error = |e: forms::FormError| spec_error(e.to_string());
    if let Some(form) = named {
        return forms::named(study, &spec.phase, form)
            .map(Some)
            .map_err(form_error);
    }
    if !matches!(spec.vignettes, VignetteChoice::PerGroup(_)) {
        // Vignettes chosen by hand are given as chosen.
        return Ok(None);
    }
    let earlier = match store {
        Some(store) => earlier_sessions(store, &spec.study)?,
        None => Vec::new(),
    };
    let new = NewSession {
        site: &spec.site,
        offering: &spec.offering,
        sector: spec.site_attributes.get(SECTOR).map(String::as_str),
        phase: &spec.phase,
    };
    forms::choose(study, new, &earlier, spec.seed).map_err(form_error)
}

/// The id of a stored session (not discarded) of the same study, site,
/// offering, phase and cohort as `spec`, if there is one.
pub fn same_workshop(store: &Store, spec: &SessionSpec) -> Result<Option<String>, SessionError> {
    Ok(store
        .sessions()?
        .into_iter()
        .find(|s| {
            s.discarded_at.is_none()
                && s.study_id == spec.study
                && s.site == spec.site
                && s.offering == spec.offering
                && s.phase == spec.phase
                && s.cohort == spec.cohort
        })
        .map(|s| s.id))
}

/// The stored sessions of a study, in the order they were created, with
/// the forms their designs record.
fn earlier_sessions(store: &Store, study: &str) -> Result<Vec<EarlierSession>, SessionError> {
    let mut earlier = Vec::new();
    for record in store
        .sessions()?
        .into_iter()
        .filter(|s| s.study_id == study && s.discarded_at.is_none())
    {
        let form = forms::form_of_design(&record.design);
        earlier.push(EarlierSession {
            sector: record.site_attributes.get(SECTOR).cloned(),
            site: record.site,
            offering: record.offering,
            phase: record.phase,
            form,
        });
    }
    Ok(earlier)
}

/// Every problem with the site attributes given: unknown ones, values not
/// allowed, required ones missing.
fn site_attribute_problems(study: &Study, given: &BTreeMap<String, String>) -> Vec<String> {
    let mut problems = Vec::new();
    for (id, value) in given {
        let Some(attribute) = study.site_attributes.iter().find(|a| &a.id == id) else {
            let known: Vec<&str> = study
                .site_attributes
                .iter()
                .map(|a| a.id.as_str())
                .collect();
            problems.push(format!(
                "the study has no site attribute `{id}`; expected one of: {}",
                known.join(", ")
            ));
            continue;
        };
        if let Err(e) = check_attribute_value(attribute, value) {
            problems.push(format!("site attribute `{id}`: {e}"));
        }
    }
    for attribute in study.site_attributes.iter().filter(|a| a.required) {
        if !given.contains_key(&attribute.id) {
            problems.push(format!(
                "the study requires site attribute `{}`; expected {}=VALUE among the site's attributes",
                attribute.id, attribute.id
            ));
        }
    }
    problems
}

fn check_attribute_value(attribute: &SiteAttribute, value: &str) -> Result<(), String> {
    if let Some(values) = &attribute.values {
        let ids: Vec<&str> = values.iter().map(|v| v.id.as_str()).collect();
        return if ids.contains(&value) {
            Ok(())
        } else {
            Err(format!(
                "`{value}` is not allowed; expected one of: {}",
                ids.join(", ")
            ))
        };
    }
    let number: Option<f64> = match attribute.value_type.as_deref() {
        Some("integer") => Some(
            value
                .parse::<i64>()
                .map_err(|_| format!("expected a whole number, got `{value}`"))? as f64,
        ),
        Some("number") => Some(
            value
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .ok_or_else(|| format!("expected a number, got `{value}`"))?,
        ),
        _ => None,
    };
    if let Some(n) = number
        && (attribute.minimum.is_some_and(|min| n < min)
            || attribute.maximum.is_some_and(|max| n > max))
    {
        return Err(format!(
            "{value} is outside {}..{}",
            attribute.minimum.map_or("".into(), |m| m.to_string()),
            attribute.maximum.map_or("".into(), |m| m.to_string())
        ));
    }
    check_text("value", value).map_err(|e| e.to_string())
}

/// Every problem with the groups: none at all, bad labels, repeated
/// labels, roles the study does not have.
fn group_problems(study: &Study, groups: &[GroupRecord]) -> Vec<String> {
    if groups.is_empty() {
        return vec!["a session needs at least one group".to_string()];
    }
    let mut problems = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for group in groups {
        if let Err(e) = check_text("group label", &group.label) {
            problems.push(e.to_string());
        }
        if !seen.insert(&group.label) {
            problems.push(format!("group `{}` is given twice", group.label));
        }
        for role in group.roles.keys() {
            if let Err(e) = one_of("role", role, study.roles.iter().map(|r| r.id.as_str())) {
                problems.push(format!("group `{}`: {e}", group.label));
            }
        }
    }
    problems
}

/// Labels and names typed by people: 1–200 characters, no control characters.
fn check_text(what: &str, text: &str) -> Result<(), SessionError> {
    let length = text.chars().count();
    if text.trim().is_empty() || length > 200 || text.chars().any(char::is_control) {
        return Err(spec_error(format!(
            "{what} `{}` must be 1 to 200 characters without control characters",
            text.escape_debug()
        )));
    }
    Ok(())
}

fn check_id(id: &str) -> Result<(), SessionError> {
    let valid = id.len() <= 64
        && id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(())
    } else {
        Err(spec_error(format!(
            "session id `{id}`: use 1 to 64 letters, digits, - and _"
        )))
    }
}

/// Lower-case ASCII letters and digits joined by `-` (æ ø å spelled out).
fn slug(text: &str) -> String {
    let spelled = text
        .to_lowercase()
        .replace('æ', "ae")
        .replace('ø', "o")
        .replace('å', "aa");
    let words: Vec<String> = spelled
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    if words.is_empty() {
        "session".to_string()
    } else {
        words.join("-")
    }
}

fn free_id(store: &Store, base: &str) -> Result<String, SessionError> {
    let base: String = base.chars().take(56).collect();
    for n in 1.. {
        let id = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        if !store.has_session(&id)? {
            return Ok(id);
        }
    }
    unreachable!("some id is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::prelude::*;

    use std::collections::BTreeSet;

    use crate::bank::{self, BankSource};

    fn request(sector: &str, groups: usize, choice: VignetteChoice, seed: u64) -> SessionSpec {
        SessionSpec {
            id: None,
            study: "inkluderende-miljo".into(),
            offering: "nettbasert".into(),
            phase: "baseline".into(),
            cohort: "2026".into(),
            site: "Bodø".into(),
            site_attributes: [
                ("sector".to_string(), sector.to_string()),
                ("centrality".to_string(), "rural".to_string()),
            ]
            .into(),
            language: None,
            groups: (1..=groups)
                .map(|i| GroupRecord {
                    label: format!("G{i}"),
                    roles: BTreeMap::new(),
                })
                .collect(),
            vignettes: choice,
            form: None,
            seed,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// A school site draws only school cases, a kindergarten site only
        /// kindergarten cases, a `both` site from both; every balance of the
        /// design stays within one.
        #[test]
        fn groups_get_cases_of_their_sites_sector(
            sector in prop::sample::select(vec!["school", "kindergarten", "both"]),
            groups in 1usize..12,
            per_group in 1usize..3,
            seed in any::<u64>(),
        ) {
            let bank = bank::load(&BankSource::Embedded).unwrap().0;
            let planned = plan(&bank, &request(sector, groups, VignetteChoice::PerGroup(per_group), seed)).unwrap();
            for assignment in &planned.assignments {
                let vignette = &bank.vignette(&assignment.vignette).unwrap().item;
                prop_assert!(sector == "both" || vignette.sector == sector, "{} for a {sector} site", vignette.id);
            }
            let design: crate::design::Design = serde_json::from_str(&planned.record.design).unwrap();
            prop_assert!(design.diagnostics.max_imbalance <= 1);
            if sector == "both" {
                let drawn: BTreeSet<&str> = planned.assignments.iter().map(|a| a.vignette.as_str()).collect();
                let study = &bank.study("inkluderende-miljo").unwrap().item;
                prop_assert_eq!(drawn.len(), (groups * per_group).min(study.vignettes.len()));
            }
        }
    }

    #[test]
    fn the_listed_vignettes_are_drawn_from_with_per_group() {
        let bank = bank::load(&BankSource::Embedded).unwrap().0;
        let choice = VignetteChoice::PerGroupOf {
            vignettes: vec!["V2".into(), "V3".into(), "V5".into()],
            per_group: 2,
        };
        let planned = plan(&bank, &request("school", 6, choice, 7)).unwrap();
        let drawn: BTreeSet<&str> = planned
            .assignments
            .iter()
            .map(|a| a.vignette.as_str())
            .collect();
        assert_eq!(drawn, ["V2", "V3", "V5"].into());
        assert_eq!(planned.assignments.len(), 12);
    }

    #[test]
    fn a_sector_with_too_few_cases_is_refused_naming_them() {
        let bank = bank::load(&BankSource::Embedded).unwrap().0;
        let error = plan(
            &bank,
            &request("kindergarten", 2, VignetteChoice::PerGroup(5), 1),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            error,
            "each group is to get 5 vignettes, but the study has 4 for a site of sector \
             `kindergarten` (V1, V6, V7, V8); expected at most 4"
        );
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Bodø kommune"), "bodo-kommune");
        assert_eq!(slug("Ås / Ski"), "aas-ski");
        assert_eq!(slug("!!"), "session");
    }
}
