//! `vignette validate`: valid banks pass, every kind of broken file is named
//! with its place, and no input makes the program panic.

use crate::common;
use crate::common::{TempBank, fixture_bank, repo, vignette};

fn validate(bank: &std::path::Path) -> common::Output {
    vignette(["validate", "--bank", bank.to_str().unwrap()])
}

#[test]
fn the_valid_fixture_bank_passes() {
    let out = validate(&fixture_bank());
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("1 studies, 1 vignettes, 1 rubrics"));
    assert!(out.stdout.contains("4 factor-level combinations"));
    assert!(out.stdout.ends_with("valid: 0 error(s), 0 warning(s)\n"));
}

/// Each folder under tests/fixtures/invalid holds files that replace or join
/// the valid fixture bank, and `expect.txt`: lines the output must contain, in
/// order (`#` comments; `!text` must not appear anywhere).
#[test]
fn each_invalid_fixture_produces_its_stated_error() {
    let cases = std::fs::read_dir(repo().join("tests/fixtures/invalid")).unwrap();
    let mut checked = 0;
    for case in cases {
        let case = case.unwrap().path();
        let bank = TempBank::copy_of(&fixture_bank());
        for folder in ["studies", "vignettes", "rubrics"] {
            let Ok(files) = std::fs::read_dir(case.join(folder)) else {
                continue;
            };
            for file in files {
                let file = file.unwrap().path();
                let name = file.file_name().unwrap().to_str().unwrap();
                bank.write(&format!("{folder}/{name}"), std::fs::read(&file).unwrap());
            }
        }
        let out = validate(bank.path());
        let name = case.file_name().unwrap().to_string_lossy();
        assert_eq!(out.code, 1, "{name}: expected exit 1\n{}", out.stdout);
        let expect = std::fs::read_to_string(case.join("expect.txt")).unwrap();
        let mut lines = out.stdout.lines();
        for wanted in expect.lines().filter(|l| !l.starts_with('#')) {
            if let Some(absent) = wanted.strip_prefix('!') {
                assert!(
                    !out.stdout.contains(absent),
                    "{name}: `{absent}` must not appear:\n{}",
                    out.stdout
                );
            } else {
                assert!(
                    lines.any(|line| line.starts_with(wanted)),
                    "{name}: expected, in order, a line starting\n  {wanted}\nin:\n{}",
                    out.stdout
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 14, "only {checked} invalid cases found");
}

#[test]
fn the_shipped_bank_is_valid_without_warnings_and_says_what_it_checked() {
    let out = vignette(["validate"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains("checked the embedded bank:"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("(2 studies, 10 vignettes, 10 rubrics, 1 lexicons)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("valid: 0 error(s), 0 warning(s)"),
        "{}",
        out.stdout
    );
    // The folder copy in the repository is the same bank.
    let out = validate(&repo());
    assert_eq!(out.code, 0, "{}", out.stdout);
}

/// One way of breaking a file of the shipped bank, and a line the output must have.
struct Break {
    file: &'static str,
    breaks: fn(&TempBank, &str),
    expect: &'static str,
}

#[test]
fn a_shipped_bank_with_one_file_broken_names_that_file() {
    let breaks = [
        Break {
            file: "vignettes/V3.json",
            breaks: |b, f| {
                let text = b.read(f);
                b.write(f, &text[..text.len() / 2]);
            },
            expect: "error: vignettes/V3.json:",
        },
        Break {
            file: "rubrics/V2.json",
            breaks: |b, f| b.edit_json(f, |v| v["criteria"][0]["weight"] = "heavy".into()),
            expect: "error: rubrics/V2.json:",
        },
        Break {
            file: "studies/inkluderende-miljo.json",
            breaks: |b, f| b.edit_json(f, |v| _ = v.as_object_mut().unwrap().remove("phases")),
            expect: "error: studies/inkluderende-miljo.json:1:1: \"phases\" is a required property",
        },
        Break {
            file: "rubrics/V4.json",
            breaks: |b, f| {
                b.edit_json(f, |v| {
                    v["criteria"][0]["evidence"]["options"] =
                        serde_json::json!([{"prompt": "nope", "option": "x", "level": 1}])
                })
            },
            expect: "has no prompt `nope`",
        },
        Break {
            file: "vignettes/V5.json",
            breaks: |b, f| {
                b.edit_json(f, |v| {
                    v["stages"][2]["text"]["en"] = "{{ no_such_variable }}".into()
                })
            },
            expect: "undefined variable `no_such_variable`",
        },
        Break {
            file: "vignettes/V2.json",
            breaks: |b, f| {
                b.edit_json(f, |v| {
                    v["stages"][0]["prompts"][4]["min"] = i64::MIN.into();
                    v["stages"][0]["prompts"][4]["max"] = i64::MAX.into();
                })
            },
            expect: "has 18446744073709551616 points; at most 11 can be shown",
        },
        Break {
            file: "vignettes/V6.json",
            breaks: |b, f| b.edit_json(f, |v| v["id"] = "V1".into()),
            expect: "duplicate vignette id `V1`",
        },
        Break {
            file: "rubrics/V1.json",
            breaks: |b, f| {
                let mut bytes = b.read(f).into_bytes();
                bytes.insert(40, 0xff);
                b.write(f, bytes);
            },
            expect: "not valid UTF-8",
        },
    ];
    for case in breaks {
        let bank = TempBank::shipped();
        (case.breaks)(&bank, case.file);
        let out = validate(bank.path());
        assert_eq!(out.code, 1, "{}: {}", case.file, out.stdout);
        assert!(
            out.stdout.contains(case.expect),
            "{}: expected `{}` in\n{}",
            case.file,
            case.expect,
            out.stdout
        );
        let named: Vec<&str> = out
            .stdout
            .lines()
            .filter(|l| l.starts_with("error: "))
            .collect();
        assert!(
            named
                .iter()
                .all(|l| l.contains(case.file) || case.file.starts_with("vignettes/V6")),
            "{}: errors outside the broken file:\n{}",
            case.file,
            out.stdout
        );
    }
}

#[test]
fn every_problem_in_the_bank_is_listed_in_one_run() {
    let bank = TempBank::shipped();
    let text = bank.read("vignettes/V2.json");
    bank.write("vignettes/V2.json", &text[..text.len() - 10]);
    bank.edit_json("rubrics/V5.json", |v| {
        v["criteria"][0]["weight"] = (-1).into()
    });
    bank.edit_json("studies/kompetanseloftet.json", |v| {
        v["vignettes"][0] = "V99".into()
    });
    let out = validate(bank.path());
    assert_eq!(out.code, 1);
    let errors: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert!(
        errors[0].starts_with("error: rubrics/V5.json:"),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|l| l.starts_with("error: studies/kompetanseloftet.json:") && l.contains("`V99`")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|l| l.starts_with("error: vignettes/V2.json:")),
        "{errors:?}"
    );
}

#[test]
fn a_missing_bank_folder_is_a_usage_error() {
    let out = vignette(["validate", "--bank", "/no/such/bank"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: bank folder /no/such/bank does not exist or is not a folder\n"
    );
}

#[test]
fn an_empty_folder_is_an_invalid_bank() {
    let dir = tempfile::tempdir().unwrap();
    let out = validate(dir.path());
    assert_eq!(out.code, 1);
    for folder in ["rubrics", "studies", "vignettes"] {
        assert!(
            out.stdout
                .contains(&format!("error: {folder}: folder is missing")),
            "{}",
            out.stdout
        );
    }
    for folder in ["studies", "vignettes", "rubrics"] {
        std::fs::create_dir(dir.path().join(folder)).unwrap();
    }
    let out = validate(dir.path());
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("the bank has no .json files"),
        "{}",
        out.stdout
    );
}

#[test]
fn an_oversized_file_is_refused_unread() {
    let bank = TempBank::copy_of(&fixture_bank());
    bank.write("vignettes/M1.json", vec![b' '; 50 * 1024 * 1024]);
    let out = validate(bank.path());
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("error: vignettes/M1.json: the file is 52428800 bytes; bank files are limited to 2097152 bytes (2 MiB)"), "{}", out.stdout);
}

#[test]
fn deep_nesting_is_reported_not_a_crash() {
    let bank = TempBank::copy_of(&fixture_bank());
    bank.write("rubrics/M1.json", "[".repeat(1_000_000));
    let out = validate(bank.path());
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("error: rubrics/M1.json:1:128: recursion limit exceeded"),
        "{}",
        out.stdout
    );
}

#[test]
fn json_output_lists_diagnostics_with_their_places() {
    let bank = TempBank::copy_of(&fixture_bank());
    bank.edit_json("rubrics/M1.json", |v| v["criteria"][1]["weight"] = 0.into());
    let out = vignette([
        "validate",
        "--format",
        "json",
        "--bank",
        bank.path().to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["valid"], false);
    assert_eq!(json["errors"], 1);
    let d = &json["diagnostics"][0];
    assert_eq!(d["file"], "rubrics/M1.json");
    assert_eq!(d["pointer"], "/criteria/1/weight");
    assert_eq!(d["severity"], "error");
    assert!(d["line"].as_u64().unwrap() > 1);
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("less than or equal to the minimum of 0"),
        "{d}"
    );
}

/// Language corrections found in review stay made (issue 17).
#[test]
fn reviewed_corrections_stay_in_the_bank() {
    let read = |path: &str| std::fs::read_to_string(common::repo().join(path)).unwrap();
    let corrections = [
        (
            "rubrics/V4.json",
            "at medelever herme ",
            "at medelever hermer",
        ),
        (
            "rubrics/V6.json",
            "forteller fra hjemme",
            "forteller hjemmefra",
        ),
        (
            "rubrics/V6.json",
            "tar konfrontasjonen med kollegaen ikke foran barna",
            "tar ikke konfrontasjonen med kollegaen foran barna",
        ),
        (
            "rubrics/V2.json",
            "inspektører i friminutt",
            "de som har inspeksjon i friminuttene",
        ),
        ("vignettes/V2.json", "Ida & Sofie", "Ida og Sofie"),
    ];
    for (file, wrong, right) in corrections {
        let text = read(file);
        assert!(!text.contains(wrong), "{file} still has `{wrong}`");
        assert!(text.contains(right), "{file} lacks `{right}`");
    }
}

/// A link in a bank folder is refused and not followed, so nothing outside
/// the bank is read or echoed in a message.
#[cfg(unix)]
#[test]
fn a_symbolic_link_in_the_bank_is_refused_unread() {
    let bank = TempBank::copy_of(&fixture_bank());
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.json");
    std::fs::write(&secret, "{\"secret\": \"do not echo me\"").unwrap();
    std::os::unix::fs::symlink(&secret, bank.path().join("vignettes/X.json")).unwrap();
    let out = validate(bank.path());
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains(
            "error: vignettes/X.json: is a symbolic link; bank files must be plain files"
        ),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("do not echo me") && !out.stderr.contains("do not echo me"));
}

/// Many combinations of costly templates (each within its own fuel) cannot
/// keep `validate` busy for minutes: the bank's template budget runs out,
/// and the error names the file and the template where it did.
#[test]
fn a_bank_whose_templates_would_take_too_long_is_refused_at_the_template() {
    let bank = TempBank::shipped();
    bank.edit_json("vignettes/V5.json", |v| {
        let first = v["factors"][0]["levels"][0].clone();
        let levels: Vec<serde_json::Value> = (0..1250)
            .map(|i| {
                let mut level = first.clone();
                level["id"] = format!("level{i}").into();
                level
            })
            .collect();
        v["factors"][0]["levels"] = levels.into();
        for language in ["nb", "nn", "en"] {
            v["stages"][0]["text"][language] =
                "{% for i in range(30000) %}{% endfor %}{{ grade_label }}".into();
        }
    });
    let out = validate(bank.path());
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with("error: vignettes/V5.json:")
                && l.contains("at /stages/0/text/")
                && l.contains(
                    ": checking the bank's templates would \
                           take more than 20000000 template instructions"
                )),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("with grade=level"), "{}", out.stdout);
}

