//! Inter-rater agreement through the library and the real binary: every
//! statistic equal to scikit-learn and krippendorff to 1e-9, Krippendorff's
//! published example, bad-input messages, bootstrap determinism, and a
//! property test that no rating set panics or yields NaN.

use std::path::PathBuf;

use crate::common::{repo, vignette};
use proptest::prelude::*;
use serde_json::Value;
use vignette::rating::agreement::{self, Metric, Options, Rating};

/// The statistics the reference script prints, in its order.
const STATS: [&str; 7] = [
    "percent_agreement",
    "kappa",
    "kappa_linear",
    "kappa_quadratic",
    "alpha_nominal",
    "alpha_ordinal",
    "alpha_interval",
];

/// One criterion of one fixture: n_units, n_raters and the `STATS`.
struct Expected {
    file: &'static str,
    criterion: &'static str,
    n_units: usize,
    n_raters: usize,
    stats: [Option<f64>; 7],
}

/// Printed by `tests/reference/agreement_reference.py` with krippendorff
/// 0.9.0, scikit-learn 1.9.1 and numpy 2.4.6 (Python 3.11):
///
/// ```sh
/// python3 -m venv /tmp/ref && /tmp/ref/bin/pip install krippendorff scikit-learn numpy
/// /tmp/ref/bin/python tests/reference/agreement_reference.py tests/fixtures/agreement/*.csv
/// ```
const REFERENCE: [Expected; 9] = [
    // Krippendorff (2011), "Computing Krippendorff's alpha-reliability", p. 8:
    // 4 observers × 12 units with missing values.
    Expected {
        file: "krippendorff_2011.csv",
        criterion: "K",
        n_units: 12,
        n_raters: 4,
        stats: [
            Some(0.7272727272727273),
            None,
            None,
            None,
            Some(0.743421052631579),
            Some(0.8153875037548814),
            Some(0.8491071428571428),
        ],
    },
    Expected {
        file: "one_value.csv",
        criterion: "P4",
        n_units: 6,
        n_raters: 2,
        stats: [Some(1.0), None, None, None, None, None, None],
    },
    Expected {
        file: "perfect.csv",
        criterion: "D3",
        n_units: 8,
        n_raters: 3,
        stats: [Some(1.0), None, None, None, Some(1.0), Some(1.0), Some(1.0)],
    },
    Expected {
        file: "perfect.csv",
        criterion: "P3",
        n_units: 8,
        n_raters: 2,
        stats: [Some(1.0); 7],
    },
    Expected {
        file: "three_raters_missing.csv",
        criterion: "D1",
        n_units: 13,
        n_raters: 3,
        stats: [
            Some(0.5454545454545454),
            None,
            None,
            None,
            Some(0.5051194539249146),
            Some(0.7180247856718445),
            Some(0.7151277013752456),
        ],
    },
    Expected {
        file: "three_raters_missing.csv",
        criterion: "D2",
        n_units: 8,
        n_raters: 2,
        stats: [
            Some(0.7142857142857143),
            None,
            None,
            None,
            Some(0.4693877551020408),
            Some(0.7228571428571429),
            Some(0.6578947368421052),
        ],
    },
    Expected {
        file: "two_raters.csv",
        criterion: "H2",
        n_units: 10,
        n_raters: 2,
        stats: [
            Some(0.6),
            Some(0.375),
            Some(0.4871794871794872),
            Some(0.6226415094339622),
            Some(0.38709677419354827),
            Some(0.6166071428571428),
            Some(0.6122448979591837),
        ],
    },
    Expected {
        file: "two_raters.csv",
        criterion: "P1",
        n_units: 15,
        n_raters: 2,
        stats: [
            Some(0.8666666666666667),
            Some(0.7945205479452055),
            Some(0.8514851485148515),
            Some(0.9044585987261147),
            Some(0.798611111111111),
            Some(0.8791666666666667),
            Some(0.907051282051282),
        ],
    },
    Expected {
        file: "unused_levels.csv",
        criterion: "H1",
        n_units: 12,
        n_raters: 2,
        stats: [
            Some(0.75),
            Some(0.6129032258064516),
            Some(0.5862068965517242),
            Some(0.5555555555555556),
            Some(0.6270270270270271),
            Some(0.5489348370927318),
            Some(0.5202453987730062),
        ],
    },
];

