//! Property test: the shipped bank with one file mutated at random never makes
//! loading panic, and a file that is no longer JSON is always named, with its
//! line and column, while the other files are still checked.

use crate::common::TempBank;
use proptest::prelude::*;
use vignette::bank::{self, BankSource, Severity};

const FILES: [&str; 22] = [
    "studies/inkluderende-miljo.json",
    "studies/kompetanseloftet.json",
    "vignettes/V1.json",
    "vignettes/V2.json",
    "vignettes/V3.json",
    "vignettes/V4.json",
    "vignettes/V5.json",
    "vignettes/V6.json",
    "vignettes/V7.json",
    "vignettes/V8.json",
    "vignettes/V9.json",
    "vignettes/V10.json",
    "rubrics/V1.json",
    "rubrics/V2.json",
    "rubrics/V3.json",
    "rubrics/V4.json",
    "rubrics/V5.json",
    "rubrics/V6.json",
    "rubrics/V7.json",
    "rubrics/V8.json",
    "rubrics/V9.json",
    "rubrics/V10.json",
];

/// A change to the bytes or to the JSON of one file.
#[derive(Debug, Clone)]
enum Mutation {
    Truncate(prop::sample::Index),
    SetByte(prop::sample::Index, u8),
    InsertByte(prop::sample::Index, u8),
    DeleteRange(prop::sample::Index, usize),
    ReplaceValue(prop::sample::Index, serde_json::Value),
    DropKey(prop::sample::Index),
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(Into::into),
        any::<i64>().prop_map(Into::into),
        (-1e9f64..1e9).prop_map(Into::into),
        "[a-zæøå{}%# <>&]{0,20}".prop_map(Into::into),
        Just("{{ undefined_variable }}".into()),
        Just(
            "{% for i in range(1000) %}{% for j in range(1000) %}x{% endfor %}{% endfor %}".into()
        ),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Into::into),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let index = any::<prop::sample::Index>();
    prop_oneof![
        index.clone().prop_map(Mutation::Truncate),
        (index.clone(), any::<u8>()).prop_map(|(i, b)| Mutation::SetByte(i, b)),
        (index.clone(), any::<u8>()).prop_map(|(i, b)| Mutation::InsertByte(i, b)),
        (index.clone(), 1usize..200).prop_map(|(i, n)| Mutation::DeleteRange(i, n)),
        (index.clone(), json_value()).prop_map(|(i, v)| Mutation::ReplaceValue(i, v)),
        index.prop_map(Mutation::DropKey),
    ]
}

/// Every (parent pointer, key or index) in a JSON value, depth first.
fn places(value: &serde_json::Value, at: String, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                let pointer = format!("{at}/{key}");
                out.push(pointer.clone());
                places(child, pointer, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let pointer = format!("{at}/{i}");
                out.push(pointer.clone());
                places(child, pointer, out);
            }
        }
        _ => {}
    }
}

fn apply(original: &[u8], mutation: &Mutation) -> Vec<u8> {
    let mut bytes = original.to_vec();
    match mutation {
        Mutation::Truncate(i) => bytes.truncate(i.index(bytes.len())),
        Mutation::SetByte(i, b) => {
            let i = i.index(bytes.len());
            bytes[i] = *b;
        }
        Mutation::InsertByte(i, b) => bytes.insert(i.index(bytes.len() + 1), *b),
        Mutation::DeleteRange(i, n) => {
            let start = i.index(bytes.len());
            let end = (start + n).min(bytes.len());
            bytes.drain(start..end);
        }
        Mutation::ReplaceValue(i, _) | Mutation::DropKey(i) => {
            let mut value: serde_json::Value = serde_json::from_slice(original).unwrap();
            let mut all = Vec::new();
            places(&value, String::new(), &mut all);
            let pointer = &all[i.index(all.len())];
            if let Mutation::ReplaceValue(_, replacement) = mutation {
                *value.pointer_mut(pointer).unwrap() = replacement.clone();
            } else {
                let (parent, key) = pointer.rsplit_once('/').unwrap();
                match value.pointer_mut(parent).unwrap() {
                    serde_json::Value::Object(map) => _ = map.remove(key),
                    serde_json::Value::Array(items) => {
                        _ = items.remove(key.parse::<usize>().unwrap())
                    }
                    _ => unreachable!(),
                }
            }
            bytes = serde_json::to_vec_pretty(&value).unwrap();
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: crate::common::fuzz_cases(96), ..ProptestConfig::default() })]

    #[test]
    fn a_mutated_bank_file_never_panics_and_is_named(file in prop::sample::select(&FILES[..]), mutation in mutation()) {
        let bank = TempBank::shipped();
        let original = std::fs::read(bank.path().join(file)).unwrap();
        let mutated = apply(&original, &mutation);
        bank.write(file, &mutated);

        let (_, report) = bank::load(&BankSource::Dir(bank.path().to_path_buf())).unwrap();

        let well_formed = std::str::from_utf8(&mutated).ok()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok()).is_some();
        if !well_formed {
            let named = report.diagnostics.iter().find(|d| d.file == file && d.severity == Severity::Error);
            prop_assert!(named.is_some_and(|d| d.line.is_some() && d.column.is_some()),
                "{file} is not JSON but no positioned error names it: {:?}", report.diagnostics);
        }
        // Whatever broke, the report stays about real files and real places.
        for d in &report.diagnostics {
            prop_assert!(FILES.contains(&d.file.as_str()), "diagnostic for unknown file: {d:?}");
            prop_assert!(d.pointer.is_empty() || d.pointer.starts_with('/'));
        }
        if mutated == original {
            prop_assert!(report.is_valid());
        }
    }
}
