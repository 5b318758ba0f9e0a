//! Paper: handouts and the report printed to A4 by headless Chromium. Every
//! stage of a handout starts a new page and takes about two at most; the
//! report's sections run on over pages instead of leaving pages blank.
//! Needs Chromium (`.ci/run` installs it); where it is missing the test says
//! so and passes without running.

use std::path::Path;
use std::process::Command;

use crate::common::Db;
use crate::common::study::Study;

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// Prints `html` to a PDF beside it with headless Chromium; its page count.
fn printed_pages(chromium: &str, html: &Path) -> usize {
    let pdf = html.with_extension("pdf");
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let bytes = std::fs::read(&pdf).unwrap();
    // Page objects: `/Type /Page` not followed by `s` (that is the tree).
    let needle = b"/Type /Page";
    bytes
        .windows(needle.len() + 1)
        .filter(|w| w.starts_with(needle) && w[needle.len()] != b's')
        .count()
}

#[test]
fn every_handout_stage_starts_a_page_and_takes_about_two_at_most() {
    let Some(chromium) = chromium() else {
        eprintln!("Chromium is not installed: the print test did not run");
        return;
    };
    let db = Db::new();
    let out = db.new_session(&["--groups", "6", "--per-group", "2", "--seed", "1"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let html = db.file("handout.html", &db.ok(&["session", "handout", "s"]));
    let pages = printed_pages(chromium, &html);
    let stages = 6 * 2 * 3;
    assert!(
        (stages + 1..=2 * stages + 2).contains(&pages),
        "{pages} A4 pages for {stages} stages and the transcription note"
    );
}

#[test]
fn the_report_runs_on_over_pages_instead_of_leaving_them_blank() {
    let Some(chromium) = chromium() else {
        eprintln!("Chromium is not installed: the print test did not run");
        return;
    };
    let study = Study::scored();
    let html = study.db.dir().join("report.html");
    let out = study.run(&["report", "--out", html.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let pages = printed_pages(chromium, &html);
    // Kept whole, a long section moved to the next page and left the page
    // before it nearly empty.
    assert!((3..=REPORT_PAGES).contains(&pages), "{pages} A4 pages");
}

/// The most pages the fixture study's report may take on A4 (2026-12-05: 6;
/// 8 when every section was kept whole).
const REPORT_PAGES: usize = 7;
