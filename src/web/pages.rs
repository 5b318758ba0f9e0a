//! The pages: the template environment (autoescape, strict undefined
//! variables, every template embedded) and the plain data each page shows,
//! built from a session, its fresh assignments, locks and answers.
//! Answers and labels are only ever values in a context, never template
//! source.

use std::collections::BTreeMap;

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;
use serde_json::{Value, json};

use crate::render::RenderedPrompt;
use crate::session::Session;
use crate::session::runner::latest;
use crate::store::{AssignmentRecord, ResponseRecord};

use super::words::Words;

/// The templates, compiled once.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    for (name, source) in [
        ("base.html", include_str!("templates/base.html")),
        ("join.html", include_str!("templates/join.html")),
        ("message.html", include_str!("templates/message.html")),
        ("group.html", include_str!("templates/group.html")),
        ("dashboard.html", include_str!("templates/dashboard.html")),
        ("grid.html", include_str!("templates/grid.html")),
        ("projector.html", include_str!("templates/projector.html")),
    ] {
        // The templates are part of the program; a broken one fails its tests.
        env.add_template(name, source)
            .expect("embedded templates compile");
    }
    env
}

/// Renders template `name` with `context`.
pub fn render(env: &Environment<'static>, name: &str, context: &Value) -> String {
    match env
        .get_template(name)
        .and_then(|t| t.render(minijinja::value::Serde(context)))
    {
        Ok(html) => html,
        // Only a fault of the program (a template and its data disagree).
        Err(e) => format!(
            "<!doctype html><title>error</title><p>{}</p>",
            escape(&e.to_string())
        ),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The embedded assets by path; nothing else is ever read.
pub fn asset(path: &str) -> Option<(&'static str, &'static str)> {
    match path {
        "style.css" => Some(("text/css; charset=utf-8", include_str!("assets/style.css"))),
        "group.js" => Some((
            "text/javascript; charset=utf-8",
            include_str!("assets/group.js"),
        )),
        "dashboard.js" => Some((
            "text/javascript; charset=utf-8",
            include_str!("assets/dashboard.js"),
        )),
        _ => None,
    }
}

/// A session as the web face sees it now: the pinned session with fresh
/// counters from the store.
pub struct Now<'a> {
    pub session: &'a Session,
    pub assignments: Vec<AssignmentRecord>,
    pub locks: BTreeMap<(String, String), u32>,
    pub responses: Vec<ResponseRecord>,
    pub closed: bool,
}

impl Now<'_> {
    /// A group's assignments in plan order.
    pub fn plan(&self, group: &str) -> Vec<&AssignmentRecord> {
        crate::session::runner::group_plan(&self.assignments, group)
    }

    pub fn locked(&self, assignment: &AssignmentRecord) -> u32 {
        self.locks
            .get(&(assignment.group.clone(), assignment.vignette.clone()))
            .copied()
            .unwrap_or(0)
    }
}

#[derive(Serialize)]
struct OptionView<'a> {
    id: &'a str,
    label: &'a str,
    checked: bool,
    place: Option<usize>,
}

