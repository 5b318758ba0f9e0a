//! The rules: a rubric compiled for one language, and the evidence rules
//! (options chosen, ranks, Likert values, phrases written, red flags) that
//! give each criterion its level and each dimension its score.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::bank::{
    Criterion, Effect, FlagOption, LikertRule, NegativeRule, OptionRule, PhraseRule, PromptKind,
    RankRule, Rubric, Vignette,
};

use super::types::{AUTO, auto};
use super::*;

/// A rubric compiled for scoring answers in one language.
#[derive(Debug, Clone)]
pub struct Scorer<'r> {
    rubric: &'r Rubric,
    /// The pinned vignette's prompt ids → their index in `prompts`.
    slot_of: foldhash::HashMap<&'r str, usize>,
    /// The prompt ids by slot, for reading answers given in the vignette's order.
    ids: Vec<&'r str>,
    /// The vignette's prompts in order: whether each is a text prompt, and
    /// the stage it is asked at, from 1.
    prompts: Vec<PromptSlot>,
    matcher: Matcher,
    language: String,
    /// Per criterion: the red flags' effects on it, as (flag index, effect).
    effects: Vec<Vec<(usize, &'r Effect)>>,
    /// Per criterion: the prompt slots its rules read.
    criterion_slots: Vec<CriterionSlots>,
    /// Per red flag: the prompt slots it reads.
    flag_slots: Vec<FlagSlots>,
    /// Per criterion: its highest level.
    maxima: Vec<u8>,
}

/// One prompt of the vignette, as the rules read it.
#[derive(Debug, Clone, Copy)]
struct PromptSlot {
    text: bool,
    stage: u32,
}

/// The prompt slots of a criterion's rules, in the rules' order: the slot of
/// each choice rule's prompt ([`NO_SLOT`] for a prompt the vignette lacks),
/// and the slots each phrase and counter-phrase rule looks in.
#[derive(Debug, Clone)]
struct CriterionSlots {
    options: Vec<usize>,
    ranks: Vec<usize>,
    likert: Vec<usize>,
    phrases: Vec<Within>,
    negative: Vec<Within>,
}

/// The prompt slots of a red flag: of each of its options, and those its terms count in.
#[derive(Debug, Clone)]
struct FlagSlots {
    options: Vec<usize>,
    terms: Within,
}

/// The prompt slots a phrase rule looks in; all text prompts when `None`.
type Within = Option<Vec<usize>>;

/// The slot of a prompt the vignette lacks: never answered.
const NO_SLOT: usize = usize::MAX;

/// One unit's answers by prompt slot (the index of the prompt in its vignette).
type Slots<'a> = [Option<Answer<'a>>];

/// The names of other people in a case, folded: every factor-level value
/// that is one capitalised word ("Maja", "Jakob") of the factors that name
/// other people (not the group's own staff), and the case's `other_people`.
fn actors(vignette: &Vignette) -> Vec<String> {
    let mut names: Vec<String> = vignette
        .factors
        .iter()
        .filter(|f| f.others)
        .flat_map(|f| &f.levels)
        .flat_map(|l| l.values.values())
        .flat_map(|values| values.values())
        .filter(|v| {
            v.chars().next().is_some_and(char::is_uppercase) && v.chars().all(char::is_alphabetic)
        })
        .chain(vignette.other_people.iter())
        .map(|v| fold::Folded::new(v).text)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Buffers that [`Scorer::levels`] reuses from one call to the next (one per thread).
#[derive(Debug, Default)]
pub struct Scratch<'a> {
    /// The unit's answers by prompt slot.
    slots: Vec<Option<Answer<'a>>>,
    folded: String,
    buffers: MatchBuffers,
    spots: Vec<Spot>,
    /// The spots of each criterion (its phrases, counter-phrases and elements).
    by_criterion: Vec<Vec<Spot>>,
}

/// A phrase found, as the level rules read it: in the answer to the prompt in `slot`.
#[derive(Debug, Clone, Copy)]
struct Spot {
    target: Target,
    slot: usize,
    negated: bool,
}