const FILES: [&str; 6] = [
    "krippendorff_2011.csv",
    "one_value.csv",
    "perfect.csv",
    "three_raters_missing.csv",
    "two_raters.csv",
    "unused_levels.csv",
];

const CONTRACT_KEYS: [&str; 11] = [
    "alpha_interval",
    "alpha_nominal",
    "alpha_ordinal",
    "alpha_ordinal_ci95",
    "kappa",
    "kappa_linear",
    "kappa_quadratic",
    "n_paired",
    "n_raters",
    "n_units",
    "percent_agreement",
];

fn fixture(file: &str) -> PathBuf {
    repo().join("tests/fixtures/agreement").join(file)
}

fn assert_close(place: &str, got: Option<f64>, expected: Option<f64>) {
    match (got, expected) {
        (Some(g), Some(e)) => assert!((g - e).abs() <= 1e-9, "{place}: {g} ≠ {e}"),
        (None, None) => {}
        _ => panic!("{place}: got {got:?}, expected {expected:?}"),
    }
}

fn json_of(file: &str, extra: &[&str]) -> Value {
    let path = fixture(file);
    let mut args = vec![
        "agreement",
        "--ratings",
        path.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend(extra);
    let out = vignette(args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).expect("JSON output")
}

#[test]
fn the_binary_matches_sklearn_and_krippendorff() {
    for file in FILES {
        let json = json_of(file, &[]);
        let criteria = json["criteria"].as_object().expect("criteria object");
        let expected: Vec<&Expected> = REFERENCE.iter().filter(|e| e.file == file).collect();
        assert_eq!(criteria.len(), expected.len(), "{file}");
        for e in expected {
            let c = &criteria[e.criterion];
            let place = format!("{file} {}", e.criterion);
            assert_eq!(c["n_units"], e.n_units, "{place}");
            assert_eq!(c["n_raters"], e.n_raters, "{place}");
            for (stat, expected) in STATS.iter().zip(e.stats) {
                assert_close(&format!("{place} {stat}"), c[stat].as_f64(), expected);
                assert!(c[stat].is_null() || c[stat].is_f64(), "{place} {stat}");
            }
        }
    }
}

#[test]
fn the_library_matches_sklearn_and_krippendorff() {
    for e in &REFERENCE {
        let bytes = std::fs::read(fixture(e.file)).unwrap();
        let ratings =
            vignette::input::parse_ratings_csv("ratings.csv", &bytes).expect("valid fixture");
        let result = agreement::agreement(&ratings, &Options::default());
        let c = &result.criteria[e.criterion];
        let place = format!("{} {}", e.file, e.criterion);
        assert_eq!((c.n_units, c.n_raters), (e.n_units, e.n_raters), "{place}");
        let got = [
            c.percent_agreement,
            c.kappa,
            c.kappa_linear,
            c.kappa_quadratic,
            c.alpha_nominal,
            c.alpha_ordinal,
            c.alpha_interval,
        ];
        for ((stat, got), expected) in STATS.iter().zip(got).zip(e.stats) {
            assert_close(&format!("{place} {stat}"), got, expected);
        }
        assert_eq!(c.alpha_ordinal_ci95.is_some(), c.alpha_ordinal.is_some());
    }
}

#[test]
fn the_json_follows_the_contract() {
    let json = json_of("three_raters_missing.csv", &["--boot", "50", "--seed", "3"]);
    let mut top: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    top.sort_unstable();
    assert_eq!(top, ["boot", "criteria", "seed"]);
    assert_eq!(
        (json["boot"].as_u64(), json["seed"].as_u64()),
        (Some(50), Some(3))
    );
    let criteria = json["criteria"].as_object().unwrap();
    assert_eq!(criteria.keys().collect::<Vec<_>>(), ["D1", "D2"]);
    for c in criteria.values() {
        let mut keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, CONTRACT_KEYS);
        let ci = c["alpha_ordinal_ci95"].as_array().expect("an interval");
        let (lo, hi) = (ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap());
        assert!(lo <= hi && hi <= 1.0, "{lo} {hi}");
    }
    let undefined = json_of("one_value.csv", &[]);
    assert!(undefined["criteria"]["P4"]["alpha_ordinal_ci95"].is_null());
}

