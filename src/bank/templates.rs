//! The template language of bank texts (minijinja with strict undefined
//! variables, unescaped, fuelled; variables come only from factor levels),
//! and the proof of a vignette's templates: every template compiles and renders for
//! every combination of factor levels in every language of the vignette.

use std::collections::{BTreeMap, BTreeSet};

use super::{Level, Text, Vignette};
use crate::input::Problem;

use minijinja::{Environment, UndefinedBehavior};

/// Template instructions one render may spend; bounds runaway loops in a bank.
const FUEL: u64 = 100_000;

/// The environment bank templates are rendered in: strict, unescaped, fuelled.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_fuel(Some(FUEL));
    env
}

/// The template variables a combination of levels sets in `language`.
pub fn variables<'a>(
    language: &str,
    levels: impl IntoIterator<Item = &'a Level>,
) -> BTreeMap<String, String> {
    levels
        .into_iter()
        .filter_map(|level| level.values.get(language))
        .flat_map(|values| values.clone())
        .collect()
}

/// Vignettes with more factor combinations than this are not rendered exhaustively.
pub const MAX_COMBINATIONS: usize = 10_000;

/// Template instructions the proof of a whole bank may spend, over every
/// render of every vignette: bounds the total work of checking a bank (each
/// render is bounded by its own fuel, but a bank of many combinations of
/// costly templates could multiply that into minutes). Every render costs
/// at least [`RENDER_COST`], so many cheap renders count too. The shipped
/// bank spends about 2 % of it.
pub const BANK_FUEL: u64 = 20_000_000;

/// The least a render takes from the bank's budget, whatever it spent.
const RENDER_COST: u64 = 100;

/// What is left of a bank's template budget ([`BANK_FUEL`]) while its
/// vignettes are checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    remaining: u64,
    spent: bool,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            remaining: BANK_FUEL,
            spent: false,
        }
    }
}

impl Budget {
    /// Takes `fuel` from the budget; false when it was not there.
    fn take(&mut self, fuel: u64) -> bool {
        match self.remaining.checked_sub(fuel) {
            Some(left) => {
                self.remaining = left;
                true
            }
            None => {
                self.spent = true;
                false
            }
        }
    }

    /// Template instructions spent so far.
    pub fn used(&self) -> u64 {
        BANK_FUEL - self.remaining
    }
}

/// What checking a vignette's templates found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TemplateCheck {
    /// Factor-level combinations rendered (in each language).
    pub combinations: usize,
    /// Templates rendered, over all combinations and languages.
    pub renders: usize,
    /// Templates that do not compile or render, each at the JSON pointer of
    /// its text with the language, e.g. `/stages/0/text/nb`.
    pub problems: Vec<Problem>,
}

/// Every template text of a vignette with its JSON pointer.
fn templates(vignette: &Vignette) -> Vec<(String, &Text)> {
    let mut found = Vec::new();
    for (s, stage) in vignette.stages.iter().enumerate() {
        found.push((format!("/stages/{s}/text"), &stage.text));
        for (p, prompt) in stage.prompts.iter().enumerate() {
            let at = format!("/stages/{s}/prompts/{p}");
            found.push((format!("{at}/text"), &prompt.text));
            if let Some(help) = &prompt.help {
                found.push((format!("{at}/help"), help));
            }
            for (o, option) in prompt.kind.options().iter().enumerate() {
                found.push((format!("{at}/options/{o}/label"), &option.label));
            }
        }
    }
    found
}

/// Every combination of one level per factor.
fn combinations(vignette: &Vignette) -> Vec<Vec<&Level>> {
    vignette
        .factors
        .iter()
        .fold(vec![Vec::new()], |acc, factor| {
            acc.iter()
                .flat_map(|prefix| {
                    factor.levels.iter().map(move |level| {
                        let mut next = prefix.clone();
                        next.push(level);
                        next
                    })
                })
                .collect()
        })
}

fn combination_count(vignette: &Vignette) -> usize {
    vignette
        .factors
        .iter()
        .try_fold(1usize, |n, f| n.checked_mul(f.levels.len()))
        .unwrap_or(usize::MAX)
}