/// Bank texts and file names cannot drive the terminal: escape characters
/// and bidirectional overrides are printed as escapes by `validate`, `show`
/// and `list`, and in error messages.
#[test]
fn control_characters_from_the_bank_are_printed_escaped() {
    let bank = TempBank::shipped();
    bank.edit_json("vignettes/V3.json", |v| {
        v["title"]["en"] = "\u{1b}[2J\u{1b}[31mCleared\u{202e}".into();
    });
    bank.write("vignettes/\u{1b}[31mred.json", "{");
    let out = validate(bank.path());
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("error: vignettes/\\u{1b}[31mred.json:"),
        "{}",
        out.stdout
    );
    std::fs::remove_file(bank.path().join("vignettes/\u{1b}[31mred.json")).unwrap();
    let path = bank.path().to_str().unwrap();
    for args in [
        vec!["show", "V3", "--lang", "en", "--bank", path],
        vec!["list", "--bank", path],
        vec!["show", "V3", "--lang", "xx", "--bank", path],
    ] {
        let out = vignette(&args);
        let printed = format!("{}{}", out.stdout, out.stderr);
        assert!(
            !printed.contains('\u{1b}') && !printed.contains('\u{202e}'),
            "{args:?}: {printed}"
        );
    }
    let shown = vignette(["show", "V3", "--lang", "en", "--bank", path]);
    assert!(
        shown
            .stdout
            .contains("\\u{1b}[2J\\u{1b}[31mCleared\\u{202e}"),
        "{}",
        shown.stdout
    );
}