#[test]
fn krippendorffs_published_example() {
    // Krippendorff (2011), p. 8; '.' = missing; observers A–D, units 1–12.
    let rows = [
        "1 2 3 3 2 1 4 1 2 . . .",
        "1 2 3 3 2 2 4 1 2 5 . 3",
        ". 3 3 3 2 3 4 2 2 5 1 .",
        "1 2 3 3 2 4 4 1 2 5 1 .",
    ];
    let data: Vec<Vec<Option<i64>>> = rows
        .iter()
        .map(|r| r.split(' ').map(|v| v.parse().ok()).collect())
        .collect();
    let published = [
        (Metric::Nominal, 0.743, 0.743421052631579),
        (Metric::Ordinal, 0.815, 0.8153875037548814),
        (Metric::Interval, 0.849, 0.8491071428571428),
    ];
    for (metric, paper, package) in published {
        let alpha = agreement::krippendorff_alpha(&data, metric).expect("defined");
        assert_eq!((alpha * 1000.0).round() / 1000.0, paper, "{metric:?}");
        assert!((alpha - package).abs() <= 1e-9, "{metric:?}: {alpha}");
    }
}

#[test]
fn unused_levels_weight_kappa_by_index_but_alpha_by_value() {
    // Levels 0, 2, 3 observed: sklearn's linear weights see 0, 1, 2.
    let by_value = [0, 2, 3, 3, 2, 0];
    let other = [0, 3, 3, 2, 2, 2];
    let by_index = by_value.map(|l| [0, 0, 1, 2][l as usize]);
    let other_index = other.map(|l| [0, 0, 1, 2][l as usize]);
    for weights in [agreement::Weights::Linear, agreement::Weights::Quadratic] {
        assert_eq!(
            agreement::cohen_kappa(&by_value, &other, weights),
            agreement::cohen_kappa(&by_index, &other_index, weights)
        );
    }
    let column = |levels: [i64; 6]| levels.iter().map(|&l| Some(l)).collect::<Vec<_>>();
    let alpha_values =
        agreement::krippendorff_alpha(&[column(by_value), column(other)], Metric::Interval);
    let alpha_indices =
        agreement::krippendorff_alpha(&[column(by_index), column(other_index)], Metric::Interval);
    assert_ne!(alpha_values, alpha_indices);
}

