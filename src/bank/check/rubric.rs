//! Checks of a rubric: criteria, levels, evidence rules and red flags,
//! and every reference into the vignette it scores.

use std::collections::{BTreeMap, BTreeSet};

use super::super::model::*;
use super::super::{Entry, lexicon};
use super::*;

/// Where a phrase term gives a level: the rubric (its index), the JSON
/// pointer of the term, and the level.
type TermUse = (usize, String, u8);

impl Checker<'_> {
    /// Warns where the same phrase term (case aside) gives different levels
    /// for the same criterion id in different rubrics, at each place that
    /// gives more than the least: one fix should reach every vignette, and a
    /// group should not earn more for the same words in another case.
    pub(super) fn consistent_terms(&mut self, rubrics: &[Entry<Rubric>]) {
        let mut uses: BTreeMap<(&str, &str, String), Vec<TermUse>> = BTreeMap::new();
        for (r, entry) in rubrics.iter().enumerate() {
            for (c, criterion) in entry.item.criteria.iter().enumerate() {
                for (p, rule) in criterion.evidence.phrases.iter().enumerate() {
                    for (language, terms) in &rule.terms {
                        // A term bound by `with` or `without` terms is other evidence than the term alone.
                        let bound = |terms: &Option<Terms>, word: &str| {
                            terms
                                .as_ref()
                                .and_then(|w| w.get(language))
                                .map(|w| format!(" ({word} {})", w.join(", ")))
                                .unwrap_or_default()
                        };
                        let with = bound(&rule.with, "with") + &bound(&rule.without, "without");
                        for (t, term) in terms.iter().enumerate() {
                            let pointer =
                                format!("/criteria/{c}/evidence/phrases/{p}/terms/{language}/{t}");
                            let term = format!("{}{with}", term.trim().to_lowercase());
                            uses.entry((&criterion.id, language, term))
                                .or_default()
                                .push((r, pointer, rule.level));
                        }
                    }
                }
            }
        }
        for ((criterion, _, term), places) in uses {
            let least = places.iter().map(|(_, _, level)| *level).min().unwrap_or(0);
            let lower: BTreeSet<&str> = places
                .iter()
                .filter(|(_, _, level)| *level == least)
                .map(|(r, _, _)| rubrics[*r].item.id.as_str())
                .collect();
            let lower = lower.into_iter().collect::<Vec<_>>().join(", ");
            for (r, pointer, level) in places.iter().filter(|(_, _, level)| *level > least) {
                self.warning(
                    &rubrics[*r],
                    pointer,
                    format!(
                        "`{term}` gives level {level} for {criterion} here but level {least} in \
                         rubric {lower}; a term should give one level for a criterion in every rubric"
                    ),
                );
            }
        }
    }

    pub(super) fn rubric(&mut self, entry: &Entry<Rubric>) {
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
                let at = format!("/criteria/{c}/evidence/phrases/{p}");
                if !rule.terms.is_empty() {
                    self.terms(entry, &format!("{at}/terms"), &rule.terms);
                }
                if let Some(with) = &rule.with {
                    self.terms(entry, &format!("{at}/with"), with);
                }
                if let Some(without) = &rule.without {
                    self.terms(entry, &format!("{at}/without"), without);
                }
                if let Some(elements) = &rule.elements {
                    for (e, element) in elements.of.iter().enumerate() {
                        self.terms(entry, &format!("{at}/elements/of/{e}"), element);
                    }
                    if usize::from(elements.at_least) > elements.of.len() {
                        self.error(
                            entry,
                            &format!("{at}/elements/at_least"),
                            format!(
                                "at least {} of {} elements can never be met; expected at most {}",
                                elements.at_least,
                                elements.of.len(),
                                elements.of.len()
                            ),
                        );
                    }
                }
            }
            for (n, rule) in criterion.evidence.negative.iter().enumerate() {
                self.terms(
                    entry,
                    &format!("/criteria/{c}/evidence/negative/{n}/terms"),
                    &rule.terms,
                );
            }
            for (p, rule) in criterion.evidence.profile.iter().enumerate() {
                self.profile(
                    entry,
                    &format!("/criteria/{c}/evidence/profile/{p}"),
                    criterion,
                    rule,
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

    /// A profile rule moves one step between the criterion's levels: up when
    /// the rest of the card is strong, down when it is weak, never up from 0.
    fn profile(
        &mut self,
        entry: &Entry<Rubric>,
        at: &str,
        criterion: &Criterion,
        rule: &ProfileRule,
    ) {
        self.level(entry, &format!("{at}/from"), criterion, rule.from);
        self.level(entry, &format!("{at}/to"), criterion, rule.to);
        let position = |level| criterion.levels.iter().position(|l| l.level == level);
        let (Some(from), Some(to)) = (position(rule.from), position(rule.to)) else {
            return;
        };
        let problem = if from.abs_diff(to) != 1 {
            Some(format!(
                "a profile rule moves one level; {} → {} is not a step between neighbouring levels",
                rule.from, rule.to
            ))
        } else if to > from && rule.from == 0 {
            Some("a profile rule never raises from 0: the level needs the group's own evidence first".to_string())
        } else if to > from && rule.others_at_least.is_none() {
            Some(
                "a raise needs `others_at_least` (the rest of the card strong), not `others_below`"
                    .to_string(),
            )
        } else if to < from && rule.others_below.is_none() {
            Some("a lowering needs `others_below` (the rest of the card weak), not `others_at_least`".to_string())
        } else {
            None
        };
        if let Some(problem) = problem {
            self.error(entry, at, problem);
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
                let at = format!("{at}/{language}/{i}");
                match lexicon::reference(phrase) {
                    Some(name) => self.reference(entry, &at, name, language),
                    None => self.phrase(entry, &at, phrase),
                }
            }
        }
        self.nynorsk_covers(entry, at, terms);
    }

    /// A `@name` term names an entry of the bank's lexicons that has
    /// phrases in `language`.
    fn reference(&mut self, entry: &Entry<Rubric>, at: &str, name: &str, language: &str) {
        match self.lexicon.get(name) {
            Some(terms) if terms.contains_key(language) => {}
            Some(_) => self.error(
                entry,
                at,
                format!("lexicon entry `{name}` has no `{language}` phrases"),
            ),
            None if self.broken.any(Kind::Lexicon) => {}
            None => {
                let known: Vec<&str> = self.lexicon.keys().copied().collect();
                let hint = match closest(name, &known) {
                    Some(meant) => format!("; did you mean `@{meant}`?"),
                    None if known.is_empty() => "; the bank has no lexicons/ folder".to_string(),
                    None => String::new(),
                };
                self.error(entry, at, format!("`@{name}` names no lexicon entry{hint}"));
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