/// A phrase term that gives level 2 for a criterion in one rubric and
/// level 1 for the same criterion in others is warned about where it gives
/// more; the bank stays valid.
#[test]
fn a_term_with_different_levels_for_one_criterion_is_warned_about() {
    let bank = TempBank::shipped();
    bank.edit_json("rubrics/V1.json", |v| {
        let criteria = v["criteria"].as_array_mut().unwrap();
        let d1 = criteria
            .iter_mut()
            .find(|c| c["id"] == "D1_takes_signal_seriously")
            .unwrap();
        let rules = d1["evidence"]["phrases"].as_array_mut().unwrap();
        let top = rules.iter_mut().find(|r| r["level"] == 2).unwrap();
        top["terms"]["nb"]
            .as_array_mut()
            .unwrap()
            .push("Tar det på alvor".into());
    });
    let out = validate(bank.path());
    assert_eq!(out.code, 0, "{}", out.stdout);
    let warnings: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", out.stdout);
    assert!(
        warnings[0].starts_with("warning: rubrics/V1.json:")
            && warnings[0].contains(
                "`tar det på alvor` gives level 2 for D1_takes_signal_seriously here but level 1 in rubric"
            ),
        "{}",
        out.stdout
    );
}

/// `bank export` writes the built-in bank, with the schemas its files name,
/// into a new folder that validates as it is; an existing folder with files
/// in it is refused and left alone.
#[test]
fn the_built_in_bank_exports_to_a_folder_that_validates() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("my-bank");
    let out = vignette(["bank", "export", dir.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for file in [
        "vignettes/V3.json",
        "rubrics/V5.json",
        "studies/inkluderende-miljo.json",
    ] {
        assert_eq!(
            std::fs::read(dir.join(file)).unwrap(),
            std::fs::read(repo().join(file)).unwrap(),
            "{file}"
        );
    }
    assert!(dir.join("schemas/rubric.schema.json").is_file());
    let checked = validate(&dir);
    assert_eq!(checked.code, 0, "{}", checked.stdout);
    assert!(
        checked.stdout.contains("valid: 0 error(s), 0 warning(s)"),
        "{}",
        checked.stdout
    );
    std::fs::write(dir.join("vignettes/V3.json"), "mine").unwrap();
    let again = vignette(["bank", "export", dir.to_str().unwrap()]);
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(
        again.stderr.contains("does not exist yet"),
        "{}",
        again.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("vignettes/V3.json")).unwrap(),
        "mine"
    );
}

