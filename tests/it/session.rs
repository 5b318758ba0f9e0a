//! Sessions through the real binary: seeded designs, answers from files and
//! paper, all-or-nothing rejection of bad input, pinned instruments.

use crate::common::{self, Db, TempBank};

/// Everything stored for session `s`, as export lines.
fn export(db: &Db) -> String {
    db.ok(&["session", "export", "s", "--format", "jsonl"])
}

#[test]
fn the_same_seed_gives_byte_identical_designs_in_fresh_databases() {
    let design = |seed: &str| {
        let db = Db::new();
        let out = db.new_session(&["--groups", "12", "--per-group", "3", "--seed", seed]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let out = db.run(&["session", "design", "s", "--format", "json"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let first = design("7");
    assert_eq!(first, design("7"));
    assert_ne!(first, design("8"));
    let json: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(json["seed"], 7);
    assert_eq!(json["groups"].as_array().unwrap().len(), 12);
    assert!(json["diagnostics"]["max_imbalance"].as_u64().unwrap() <= 1);
}

fn session_with_v2(db: &Db) {
    let out = db.new_session(&["--groups", "2", "--vignettes", "V2", "--seed", "1"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

const GOOD_ANSWERS: &str = r#"{"group": "G1", "vignette": "V2", "answers": {
  "s1_do": "Vi snakker med Lea i dag, alene <b>&</b>, og varsler rektor.",
  "s1_first_action": "talk_with_lea",
  "s1_seriousness": 4,
  "s2_measures": ["activity_plan", "lea_home", "separate_talks", "parent_meeting", "class_program", "joint_meeting"],
  "s3_next_steps": ["continue_plan", "talk_each_pupil"]
}}"#;

#[test]
fn an_answer_file_is_stored_and_a_second_one_adds_revisions() {
    let db = Db::new();
    session_with_v2(&db);
    let file = db.file("a.json", GOOD_ANSWERS);
    let out = db.run(&["session", "answer", "s", "--file", file.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("stored 5 answer(s) from "),
        "{}",
        out.stdout
    );
    // The same file again adds nothing: an identical value is no new revision.
    let out = db.run(&["session", "answer", "s", "--file", file.to_str().unwrap()]);
    assert_eq!(out.code, 0);
    assert_eq!(export(&db).lines().count(), 5);
    // A changed file adds revisions of the answers that changed.
    let changed = db.file(
        "b.json",
        &GOOD_ANSWERS.replace("s1_seriousness\": 4", "s1_seriousness\": 5"),
    );
    let out = db.run(&[
        "session",
        "answer",
        "s",
        "--file",
        changed.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0);
    let lines: Vec<serde_json::Value> = export(&db)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6);
    let likert: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["prompt"] == "s1_seriousness")
        .collect();
    assert_eq!(likert[0]["revision"], 1);
    assert_eq!(likert[0]["latest"], false);
    assert_eq!(likert[1]["revision"], 2);
    assert_eq!(likert[1]["latest"], true);
    assert_eq!(likert[1]["value"], 5);
    let text: Vec<&serde_json::Value> = lines.iter().filter(|l| l["prompt"] == "s1_do").collect();
    assert_eq!(text.len(), 1);
    assert_eq!(
        text[0]["value"],
        "Vi snakker med Lea i dag, alene <b>&</b>, og varsler rektor."
    );
    for line in &lines {
        for key in [
            "session",
            "group",
            "site",
            "site_attributes",
            "offering",
            "phase",
            "cohort",
            "roles",
            "vignette",
            "levels",
            "stage",
            "prompt",
            "kind",
            "value",
            "revision",
            "answered_at",
            "language",
            "vignette_hash",
            "rubric_hash",
            "study_hash",
        ] {
            assert!(line.get(key).is_some(), "export line lacks {key}: {line}");
        }
    }
    assert_eq!(lines[0]["site_attributes"]["centrality"], "rural");
    let status = db.run(&["session", "status", "s", "--format", "json"]);
    let status: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    let g1 = status["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["group"] == "G1")
        .unwrap();
    assert_eq!(g1["answered"][0], serde_json::json!([3, 5]));
    assert_eq!(g1["revealed"], 3);
}

/// Each bad answer file: what it contains and the message it must produce.
#[test]
fn bad_answer_files_store_nothing_and_say_why() {
    let cases: &[(&str, &str)] = &[
        (
            r#"{"group": "G1", "vignette": "V2", "answers": {"s1_do": "#,
            "a.json:1:81: EOF while parsing a value",
        ),
        (
            r#"{"group": "G9", "vignette": "V2", "answers": {"s1_do": "x"}}"#,
            "a.json: at /answers/s1_do: no group `G9` in session s; its groups are: G1, G2",
        ),
        (
            r#"{"group": "G1", "vignette": "V3", "answers": {"s1_do": "x"}}"#,
            "a.json: at /answers/s1_do: group `G1` has no vignette `V3` in this session; it has: V2",
        ),
        (
            r#"{"group": "G1", "vignette": "V2", "answers": {"s9_do": "x"}}"#,
            "a.json: at /answers/s9_do: vignette `V2` has no prompt `s9_do`",
        ),
        (
            r#"{"group": "G1", "vignette": "V2", "answers": {"s1_first_action": "hug"}}"#,
            "a.json: at /answers/s1_first_action: single prompt `s1_first_action`: `hug` is not an option here; the options are: class_talk, talk_with_lea",
        ),
        (
            r#"{"group": "G1", "vignette": "V2", "answers": {"s1_seriousness": 0}}"#,
            "a.json: at /answers/s1_seriousness: likert prompt `s1_seriousness`: 0 is outside the scale 1 to 5",
        ),
        (
            r#"{"group": "G1", "vignette": "V2", "answers": {"s1_seriousness": "4"}}"#,
            "likert prompt `s1_seriousness`: expected a whole number from 1 to 5, got \"4\"",
        ),
        (
            r#"{"group": "G1", "vignette": "V2", "answers": {"s2_measures": ["activity_plan", "activity_plan"]}}"#,
            "rank prompt `s2_measures`: `activity_plan` is given twice",
        ),
        (
            r#"{"group": "G1", "vignette": "V2", "answers": {"s2_measures": ["activity_plan"]}}"#,
            "rank prompt `s2_measures`: a ranking lists every option once (all 6); missing: ",
        ),
        (
            r#"{"group": "G1", "vignette": "V2", "answers": {"s3_next_steps": "continue_plan"}}"#,
            "multi prompt `s3_next_steps`: expected an array of option ids, got \"continue_plan\"",
        ),
        (
            r#"{"group": "G1", "vignette": "V2", "answers": {"s1_do": 12}}"#,
            "text prompt `s1_do`: expected text (a JSON string), got 12",
        ),
        (
            r#"{"group": "G1", "vignette": "V2", "answers": {"s1_do": "\u0000"}}"#,
            "text prompt `s1_do`: the text contains the control character U+0000",
        ),
        (
            r#"{"group": "G1", "vignette": "V2", "answers": {}}"#,
            "a.json: at /answers: no answers given",
        ),
        (
            r#"{"group": "G1", "vignette": "V2", "answers": {"s1_do": "x"}, "extra": 1}"#,
            "a.json: at /extra: unexpected key",
        ),
    ];
    let db = Db::new();
    session_with_v2(&db);
    // One good answer first, so "unchanged" means more than "empty".
    let good = db.file(
        "good.json",
        r#"{"group": "G2", "vignette": "V2", "answers": {"s1_do": "Snakke med Lea."}}"#,
    );
    assert_eq!(
        db.run(&["session", "answer", "s", "--file", good.to_str().unwrap()])
            .code,
        0
    );
    let before = export(&db);
    for (content, expected) in cases {
        // A valid answer rides along in every file: it must not be stored either.
        let content = content.replacen(
            r#""answers": {"#,
            r#""answers": {"s1_record": "I loggen.", "#,
            1,
        );
        let content = if content.contains(r#"{"s1_record": "I loggen.", }"#) {
            content.replace(r#"{"s1_record": "I loggen.", }"#, "{}")
        } else {
            content
        };
        let file = db.file("a.json", &content);
        let out = db.run(&["session", "answer", "s", "--file", file.to_str().unwrap()]);
        assert_eq!(out.code, 1, "{content}\n{}", out.stderr);
        let message = out.stderr.replace(file.to_str().unwrap(), "a.json");
        assert!(
            message.contains(expected),
            "{content}\nexpected `{expected}` in\n{message}"
        );
        assert!(message.contains("nothing was stored"), "{message}");
        assert_eq!(export(&db), before, "{content} changed the database");
    }
    // Too long, and not UTF-8.
    let long = format!(
        r#"{{"group": "G1", "vignette": "V2", "answers": {{"s1_do": "{}"}}}}"#,
        "a".repeat(3001)
    );
    let out = db.run(&[
        "session",
        "answer",
        "s",
        "--file",
        db.file("a.json", &long).to_str().unwrap(),
    ]);
    assert!(
        out.stderr
            .contains("the text has 3001 characters; at most 3000 are allowed"),
        "{}",
        out.stderr
    );
    let path = db.dir().join("latin1.json");
    std::fs::write(
        &path,
        b"{\"group\": \"G1\", \"vignette\": \"V2\", \"answers\": {\"s1_do\": \"bl\xe5\"}}",
    )
    .unwrap();
    let out = db.run(&["session", "answer", "s", "--file", path.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("latin1.json:1:59: the file is not valid UTF-8 (bad byte 0xe5)"),
        "{}",
        out.stderr
    );
    assert_eq!(export(&db), before);
}

#[test]
fn paper_imports_are_all_or_nothing() {
    let db = Db::new();
    session_with_v2(&db);
    let good = db.file(
        "paper.csv",
        "group,vignette,prompt,value\nG1,V2,s1_do,\"Vi tar det på alvor, og ringer far\"\nG1,V2,s1_seriousness,5\n\
         G2,V2,s2_measures,activity_plan;lea_home;separate_talks;parent_meeting;class_program;joint_meeting\nG2,V2,s3_next_steps,continue_plan\n",
    );
    let out = db.run(&["session", "import", "s", good.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("stored 4 answer(s)"));
    let before = export(&db);
    assert!(before.contains(r#""value":["activity_plan","lea_home","separate_talks","parent_meeting","class_program","joint_meeting"]"#));
    let cases: &[(&str, &str)] = &[
        (
            "group,vignette,prompt\nG1,V2,s1_do\n",
            "bad.csv:1: expected the header `group,vignette,prompt,value`",
        ),
        (
            "group;vignette;prompt;value\nG1;V2;s1_do;ok\n",
            "save the file as CSV with commas",
        ),
        (
            "group,vignette,prompt,value\nG1,V2,s1_do,ok\nG3,V2,s1_do,x\n",
            "bad.csv:3: no group `G3` in session s",
        ),
        (
            "group,vignette,prompt,value\nG1,V2,s1_do,ok\nG1,V2,s1_seriousness,6\n",
            "bad.csv:3: likert prompt `s1_seriousness`: 6 is outside the scale 1 to 5",
        ),
        (
            "group,vignette,prompt,value\nG1,V2,s2_measures,activity_plan;lea_home\n",
            "bad.csv:2: rank prompt `s2_measures`: a ranking lists every option once",
        ),
        (
            "group,vignette,prompt,value\nG1,V2,s1_first_action,talk\n",
            "bad.csv:2: single prompt `s1_first_action`: `talk` is not an option here",
        ),
        (
            "group,vignette,prompt,value\nG1,V2,s1_do,a\nG1,V2,s1_do,b\n",
            "bad.csv:3: group `G1`, vignette `V2`, prompt `s1_do` is already answered on line 2",
        ),
        (
            "group,vignette,prompt,value\nG1,V2,s1_do,a,extra\n",
            "bad.csv:2: CSV error",
        ),
        (
            "group,vignette,prompt,value\n",
            "bad.csv: no rows after the header",
        ),
    ];
    for (content, expected) in cases {
        let file = db.file("bad.csv", content);
        let out = db.run(&["session", "import", "s", file.to_str().unwrap()]);
        assert_eq!(out.code, 1, "{content}\n{}", out.stderr);
        let message = out.stderr.replace(file.to_str().unwrap(), "bad.csv");
        assert!(
            message.contains(expected),
            "{content}\nexpected `{expected}` in\n{message}"
        );
        assert_eq!(export(&db), before, "{content} changed the database");
    }
}

#[test]
fn a_closed_session_takes_no_answers_until_reopened_with_a_reason() {
    let db = Db::new();
    session_with_v2(&db);
    let file = db.file("a.json", GOOD_ANSWERS);
    assert_eq!(db.run(&["session", "close", "s"]).code, 0);
    let out = db.run(&["session", "answer", "s", "--file", file.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(
            "error: session `s` is closed\n  hint: reopen it with `vignette session reopen s --reason …`"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(export(&db), "");
    let out = db.run(&[
        "session",
        "reopen",
        "s",
        "--reason",
        "group 2 handed in late",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        db.run(&["session", "answer", "s", "--file", file.to_str().unwrap()])
            .code,
        0
    );
}

#[test]
fn a_session_keeps_the_instruments_it_was_created_with() {
    let bank = TempBank::shipped();
    let db = Db::new();
    let bank_arg = bank.path().to_str().unwrap().to_string();
    let out = db.new_session(&[
        "--groups",
        "2",
        "--vignettes",
        "V2",
        "--seed",
        "1",
        "--bank",
        &bank_arg,
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let original = bank.read("vignettes/V2.json");
    let original_hash = sha256(&original);
    let handout = |db: &Db| {
        let out = db.run(&[
            "session", "handout", "s", "--format", "md", "--bank", &bank_arg,
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let before = handout(&db);
    // The bank moves on: a prompt is renamed and the text changes.
    bank.edit_json("vignettes/V2.json", |v| {
        v["version"] = "2.0.0".into();
        v["stages"][0]["prompts"][0]["id"] = "s1_now".into();
    });
    bank.edit_json("rubrics/V2.json", |r| {
        for c in r["criteria"].as_array_mut().unwrap() {
            if let Some(p) = c["evidence"].get_mut("phrases") {
                for rule in p.as_array_mut().unwrap() {
                    rule.as_object_mut().unwrap().remove("prompts");
                }
            }
        }
    });
    bank.edit_json("vignettes/V2.json", |v| {
        v["stages"][0]["text"]["nb"] = "Helt ny tekst.".into()
    });
    assert_eq!(
        handout(&db),
        before,
        "the handout must show the pinned vignette"
    );
    let answer = db.file(
        "a.json",
        r#"{"group": "G1", "vignette": "V2", "answers": {"s1_do": "Snakke med Lea."}}"#,
    );
    let out = db.run(&[
        "session",
        "answer",
        "s",
        "--file",
        answer.to_str().unwrap(),
        "--bank",
        &bank_arg,
    ]);
    assert_eq!(
        out.code, 0,
        "the pinned prompt s1_do must still be answerable: {}",
        out.stderr
    );
    let export: serde_json::Value =
        serde_json::from_str(export(&db).lines().next().unwrap()).unwrap();
    assert_eq!(export["vignette_hash"], original_hash);
}

fn sha256(text: &str) -> String {
    vignette::session::content_hash(text)
}

#[test]
fn bad_session_requests_are_usage_errors() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--offering", "x"],
            "the study has no offering `x`; expected one of: laeringsmiljoprosjektet, samlingsbasert, nettbasert",
        ),
        (
            &["--phase", "later"],
            "the study has no phase `later`; expected one of: baseline, midpoint, endpoint",
        ),
        (
            &["--site-attr", "centrality=suburban"],
            "site attribute `centrality`: `suburban` is not allowed; expected one of: rural, urban",
        ),
        (
            &["--site-attr", "centrality_index=9"],
            "site attribute `centrality_index`: 9 is outside 1..6",
        ),
        (
            &["--site-attr", "colour=red"],
            "the study has no site attribute `colour`",
        ),
        (
            &["--per-group", "7"],
            // Seed 1 gives a new site form B: its three school cases.
            "each group is to get 7 vignettes, but form `B` has 3 for a site of sector `school` \
             (V5, V9, V10); expected at most 3",
        ),
        (
            &["--vignettes", "V2,V3", "--per-group", "3"],
            "each group can answer at most 2 vignettes (the number chosen), but 3 per group was asked",
        ),
        (&["--vignettes", "V99"], "the study has no vignette `V99`"),
        (&["--lang", "de"], "the study has no language `de`"),
    ];
    for (change, expected) in cases {
        let db = Db::new();
        let mut args: Vec<&str> = vec![
            "session",
            "new",
            "--offering",
            "nettbasert",
            "--phase",
            "baseline",
            "--site",
            "Bodø",
            "--site-attr",
            "sector=school",
            "--cohort",
            "2026",
            "--groups",
            "3",
            "--seed",
            "1",
        ];
        // Replace a default or add the change.
        let mut i = 0;
        while i < change.len() {
            let (flag, value) = (change[i], change[i + 1]);
            match args
                .iter()
                .position(|a| *a == flag && flag != "--site-attr")
            {
                Some(p) => args[p + 1] = value,
                None => args.extend([flag, value]),
            }
            i += 2;
        }
        if !args.contains(&"--per-group") && !args.contains(&"--vignettes") {
            args.extend(["--per-group", "2"]);
        }
        if !args.iter().any(|a| a.starts_with("centrality=")) {
            args.extend(["--site-attr", "centrality=rural"]);
        }
        let out = db.run(&args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains(expected),
            "{args:?}: expected `{expected}` in {}",
            out.stderr
        );
        assert!(
            !db.path().exists()
                || db
                    .run(&["session", "list", "--format", "json"])
                    .stdout
                    .trim()
                    == "[]"
        );
    }
    let db = Db::new();
    let out = db.run(&[
        "session",
        "new",
        "--offering",
        "nettbasert",
        "--phase",
        "baseline",
        "--site",
        "Bodø",
        "--site-attr",
        "centrality=rural",
        "--cohort",
        "1",
        "--groups",
        "2",
        "--per-group",
        "1",
        "--seed",
        "1",
    ]);
    assert!(
        out.stderr.contains(
            "the study requires site attribute `sector`; expected sector=VALUE among the site's attributes"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn groups_come_from_a_file_with_their_roles() {
    let db = Db::new();
    let groups = db.file(
        "groups.csv",
        "group,roles\nBord 1,\"principal:1,teacher:3\"\nBord 2,teacher:4\n",
    );
    let out = db.new_session(&[
        "--groups-file",
        groups.to_str().unwrap(),
        "--per-group",
        "2",
        "--seed",
        "3",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let design: serde_json::Value = serde_json::from_str(
        &db.run(&["session", "design", "s", "--format", "json"])
            .stdout,
    )
    .unwrap();
    assert_eq!(design["groups"][0]["group"], "Bord 1");
    let bad = db.file("bad.csv", "group,roles\nBord 1,\"rektor:1\"\n");
    let other = Db::new();
    let out = other.new_session(&[
        "--groups-file",
        bad.to_str().unwrap(),
        "--per-group",
        "2",
        "--seed",
        "3",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("group `Bord 1`: the study has no role `rektor`"),
        "{}",
        out.stderr
    );
}

#[test]
fn commands_on_a_missing_database_or_session_explain_themselves() {
    let db = Db::new();
    let out = db.run(&["session", "status", "s"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no database at "), "{}", out.stderr);
    session_with_v2(&db);
    let out = db.run(&["session", "status", "nope"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("no session `nope` in this database"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("`vignette session list`"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_oversized_answer_file_is_refused_unread() {
    let db = Db::new();
    session_with_v2(&db);
    let big = db.file("big.json", &" ".repeat(17 * 1024 * 1024));
    let out = db.run(&["session", "answer", "s", "--file", big.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("bytes; answer files are limited to 16777216 bytes (16 MiB)"),
        "{}",
        out.stderr
    );
    assert_eq!(export(&db), "");
}

#[test]
fn session_list_json_says_when_each_session_was_created_and_closed() {
    let db = Db::new();
    let mut new = common::NEW_SESSION.to_vec();
    new.extend(["--groups", "2", "--vignettes", "V2", "--seed", "1"]);
    db.command(&new).now("2026-03-01T09:30:00Z").ok();
    let other: Vec<&str> = new
        .iter()
        .map(|&arg| if arg == "s" { "t" } else { arg })
        .collect();
    db.command(&other).now("2026-03-02T08:00:00.250Z").ok();
    db.command(&["session", "close", "s"])
        .now("2026-03-01T12:15:30+01:00")
        .ok();
    let list = db
        .command(&["session", "list", "--format", "json"])
        .now("2026-03-03T00:00:00Z")
        .ok();
    insta::assert_snapshot!(list);
}

#[test]
fn session_export_lines_say_when_each_revision_was_answered() {
    let db = Db::new();
    let mut new = common::NEW_SESSION.to_vec();
    new.extend(["--groups", "1", "--vignettes", "V2", "--seed", "1"]);
    db.command(&new).now("2026-03-01T09:30:00Z").ok();
    let answers = |value: &str| {
        db.file(
            "answers.csv",
            &format!("group,vignette,prompt,value\nG1,V2,s1_first_action,{value}\n"),
        )
    };
    let file = answers("talk_with_lea");
    db.command(&["session", "import", "s", file.to_str().unwrap()])
        .now("2026-03-01T09:45:10.5Z")
        .ok();
    let file = answers("notify_principal");
    db.command(&["session", "import", "s", file.to_str().unwrap()])
        .now("2026-03-01T10:02:00Z")
        .ok();
    let exported = db
        .command(&["session", "export", "s", "--format", "jsonl"])
        .now("2026-03-03T00:00:00Z")
        .ok();
    // The instrument hashes change with the shipped bank; the times must not.
    let lines: Vec<serde_json::Value> = exported
        .lines()
        .map(|line| {
            let mut line: serde_json::Value = serde_json::from_str(line).unwrap();
            for key in ["study_hash", "vignette_hash", "rubric_hash"] {
                assert_eq!(line[key].as_str().unwrap().len(), 64, "{key}");
                line[key] = "[sha-256]".into();
            }
            line
        })
        .collect();
    insta::assert_snapshot!(serde_json::to_string_pretty(&lines).unwrap());
}

#[test]
fn a_vignette_now_that_is_not_a_time_is_a_usage_error() {
    let db = Db::new();
    session_with_v2(&db);
    let out = db.command(&["session", "list"]).now("yesterday").run();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("VIGNETTE_NOW: `yesterday` is not a time in RFC 3339"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_school_site_draws_school_cases_and_the_plan_shows_each_groups_roles() {
    let db = Db::new();
    let groups = db.file(
        "groups.csv",
        "group,roles\nBord 1,\"principal:1,teacher:3\"\nBord 2,teacher:4\nBord 3,municipal:2\n",
    );
    let out = db.new_session(&[
        "--groups-file",
        groups.to_str().unwrap(),
        "--per-group",
        "2",
        "--seed",
        "11",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let design: serde_json::Value =
        serde_json::from_str(&db.ok(&["session", "design", "s", "--format", "json"])).unwrap();
    let drawn: Vec<&str> = design["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["vignettes"].as_array().unwrap())
        .map(|v| v["vignette"].as_str().unwrap())
        .collect();
    assert_eq!(drawn.len(), 6);
    // The standard session's site is a school: V1 and V6 are kindergarten cases.
    assert!(drawn.iter().all(|v| !["V1", "V6"].contains(v)), "{drawn:?}");
    let text = db.ok(&["session", "design", "s"]);
    assert!(text.contains("principal 1"), "{text}");
    assert!(text.contains("municipal 2"), "{text}");
    // Of the listed vignettes, each group gets the number asked for.
    let listed = Db::new();
    let out = listed.new_session(&[
        "--groups",
        "4",
        "--vignettes",
        "V2,V3,V4",
        "--per-group",
        "1",
        "--seed",
        "11",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let design: serde_json::Value =
        serde_json::from_str(&listed.ok(&["session", "design", "s", "--format", "json"])).unwrap();
    for group in design["groups"].as_array().unwrap() {
        assert_eq!(group["vignettes"].as_array().unwrap().len(), 1);
    }
}

/// A byte order mark at the start of an answer file (Notepad and Excel
/// write one) is not an error.
#[test]
fn an_answer_file_with_a_byte_order_mark_is_read() {
    let db = Db::new();
    session_with_v2(&db);
    let file = db.file("a.json", &format!("\u{feff}{GOOD_ANSWERS}"));
    let out = db.run(&["session", "answer", "s", "--file", file.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("stored 5 answer(s)"),
        "{}",
        out.stdout
    );
}

/// A prompt answered twice in one answer file is refused with its place,
/// not silently answered with the last value.
#[test]
fn a_key_given_twice_in_an_answer_file_is_refused() {
    let db = Db::new();
    session_with_v2(&db);
    let file = db.file(
        "a.json",
        "{\"group\": \"G1\", \"vignette\": \"V2\", \"answers\": {\n\"s1_do\": \"FIRST\",\n\"s1_do\": \"SECOND\"}}",
    );
    let out = db.run(&["session", "answer", "s", "--file", file.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains(":3:") && out.stderr.contains("the key `s1_do` is given twice"),
        "{}",
        out.stderr
    );
    assert_eq!(export(&db), "", "nothing was stored");
}

/// `session template` prints a blank sheet with one row per prompt of each
/// assigned vignette; filled in partly, it imports the filled rows and
/// skips the blank ones.
#[test]
fn a_blank_template_filled_in_partly_imports_what_was_filled() {
    let db = Db::new();
    session_with_v2(&db);
    let sheet = db.ok(&["session", "template", "s", "--group", "G2"]);
    let lines: Vec<&str> = sheet.lines().collect();
    assert_eq!(lines[0], "group,vignette,prompt,value");
    assert!(
        lines[1..]
            .iter()
            .all(|l| l.starts_with("G2,V2,") && l.ends_with(',')),
        "{sheet}"
    );
    let prompts: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    assert_eq!(prompts.first(), Some(&"s1_do"), "{sheet}");
    assert!(prompts.contains(&"s1_seriousness") && prompts.contains(&"s3_next_steps"));
    let whole = db.ok(&["session", "template", "s"]);
    assert_eq!(whole.lines().count(), 1 + 2 * prompts.len(), "{whole}");

    let filled = sheet
        .replace(
            "G2,V2,s1_do,\n",
            "G2,V2,s1_do,Vi snakker med Lea alene i dag.\n",
        )
        .replace("G2,V2,s1_seriousness,\n", "G2,V2,s1_seriousness,4\n");
    let file = db.file("g2.csv", &filled);
    let out = db.ok(&["session", "import", "s", file.to_str().unwrap()]);
    assert!(out.starts_with("stored 2 answer(s)"), "{out}");
    let blank = db.file("blank.csv", &sheet);
    let out = db.run(&["session", "import", "s", blank.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("every row's value is blank"),
        "{}",
        out.stderr
    );
    let out = db.run(&["session", "template", "s", "--group", "G9"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("no group `G9` in session s; its groups are: G1, G2"),
        "{}",
        out.stderr
    );
}

#[test]
fn every_bad_role_and_missing_attribute_is_reported_at_once() {
    let db = Db::new();
    let groups = db.file(
        "groups.csv",
        "group,roles\nG1,\"teacher:2,janitor:1\"\nG2,wizard:1\n",
    );
    let out = db.run(&[
        "session",
        "new",
        "--offering",
        "nettbasert",
        "--phase",
        "baseline",
        "--site",
        "X",
        "--cohort",
        "1",
        "--groups-file",
        groups.to_str().unwrap(),
        "--per-group",
        "1",
        "--seed",
        "1",
    ]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    for expected in [
        "4 problems:",
        "group `G1`: the study has no role `janitor`",
        "group `G2`: the study has no role `wizard`",
        "the study requires site attribute `sector`",
        "the study requires site attribute `centrality`",
    ] {
        assert!(
            out.stderr.contains(expected),
            "missing `{expected}` in {}",
            out.stderr
        );
    }
}

/// A copy of the shipped bank in which V2's ranking `s2_measures` (six
/// options) may list only its top `min_ranked`.
fn bank_with_partial_ranking(min_ranked: u64) -> TempBank {
    let bank = TempBank::shipped();
    bank.edit_json("vignettes/V2.json", |v| {
        let prompt = v["stages"][1]["prompts"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|p| p["id"] == "s2_measures")
            .unwrap();
        prompt["min_ranked"] = min_ranked.into();
    });
    bank
}

#[test]
fn a_paper_group_that_ranks_only_its_top_three_is_stored_where_the_prompt_allows_it() {
    let bank = bank_with_partial_ranking(3);
    let db = Db::new();
    let bank_dir = bank.path().to_str().unwrap();
    let out = db.new_session(&[
        "--groups",
        "1",
        "--vignettes",
        "V2",
        "--seed",
        "1",
        "--bank",
        bank_dir,
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);

    // The handout tells the group (in the session's language) what it may leave blank.
    let handout = db.ok(&["session", "handout", "s", "--format", "md"]);
    assert!(
        handout.contains("Skriv 1, 2, 3 … ved minst de 3 viktigste alternativene"),
        "{handout}"
    );

    // Fewer than the top three: refused, naming the prompt and how many it needs.
    let two = db.file(
        "two.csv",
        "group,vignette,prompt,value\nG1,V2,s2_measures,lea_home;separate_talks\n",
    );
    let out = db.run(&["session", "import", "s", two.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "two.csv:2: rank prompt `s2_measures`: only 2 ranked; rank at least the top 3 of the 6 options"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(export(&db), "");

    // The top three: stored as they were written; the rest have no position.
    let three = db.file(
        "three.csv",
        "group,vignette,prompt,value\nG1,V2,s2_measures,lea_home;separate_talks;class_program\n",
    );
    let out = db.run(&["session", "import", "s", three.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        export(&db).contains(r#""value":["lea_home","separate_talks","class_program"]"#),
        "{}",
        export(&db)
    );
    // Scored, every rank rule that fires reads an option the group placed,
    // at its place; the options left out have none.
    let explained = db.ok(&["score", "s", "--explain", "G1", "V2"]);
    assert!(
        explained.contains(r#"s2_measures: ["lea_home","separate_talks","class_program"]"#),
        "{explained}"
    );
    let ranked = ["lea_home", "separate_talks", "class_program"];
    for line in explained.lines().filter(|l| l.contains(" in s2_measures")) {
        let place = ranked
            .iter()
            .position(|o| line.contains(&format!("ranked {o} at ")))
            .unwrap_or_else(|| panic!("an unranked option has a place: {line}"));
        assert!(
            line.contains(&format!(" at {} in s2_measures", place + 1)),
            "{line}"
        );
    }

    // A prompt without `min_ranked` still takes every option.
    let db = Db::new();
    session_with_v2(&db);
    let out = db.run(&["session", "import", "s", three.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "three.csv:2: rank prompt `s2_measures`: a ranking lists every option once (all 6); missing: "
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn min_ranked_is_checked_against_the_options() {
    for (min_ranked, problem) in [
        (
            7,
            "at /stages/1/prompts/4/min_ranked: min_ranked 7 is more than the 6 options",
        ),
        (
            0,
            "at /stages/1/prompts/4/min_ranked: 0 is less than the minimum of 1",
        ),
    ] {
        let bank = bank_with_partial_ranking(min_ranked);
        let out = common::Vignette::new()
            .arg("validate")
            .arg("--bank")
            .arg(bank.path())
            .run();
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(out.stdout.contains(problem), "{}", out.stdout);
    }
}
