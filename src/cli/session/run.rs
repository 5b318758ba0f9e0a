//! `vignette session run`: the facilitator's terminal runner. Shows one
//! group its current stage, takes the group's answers prompt by prompt
//! (checked at the prompt, each stored in its own transaction before it is
//! reported saved), reveals stages and switches between groups.
//!
//! Not for non-interactive input (`session answer --stream` / `--file` is)
//! and not for the navigation rules, which live in
//! `vignette::session::runner`: this file only asks and prints. Everything
//! it shows is read back from the store, so a stopped runner resumes exactly.

use std::io::IsTerminal;
use std::process::ExitCode;

use inquire::validator::Validation;
use inquire::{Confirm, CustomType, Editor, InquireError, MultiSelect, Select, Text};
use serde_json::{Value, json};
use vignette::bank::{Prompt, PromptKind};
use vignette::render::{RenderedPrompt, RenderedVignette};
use vignette::session::runner::{self, Reveal, Step};
use vignette::session::{self, Session};
use vignette::store::{AnswerRecord, ResponseRecord, Store, StoreError};

use crate::cli::Context;
use crate::cli::terminal::{bold, dim, green, red, truncate, width, wrap};
use crate::cli::{Failure, Outcome};

/// Run a workshop session from the terminal, as its facilitator.
///
/// Shows one group its current stage (in the session's language, with the
/// group's factor levels), takes the group's answers to every prompt and
/// stores each one as soon as it is confirmed. From the menu you answer or
/// revise prompts of the stages shown, show the next stage to this group or
/// to all groups, see every group's progress and switch group.
///
/// Keys: ↑/↓ move, Enter chooses, typing filters a list, Space ticks an
/// option of a multiple choice, Esc goes back without storing anything.
/// Text answers are typed line by line and end with an empty line; `:e` on
/// the first line opens $VISUAL or $EDITOR instead. Ctrl-C leaves the runner;
/// nothing confirmed is lost, and running the command again resumes where
/// it stopped. It needs a terminal; for answers from a program use
/// `vignette session answer SESSION --stream` or `--file`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Session id.
    session: String,
    /// Start with this group (default: the group answered last, else the first).
    #[arg(long)]
    group: Option<String>,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    if !std::io::stdin().is_terminal() {
        return Err(no_terminal());
    }
    let store = cx.store()?;
    let mut runner = Runner::start(store, &args.session, args.group.as_deref())?;
    let stopped = runner.run();
    let resume = format!("`vignette session run {}`", args.session);
    match stopped {
        Err(Stop::Fail(failure)) => Err(failure),
        Err(Stop::Quit) => {
            println!("\nInterrupted. Every confirmed answer is saved; {resume} continues here.");
            Ok(ExitCode::from(130))
        }
        Ok(()) | Err(Stop::Cancel) => {
            println!("Stopped. Every confirmed answer is saved; {resume} continues here.");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn no_terminal() -> Failure {
    Failure::usage("`session run` is interactive and needs a terminal; standard input is not one")
        .hint("to store answers without a terminal use `vignette session answer SESSION --stream` (one JSON answer per line) or `vignette session answer SESSION --file answers.json`")
}

/// Why a prompt gave no answer.
enum Stop {
    /// Esc: back to the menu, nothing stored.
    Cancel,
    /// Ctrl-C: leave the runner; everything confirmed is stored already.
    Quit,
    Fail(Failure),
}

impl From<InquireError> for Stop {
    fn from(error: InquireError) -> Stop {
        match error {
            InquireError::OperationCanceled => Stop::Cancel,
            InquireError::OperationInterrupted => Stop::Quit,
            InquireError::NotTTY => Stop::Fail(no_terminal()),
            other => Stop::Fail(Failure::usage(format!("terminal: {other}"))),
        }
    }
}

impl From<Failure> for Stop {
    fn from(failure: Failure) -> Stop {
        Stop::Fail(failure)
    }
}

type Asked<T> = Result<T, Stop>;

/// What the facilitator can do from the main screen.
#[derive(Debug, Clone, PartialEq)]
enum Action {
    Answer(String),
    AnswerOther,
    Revise,
    Next,
    NextAll,
    Groups,
    Quit,
}

/// A labelled entry of a list to choose from.
#[derive(Debug, Clone)]
struct Choice<T> {
    label: String,
    value: T,
}

impl<T> std::fmt::Display for Choice<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

fn choice<T>(label: impl Into<String>, value: T) -> Choice<T> {
    Choice {
        label: label.into(),
        value,
    }
}

/// One prompt being answered, with everything needed to ask and show it.
struct Asking {
    prompt: Prompt,
    rendered: RenderedPrompt,
    stage: u32,
    /// The current answer and its revision, when revising.
    current: Option<(Value, u32)>,
}

/// The runner's state: the store and what was last read from it.
struct Runner {
    store: Store,
    session: Session,
    responses: Vec<ResponseRecord>,
    group: String,
    /// Lines shown at the foot of the next screen (saved, refused, …).
    notices: Vec<String>,
}

impl Runner {
    fn start(store: Store, id: &str, group: Option<&str>) -> Result<Runner, Failure> {
        let session = session::load(&store, id)?;
        let responses = store.responses(id)?;
        let group = match group {
            Some(wanted) => known_group(&session, wanted)?,
            None => runner::resume_group(&session, &responses)
                .ok_or_else(|| Failure::usage(format!("session {id} has no groups")))?
                .to_string(),
        };
        Ok(Runner {
            store,
            session,
            responses,
            group,
            notices: Vec::new(),
        })
    }

    fn run(&mut self) -> Asked<()> {
        loop {
            self.refresh()?;
            let step = self.step()?;
            let view = self.view(&step)?;
            self.draw(&step, &view);
            let action = match self.menu(&step, &view) {
                Err(Stop::Cancel) => continue,
                other => other?,
            };
            let done = match action {
                Action::Quit => return Ok(()),
                Action::Answer(id) => self.answer(&step, &view, &id),
                Action::AnswerOther => self.pick_and_answer(&step, &view, false),
                Action::Revise => self.pick_and_answer(&step, &view, true),
                Action::Next => self.next_stage(&step),
                Action::NextAll => self.next_stage_all(),
                Action::Groups => self.groups(),
            };
            match done {
                Err(Stop::Cancel) => self.notices.push("cancelled; nothing was stored".into()),
                other => other?,
            }
        }
    }

    /// Reads the session's state again: the store is the only truth.
    fn refresh(&mut self) -> Result<(), Failure> {
        let id = self.session.record.id.clone();
        self.session.record = self.store.session(&id)?;
        self.session.assignments = self.store.assignments(&id)?;
        self.responses = self.store.responses(&id)?;
        Ok(())
    }

    fn step(&self) -> Result<Step, Failure> {
        self.step_of(&self.group)
    }

    fn step_of(&self, group: &str) -> Result<Step, Failure> {
        runner::position(&self.session, &self.responses, group).ok_or_else(|| {
            Failure::usage(format!(
                "group {group} has no vignettes in session {}",
                self.session.record.id
            ))
        })
    }

    /// The group's current vignette rendered in the session's language with its levels.
    fn view(&self, step: &Step) -> Result<RenderedVignette, Failure> {
        let assignment = self
            .session
            .assignment(&step.group, &step.vignette)
            .map_err(Failure::usage)?;
        Ok(self.session.render_assignment(assignment)?)
    }

    fn closed(&self) -> bool {
        self.session.record.closed_at.is_some()
    }

    fn draw(&mut self, step: &Step, view: &RenderedVignette) {
        let width = width();
        let mut out = String::from("\x1b[H\x1b[2J");
        out.push_str(&self.header(step, view, width));
        if step.started() {
            out.push_str(&self.stage_screen(step, view, width));
        } else {
            out.push_str(&format!(
                "\nGroup {} has not seen {} yet. Choose “Show stage 1” when the group is ready.\n",
                step.group, step.vignette
            ));
        }
        if step.started() && runner::next(&self.session, step).is_none() {
            out.push_str(&dim(&format!(
                "This is the last stage of {}'s last vignette.\n",
                step.group
            )));
        }
        out.push_str(&dim(&"─".repeat(width)));
        out.push('\n');
        for notice in self.notices.drain(..) {
            out.push_str(&notice);
            out.push('\n');
        }
        print!("{out}");
        let _ = std::io::Write::flush(&mut std::io::stdout());
    }

    fn header(&self, step: &Step, view: &RenderedVignette, width: usize) -> String {
        let r = &self.session.record;
        let mut out = dim(&format!(
            "session {} · {} · {} · cohort {} · {}\n",
            r.id, r.offering, r.phase, r.cohort, r.site
        ));
        out.push_str(&bold(&format!(
            "Group {} · vignette {} of {}: {} {} · {}",
            step.group,
            step.position,
            step.vignettes,
            view.id,
            view.title,
            shown(step)
        )));
        out.push('\n');
        let levels: Vec<String> = view
            .factors
            .iter()
            .map(|f| format!("{}: {}", f.factor_label, f.level_label))
            .collect();
        out.push_str(&dim(&wrap(&levels.join(" · "), width).join("\n")));
        out.push('\n');
        if self.closed() {
            out.push_str(&format!(
                "⚠ session {} is closed: answers and new stages are refused until it is reopened\n",
                r.id
            ));
        }
        out
    }

    fn stage_screen(&self, step: &Step, view: &RenderedVignette, width: usize) -> String {
        let states = runner::prompts(&self.session, &self.responses, step);
        let mut out = String::new();
        for earlier in view.stages.iter().take(step.stage as usize - 1) {
            let of_stage: Vec<_> = states
                .iter()
                .filter(|s| s.stage as usize == earlier.number)
                .collect();
            let done = of_stage.iter().filter(|s| s.current.is_some()).count();
            out.push_str(&dim(&format!(
                "stage {} · {}: {done} of {} answered\n",
                earlier.number,
                earlier.title,
                of_stage.len()
            )));
        }
        let Some(stage) = view.stages.get(step.stage as usize - 1) else {
            return out;
        };
        out.push_str(&format!(
            "\n{}\n\n",
            bold(&format!(
                "Stage {} of {}: {}",
                stage.number, step.stages, stage.title
            ))
        ));
        for line in wrap(&stage.text, width) {
            out.push_str(&line);
            out.push('\n');
        }
        out.push('\n');
        for (n, p) in stage.prompts.iter().enumerate() {
            let current = states
                .iter()
                .find(|s| s.prompt.id == p.id)
                .and_then(|s| s.current);
            out.push_str(&prompt_line(n + 1, p, current, width));
        }
        out
    }

    fn menu(&self, step: &Step, view: &RenderedVignette) -> Asked<Action> {
        let (choices, start) = self.choices(step, view);
        let picked = Select::new(&format!("{} — what next?", step.group), choices)
            .with_starting_cursor(start)
            .with_page_size(10)
            .with_help_message("↑↓ move · Enter choose · type to filter · Ctrl-C quit")
            .prompt()?;
        Ok(picked.value)
    }

    /// The menu for this screen and the entry under the cursor: the next open
    /// prompt of the current stage, else showing the next stage.
    fn choices(&self, step: &Step, view: &RenderedVignette) -> (Vec<Choice<Action>>, usize) {
        let states = runner::prompts(&self.session, &self.responses, step);
        let stage_of = |id: &String| states.iter().find(|s| &s.prompt.id == id).map(|s| s.stage);
        let first_open = step
            .open
            .iter()
            .find(|id| stage_of(id) == Some(step.stage))
            .or(step.open.first());
        let mut choices = Vec::new();
        if let Some(id) = first_open {
            let text = rendered_prompt(view, id).map_or("", |p| p.text.as_str());
            let stage = match stage_of(id) {
                Some(n) if n != step.stage => format!(" (stage {n})"),
                _ => String::new(),
            };
            let label = truncate(&format!("Answer {id}{stage}: {text}"), 76);
            choices.push(choice(label, Action::Answer(id.clone())));
        }
        if step.open.len() > 1 {
            choices.push(choice("Answer another open prompt…", Action::AnswerOther));
        }
        if states.iter().any(|s| s.current.is_some()) {
            choices.push(choice("Revise an answer…", Action::Revise));
        }
        if let Some(reveal) = runner::next(&self.session, step) {
            choices.push(choice(next_label(step, &reveal), Action::Next));
        }
        if self.session.groups.len() > 1 {
            choices.push(choice("Show the next stage to all groups", Action::NextAll));
        }
        choices.push(choice(
            "Status of all groups · switch group…",
            Action::Groups,
        ));
        choices.push(choice("Quit (everything confirmed is saved)", Action::Quit));
        let open_here = first_open.is_some_and(|id| stage_of(id) == Some(step.stage));
        let start = choices
            .iter()
            .position(|c| match &c.value {
                Action::Answer(_) => open_here,
                Action::Next => true,
                _ => false,
            })
            .unwrap_or(0);
        (choices, start)
    }

    fn pick_and_answer(
        &mut self,
        step: &Step,
        view: &RenderedVignette,
        answered: bool,
    ) -> Asked<()> {
        let states = runner::prompts(&self.session, &self.responses, step);
        let width = width().saturating_sub(4);
        let choices: Vec<Choice<String>> = states
            .iter()
            .filter(|s| s.current.is_some() == answered)
            .map(|s| {
                let rendered = rendered_prompt(view, &s.prompt.id);
                let text = rendered.map_or("", |p| p.text.as_str());
                let label = match (s.current, rendered) {
                    (Some(r), Some(p)) => format!(
                        "stage {} · {}: {} → {}",
                        s.stage,
                        s.prompt.id,
                        truncate(text, 40),
                        preview(p, &r.answer.value)
                    ),
                    _ => format!("stage {} · {}: {text}", s.stage, s.prompt.id),
                };
                choice(truncate(&label, width), s.prompt.id.clone())
            })
            .collect();
        if choices.is_empty() {
            return Ok(());
        }
        let title = if answered {
            "Revise which answer?"
        } else {
            "Answer which prompt?"
        };
        let picked = Select::new(title, choices)
            .with_page_size(12)
            .with_help_message("↑↓ move · Enter choose · type to filter · Esc back")
            .prompt()?;
        self.answer(step, view, &picked.value)
    }

    fn asking(&self, step: &Step, view: &RenderedVignette, id: &str) -> Asked<Asking> {
        let states = runner::prompts(&self.session, &self.responses, step);
        let state = states.iter().find(|s| s.prompt.id == id);
        let rendered = rendered_prompt(view, id);
        let (Some(state), Some(rendered)) = (state, rendered) else {
            return Err(Stop::Fail(Failure::usage(format!(
                "{id} is not a prompt of a stage shown to {}",
                step.group
            ))));
        };
        Ok(Asking {
            prompt: state.prompt.clone(),
            rendered: rendered.clone(),
            stage: state.stage,
            current: state.current.map(|r| (r.answer.value.clone(), r.revision)),
        })
    }

    /// Asks one prompt until the value fits, then stores it.
    fn answer(&mut self, step: &Step, view: &RenderedVignette, id: &str) -> Asked<()> {
        let asking = self.asking(step, view, id)?;
        introduce(step, &asking, self.closed());
        loop {
            let value = ask(&asking)?;
            match runner::answer(&self.session, &self.responses, step, id, &value) {
                Ok(record) => {
                    self.save(record);
                    return Ok(());
                }
                Err(message) => println!("{} {message}; try again (Esc goes back)", red("✗")),
            }
        }
    }

    /// Stores one answer in its own transaction; only then says it is saved.
    fn save(&mut self, record: AnswerRecord) {
        let id = self.session.record.id.clone();
        let what = format!("{} · {} · {}", record.group, record.vignette, record.prompt);
        match self.store.save_answers(&id, std::slice::from_ref(&record)) {
            Ok(revisions) => {
                let revision = revisions.first().copied().unwrap_or_default();
                self.notices
                    .push(format!("{} saved {what} (revision {revision})", green("✓")));
            }
            Err(e) => {
                self.notices
                    .push(format!("{} not saved: {what}: {e}", red("✗")));
                self.notices
                    .push(format!("  the answer was: {}", record.value));
            }
        }
    }

    fn next_stage(&mut self, step: &Step) -> Asked<()> {
        let Some(reveal) = runner::next(&self.session, step) else {
            self.notices.push(format!(
                "{} has seen every stage of its vignettes",
                step.group
            ));
            return Ok(());
        };
        if !step.open.is_empty() {
            let question = format!(
                "{} prompt(s) of {} are still open ({}). {} anyway?",
                step.open.len(),
                step.vignette,
                step.open.join(", "),
                next_label(step, &reveal)
            );
            if !Confirm::new(&question).with_default(false).prompt()? {
                return Err(Stop::Cancel);
            }
        }
        let revealed = runner::advance(&mut self.store, &self.session, step);
        self.report_reveal(step, revealed);
        Ok(())
    }

    fn next_stage_all(&mut self) -> Asked<()> {
        let mut steps = Vec::new();
        for group in &self.session.groups {
            steps.push(self.step_of(&group.label)?);
        }
        let open: Vec<String> = steps
            .iter()
            .filter(|s| !s.open.is_empty() && runner::next(&self.session, s).is_some())
            .map(|s| format!("{} ({} open)", s.group, s.open.len()))
            .collect();
        if !open.is_empty() {
            let question = format!(
                "Some groups have open prompts: {}. Show every group its next stage anyway?",
                open.join(", ")
            );
            if !Confirm::new(&question).with_default(false).prompt()? {
                return Err(Stop::Cancel);
            }
        }
        for step in &steps {
            let revealed = runner::advance(&mut self.store, &self.session, step);
            self.report_reveal(step, revealed);
        }
        Ok(())
    }

    fn report_reveal(&mut self, step: &Step, revealed: Result<Option<Reveal>, StoreError>) {
        let group = &step.group;
        let notice = match revealed {
            Ok(Some(r)) if r.stage == 1 => format!(
                "{} {group} starts {} (vignette {} of {}): stage 1 is shown",
                green("▶"),
                r.vignette,
                r.position,
                step.vignettes
            ),
            Ok(Some(r)) => format!(
                "{} {group}: stage {} of {} is shown",
                green("▶"),
                r.stage,
                r.vignette
            ),
            Ok(None) => format!("{group} has seen every stage of its vignettes"),
            Err(e) => format!("{} {group}: the next stage was not shown: {e}", red("✗")),
        };
        self.notices.push(notice);
    }

    /// Every group's progress; choosing a group switches to it.
    fn groups(&mut self) -> Asked<()> {
        let status = session::status(&self.session, &self.responses);
        print!("\x1b[H\x1b[2J");
        println!(
            "{}\n",
            bold(&format!("Progress of session {}", status.session))
        );
        println!("{}", super::status::table(&status));
        let mut choices = Vec::new();
        for group in &self.session.groups {
            let step = self.step_of(&group.label)?;
            let label = format!(
                "{} · {} ({} of {}) · {} · {} open",
                step.group,
                step.vignette,
                step.position,
                step.vignettes,
                shown(&step),
                step.open.len()
            );
            choices.push(choice(label, step.group));
        }
        let start = choices
            .iter()
            .position(|c| c.value == self.group)
            .unwrap_or(0);
        let picked = Select::new("Continue with group:", choices)
            .with_starting_cursor(start)
            .with_page_size(12)
            .with_help_message("↑↓ move · Enter choose · Esc back")
            .prompt()?;
        self.group = picked.value;
        Ok(())
    }
}

fn known_group(session: &Session, wanted: &str) -> Result<String, Failure> {
    if session.groups.iter().any(|g| g.label == wanted) {
        return Ok(wanted.to_string());
    }
    let known: Vec<&str> = session.groups.iter().map(|g| g.label.as_str()).collect();
    Err(Failure::usage(format!(
        "no group `{wanted}` in session {}; its groups are: {}",
        session.record.id,
        known.join(", ")
    )))
}

/// How far into its vignette a group is, e.g. `stage 2 of 3`.
fn shown(step: &Step) -> String {
    if step.started() {
        format!("stage {} of {}", step.stage, step.stages)
    } else {
        "not started".to_string()
    }
}

fn next_label(step: &Step, reveal: &Reveal) -> String {
    if reveal.stage > 1 {
        format!("Show stage {} to {}", reveal.stage, step.group)
    } else if reveal.vignette == step.vignette {
        format!("Show stage 1 to {}", step.group)
    } else {
        format!(
            "Start vignette {} of {} ({}) for {}",
            reveal.position, step.vignettes, reveal.vignette, step.group
        )
    }
}

fn rendered_prompt<'v>(view: &'v RenderedVignette, id: &str) -> Option<&'v RenderedPrompt> {
    view.stages
        .iter()
        .flat_map(|s| &s.prompts)
        .find(|p| p.id == id)
}