/// A level-2 phrase in the text a group reads before it writes is an answer
/// handed out: validate warns at the rubric's rule, naming the stage.
#[test]
fn a_level_two_phrase_in_the_text_a_group_reads_is_a_warning() {
    let bank = TempBank::shipped();
    bank.edit_json("vignettes/V2.json", |v| {
        let option = &mut v["stages"][0]["prompts"][3]["options"][0]["label"];
        option["nb"] = "Varsle rektor i dag og lage en plan".into();
    });
    let out = validate(bank.path());
    assert_eq!(out.code, 0, "warnings only: {}", out.stdout);
    let warning = out
        .stdout
        .lines()
        .find(|l| l.contains("is in the text a group has read by stage 1 (nb"))
        .unwrap_or_else(|| panic!("no cue warning in {}", out.stdout));
    assert!(
        warning.starts_with("warning: rubrics/V2.json:"),
        "{warning}"
    );
    assert!(
        warning.contains("`varsle rektor` gives level 2 for D5_notifies_leader"),
        "{warning}"
    );
}

#[test]
fn an_option_that_lists_the_parts_of_a_conjunction_is_a_warning() {
    let bank = TempBank::shipped();
    bank.edit_json("vignettes/V4.json", |v| {
        let stage = v["stages"].as_array_mut().unwrap().last_mut().unwrap();
        let option = stage["prompts"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .filter_map(|p| p.get_mut("options").and_then(|o| o.as_array_mut()))
            .flatten()
            .find(|o| o["id"] == "activity_plan")
            .unwrap();
        option["label"]["nb"] =
            "Lage en skriftlig aktivitetsplan for Ali med tiltak, ansvar, tidspunkt og evaluering"
                .into();
    });
    let out = validate(bank.path());
    assert_eq!(out.code, 0, "warnings only: {}", out.stdout);
    assert!(
        out.stdout.lines().any(|l| l.starts_with("warning: rubrics/V4.json:")
            && l.contains("+ evaluer*")
            && l.contains("gives level 2 for H5_activity_plan but is in the text a group has read by stage 3 (nb")),
        "{}",
        out.stdout
    );
}

#[test]
fn a_misspelled_key_gets_a_did_you_mean() {
    let bank = TempBank::shipped();
    bank.edit_json("vignettes/V3.json", |v| {
        let prompt = v["stages"][0]["prompts"][0].as_object_mut().unwrap();
        let limit = prompt.remove("max_length").unwrap_or(3000.into());
        prompt.insert("max_lenght".into(), limit);
    });
    let out = validate(bank.path());
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("did you mean `max_length` for `max_lenght`?"),
        "{}",
        out.stdout
    );
}

