//! Load benchmark of `vignette serve` (not a timed test): 100 groups each
//! save one answer a second for 60 s over the loopback, against the release
//! binary in its own process, each save a form post on a new connection
//! answered after its commit (WAL, synchronous=FULL). Prints the saves,
//! throughput, median and 99th-percentile latency, failures, and the
//! server's peak memory (VmHWM).
//!
//! `cargo bench --bench serve`; `-- GROUPS SECONDS` to change the load
//! (e.g. `-- 30 10` for a quick look).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use vignette::bank::{self, BankSource};
use vignette::session::{self, SessionSpec, VignetteChoice};
use vignette::store::{GroupRecord, Store};

fn main() {
    let numbers: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let groups = numbers.first().copied().unwrap_or(100) as usize;
    let seconds = numbers.get(1).copied().unwrap_or(60);

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("serve.db");
    let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
    let mut store = Store::open(&db).unwrap();
    let spec = SessionSpec {
        id: Some("load".to_string()),
        study: "inkluderende-miljo".to_string(),
        offering: "nettbasert".to_string(),
        phase: "baseline".to_string(),
        cohort: "1".to_string(),
        site: "Bodø".to_string(),
        site_attributes: BTreeMap::from([
            ("sector".to_string(), "school".to_string()),
            ("centrality".to_string(), "urban".to_string()),
        ]),
        language: None,
        groups: (1..=groups)
            .map(|i| GroupRecord {
                label: format!("G{i}"),
                roles: BTreeMap::new(),
            })
            .collect(),
        vignettes: VignetteChoice::Listed(vec!["V2".to_string()]),
        form: None,
        seed: 1,
    };
    session::plan(&bank, &spec)
        .unwrap()
        .store(&mut store)
        .unwrap();
    for g in 1..=groups {
        store.reveal("load", &format!("G{g}"), "V2", 1).unwrap();
    }
    drop(store);

    let mut server = Command::new(env!("CARGO_BIN_EXE_vignette"))
        .arg("--db")
        .arg(&db)
        .args(["serve", "load", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let mut host = String::new();
    let mut codes = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("listening on http://") {
            host = rest.split('/').next().unwrap().to_string();
        } else if let Some(rest) = line.strip_prefix("  ") {
            codes.push(rest.split_whitespace().nth(1).unwrap().to_string());
        } else if line.starts_with("facilitator:") {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});

    let start = Instant::now() + Duration::from_millis(500);
    let workers: Vec<_> = codes
        .into_iter()
        .enumerate()
        .map(|(i, code)| {
            let host = host.clone();
            std::thread::spawn(move || group(&host, &code, i, groups, start, seconds))
        })
        .collect();
    let mut latencies = Vec::new();
    let mut failures = 0;
    for worker in workers {
        let (mine, failed) = worker.join().unwrap();
        latencies.extend(mine);
        failures += failed;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", server.id())).unwrap_or_default();
    let peak = status
        .lines()
        .find(|l| l.starts_with("VmHWM"))
        .unwrap_or("VmHWM: ?")
        .to_string();
    let _ = server.kill();
    let _ = server.wait();

    latencies.sort_unstable();
    let quantile = |q: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * q).round() as usize)
            .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    };
    println!("{groups} groups, one save a second each for {seconds} s, over the loopback");
    println!(
        "saves: {} acknowledged, {failures} failed; throughput {:.1} saves/s",
        latencies.len(),
        latencies.len() as f64 / elapsed
    );
    println!(
        "latency: median {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        quantile(0.5),
        quantile(0.99),
        quantile(1.0)
    );
    println!(
        "server peak memory: {}",
        peak.split_whitespace()
            .skip(1)
            .collect::<Vec<_>>()
            .join(" ")
    );
}

/// One group: joins, then saves one answer a second; its save latencies and failures.
fn group(
    host: &str,
    code: &str,
    index: usize,
    groups: usize,
    start: Instant,
    seconds: u64,
) -> (Vec<Duration>, usize) {
    let origin = format!("http://{host}");
    let join = post(host, &origin, "", &format!("code={code}"));
    let cookie = join
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .unwrap_or_default()
        .to_string();
    let page = get(host, &cookie, "/group");
    let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = page[at..at + 32].to_string();
    // Spread the groups over the second.
    let offset = Duration::from_secs(1).mul_f64(index as f64 / groups as f64);
    let mut latencies = Vec::new();
    let mut failures = 0;
    for tick in 0..seconds {
        let due = start + offset + Duration::from_secs(tick);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let body = format!(
            "csrf={csrf}&vignette=V2&stage=1&only=s1_do&js=1&s1_do=Vi+snakker+med+Lea+{tick}"
        );
        let sent = Instant::now();
        let reply = post(host, &origin, &cookie, &body);
        if reply.starts_with("HTTP/1.1 200") {
            latencies.push(sent.elapsed());
        } else {
            failures += 1;
        }
    }
    (latencies, failures)
}

fn post(host: &str, origin: &str, cookie: &str, body: &str) -> String {
    let path = if cookie.is_empty() {
        "/join"
    } else {
        "/group/answer"
    };
    exchange(
        host,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\nCookie: {cookie}\r\nConnection: close\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
}

fn get(host: &str, cookie: &str, path: &str) -> String {
    exchange(
        host,
        &format!(
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
        ),
    )
}

fn exchange(host: &str, request: &str) -> String {
    let Ok(mut stream) = TcpStream::connect(host) else {
        return String::new();
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    if stream.write_all(request.as_bytes()).is_err() {
        return String::new();
    }
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    reply
}
