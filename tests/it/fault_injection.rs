//! Fault injection: a stream of answers through the real binary, killed with
//! SIGKILL at random (seeded) moments. Afterwards every acknowledged answer is
//! in the database, every stored answer is whole and valid, and SQLite's
//! integrity check passes.

use std::io::{BufRead, BufReader, Write};
use std::time::Duration;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use vignette::session;
use vignette::store::Store;

use crate::common::{Db, Vignette};

const RUNS: usize = 50;

/// V2's measures to rank, in an order of their own for each round (every
/// round's answers differ from the round before, so each is a new revision).
fn rotated(round: usize) -> Vec<&'static str> {
    let mut measures = vec![
        "activity_plan",
        "lea_home",
        "separate_talks",
        "parent_meeting",
        "class_program",
        "joint_meeting",
    ];
    let count = measures.len();
    measures.rotate_left(round % count);
    measures
}

/// A script of answers covering every prompt kind of V2 for two groups.
fn script(run: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for round in 0..40 {
        for group in ["G1", "G2"] {
            let text = format!(
                "Runde {round} i kjøring {run}: vi snakker med Lea alene og varsler rektor. {}",
                "Æøå ".repeat(round)
            );
            for (prompt, value) in [
                ("s1_do", serde_json::json!(text)),
                (
                    "s1_first_action",
                    serde_json::json!(["talk_with_lea", "notify_principal"][round % 2]),
                ),
                ("s1_seriousness", serde_json::json!(1 + round % 5)),
                ("s2_measures", serde_json::json!(rotated(round))),
                (
                    "s3_next_steps",
                    if round % 2 == 0 {
                        serde_json::json!(["continue_plan", "talk_each_pupil"])
                    } else {
                        serde_json::json!(["continue_plan"])
                    },
                ),
            ] {
                lines.push(serde_json::json!({"group": group, "vignette": "V2", "prompt": prompt, "value": value}).to_string());
            }
        }
    }
    lines
}

#[test]
fn killed_mid_stream_loses_no_acknowledged_answer() {
    let db = Db::new();
    let created = db.new_session(&["--groups", "2", "--vignettes", "V2", "--seed", "1"]);
    assert_eq!(created.code, 0, "{}", created.stderr);

    let mut rng = ChaCha8Rng::seed_from_u64(20261123);
    let mut acknowledged = Vec::new();
    let mut killed_with_answers_pending = 0;
    for run in 0..RUNS {
        let mut child = Vignette::new()
            .args(["session", "answer", "s", "--stream"])
            .db(db.path())
            .spawn();
        let mut stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let lines = script(run);
        let total = lines.len();
        // Feed answers from a thread, a few milliseconds apart so that the
        // kill lands mid-stream however fast the build; keep stdin open so
        // the process only stops when killed.
        let writer = std::thread::spawn(move || {
            for line in lines {
                if writeln!(stdin, "{line}")
                    .and_then(|()| stdin.flush())
                    .is_err()
                {
                    return;
                }
                std::thread::sleep(Duration::from_millis(4));
            }
            std::thread::sleep(Duration::from_secs(30));
        });
        let reader = std::thread::spawn(move || {
            let mut acks = Vec::new();
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                if line.ends_with('\n') {
                    acks.push(line.trim_end().to_string());
                }
                line.clear();
            }
            acks
        });
        std::thread::sleep(Duration::from_millis(rng.random_range(5..120)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let acks = reader.join().unwrap();
        drop(writer); // the writer ends on the broken pipe or its sleep; not joined
        if acks.len() < total {
            killed_with_answers_pending += 1;
        }
        acknowledged.extend(acks);
    }
    assert!(
        killed_with_answers_pending >= RUNS / 2,
        "the kills came too late to test anything"
    );

    let store = Store::open(&db.path()).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let loaded = session::load(&store, "s").unwrap();
    let responses = store.responses("s").unwrap();
    for ack in &acknowledged {
        let parts: Vec<&str> = ack.split(' ').collect();
        let [_, group, vignette, prompt, _, revision] = parts[..] else {
            panic!("odd acknowledgement `{ack}`")
        };
        let revision: u32 = revision.parse().unwrap();
        assert!(
            responses.iter().any(|r| r.answer.group == group
                && r.answer.vignette == vignette
                && r.answer.prompt == prompt
                && r.revision == revision),
            "acknowledged but missing: {ack}"
        );
    }
    // Nothing half-written: every stored answer is valid for its pinned prompt, and
    // revisions of each prompt run 1, 2, 3, … without gaps.
    let mut last = std::collections::BTreeMap::new();
    for r in &responses {
        let assignment = loaded
            .assignment(&r.answer.group, &r.answer.vignette)
            .unwrap();
        let prompt = loaded
            .vignette(assignment)
            .stages
            .iter()
            .flat_map(|s| &s.prompts)
            .find(|p| p.id == r.answer.prompt)
            .unwrap();
        assert_eq!(
            session::answer::check(prompt, &r.answer.value).as_ref(),
            Ok(&r.answer.value)
        );
        let previous = last
            .insert(
                (r.answer.group.clone(), r.answer.prompt.clone()),
                r.revision,
            )
            .unwrap_or(0);
        assert_eq!(
            r.revision,
            previous + 1,
            "revisions of {} {} jump",
            r.answer.group,
            r.answer.prompt
        );
    }
    assert!(
        acknowledged.len() > 50,
        "only {} answers acknowledged in {RUNS} runs",
        acknowledged.len()
    );
    println!(
        "{RUNS} runs, {} answers acknowledged, {} stored, all present",
        acknowledged.len(),
        responses.len()
    );
}
