//! `vignette list`: the JSON contract and the table, from the embedded bank
//! whatever the working folder.

use crate::common::{fixture_bank, vignette};

#[test]
fn the_shipped_bank_lists_ten_three_stage_vignettes_in_order_scoring_all_dimensions() {
    let out = vignette(["list", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let list: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).unwrap();
    let ids: Vec<&str> = list.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10"]
    );
    for item in &list {
        let languages = item["languages"].as_array().unwrap();
        assert!(
            languages.contains(&"nb".into()) && languages.contains(&"en".into()),
            "{item}"
        );
        assert_eq!(item["stages"], 3, "{item}");
        let mut dimensions: Vec<&str> = item["dimensions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_str().unwrap())
            .collect();
        dimensions.sort_unstable();
        assert_eq!(
            dimensions,
            ["detection", "handling", "prevention"],
            "{item}"
        );
        assert!(!item["factors"].as_array().unwrap().is_empty(), "{item}");
        assert!(
            item["studies"]
                .as_array()
                .unwrap()
                .contains(&"inkluderende-miljo".into()),
            "{item}"
        );
    }
    let multi_factor = list
        .iter()
        .filter(|v| v["factors"].as_array().unwrap().len() >= 2)
        .count();
    assert!(
        multi_factor >= 3,
        "only {multi_factor} vignettes have two or more factors"
    );
}

#[test]
fn the_table_shows_each_vignette_with_its_title() {
    let bank = fixture_bank();
    let out = vignette(["list", "--lang", "en", "--bank", bank.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
}
