//! `vignette export` through the real binary on a study built with the CLI:
//! the CSVs parse with the right rows, every column is in the codebook and
//! labelled in the SPSS and Stata syntax, value labels cover the data, labels
//! are escaped, the manifest's hashes match, and files are never overwritten
//! by accident.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::TempBank;
use crate::common::study::{SITE_A, Study, read_csv};
use serde_json::Value;
use sha2::{Digest, Sha256};

const TABLES: [&str; 3] = ["criteria", "dimensions", "groups"];

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn codebook(dir: &Path) -> Value {
    serde_json::from_str(&read(dir, "codebook.json")).unwrap()
}

/// The codebook's columns of one file.
fn codebook_columns<'a>(codebook: &'a Value, file: &str) -> &'a Vec<Value> {
    codebook["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == file)
        .unwrap_or_else(|| panic!("{file} is not in the codebook"))["columns"]
        .as_array()
        .unwrap()
}

#[test]
fn an_export_has_every_file_with_its_rows_and_matching_hashes() {
    let study = Study::scored();
    let dir = study.export(&[]);
    let manifest: Value = serde_json::from_str(&read(&dir, "manifest.json")).unwrap();
    let listed: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    let mut expected: Vec<String> = TABLES.iter().map(|t| format!("{t}.csv")).collect();
    expected.extend(["codebook.md".to_string(), "codebook.json".to_string()]);
    for table in TABLES {
        expected.extend([format!("{table}.sps"), format!("{table}.do")]);
    }
    assert_eq!(listed, expected);
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    expected.push("manifest.json".to_string());
    expected.sort();
    assert_eq!(on_disk, expected, "nothing else is left in the folder");
    for file in manifest["files"].as_array().unwrap() {
        let name = file["name"].as_str().unwrap();
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let hash: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(file["sha256"], hash, "{name}");
        assert_eq!(file["bytes"], bytes.len(), "{name}");
        if name.ends_with(".csv") {
            assert_eq!(file["rows"], read_csv(&dir.join(name)).1.len(), "{name}");
        } else {
            assert!(file["rows"].is_null(), "{name}");
        }
    }
    // 6 groups × V2 and V3 at baseline + 1 × V2 at endpoint.
    let criteria = |id: &str| {
        let text =
            std::fs::read_to_string(crate::common::repo().join(format!("rubrics/{id}.json")));
        let rubric: serde_json::Value = serde_json::from_str(&text.unwrap()).unwrap();
        rubric["criteria"].as_array().unwrap().len()
    };
    assert_eq!(
        read_csv(&dir.join("criteria.csv")).1.len(),
        7 * criteria("V2") + 6 * criteria("V3")
    );
    assert_eq!(read_csv(&dir.join("dimensions.csv")).1.len(), 13 * 3);
    assert_eq!(read_csv(&dir.join("groups.csv")).1.len(), 7 * 3);
    assert_eq!(
        manifest["sessions"],
        serde_json::json!(["a-base", "b-base", "a-end"])
    );
    assert_eq!(manifest["study"]["id"], "inkluderende-miljo");
    assert_eq!(manifest["rubrics"].as_array().unwrap().len(), 2);
    assert_eq!(manifest["selection"]["phases"], serde_json::json!([]));
}

