//! Checks of a vignette: its factors, stages, prompts and templates.

use std::collections::{BTreeMap, BTreeSet};

use super::super::model::*;
use super::super::{Entry, Stats};
use super::*;

/// The most points a Likert scale may have: every face (terminal, web page,
/// handout) shows one box per point; 0–10 is the widest scale in use.
const MAX_LIKERT_POINTS: i128 = 11;

impl Checker<'_> {
    pub(super) fn vignette(
        &mut self,
        entry: &Entry<Vignette>,
        stats: &mut Stats,
        budget: &mut Budget,
    ) {
        let vignette = &entry.item;
        let languages = &vignette.languages;
        self.text(entry, "/title", &vignette.title, languages);
        if let Some(summary) = &vignette.summary {
            self.text(entry, "/summary", summary, languages);
        }
        self.factors(entry);
        self.unique_ids(
            entry,
            "/stages",
            vignette.stages.iter().map(|s| s.id.as_str()),
        );
        let mut prompt_ids = BTreeMap::new();
        for (s, stage) in vignette.stages.iter().enumerate() {
            let at = format!("/stages/{s}");
            self.text(entry, &format!("{at}/title"), &stage.title, languages);
            self.text(entry, &format!("{at}/text"), &stage.text, languages);
            for (p, prompt) in stage.prompts.iter().enumerate() {
                let at = format!("{at}/prompts/{p}");
                if let Some(first) = prompt_ids.insert(prompt.id.as_str(), s + 1) {
                    self.error(
                        entry,
                        &format!("{at}/id"),
                        format!("duplicate prompt id `{}` (also in stage {first}); prompt ids are unique in a vignette", prompt.id),
                    );
                }
                self.prompt(entry, &at, prompt);
            }
        }
        if self.bank.studies_using(&vignette.id).next().is_none() && !self.broken.any(Kind::Study) {
            self.warning(
                entry,
                "/id",
                format!("vignette `{}` is used by no study", vignette.id),
            );
        }
        let templates = crate::bank::templates::check_templates(vignette, &entry.path, budget);
        stats.combinations += templates.combinations;
        stats.renders += templates.renders;
        for problem in templates.problems {
            self.error(entry, &problem.pointer, problem.message);
        }
    }

    fn factors(&mut self, entry: &Entry<Vignette>) {
        let vignette = &entry.item;
        let languages = &vignette.languages;
        self.unique_ids(
            entry,
            "/factors",
            vignette.factors.iter().map(|f| f.id.as_str()),
        );
        let mut owners: BTreeMap<&str, &str> = BTreeMap::new();
        for (f, factor) in vignette.factors.iter().enumerate() {
            let at = format!("/factors/{f}");
            self.text(entry, &format!("{at}/label"), &factor.label, languages);
            self.unique_ids(
                entry,
                &format!("{at}/levels"),
                factor.levels.iter().map(|l| l.id.as_str()),
            );
            for (l, level) in factor.levels.iter().enumerate() {
                let at = format!("{at}/levels/{l}");
                self.text(entry, &format!("{at}/label"), &level.label, languages);
                for language in languages {
                    if !level.values.contains_key(language) {
                        self.error(
                            entry,
                            &format!("{at}/values"),
                            format!("no `{language}` values; each level sets its variables in every language"),
                        );
                    }
                }
                for (language, values) in &level.values {
                    for variable in values.keys() {
                        let owner = *owners.entry(variable).or_insert(&factor.id);
                        if owner != factor.id {
                            self.error(
                                entry,
                                &format!("{at}/values/{language}/{variable}"),
                                format!("variable `{variable}` is also set by factor `{owner}`; each variable belongs to one factor"),
                            );
                        }
                    }
                }
            }
        }
    }

    fn prompt(&mut self, entry: &Entry<Vignette>, at: &str, prompt: &Prompt) {
        let languages = &entry.item.languages;
        self.text(entry, &format!("{at}/text"), &prompt.text, languages);
        if let Some(help) = &prompt.help {
            self.text(entry, &format!("{at}/help"), help, languages);
        }
        let options = prompt.kind.options();
        self.unique_ids(
            entry,
            &format!("{at}/options"),
            options.iter().map(|o| o.id.as_str()),
        );
        for (o, option) in options.iter().enumerate() {
            self.text(
                entry,
                &format!("{at}/options/{o}/label"),
                &option.label,
                languages,
            );
        }
        match &prompt.kind {
            PromptKind::Multi {
                min_choices,
                max_choices,
                options,
            } => {
                let n = options.len() as u32;
                if let Some(max) = max_choices.filter(|&m| m > n) {
                    self.error(
                        entry,
                        &format!("{at}/max_choices"),
                        format!("max_choices {max} is more than the {n} options"),
                    );
                }
                if let Some(min) = min_choices.filter(|&m| m > max_choices.unwrap_or(n)) {
                    self.error(
                        entry,
                        &format!("{at}/min_choices"),
                        format!("min_choices {min} is more than can be chosen"),
                    );
                }
            }
            PromptKind::Likert { min, max, anchors } => {
                let points = i128::from(*max) - i128::from(*min) + 1;
                if min >= max {
                    self.error(
                        entry,
                        &format!("{at}/max"),
                        format!("max {max} must be above min {min}"),
                    );
                } else if points > MAX_LIKERT_POINTS {
                    self.error(
                        entry,
                        &format!("{at}/max"),
                        format!(
                            "the scale {min}..{max} has {points} points; at most \
                             {MAX_LIKERT_POINTS} can be shown on screen and on paper"
                        ),
                    );
                }
                let mut seen = BTreeSet::new();
                for (a, anchor) in anchors.iter().enumerate() {
                    let pointer = format!("{at}/anchors/{a}");
                    if !(*min..=*max).contains(&anchor.value) {
                        self.error(
                            entry,
                            &format!("{pointer}/value"),
                            format!("anchor {} is outside the scale {min}..{max}", anchor.value),
                        );
                    }
                    if !seen.insert(anchor.value) {
                        self.error(
                            entry,
                            &format!("{pointer}/value"),
                            format!("anchor {} is given twice", anchor.value),
                        );
                    }
                    self.text(entry, &format!("{pointer}/label"), &anchor.label, languages);
                }
            }
            PromptKind::Rank {
                options,
                min_ranked: Some(min),
            } if *min as usize > options.len() => {
                let n = options.len();
                self.error(
                    entry,
                    &format!("{at}/min_ranked"),
                    format!("min_ranked {min} is more than the {n} options"),
                );
            }
            PromptKind::Text { .. } | PromptKind::Single { .. } | PromptKind::Rank { .. } => {}
        }
    }
}
