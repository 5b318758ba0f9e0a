//! Peak memory of every reader is bounded by its limit plus a constant:
//! each command is run under a data-segment limit (`prlimit --data`) of the
//! reader's limit plus 128 MiB and fed an endless `/dev/zero`, and must end
//! with the reader's clear "limited to" message, not die of hunger.
//! Needs util-linux's `prlimit`; where it is missing the test says so and
//! passes without running.

use std::process::Command;

use crate::common::{BIN, Db, NEW_SESSION};

const MIB: u64 = 1024 * 1024;
/// What a command needs besides its reader's buffer: the bank, SQLite, the
/// heap's own, and the allocator's padding of a huge block (mimalloc aligns
/// one of a gigabyte in 64 MiB slices).
const CONSTANT: u64 = 128 * MIB;
/// mimalloc reserves 1 GiB of address space for its first arena up front;
/// that is address space, not memory in use, and counts against
/// `--data` all the same. The test has it reserve 64 MiB, so that the limit
/// measures what the reader itself holds.
const ARENA_RESERVE: (&str, &str) = ("MIMALLOC_ARENA_RESERVE", "64MiB");

fn prlimit_available() -> bool {
    Command::new("prlimit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn every_reader_stops_at_its_limit_within_limit_plus_a_constant() {
    if !prlimit_available() {
        eprintln!("prlimit is not installed: the memory test did not run");
        return;
    }
    let db = Db::new();
    let out = db.new_session(&["--groups", "1", "--vignettes", "V2", "--seed", "1"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let path = db.path();
    let db_path = path.to_str().unwrap();
    let mut groups = NEW_SESSION.to_vec();
    groups[3] = "t";
    groups.extend([
        "--groups-file",
        "/dev/zero",
        "--per-group",
        "1",
        "--seed",
        "1",
    ]);
    let cases: Vec<(Vec<&str>, u64)> = vec![
        (vec!["session", "answer", "s", "--file", "/dev/zero"], 16),
        (vec!["session", "import", "s", "/dev/zero"], 16),
        (groups, 16),
        (vec!["rate", "import", "s", "/dev/zero"], 16),
        (vec!["agreement", "--ratings", "/dev/zero"], 64),
        (
            vec!["report", "--power", "/dev/zero", "--out", "r.html"],
            64,
        ),
        (vec!["compare", "--scores", "/dev/zero"], 1024),
        // An export that is a file is mapped, not read (up to 4 GiB); one
        // from a pipe or a device is read whole, up to 1 GiB.
        (vec!["score", "--responses", "/dev/zero"], 1024),
        (
            vec![
                "rubric",
                "audit",
                "--responses",
                "/dev/zero",
                "--ratings",
                "/dev/null",
            ],
            1024,
        ),
    ];
    for (args, limit_mib) in cases {
        let data = limit_mib * MIB + CONSTANT;
        let out = Command::new("prlimit")
            .env(ARENA_RESERVE.0, ARENA_RESERVE.1)
            .arg(format!("--data={data}"))
            .arg("--")
            .arg(BIN)
            .args(&args)
            .args(["--db", db_path])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!("limited to {} bytes", limit_mib * MIB)),
            "{args:?} under {data} bytes: {stderr}"
        );
    }
}
