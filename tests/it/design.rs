//! Planning sessions: balanced, seeded assignment of the shipped vignettes and
//! their factor levels to groups, checked by recounting the plan.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use proptest::prelude::*;
use vignette::bank::{self, BankSource, Vignette};
use vignette::design::{Design, DesignError, DesignInput, assign};

/// The shipped vignettes, loaded once for all tests.
static SHIPPED: LazyLock<Vec<Vignette>> = LazyLock::new(|| {
    let (bank, report) = bank::load(&BankSource::Embedded).expect("embedded bank loads");
    assert!(report.is_valid(), "{:?}", report.diagnostics);
    bank.vignettes.into_iter().map(|e| e.item).collect()
});

fn shipped() -> &'static [Vignette] {
    &SHIPPED
}

fn pick<'v>(all: &'v [Vignette], ids: &[&str]) -> Vec<&'v Vignette> {
    ids.iter()
        .map(|id| all.iter().find(|v| v.id == *id).expect("vignette in bank"))
        .collect()
}

fn groups(count: usize) -> Vec<String> {
    (1..=count).map(|i| format!("group {i}")).collect()
}

fn input<'v>(
    all: &'v [Vignette],
    groups: usize,
    ids: &[&str],
    k: usize,
    seed: u64,
) -> DesignInput<'v> {
    DesignInput {
        groups: self::groups(groups),
        vignettes: pick(all, ids),
        per_group: k,
        seed,
    }
}

const ALL: [&str; 6] = ["V1", "V2", "V3", "V4", "V5", "V6"];

fn spread<'a>(values: impl IntoIterator<Item = &'a usize>) -> usize {
    let values: Vec<usize> = values.into_iter().copied().collect();
    let max = values.iter().max().copied().unwrap_or(0);
    let min = values.iter().min().copied().unwrap_or(0);
    max - min
}

/// Counts the plan again from its rows, independently of the library.
fn recount(design: &Design, vignettes: &[&Vignette], k: usize) -> vignette::design::Diagnostics {
    let mut uses = BTreeMap::new();
    let mut positions = BTreeMap::new();
    let mut levels = BTreeMap::new();
    let mut combinations = BTreeMap::new();
    for v in vignettes {
        uses.insert(v.id.clone(), 0);
        positions.insert(v.id.clone(), vec![0; k]);
        let factors: BTreeMap<String, BTreeMap<String, usize>> = v
            .factors
            .iter()
            .map(|f| {
                let zeros = f.levels.iter().map(|l| (l.id.clone(), 0)).collect();
                (f.id.clone(), zeros)
            })
            .collect();
        levels.insert(v.id.clone(), factors);
        combinations.insert(v.id.clone(), BTreeMap::new());
    }
    for plan in &design.groups {
        for (position, planned) in plan.vignettes.iter().enumerate() {
            let id = &planned.vignette;
            *uses.get_mut(id).expect("known vignette") += 1;
            positions.get_mut(id).expect("known vignette")[position] += 1;
            for (factor, level) in &planned.levels {
                let factors = levels.get_mut(id).expect("known vignette");
                let counts = factors.get_mut(factor).expect("known factor");
                *counts.get_mut(level).expect("known level") += 1;
            }
            let key: Vec<String> = planned
                .levels
                .iter()
                .map(|(f, l)| format!("{f}={l}"))
                .collect();
            if !key.is_empty() {
                let map = combinations.get_mut(id).expect("known vignette");
                *map.entry(key.join(",")).or_insert(0) += 1;
            }
        }
    }
    let mut max_imbalance = spread(uses.values());
    for counts in positions.values() {
        max_imbalance = max_imbalance.max(spread(counts));
    }
    for factors in levels.values() {
        for counts in factors.values() {
            max_imbalance = max_imbalance.max(spread(counts.values()));
        }
    }
    vignette::design::Diagnostics {
        vignette_counts: uses,
        position_counts: positions,
        level_counts: levels,
        combination_counts: combinations,
        max_imbalance,
    }
}

