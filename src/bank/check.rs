//! Semantic checks across a bank: unique ids, references that resolve, texts
//! in every declared language, ordered levels, dimension coverage and
//! templates that render for every combination of factor levels.
//!
//! Files that failed their schema are absent here; references to them are
//! not reported again.

use std::collections::{BTreeMap, BTreeSet};

use super::model::*;
use super::{Bank, Broken, Diagnostic, Entry, Kind, Stats};

/// Language codes accepted in phrase lists as variants of a declared language.
const LANGUAGE_VARIANTS: &[(&str, &str)] = &[("nn", "nb")];

/// Runs every semantic check, adding to `diagnostics` and `stats`.
pub(super) fn check(
    bank: &Bank,
    broken: &Broken,
    diagnostics: &mut Vec<Diagnostic>,
    stats: &mut Stats,
) {
    let mut checker = Checker {
        bank,
        broken,
        found: diagnostics,
    };
    checker.unique_files(&bank.studies, "study", |s| &s.id);
    checker.unique_files(&bank.vignettes, "vignette", |v| &v.id);
    checker.unique_files(&bank.rubrics, "rubric", |r| &r.id);
    for study in &bank.studies {
        checker.study(study);
    }
    for vignette in &bank.vignettes {
        checker.vignette(vignette, stats);
    }
    let mut scored = BTreeMap::new();
    for rubric in &bank.rubrics {
        if let Some(first) = scored.insert(rubric.item.vignette.as_str(), rubric.path.as_str()) {
            checker.error(
                rubric,
                "/vignette",
                format!(
                    "vignette `{}` already has a rubric ({first}); one rubric per vignette",
                    rubric.item.vignette
                ),
            );
        }
        checker.rubric(rubric);
    }
}