/// A prompt of the current stage on the main screen, with its answer if any.
fn prompt_line(
    n: usize,
    p: &RenderedPrompt,
    current: Option<&ResponseRecord>,
    width: usize,
) -> String {
    let mark = if current.is_some() {
        green("✓")
    } else {
        dim("·")
    };
    let text = format!("{} [{}]", p.text, p.id);
    let mut out = String::new();
    for (i, line) in wrap(&text, width.saturating_sub(6)).iter().enumerate() {
        let lead = if i == 0 {
            format!("{mark} {n}. ")
        } else {
            "     ".to_string()
        };
        out.push_str(&format!("{lead}{line}\n"));
    }
    if let Some(r) = current {
        out.push_str(&format!(
            "     {} {}\n",
            dim("→"),
            truncate(&preview(p, &r.answer.value), width.saturating_sub(8))
        ));
    }
    out
}

/// A one-line summary of a stored answer: text, option labels or scale point.
fn preview(p: &RenderedPrompt, value: &Value) -> String {
    let parts = p.answer_in_words(value);
    match p.kind {
        "text" => parts
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        "rank" => parts.join("  "),
        _ => parts.join(" · "),
    }
}

/// Prints the prompt being asked, its help and the current answer.
fn introduce(step: &Step, asking: &Asking, closed: bool) {
    let width = width();
    let p = &asking.rendered;
    println!();
    println!(
        "{}",
        dim(&format!(
            "── {} · {} · stage {} · {} ({})",
            step.group, step.vignette, asking.stage, p.id, p.kind
        ))
    );
    println!("{}", bold(&wrap(&p.text, width).join("\n")));
    if let Some(help) = &p.help {
        println!("{}", dim(&wrap(help, width).join("\n")));
    }
    if closed {
        println!(
            "{} the session is closed: this answer will be refused",
            red("⚠")
        );
    }
    if let Some((value, revision)) = &asking.current {
        println!("{}", dim(&format!("Current answer (revision {revision}):")));
        let shown = match value {
            Value::String(text) if p.kind == "text" => text.clone(),
            other => preview(p, other),
        };
        for line in wrap(&shown, width.saturating_sub(2)) {
            println!("  {line}");
        }
    }
}