#[test]
fn the_selection_narrows_the_export_and_is_recorded() {
    let study = Study::scored();
    let dir = study.export(&[
        "--phase",
        "baseline",
        "--session",
        "a-base",
        "--session",
        "b-base",
    ]);
    let manifest: Value = serde_json::from_str(&read(&dir, "manifest.json")).unwrap();
    assert_eq!(
        manifest["selection"]["phases"],
        serde_json::json!(["baseline"])
    );
    assert_eq!(
        manifest["selection"]["sessions"],
        serde_json::json!(["a-base", "b-base"])
    );
    let (_, rows) = read_csv(&dir.join("dimensions.csv"));
    assert_eq!(rows.len(), 12 * 3);
    assert!(rows.iter().all(|r| r["phase"] == "baseline"));
    let out = study.run(&["export", "--phase", "midpoint", "--out", "unused"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("no stored session matches"),
        "{}",
        out.stderr
    );
}

#[test]
fn every_column_is_in_the_codebook_and_labelled_in_spss_and_stata() {
    let study = Study::scored();
    let dir = study.export(&[]);
    let codebook = codebook(&dir);
    let markdown = read(&dir, "codebook.md");
    for table in TABLES {
        let csv = format!("{table}.csv");
        let (header, _) = read_csv(&dir.join(&csv));
        let documented: Vec<&str> = codebook_columns(&codebook, &csv)
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(documented, header, "{csv} in codebook.json");
        for column in codebook_columns(&codebook, &csv) {
            assert!(["string", "integer", "number"].contains(&column["type"].as_str().unwrap()));
            assert!(!column["description"].as_str().unwrap().is_empty());
        }
        assert!(markdown.contains(&format!("## {table}.csv")));

        let sps = read(&dir, &format!("{table}.sps"));
        assert!(
            sps.contains(&format!("/FILE='{csv}'")),
            "{table}.sps reads {csv}"
        );
        assert_eq!(
            spss_get_data_variables(&sps),
            header,
            "{table}.sps GET DATA"
        );
        assert_eq!(
            spss_variable_labels(&sps),
            header,
            "{table}.sps VARIABLE LABELS"
        );
        assert!(sps.contains("* Study inkluderende-miljo 1.1.0 (sha256 "));
        assert!(sps.contains("* Exported 20"));
        assert!(sps.contains(&pinned_rubric("V2")));

        let stata = read(&dir, &format!("{table}.do"));
        assert!(
            stata.contains(&format!("import delimited using \"{csv}\"")),
            "{table}.do reads {csv}"
        );
        let labelled: Vec<String> = stata_commands(&stata)
            .iter()
            .filter_map(|c| c.strip_prefix("label variable "))
            .map(|rest| rest.split(' ').next().unwrap().to_string())
            .collect();
        assert_eq!(labelled, header, "{table}.do label variable");
        assert!(stata.contains(&pinned_rubric("V3")));
    }
    let criteria = codebook_columns(&codebook, "criteria.csv");
    let phase = criteria.iter().find(|c| c["name"] == "phase").unwrap();
    assert_eq!(phase["values"][0]["label"]["nb"], "Nullpunkt");
    assert_eq!(phase["values"][0]["label"]["en"], "Baseline");
    let criterion = criteria.iter().find(|c| c["name"] == "criterion").unwrap();
    let find = |id: &str| {
        criterion["values"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["value"] == id)
            .unwrap()
    };
    let p1 = find("P1_rules_norms");
    assert_eq!(
        p1["label"]["en"], "Shared norms and rules, also for chats",
        "V2's, the first vignette"
    );
    assert_eq!(
        p1["by_rubric"]["V3"]["en"], "Clear norms and zero tolerance",
        "{p1}"
    );
    assert!(
        find("D5_notifies_leader").get("by_rubric").is_none(),
        "the same in V2 and V3"
    );
    let level = criteria.iter().find(|c| c["name"] == "level").unwrap();
    let levels: Vec<&str> = level["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["0", "1", "2"]);
    let groups = codebook_columns(&codebook, "groups.csv");
    assert!(
        groups
            .iter()
            .any(|c| c["name"] == "n_teacher" && c["type"] == "integer")
    );
}

#[test]
fn value_labels_cover_every_value_present() {
    let study = Study::scored();
    let dir = study.export(&[]);
    let codebook = codebook(&dir);
    for table in TABLES {
        let csv = format!("{table}.csv");
        let (_, rows) = read_csv(&dir.join(&csv));
        let spss = spss_value_labels(&read(&dir, &format!("{table}.sps")));
        let stata = stata_value_labels(&read(&dir, &format!("{table}.do")));
        let mut coded = 0;
        for column in codebook_columns(&codebook, &csv) {
            let Some(values) = column["values"].as_array() else {
                continue;
            };
            coded += 1;
            let name = column["name"].as_str().unwrap();
            let allowed: BTreeSet<&str> = values
                .iter()
                .map(|v| v["value"].as_str().unwrap())
                .collect();
            let present: BTreeSet<&str> = rows
                .iter()
                .map(|r| r[name].as_str())
                .filter(|v| !v.is_empty())
                .collect();
            // The fixture's sessions list their cases, outside the forms; the
            // demo test exports sessions drawn from forms.
            if name == "form" {
                continue;
            }
            assert!(!present.is_empty(), "{csv} {name} has values");
            for value in present {
                assert!(
                    allowed.contains(value),
                    "{csv} {name}: `{value}` not in the codebook"
                );
                assert!(
                    spss[name].contains_key(value),
                    "{table}.sps {name}: `{value}` has no value label"
                );
                assert!(
                    stata[name].contains(value),
                    "{table}.do {name}: `{value}` not encoded"
                );
            }
        }
        assert!(coded >= 6, "{csv} has coded columns");
    }
    let criteria = read(&dir, "criteria.sps");
    assert!(
        criteria.contains("'mixed' 'Mixed: no single largest role'"),
        "Bord 3 is mixed"
    );
    let stata = read(&dir, "criteria.do");
    assert!(stata.contains("encode phase, generate(_vignette_code) label(phase)"));
    assert!(stata.contains("label values level level"));
}

/// The comment a syntax file gives a pinned shipped rubric, as far as its hash.
fn pinned_rubric(id: &str) -> String {
    let path = crate::common::repo().join(format!("rubrics/{id}.json"));
    let rubric: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    format!(
        "* Rubric {id} {} sha256 ",
        rubric["version"].as_str().unwrap()
    )
}

/// An offering label with quotes, an apostrophe and Stata's macro characters.
const OFFERING: &str = "The \"online\" offering's $5 `best` one";

/// The shipped bank with quotes in labels of the study and of rubric V2.
fn bank_with_quotes() -> TempBank {
    let bank = TempBank::shipped();
    bank.edit_json("studies/inkluderende-miljo.json", |study| {
        study["offerings"][2]["label"]["en"] = Value::from(OFFERING);
        study["site_attributes"][3]["label"]["en"] = Value::from("County \"fylke\"'s");
    });
    bank.edit_json("rubrics/V2.json", |rubric| {
        rubric["criteria"][0]["title"]["en"] =
            Value::from("Norms: \"no one\" left out, it's 'zero'");
    });
    bank
}

#[test]
fn labels_with_quotes_from_the_instruments_are_escaped() {
    let offering = OFFERING;
    let study = Study::scored_with(Some(bank_with_quotes()));
    let dir = study.export(&[]);
    let sps = read(&dir, "criteria.sps");
    assert!(
        sps.contains("'nettbasert' 'The \"online\" offering''s $5 `best` one'"),
        "{}",
        spss_block(&sps, "offering")
    );
    assert!(
        sps.contains("/site_county 'Site attribute: County \"fylke\"''s'"),
        "{sps}"
    );
    assert_eq!(
        spss_value_labels(&sps)["criterion"]["P1_rules_norms"],
        "Norms: \"no one\" left out, it's 'zero' (wording varies by rubric)",
        "{}",
        spss_block(&sps, "criterion")
    );
    let stata = read(&dir, "criteria.do");
    assert!(
        stata.contains("`\"The \"online\" offering's \\$5 \\`best\\` one\"'"),
        "{stata}"
    );
    let labels = stata_value_labels(&stata);
    assert!(labels["offering"].contains("nettbasert"));
    let codebook = codebook(&dir);
    let offerings = codebook_columns(&codebook, "criteria.csv")
        .iter()
        .find(|c| c["name"] == "offering")
        .unwrap();
    assert_eq!(
        offerings["values"][2]["label"]["en"], offering,
        "the codebook keeps the label as it is"
    );
}

#[test]
fn group_labels_and_site_names_with_commas_and_quotes_round_trip() {
    let study = Study::scored();
    let dir = study.export(&[]);
    for table in TABLES {
        let (_, rows) = read_csv(&dir.join(format!("{table}.csv")));
        let row = rows
            .iter()
            .find(|r| r["group_label"] == "Bord 1, \"A\"")
            .expect("the group");
        assert_eq!(row["site"], SITE_A);
        assert_eq!(row["group"], format!("2026/{SITE_A}/Bord 1, \"A\""));
        assert_eq!(row["role"], "teacher");
    }
    let (_, groups) = read_csv(&dir.join("groups.csv"));
    let bord1 = groups
        .iter()
        .find(|r| r["group_label"] == "Bord 1, \"A\"")
        .unwrap();
    assert_eq!(
        (bord1["n_teacher"].as_str(), bord1["n_principal"].as_str()),
        ("3", "1")
    );
    assert_eq!(bord1["n_vignettes"], "2");
}

#[test]
fn an_existing_export_is_replaced_only_with_force() {
    let study = Study::scored();
    let dir = study.export(&[]);
    std::fs::write(dir.join("criteria.csv"), "mine").unwrap();
    let before = std::fs::read_dir(&dir).unwrap().count();
    let out = study.run(&["export", "--out", dir.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("already exist(s)"), "{}", out.stderr);
    assert!(out.stderr.contains("--force"), "{}", out.stderr);
    assert_eq!(read(&dir, "criteria.csv"), "mine", "nothing was touched");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), before);
    let hidden = || -> Vec<String> {
        std::fs::read_dir(study.db.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect()
    };
    assert!(hidden().is_empty(), "{:?}", hidden());
    let out = study.run(&["export", "--out", dir.to_str().unwrap(), "--force"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(read(&dir, "criteria.csv").starts_with("session,group,"));
    let manifest: Value = serde_json::from_str(&read(&dir, "manifest.json")).unwrap();
    assert_eq!(manifest["files"][0]["name"], "criteria.csv");
    assert!(
        hidden().is_empty(),
        "no temporary folder is left: {:?}",
        hidden()
    );
    // The new export replaced the old one whole: every file is the one the
    // manifest lists.
    for file in manifest["files"].as_array().unwrap() {
        let bytes = std::fs::read(dir.join(file["name"].as_str().unwrap())).unwrap();
        assert_eq!(file["bytes"].as_u64(), Some(bytes.len() as u64), "{file}");
    }
    // A folder holding anything else is never replaced: nothing is deleted.
    std::fs::write(dir.join("notes.txt"), "my notes").unwrap();
    let out = study.run(&["export", "--out", dir.to_str().unwrap(), "--force"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("notes.txt"), "{}", out.stderr);
    assert_eq!(read(&dir, "notes.txt"), "my notes");
    assert!(hidden().is_empty(), "{:?}", hidden());
    // Nor is a folder that holds only other files, such as one's documents.
    let documents = dir.parent().unwrap().join("documents");
    std::fs::create_dir(&documents).unwrap();
    std::fs::write(documents.join("notes.txt"), "my notes").unwrap();
    let out = study.run(&["export", "--out", documents.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("notes.txt"), "{}", out.stderr);
    assert_eq!(read(&documents, "notes.txt"), "my notes");
}

/// Runs the SPSS syntax in GNU PSPP (installed by `.ci/run`; skipped outside
/// CI when missing): every file, with quotes in labels, must run without an error
/// or warning.
#[test]
fn the_spss_syntax_runs_in_pspp_if_installed() {
    let found = std::process::Command::new("pspp")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found || std::env::var_os("CI").is_none(),
        "pspp is required in CI (.ci/run installs it)"
    );
    if !found {
        eprintln!("skipped: pspp is not installed (apt-get install -y pspp)");
        return;
    }
    let study = Study::scored_with(Some(bank_with_quotes()));
    let dir = study.export(&[]);
    for table in TABLES {
        let script = dir.join(format!("check-{table}.sps"));
        std::fs::write(
            &script,
            read(&dir, &format!("{table}.sps")) + "DISPLAY DICTIONARY.\nLIST.\n",
        )
        .unwrap();
        let out = std::process::Command::new("pspp")
            .current_dir(&dir)
            .args([
                script.to_str().unwrap(),
                "-O",
                "format=txt",
                "-O",
                "width=1000",
            ])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{table}: {text}");
        assert!(
            !text.contains("error") && !text.contains("warning"),
            "{table}: {text}"
        );
        assert!(
            text.contains("Bord 1, \"A\""),
            "{table}: the data were read"
        );
        assert!(
            text.contains("Site attribute: County \"fylke\"'s"),
            "{table}: {text}"
        );
        assert!(text.contains(OFFERING), "{table}: {text}");
    }
}

// Readers of the syntax files, as plain as the files are written.

/// The variables of `GET DATA … /VARIABLES=`, in order.
fn spss_get_data_variables(sps: &str) -> Vec<String> {
    let start = sps.find("  /VARIABLES=\n").expect("GET DATA /VARIABLES") + "  /VARIABLES=\n".len();
    sps[start..]
        .lines()
        .take_while(|l| *l != ".")
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect()
}

/// The lines of an SPSS command block (`VARIABLE LABELS`, `VALUE LABELS`).
fn spss_lines<'a>(sps: &'a str, command: &str) -> Vec<&'a str> {
    let start = sps
        .find(&format!("\n{command}\n"))
        .unwrap_or_else(|| panic!("no {command}"))
        + command.len()
        + 2;
    sps[start..].lines().take_while(|l| *l != ".").collect()
}

/// The variables labelled by `VARIABLE LABELS`, in order.
fn spss_variable_labels(sps: &str) -> Vec<String> {
    spss_lines(sps, "VARIABLE LABELS")
        .iter()
        .filter(|l| l.starts_with("  ") && !l.trim_start().starts_with('+'))
        .map(|l| {
            l.trim_start()
                .trim_start_matches('/')
                .split(' ')
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// Variable → value → label, from `VALUE LABELS` (pieces joined by `+`).
fn spss_value_labels(sps: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut labels: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut current = String::new();
    let mut last = String::new();
    for line in spss_lines(sps, "VALUE LABELS") {
        let rest = line.trim_start();
        if line.len() - rest.len() == 2 {
            current = rest.trim_start_matches('/').to_string();
            continue;
        }
        let entry = labels.entry(current.clone()).or_default();
        if let Some(piece) = rest.strip_prefix("+ ") {
            entry
                .get_mut(&last)
                .unwrap()
                .push_str(&spss_quoted(piece).0);
            continue;
        }
        let (value, after) = if rest.starts_with('\'') {
            spss_quoted(rest)
        } else {
            let (number, after) = rest.split_once(' ').unwrap();
            (number.to_string(), after)
        };
        last = value.clone();
        entry.insert(value, spss_quoted(after.trim_start()).0);
    }
    labels
}

/// The SPSS '…' string at the start of `text`, with doubled quotes undone,
/// and what follows it.
fn spss_quoted(text: &str) -> (String, &str) {
    let mut out = String::new();
    let mut chars = text.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            if chars.peek().map(|(_, c)| *c) == Some('\'') {
                chars.next();
            } else {
                return (out, &text[i + 1..]);
            }
        }
        out.push(c);
    }
    (out, "")
}

fn spss_block(sps: &str, variable: &str) -> String {
    let start = sps.find(&format!("  /{variable}\n")).unwrap_or(0);
    sps[start..].lines().take(20).collect::<Vec<_>>().join("\n")
}

/// Stata commands with `///` continuations joined.
fn stata_commands(stata: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut current = String::new();
    for line in stata.lines() {
        match line.strip_suffix(" ///") {
            Some(start) => current.push_str(start),
            None => {
                current.push_str(line);
                commands.push(std::mem::take(&mut current));
            }
        }
    }
    commands
}

/// Variable → what its first `label define` maps: the ids of an encoded text
/// column, or the codes of a numeric one.
fn stata_value_labels(stata: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut labels: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for command in stata_commands(stata) {
        let Some(rest) = command.strip_prefix("label define ") else {
            continue;
        };
        let (name, mut entries) = rest.split_once(' ').unwrap();
        if labels.contains_key(name) || entries.ends_with(", modify") {
            continue;
        }
        let encoded = stata.contains(&format!("encode {name},"));
        let mut values = BTreeSet::new();
        while let Some(open) = entries.find("`\"") {
            let code = entries[..open].trim();
            let close = entries.find("\"'").unwrap();
            let text = entries[open + 2..close]
                .replace("\\`", "`")
                .replace("\\$", "$");
            values.insert(if encoded { text } else { code.to_string() });
            entries = &entries[close + 2..];
        }
        labels.insert(name.to_string(), values);
    }
    labels
}

/// Cells people wrote that a spreadsheet would run as formulas are
/// neutralised in every CSV a researcher opens, unless asked for raw cells.
#[test]
fn formulas_in_labels_and_answers_do_not_reach_a_spreadsheet() {
    let db = crate::common::Db::new();
    let groups = db.file(
        "groups.csv",
        "group,roles\n\"=HYPERLINK(\"\"http://x\"\")\",teacher:3\n@SUM(1+1),teacher:2\n",
    );
    let out = db.new_session(&[
        "--groups-file",
        groups.to_str().unwrap(),
        "--vignettes",
        "V2",
        "--seed",
        "1",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let answers = db.file(
        "a.json",
        r#"{"group": "@SUM(1+1)", "vignette": "V2", "answers": {"s1_do": "+cmd|' /C calc'!A0", "s1_seriousness": 4}}"#,
    );
    db.ok(&[
        "session",
        "answer",
        "s",
        "--file",
        answers.to_str().unwrap(),
    ]);
    db.ok(&["score", "s"]);
    let session_csv = db.ok(&["session", "export", "s", "--format", "csv"]);
    assert!(session_csv.contains(",'@SUM(1+1),"), "{session_csv}");
    assert!(session_csv.contains("'+cmd|' /C calc'!A0"), "{session_csv}");
    let raw = db.ok(&["session", "export", "s", "--format", "csv", "--raw-cells"]);
    assert!(
        raw.contains(",@SUM(1+1),") && !raw.contains("'+cmd"),
        "{raw}"
    );
    let scores = db.ok(&["score", "s", "--format", "csv"]);
    assert!(scores.contains("\n'@SUM(1+1),V2,"), "{scores}");
    let out = db.dir().join("out");
    db.ok(&["export", "--out", out.to_str().unwrap()]);
    let groups_csv = std::fs::read_to_string(out.join("groups.csv")).unwrap();
    assert!(groups_csv.contains(",'@SUM(1+1),"), "{groups_csv}");
    for file in ["groups.csv", "criteria.csv", "dimensions.csv"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        for raw in [",@SUM", ",=HYPER", ",\"=HYPER"] {
            assert!(!text.contains(raw), "{file} has {raw}: {text}");
        }
    }
    let codebook = std::fs::read_to_string(out.join("codebook.md")).unwrap();
    assert!(codebook.contains("begins with ' instead"), "{codebook}");
}