impl<'r> Scorer<'r> {
    /// Compiles `rubric` (which scores `vignette`) for answers in `language`.
    pub fn new(rubric: &'r Rubric, vignette: &'r Vignette, language: &str) -> Scorer<'r> {
        let prompts: Vec<(&str, PromptSlot)> = vignette
            .stages
            .iter()
            .zip(1..)
            .flat_map(|(stage, n)| {
                stage.prompts.iter().map(move |p| {
                    (
                        p.id.as_str(),
                        PromptSlot {
                            text: matches!(p.kind, PromptKind::Text { .. }),
                            stage: n,
                        },
                    )
                })
            })
            .collect();
        let mut slot_of = foldhash::HashMap::default();
        for (i, (id, _)) in prompts.iter().enumerate() {
            slot_of.entry(*id).or_insert(i);
        }
        let slot = |prompt: &String| slot_of.get(prompt.as_str()).copied().unwrap_or(NO_SLOT);
        let within = |prompts: &Option<Vec<String>>| -> Within {
            prompts.as_ref().map(|list| list.iter().map(slot).collect())
        };
        let criterion_slots = rubric
            .criteria
            .iter()
            .map(|c| CriterionSlots {
                options: c.evidence.options.iter().map(|r| slot(&r.prompt)).collect(),
                ranks: c.evidence.ranks.iter().map(|r| slot(&r.prompt)).collect(),
                likert: c.evidence.likert.iter().map(|r| slot(&r.prompt)).collect(),
                phrases: c
                    .evidence
                    .phrases
                    .iter()
                    .map(|r| within(&r.prompts))
                    .collect(),
                negative: c
                    .evidence
                    .negative
                    .iter()
                    .map(|r| within(&r.prompts))
                    .collect(),
            })
            .collect();
        let flag_slots = rubric
            .red_flags
            .iter()
            .map(|f| FlagSlots {
                options: f.options.iter().map(|o| slot(&o.prompt)).collect(),
                terms: within(&f.prompts),
            })
            .collect();
        Scorer {
            rubric,
            ids: prompts.iter().map(|(id, _)| *id).collect(),
            prompts: prompts.into_iter().map(|(_, p)| p).collect(),
            slot_of,
            matcher: Matcher::new(rubric, language).with_actors(actors(vignette)),
            language: language.to_string(),
            effects: effects(rubric),
            criterion_slots,
            flag_slots,
            maxima: rubric.criteria.iter().map(Criterion::max_level).collect(),
        }
    }

    /// The slot of `prompt`, if the vignette asks it.
    fn slot(&self, prompt: &str) -> Option<usize> {
        self.slot_of.get(prompt).copied()
    }

    /// The stage a prompt is asked at (0 for a prompt the vignette lacks).
    fn stage(&self, prompt: &str) -> u32 {
        self.slot(prompt).map_or(0, |i| self.prompts[i].stage)
    }

    /// Whether `prompt` is one of the vignette's text prompts.
    fn is_text(&self, prompt: &str) -> bool {
        self.slot(prompt).is_some_and(|i| self.prompts[i].text)
    }

    /// `answers` (prompt id, value) put in `slots` by prompt slot; answers to
    /// prompts the vignette lacks are left out.
    fn fill<'a>(
        &self,
        answers: impl Iterator<Item = (&'a str, Answer<'a>)>,
        slots: &mut Vec<Option<Answer<'a>>>,
    ) {
        slots.clear();
        slots.resize(self.prompts.len(), None);
        // Answers usually come in the vignette's order: try the slot after
        // the last one found before looking the prompt up.
        let mut next = 0;
        for (prompt, value) in answers {
            let slot = match self.ids.get(next) {
                Some(&id) if id == prompt => Some(next),
                _ => self.slot(prompt),
            };
            if let Some(i) = slot {
                slots[i] = Some(value);
                next = i + 1;
            }
        }
    }

    /// The rubric this scorer scores with.
    pub fn rubric(&self) -> &'r Rubric {
        self.rubric
    }

    /// The language this scorer reads.
    pub fn language(&self) -> &str {
        &self.language
    }

    /// Scores answers (prompt id → latest value); unknown prompts are ignored.
    pub fn score(&self, answers: &BTreeMap<String, Value>) -> ScoreCard {
        let mut slots = Vec::new();
        self.fill(
            answers.iter().map(|(p, v)| (p.as_str(), Answer::Json(v))),
            &mut slots,
        );
        // In the order of prompt ids, as the card lists what was found.
        let hits: Vec<Hit> = answers
            .iter()
            .filter(|(prompt, _)| self.is_text(prompt))
            .filter_map(|(prompt, value)| value.as_str().map(|text| (prompt, text)))
            .flat_map(|(prompt, text)| self.matcher.find(prompt, text))
            .collect();
        let answers = slots.as_slice();
        let spots: Vec<Spot> = hits
            .iter()
            .map(|h| Spot {
                target: h.target,
                slot: self.slot(&h.prompt).unwrap_or(NO_SLOT),
                negated: h.negated,
            })
            .collect();
        let raised = self.raised(answers, &spots);
        let mut criteria: Vec<CriterionScore> = (0..self.rubric.criteria.len())
            .map(|c| self.criterion(c, answers, &hits, &spots, &raised))
            .collect();
        let mut levels: Vec<u8> = criteria.iter().map(|c| c.level).collect();
        self.apply_profiles(&mut levels, &raised, |c, to, others| {
            let score = &mut criteria[c];
            score.profile = Some(ProfileMove {
                from: score.level,
                others,
            });
            score.level = to;
        });
        let (dimensions, overall) = summarise(criteria.iter().map(CriterionScore::as_level));
        let dimensions = owned(dimensions);
        ScoreCard {
            rubric: self.rubric.id.clone(),
            rubric_version: self.rubric.version.clone(),
            method: auto(),
            critical_missing: critical_missing(criteria.iter().map(CriterionScore::as_level))
                .map(str::to_string)
                .collect(),
            criteria,
            dimensions,
            overall,
            red_flags: raised
                .iter()
                .map(|&f| self.raised_flag(f, answers, &hits, &spots))
                .collect(),
        }
    }

    /// The levels and red flags that [`Scorer::score`] gives, without the
    /// evidence. `answers` are (prompt id, latest value), one per prompt, in
    /// any order.
    pub fn levels<'a>(
        &self,
        answers: &[(&'a str, Answer<'a>)],
        scratch: &mut Scratch<'a>,
    ) -> Levels {
        let Scratch {
            slots,
            folded,
            buffers,
            spots,
            by_criterion,
        } = scratch;
        self.fill(answers.iter().copied(), slots);
        let answers = slots.as_slice();
        spots.clear();
        for (slot, text) in self.texts(answers) {
            fold::fold_into(text, folded);
            self.matcher.targets(folded, buffers, |target, negated| {
                spots.push(Spot {
                    target,
                    slot,
                    negated,
                })
            });
        }
        let raised = self.raised(answers, spots);
        // Each criterion reads only its own spots (the rules ask for nothing else).
        let n = self.rubric.criteria.len();
        by_criterion.resize_with(n, Vec::new);
        by_criterion.iter_mut().for_each(Vec::clear);
        for spot in spots.iter() {
            if let Some(c) = spot.target.criterion() {
                by_criterion[c].push(*spot);
            }
        }
        let mut criteria: Vec<u8> = (0..n)
            .map(|c| {
                let own = &by_criterion[c];
                self.level(c, self.earned(c, answers, own), own, &raised)
            })
            .collect();
        self.apply_profiles(&mut criteria, &raised, |_, _, _| {});
        Levels {
            criteria,
            red_flags: raised,
        }
    }

    /// The levels as a summary: criteria, dimension and overall scores, red
    /// flags and critical criteria missing, as in the card's summary.
    pub fn summary(&self, levels: &Levels) -> Summary<'r> {
        let rubric = self.rubric;
        let criteria: Vec<CriterionLevel<'r>> = rubric
            .criteria
            .iter()
            .zip(&levels.criteria)
            .map(|(c, &level)| CriterionLevel {
                id: &c.id,
                dimension: &c.dimension,
                weight: c.weight,
                critical: c.critical,
                level,
                max_level: c.max_level(),
                method: AUTO,
            })
            .collect();
        let (dimensions, overall) = summarise(criteria.iter().copied());
        Summary {
            critical_missing: critical_missing(criteria.iter().copied()).collect(),
            criteria,
            dimensions,
            overall,
            red_flags: levels
                .red_flags
                .iter()
                .map(|&f| rubric.red_flags[f].id.as_str())
                .collect(),
        }
    }

    /// The answers to the vignette's text prompts, as (prompt slot, text).
    fn texts<'a>(&self, answers: &Slots<'a>) -> impl Iterator<Item = (usize, &'a str)> {
        self.prompts
            .iter()
            .zip(answers)
            .enumerate()
            .filter(|(_, (prompt, _))| prompt.text)
            .filter_map(|(slot, (_, value))| Some((slot, value.as_ref()?.as_str()?)))
    }

    /// The red flags raised by phrases or options, by index, ascending.
    fn raised(&self, answers: &Slots<'_>, spots: &[Spot]) -> Vec<usize> {
        (0..self.rubric.red_flags.len())
            .filter(|&f| {
                self.flag_spots(f, spots).next().is_some()
                    || self.flag_options(f, answers).next().is_some()
            })
            .collect()
    }

    /// Indices of the phrases that raise red flag `f`.
    fn flag_spots(&self, f: usize, spots: &[Spot]) -> impl Iterator<Item = usize> {
        let within = &self.flag_slots[f].terms;
        spots
            .iter()
            .enumerate()
            .filter(move |(_, s)| {
                s.target == Target::Flag(f) && !s.negated && allowed(within, s.slot)
            })
            .map(|(i, _)| i)
    }

    /// The options whose choice (or rank) raises red flag `f`.
    fn flag_options(&self, f: usize, answers: &Slots<'_>) -> impl Iterator<Item = &'r FlagOption> {
        self.rubric.red_flags[f]
            .options
            .iter()
            .zip(&self.flag_slots[f].options)
            .filter(move |(o, slot)| match o.top {
                Some(top) => {
                    rank_position(answers, **slot, &o.option).is_some_and(|p| p <= top as usize)
                }
                None => chosen(answers, **slot, &o.option),
            })
            .map(|(o, _)| o)
    }

    fn raised_flag(
        &self,
        f: usize,
        answers: &Slots<'_>,
        hits: &[Hit],
        spots: &[Spot],
    ) -> RaisedFlag {
        RaisedFlag {
            id: self.rubric.red_flags[f].id.clone(),
            mentions: self
                .flag_spots(f, spots)
                .map(|i| hits[i].mention())
                .collect(),
            options: self
                .flag_options(f, answers)
                .map(|o| format!("{}:{}", o.prompt, o.option))
                .collect(),
        }
    }

    /// The phrases that are evidence for criterion `c`, negated ones
    /// included, as (index, phrase rule).
    fn phrases(&self, c: usize, spots: &[Spot]) -> impl Iterator<Item = (usize, &'r PhraseRule)> {
        let rules = &self.rubric.criteria[c].evidence.phrases;
        let within = &self.criterion_slots[c].phrases;
        spots
            .iter()
            .enumerate()
            .filter_map(move |(i, s)| match s.target {
                Target::Phrase(of, r) if of == c && allowed(&within[r], s.slot) => {
                    Some((i, &rules[r]))
                }
                _ => None,
            })
    }

    /// The counter-phrases that lower criterion `c`, as (index, rule).
    fn counters(
        &self,
        c: usize,
        spots: &[Spot],
    ) -> impl Iterator<Item = (usize, &'r NegativeRule)> {
        let rules = &self.rubric.criteria[c].evidence.negative;
        let within = &self.criterion_slots[c].negative;
        spots
            .iter()
            .enumerate()
            .filter_map(move |(i, s)| match s.target {
                Target::Negative(of, r) if of == c && !s.negated && allowed(&within[r], s.slot) => {
                    Some((i, &rules[r]))
                }
                _ => None,
            })
    }

    /// The effects of raised red flags on criterion `c`, as (flag index, effect).
    fn flag_effects(
        &self,
        c: usize,
        raised: &[usize],
    ) -> impl Iterator<Item = (usize, &'r Effect)> {
        self.effects[c]
            .iter()
            .filter(move |(f, _)| raised.contains(f))
            .copied()
    }

    /// The level the evidence earns criterion `c`, before counter-phrases and red flags.
    fn earned(&self, c: usize, answers: &Slots<'_>, spots: &[Spot]) -> u8 {
        let choices = choices(&self.rubric.criteria[c], &self.criterion_slots[c], answers)
            .map(|choice| choice.level());
        let phrases = self
            .phrases(c, spots)
            .filter(|(i, _)| !spots[*i].negated)
            .map(|(_, rule)| rule.level);
        let conjunctions = self.conjunctions(c, spots).map(|(rule, _)| rule.level);
        choices
            .chain(phrases)
            .chain(conjunctions)
            .max()
            .unwrap_or(0)
    }

    /// The phrase rules of criterion `c` whose conjunction the answers meet
    /// (at least `at_least` of its elements, not denied, in its prompts),
    /// each with the first phrase found of every element it has.
    fn conjunctions<'s>(
        &'s self,
        c: usize,
        spots: &'s [Spot],
    ) -> impl Iterator<Item = (&'r PhraseRule, Vec<usize>)> + 's
    where
        'r: 's,
    {
        let rules = &self.rubric.criteria[c].evidence.phrases;
        let within = &self.criterion_slots[c].phrases;
        rules.iter().enumerate().filter_map(move |(r, rule)| {
            let elements = rule.elements.as_ref()?;
            let mut first: Vec<Option<usize>> = vec![None; elements.of.len()];
            for (i, s) in spots.iter().enumerate() {
                if let Target::Element(of, rr, e) = s.target
                    && of == c
                    && rr == r
                    && !s.negated
                    && allowed(&within[r], s.slot)
                {
                    first[e].get_or_insert(i);
                }
            }
            let found: Vec<usize> = first.into_iter().flatten().collect();
            (found.len() >= usize::from(elements.at_least)).then_some((rule, found))
        })
    }

    /// Criterion `c`'s level: what it earned, lowered by counter-phrases,
    /// capped or lowered by raised red flags, down to a defined level.
    fn level(&self, c: usize, earned: u8, spots: &[Spot], raised: &[usize]) -> u8 {
        let mut level = earned;
        for (_, rule) in self.counters(c, spots) {
            level = level.saturating_sub(rule.lower);
        }
        for (_, effect) in self.flag_effects(c, raised) {
            if let Some(cap) = effect.cap {
                level = level.min(cap);
            }
            if let Some(lower) = effect.lower {
                level = level.saturating_sub(lower);
            }
        }
        defined_level(&self.rubric.criteria[c], level)
    }

    /// Moves every criterion's level (`levels`, in rubric order) by its
    /// profile rules, all read against the levels as they were before any
    /// moved; `moved(c, to, others)` hears of each move with the rest of the
    /// card that made it.
    fn apply_profiles(
        &self,
        levels: &mut [u8],
        raised: &[usize],
        mut moved: impl FnMut(usize, u8, f64),
    ) {
        let card = CardSum::of(levels.iter().copied().zip(self.maxima.iter().copied()));
        for (c, level) in levels.iter_mut().enumerate() {
            // Each level moves at its own index only; the others read `card`.
            if let Some((to, others)) = self.profiled(c, *level, card, raised) {
                *level = to;
                moved(c, to, others);
            }
        }
    }

    /// The level a profile rule moves criterion `c` to from `level`, with
    /// the rest of the card that moved it (`card`: every criterion's level
    /// before profile rules). A raise is held where a raised red flag acts
    /// on the criterion.
    fn profiled(&self, c: usize, level: u8, card: CardSum, raised: &[usize]) -> Option<(u8, f64)> {
        let rules = &self.rubric.criteria[c].evidence.profile;
        if rules.is_empty() {
            return None;
        }
        let others = card.others(level, self.maxima[c])?;
        let rule = rules.iter().find(|r| r.fits(level, others))?;
        let held = rule.to > rule.from && self.flag_effects(c, raised).next().is_some();
        (!held).then_some((rule.to, others))
    }

    fn criterion(
        &self,
        c: usize,
        answers: &Slots<'_>,
        hits: &[Hit],
        spots: &[Spot],
        raised: &[usize],
    ) -> CriterionScore {
        let criterion = &self.rubric.criteria[c];
        let mut evidence: Vec<Evidence> = choices(criterion, &self.criterion_slots[c], answers)
            .map(|choice| choice.evidence(|prompt| self.stage(prompt)))
            .collect();
        let mut negated = Vec::new();
        for (i, rule) in self.phrases(c, spots) {
            let hit = &hits[i];
            if hit.negated {
                negated.push(hit.mention());
            } else {
                evidence.push(phrase_evidence(hit, rule.level, self.stage(&hit.prompt)));
            }
        }
        for (rule, found) in self.conjunctions(c, spots) {
            for i in found {
                let hit = &hits[i];
                evidence.push(phrase_evidence(hit, rule.level, self.stage(&hit.prompt)));
            }
        }
        let earned = self.earned(c, answers, spots);
        let stage = evidence
            .iter()
            .filter(|e| earned > 0 && e.level() >= earned)
            .map(Evidence::stage)
            .min();
        CriterionScore {
            id: criterion.id.clone(),
            dimension: criterion.dimension.clone(),
            weight: criterion.weight,
            critical: criterion.critical,
            level: self.level(c, earned, spots, raised),
            max_level: criterion.max_level(),
            earned,
            evidence,
            lowered_by: self
                .counters(c, spots)
                .map(|(i, rule)| (hits[i].mention(), rule.lower))
                .collect(),
            flags: self
                .flag_effects(c, raised)
                .map(|(f, _)| self.rubric.red_flags[f].id.clone())
                .collect(),
            negated,
            method: auto(),
            stage,
            profile: None,
        }
    }
}