/// Every property the design promises, checked on the rows themselves.
fn check_balanced(design: &Design, vignettes: &[&Vignette], groups: usize, k: usize) {
    assert_eq!(design.groups.len(), groups);
    for (i, plan) in design.groups.iter().enumerate() {
        assert_eq!(plan.group, format!("group {}", i + 1));
        assert_eq!(plan.vignettes.len(), k);
        let mut ids: Vec<&str> = plan.vignettes.iter().map(|p| p.vignette.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), k, "a row repeats a vignette: {plan:?}");
        for planned in &plan.vignettes {
            let v = vignettes
                .iter()
                .find(|v| v.id == planned.vignette)
                .expect("a chosen vignette");
            assert_eq!(planned.levels.len(), v.factors.len());
        }
    }
    let recounted = recount(design, vignettes, k);
    assert_eq!(design.diagnostics, recounted);
    let d = &design.diagnostics;
    assert!(
        spread(d.vignette_counts.values()) <= 1,
        "{:?}",
        d.vignette_counts
    );
    assert_eq!(d.vignette_counts.values().sum::<usize>(), groups * k);
    for (id, counts) in &d.position_counts {
        assert!(spread(counts) <= 1, "{id}: {counts:?}");
    }
    for (id, factors) in &d.level_counts {
        for (factor, counts) in factors {
            assert!(spread(counts.values()) <= 1, "{id} {factor}: {counts:?}");
        }
    }
    assert!(d.max_imbalance <= 1);
}

#[test]
fn twelve_groups_three_of_six_are_exactly_balanced() {
    let all = shipped();
    let input = input(all, 12, &ALL, 3, 2026);
    let design = assign(&input).expect("a design");
    check_balanced(&design, &input.vignettes, 12, 3);
    assert_eq!(design.seed, 2026);
    assert_eq!(design.method, "cyclic-williams-v1");
    let d = &design.diagnostics;
    assert_eq!(d.vignette_counts.len(), 6);
    assert!(
        d.vignette_counts.values().all(|&c| c == 6),
        "{:?}",
        d.vignette_counts
    );
    for (id, counts) in &d.position_counts {
        assert_eq!(counts, &vec![2, 2, 2], "{id}");
    }
    // Six uses of V3's 2 x 2 factors: each level 3 times.
    for (factor, counts) in &d.level_counts["V3"] {
        assert!(counts.values().all(|&c| c == 3), "{factor}: {counts:?}");
    }
    // V2 has 3-level factors: 6 uses give each level twice.
    for (factor, counts) in &d.level_counts["V2"] {
        let expected = 6 / counts.len();
        assert!(
            counts.values().all(|&c| c == expected),
            "{factor}: {counts:?}"
        );
    }
    assert!(d.max_imbalance <= 1);
    let plan = design.plan_for("group 5").expect("group 5 planned");
    assert_eq!(plan.group, "group 5");
    assert_eq!(plan.vignettes.len(), 3);
    assert!(design.plan_for("group 13").is_none());
}

#[test]
fn the_seed_fixes_the_design() {
    let all = shipped();
    let a = assign(&input(all, 12, &ALL, 3, 7)).expect("a design");
    let b = assign(&input(all, 12, &ALL, 3, 7)).expect("a design");
    let json = |d: &Design| serde_json::to_string(d).expect("serializes");
    assert_eq!(json(&a), json(&b));
    let c = assign(&input(all, 12, &ALL, 3, 8)).expect("a design");
    assert_ne!(a.groups, c.groups);
    // The plan survives a round trip through JSON.
    let back: Design = serde_json::from_str(&json(&a)).expect("deserializes");
    assert_eq!(back, a);
}

#[test]
fn vignettes_without_factors_get_empty_levels() {
    let all = shipped();
    let mut plain = all[0].clone();
    plain.factors.clear();
    let input = DesignInput {
        groups: groups(4),
        vignettes: vec![&plain, &all[1]],
        per_group: 2,
        seed: 1,
    };
    let design = assign(&input).expect("a design");
    check_balanced(&design, &input.vignettes, 4, 2);
    for plan in &design.groups {
        for planned in plan.vignettes.iter().filter(|p| p.vignette == plain.id) {
            assert!(planned.levels.is_empty());
        }
    }
    assert!(design.diagnostics.combination_counts[&plain.id].is_empty());
}

