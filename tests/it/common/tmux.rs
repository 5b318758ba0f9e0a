//! A tmux server of a test's own, to drive the interactive commands through
//! a real terminal: start a command in a window, type, read the screen, kill.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Whether tmux can run here; CI installs it (.ci/run), so tests must run there.
pub fn available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found || std::env::var_os("CI").is_none(),
        "tmux is required in CI"
    );
    if !found {
        println!("skipped: tmux is not installed (apt-get install -y tmux)");
    }
    found
}

/// A tmux server on its own socket, killed when dropped.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// A server whose socket name includes `tag` and the test process id.
    pub fn new(tag: &str) -> Tmux {
        Tmux {
            socket: format!("vignette-{tag}-test-{}", std::process::id()),
        }
    }

    pub fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs")
    }

    /// Runs a shell `command` in a new `width`×40 window named `name`; the pane stays after it exits.
    pub fn start(&self, name: &str, width: u16, command: &str) {
        self.start_sized(name, (width, 40), command);
    }

    /// Runs a shell `command` in a new window of `(width, height)` named `name`.
    pub fn start_sized(&self, name: &str, (width, height): (u16, u16), command: &str) {
        let (width, height) = (width.to_string(), height.to_string());
        let args = [
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            &width,
            "-y",
            &height,
            command,
        ];
        // A server whose last session was just killed may still be exiting
        // and refuse a new one (seen under load); a moment later a new
        // server starts.
        let mut out = self.tmux(&args);
        for _ in 0..5 {
            if out.status.success() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
            out = self.tmux(&args);
        }
        assert!(out.status.success(), "tmux new-session: {out:?}");
        self.tmux(&["set-option", "-t", name, "remain-on-exit", "on"]);
    }

    pub fn screen(&self, name: &str) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", name]).stdout).into_owned()
    }

    /// Waits until the screen shows every one of `wanted`, and returns it.
    pub fn wait_all(&self, name: &str, wanted: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let screen = self.screen(name);
            if wanted.iter().all(|w| screen.contains(w)) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "waited 10 s for {wanted:?}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    /// Waits until the screen shows one of `wanted`, and returns it.
    pub fn wait_any(&self, name: &str, wanted: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let screen = self.screen(name);
            if wanted.iter().any(|w| screen.contains(w)) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "waited 10 s for one of {wanted:?}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    /// Waits until the screen shows `wanted`, and returns it.
    pub fn wait(&self, name: &str, wanted: &str) -> String {
        self.wait_all(name, &[wanted])
    }

    /// Sends keys (tmux key names such as `Enter`, `Down`, `C-c`).
    pub fn keys(&self, name: &str, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", name];
        args.extend_from_slice(keys);
        assert!(self.tmux(&args).status.success());
    }

    /// Types text literally.
    pub fn type_text(&self, name: &str, text: &str) {
        assert!(
            self.tmux(&["send-keys", "-t", name, "-l", text])
                .status
                .success()
        );
    }

    /// Kills the window's process with SIGKILL.
    pub fn kill(&self, name: &str) {
        let out = self.tmux(&["display-message", "-p", "-t", name, "#{pane_pid}"]);
        let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let killed = Command::new("kill").args(["-9", &pid]).status();
        assert!(killed.is_ok_and(|s| s.success()), "kill -9 {pid}");
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}
