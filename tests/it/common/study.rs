//! A small, realistic study built through the real binary: sessions at two
//! sites with two offerings, groups with roles, answers from the
//! hand-scored fixtures given with `session answer --file`, scored with
//! `vignette score`.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::{Db, Output, TempBank, repo};

/// The first site: a comma and quotes in its name and in a group label.
pub const SITE_A: &str = "Bodø, \"nord\"";
/// The second site: characters HTML and Markdown must escape.
pub const SITE_B: &str = "Tromsø & <Omegn>";

/// A database (and maybe a bank) in a temp dir.
pub struct Study {
    pub db: Db,
    pub bank: Option<TempBank>,
}

impl Study {
    /// The standard study with the built-in bank.
    pub fn scored() -> Study {
        Study::scored_with(None)
    }

    /// The standard study: site A (online offering) with three groups at
    /// baseline and one of them again at endpoint; site B (gathering-based)
    /// with three groups at baseline. Every group answers V2 and V3 at
    /// baseline, each with another hand-scored answer set.
    pub fn scored_with(bank: Option<TempBank>) -> Study {
        let study = Study {
            db: Db::new(),
            bank,
        };
        let groups = study.file(
            "groups.csv",
            "group,roles\n\"Bord 1, \"\"A\"\"\",\"principal:1,teacher:3\"\n\
             Bord 2,teacher:4\nBord 3,\"municipal:2,principal:2\"\n",
        );
        study.new_session(
            "a-base",
            "nettbasert",
            "baseline",
            SITE_A,
            &["--groups-file", groups.to_str().unwrap()],
            &["V2", "V3"],
        );
        study.new_session(
            "b-base",
            "samlingsbasert",
            "baseline",
            SITE_B,
            &["--groups", "3"],
            &["V2", "V3"],
        );
        let later = study.file("later.csv", "group,roles\nBord 2,teacher:4\n");
        study.new_session(
            "a-end",
            "nettbasert",
            "endpoint",
            SITE_A,
            &["--groups-file", later.to_str().unwrap()],
            &["V2"],
        );
        let sets = answer_sets();
        let mut next = 0;
        for (session, groups) in [
            ("a-base", &["Bord 1, \"A\"", "Bord 2", "Bord 3"][..]),
            ("b-base", &["G1", "G2", "G3"][..]),
            ("a-end", &["Bord 2"][..]),
        ] {
            for group in groups {
                let vignettes: &[&str] = if session == "a-end" {
                    &["V2"]
                } else {
                    &["V2", "V3"]
                };
                for vignette in vignettes {
                    let of_vignette: Vec<&Value> =
                        sets.iter().filter(|s| s["vignette"] == *vignette).collect();
                    let set = of_vignette[next % of_vignette.len()];
                    study.answer(session, group, vignette, &set["answers"]);
                }
                next += 1;
            }
            let out = study.run(&["score", session]);
            assert_eq!(out.code, 0, "{}", out.stderr);
        }
        study
    }

    /// Writes a file into the temp dir.
    pub fn file(&self, name: &str, content: &str) -> PathBuf {
        self.db.file(name, content)
    }

    /// Runs `vignette ARGS --db DB [--bank BANK]`.
    pub fn run(&self, args: &[&str]) -> Output {
        let mut command = self.db.command(args);
        if let Some(bank) = &self.bank {
            command = command.arg("--bank").arg(bank.path());
        }
        command.run()
    }

    fn new_session(
        &self,
        id: &str,
        offering: &str,
        phase: &str,
        site: &str,
        groups: &[&str],
        vignettes: &[&str],
    ) {
        let list = vignettes.join(",");
        let mut args = vec![
            "session",
            "new",
            "--id",
            id,
            "--offering",
            offering,
            "--phase",
            phase,
            "--site",
            site,
            "--site-attr",
            "sector=school",
            "--site-attr",
            "centrality=rural",
            "--cohort",
            "2026",
            "--vignettes",
            &list,
            "--seed",
            "7",
            "--lang",
            "nb",
        ];
        args.extend_from_slice(groups);
        let out = self.run(&args);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }

    fn answer(&self, session: &str, group: &str, vignette: &str, answers: &Value) {
        let file = self.file(
            "answer.json",
            &json!({"group": group, "vignette": vignette, "answers": answers}).to_string(),
        );
        let out = self.run(&[
            "session",
            "answer",
            session,
            "--file",
            file.to_str().unwrap(),
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }

    /// Runs `vignette export --out DIR` with extra arguments; asserts success.
    pub fn export(&self, extra: &[&str]) -> PathBuf {
        let out_dir = self.db.dir().join("export");
        let mut args = vec!["export", "--out", out_dir.to_str().unwrap()];
        args.extend_from_slice(extra);
        let out = self.run(&args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out_dir
    }
}

/// The Norwegian answer sets of the hand-scored fixtures.
fn answer_sets() -> Vec<Value> {
    let mut sets = Vec::new();
    for file in ["hand-a.jsonl", "hand-b.jsonl"] {
        let text = std::fs::read_to_string(repo().join("tests/fixtures/scoring").join(file))
            .expect("read answer sets");
        sets.extend(
            text.lines()
                .map(|l| serde_json::from_str::<Value>(l).expect("answer set is JSON"))
                .filter(|s| s["language"] == "nb"),
        );
    }
    sets
}

/// The rows of a CSV file as maps from column name to value, and its header.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<std::collections::BTreeMap<String, String>>) {
    let mut reader = csv::Reader::from_path(path).expect("open CSV");
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.expect("CSV row parses");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect();
    (header, rows)
}