/// Per criterion, the effects red flags have on it as (flag index, effect),
/// by flag. A flag takes the effects of the first flag with its id (ids are
/// unique in a valid rubric).
fn effects(rubric: &Rubric) -> Vec<Vec<(usize, &Effect)>> {
    let flags = &rubric.red_flags;
    rubric
        .criteria
        .iter()
        .map(|criterion| {
            flags
                .iter()
                .enumerate()
                .flat_map(|(f, flag)| {
                    let first = flags.iter().find(|x| x.id == flag.id).unwrap_or(flag);
                    first
                        .effects
                        .iter()
                        .filter(|e| e.criterion == criterion.id)
                        .map(move |e| (f, e))
                })
                .collect()
        })
        .collect()
}

fn phrase_evidence(hit: &Hit, level: u8, stage: u32) -> Evidence {
    Evidence::Phrase {
        prompt: hit.prompt.clone(),
        start: hit.start,
        end: hit.end,
        text: hit.text.clone(),
        term: hit.term.clone(),
        level,
        stage,
    }
}

/// The highest level of the criterion at or below `level`.
fn defined_level(criterion: &Criterion, level: u8) -> u8 {
    criterion
        .levels
        .iter()
        .map(|l| l.level)
        .filter(|&l| l <= level)
        .max()
        .unwrap_or(0)
}