struct Checker<'a> {
    bank: &'a Bank,
    broken: &'a Broken,
    found: &'a mut Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error<T>(&mut self, entry: &Entry<T>, pointer: &str, message: impl Into<String>) {
        self.found
            .push(Diagnostic::error(&entry.path, pointer, message));
    }

    fn warning<T>(&mut self, entry: &Entry<T>, pointer: &str, message: impl Into<String>) {
        self.found
            .push(Diagnostic::warning(&entry.path, pointer, message));
    }

    fn unique_files<T>(&mut self, entries: &[Entry<T>], what: &str, id: impl Fn(&T) -> &String) {
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for entry in entries {
            let id = id(&entry.item);
            if let Some(first) = seen.insert(id, &entry.path) {
                self.error(
                    entry,
                    "/id",
                    format!("duplicate {what} id `{id}`: {first} has it too; ids must be unique"),
                );
            }
            let stem = std::path::Path::new(&entry.path)
                .file_stem()
                .map(|s| s.to_string_lossy());
            if stem.as_deref() != Some(id.as_str()) {
                self.warning(
                    entry,
                    "/id",
                    format!("id `{id}` differs from the file name; name the file {id}.json"),
                );
            }
        }
    }

    /// Ids in a list must be unique.
    fn unique_ids<'i, T>(
        &mut self,
        entry: &Entry<T>,
        pointer: &str,
        ids: impl IntoIterator<Item = &'i str>,
    ) {
        let mut seen = BTreeSet::new();
        for (i, id) in ids.into_iter().enumerate() {
            if !seen.insert(id) {
                self.error(
                    entry,
                    &format!("{pointer}/{i}/id"),
                    format!("duplicate id `{id}`; ids must be unique here"),
                );
            }
        }
    }

    /// A text must exist in every declared language.
    fn text<T>(&mut self, entry: &Entry<T>, pointer: &str, text: &Text, languages: &[String]) {
        for language in languages {
            if !text.contains_key(language) {
                self.error(
                    entry,
                    pointer,
                    format!(
                        "no `{language}` text; every text needs each declared language ({})",
                        languages.join(", ")
                    ),
                );
            }
        }
    }

    fn labelled<T>(
        &mut self,
        entry: &Entry<T>,
        pointer: &str,
        items: &[Labelled],
        languages: &[String],
    ) {
        self.unique_ids(entry, pointer, items.iter().map(|i| i.id.as_str()));
        for (i, item) in items.iter().enumerate() {
            self.text(
                entry,
                &format!("{pointer}/{i}/label"),
                &item.label,
                languages,
            );
            if let Some(description) = &item.description {
                self.text(
                    entry,
                    &format!("{pointer}/{i}/description"),
                    description,
                    languages,
                );
            }
        }
    }

    fn study(&mut self, entry: &Entry<Study>) {
        let study = &entry.item;
        let languages = &study.languages;
        self.text(entry, "/title", &study.title, languages);
        if let Some(description) = &study.description {
            self.text(entry, "/description", description, languages);
        }
        self.labelled(entry, "/dimensions", &study.dimensions, languages);
        self.labelled(entry, "/offerings", &study.offerings, languages);
        self.labelled(entry, "/phases", &study.phases, languages);
        self.labelled(entry, "/roles", &study.roles, languages);
        self.unique_ids(
            entry,
            "/site_attributes",
            study.site_attributes.iter().map(|a| a.id.as_str()),
        );
        for (i, attribute) in study.site_attributes.iter().enumerate() {
            let at = format!("/site_attributes/{i}");
            self.text(entry, &format!("{at}/label"), &attribute.label, languages);
            if let Some(values) = &attribute.values {
                self.labelled(entry, &format!("{at}/values"), values, languages);
            }
            if let (Some(min), Some(max)) = (attribute.minimum, attribute.maximum)
                && min > max
            {
                self.error(
                    entry,
                    &format!("{at}/minimum"),
                    format!("minimum {min} is above maximum {max}"),
                );
            }
        }
        for (i, id) in study.vignettes.iter().enumerate() {
            self.study_vignette(entry, &format!("/vignettes/{i}"), id);
        }
    }

    fn study_vignette(&mut self, entry: &Entry<Study>, pointer: &str, id: &str) {
        let study = &entry.item;
        let Some(vignette) = self.bank.vignette(id) else {
            if !self.broken.contains(Kind::Vignette, id) {
                let known = ids(self.bank.vignettes.iter().map(|v| &v.item.id));
                self.error(
                    entry,
                    pointer,
                    format!("unknown vignette `{id}`; the bank has: {known}"),
                );
            }
            return;
        };
        let missing: Vec<&str> = study
            .languages
            .iter()
            .filter(|l| !vignette.item.languages.contains(l))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            self.error(
                entry,
                pointer,
                format!(
                    "vignette `{id}` is not written in {} which the study requires",
                    missing.join(", ")
                ),
            );
        }
        let Some(rubric) = self.bank.rubric_for(id) else {
            if !self.broken.contains(Kind::Rubric, id) {
                self.error(
                    entry,
                    pointer,
                    format!("vignette `{id}` has no rubric; add rubrics/{id}.json with \"vignette\": \"{id}\""),
                );
            }
            return;
        };
        let dimensions: BTreeSet<&str> = study.dimensions.iter().map(|d| d.id.as_str()).collect();
        for dimension in &dimensions {
            if !rubric
                .item
                .criteria
                .iter()
                .any(|c| c.dimension == *dimension)
            {
                self.error(
                    rubric,
                    "/criteria",
                    format!(
                        "no criterion in dimension `{dimension}`, which study `{}` ({}) scores",
                        study.id, entry.path
                    ),
                );
            }
        }
        for (c, criterion) in rubric.item.criteria.iter().enumerate() {
            if !dimensions.contains(criterion.dimension.as_str()) {
                self.error(
                    rubric,
                    &format!("/criteria/{c}/dimension"),
                    format!(
                        "`{}` is not a dimension of study `{}`; expected one of: {}",
                        criterion.dimension,
                        study.id,
                        ids(dimensions.iter())
                    ),
                );
            }
        }
    }

    fn vignette(&mut self, entry: &Entry<Vignette>, stats: &mut Stats) {
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
        let templates = super::templates::check_templates(vignette, &entry.path);
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
                if min >= max {
                    self.error(
                        entry,
                        &format!("{at}/max"),
                        format!("max {max} must be above min {min}"),
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
            PromptKind::Text { .. } | PromptKind::Single { .. } | PromptKind::Rank { .. } => {}
        }
    }

    fn rubric(&mut self, entry: &Entry<Rubric>) {
        let rubric = &entry.item;
        let languages = &rubric.languages;
        self.text(entry, "/title", &rubric.title, languages);
        self.unique_ids(
            entry,
            "/criteria",
            rubric.criteria.iter().map(|c| c.id.as_str()),
        );
        self.unique_ids(
            entry,
            "/red_flags",
            rubric.red_flags.iter().map(|f| f.id.as_str()),
        );
        for (c, criterion) in rubric.criteria.iter().enumerate() {
            let at = format!("/criteria/{c}");
            self.text(entry, &format!("{at}/title"), &criterion.title, languages);
            if let Some(description) = &criterion.description {
                self.text(entry, &format!("{at}/description"), description, languages);
            }
            let levels: Vec<u8> = criterion.levels.iter().map(|l| l.level).collect();
            if levels.first() != Some(&0) || levels.windows(2).any(|w| w[0] >= w[1]) {
                self.error(
                    entry,
                    &format!("{at}/levels"),
                    format!(
                        "levels must start at 0 and increase, lowest first; found {}",
                        levels
                            .iter()
                            .map(u8::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
            for (l, level) in criterion.levels.iter().enumerate() {
                self.text(
                    entry,
                    &format!("{at}/levels/{l}/descriptor"),
                    &level.descriptor,
                    languages,
                );
            }
        }
        for (f, flag) in rubric.red_flags.iter().enumerate() {
            let at = format!("/red_flags/{f}");
            self.text(entry, &format!("{at}/label"), &flag.label, languages);
            if let Some(description) = &flag.description {
                self.text(entry, &format!("{at}/description"), description, languages);
            }
            if let Some(terms) = &flag.terms {
                self.terms(entry, &format!("{at}/terms"), terms);
            }
            for (e, effect) in flag.effects.iter().enumerate() {
                self.effect(entry, &format!("{at}/effects/{e}"), effect);
            }
        }
        for (c, criterion) in rubric.criteria.iter().enumerate() {
            for (p, rule) in criterion.evidence.phrases.iter().enumerate() {
                self.terms(
                    entry,
                    &format!("/criteria/{c}/evidence/phrases/{p}/terms"),
                    &rule.terms,
                );
            }
            for (n, rule) in criterion.evidence.negative.iter().enumerate() {
                self.terms(
                    entry,
                    &format!("/criteria/{c}/evidence/negative/{n}/terms"),
                    &rule.terms,
                );
            }
        }
        match self.bank.vignette(&rubric.vignette) {
            Some(vignette) => self.rubric_against(entry, &vignette.item),
            None if self.broken.contains(Kind::Vignette, &rubric.vignette) => {}
            None => {
                let known = ids(self.bank.vignettes.iter().map(|v| &v.item.id));
                self.error(
                    entry,
                    "/vignette",
                    format!(
                        "unknown vignette `{}`; the bank has: {known}",
                        rubric.vignette
                    ),
                );
            }
        }
    }

    fn effect(&mut self, entry: &Entry<Rubric>, at: &str, effect: &Effect) {
        let Some(criterion) = entry
            .item
            .criteria
            .iter()
            .find(|c| c.id == effect.criterion)
        else {
            let known = ids(entry.item.criteria.iter().map(|c| &c.id));
            self.error(
                entry,
                &format!("{at}/criterion"),
                format!(
                    "unknown criterion `{}`; the rubric has: {known}",
                    effect.criterion
                ),
            );
            return;
        };
        if let Some(cap) = effect.cap {
            self.level(entry, &format!("{at}/cap"), criterion, cap);
        }
    }

    /// A level named by a rule must be one of the criterion's levels.
    fn level(&mut self, entry: &Entry<Rubric>, at: &str, criterion: &Criterion, level: u8) {
        if !criterion.levels.iter().any(|l| l.level == level) {
            let known: Vec<String> = criterion
                .levels
                .iter()
                .map(|l| l.level.to_string())
                .collect();
            self.error(
                entry,
                at,
                format!(
                    "level {level} is not a level of criterion `{}` ({})",
                    criterion.id,
                    known.join(", ")
                ),
            );
        }
    }

    /// Phrase lists exist for every rubric language, and only for known languages.
    fn terms(&mut self, entry: &Entry<Rubric>, at: &str, terms: &Terms) {
        let languages = &entry.item.languages;
        for language in languages {
            if !terms.contains_key(language) {
                self.error(entry, at, format!("no `{language}` phrases; phrases are needed in every language of the rubric ({})", languages.join(", ")));
            }
        }
        for (language, phrases) in terms {
            let variant_of = LANGUAGE_VARIANTS
                .iter()
                .find(|(v, _)| v == language)
                .map(|(_, of)| *of);
            let known = languages.contains(language)
                || variant_of.is_some_and(|of| languages.iter().any(|l| l == of));
            if !known {
                self.error(
                    entry,
                    &format!("{at}/{language}"),
                    format!(
                        "`{language}` is not a language of the rubric ({})",
                        languages.join(", ")
                    ),
                );
            }
            for (i, phrase) in phrases.iter().enumerate() {
                if phrase.trim_end_matches('*').contains('*') {
                    self.error(
                        entry,
                        &format!("{at}/{language}/{i}"),
                        format!("`{phrase}`: `*` marks a word stem and may only end a phrase"),
                    );
                }
                if phrase
                    .trim()
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .count()
                    < 2
                {
                    self.error(
                        entry,
                        &format!("{at}/{language}/{i}"),
                        "a phrase needs at least two letters or digits",
                    );
                }
            }
        }
    }

    /// Checks every reference from the rubric into its vignette.
    fn rubric_against(&mut self, entry: &Entry<Rubric>, vignette: &Vignette) {
        let rubric = &entry.item;
        let missing: Vec<&str> = vignette
            .languages
            .iter()
            .filter(|l| !rubric.languages.contains(l))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            self.error(
                entry,
                "/languages",
                format!(
                    "vignette `{}` is also written in {}; the rubric needs them too",
                    vignette.id,
                    missing.join(", ")
                ),
            );
        }
        let prompts: BTreeMap<&str, &Prompt> = vignette
            .stages
            .iter()
            .flat_map(|s| &s.prompts)
            .map(|p| (p.id.as_str(), p))
            .collect();
        let mut refs = References {
            prompts,
            used: BTreeSet::new(),
            vignette: &vignette.id,
        };
        for (c, criterion) in rubric.criteria.iter().enumerate() {
            let at = format!("/criteria/{c}/evidence");
            let evidence = &criterion.evidence;
            for (i, rule) in evidence.options.iter().enumerate() {
                let at = format!("{at}/options/{i}");
                self.choice(
                    entry,
                    &mut refs,
                    &at,
                    &rule.prompt,
                    &rule.option,
                    &["single", "multi"],
                );
                self.level(entry, &format!("{at}/level"), criterion, rule.level);
            }
            for (i, rule) in evidence.ranks.iter().enumerate() {
                let at = format!("{at}/ranks/{i}");
                if let Some(count) =
                    self.choice(entry, &mut refs, &at, &rule.prompt, &rule.option, &["rank"])
                    && rule.top as usize > count
                {
                    self.error(
                        entry,
                        &format!("{at}/top"),
                        format!("top {} is more than the {count} options", rule.top),
                    );
                }
                self.level(entry, &format!("{at}/level"), criterion, rule.level);
            }
            for (i, rule) in evidence.likert.iter().enumerate() {
                let at = format!("{at}/likert/{i}");
                self.likert(entry, &mut refs, &at, rule);
                self.level(entry, &format!("{at}/level"), criterion, rule.level);
            }
            for (i, rule) in evidence.phrases.iter().enumerate() {
                let at = format!("{at}/phrases/{i}");
                self.text_prompts(entry, &refs, &at, rule.prompts.as_deref());
                self.level(entry, &format!("{at}/level"), criterion, rule.level);
            }
            for (i, rule) in evidence.negative.iter().enumerate() {
                self.text_prompts(
                    entry,
                    &refs,
                    &format!("{at}/negative/{i}"),
                    rule.prompts.as_deref(),
                );
            }
        }
        for (f, flag) in rubric.red_flags.iter().enumerate() {
            let at = format!("/red_flags/{f}");
            self.text_prompts(entry, &refs, &at, flag.prompts.as_deref());
            for (i, option) in flag.options.iter().enumerate() {
                let at = format!("{at}/options/{i}");
                let kinds: &[&str] = if option.top.is_some() {
                    &["rank"]
                } else {
                    &["single", "multi"]
                };
                if let Some(count) =
                    self.choice(entry, &mut refs, &at, &option.prompt, &option.option, kinds)
                    && option.top.is_some_and(|top| top as usize > count)
                {
                    self.error(
                        entry,
                        &format!("{at}/top"),
                        format!("top is more than the {count} options"),
                    );
                }
            }
        }
        for (id, prompt) in &refs.prompts {
            if prompt.kind.name() != "text" && !refs.used.contains(id) {
                self.warning(
                    entry,
                    "/criteria",
                    format!("choice prompt `{id}` of vignette `{}` is used by no evidence rule or red flag; its answers will not count", vignette.id),
                );
            }
        }
    }

    /// Resolves a prompt and option of one of `kinds`; returns the option count.
    fn choice(
        &mut self,
        entry: &Entry<Rubric>,
        refs: &mut References<'_>,
        at: &str,
        prompt_id: &str,
        option_id: &str,
        kinds: &[&str],
    ) -> Option<usize> {
        let prompt = self.prompt_of(entry, refs, at, prompt_id, kinds)?;
        let options = prompt.kind.options();
        if !options.iter().any(|o| o.id == option_id) {
            let known = ids(options.iter().map(|o| &o.id));
            self.error(
                entry,
                &format!("{at}/option"),
                format!(
                    "prompt `{prompt_id}` has no option `{option_id}`; its options are: {known}"
                ),
            );
        }
        Some(options.len())
    }

    fn likert(
        &mut self,
        entry: &Entry<Rubric>,
        refs: &mut References<'_>,
        at: &str,
        rule: &LikertRule,
    ) {
        let Some(prompt) = self.prompt_of(entry, refs, at, &rule.prompt, &["likert"]) else {
            return;
        };
        if let PromptKind::Likert { min, max, .. } = prompt.kind
            && (rule.min > rule.max || rule.min < min || rule.max > max)
        {
            self.error(
                entry,
                &format!("{at}/min"),
                format!(
                    "range {}..{} must be ordered and within the scale {min}..{max}",
                    rule.min, rule.max
                ),
            );
        }
    }

    fn prompt_of<'p>(
        &mut self,
        entry: &Entry<Rubric>,
        refs: &mut References<'p>,
        at: &str,
        prompt_id: &str,
        kinds: &[&str],
    ) -> Option<&'p Prompt> {
        let Some(prompt) = refs.prompts.get(prompt_id).copied() else {
            let known = ids(refs
                .prompts
                .iter()
                .filter(|(_, p)| kinds.contains(&p.kind.name()))
                .map(|(id, _)| id));
            self.error(
                entry,
                &format!("{at}/prompt"),
                format!(
                    "vignette `{}` has no prompt `{prompt_id}`; its {} prompts are: {known}",
                    refs.vignette,
                    kinds.join("/")
                ),
            );
            return None;
        };
        refs.used.insert(prompt.id.as_str());
        if !kinds.contains(&prompt.kind.name()) {
            self.error(
                entry,
                &format!("{at}/prompt"),
                format!(
                    "prompt `{prompt_id}` is a {} prompt; expected a {} prompt here",
                    prompt.kind.name(),
                    kinds.join(" or ")
                ),
            );
            return None;
        }
        Some(prompt)
    }

    fn text_prompts(
        &mut self,
        entry: &Entry<Rubric>,
        refs: &References<'_>,
        at: &str,
        prompts: Option<&[String]>,
    ) {
        for (i, id) in prompts.unwrap_or_default().iter().enumerate() {
            match refs.prompts.get(id.as_str()) {
                Some(prompt) if prompt.kind.name() == "text" => {}
                Some(prompt) => self.error(
                    entry,
                    &format!("{at}/prompts/{i}"),
                    format!(
                        "prompt `{id}` is a {} prompt; phrases are looked for in text prompts",
                        prompt.kind.name()
                    ),
                ),
                None => self.error(
                    entry,
                    &format!("{at}/prompts/{i}"),
                    format!("vignette `{}` has no prompt `{id}`", refs.vignette),
                ),
            }
        }
    }
}

/// The prompts of the vignette a rubric scores, and which of them rules use.
struct References<'a> {
    prompts: BTreeMap<&'a str, &'a Prompt>,
    used: BTreeSet<&'a str>,
    vignette: &'a str,
}

fn ids<'a>(items: impl Iterator<Item = impl AsRef<str> + 'a>) -> String {
    let list: Vec<String> = items.map(|i| i.as_ref().to_string()).collect();
    if list.is_empty() {
        "(none)".to_string()
    } else {
        list.join(", ")
    }
}