/// One prompt with its current answer, as the group's page shows it.
fn prompt_view(prompt: &RenderedPrompt, current: Option<&Value>, w: &Words) -> Value {
    let chosen = |id: &str| match current {
        Some(Value::String(s)) => s == id,
        Some(Value::Array(items)) => items.iter().any(|i| i.as_str() == Some(id)),
        _ => false,
    };
    let place = |id: &str| match current {
        Some(Value::Array(items)) => items
            .iter()
            .position(|i| i.as_str() == Some(id))
            .map(|p| p + 1),
        _ => None,
    };
    let options: Vec<OptionView<'_>> = prompt
        .options
        .iter()
        .map(|o| OptionView {
            id: &o.id,
            label: &o.label,
            checked: chosen(&o.id),
            place: place(&o.id),
        })
        .collect();
    let points: Vec<Value> = match (prompt.min, prompt.max) {
        (Some(min), Some(max)) => (min..=max)
            .map(|n| {
                json!({
                    "value": n,
                    "label": prompt.likert_label(n),
                    "checked": current.and_then(Value::as_i64) == Some(n),
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    let hint = match prompt.kind {
        "multi" => w
            .choose_between
            .replace("{min}", &prompt.min_choices.unwrap_or(0).to_string())
            .replace(
                "{max}",
                &prompt
                    .max_choices
                    .unwrap_or(prompt.options.len() as u32)
                    .to_string(),
            ),
        "rank" => match prompt.min_ranked {
            Some(min) => w.rank_partial.replace("{min}", &min.to_string()),
            None => w.rank_hint.to_string(),
        },
        _ => String::new(),
    };
    json!({
        "id": prompt.id,
        "kind": prompt.kind,
        "text": prompt.text,
        "help": prompt.help.clone().unwrap_or_default(),
        "hint": hint,
        "max_length": prompt.max_length.unwrap_or(0),
        "value": current.and_then(Value::as_str).unwrap_or_default(),
        "options": options,
        "places": (1..=prompt.options.len()).collect::<Vec<_>>(),
        "ranked": prompt.min_ranked.map_or(prompt.options.len(), |m| m as usize),
        "points": points,
        "answered": current.is_some(),
    })
}

/// The group's page: its vignettes in plan order with the stages revealed so far.
pub fn group_context(now: &Now<'_>, group: &str, w: &'static Words) -> Vec<Value> {
    let mut vignettes = Vec::new();
    for assignment in now.plan(group) {
        let Ok(rendered) = now.session.render_assignment(assignment) else {
            continue;
        };
        let answers = latest(&now.responses, group, &assignment.vignette);
        let revealed = (assignment.revealed as usize).min(rendered.stages.len());
        let locked = now.locked(assignment) as usize;
        let stages: Vec<Value> = rendered
            .stages
            .iter()
            .take(revealed)
            .map(|stage| {
                let prompts: Vec<Value> = stage
                    .prompts
                    .iter()
                    .map(|p| prompt_view(p, answers.get(p.id.as_str()).map(|r| &r.answer.value), w))
                    .collect();
                json!({
                    "number": stage.number,
                    "title": stage.title,
                    "paragraphs": paragraphs(&stage.text),
                    "locked": stage.number <= locked,
                    "prompts": prompts,
                })
            })
            .collect();
        let shown = revealed > 0;
        vignettes.push(json!({
            "id": assignment.vignette,
            "position": assignment.position,
            "title": if shown { rendered.title.clone() } else { String::new() },
            "stage_count": rendered.stage_count,
            "stages": stages,
            "waiting": revealed < rendered.stage_count,
        }));
    }
    vignettes
}

/// A stage's text as paragraphs (blank lines separate them).
fn paragraphs(text: &str) -> Vec<&str> {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// One session on the dashboard: groups × vignettes × stages, with every
/// group's latest answers in words.
pub fn session_grid(now: &Now<'_>, codes: &BTreeMap<String, String>) -> Value {
    let positions = now
        .session
        .groups
        .iter()
        .map(|g| now.plan(&g.label).len())
        .max()
        .unwrap_or(0);
    let groups: Vec<Value> = now
        .session
        .groups
        .iter()
        .map(|g| {
            let mut cells = Vec::new();
            let mut answers = Vec::new();
            let mut can_reveal = false;
            for assignment in now.plan(&g.label) {
                let Ok(rendered) = now.session.render_assignment(assignment) else {
                    continue;
                };
                let latest = latest(&now.responses, &g.label, &assignment.vignette);
                let locked = now.locked(assignment);
                let stages: Vec<Value> = rendered
                    .stages
                    .iter()
                    .map(|s| {
                        json!({
                            "number": s.number,
                            "revealed": s.number as u32 <= assignment.revealed,
                            "locked": s.number as u32 <= locked,
                        })
                    })
                    .collect();
                if (assignment.revealed as usize) < rendered.stages.len() {
                    can_reveal = true;
                }
                let shown: Vec<&RenderedPrompt> = rendered
                    .stages
                    .iter()
                    .take(assignment.revealed as usize)
                    .flat_map(|s| &s.prompts)
                    .collect();
                for stage in &rendered.stages {
                    for prompt in &stage.prompts {
                        if let Some(r) = latest.get(prompt.id.as_str()) {
                            answers.push(json!({
                                "vignette": assignment.vignette,
                                "stage": stage.number,
                                "prompt": prompt.id,
                                "words": answer_words(prompt, &r.answer.value),
                            }));
                        }
                    }
                }
                cells.push(json!({
                    "vignette": assignment.vignette,
                    "stages": stages,
                    "answered": shown.iter().filter(|p| latest.contains_key(p.id.as_str())).count(),
                    "prompts": shown.len(),
                }));
            }
            json!({
                "label": g.label,
                "code": codes.get(&g.label).cloned().unwrap_or_default(),
                "cells": cells,
                "answers": answers,
                "can_reveal": can_reveal,
            })
        })
        .collect();
    json!({
        "id": now.session.record.id,
        "site": now.session.record.site,
        "closed": now.closed,
        "positions": (1..=positions).collect::<Vec<_>>(),
        "groups": groups,
    })
}

/// An answer in words for the dashboard: a Likert point with its anchor
/// (`4 · Svært alvorlig`, no English around it), anything else as every
/// face shows it.
fn answer_words(prompt: &RenderedPrompt, value: &Value) -> Vec<String> {
    match (prompt.kind, value.as_i64()) {
        ("likert", Some(n)) => vec![prompt.likert_label(n)],
        _ => prompt.answer_in_words(value),
    }
}

/// The QR code of `text` as an inline SVG (made here, no user text in it
/// but the address, which the code encodes rather than shows).
pub fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(240, 240)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_compile_and_escape() {
        let env = environment();
        let html = render(
            &env,
            "message.html",
            &json!({
                "w": super::super::words::words("nb"),
                "heading": "<b>x</b>",
                "message": "<script>alert(1)</script>",
                "detail": "",
                "back": "/",
                "back_label": "tilbake",
            }),
        );
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
            "{html}"
        );
        assert!(!html.contains("<script>alert"));
    }

    #[test]
    fn only_the_embedded_assets_are_served() {
        assert!(asset("style.css").is_some());
        for path in ["../Cargo.toml", "/etc/passwd", "templates/base.html", ""] {
            assert!(asset(path).is_none(), "{path}");
        }
    }
}