#[test]
fn the_text_table_shows_undefined_as_a_dash() {
    let path = fixture("perfect.csv");
    let out = vignette(["agreement", "--ratings", path.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let d3 = out
        .stdout
        .lines()
        .find(|l| l.contains("D3"))
        .expect("a D3 row");
    assert!(d3.contains("1.000") && d3.contains('–'), "{d3}");
    assert!(out.stdout.contains("[1.000, 1.000]"), "{}", out.stdout);
    assert!(
        out.stdout.contains("1000 resamples, seed 1"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_same_seed_gives_the_same_interval() {
    let a = json_of("two_raters.csv", &["--seed", "42", "--boot", "200"]);
    let b = json_of("two_raters.csv", &["--seed", "42", "--boot", "200"]);
    let c = json_of("two_raters.csv", &["--seed", "43", "--boot", "200"]);
    assert_eq!(a, b);
    let ci = |json: &Value| json["criteria"]["H2"]["alpha_ordinal_ci95"].clone();
    assert_ne!(ci(&a), ci(&c));

    let bytes = std::fs::read(fixture("three_raters_missing.csv")).unwrap();
    let ratings = vignette::input::parse_ratings_csv("ratings.csv", &bytes).unwrap();
    let options = Options { boot: 300, seed: 9 };
    let first = agreement::agreement(&ratings, &options);
    assert_eq!(first, agreement::agreement(&ratings, &options));
    // A criterion's interval does not depend on the other criteria.
    let only_d1: Vec<Rating> = ratings
        .into_iter()
        .filter(|r| r.criterion == "D1")
        .collect();
    let alone = agreement::agreement(&only_d1, &options);
    assert_eq!(
        alone.criteria["D1"].alpha_ordinal_ci95,
        first.criteria["D1"].alpha_ordinal_ci95
    );
}

/// Runs the binary on a temp file with `content`; returns (code, stderr).
fn run_on(content: &[u8]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ratings.csv");
    std::fs::write(&path, content).unwrap();
    let out = vignette(["agreement", "--ratings", path.to_str().unwrap()]);
    (out.code, out.stderr)
}

fn assert_refused(content: &[u8], expected: &str) {
    let (code, stderr) = run_on(content);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("ratings.csv"), "no file name in:\n{stderr}");
    assert!(
        stderr.contains(expected),
        "expected `{expected}` in:\n{stderr}"
    );
}

const HEADER: &str = "unit,rater,criterion,level\n";

#[test]
fn bad_input_is_refused_with_file_and_line() {
    assert_refused(
        b"",
        "the file is empty; expected the header `unit,rater,criterion,level`",
    );
    assert_refused(
        b"G1,anna,P1,2\n",
        "ratings.csv:1: expected the header `unit,rater,criterion,level`, found `G1,anna,P1,2`",
    );
    assert_refused(
        b"unit,coder,criterion,level\nG1,anna,P1,2\n",
        ":1: expected the header",
    );
    assert_refused(HEADER.as_bytes(), "no ratings after the header");
    let mut rows = String::from(HEADER);
    for (i, level) in ["0", "1", "2", "1", "0"].iter().enumerate() {
        rows.push_str(&format!("G{i},anna,P1,{level}\n"));
    }
    let non_integer = format!("{rows}G9,anna,P1,2.5\n");
    assert_refused(
        non_integer.as_bytes(),
        "ratings.csv:7: level `2.5` is not a whole number",
    );
    let word = format!("{rows}G9,anna,P1,two\n");
    assert_refused(
        word.as_bytes(),
        "ratings.csv:7: level `two` is not a whole number",
    );
    let repeat = format!("{rows}G8,anna,P1,1\nG2,anna,P1,0\n");
    assert_refused(
        repeat.as_bytes(),
        "ratings.csv:8: repeats line 4: unit `G2`, rater `anna`, criterion `P1` is rated twice",
    );
    let empty = format!("{rows}G9, ,P1,1\n");
    assert_refused(empty.as_bytes(), "ratings.csv:7: empty `rater`");
    let short = format!("{rows}G9,anna,P1\n");
    assert_refused(short.as_bytes(), "ratings.csv:7: expected 4 fields");
}

#[test]
fn every_problem_is_listed() {
    let content = format!("{HEADER}G1,anna,P1,x\nG2,anna,P1,\nG1,anna,P1,x\n");
    let (code, stderr) = run_on(content.as_bytes());
    assert_eq!(code, 1);
    assert!(stderr.contains("3 problem(s) in"), "{stderr}");
    assert!(stderr.contains("ratings.csv:2: level `x`"), "{stderr}");
    assert!(stderr.contains("ratings.csv:3: empty `level`"), "{stderr}");
    assert!(stderr.contains("ratings.csv:4: repeats line 2"), "{stderr}");
}

#[test]
fn a_file_that_is_not_utf8_is_refused_with_its_position() {
    let content = [HEADER.as_bytes(), b"G1,anna,P1,2\nG\xff2,anna,P1,1\n"].concat();
    assert_refused(
        &content,
        "ratings.csv:3:2: the file is not valid UTF-8 (bad byte 0xff)",
    );
}

#[test]
fn a_file_over_64_mib_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ratings.csv");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(vignette::input::read::RATINGS_FILE.bytes + 1)
        .unwrap(); // sparse: nothing written
    let out = vignette(["agreement", "--ratings", path.to_str().unwrap()]);
    assert_eq!(
        out.code, 2,
        "refused unread, as every reader refuses an oversized file"
    );
    assert!(
        out.stderr
            .contains("is 67108865 bytes; ratings files are limited to 67108864 bytes (64 MiB)"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_missing_file_or_bad_arguments_are_usage_errors() {
    let out = vignette(["agreement", "--ratings", "/nonexistent/ratings.csv"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("/nonexistent/ratings.csv: cannot read the file"),
        "{}",
        out.stderr
    );
    assert_eq!(vignette(["agreement"]).code, 2);
    let path = fixture("two_raters.csv");
    assert_eq!(
        vignette([
            "agreement",
            "--ratings",
            path.to_str().unwrap(),
            "--boot",
            "0"
        ])
        .code,
        2
    );
}

fn ratings_strategy() -> impl Strategy<Value = Vec<(u8, u8, u8, i64)>> {
    let level = prop_oneof![
        4 => 0_i64..4,
        1 => any::<i64>(),
    ];
    prop::collection::vec((0_u8..8, 0_u8..4, 0_u8..3, level), 0..60)
}

fn assert_sane(value: Option<f64>, place: &str) {
    if let Some(x) = value {
        assert!(x.is_finite(), "{place}: {x}");
        assert!(x <= 1.0 + 1e-9, "{place}: {x}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any rating set, written as CSV and read back: no panic, no NaN, no
    /// statistic above 1, intervals in order.
    #[test]
    fn random_ratings_never_panic_or_give_nan(rows in ratings_strategy(), seed in any::<u64>()) {
        let mut csv = String::from(HEADER);
        let mut seen = std::collections::BTreeSet::new();
        for (unit, rater, criterion, level) in rows {
            if seen.insert((unit, rater, criterion)) {
                csv.push_str(&format!("u{unit},r{rater},C{criterion},{level}\n"));
            }
        }
        let ratings = match vignette::input::parse_ratings_csv("ratings.csv", csv.as_bytes()) {
            Ok(ratings) => ratings,
            Err(problems) => {
                prop_assert_eq!(seen.len(), 0, "{:?}", problems);
                return Ok(());
            }
        };
        let result = agreement::agreement(&ratings, &Options { boot: 25, seed });
        for (criterion, c) in &result.criteria {
            let stats = [
                c.percent_agreement, c.kappa, c.kappa_linear, c.kappa_quadratic,
                c.alpha_nominal, c.alpha_ordinal, c.alpha_interval,
            ];
            for (stat, value) in STATS.iter().zip(stats) {
                assert_sane(value, &format!("{criterion} {stat}"));
            }
            if let Some([lo, hi]) = c.alpha_ordinal_ci95 {
                prop_assert!(lo.is_finite() && hi.is_finite() && lo <= hi && hi <= 1.0 + 1e-9);
            }
            prop_assert!(c.percent_agreement.is_none_or(|p| p >= 0.0));
        }
        let json = serde_json::to_string(&result).unwrap();
        prop_assert!(!json.contains("NaN") && !json.contains("inf"), "{}", json);
        prop_assert!(serde_json::from_str::<Value>(&json).is_ok());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The same through the real binary: exit 0 and JSON without NaN.
    #[test]
    fn the_binary_never_panics_or_prints_nan(rows in ratings_strategy(), seed in any::<u64>()) {
        let mut csv = String::from(HEADER);
        let mut seen = std::collections::BTreeSet::new();
        for (unit, rater, criterion, level) in rows {
            if seen.insert((unit, rater, criterion)) {
                csv.push_str(&format!("u{unit},r{rater},C{criterion},{level}\n"));
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ratings.csv");
        std::fs::write(&path, &csv).unwrap();
        let seed = seed.to_string();
        let out = vignette([
            "agreement", "--ratings", path.to_str().unwrap(),
            "--boot", "25", "--seed", &seed, "--format", "json",
        ]);
        let expected_code = if seen.is_empty() { 1 } else { 0 };
        prop_assert_eq!(out.code, expected_code, "{}", out.stderr);
        prop_assert!(!out.stdout.contains("NaN") && !out.stdout.contains("inf"));
        if expected_code == 0 {
            prop_assert!(serde_json::from_str::<Value>(&out.stdout).is_ok());
        }
    }
}
