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
use vignette::messages::{self, Messages};
use vignette::render::{RenderedPrompt, RenderedVignette};
use vignette::session::runner::{self, Reveal, Step};
use vignette::session::{self, Session};
use vignette::store::{AnswerRecord, ResponseRecord, Store, StoreError};

use crate::cli::Context;
use crate::cli::terminal::{self, bold, dim, green, height, red, truncate, width, wrap};
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
/// A stage text longer than the terminal is shown a screenful at a time:
/// Enter shows the next page, Esc skips to the last, and the menu can show
/// it again from the top. Text answers are typed line by line and end with an empty line; `:e` on
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
    let said = |key: &str| runner.words.fill(key, &[("resume", &resume)]);
    match stopped {
        Err(Stop::Fail(failure)) => Err(failure),
        Err(Stop::Quit) => {
            println!("\n{}", said("runner.interrupted"));
            Ok(ExitCode::from(130))
        }
        Ok(()) | Err(Stop::Cancel) => {
            println!("{}", said("runner.stopped"));
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
    /// Read the stage's text again from its first page.
    Reread,
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
    /// The interface's words, in the session's language.
    words: &'static Messages,
    /// The stage (group, vignette, stage) whose text was shown page by
    /// page last; drawn again, it starts at its last page.
    read: Option<(String, String, u32)>,
    /// Whether the current stage's text is too long for one screen.
    long: bool,
    /// How many menu entries fit under the screen at once.
    menu_rows: usize,
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
            words: messages::of(&session.record.language),
            store,
            session,
            responses,
            group,
            notices: Vec::new(),
            read: None,
            long: false,
            menu_rows: 10,
        })
    }

    fn run(&mut self) -> Asked<()> {
        loop {
            self.refresh()?;
            let step = self.step()?;
            let view = self.view(&step)?;
            self.draw(&step, &view)?;
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
                Action::Reread => {
                    self.read = None;
                    Ok(())
                }
            };
            match done {
                Err(Stop::Cancel) => {
                    let cancelled = self.words.text("runner.cancelled").to_string();
                    self.notices.push(cancelled);
                }
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

    /// Draws the group's screen above the menu. A stage text longer than
    /// the terminal has room for is shown a screenful at a time, the first
    /// time it is drawn (or when asked to read it again), each page waiting
    /// for Enter; the last page shares its screen with the prompts and the
    /// menu, so nothing scrolls off the top.
    fn draw(&mut self, step: &Step, view: &RenderedVignette) -> Asked<()> {
        let (rows, width) = (height(), width());
        let w = self.words;
        let head = self.header(step, view, width);
        let mut above = Vec::new();
        let mut story = Vec::new();
        if step.started() {
            (above, story) = self.stage_text(step, view, width);
        } else {
            let not_seen = w.fill(
                "runner.not_seen",
                &[("group", &step.group), ("vignette", &step.vignette)],
            );
            above.push(String::new());
            above.extend(wrap(&not_seen, width));
        }
        let mut foot = if step.started() {
            self.prompt_lines(step, view, width)
        } else {
            Vec::new()
        };
        if step.started() && runner::next(&self.session, step).is_none() {
            let last = w.fill("runner.last_stage", &[("group", &step.group)]);
            foot.extend(wrap(&last, width).iter().map(|l| dim(l)));
        }
        foot.push(dim(&"─".repeat(width)));
        for notice in self.notices.drain(..) {
            foot.extend(wrap(&notice, width));
        }
        // Rows: the screen above the menu, then the menu's question, its
        // entries, its help line and one row to spare. A stage whose text
        // does not fit is paged, and its last page has a line more (that it
        // goes on) and a menu entry more ("read again"); where even the
        // prompts leave little room, the menu scrolls in a shorter list.
        let (entries, _) = self.choices(step, view);
        let entries = entries.iter().filter(|c| c.value != Action::Reread).count();
        let top = head.len() + above.len();
        let fixed = top + 1 + foot.len();
        self.long = fixed + story.len() + entries.min(10) + 3 > rows;
        let key = (step.group.clone(), step.vignette.clone(), step.stage);
        let (page, last) = if self.long {
            let fixed = fixed + 1;
            self.menu_rows = rows.saturating_sub(fixed + 3).clamp(3, 10).min(entries + 1);
            let last = rows.saturating_sub(fixed + self.menu_rows + 3);
            (rows.saturating_sub(top + 2), last)
        } else {
            self.menu_rows = 10;
            (story.len(), story.len())
        };
        let pages = terminal::pages(story.len(), page, last);
        let screen = |lines: &[String]| {
            let mut out = String::from("\x1b[H\x1b[2J");
            for line in head.iter().chain(&above).chain(lines) {
                out.push_str(line);
                out.push('\n');
            }
            out
        };
        if self.read.as_ref() != Some(&key) {
            self.read = Some(key);
            for (n, page) in pages.iter().enumerate().take(pages.len() - 1) {
                print!("{}", screen(&story[page.clone()]));
                let more = w.fill(
                    "runner.more",
                    &[("page", &(n + 1)), ("pages", &pages.len())],
                );
                match Text::new(&more).prompt() {
                    Ok(_) => {}
                    Err(InquireError::OperationCanceled) => break,
                    Err(e) => return Err(e.into()),
                }
            }
        }
        let last = pages.last().cloned().unwrap_or_default();
        let mut lines = Vec::new();
        if last.start > 0 {
            let continued = w.fill("runner.continued", &[("stage", &step.stage)]);
            lines.extend(wrap(&continued, width).iter().map(|l| dim(l)));
        }
        lines.extend_from_slice(&story[last]);
        lines.push(String::new());
        lines.extend(foot);
        print!("{}", screen(&lines));
        let _ = std::io::Write::flush(&mut std::io::stdout());
        Ok(())
    }

    /// The session, the group with where it is (case N of M, stage N of M)
    /// and the case's factor levels, as lines within `width`.
    fn header(&self, step: &Step, view: &RenderedVignette, width: usize) -> Vec<String> {
        let (r, w) = (&self.session.record, self.words);
        let session = w.fill(
            "runner.session_line",
            &[
                ("id", &r.id),
                ("offering", &r.offering),
                ("phase", &r.phase),
                ("cohort", &r.cohort),
                ("site", &r.site),
            ],
        );
        let mut out: Vec<String> = wrap(&session, width).iter().map(|l| dim(l)).collect();
        let group = w.fill(
            "runner.group_line",
            &[
                ("group", &step.group),
                ("position", &step.position),
                ("count", &step.vignettes),
                ("id", &view.id),
                ("title", &view.title),
                ("shown", &shown(step, w)),
            ],
        );
        out.extend(wrap(&group, width).iter().map(|l| bold(l)));
        let levels: Vec<String> = view
            .factors
            .iter()
            .map(|f| format!("{}: {}", f.factor_label, f.level_label))
            .collect();
        out.extend(wrap(&levels.join(" · "), width).iter().map(|l| dim(l)));
        if self.closed() {
            out.extend(wrap(&w.fill("runner.closed", &[("id", &r.id)]), width));
        }
        out
    }

    /// What leads up to the current stage's text (the earlier stages'
    /// answers counted, the stage's title) and the text itself, as lines.
    fn stage_text(
        &self,
        step: &Step,
        view: &RenderedVignette,
        width: usize,
    ) -> (Vec<String>, Vec<String>) {
        let states = runner::prompts(&self.session, &self.responses, step);
        let mut above = Vec::new();
        for earlier in view.stages.iter().take(step.stage as usize - 1) {
            let of_stage: Vec<_> = states
                .iter()
                .filter(|s| s.stage as usize == earlier.number)
                .collect();
            let done = of_stage.iter().filter(|s| s.current.is_some()).count();
            let answered = self.words.fill(
                "runner.stage_answered",
                &[
                    ("number", &earlier.number),
                    ("title", &earlier.title),
                    ("done", &done),
                    ("count", &of_stage.len()),
                ],
            );
            above.extend(wrap(&answered, width).iter().map(|l| dim(l)));
        }
        let Some(stage) = view.stages.get(step.stage as usize - 1) else {
            return (above, Vec::new());
        };
        let title = self.words.fill(
            "runner.stage_title",
            &[
                ("number", &stage.number),
                ("count", &step.stages),
                ("title", &stage.title),
            ],
        );
        above.push(String::new());
        above.extend(wrap(&title, width).iter().map(|l| bold(l)));
        above.push(String::new());
        (above, wrap(&stage.text, width))
    }

    /// The prompts of the current stage, each with its answer if any.
    fn prompt_lines(&self, step: &Step, view: &RenderedVignette, width: usize) -> Vec<String> {
        let Some(stage) = view.stages.get(step.stage as usize - 1) else {
            return Vec::new();
        };
        let states = runner::prompts(&self.session, &self.responses, step);
        let mut out = Vec::new();
        for (n, p) in stage.prompts.iter().enumerate() {
            let current = states
                .iter()
                .find(|s| s.prompt.id == p.id)
                .and_then(|s| s.current);
            out.extend(prompt_line(n + 1, p, current, width));
        }
        out
    }

    fn menu(&self, step: &Step, view: &RenderedVignette) -> Asked<Action> {
        let (choices, start) = self.choices(step, view);
        let w = self.words;
        let question = w.fill("runner.what_next", &[("group", &step.group)]);
        let picked = Select::new(&question, choices)
            .with_starting_cursor(start)
            .with_page_size(self.menu_rows)
            .with_help_message(w.text("runner.menu_help"))
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
        let w = self.words;
        let mut choices = Vec::new();
        if let Some(id) = first_open {
            let text = rendered_prompt(view, id).map_or("", |p| p.text.as_str());
            let label = match stage_of(id) {
                Some(n) if n != step.stage => w.fill(
                    "runner.answer_earlier",
                    &[("id", id), ("stage", &n), ("text", &text)],
                ),
                _ => w.fill("runner.answer_prompt", &[("id", id), ("text", &text)]),
            };
            choices.push(choice(truncate(&label, 76), Action::Answer(id.clone())));
        }
        if step.open.len() > 1 {
            choices.push(choice(w.text("runner.answer_other"), Action::AnswerOther));
        }
        if states.iter().any(|s| s.current.is_some()) {
            choices.push(choice(w.text("runner.revise"), Action::Revise));
        }
        if let Some(reveal) = runner::next(&self.session, step) {
            choices.push(choice(next_label(step, &reveal, w), Action::Next));
        }
        if self.session.groups.len() > 1 {
            choices.push(choice(w.text("runner.next_all"), Action::NextAll));
        }
        if self.long {
            let again = w.fill("runner.reread", &[("stage", &step.stage)]);
            choices.push(choice(again, Action::Reread));
        }
        choices.push(choice(w.text("runner.groups"), Action::Groups));
        choices.push(choice(w.text("runner.quit"), Action::Quit));
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
        let w = self.words;
        let choices: Vec<Choice<String>> = states
            .iter()
            .filter(|s| s.current.is_some() == answered)
            .map(|s| {
                let rendered = rendered_prompt(view, &s.prompt.id);
                let text = rendered.map_or("", |p| p.text.as_str());
                let label = match (s.current, rendered) {
                    (Some(r), Some(p)) => w.fill(
                        "runner.pick_answered",
                        &[
                            ("stage", &s.stage),
                            ("id", &s.prompt.id),
                            ("text", &truncate(text, 40)),
                            ("answer", &preview(p, &r.answer.value)),
                        ],
                    ),
                    _ => w.fill(
                        "runner.pick_open",
                        &[("stage", &s.stage), ("id", &s.prompt.id), ("text", &text)],
                    ),
                };
                choice(truncate(&label, width), s.prompt.id.clone())
            })
            .collect();
        if choices.is_empty() {
            return Ok(());
        }
        let title = if answered {
            w.text("runner.which_revise")
        } else {
            w.text("runner.which_answer")
        };
        let picked = Select::new(title, choices)
            .with_page_size(12)
            .with_help_message(w.text("runner.pick_help"))
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
        let w = self.words;
        introduce(step, &asking, self.closed(), w);
        loop {
            let value = ask(&asking, w)?;
            match runner::answer(&self.session, &self.responses, step, id, &value) {
                Ok(record) => {
                    self.save(record);
                    return Ok(());
                }
                Err(problem) => {
                    let problem = problem.in_words(w);
                    let again = w.fill("runner.try_again", &[("problem", &problem)]);
                    println!("{} {again}", red("✗"));
                }
            }
        }
    }

    /// Stores one answer in its own transaction; only then says it is saved.
    fn save(&mut self, record: AnswerRecord) {
        let id = self.session.record.id.clone();
        let what = format!("{} · {} · {}", record.group, record.vignette, record.prompt);
        let w = self.words;
        match self.store.save_answers(&id, std::slice::from_ref(&record)) {
            Ok(revisions) => {
                let revision = revisions.first().copied().unwrap_or_default();
                let saved = w.fill("runner.saved", &[("what", &what), ("revision", &revision)]);
                self.notices.push(format!("{} {saved}", green("✓")));
            }
            Err(e) => {
                let not_saved = w.fill("runner.not_saved", &[("what", &what), ("error", &e)]);
                self.notices.push(format!("{} {not_saved}", red("✗")));
                let was = w.fill("runner.answer_was", &[("value", &record.value)]);
                self.notices.push(format!("  {was}"));
            }
        }
    }

    fn next_stage(&mut self, step: &Step) -> Asked<()> {
        let w = self.words;
        let Some(reveal) = runner::next(&self.session, step) else {
            let seen = w.fill("runner.seen_everything", &[("group", &step.group)]);
            self.notices.push(seen);
            return Ok(());
        };
        if !step.open.is_empty() {
            let question = w.fill(
                "runner.still_open",
                &[
                    ("count", &step.open.len()),
                    ("vignette", &step.vignette),
                    ("open", &step.open.join(", ")),
                    ("next", &next_label(step, &reveal, w)),
                ],
            );
            if !confirm(&question, false, w)? {
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
        let w = self.words;
        let open: Vec<String> = steps
            .iter()
            .filter(|s| !s.open.is_empty() && runner::next(&self.session, s).is_some())
            .map(|s| {
                w.fill(
                    "runner.group_open",
                    &[("group", &s.group), ("count", &s.open.len())],
                )
            })
            .collect();
        if !open.is_empty() {
            let question = w.fill("runner.groups_open", &[("open", &open.join(", "))]);
            if !confirm(&question, false, w)? {
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
        let (group, w) = (&step.group, self.words);
        let notice = match revealed {
            Ok(Some(r)) if r.stage == 1 => {
                let starts = w.fill(
                    "runner.starts",
                    &[
                        ("group", group),
                        ("vignette", &r.vignette),
                        ("position", &r.position),
                        ("count", &step.vignettes),
                    ],
                );
                format!("{} {starts}", green("▶"))
            }
            Ok(Some(r)) => {
                let shown = w.fill(
                    "runner.stage_shown",
                    &[
                        ("group", group),
                        ("stage", &r.stage),
                        ("vignette", &r.vignette),
                    ],
                );
                format!("{} {shown}", green("▶"))
            }
            Ok(None) => w.fill("runner.seen_everything", &[("group", group)]),
            Err(e) => {
                let failed = w.fill("runner.not_shown", &[("group", group), ("error", &e)]);
                format!("{} {failed}", red("✗"))
            }
        };
        self.notices.push(notice);
    }

    /// Every group's progress; choosing a group switches to it.
    fn groups(&mut self) -> Asked<()> {
        let status = session::status(&self.session, &self.responses);
        let w = self.words;
        print!("\x1b[H\x1b[2J");
        let progress = w.fill("runner.progress", &[("id", &status.session)]);
        println!("{}\n", bold(&progress));
        println!("{}", super::status::table(&status, w));
        let mut choices = Vec::new();
        for group in &self.session.groups {
            let step = self.step_of(&group.label)?;
            let label = w.fill(
                "runner.group_status",
                &[
                    ("group", &step.group),
                    ("vignette", &step.vignette),
                    ("position", &step.position),
                    ("count", &step.vignettes),
                    ("shown", &shown(&step, w)),
                    ("open", &step.open.len()),
                ],
            );
            choices.push(choice(label, step.group));
        }
        let start = choices
            .iter()
            .position(|c| c.value == self.group)
            .unwrap_or(0);
        let picked = Select::new(w.text("runner.continue_with"), choices)
            .with_starting_cursor(start)
            .with_page_size(12)
            .with_help_message(w.text("runner.back_help"))
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
fn shown(step: &Step, w: &Messages) -> String {
    if step.started() {
        w.fill(
            "runner.at_stage",
            &[("stage", &step.stage), ("count", &step.stages)],
        )
    } else {
        w.text("runner.not_started").to_string()
    }
}

fn next_label(step: &Step, reveal: &Reveal, w: &Messages) -> String {
    if reveal.stage > 1 || reveal.vignette == step.vignette {
        w.fill(
            "runner.show_stage",
            &[("stage", &reveal.stage), ("group", &step.group)],
        )
    } else {
        w.fill(
            "runner.start_vignette",
            &[
                ("position", &reveal.position),
                ("count", &step.vignettes),
                ("vignette", &reveal.vignette),
                ("group", &step.group),
            ],
        )
    }
}

/// Asks a yes/no question in the interface's language (`j` and `y` both mean yes).
fn confirm(question: &str, default: bool, w: &Messages) -> Result<bool, InquireError> {
    let word = |yes: bool| {
        w.text(if yes { "runner.yes" } else { "runner.no" })
            .to_string()
    };
    let default_word = |yes: bool| {
        let key = if yes {
            "runner.yes_default"
        } else {
            "runner.no_default"
        };
        w.text(key).to_string()
    };
    Confirm::new(question)
        .with_default(default)
        .with_parser(&yes_or_no)
        .with_formatter(&word)
        .with_default_value_formatter(&default_word)
        .with_error_message(w.text("runner.yes_or_no"))
        .prompt()
}

/// `true` for yes (`j`, `ja`, `y`, `yes`), `false` for no (`n`, `nei`, `no`),
/// in any case.
fn yes_or_no(answer: &str) -> Result<bool, ()> {
    match answer.trim().to_lowercase().as_str() {
        "j" | "ja" | "y" | "yes" => Ok(true),
        "n" | "nei" | "no" => Ok(false),
        _ => Err(()),
    }
}

fn rendered_prompt<'v>(view: &'v RenderedVignette, id: &str) -> Option<&'v RenderedPrompt> {
    view.stages
        .iter()
        .flat_map(|s| &s.prompts)
        .find(|p| p.id == id)
}

/// A prompt of the current stage on the main screen, with its answer if
/// any, as lines within `width`.
fn prompt_line(
    n: usize,
    p: &RenderedPrompt,
    current: Option<&ResponseRecord>,
    width: usize,
) -> Vec<String> {
    let mark = if current.is_some() {
        green("✓")
    } else {
        dim("·")
    };
    let text = format!("{} [{}]", p.text, p.id);
    let mut out = Vec::new();
    for (i, line) in wrap(&text, width.saturating_sub(6)).iter().enumerate() {
        let lead = if i == 0 {
            format!("{mark} {n}. ")
        } else {
            "     ".to_string()
        };
        out.push(format!("{lead}{line}"));
    }
    if let Some(r) = current {
        out.push(format!(
            "     {} {}",
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
fn introduce(step: &Step, asking: &Asking, closed: bool, w: &Messages) {
    let width = width();
    let p = &asking.rendered;
    println!();
    let place = w.fill(
        "runner.asking",
        &[
            ("group", &step.group),
            ("vignette", &step.vignette),
            ("stage", &asking.stage),
            ("id", &p.id),
            ("kind", &p.kind),
        ],
    );
    println!("{}", dim(&place));
    println!("{}", bold(&wrap(&p.text, width).join("\n")));
    if let Some(help) = &p.help {
        println!("{}", dim(&wrap(help, width).join("\n")));
    }
    if closed {
        println!("{} {}", red("⚠"), w.text("runner.closed_refused"));
    }
    if let Some((value, revision)) = &asking.current {
        let current = w.fill("runner.current_answer", &[("revision", revision)]);
        println!("{}", dim(&current));
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
fn ask(asking: &Asking, w: &'static Messages) -> Asked<Value> {
    let current = asking.current.as_ref().map(|(v, _)| v);
    match &asking.prompt.kind {
        PromptKind::Text { max_length } => {
            ask_text(current.and_then(Value::as_str), *max_length, w).map(Value::from)
        }
        PromptKind::Single { .. } => ask_single(&asking.rendered, current, w),
        PromptKind::Multi { .. } => ask_multi(asking, current, w),
        PromptKind::Rank { .. } => ask_rank(&asking.rendered, w),
        PromptKind::Likert { min, max, .. } => {
            ask_likert(&asking.rendered, (*min, *max), current, w)
        }
    }
}

fn ask_text(current: Option<&str>, max_length: u32, w: &Messages) -> Asked<String> {
    let current = current.unwrap_or_default();
    let how = if current.is_empty() {
        w.text("runner.type_new")
    } else {
        w.text("runner.type_revise")
    };
    println!("{}", dim(&wrap(how, width()).join("\n")));
    let prefill: Vec<&str> = current.lines().filter(|l| !l.trim().is_empty()).collect();
    loop {
        let Some(lines) = text_lines(max_length, &prefill, w)? else {
            match edit(current, w)? {
                Some(text) => return Ok(text),
                None => continue,
            }
        };
        let text = lines.join("\n");
        if text.trim().is_empty() {
            return Ok(text); // the check says what is wrong
        }
        let question = w.fill("runner.save_answer", &[("count", &text.chars().count())]);
        let confirmed = confirm(&question, true, w);
        if keep_on_quit(confirmed, &text, w)? {
            return Ok(text);
        }
        println!("{}", dim(w.text("runner.type_again")));
    }
}

/// Lines typed until an empty one; `None` when the first line asks for the editor.
fn text_lines(max_length: u32, prefill: &[&str], w: &Messages) -> Asked<Option<Vec<String>>> {
    let mut lines: Vec<String> = Vec::new();
    loop {
        let used = lines.join("\n").chars().count();
        let help = w.fill("runner.line_help", &[("used", &used), ("max", &max_length)]);
        let label = format!("{:>3} │", lines.len() + 1);
        let mut ask = Text::new(&label).with_help_message(&help);
        if let Some(old) = prefill.get(lines.len()) {
            ask = ask.with_initial_value(old);
        }
        let line = match ask.prompt() {
            Ok(line) => line,
            Err(InquireError::OperationCanceled) if !lines.is_empty() => {
                let question = w.fill("runner.discard_lines", &[("count", &lines.len())]);
                let discard = confirm(&question, false, w);
                if keep_on_quit(discard, &lines.join("\n"), w)? {
                    return Err(Stop::Cancel);
                }
                continue;
            }
            Err(e) => return keep_on_quit(Err(e), &lines.join("\n"), w),
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
fn keep_on_quit<T>(result: Result<T, InquireError>, typed: &str, w: &Messages) -> Asked<T> {
    match result {
        Err(InquireError::OperationInterrupted) if !typed.trim().is_empty() => {
            println!("\n{}\n{typed}", w.text("runner.unconfirmed"));
            Err(Stop::Quit)
        }
        other => Ok(other?),
    }
}

/// The answer edited in an editor; `None` (after saying why) when none can run.
fn edit(current: &str, w: &Messages) -> Asked<Option<String>> {
    let Some(command) = editor_command() else {
        println!("{} {}", red("✗"), w.text("runner.no_editor"));
        return Ok(None);
    };
    let (program, args) = command
        .split_first()
        .map_or(("", &[][..]), |(p, a)| (p.as_str(), a));
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    let help = w.fill("runner.editor_help", &[("program", &program)]);
    let edited = Editor::new(w.text("runner.editor_title"))
        .with_editor_command(std::ffi::OsStr::new(program))
        .with_args(&args)
        .with_predefined_text(current)
        .with_file_extension(".txt")
        .with_help_message(&help)
        .prompt();
    match edited {
        Ok(text) => Ok(Some(text.trim_end().to_string())),
        Err(InquireError::IO(e)) => {
            let failed = w.fill(
                "runner.editor_failed",
                &[("program", &program), ("error", &e)],
            );
            println!("{} {failed}", red("✗"));
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

fn ask_single(p: &RenderedPrompt, current: Option<&Value>, w: &Messages) -> Asked<Value> {
    let start = current.and_then(|v| index_of(p, v)).unwrap_or(0);
    let picked = Select::new(w.text("runner.choose_one"), option_choices(p))
        .with_starting_cursor(start)
        .with_page_size(10)
        .with_help_message(w.text("runner.single_help"))
        .prompt()?;
    Ok(json!(picked.value))
}

fn ask_multi(asking: &Asking, current: Option<&Value>, w: &'static Messages) -> Asked<Value> {
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
                Err(problem) => Validation::Invalid(problem.in_words(w).into()),
            },
        )
    };
    let limits = match (p.min_choices, p.max_choices) {
        (Some(min), Some(max)) => w.fill("runner.choose_between", &[("min", &min), ("max", &max)]),
        (Some(min), None) => w.fill("runner.choose_at_least", &[("min", &min)]),
        (None, Some(max)) => w.fill("runner.choose_up_to", &[("max", &max)]),
        (None, None) => w.text("runner.choose_any").to_string(),
    };
    let help = w.fill("runner.multi_help", &[("limits", &limits)]);
    let picked = MultiSelect::new(w.text("runner.multi_title"), option_choices(p))
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
/// Where the prompt allows a partial ranking, the list offers to stop once
/// enough options are ranked.
fn ask_rank(p: &RenderedPrompt, w: &Messages) -> Asked<Value> {
    let all = option_choices(p);
    let enough = p.min_ranked.map_or(all.len(), |m| m as usize);
    loop {
        let mut ranked: Vec<Choice<String>> = Vec::new();
        let mut stopped = false;
        while ranked.len() + 1 < all.len() {
            let mut left: Vec<Choice<String>> = all
                .iter()
                .filter(|c| !ranked.iter().any(|r| r.value == c.value))
                .cloned()
                .collect();
            if ranked.len() >= enough {
                // No option has an empty id: the bank's schema rules it out.
                left.push(choice(w.text("runner.rank_stop"), String::new()));
            }
            let title = w.fill(
                "runner.rank_title",
                &[("n", &(ranked.len() + 1)), ("count", &all.len())],
            );
            let help = if ranked.is_empty() {
                w.text("runner.rank_help_first")
            } else {
                w.text("runner.rank_help_undo")
            };
            match Select::new(&title, left)
                .with_page_size(10)
                .with_help_message(help)
                .prompt()
            {
                Ok(picked) if picked.value.is_empty() => {
                    stopped = true;
                    break;
                }
                Ok(picked) => ranked.push(picked),
                Err(InquireError::OperationCanceled) if !ranked.is_empty() => {
                    if let Some(undone) = ranked.pop() {
                        let undone = w.fill("runner.undone", &[("label", &undone.label)]);
                        println!("  {}", dim(&undone));
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        if !stopped {
            let last = all
                .iter()
                .filter(|c| !ranked.iter().any(|r| r.value == c.value))
                .cloned()
                .collect::<Vec<_>>();
            ranked.extend(last);
        }
        println!("{}", w.text("runner.the_ranking"));
        for (i, c) in ranked.iter().enumerate() {
            println!("  {}. {}", i + 1, c.label);
        }
        if confirm(w.text("runner.save_ranking"), true, w)? {
            return Ok(json!(
                ranked.into_iter().map(|c| c.value).collect::<Vec<_>>()
            ));
        }
        println!("{}", dim(w.text("runner.rank_again")));
    }
}

fn ask_likert(
    p: &RenderedPrompt,
    (min, max): (i64, i64),
    current: Option<&Value>,
    w: &Messages,
) -> Asked<Value> {
    let current = current.and_then(Value::as_i64);
    let range: [(&str, &dyn std::fmt::Display); 2] = [("min", &min), ("max", &max)];
    if max - min > 10 {
        let title = w.fill("runner.whole_number", &range);
        let mut ask = CustomType::<i64>::new(&title)
            .with_error_message(w.text("runner.not_whole"))
            .with_help_message(w.text("runner.number_help"));
        if let Some(value) = current {
            ask = ask.with_default(value);
        }
        return Ok(json!(ask.prompt()?));
    }
    let points: Vec<Choice<i64>> = (min..=max).map(|v| choice(p.likert_label(v), v)).collect();
    let start = current
        .and_then(|c| points.iter().position(|x| x.value == c))
        .unwrap_or(0);
    let picked = Select::new(&w.fill("runner.choose_point", &range), points)
        .with_starting_cursor(start)
        .with_page_size(11)
        .with_help_message(w.text("runner.likert_help"))
        .prompt()?;
    Ok(json!(picked.value))
}
