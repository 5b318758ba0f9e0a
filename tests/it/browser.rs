//! The web face end to end in a real headless Chromium (Debian's `chromium`
//! and `chromium-driver`, which `.ci/run` installs), driven through
//! WebDriver: two groups join with their codes in separate browser
//! profiles at phone width, answer every prompt kind with the page's
//! script, see "Lagret"; the facilitator reveals the next stage from the
//! dashboard in a third profile and both pages show it without a reload;
//! a reload keeps every answer; `session export` has them with source
//! `web`; the second group's page neither shows nor can change the first
//! group's answers.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::common::{BIN, Db};

/// A bound for every wait on the browser (never a measure of speed).
const PATIENCE: Duration = Duration::from_secs(30);

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// chromedriver, which quits every browser it started when it is dropped
/// (also when the test fails), so that no Chromium outlives the test.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        use std::io::Write;
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) {
            let _ = stream.write_all(
                b"GET /shutdown HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            );
            let _ = std::io::Read::read_to_end(&mut stream, &mut Vec::new());
        }
        let started = Instant::now();
        while started.elapsed() < PATIENCE && matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// chromedriver on a free port of the loopback.
fn chromedriver() -> (Driver, String) {
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver runs (apt-get install chromium chromium-driver; .ci/run does)");
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < PATIENCE, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (Driver { child, port }, format!("http://127.0.0.1:{port}"))
}

/// A browser with a fresh profile of its own (its own cookies).
async fn browser(driver: &str, profile: &std::path::Path, width: u32) -> Client {
    let mut options = json!({
        "binary": "/usr/bin/chromium",
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage",
            format!("--user-data-dir={}", profile.display()),
            format!("--window-size={},900", width.max(800)),
        ],
    });
    if width < 500 {
        // Headless windows are at least 500 px wide: a phone is emulated.
        options["mobileEmulation"] =
            json!({ "deviceMetrics": { "width": width, "height": 780, "pixelRatio": 1.0 } });
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".to_string(), options);
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(driver)
        .await
        .expect("a Chromium session")
}

/// Waits until `script` (a JavaScript expression) is true on the page.
async fn until(client: &Client, script: &str) {
    let started = Instant::now();
    loop {
        let value = client
            .execute(&format!("return !!({script});"), vec![])
            .await
            .unwrap_or(json!(false));
        if value == json!(true) {
            return;
        }
        if started.elapsed() > PATIENCE {
            let url = client
                .current_url()
                .await
                .map(|u| u.to_string())
                .unwrap_or_default();
            let source = client.source().await.unwrap_or_default();
            panic!("waited in vain for {script} at {url}:\n{source}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn css(client: &Client, selector: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(selector))
        .await
        .unwrap_or_else(|e| panic!("{selector}: {e}"))
}

/// The status text of one prompt.
fn saved(prompt: &str) -> String {
    format!("document.querySelector('#p-V2-{prompt} .status').textContent === 'Lagret'")
}

async fn join(client: &Client, base: &str, code: &str) {
    client.goto(base).await.unwrap();
    css(client, "input#code")
        .await
        .send_keys(code)
        .await
        .unwrap();
    css(client, "form.join button").await.click().await.unwrap();
    until(client, "location.pathname === '/group'").await;
    // A mark that a reload would wipe: stages must appear without one.
    client
        .execute("window.notReloaded = true;", vec![])
        .await
        .unwrap();
}

async fn reveal_all(dashboard: &Client) {
    let before = dashboard
        .execute(
            "return document.querySelectorAll('.dot.on').length;",
            vec![],
        )
        .await
        .unwrap();
    // The grid is redrawn as updates arrive: find and click in one step, so
    // the button cannot go stale between the two.
    let button = "#grid .actions form:first-child button";
    css(dashboard, button).await;
    let clicked = dashboard
        .execute(
            &format!(
                "const b = document.querySelector('{button}'); if (b) {{ b.click(); return true; }} return false;"
            ),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        clicked,
        serde_json::Value::Bool(true),
        "the reveal button is there"
    );
    until(
        dashboard,
        &format!("document.querySelectorAll('.dot.on').length > {before}"),
    )
    .await;
}

async fn answer_stage_one(client: &Client, text: &str) {
    css(client, "#f-V2-s1_do")
        .await
        .send_keys(text)
        .await
        .unwrap();
    css(client, "#p-V2-s1_first_action input[value=talk_with_lea]")
        .await
        .click()
        .await
        .unwrap();
    // Keyboard only: focus the first Likert point, then arrow to 4.
    let point = css(client, "#p-V2-s1_seriousness input[value='1']").await;
    point.click().await.unwrap();
    point.send_keys("\u{E014}\u{E014}\u{E014}").await.unwrap();
    for prompt in ["s1_do", "s1_first_action", "s1_seriousness"] {
        until(client, &saved(prompt)).await;
    }
}

/// `vignette serve` on `port`, and the lines it printed up to the facilitator's link.
fn serve(db: &Db, port: u16) -> (Killed, Vec<String>) {
    use std::io::BufRead;
    let mut server = Command::new(BIN)
        .arg("--db")
        .arg(db.path())
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env_remove("VIGNETTE_DB")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(server.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.starts_with("facilitator:");
        printed.push(line);
        if done {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    (Killed(server), printed)
}

#[test]
fn two_groups_answer_in_chromium_while_the_facilitator_paces() {
    let db = Db::new();
    let out = db.new_session(&["--groups", "2", "--vignettes", "V2", "--seed", "1"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let port = free_port();
    let (server, printed) = serve(&db, port);
    let mut server = Some(server);
    let code = |group: &str| {
        printed
            .iter()
            .find_map(|l| l.trim().strip_prefix(group).map(|c| c.trim().to_string()))
            .unwrap()
    };
    let facilitator_url = printed
        .last()
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_string();
    let base = format!("http://127.0.0.1:{port}/");
    let (_driver, driver) = chromedriver();
    let profiles = [(); 3].map(|()| tempfile::tempdir().unwrap());

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let g1 = browser(&driver, profiles[0].path(), 360).await;
        let g2 = browser(&driver, profiles[1].path(), 360).await;
        let dashboard = browser(&driver, profiles[2].path(), 1200).await;
        join(&g1, &base, &code("G1").to_lowercase()).await;
        join(&g2, &base, &code("G2")).await;
        dashboard.goto(&facilitator_url).await.unwrap();
        until(&dashboard, "location.pathname === '/dashboard'").await;

        // Stage 1, revealed from the dashboard, appears on both pages.
        reveal_all(&dashboard).await;
        for page in [&g1, &g2] {
            css(page, "#st-V2-1").await;
        }
        answer_stage_one(&g1, "Vi snakker med Lea i dag <b>og</b> følger opp.").await;
        answer_stage_one(&g2, "G2 tar kontakt med foreldrene.").await;
        // The page fits a 360-px phone: nothing wider than the screen.
        until(&g1, "window.innerWidth === 360").await;
        until(&g1, "document.documentElement.scrollWidth <= window.innerWidth").await;

        // Stage 2: the ranking, by keyboard-operable selects.
        reveal_all(&dashboard).await;
        for page in [&g1, &g2] {
            css(page, "#st-V2-2").await;
            until(page, "window.notReloaded === true").await;
        }
        let options = ["class_program", "joint_meeting", "activity_plan", "lea_home", "parent_meeting", "separate_talks"];
        for (i, option) in options.iter().enumerate() {
            css(&g1, &format!("select[name='s2_measures@{option}']"))
                .await
                .select_by_value(&(i + 1).to_string())
                .await
                .unwrap();
        }
        until(&g1, &saved("s2_measures")).await;

        // Stage 3: several choices.
        reveal_all(&dashboard).await;
        css(&g1, "#st-V2-3").await;
        for option in ["continue_plan", "mapping"] {
            css(&g1, &format!("#p-V2-s3_next_steps input[value={option}]"))
                .await
                .click()
                .await
                .unwrap();
        }
        until(&g1, &saved("s3_next_steps")).await;
        until(&g1, "window.notReloaded === true").await;

        // A reload keeps every answer.
        g1.refresh().await.unwrap();
        until(&g1, "window.notReloaded === undefined").await;
        until(&g1, "document.querySelector('#f-V2-s1_do').value.includes('<b>og</b>')").await;
        for checked in [
            "#p-V2-s1_first_action input[value=talk_with_lea]",
            "#p-V2-s1_seriousness input[value='4']",
            "#p-V2-s3_next_steps input[value=mapping]",
        ] {
            until(&g1, &format!("document.querySelector(\"{checked}\").checked")).await;
        }
        until(&g1, "document.querySelector(\"select[name='s2_measures@lea_home']\").value === '4'").await;

        // The dashboard shows the answers as text.
        until(&dashboard, "document.body.textContent.includes('<b>og</b>')").await;

        // The server is killed while a group types: the page says the
        // answer is not saved and the connection is gone, keeps the text,
        // and saves it once the server is back (a restart keeps the codes).
        server.take();
        css(&g1, "#f-V2-s1_involve")
            .await
            .send_keys("Rektor og foreldrene til Lea.")
            .await
            .unwrap();
        until(&g1, "document.querySelector('#p-V2-s1_involve .status').classList.contains('fail')").await;
        until(&g1, "!document.getElementById('connection').hidden").await;
        let _restarted = serve(&db, port).0;
        until(&g1, &saved("s1_involve")).await;
        until(&g1, "document.querySelector('#f-V2-s1_involve').value === 'Rektor og foreldrene til Lea.'").await;

        // The second group's page shows nothing of the first's, and its
        // context cannot change the first group's answers: its cookie names G2,
        // and G1's form token is refused with it.
        let g2_source = g2.source().await.unwrap();
        assert!(!g2_source.contains("Vi snakker med Lea"));
        let g1_token = g1
            .execute("return document.querySelector('input[name=csrf]').value;", vec![])
            .await
            .unwrap();
        let status = g2
            .execute_async(
                "const [token, done] = arguments;
                 fetch('/group/answer', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},
                   body: 'js=1&vignette=V2&stage=1&only=s1_do&s1_do=overwritten&csrf=' + token})
                 .then(r => done(r.status));",
                vec![g1_token],
            )
            .await
            .unwrap();
        assert_eq!(status, json!(403));

        for client in [g1, g2, dashboard] {
            client.close().await.unwrap();
        }
    });

    let export = db.ok(&["session", "export", "s"]);
    let lines: Vec<serde_json::Value> = export
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let text = export.clone();
    for prompt in [
        "s1_do",
        "s1_first_action",
        "s1_seriousness",
        "s2_measures",
        "s3_next_steps",
    ] {
        assert!(text.contains(prompt), "{prompt}: {text}");
    }
    assert!(text.contains("Vi snakker med Lea i dag <b>og</b> følger opp."));
    assert!(text.contains("Rektor og foreldrene til Lea."));
    assert!(!text.contains("overwritten"));
    assert!(!lines.is_empty());
    assert!(text.contains("\"web\""), "{text}");
}
