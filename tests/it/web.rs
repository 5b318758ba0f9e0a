//! `vignette serve`: the real binary on 127.0.0.1 (a free port), spoken to
//! with plain HTTP requests: joining with a code, answering every prompt
//! kind with and without the page's script, the facilitator's actions, the
//! events a page learns of a reveal from (also one made by another
//! process), what a group or a stranger may not do, Ctrl-C, and SIGKILL
//! while 30 groups save.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use vignette::store::Store;

use crate::common::{BIN, Db, TempBank};

/// A running `vignette serve` and what it printed at start.
struct Served {
    child: Child,
    /// `127.0.0.1:PORT`.
    host: String,
    token_path: String,
    /// Group → code as printed (`ABC-DEF-HJK`).
    codes: BTreeMap<String, String>,
}

impl Served {
    fn start(db: &Db, extra: &[&str]) -> Served {
        let mut child = Command::new(BIN)
            .args(["--db"])
            .arg(db.path())
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .env_remove("VIGNETTE_DB")
            .env_remove("VIGNETTE_BANK")
            .env_remove("VIGNETTE_NOW")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let (mut host, mut token_path, mut codes) = (String::new(), String::new(), BTreeMap::new());
        for line in lines.by_ref() {
            let line = line.expect("serve prints");
            if let Some(rest) = line.strip_prefix("listening on http://") {
                host = rest.split('/').next().unwrap().to_string();
            } else if let Some(rest) = line.strip_prefix("facilitator: http://") {
                let url = rest.split(' ').next().unwrap();
                token_path = url[url.find('/').unwrap()..].to_string();
                break;
            } else if let Some(rest) = line.strip_prefix("  ") {
                let mut parts = rest.split_whitespace();
                codes.insert(
                    parts.next().unwrap().to_string(),
                    parts.next().unwrap().to_string(),
                );
            }
        }
        assert!(host.starts_with("127.0.0.1:"), "{host}");
        // Keep reading what it prints so that it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Served {
            child,
            host,
            token_path,
            codes,
        }
    }

    fn origin(&self) -> String {
        format!("http://{}", self.host)
    }

    fn get(&self, path: &str, cookie: &str) -> Reply {
        request(&self.host, "GET", path, &[("Cookie", cookie)], "")
    }

    /// A form post from this site's own page (its Origin).
    fn post(&self, path: &str, cookie: &str, body: &str) -> Reply {
        let origin = self.origin();
        request(
            &self.host,
            "POST",
            path,
            &[("Cookie", cookie), ("Origin", &origin)],
            body,
        )
    }

    /// Joins with `code`; the group cookie.
    fn join(&self, code: &str) -> String {
        let reply = self.post("/join", "", &form(&[("code", code)]));
        assert_eq!(reply.status, 303, "{}", reply.body);
        reply.cookie().expect("a group cookie")
    }

    /// Opens the dashboard; the facilitator cookie.
    fn facilitator(&self) -> String {
        let reply = self.get(&self.token_path, "");
        assert_eq!(reply.status, 303);
        reply.cookie().expect("a facilitator cookie")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    head: String,
    body: String,
}

impl Reply {
    /// `name=value` of the cookie it sets; checks its attributes.
    fn cookie(&self) -> Option<String> {
        let line = self
            .head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))?;
        assert!(
            line.contains("HttpOnly") && line.contains("SameSite=Strict"),
            "{line}"
        );
        Some(line[11..].trim().split(';').next()?.to_string())
    }

    /// The value of `<input … name="NAME" value="…">` on the page.
    fn input(&self, name: &str) -> String {
        self.try_input(name)
            .unwrap_or_else(|| panic!("no {name} in {}", self.body))
    }

    fn try_input(&self, name: &str) -> Option<String> {
        let at = self.body.find(&format!("name=\"{name}\" value=\""))?;
        let rest = &self.body[at + name.len() + 15..];
        Some(rest[..rest.find('"')?].to_string())
    }
}

