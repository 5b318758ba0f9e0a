//! `vignette show`: rendering a vignette in every format, with chosen factor
//! levels, escaping what the bank contains.

use crate::common;
use crate::common::{fixture_bank, vignette};

fn show(args: &[&str]) -> common::Output {
    let bank = fixture_bank();
    let mut all = vec!["show", "--bank", bank.to_str().unwrap()];
    all.extend_from_slice(args);
    vignette(all)
}

#[test]
fn text_for_the_terminal() {
    let out = show(&["M1", "--factor", "victim_gender=boy"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn markdown_escapes_markup_from_the_bank() {
    let out = show(&[
        "M1",
        "--lang",
        "en",
        "--stage",
        "1",
        "--factor",
        "place=chat",
        "--format",
        "md",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn html_escapes_special_characters_from_the_bank() {
    let out = show(&[
        "M1",
        "--lang",
        "en",
        "--factor",
        "place=chat",
        "--format",
        "html",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("in the class chat &lt;&quot;6B&quot;&gt; &amp; co"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("<\"6B\">"));
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn json_for_programs() {
    let out = show(&["M1", "--lang", "en", "--stage", "2", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn the_same_seed_draws_the_same_levels() {
    let levels = |seed: &str| {
        let out = show(&["M1", "--seed", seed, "--format", "json"]);
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(json["seed"], seed.parse::<u64>().unwrap());
        json["factors"].clone()
    };
    assert_eq!(levels("7"), levels("7"));
    let drawn: std::collections::BTreeSet<String> = (0..20)
        .map(|s| levels(&s.to_string()).to_string())
        .collect();
    assert!(drawn.len() > 1, "20 seeds all drew the same levels");
}

#[test]
fn unknown_names_are_usage_errors_that_list_the_choices() {
    let out = show(&["M7"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: no vignette `M7` in ".to_string()
            + fixture_bank().to_str().unwrap()
            + "\n  hint: the vignettes are: M1\n"
    );
    let out = show(&["M1", "--factor", "mood=sad"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: vignette M1 has no factor `mood`; its factors are: victim_gender, place\n"
    );
    let out = show(&["M1", "--factor", "place=moon"]);
    assert_eq!(
        out.stderr,
        "error: factor `place` has no level `moon`; its levels are: yard, chat\n"
    );
    let out = show(&["M1", "--lang", "de"]);
    assert_eq!(
        out.stderr,
        "error: vignette M1 is not written in `de`; it has: nb, en\n"
    );
    let out = show(&["M1", "--stage", "3"]);
    assert_eq!(
        out.stderr,
        "error: vignette M1 has 2 stages; stage 3 does not exist\n"
    );
    let out = show(&["M1", "--stage", "0"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("expected a stage number from 1, or `all`; got `0`"),
        "{}",
        out.stderr
    );
    let out = show(&["M1", "--factor", "place"]);
    assert!(
        out.stderr.contains("expected FACTOR=LEVEL"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_invalid_bank_is_refused_with_a_pointer_to_validate() {
    let bank = common::TempBank::copy_of(&fixture_bank());
    bank.write("rubrics/M1.json", "{");
    let out = vignette(["show", "M1", "--bank", bank.path().to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("has 1 error(s); nothing can be used from an invalid bank"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("hint: rubrics/M1.json:1:1: EOF while parsing an object"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("run `vignette validate --bank "),
        "{}",
        out.stderr
    );
}

#[test]
fn shipped_v2_in_english_html_shows_the_chosen_level_escaped() {
    let list = vignette(["show", "V2", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(json["language"], "nb");
    // Choose a level other than the default for every factor of V2.
    let bank = vignette::bank::load(&vignette::bank::BankSource::Embedded)
        .unwrap()
        .0;
    let v2 = &bank.vignette("V2").unwrap().item;
    let mut args = vec![
        "show".to_string(),
        "V2".into(),
        "--lang".into(),
        "en".into(),
        "--format".into(),
        "html".into(),
    ];
    for factor in &v2.factors {
        args.push("--factor".into());
        args.push(format!("{}={}", factor.id, factor.levels[1].id));
    }
    let out = vignette(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#x27;")
    };
    for factor in &v2.factors {
        let level = &factor.levels[1];
        let label = &level.label["en"];
        assert!(
            out.stdout
                .contains(&format!("<strong>{}</strong>", escape(label))),
            "level {label} not named"
        );
        // The story itself is told with the chosen level's values.
        let values = &level.values["en"];
        assert!(
            values
                .values()
                .any(|value| value.len() > 3 && out.stdout.contains(&escape(value))),
            "no value of level {} appears in the page: {values:?}",
            level.id
        );
    }
    // V2's texts contain HTML special characters; none reach the page raw.
    let body = &out.stdout[out.stdout.find("<body>").unwrap()..];
    let raw_text: String = v2.stages.iter().map(|s| s.text["en"].as_str()).collect();
    assert!(
        raw_text.contains('<') || raw_text.contains('&'),
        "V2 should contain HTML special characters"
    );
    assert!(body.contains("&lt;") || body.contains("&amp;"));
    for tag in body.match_indices('<').map(|(i, _)| &body[i..]) {
        let name: String = tag[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '/' || *c == '!')
            .collect();
        let allowed = [
            "body", "/body", "h1", "/h1", "ul", "/ul", "li", "/li", "strong", "/strong", "span",
            "/span", "section", "/section", "h2", "/h2", "div", "/div", "ol", "/ol", "br", "em",
            "/em", "/html",
        ];
        assert!(
            allowed.contains(&name.as_str()),
            "unexpected raw tag `<{name}` in the page"
        );
    }
}
