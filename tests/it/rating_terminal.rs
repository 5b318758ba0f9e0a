//! `vignette rate SESSION --rater NAME` driven through a real terminal
//! (tmux): two criteria are rated, the process is killed, and the next run
//! resumes at the first criterion not rated, with both ratings kept; Ctrl-C
//! then stops it without overwriting the key hint.
//!
//! Needs tmux; where it is missing the test prints why and passes without
//! running (outside CI).

use crate::common::tmux::Tmux;
use crate::common::{self, BIN, Db};

/// Starts `vignette rate s --rater anna` in a window named `name`.
fn start(tmux: &Tmux, name: &str, db: &Db) {
    let command = format!(
        "exec env NO_COLOR=1 '{BIN}' rate s --rater anna --db '{}'",
        db.path().display()
    );
    tmux.start(name, 80, &command);
}

#[test]
fn a_killed_rating_screen_resumes_at_the_first_criterion_not_rated() {
    if !common::tmux::available() {
        return;
    }
    let db = Db::new();
    db.ok(&[
        &common::NEW_SESSION[..],
        &["--groups", "1", "--vignettes", "V2", "--seed", "1"],
    ]
    .concat());
    let answers = db.file(
        "a.csv",
        "group,vignette,prompt,value\nG1,V2,s1_do,Snakke med Lea\n",
    );
    db.ok(&["session", "import", "s", answers.to_str().unwrap()]);
    db.ok(&["rate", "assign", "s", "--raters", "anna", "--overlap", "0"]);

    let tmux = Tmux::new("rate");
    start(&tmux, "first", &db);
    let screen = tmux.wait("first", "P1_rules_norms nivå:");
    assert!(
        screen.contains("0 —") && screen.contains("2 —"),
        "levels shown:\n{screen}"
    );
    // A bokmål session: the screen's own words are bokmål too, with where
    // the rater is in the plan.
    for bokmal in [
        "── del 3:",
        "(ikke besvart)",
        "Enter lagrer",
        "svarsett 1 av 1 i planen din",
    ] {
        assert!(screen.contains(bokmal), "no `{bokmal}` on\n{screen}");
    }
    for english in ["── stage", "(no answer)", " level:", "to store"] {
        assert!(!screen.contains(english), "`{english}` on\n{screen}");
    }
    tmux.keys("first", &["Enter"]);
    tmux.wait("first", "P3_inclusive_play nivå:");
    tmux.keys("first", &["Down"]);
    tmux.keys("first", &["Enter"]);
    tmux.wait("first", "P5_home_cooperation nivå:");
    tmux.kill("first");

    let exported = db.ok(&["rate", "export", "s"]);
    let rows: Vec<&str> = exported.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{exported}");
    assert!(
        rows.iter().any(|r| r.ends_with(",anna,P1_rules_norms,0")),
        "{exported}"
    );
    assert!(
        rows.iter()
            .any(|r| r.ends_with(",anna,P3_inclusive_play,1")),
        "{exported}"
    );

    start(&tmux, "second", &db);
    let screen = tmux.wait("second", "P5_home_cooperation nivå:");
    assert!(!screen.contains("P3_inclusive_play nivå:"), "{screen}");

    // Ctrl-C stops below the question: the key hint stays whole on its one
    // line of 80 columns, and the stop message has its own line.
    tmux.keys("second", &["C-c"]);
    let screen = tmux.wait("second", "stoppet; alle bekreftede vurderinger er lagret");
    let hint = "[↑↓ flytt, Enter lagrer, Esc eller Ctrl-C stopper]";
    assert!(
        screen.lines().any(|line| line.trim_end() == hint),
        "the hint is cut or overwritten:\n{screen}"
    );
    assert!(
        screen
            .lines()
            .any(|line| line.trim_end() == "stoppet; alle bekreftede vurderinger er lagret"),
        "{screen}"
    );
}