fn error(input: &DesignInput<'_>) -> (DesignError, String) {
    let error = assign(input).expect_err("input is refused");
    let message = error.to_string();
    (error, message)
}

#[test]
fn each_problem_is_explained() {
    let all = shipped();
    let base = || input(all, 3, &["V1", "V2"], 2, 0);

    let mut no_groups = base();
    no_groups.groups.clear();
    let (e, message) = error(&no_groups);
    assert_eq!(e, DesignError::NoGroups);
    assert_eq!(
        message,
        "there are no groups to plan for; add at least one group"
    );

    let mut no_vignettes = base();
    no_vignettes.vignettes.clear();
    let (e, message) = error(&no_vignettes);
    assert_eq!(e, DesignError::NoVignettes);
    assert_eq!(
        message,
        "there are no vignettes to hand out; choose at least one vignette"
    );

    let mut none = base();
    none.per_group = 0;
    let (e, message) = error(&none);
    assert_eq!(e, DesignError::NonePerGroup);
    assert_eq!(
        message,
        "each group must answer at least one vignette; 0 vignettes per group was asked"
    );

    let mut too_many = base();
    too_many.per_group = 3;
    let (e, message) = error(&too_many);
    assert_eq!(
        e,
        DesignError::TooManyPerGroup {
            per_group: 3,
            available: 2
        }
    );
    assert_eq!(
        message,
        "each group can answer at most 2 vignettes (the number chosen), but 3 per group \
         was asked; choose more vignettes or fewer per group"
    );

    let mut twice = base();
    twice.groups = vec!["Blue".into(), "Red".into(), "Blue".into()];
    let (e, message) = error(&twice);
    assert_eq!(
        e,
        DesignError::DuplicateGroup {
            group: "Blue".into()
        }
    );
    assert_eq!(
        message,
        "group `Blue` is listed more than once; give every group its own name"
    );

    let mut repeated = base();
    repeated.vignettes = pick(all, &["V1", "V2", "V1"]);
    let (e, message) = error(&repeated);
    assert_eq!(
        e,
        DesignError::DuplicateVignette {
            vignette: "V1".into()
        }
    );
    assert_eq!(
        message,
        "vignette V1 is chosen more than once; choose each vignette once"
    );
}

#[test]
fn broken_factors_are_explained() {
    let all = shipped();
    let v1 = &all[0];
    assert_eq!(v1.id, "V1");
    let refused = |v: &Vignette| {
        let input = DesignInput {
            groups: groups(2),
            vignettes: vec![v],
            per_group: 1,
            seed: 0,
        };
        error(&input).1
    };

    let mut two_factors = v1.clone();
    two_factors.factors.push(v1.factors[0].clone());
    assert_eq!(
        refused(&two_factors),
        "vignette V1 has factor `victim_gender` more than once; fix the vignette"
    );

    let mut two_levels = v1.clone();
    let girl = two_levels.factors[0].levels[0].clone();
    two_levels.factors[0].levels.push(girl);
    assert_eq!(
        refused(&two_levels),
        "vignette V1, factor `victim_gender`, has level `girl` more than once; fix the vignette"
    );

    let mut no_levels = v1.clone();
    no_levels.factors[0].levels.clear();
    assert_eq!(
        refused(&no_levels),
        "vignette V1, factor `victim_gender`, has no levels to choose from; fix the vignette"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_design_is_balanced_within_one(
        groups in 1usize..40,
        ids in proptest::sample::subsequence(ALL.to_vec(), 1..=6),
        k_seed in any::<usize>(),
        seed in any::<u64>(),
    ) {
        let all = shipped();
        let k = 1 + k_seed % ids.len();
        let input = input(all, groups, &ids, k, seed);
        let design = assign(&input).expect("a design");
        check_balanced(&design, &input.vignettes, groups, k);
    }
}