/// Asks for a value of the prompt's kind; the caller checks it.
fn ask(asking: &Asking) -> Asked<Value> {
    let current = asking.current.as_ref().map(|(v, _)| v);
    match &asking.prompt.kind {
        PromptKind::Text { max_length } => {
            ask_text(current.and_then(Value::as_str), *max_length).map(Value::from)
        }
        PromptKind::Single { .. } => ask_single(&asking.rendered, current),
        PromptKind::Multi { .. } => ask_multi(asking, current),
        PromptKind::Rank { .. } => ask_rank(&asking.rendered),
        PromptKind::Likert { min, max, .. } => ask_likert(&asking.rendered, *min, *max, current),
    }
}

fn ask_text(current: Option<&str>, max_length: u32) -> Asked<String> {
    let current = current.unwrap_or_default();
    let how = if current.is_empty() {
        "Type the group's answer line by line; an empty line ends it. `:e` on the first line opens an editor."
    } else {
        "The current answer is filled in line by line: Enter keeps a line, or edit it; an empty line ends the answer. `:e` on the first line edits it all in an editor."
    };
    println!("{}", dim(&wrap(how, width()).join("\n")));
    let prefill: Vec<&str> = current.lines().filter(|l| !l.trim().is_empty()).collect();
    loop {
        let Some(lines) = text_lines(max_length, &prefill)? else {
            match edit(current)? {
                Some(text) => return Ok(text),
                None => continue,
            }
        };
        let text = lines.join("\n");
        if text.trim().is_empty() {
            return Ok(text); // the check says what is wrong
        }
        let question = format!("Save this answer ({} characters)?", text.chars().count());
        let confirmed = Confirm::new(&question).with_default(true).prompt();
        if keep_on_quit(confirmed, &text)? {
            return Ok(text);
        }
        println!("{}", dim("Type the answer again."));
    }
}