/// One HTTP/1.1 request on a new connection.
fn request(host: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    // A server that is gone (killed on purpose) answers with status 0.
    let refused = || Reply {
        status: 0,
        head: String::new(),
        body: String::new(),
    };
    let Ok(mut stream) = TcpStream::connect(host) else {
        return refused();
    };
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut text = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (name, value) in headers.iter().filter(|(_, v)| !v.is_empty()) {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    if method == "POST" {
        text.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
        text.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    text.push_str("\r\n");
    text.push_str(body);
    if stream.write_all(text.as_bytes()).is_err() {
        return refused();
    }
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Reply {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The form the page's script posts for a ranking of V2's `s2_measures`:
/// each option ranked at its place in `ranked`.
fn ranking_form(csrf: &str, ranked: &[&str]) -> String {
    let places: Vec<(String, String)> = ranked
        .iter()
        .enumerate()
        .map(|(i, o)| (format!("s2_measures@{o}"), (i + 1).to_string()))
        .collect();
    let mut pairs: Vec<(&str, &str)> = vec![
        ("csrf", csrf),
        ("vignette", "V2"),
        ("stage", "2"),
        ("only", "s2_measures"),
        ("js", "1"),
    ];
    pairs.extend(places.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    form(&pairs)
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Session `s`: groups G1 and G2, each with V2 (three stages: every prompt kind).
fn session(db: &Db) -> String {
    let out = db.new_session(&["--groups", "2", "--vignettes", "V2", "--seed", "1"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

fn reveal(served: &Served, facilitator: &str, group: Option<&str>) {
    let dashboard = served.get("/dashboard", facilitator);
    assert_eq!(dashboard.status, 200);
    let csrf = dashboard.input("csrf");
    let mut pairs = vec![("csrf", csrf.as_str()), ("session", "s")];
    if let Some(group) = group {
        pairs.push(("group", group));
    }
    let reply = served.post("/dashboard/reveal", facilitator, &form(&pairs));
    assert_eq!(reply.status, 303, "{}", reply.body);
}

#[test]
fn session_new_prints_codes_and_serve_prints_the_same() {
    let db = Db::new();
    let printed = session(&db);
    let served = Served::start(&db, &[]);
    assert_eq!(served.codes.len(), 2);
    for (group, code) in &served.codes {
        assert!(printed.contains(&format!("{group} {code}")), "{printed}");
        assert_eq!(code.len(), 11, "{code}");
    }
    let design = db.ok(&["session", "design", "s"]);
    assert!(design.contains(&served.codes["G1"]), "{design}");
}

#[test]
fn groups_answer_every_prompt_kind_and_export_has_them_with_source_web() {
    let db = Db::new();
    session(&db);
    let served = Served::start(&db, &[]);
    // Typed in lower case with spaces, as people do.
    let typed = served.codes["G1"].to_lowercase().replace('-', " ");
    let g1 = served.join(&typed);
    let facilitator = served.facilitator();

    let page = served.get("/group", &g1);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<html lang=\"nb\">"));
    assert!(
        page.body.contains("Kursholderen viser neste del"),
        "waiting, in bokmål"
    );
    assert!(
        !page.body.contains("name=\"s1_do\""),
        "nothing shown before a reveal"
    );

    for _ in 0..3 {
        reveal(&served, &facilitator, None);
    }
    let page = served.get("/group", &g1);
    for id in [
        "s1_do",
        "s1_first_action",
        "s1_seriousness",
        "s2_measures@class_program",
        "s3_next_steps",
    ] {
        assert!(page.body.contains(&format!("name=\"{id}\"")), "{id}");
    }
    let csrf = page.input("csrf");
    // Stage 1 as a plain form post (no script): text, single, Likert.
    let reply = served.post(
        "/group/answer",
        &g1,
        &form(&[
            ("csrf", &csrf),
            ("vignette", "V2"),
            ("stage", "1"),
            ("s1_do", "Snakke med Lea i dag."),
            ("s1_first_action", "talk_with_lea"),
            ("s1_seriousness", "4"),
        ]),
    );
    assert_eq!(reply.status, 303, "{}", reply.body);
    // Stage 2's ranking and stage 3's choices as the script saves them, one prompt at a time.
    let ranks = [
        "class_program",
        "joint_meeting",
        "activity_plan",
        "lea_home",
        "parent_meeting",
        "separate_talks",
    ];
    let reply = served.post("/group/answer", &g1, &ranking_form(&csrf, &ranks));
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (200, r#"{"saved":["s2_measures"]}"#)
    );
    let reply = served.post(
        "/group/answer",
        &g1,
        &form(&[
            ("csrf", &csrf),
            ("vignette", "V2"),
            ("stage", "3"),
            ("only", "s3_next_steps"),
            ("js", "1"),
            ("s3_next_steps", "continue_plan"),
            ("s3_next_steps", "mapping"),
        ]),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    // A wrong value is refused with the reason, in the session's language.
    let reply = served.post(
        "/group/answer",
        &g1,
        &form(&[
            ("csrf", &csrf),
            ("vignette", "V2"),
            ("stage", "1"),
            ("only", "s1_seriousness"),
            ("js", "1"),
            ("s1_seriousness", "9"),
        ]),
    );
    assert_eq!(reply.status, 422);
    assert!(
        reply.body.contains("Svaret kunne ikke lagres"),
        "{}",
        reply.body
    );

    // A reload shows every answer.
    let page = served.get("/group", &g1);
    assert!(page.body.contains("Snakke med Lea i dag."));
    assert!(page.body.contains("value=\"talk_with_lea\" checked"));
    assert!(page.body.contains("value=\"4\" checked"));
    assert!(page.body.contains("value=\"mapping\" checked"));
    assert!(page.body.contains("<option value=\"1\" selected>"));

    let export = db.ok(&["session", "export", "s"]);
    let text = export;
    for prompt in [
        "s1_do",
        "s1_first_action",
        "s1_seriousness",
        "s2_measures",
        "s3_next_steps",
    ] {
        assert!(text.contains(prompt), "{prompt} in {text}");
    }
    assert!(text.contains("\"web\""), "{text}");
    assert!(!text.contains("\"terminal\""));
}

#[test]
fn a_group_may_rank_only_its_top_three_where_the_prompt_allows_it() {
    let bank = TempBank::shipped();
    bank.edit_json("vignettes/V2.json", |v| {
        v["stages"][1]["prompts"][4]["min_ranked"] = 3.into();
    });
    let db = Db::new();
    let out = db.new_session(&[
        "--groups",
        "1",
        "--vignettes",
        "V2",
        "--seed",
        "1",
        "--bank",
        bank.path().to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let served = Served::start(&db, &[]);
    let g1 = served.join(&served.codes["G1"]);
    let facilitator = served.facilitator();
    for _ in 0..2 {
        reveal(&served, &facilitator, None);
    }
    let page = served.get("/group", &g1);
    assert!(
        page.body
            .contains("Gi minst de 3 viktigste alternativene hver sin plass"),
        "the hint says how many"
    );
    assert!(page.body.contains("data-ranked=\"3\""));
    let csrf = page.input("csrf");
    let post = |ranked: &[&str]| served.post("/group/answer", &g1, &ranking_form(&csrf, ranked));
    let two = post(&["lea_home", "separate_talks"]);
    assert_eq!(two.status, 422, "{}", two.body);
    assert!(
        two.body
            .contains("only 2 ranked; rank at least the top 3 of the 6 options"),
        "{}",
        two.body
    );
    let three = post(&["lea_home", "separate_talks", "class_program"]);
    assert_eq!(
        (three.status, three.body.as_str()),
        (200, r#"{"saved":["s2_measures"]}"#)
    );
    let export = db.ok(&["session", "export", "s", "--format", "jsonl"]);
    assert!(
        export.contains(r#""value":["lea_home","separate_talks","class_program"]"#),
        "{export}"
    );
}

#[test]
fn a_group_reads_and_writes_only_its_own_answers() {
    let db = Db::new();
    session(&db);
    let served = Served::start(&db, &[]);
    let g1 = served.join(&served.codes["G1"]);
    let g2 = served.join(&served.codes["G2"]);
    let facilitator = served.facilitator();
    reveal(&served, &facilitator, None);
    let g1_csrf = served.get("/group", &g1).input("csrf");
    let g2_csrf = served.get("/group", &g2).input("csrf");
    let answer = |csrf: &str, text: &str| {
        form(&[
            ("csrf", csrf),
            ("vignette", "V2"),
            ("stage", "1"),
            ("only", "s1_do"),
            ("js", "1"),
            ("s1_do", text),
        ])
    };
    let secret = "<script>alert('G1')</script> Vi snakker med Lea.";
    assert_eq!(
        served
            .post("/group/answer", &g1, &answer(&g1_csrf, secret))
            .status,
        200
    );

    // G2's page does not show it, and G2 cannot write it with G1's token …
    assert!(
        !served
            .get("/group", &g2)
            .body
            .contains("Vi snakker med Lea")
    );
    assert_eq!(
        served
            .post("/group/answer", &g2, &answer(&g1_csrf, "G2 skriver"))
            .status,
        403
    );
    // … and with its own, writes only its own.
    assert_eq!(
        served
            .post("/group/answer", &g2, &answer(&g2_csrf, "G2 skriver"))
            .status,
        200
    );
    // No cookie, a wrong cookie: no page, no save.
    for cookie in ["", "vignette_group=ACDEFHJKM", "vignette_group=../../etc"] {
        let page = served.get("/group", cookie);
        assert_eq!(page.status, 303, "{cookie}");
        assert!(!page.body.contains("Vi snakker"));
        assert_eq!(
            served
                .post("/group/answer", cookie, &answer(&g1_csrf, "x"))
                .status,
            403,
            "{cookie}"
        );
    }
    // A forged form from another site, even with the right cookie and token.
    let forged = request(
        &served.host,
        "POST",
        "/group/answer",
        &[("Cookie", &g1), ("Origin", "http://evil.example")],
        &answer(&g1_csrf, "forged"),
    );
    assert_eq!(forged.status, 403);
    let forged = served.post("/group/answer", &g1, &answer("", "forged"));
    assert_eq!(forged.status, 403, "no form token");
    // A group is not the facilitator.
    assert_eq!(served.get("/dashboard", &g1).status, 403);
    let reveal_as_group = served.post(
        "/dashboard/reveal",
        &g1,
        &form(&[("csrf", &g1_csrf), ("session", "s")]),
    );
    assert_eq!(reveal_as_group.status, 403);

    let responses = Store::open(&db.path()).unwrap().responses("s").unwrap();
    let by_group: Vec<(&str, &str)> = responses
        .iter()
        .map(|r| (r.answer.group.as_str(), r.answer.value.as_str().unwrap()))
        .collect();
    assert_eq!(by_group, [("G1", secret), ("G2", "G2 skriver")]);

    // The dashboard shows the script as text.
    let dashboard = served.get("/dashboard", &facilitator).body;
    assert!(
        dashboard.contains("&lt;script&gt;alert(&#x27;G1&#x27;)&lt;&#x2f;script&gt;"),
        "{dashboard}"
    );
    assert!(!dashboard.contains("<script>alert"));
}

#[test]
fn limits_codes_bodies_answers_and_paths() {
    let db = Db::new();
    session(&db);
    let served = Served::start(&db, &[]);
    let g1 = served.join(&served.codes["G1"]);
    let facilitator = served.facilitator();
    reveal(&served, &facilitator, None);
    let csrf = served.get("/group", &g1).input("csrf");

    let long = "a".repeat(3001);
    let reply = served.post(
        "/group/answer",
        &g1,
        &form(&[
            ("csrf", &csrf),
            ("vignette", "V2"),
            ("stage", "1"),
            ("only", "s1_do"),
            ("js", "1"),
            ("s1_do", &long),
        ]),
    );
    assert_eq!(reply.status, 422);
    assert!(
        reply
            .body
            .contains("Svaret er for langt: 3001 tegn, høyst 3000"),
        "{}",
        reply.body
    );
    let huge = "a".repeat(70 * 1024);
    let reply = served.post(
        "/group/answer",
        &g1,
        &form(&[
            ("csrf", &csrf),
            ("vignette", "V2"),
            ("stage", "1"),
            ("s1_do", &huge),
        ]),
    );
    assert_eq!(reply.status, 413);
    assert!(reply.body.contains("for stort"), "{}", reply.body);
    // A stage not shown yet cannot be answered.
    let reply = served.post(
        "/group/answer",
        &g1,
        &form(&[
            ("csrf", &csrf),
            ("vignette", "V2"),
            ("stage", "2"),
            ("only", "s2_do"),
            ("js", "1"),
            ("s2_do", "x"),
        ]),
    );
    assert_eq!(reply.status, 409);

    for path in [
        "/assets/../Cargo.toml",
        "/assets/%2e%2e%2fCargo.toml",
        "/assets/style.css/../../src/main.rs",
        "/../../etc/passwd",
        "/assets/base.html",
    ] {
        let reply = served.get(path, "");
        assert_eq!(reply.status, 404, "{path}");
        assert!(
            !reply.body.contains("[package]") && !reply.body.contains("fn main"),
            "{path}"
        );
    }
    assert_eq!(served.get("/assets/style.css", "").status, 200);

    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(
            served
                .post("/join", "", &form(&[("code", "AAA-AAA-AAA")]))
                .status,
        );
    }
    assert_eq!(&statuses[..10], &[401; 10]);
    assert_eq!(statuses[11], 429);
    let page = served.post("/join", "", &form(&[("code", &served.codes["G2"])]));
    assert_eq!(page.status, 429, "even a right code waits out the limit");
    assert!(page.body.contains("For mange feil koder"));
}

#[test]
fn facilitator_locks_closes_and_renews_codes() {
    let db = Db::new();
    session(&db);
    let served = Served::start(&db, &[]);
    let g1 = served.join(&served.codes["G1"]);
    let facilitator = served.facilitator();
    assert_eq!(served.get("/f/WRONGTOKEN", "").status, 404);
    reveal(&served, &facilitator, Some("G1"));
    let csrf = served.get("/dashboard", &facilitator).input("csrf");
    let projector = served.get("/projector", &facilitator);
    assert!(projector.body.contains(&served.host));
    assert!(projector.body.contains("<svg"), "the QR code");
    assert!(
        !projector.body.contains(&served.codes["G1"]),
        "codes only when asked"
    );
    assert!(
        served
            .get("/projector?codes=1", &facilitator)
            .body
            .contains(&served.codes["G1"])
    );

    let g_csrf = served.get("/group", &g1).input("csrf");
    let answer = form(&[
        ("csrf", &g_csrf),
        ("vignette", "V2"),
        ("stage", "1"),
        ("only", "s1_do"),
        ("js", "1"),
        ("s1_do", "Tidlig svar."),
    ]);
    assert_eq!(served.post("/group/answer", &g1, &answer).status, 200);
    let act = |action: &str, extra: &[(&str, &str)]| {
        let mut pairs = vec![("csrf", csrf.as_str()), ("session", "s")];
        pairs.extend_from_slice(extra);
        served
            .post(&format!("/dashboard/{action}"), &facilitator, &form(&pairs))
            .status
    };
    assert_eq!(act("lock", &[]), 303);
    let reply = served.post("/group/answer", &g1, &answer);
    assert_eq!(reply.status, 409);
    assert!(reply.body.contains("låst"), "{}", reply.body);

    assert_eq!(act("code", &[("group", "G1")]), 303);
    assert_eq!(
        served.get("/group", &g1).status,
        303,
        "the old code no longer opens the page"
    );
    let printed = served.codes["G1"].clone();
    let renewed = served.get("/dashboard", &facilitator).body;
    assert!(!renewed.contains(&printed));

    assert_eq!(act("close", &[]), 303);
    let status = db.ok(&["session", "list"]);
    assert!(status.contains("closed"), "{status}");
    assert_eq!(act("reveal", &[]), 409);
}

/// Reads a server-sent event stream until an event `change` arrives.
fn wait_for_change(stream: &mut BufReader<TcpStream>) -> bool {
    let mut line = String::new();
    while stream.read_line(&mut line).unwrap_or(0) > 0 {
        if line.trim_end() == "event: change" {
            return true;
        }
        line.clear();
    }
    false
}

fn open_events(served: &Served, path: &str, cookie: &str) -> BufReader<TcpStream> {
    let mut stream = TcpStream::connect(&served.host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nAccept: text/event-stream\r\n\r\n",
        served.host
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    reader
}

#[test]
fn pages_learn_of_reveals_from_the_dashboard_and_from_the_terminal_runner() {
    let db = Db::new();
    session(&db);
    let served = Served::start(&db, &[]);
    let g2 = served.join(&served.codes["G2"]);
    let facilitator = served.facilitator();
    let mut events = open_events(&served, "/group/events", &g2);
    reveal(&served, &facilitator, None);
    assert!(wait_for_change(&mut events), "a reveal on the dashboard");
    assert!(served.get("/group", &g2).body.contains("name=\"s1_do\""));

    // Another process (as `session run` does) reveals stage 2 through the store.
    let mut store = Store::open(&db.path()).unwrap();
    store.reveal("s", "G2", "V2", 2).unwrap();
    assert!(wait_for_change(&mut events), "a reveal by another process");
    assert!(served.get("/group", &g2).body.contains("name=\"s2_do\""));
    let status = db.ok(&["session", "status", "s", "--format", "json"]);
    assert!(status.contains("\"G2\""), "{status}");

    assert_eq!(served.get("/group/events", "").status, 403);
    assert_eq!(served.get("/dashboard/events", &g2).status, 403);
}

#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let db = Db::new();
    session(&db);
    let mut served = Served::start(&db, &[]);
    let _events = open_events(&served, "/group/events", &served.join(&served.codes["G1"]));
    let pid = served.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = served.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn serve_refuses_what_it_cannot_serve() {
    let db = Db::new();
    session(&db);
    let out = db.run(&["serve", "nope", "--addr", "127.0.0.1:0"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    db.ok(&["session", "close", "s"]);
    let out = db.run(&["serve", "--addr", "127.0.0.1:0"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no open session"), "{}", out.stderr);
    let out = db.run(&["serve", "--addr", "nowhere"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("HOST:PORT"), "{}", out.stderr);
}

/// SIGKILL while 30 groups save over the loopback: after a restart every
/// save that got a success response is stored, and the file is sound.
#[test]
fn a_killed_server_loses_no_acknowledged_answer() {
    let db = Db::new();
    let out = db.new_session(&["--groups", "30", "--vignettes", "V2", "--seed", "3"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut served = Served::start(&db, &[]);
    let facilitator = served.facilitator();
    reveal(&served, &facilitator, None);
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(String, String)>::new()));
    let mut workers = Vec::new();
    for (group, code) in served.codes.clone() {
        let host = served.host.clone();
        let origin = served.origin();
        let acknowledged = acknowledged.clone();
        workers.push(std::thread::spawn(move || {
            let join = request(
                &host,
                "POST",
                "/join",
                &[("Origin", &origin)],
                &form(&[("code", &code)]),
            );
            let Some(cookie) = join.cookie() else { return };
            let page = request(&host, "GET", "/group", &[("Cookie", &cookie)], "");
            let Some(csrf) = page.try_input("csrf") else {
                return;
            };
            for i in 0.. {
                let text = format!("{group} svar {i}");
                let body = form(&[
                    ("csrf", &csrf),
                    ("vignette", "V2"),
                    ("stage", "1"),
                    ("only", "s1_do"),
                    ("js", "1"),
                    ("s1_do", &text),
                ]);
                let reply = request(
                    &host,
                    "POST",
                    "/group/answer",
                    &[("Cookie", &cookie), ("Origin", &origin)],
                    &body,
                );
                if reply.status != 200 {
                    return;
                }
                acknowledged.lock().unwrap().push((group.clone(), text));
            }
        }));
    }
    // Kill once every group has saved and all have saved a fair amount.
    let saving = |acknowledged: &[(String, String)]| {
        let groups: std::collections::HashSet<&str> =
            acknowledged.iter().map(|(g, _)| g.as_str()).collect();
        groups.len() == 30 && acknowledged.len() >= 150
    };
    while !saving(&acknowledged.lock().unwrap()) && workers.iter().any(|w| !w.is_finished()) {
        std::thread::sleep(Duration::from_millis(20));
    }
    served.child.kill().unwrap();
    served.child.wait().unwrap();
    for worker in workers {
        worker.join().unwrap();
    }
    let store = Store::open(&db.path()).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let stored: std::collections::HashSet<(String, String)> = store
        .responses("s")
        .unwrap()
        .into_iter()
        .map(|r| (r.answer.group, r.answer.value.as_str().unwrap().to_string()))
        .collect();
    let acknowledged = acknowledged.lock().unwrap();
    assert!(acknowledged.len() >= 150);
    for saved in acknowledged.iter() {
        assert!(
            stored.contains(saved),
            "{saved:?} was acknowledged but is not stored"
        );
    }
    // The server starts again on the same file.
    drop(store);
    let again = Served::start(&db, &[]);
    assert_eq!(again.codes.len(), 30);
}
