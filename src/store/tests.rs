//! The store's timestamps: a fixed clock writes its time everywhere, the
//! system clock writes the time of the write, both in the same text.

use std::collections::BTreeMap;

use super::*;

fn session() -> (
    SessionRecord,
    Vec<InstrumentRecord>,
    GroupRecord,
    AssignmentRecord,
) {
    let instrument = |hash: &str, kind: &str, item: &str| InstrumentRecord {
        hash: hash.repeat(64),
        kind: kind.into(),
        item_id: item.into(),
        version: "1".into(),
        text: "{}".into(),
    };
    let record = SessionRecord {
        id: "s".into(),
        study_id: "study".into(),
        study_hash: "a".repeat(64),
        offering: "nettbasert".into(),
        phase: "baseline".into(),
        cohort: "2026".into(),
        site: "Bodø".into(),
        site_attributes: BTreeMap::new(),
        language: "nb".into(),
        seed: 1,
        design: "{}".into(),
        created_at: String::new(),
        closed_at: None,
        discarded_at: None,
    };
    let group = GroupRecord {
        label: "G1".into(),
        roles: BTreeMap::from([("teacher".to_string(), 3)]),
    };
    let assignment = AssignmentRecord {
        group: "G1".into(),
        position: 1,
        vignette: "V1".into(),
        vignette_hash: "b".repeat(64),
        rubric_hash: "c".repeat(64),
        levels: BTreeMap::new(),
        revealed: 0,
    };
    let instruments = vec![
        instrument("a", "study", "study"),
        instrument("b", "vignette", "V1"),
        instrument("c", "rubric", "V1"),
    ];
    (record, instruments, group, assignment)
}

/// Creates session `s`, stores an answer, a score and a rating, closes it;
/// returns every timestamp the store then holds.
fn every_timestamp(store: &mut Store) -> Vec<String> {
    let (record, instruments, group, assignment) = session();
    store
        .create_session(&record, &instruments, &[group], &[assignment])
        .unwrap();
    let answer = AnswerRecord {
        group: "G1".into(),
        vignette: "V1".into(),
        prompt: "s1_do".into(),
        stage: 1,
        kind: "text".into(),
        value: serde_json::json!("talk with Lea"),
        source: "file".into(),
    };
    store.save_answers("s", &[answer]).unwrap();
    let score = ScoreRecord {
        group: "G1".into(),
        vignette: "V1".into(),
        method: "auto".into(),
        version: 0,
        rubric_hash: "c".repeat(64),
        answers_digest: "d".into(),
        card: "{}".into(),
        scored_at: String::new(),
    };
    store.save_scores("s", &[score]).unwrap();
    let run = RatingRunRecord {
        seed: 1,
        overlap: 0.0,
        raters: vec!["anna".into()],
        planned_at: String::new(),
    };
    store.save_rating_plan("s", &run, &[]).unwrap();
    let rating = RatingRecord {
        unit: "u1".into(),
        criterion: "H1".into(),
        rater: "anna".into(),
        level: 1,
        source: "import".into(),
    };
    store.save_ratings("s", &[rating]).unwrap();
    let consensus = ConsensusRecord {
        unit: "u1".into(),
        criterion: "H1".into(),
        level: 1,
        decided_by: "anna".into(),
        rule: "single".into(),
        decided_at: String::new(),
    };
    store.save_consensus("s", &[consensus]).unwrap();
    store.close("s").unwrap();

    let session = store.session("s").unwrap();
    let mut times = vec![session.created_at, session.closed_at.unwrap()];
    times.extend(store.log("s").unwrap().into_iter().map(|l| l.at));
    times.extend(
        store
            .responses("s")
            .unwrap()
            .into_iter()
            .map(|r| r.answered_at),
    );
    times.extend(
        store
            .latest_scores("s", "auto")
            .unwrap()
            .into_iter()
            .map(|s| s.scored_at),
    );
    times.push(store.rating_run("s").unwrap().unwrap().planned_at);
    times.extend(
        store
            .latest_ratings("s")
            .unwrap()
            .into_iter()
            .map(|r| r.rated_at),
    );
    times.extend(
        store
            .consensus("s")
            .unwrap()
            .into_iter()
            .map(|c| c.decided_at),
    );
    times.push(store.now().unwrap());
    times
}

