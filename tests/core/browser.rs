//! The participants' page and the trainer's page in a real headless browser (Debian's `chromium` driven
//! through `chromium-driver` over WebDriver): a phone joins by the QR code's address, judges privately,
//! survives a reload, and the trainer's page counts the answer. Skipped when chromedriver is not
//! installed, unless SECOND_LOOK_REQUIRE_BROWSER=1 (as CI sets), when its absence fails the test.

use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use second_look::workshop::client::request;
use serde_json::{Value, json};

use super::workshop::{Ws, start};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver {
    child: Child,
    addr: SocketAddr,
    session: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = request(
            self.addr,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
            None,
        );
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")
        .map(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join(program))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter()
        .find(|p| p.is_file())
}

fn call(addr: SocketAddr, method: &str, path: &str, body: Option<Value>) -> Value {
    let body = body.map(|b| b.to_string());
    let r = request(addr, method, path, None, body.as_deref()).expect("webdriver request");
    assert!(
        r.status < 400,
        "webdriver {method} {path}: {} {}",
        r.status,
        r.body
    );
    r.json()["value"].clone()
}

impl Driver {
    /// Starts chromedriver and a headless chromium the size of a phone; `None` if not installed.
    fn start() -> Option<Driver> {
        let Some(driver) = find("chromedriver") else {
            assert!(
                std::env::var("SECOND_LOOK_REQUIRE_BROWSER").as_deref() != Ok("1"),
                "chromedriver is not installed: `apt-get install chromium chromium-driver` (bash .ci/run does)"
            );
            eprintln!(
                "skipped: chromedriver is not installed (apt-get install chromium chromium-driver)"
            );
            return None;
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let ready = Instant::now();
        while request(addr, "GET", "/status", None, None).is_err() {
            assert!(
                ready.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut options = json!({"args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--window-size=390,844",
        ]});
        if let Some(chromium) = find("chromium") {
            options["binary"] = json!(chromium);
        }
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}});
        let mut driver = Driver {
            child,
            addr,
            session: String::new(),
        };
        let session = call(addr, "POST", "/session", Some(caps));
        driver.session = session["sessionId"]
            .as_str()
            .expect("a session")
            .to_string();
        Some(driver)
    }

    fn path(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    fn go(&self, url: &str) {
        call(
            self.addr,
            "POST",
            &self.path("/url"),
            Some(json!({ "url": url })),
        );
    }

    fn script(&self, js: &str) -> Value {
        call(
            self.addr,
            "POST",
            &self.path("/execute/sync"),
            Some(json!({"script": js, "args": []})),
        )
    }

    /// Waits until `js` (an expression) is true in the page.
    fn wait_for(&self, js: &str) {
        let start = Instant::now();
        while self.script(&format!("return !!({js});")) != json!(true) {
            let text = self.script("return document.body ? document.body.innerText : ''");
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "timed out waiting for {js}; the page says:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    fn element(&self, css: &str) -> String {
        let v = call(
            self.addr,
            "POST",
            &self.path("/element"),
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_string()
    }

    fn click(&self, css: &str) {
        let e = self.element(css);
        call(
            self.addr,
            "POST",
            &self.path(&format!("/element/{e}/click")),
            Some(json!({})),
        );
    }

    fn type_into(&self, css: &str, text: &str) {
        let e = self.element(css);
        call(
            self.addr,
            "POST",
            &self.path(&format!("/element/{e}/clear")),
            Some(json!({})),
        );
        call(
            self.addr,
            "POST",
            &self.path(&format!("/element/{e}/value")),
            Some(json!({ "text": text })),
        );
    }

    fn screenshot(&self, to: &std::path::Path) {
        let data = call(self.addr, "GET", &self.path("/screenshot"), None);
        if let Some(bytes) = data.as_str().and_then(base64_decode) {
            let _ = std::fs::write(to, bytes);
        }
    }
}

/// Standard base64, enough for a screenshot.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let clean: Vec<u8> = text
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= value(*c)? << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

fn visible(css: &str) -> String {
    format!(
        "(() => {{ const e = document.querySelector('{css}'); return e && !e.closest('[hidden]') && e.offsetParent !== null; }})()"
    )
}

#[test]
fn a_phone_joins_by_the_qr_address_judges_privately_and_survives_a_reload() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let ws: Ws = start(&["gp", "police"]);
    let join = ws
        .server
        .join
        .url
        .replace(&ws.server.join.base, &format!("http://{}", ws.addr()));
    driver.go(&join);
    driver.wait_for(&format!("document.querySelector('#room-code') && document.querySelector('#room-code').value === '{}'", ws.code));
    driver.click("#room-submit");
    driver.wait_for(&visible("#join-name"));
    driver.type_into("#join-name", "Hannah");
    driver.click("input[value=gp]");
    driver.click("#join-submit");
    driver.wait_for(&visible("#case-title"));
    {
        let room = ws.live.room();
        assert_eq!(room.participants.len(), 1);
        assert_eq!(
            (
                room.participants[0].name.as_str(),
                room.participants[0].agency.as_deref()
            ),
            ("Hannah", Some("gp"))
        );
    }
    // The GP's own records are on the phone, and not on the table.
    driver.wait_for("document.querySelector('#held') && !document.querySelector('#held').hidden");

    let r = ws.fac_post("/api/facilitator/open-checkpoint", json!({}));
    assert_eq!(r.status, 200, "{}", r.body);
    let checkpoint = r.json()["checkpoint"].as_str().unwrap().to_string();
    driver.wait_for(&visible("#judge-body input[type=number]"));
    let ids: Vec<String> = serde_json::from_value(driver.script("return [...document.querySelectorAll('#judge-body input[type=number]')].map(e => '#' + e.id);")).unwrap();
    assert_eq!(ids.len(), 3, "a number per explanation");
    for (id, value) in ids.iter().zip(["50", "30", "20"]) {
        driver.type_into(id, value);
    }
    driver.type_into(
        "#judge-body textarea",
        "<img src=x onerror=\"window.pwned=1\"> the bruise",
    );
    driver.wait_for("!document.querySelector('#judge-body button[type=submit]').disabled");
    driver.click("#judge-body button[type=submit]");
    let start_wait = Instant::now();
    while ws.live.stored_submissions().unwrap() == 0 {
        assert!(
            start_wait.elapsed() < Duration::from_secs(10),
            "the judgement never arrived"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let results = ws
        .get(
            &format!("/api/facilitator/results?checkpoint={checkpoint}"),
            Some(&ws.fac),
        )
        .json();
    assert_eq!(
        results["hypotheses"][0]["histogram"][5], 1,
        "50% for the first explanation"
    );
    assert_eq!(
        results["hypotheses"][2]["histogram"][2], 1,
        "20% for the third"
    );

    // A reload keeps the place and the answer.
    driver.go(&join);
    driver.wait_for(&visible("#judge-body input[type=number]"));
    driver.wait_for(&format!(
        "document.querySelector('{}').value === '50'",
        ids[0]
    ));
    assert_eq!(
        driver.script("return window.pwned === undefined"),
        json!(true)
    );
    driver
        .screenshot(&std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("workshop-phone.png"));

    // The trainer's page, given its token after '#', shows the count and takes the token out of the address.
    let fac = format!("http://{}/facilitator#{}", ws.addr(), ws.fac);
    driver.go(&fac);
    driver.wait_for("document.body.innerText.includes('1 of 1')");
    driver.wait_for(
        "!location.hash.includes(sessionStorage.getItem('second-look-facilitator') || 'none')",
    );
    driver.screenshot(
        &std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("workshop-trainer.png"),
    );
}