/// Compiles and renders every template for every combination and language,
/// spending from the bank's `budget`.
///
/// Each broken template is reported once, with the first combination that
/// breaks it. The render that exhausts the budget is reported at its
/// template, and nothing more is rendered (in this vignette or later ones).
pub fn check_templates(vignette: &Vignette, file: &str, budget: &mut Budget) -> TemplateCheck {
    let mut check = TemplateCheck::default();
    if budget.spent {
        return check;
    }
    let count = combination_count(vignette);
    if count > MAX_COMBINATIONS {
        check.problems.push(Problem::at_pointer(
            file,
            "/factors",
            format!("{count} factor-level combinations; at most {MAX_COMBINATIONS} can be checked"),
        ));
        return check;
    }
    let combos = combinations(vignette);
    let texts = templates(vignette);
    let mut env = environment();
    // Debug mode keeps each error's place in its template, for its column.
    env.set_debug(true);
    for language in &vignette.languages {
        let mut compiled = Vec::new();
        for (pointer, text) in &texts {
            let pointer = format!("{pointer}/{language}");
            let Some(source) = text.get(language) else {
                continue; // a missing language is reported by the bank checks
            };
            match env.template_from_str(source) {
                Ok(template) => compiled.push((pointer, template)),
                Err(e) => check.problems.push(Problem::at_pointer(
                    file,
                    &pointer,
                    format!("template does not compile: {}", describe(&e, source)),
                )),
            }
        }
        let mut broken = BTreeSet::new();
        for combo in &combos {
            let context = variables(language, combo.iter().copied());
            for (pointer, template) in &compiled {
                if broken.contains(pointer) {
                    continue;
                }
                check.renders += 1;
                match template.render_captured(&context) {
                    Ok(captured) => {
                        let fuel = captured.state().fuel_levels().map_or(0, |(used, _)| used);
                        if !budget.take(fuel.max(RENDER_COST)) {
                            check.problems.push(Problem::at_pointer(
                                file,
                                pointer,
                                over_budget(vignette, combo),
                            ));
                            check.combinations = combos.len();
                            return check;
                        }
                    }
                    Err(e) => {
                        broken.insert(pointer.clone());
                        check.problems.push(Problem::at_pointer(
                            file,
                            pointer,
                            render_failure(vignette, combo, template, &context, &e),
                        ));
                    }
                }
            }
        }
    }
    check.combinations = combos.len();
    check
}

/// The levels of `combo` as `factor=level …`, after " with ", or nothing.
fn levels_named(vignette: &Vignette, combo: &[&Level]) -> String {
    let levels: Vec<String> = vignette
        .factors
        .iter()
        .zip(combo)
        .map(|(f, l)| format!("{}={}", f.id, l.id))
        .collect();
    if levels.is_empty() {
        String::new()
    } else {
        format!(" with {}", levels.join(" "))
    }
}

fn over_budget(vignette: &Vignette, combo: &[&Level]) -> String {
    format!(
        "checking the bank's templates would take more than {BANK_FUEL} template instructions; \
         the budget ran out rendering this template{}: use fewer factor levels or simpler templates",
        levels_named(vignette, combo)
    )
}

fn render_failure(
    vignette: &Vignette,
    combo: &[&Level],
    template: &minijinja::Template<'_, '_>,
    context: &BTreeMap<String, String>,
    error: &minijinja::Error,
) -> String {
    let at = levels_named(vignette, combo);
    let missing: Vec<String> = template
        .undeclared_variables(false)
        .into_iter()
        .filter(|v| !context.contains_key(v))
        .collect();
    if error.kind() == minijinja::ErrorKind::UndefinedError && !missing.is_empty() {
        let known: Vec<&str> = context.keys().map(String::as_str).collect();
        format!(
            "undefined variable `{}`{at}; expected one of the variables the factor levels set: {}",
            missing.join("`, `"),
            if known.is_empty() {
                "(none)".to_string()
            } else {
                known.join(", ")
            }
        )
    } else {
        format!(
            "does not render{at}: {}",
            describe(error, template.source())
        )
    }
}

/// minijinja's message with the template line and, where the error has a
/// place in `source`, its column, without the long debug info.
fn describe(error: &minijinja::Error, source: &str) -> String {
    let detail = error.detail().unwrap_or_default();
    let kind = error.kind().to_string();
    let message = if detail.is_empty() {
        kind
    } else {
        format!("{kind}: {detail}")
    };
    let column = error
        .range()
        .and_then(|range| source.get(..range.start))
        .map(|before| before.rsplit('\n').next().unwrap_or("").chars().count() + 1);
    match (error.line(), column) {
        (Some(line), Some(column)) => format!("{message} (template line {line}, column {column})"),
        (Some(line), None) => format!("{message} (template line {line})"),
        (None, _) => message,
    }
}