/// Lines typed until an empty one; `None` when the first line asks for the editor.
fn text_lines(max_length: u32, prefill: &[&str]) -> Asked<Option<Vec<String>>> {
    let mut lines: Vec<String> = Vec::new();
    loop {
        let used = lines.join("\n").chars().count();
        let help = format!("{used}/{max_length} characters · empty line ends · Esc cancels");
        let label = format!("{:>3} │", lines.len() + 1);
        let mut ask = Text::new(&label).with_help_message(&help);
        if let Some(old) = prefill.get(lines.len()) {
            ask = ask.with_initial_value(old);
        }
        let line = match ask.prompt() {
            Ok(line) => line,
            Err(InquireError::OperationCanceled) if !lines.is_empty() => {
                let question = format!("Discard the {} line(s) typed so far?", lines.len());
                let discard = Confirm::new(&question).with_default(false).prompt();
                if keep_on_quit(discard, &lines.join("\n"))? {
                    return Err(Stop::Cancel);
                }
                continue;
            }
            Err(e) => return keep_on_quit(Err(e), &lines.join("\n")),
        };
        if lines.is_empty() && line.trim() == ":e" {
            return Ok(None);
        }
        if line.trim().is_empty() {
            return Ok(Some(lines));
        }
        lines.push(line);
    }
}