/// A profile rule moves one level, never raises from 0, and raises only on
/// a strong rest of the card (lowers only on a weak one); the schema
/// refuses a rule with neither threshold or with both.
#[test]
fn a_profile_rule_that_cannot_be_meant_is_an_error_at_its_place() {
    let bank = TempBank::shipped();
    bank.edit_json("rubrics/V2.json", |v| {
        v["criteria"][0]["evidence"]["profile"] = serde_json::json!([
            {"from": 0, "to": 1, "others_at_least": 0.5},
            {"from": 0, "to": 2, "others_at_least": 0.5},
            {"from": 1, "to": 2, "others_below": 0.5},
            {"from": 2, "to": 1, "others_at_least": 0.5},
            {"from": 1, "to": 3, "others_at_least": 0.5}
        ]);
    });
    let out = validate(bank.path());
    assert_eq!(out.code, 1, "{}", out.stdout);
    let at = |rule: usize, message: &str| {
        let place = format!("at /criteria/0/evidence/profile/{rule}");
        assert!(
            out.stdout
                .lines()
                .any(|l| l.starts_with("error: rubrics/V2.json:")
                    && l.contains(&place)
                    && l.contains(message)),
            "rule {rule}: `{message}` in\n{}",
            out.stdout
        );
    };
    at(0, "never raises from 0");
    at(1, "is not a step between neighbouring levels");
    at(2, "a raise needs `others_at_least`");
    at(3, "a lowering needs `others_below`");
    at(4, "level 3 is not a level of criterion");
    let bank = TempBank::shipped();
    bank.edit_json("rubrics/V2.json", |v| {
        v["criteria"][0]["evidence"]["profile"] =
            serde_json::json!([{"from": 2, "to": 1, "others_at_least": 0.5, "others_below": 0.2}]);
    });
    let out = validate(bank.path());
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("rubrics/V2.json")
            && out.stdout.contains("/criteria/0/evidence/profile/0"),
        "{}",
        out.stdout
    );
}
