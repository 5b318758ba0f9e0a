//! Output that cannot be written: a full disk is a clear error, a reader
//! that has gone (a closed pipe) ends the command quietly; never a panic.

use std::process::{Command, Stdio};

use crate::common::BIN;

const COMMANDS: [&[&str]; 4] = [
    &["list"],
    &["schema", "vignette"],
    &["show", "V2", "--stage", "all"],
    &["validate"],
];

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_a_clear_error() {
    for args in COMMANDS {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = Command::new(BIN)
            .args(args)
            .env_remove("VIGNETTE_BANK")
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: cannot write the output: No space left on device"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    for args in COMMANDS {
        let mut child = Command::new(BIN)
            .args(args)
            .env_remove("VIGNETTE_BANK")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}