/// The prompt's result; on Ctrl-C the text typed so far is printed first,
/// so that an unconfirmed answer can still be read off the screen.
fn keep_on_quit<T>(result: Result<T, InquireError>, typed: &str) -> Asked<T> {
    match result {
        Err(InquireError::OperationInterrupted) if !typed.trim().is_empty() => {
            println!("\nNot saved (it was not confirmed):\n{typed}");
            Err(Stop::Quit)
        }
        other => Ok(other?),
    }
}

/// The answer edited in an editor; `None` (after saying why) when none can run.
fn edit(current: &str) -> Asked<Option<String>> {
    let Some(command) = editor_command() else {
        println!(
            "{} no editor found: set $EDITOR, or type the answer line by line",
            red("✗")
        );
        return Ok(None);
    };
    let (program, args) = command
        .split_first()
        .map_or(("", &[][..]), |(p, a)| (p.as_str(), a));
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    let help = format!("e opens {program} · Enter takes what the editor saved · Esc cancels");
    let edited = Editor::new("The answer:")
        .with_editor_command(std::ffi::OsStr::new(program))
        .with_args(&args)
        .with_predefined_text(current)
        .with_file_extension(".txt")
        .with_help_message(&help)
        .prompt();
    match edited {
        Ok(text) => Ok(Some(text.trim_end().to_string())),
        Err(InquireError::IO(e)) => {
            println!("{} cannot run the editor `{program}`: {e}", red("✗"));
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// $VISUAL or $EDITOR split into words, else nano or vi if installed.
fn editor_command() -> Option<Vec<String>> {
    let chosen = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.trim().is_empty());
    if let Some(value) = chosen {
        return Some(value.split_whitespace().map(String::from).collect());
    }
    let path = std::env::var_os("PATH")?;
    ["nano", "vi"]
        .into_iter()
        .find(|name| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()))
        .map(|name| vec![name.to_string()])
}

fn option_choices(p: &RenderedPrompt) -> Vec<Choice<String>> {
    p.options
        .iter()
        .map(|o| choice(o.label.clone(), o.id.clone()))
        .collect()
}

fn index_of(p: &RenderedPrompt, id: &Value) -> Option<usize> {
    p.options
        .iter()
        .position(|o| Some(o.id.as_str()) == id.as_str())
}

fn ask_single(p: &RenderedPrompt, current: Option<&Value>) -> Asked<Value> {
    let start = current.and_then(|v| index_of(p, v)).unwrap_or(0);
    let picked = Select::new("Choose one:", option_choices(p))
        .with_starting_cursor(start)
        .with_page_size(10)
        .with_help_message("↑↓ move · Enter saves · type to filter · Esc cancels")
        .prompt()?;
    Ok(json!(picked.value))
}

fn ask_multi(asking: &Asking, current: Option<&Value>) -> Asked<Value> {
    let p = &asking.rendered;
    let ticked: Vec<usize> = current
        .and_then(Value::as_array)
        .map(|ids| ids.iter().filter_map(|id| index_of(p, id)).collect())
        .unwrap_or_default();
    let prompt = asking.prompt.clone();
    let validator = move |chosen: &[inquire::list_option::ListOption<&Choice<String>>]| {
        let ids: Vec<&str> = chosen.iter().map(|c| c.value.value.as_str()).collect();
        Ok(
            match vignette::session::answer::check(&prompt, &json!(ids)) {
                Ok(_) => Validation::Valid,
                Err(message) => Validation::Invalid(message.into()),
            },
        )
    };
    let limits = match (p.min_choices, p.max_choices) {
        (Some(min), Some(max)) => format!("choose {min} to {max}"),
        (Some(min), None) => format!("choose at least {min}"),
        (None, Some(max)) => format!("choose up to {max}"),
        (None, None) => "choose any".to_string(),
    };
    let help = format!("Space ticks · Enter saves · {limits} · → all, ← none · Esc cancels");
    let picked = MultiSelect::new("Tick every option the group chooses:", option_choices(p))
        .with_default(&ticked)
        .with_page_size(10)
        .with_validator(validator)
        .with_help_message(&help)
        .prompt()?;
    Ok(json!(
        picked.into_iter().map(|c| c.value).collect::<Vec<_>>()
    ))
}

/// Ranks every option by picking one at a time; Esc undoes the last pick.
fn ask_rank(p: &RenderedPrompt) -> Asked<Value> {
    let all = option_choices(p);
    loop {
        let mut ranked: Vec<Choice<String>> = Vec::new();
        while ranked.len() + 1 < all.len() {
            let left: Vec<Choice<String>> = all
                .iter()
                .filter(|c| !ranked.iter().any(|r| r.value == c.value))
                .cloned()
                .collect();
            let title = format!("Rank {} of {}:", ranked.len() + 1, all.len());
            let help = if ranked.is_empty() {
                "Esc cancels"
            } else {
                "Esc undoes the last pick"
            };
            match Select::new(&title, left)
                .with_page_size(10)
                .with_help_message(&format!("↑↓ move · Enter picks · type to filter · {help}"))
                .prompt()
            {
                Ok(picked) => ranked.push(picked),
                Err(InquireError::OperationCanceled) if !ranked.is_empty() => {
                    if let Some(undone) = ranked.pop() {
                        println!("{}", dim(&format!("  undone: {}", undone.label)));
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        let last = all
            .iter()
            .filter(|c| !ranked.iter().any(|r| r.value == c.value))
            .cloned()
            .collect::<Vec<_>>();
        ranked.extend(last);
        println!("The ranking:");
        for (i, c) in ranked.iter().enumerate() {
            println!("  {}. {}", i + 1, c.label);
        }
        if Confirm::new("Save this ranking?")
            .with_default(true)
            .prompt()?
        {
            return Ok(json!(
                ranked.into_iter().map(|c| c.value).collect::<Vec<_>>()
            ));
        }
        println!("{}", dim("Rank again."));
    }
}

fn ask_likert(p: &RenderedPrompt, min: i64, max: i64, current: Option<&Value>) -> Asked<Value> {
    let current = current.and_then(Value::as_i64);
    if max - min > 10 {
        let title = format!("A whole number from {min} to {max}:");
        let mut ask = CustomType::<i64>::new(&title)
            .with_error_message("type a whole number")
            .with_help_message("Enter saves · Esc cancels");
        if let Some(value) = current {
            ask = ask.with_default(value);
        }
        return Ok(json!(ask.prompt()?));
    }
    let points: Vec<Choice<i64>> = (min..=max).map(|v| choice(p.likert_label(v), v)).collect();
    let start = current
        .and_then(|c| points.iter().position(|x| x.value == c))
        .unwrap_or(0);
    let picked = Select::new(&format!("Choose {min} to {max}:"), points)
        .with_starting_cursor(start)
        .with_page_size(11)
        .with_help_message("↑↓ move · Enter saves · type the number to filter · Esc cancels")
        .prompt()?;
    Ok(json!(picked.value))
}