/// Whether a rule that looks in `within` reads the answer in `slot`.
fn allowed(within: &Within, slot: usize) -> bool {
    within.as_ref().is_none_or(|slots| slots.contains(&slot))
}

/// The answer in prompt slot `slot`, if any.
fn answer<'a>(answers: &Slots<'a>, slot: usize) -> Option<Answer<'a>> {
    answers.get(slot).copied().flatten()
}

fn chosen(answers: &Slots<'_>, slot: usize, option: &str) -> bool {
    answer(answers, slot).is_some_and(|a| match a.as_str() {
        Some(id) => id == option,
        None => a
            .as_array()
            .is_some_and(|ids| ids.iter().any(|id| id == option)),
    })
}

/// 1-based position of an option in a ranking answer.
fn rank_position(answers: &Slots<'_>, slot: usize, option: &str) -> Option<usize> {
    answer(answers, slot)?
        .as_array()?
        .iter()
        .position(|id| id == option)
        .map(|i| i + 1)
}

/// An answer that meets one of a criterion's choice rules.
enum Choice<'r> {
    Option(&'r OptionRule),
    /// The rule and the option's position.
    Rank(&'r RankRule, usize),
    /// The rule and the value.
    Likert(&'r LikertRule, i64),
}

impl Choice<'_> {
    fn level(&self) -> u8 {
        match self {
            Choice::Option(r) => r.level,
            Choice::Rank(r, _) => r.level,
            Choice::Likert(r, _) => r.level,
        }
    }

    fn evidence(&self, stage: impl Fn(&str) -> u32) -> Evidence {
        match *self {
            Choice::Option(r) => Evidence::Option {
                prompt: r.prompt.clone(),
                option: r.option.clone(),
                level: r.level,
                stage: stage(&r.prompt),
            },
            Choice::Rank(r, position) => Evidence::Rank {
                prompt: r.prompt.clone(),
                option: r.option.clone(),
                position,
                level: r.level,
                stage: stage(&r.prompt),
            },
            Choice::Likert(r, value) => Evidence::Likert {
                prompt: r.prompt.clone(),
                value,
                level: r.level,
                stage: stage(&r.prompt),
            },
        }
    }
}

/// The options chosen, ranks and Likert values that are evidence for
/// `criterion` (its rules' prompt slots in `slots`): options first, then
/// ranks, then Likert values.
fn choices<'r>(
    criterion: &'r Criterion,
    slots: &CriterionSlots,
    answers: &Slots<'_>,
) -> impl Iterator<Item = Choice<'r>> {
    let rules = &criterion.evidence;
    let options = rules
        .options
        .iter()
        .zip(&slots.options)
        .filter(|(r, slot)| chosen(answers, **slot, &r.option))
        .map(|(r, _)| Choice::Option(r));
    let ranks = rules
        .ranks
        .iter()
        .zip(&slots.ranks)
        .filter_map(|(r, &slot)| {
            let position = rank_position(answers, slot, &r.option)?;
            (position <= r.top as usize).then_some(Choice::Rank(r, position))
        });
    let likert = rules
        .likert
        .iter()
        .zip(&slots.likert)
        .filter_map(|(r, &slot)| {
            let value = answer(answers, slot)?.as_i64()?;
            (r.min..=r.max)
                .contains(&value)
                .then_some(Choice::Likert(r, value))
        });
    options.chain(ranks).chain(likert)
}

