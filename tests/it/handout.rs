//! `vignette session handout`: printable pages per group and stage, from the
//! session's pinned vignettes, run through the real binary on a temp database.

use serde_json::Value;

use crate::common::{Db, Output, repo};

/// A temp database with one session, `x-baseline`: two groups at site X,
/// V2 each, seed 1, and `extra`.
fn with_session(extra: &[&str]) -> Db {
    let db = Db::new();
    let mut args = vec!["--site", "X", "--groups", "2"];
    args.extend_from_slice(extra);
    create(&db, &args);
    db
}

/// Creates the session in `db`; `extra` names the site and the groups.
fn create(db: &Db, extra: &[&str]) {
    let mut args = vec![
        "session",
        "new",
        "--offering",
        "nettbasert",
        "--phase",
        "baseline",
        "--site-attr",
        "sector=school",
        "--site-attr",
        "centrality=rural",
        "--cohort",
        "1",
        "--vignettes",
        "V2",
        "--seed",
        "1",
        "--id",
        "x-baseline",
    ];
    args.extend_from_slice(extra);
    let out = db.run(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// `vignette session handout x-baseline EXTRA`.
fn handout(db: &Db, extra: &[&str]) -> Output {
    let mut args = vec!["session", "handout", "x-baseline"];
    args.extend_from_slice(extra);
    db.run(&args)
}

/// The pages, from a handout that must succeed.
fn pages_of(db: &Db, extra: &[&str]) -> String {
    let out = handout(db, extra);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

/// Each group's planned levels for V2, from `session status`.
fn levels(db: &Db) -> Vec<(String, Value)> {
    let out = db.run(&["session", "status", "x-baseline", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let status: Value = serde_json::from_str(&out.stdout).expect("status is JSON");
    status["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| {
            (
                row["group"].as_str().unwrap().to_string(),
                row["levels"].clone(),
            )
        })
        .collect()
}

fn v2() -> Value {
    let text = std::fs::read_to_string(repo().join("vignettes/V2.json")).expect("V2 in the bank");
    serde_json::from_str(&text).expect("V2 is JSON")
}

/// The template value a level of V2 sets, in bokmål.
fn level_value(v2: &Value, factor: &str, level: &str, variable: &str) -> String {
    let factor = v2["factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == factor)
        .expect("factor of V2");
    let level = factor["levels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == level)
        .expect("level of the factor");
    level["values"]["nb"][variable]
        .as_str()
        .expect("variable")
        .to_string()
}

fn pages(html: &str) -> usize {
    html.matches("<section class=\"page stage\">").count()
}

#[test]
fn html_has_one_page_per_stage_per_group_in_order() {
    let html = pages_of(&with_session(&[]), &["--format", "html"]);
    assert_eq!(pages(&html), 2 * 3, "two groups, three stages of V2 each");
    let mut at = 0;
    for group in ["G1", "G2"] {
        for stage in 1..=3 {
            let header = format!(
                "<span class=\"group\">Gruppe {group}</span><span class=\"case\">V2</span><span class=\"stage\">Del {stage} av 3</span>"
            );
            let found = html[at..]
                .find(&header)
                .unwrap_or_else(|| panic!("no page for {group} stage {stage} after byte {at}"));
            at += found + header.len();
        }
    }
    assert!(html.contains("Til den som fører inn svarene"));
    assert!(html.contains("vignette session import x-baseline FILE.csv"));
    assert!(html.contains("group,vignette,prompt,value"));
    assert!(html.contains("break-before: page"));
}

#[test]
fn html_shows_every_prompt_and_option_id() {
    let html = pages_of(&with_session(&[]), &[]);
    for stage in v2()["stages"].as_array().unwrap() {
        for prompt in stage["prompts"].as_array().unwrap() {
            let id = prompt["id"].as_str().unwrap();
            let kind = prompt["kind"].as_str().unwrap();
            assert_eq!(
                html.matches(&format!("<span class=\"id\">{id} · {kind}</span>"))
                    .count(),
                2,
                "prompt {id} once per group"
            );
            for option in prompt["options"].as_array().into_iter().flatten() {
                let option = option["id"].as_str().unwrap();
                assert!(
                    html.contains(&format!("<span class=\"id\">{option}</span>")),
                    "option {option} of {id}"
                );
            }
        }
    }
    assert!(html.contains("class=\"lines\""), "ruled lines for text");
    assert!(html.contains("class=\"box\""), "boxes for choices");
    assert!(html.contains("1 = viktigst"), "rank instructions");
    assert!(
        html.contains("<span class=\"num\">5</span>"),
        "Likert points"
    );
}

#[test]
fn html_uses_each_groups_pinned_levels() {
    let db = with_session(&[]);
    let v2 = v2();
    let levels = levels(&db);
    assert_eq!(levels.len(), 2);
    for (group, chosen) in &levels {
        let html = pages_of(&db, &["--group", group]);
        let platform = chosen["platform"].as_str().unwrap();
        let chat_kind = level_value(&v2, "platform", platform, "chat_kind");
        assert!(html.contains(&chat_kind), "{group} reads `{chat_kind}`");
        assert!(
            !html.contains("platform=") && !html.contains(">platform<"),
            "participants' pages do not show the factor levels"
        );
        for (other, other_levels) in &levels {
            let other_platform = other_levels["platform"].as_str().unwrap();
            if other != group && other_platform != platform {
                let other_kind = level_value(&v2, "platform", other_platform, "chat_kind");
                assert!(
                    !html.contains(&other_kind),
                    "{group} must not read {other}'s case"
                );
            }
        }
    }
}

#[test]
fn the_key_shows_every_groups_levels_and_only_the_key_does() {
    let db = with_session(&[]);
    let levels = levels(&db);
    for format in ["html", "md"] {
        let key = pages_of(&db, &["--key", "--format", format]);
        assert!(key.contains("Nøkkel for kursholderen"), "{key}");
        for (group, chosen) in &levels {
            for (factor, level) in chosen.as_object().unwrap() {
                let shown = format!("{factor}={}", level.as_str().unwrap());
                assert!(
                    key.contains(&shown),
                    "{group}: `{shown}` in the {format} key"
                );
            }
        }
        let pages = pages_of(&db, &["--format", format]);
        for (_, chosen) in &levels {
            for (factor, level) in chosen.as_object().unwrap() {
                let shown = format!("{factor}={}", level.as_str().unwrap());
                assert!(
                    !pages.contains(&shown),
                    "`{shown}` on a participant's {format} page"
                );
            }
        }
    }
}

#[test]
fn html_escapes_special_characters_from_the_bank() {
    let html = pages_of(&with_session(&[]), &[]);
    // V2's stage texts contain `<3`, `&` and `>:(`.
    assert!(html.contains("&lt;3 (uten L)"), "{html}");
    assert!(html.contains("ekte venner &amp; IKKE for L"));
    assert!(html.contains("&gt;:("));
    for raw in ["<3", "& IKKE", ">:(", "Ida & Sofie"] {
        assert!(!html.contains(raw), "`{raw}` reached the page unescaped");
    }
}

#[test]
fn html_is_self_contained() {
    let html = pages_of(&with_session(&[]), &[]).to_lowercase();
    for external in ["http", "src=", "<link", "<script", "@import", "url("] {
        assert!(!html.contains(external), "found `{external}`");
    }
}

#[test]
fn markdown_for_one_group() {
    let db = with_session(&[]);
    let md = pages_of(&db, &["--group", "G1", "--format", "md"]);
    assert!(!md.contains("Gruppe G2"));
    // The join code is drawn at random: the same on every page, shown as KODE.
    let code = vignette::store::Store::open(&db.path())
        .unwrap()
        .join_codes("x-baseline")
        .unwrap()[0]
        .code
        .clone();
    let shown = vignette::session::join::display(&code);
    assert_eq!(
        md.matches(&format!("Kode på nett {shown}")).count(),
        3,
        "{md}"
    );
    let md = md.replace(&shown, "KODE");
    insta::assert_snapshot!(md);
}

#[test]
fn group_filter_prints_only_that_group() {
    let html = pages_of(&with_session(&[]), &["--group", "G2"]);
    assert_eq!(pages(&html), 3);
    assert!(html.contains("Gruppe G2"));
    assert!(!html.contains("Gruppe G1"));
}

#[test]
fn unknown_group_is_a_usage_error_listing_the_groups() {
    let out = handout(&with_session(&[]), &["--group", "G9"]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr
            .contains("no group `G9` in session x-baseline; its groups are: G1, G2"),
        "{}",
        out.stderr
    );
}

#[test]
fn unknown_session_is_a_usage_error() {
    let db = with_session(&[]);
    let out = db.run(&["session", "handout", "nope"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no session `nope`"), "{}", out.stderr);
}

#[test]
fn english_sessions_get_english_pages() {
    let html = pages_of(&with_session(&["--lang", "en"]), &["--group", "G1"]);
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Group G1"));
    assert!(html.contains("Stage 2 of 3"));
    assert!(html.contains("1 = most important"));
    assert!(html.contains("For the person transcribing"));
    assert!(html.contains("&lt;3 (uten L)"));
}

#[test]
fn user_text_is_escaped_and_never_template_source() {
    let db = Db::new();
    let groups = db.file(
        "groups.csv",
        "group,roles\n\"Bord <i>1</i> & {{ 7*7 }}\",teacher:3\n",
    );
    create(
        &db,
        &[
            "--groups-file",
            groups.to_str().unwrap(),
            "--site",
            "Skole <b>*X*</b>",
        ],
    );
    let html = pages_of(&db, &[]);
    assert!(
        html.contains("Gruppe Bord &lt;i&gt;1&lt;&#x2f;i&gt; &amp; {{ 7*7 }}"),
        "{html}"
    );
    assert!(html.contains("Skole &lt;b&gt;*X*&lt;&#x2f;b&gt;"));
    // Not `49` anywhere: the pages carry random join codes, which may hold it.
    assert!(!html.contains("<i>") && !html.contains("<b>") && !html.contains("&amp; 49"));
    let md = pages_of(&db, &["--format", "md"]);
    assert!(
        md.contains("Gruppe Bord \\<i>1\\</i> & {{ 7\\*7 }}"),
        "{md}"
    );
    assert!(md.contains("Skole \\<b>\\*X\\*\\</b>"));
    // The story's own "<3" and "&" read as written, not as entities.
    assert!(
        md.contains("«7B <3 (uten L)»") && md.contains("ekte venner & IKKE"),
        "{md}"
    );
    assert!(!md.contains("&lt;") && !md.contains("&amp;"), "{md}");
}

#[test]
fn the_transcription_example_imports() {
    let db = with_session(&[]);
    let md = pages_of(&db, &["--format", "md"]);
    let example: Vec<&str> = md
        .lines()
        .skip_while(|line| !line.starts_with("Eksempel"))
        .filter_map(|line| line.strip_prefix("    "))
        .collect();
    assert!(example.len() > 1, "{md}");
    assert_eq!(example[0], "group,vignette,prompt,value");
    let csv = db.file("paper.csv", &(example.join("\n") + "\n"));
    let out = db.run(&["session", "import", "x-baseline", csv.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains(&format!("stored {} answer(s)", example.len() - 1)),
        "{}",
        out.stdout
    );
}