#[test]
fn a_fixed_clock_stamps_everything_the_store_writes() {
    let at: Timestamp = "2026-03-01T09:30:00Z".parse().unwrap();
    let mut store = Store::in_memory().unwrap().with_clock(Clock::Fixed(at));
    assert_eq!(store.clock(), Clock::Fixed(at));
    let times = every_timestamp(&mut store);
    assert_eq!(times.len(), 10, "{times:?}");
    for time in &times {
        assert_eq!(time, "2026-03-01T09:30:00.000Z");
    }
}

#[test]
fn the_system_clock_stamps_the_time_of_the_write_in_the_same_text() {
    let mut store = Store::in_memory().unwrap();
    assert_eq!(store.clock(), Clock::System);
    let before = Clock::System.now();
    let times = every_timestamp(&mut store);
    let after = Clock::System.now();
    for time in &times {
        let at: Timestamp = time.parse().unwrap();
        assert_eq!(&at.to_string(), time, "written as it is printed");
        assert!(before <= at && at <= after, "{before} ≤ {at} ≤ {after}");
    }
}

#[test]
fn a_read_only_store_reads_through_the_journal_and_refuses_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("study.db");
    let mut writer = Store::open(&path).unwrap();
    let (record, instruments, group, assignment) = session();
    writer
        .create_session(&record, &instruments, &[group], &[assignment])
        .unwrap();
    // The writer is still open: the session is in the -wal file, not yet
    // in the database file.
    let mut reader = Store::open_read_only(&path).unwrap();
    assert!(reader.is_read_only() && !writer.is_read_only());
    assert_eq!(reader.sessions().unwrap().len(), 1);
    let (mut other, instruments, group, assignment) = session();
    other.id = "t".into();
    let refused = reader
        .create_session(&other, &instruments, &[group], &[assignment])
        .unwrap_err();
    assert!(
        matches!(&refused, StoreError::ReadOnly { path: p, .. } if p == &path.display().to_string()),
        "{refused}"
    );
    drop(writer);
    assert!(matches!(
        Store::open_read_only(&dir.path().join("none.db")),
        Err(StoreError::Open { .. })
    ));
}

/// One unit's latest card and its answers are read without the rest of the
/// session: the latest version by method, every revision of that unit only.
#[test]
fn a_unit_is_read_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("study.db")).unwrap();
    let (record, instruments, group, assignment) = session();
    let other = GroupRecord {
        label: "G2".into(),
        ..group.clone()
    };
    let other_assignment = AssignmentRecord {
        group: "G2".into(),
        ..assignment.clone()
    };
    store
        .create_session(
            &record,
            &instruments,
            &[group, other],
            &[assignment, other_assignment],
        )
        .unwrap();
    let answer = |group: &str, prompt: &str, text: &str| AnswerRecord {
        group: group.into(),
        vignette: "V1".into(),
        prompt: prompt.into(),
        stage: 1,
        kind: "text".into(),
        value: serde_json::json!(text),
        source: "file".into(),
    };
    store
        .save_answers(
            "s",
            &[
                answer("G1", "s1_do", "first"),
                answer("G2", "s1_do", "theirs"),
                answer("G1", "s1_do", "second"),
                answer("G1", "s1_record", "notes"),
            ],
        )
        .unwrap();
    let score = |group: &str, card: &str, method: &str| ScoreRecord {
        group: group.into(),
        vignette: "V1".into(),
        method: method.into(),
        version: 0,
        rubric_hash: "c".repeat(64),
        answers_digest: "d".into(),
        card: card.into(),
        scored_at: String::new(),
    };
    store
        .save_scores(
            "s",
            &[
                score("G1", "{\"v\":1}", "auto"),
                score("G1", "{\"v\":2}", "auto"),
                score("G1", "{\"v\":9}", "human"),
                score("G2", "{\"v\":3}", "auto"),
            ],
        )
        .unwrap();

    let card = store.latest_card("s", "G1", "V1", "auto").unwrap();
    assert_eq!(card.as_deref(), Some("{\"v\":2}"));
    assert_eq!(store.latest_card("s", "G3", "V1", "auto").unwrap(), None);
    let read: Vec<(String, u32, serde_json::Value)> = store
        .unit_responses("s", "G1", "V1")
        .unwrap()
        .into_iter()
        .map(|r| (r.answer.prompt, r.revision, r.answer.value))
        .collect();
    assert_eq!(
        read,
        vec![
            ("s1_do".to_string(), 1, serde_json::json!("first")),
            ("s1_do".to_string(), 2, serde_json::json!("second")),
            ("s1_record".to_string(), 1, serde_json::json!("notes")),
        ]
    );
}