/// Critical criteria at level 0.
pub(super) fn critical_missing<'a>(
    criteria: impl Iterator<Item = CriterionLevel<'a>>,
) -> impl Iterator<Item = &'a str> {
    criteria
        .filter(|c| c.critical && c.level == 0)
        .map(|c| c.id)
}

/// Dimension scores and the overall score, each weighted levels over their maximum × 100.
pub(super) fn summarise<'a>(
    criteria: impl Iterator<Item = CriterionLevel<'a>>,
) -> (BTreeMap<&'a str, DimensionScore>, f64) {
    // (dimension, weighted levels over maxima, weights, criteria): a card
    // has a few dimensions, so a list searched in place beats a map.
    let mut sums: Vec<(&str, f64, f64, usize)> = Vec::with_capacity(4);
    for c in criteria.filter(|c| c.max_level > 0) {
        let at = match sums.iter().position(|s| s.0 == c.dimension) {
            Some(at) => at,
            None => {
                sums.push((c.dimension, 0.0, 0.0, 0));
                sums.len() - 1
            }
        };
        let entry = &mut sums[at];
        entry.1 += c.weight * f64::from(c.level) / f64::from(c.max_level);
        entry.2 += c.weight;
        entry.3 += 1;
    }
    // Summed in the order of dimension names, as the scores are listed.
    sums.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let (got, max) = sums
        .iter()
        .fold((0.0, 0.0), |(g, m), (_, got, max, _)| (g + got, m + max));
    let dimensions = sums
        .into_iter()
        .map(|(dimension, got, max, n)| {
            (
                dimension,
                DimensionScore {
                    score: 100.0 * got / max,
                    criteria: n,
                },
            )
        })
        .collect();
    (dimensions, if max > 0.0 { 100.0 * got / max } else { 0.0 })
}

pub(super) fn owned(
    dimensions: BTreeMap<&str, DimensionScore>,
) -> BTreeMap<String, DimensionScore> {
    dimensions
        .into_iter()
        .map(|(d, score)| (d.to_string(), score))
        .collect()
}
