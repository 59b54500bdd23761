//! Workshop mode over real HTTP on loopback: who sees what, private judgement and its spread, the
//! room's judgement and detector 17, sharing, tokens and room codes, malformed, oversized and replayed
//! requests, escaping, resuming after a restart, and concurrent load with nothing lost or doubled.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use proptest::prelude::*;
use second_look::cli::{find_case, playable, scenarios_dir};
use second_look::workshop::client::{Reply, raw, request};
use second_look::workshop::{Live, Server};
use serde_json::{Value, json};

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

pub(super) struct Ws {
    // Declared first so it stops before the folder goes.
    pub(super) server: Server,
    pub(super) live: Arc<Live>,
    dir: tempfile::TempDir,
    pub(super) fac: String,
    pub(super) code: String,
}

impl Ws {
    pub(super) fn addr(&self) -> SocketAddr {
        self.server.addr
    }

    pub(super) fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        request(self.addr(), "POST", path, token, Some(&body.to_string())).expect("request")
    }

    pub(super) fn get(&self, path: &str, token: Option<&str>) -> Reply {
        request(self.addr(), "GET", path, token, None).expect("request")
    }

    pub(super) fn fac_post(&self, path: &str, body: Value) -> Reply {
        self.post(path, Some(&self.fac.clone()), body)
    }

    fn fac_state(&self) -> Value {
        let r = self.get("/api/facilitator/state", Some(&self.fac));
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()
    }

    fn join(&self, name: &str, agency: Option<&str>) -> String {
        let mut body = json!({"room": self.code, "name": name});
        if let Some(a) = agency {
            body["agency"] = json!(a);
        }
        let r = self.post("/api/join", None, body);
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["participant"].as_str().unwrap().to_string()
    }

    fn state(&self, token: &str) -> Value {
        let r = self.get("/api/state", Some(token));
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()
    }

    /// Takes the first action on offer not yet taken (or the last, if all have been) until the case
    /// reaches a checkpoint; answers its ID.
    fn play_to_checkpoint(&self) -> String {
        self.play_until(|s| s["at_checkpoint"].is_string());
        self.fac_state()["at_checkpoint"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Takes actions (as `play_to_checkpoint`) until a checkpoint or the decision point.
    fn play_to_checkpoint_or_decision(&self) {
        self.play_until(|s| s["at_checkpoint"].is_string() || s["phase"] == "decide");
    }

    fn play_until(&self, reached: impl Fn(&Value) -> bool) {
        let mut taken: Vec<String> = Vec::new();
        for _ in 0..100 {
            let s = self.fac_state();
            if reached(&s) {
                return;
            }
            let offered: Vec<String> = s["actions"]
                .as_array()
                .expect("actions")
                .iter()
                .map(|a| a["id"].as_str().unwrap().to_string())
                .collect();
            let action = offered
                .iter()
                .find(|a| !taken.contains(a))
                .or(offered.last())
                .expect("an action on offer")
                .clone();
            taken.push(action.clone());
            let r = self.fac_post("/api/facilitator/action", json!({ "action": action }));
            assert_eq!(r.status, 200, "{}", r.body);
        }
        panic!("the case never got there");
    }
}

fn open_live(dir: &std::path::Path, agencies: &[&str], fresh: bool) -> Arc<Live> {
    let loaded = find_case("mark-at-four-months", &scenarios_dir(None)).unwrap();
    let case = Arc::new(playable(&loaded).unwrap());
    let agencies: Vec<String> = agencies.iter().map(|s| s.to_string()).collect();
    Live::open(case, 1234, &agencies, dir, fresh).unwrap()
}

pub(super) fn start(agencies: &[&str]) -> Ws {
    let dir = tempfile::tempdir().unwrap();
    let live = open_live(dir.path(), agencies, true);
    let server = Server::start(live.clone(), LOOPBACK, 0).unwrap();
    let (fac, code) = {
        let room = live.room();
        (room.facilitator.clone(), room.code.clone())
    };
    Ws {
        server,
        live,
        dir,
        fac,
        code,
    }
}

/// Percentages for the case's three explanations, in its order.
fn judgement(checkpoint: &str, p: [u32; 3], reasons: &str) -> Value {
    json!({
        "checkpoint": checkpoint,
        "probabilities": {"inflicted": p[0], "accidental": p[1], "medical": p[2]},
        "leading": if p[0] >= p[1] && p[0] >= p[2] { "inflicted" } else if p[1] >= p[2] { "accidental" } else { "medical" },
        "reasons": reasons,
    })
}

#[test]
fn an_agency_sees_its_own_findings_and_the_room_sees_them_only_once_shared() {
    let ws = start(&["gp", "police"]);
    let gp = ws.join("Hannah", Some("gp"));
    let police = ws.join("", Some("police"));
    let nobody = ws.join("Visitor", None);
    let held = ws.state(&gp)["held"].as_array().unwrap().clone();
    assert!(!held.is_empty(), "the GP holds its records from the start");
    let first = held[0]["finding"].as_str().unwrap().to_string();
    let public_ids = |token: &str| -> Vec<String> {
        ws.state(token)["public"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["finding"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(!public_ids(&nobody).contains(&first));
    assert!(
        ws.state(&police)["held"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["finding"] != json!(first))
    );
    assert_eq!(ws.state(&nobody)["held"], json!([]));
    // The screen shows how many the GP holds, never what.
    let fac = ws.fac_state();
    let gp_row = fac["held"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["agency"] == "gp")
        .unwrap()
        .clone();
    assert_eq!(gp_row["unshared"].as_u64().unwrap() as usize, held.len());
    assert!(!fac.to_string().contains(held[0]["text"].as_str().unwrap()));

    // Sharing needs a strategy discussion, the holder's agency, and a finding it holds.
    let r = ws.post("/api/share", Some(&gp), json!({ "finding": first }));
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(
        ws.fac_post("/api/facilitator/sharing", json!({"open": true}))
            .status,
        200
    );
    assert_eq!(
        ws.post("/api/share", Some(&police), json!({ "finding": first }))
            .status,
        400
    );
    assert_eq!(
        ws.post("/api/share", Some(&nobody), json!({ "finding": first }))
            .status,
        409
    );
    let r = ws.post("/api/share", Some(&gp), json!({ "finding": first }));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(public_ids(&nobody).contains(&first));
    let on_screen = ws.fac_state()["public"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["finding"] == json!(first))
        .unwrap()
        .clone();
    assert_eq!(on_screen["shared_by"], "GP practice");
    let gp_row = ws.fac_state()["held"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["agency"] == "gp")
        .unwrap()
        .clone();
    assert_eq!(
        gp_row["unshared"].as_u64().unwrap() as usize,
        held.len() - 1
    );
}

#[test]
fn private_judgement_the_spread_and_the_rooms_judgement() {
    let ws = start(&["gp", "police", "health-visitor"]);
    let people: Vec<String> = (0..5)
        .map(|i| ws.join(&format!("P{i}"), Some("gp")))
        .collect();
    // Nothing open yet.
    assert_eq!(
        ws.post(
            "/api/judgement",
            Some(&people[0]),
            judgement("x", [40, 40, 20], "")
        )
        .status,
        400
    );
    let checkpoint = ws.play_to_checkpoint();
    let r = ws.fac_post("/api/facilitator/open-checkpoint", json!({}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["checkpoint"], json!(checkpoint));
    assert_eq!(r.json()["hypotheses"].as_array().unwrap().len(), 3);
    assert_eq!(ws.state(&people[0])["phase"], "judging");
    // The action buttons wait while judgement is open.
    assert_eq!(ws.fac_state()["actions"], json!([]));

    let spreads = [
        [70, 20, 10],
        [60, 30, 10],
        [80, 10, 10],
        [55, 35, 10],
        [5, 90, 5],
    ];
    for (p, s) in people.iter().zip(spreads) {
        let r = ws.post(
            "/api/judgement",
            Some(p),
            judgement(&checkpoint, s, "the <b>bruise</b>"),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["replaced"], false);
    }
    // A resubmission replaces; a replayed one is not counted twice.
    for _ in 0..3 {
        let r = ws.post(
            "/api/judgement",
            Some(&people[4]),
            judgement(&checkpoint, [10, 85, 5], "changed my mind"),
        );
        assert_eq!(r.json()["replaced"], true);
    }
    assert_eq!(ws.fac_state()["checkpoint"]["submissions"], 5);
    assert_eq!(ws.live.stored_submissions().unwrap(), 5);
    let mine = ws.state(&people[4])["my_judgement"].clone();
    assert_eq!(mine["probabilities"]["accidental"], 85);

    // Invalid judgements are refused with a sentence saying why.
    for (body, says) in [
        (
            json!({"checkpoint": checkpoint, "probabilities": {"inflicted": 50, "accidental": 50, "witchcraft": 0}, "leading": "inflicted"}),
            "witchcraft",
        ),
        (judgement(&checkpoint, [50, 40, 20], ""), "110"),
        (
            json!({"checkpoint": checkpoint, "probabilities": {"inflicted": 50.5, "accidental": 39.5, "medical": 10}, "leading": "inflicted"}),
            "whole number",
        ),
        (
            json!({"checkpoint": checkpoint, "probabilities": {"inflicted": 50, "accidental": 50}, "leading": "inflicted"}),
            "medical",
        ),
        (
            json!({"checkpoint": checkpoint, "probabilities": {"inflicted": 50, "accidental": 40, "medical": 10}, "leading": "nobody"}),
            "nobody",
        ),
        (
            json!({"probabilities": {"inflicted": 50, "accidental": 40, "medical": 10}, "leading": "inflicted"}),
            "checkpoint",
        ),
        (
            judgement(&checkpoint, [50, 40, 10], &"x".repeat(1001)),
            "1000",
        ),
    ] {
        let r = ws.post("/api/judgement", Some(&people[0]), body);
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(
            r.json()["error"].as_str().unwrap().contains(says),
            "{} should mention {says}",
            r.body
        );
    }
    assert_eq!(
        ws.post(
            "/api/judgement",
            Some(&people[0]),
            judgement("elsewhere", [50, 40, 10], "")
        )
        .status,
        400
    );

    // Closed: no more submissions; the spread is the trainer's until revealed.
    let r = ws.fac_post("/api/facilitator/close-checkpoint", json!({}));
    assert_eq!(
        r.json(),
        json!({"checkpoint": checkpoint, "submissions": 5})
    );
    assert_eq!(
        ws.post(
            "/api/judgement",
            Some(&people[0]),
            judgement(&checkpoint, [50, 40, 10], "")
        )
        .status,
        400
    );
    assert_eq!(ws.state(&people[0])["spread"], Value::Null);
    let results = ws
        .get(
            &format!("/api/facilitator/results?checkpoint={checkpoint}"),
            Some(&ws.fac),
        )
        .json();
    assert_eq!(results["submissions"], 5);
    let inflicted = &results["hypotheses"][0];
    assert_eq!(
        inflicted["histogram"],
        json!([0, 1, 0, 0, 0, 1, 1, 1, 1, 0])
    );
    assert_eq!(inflicted["leading"], 4);
    assert_eq!(inflicted["median"], 60.0);
    assert!(
        results["reasons"]
            .as_array()
            .unwrap()
            .contains(&json!("changed my mind"))
    );
    assert_eq!(
        ws.fac_post("/api/facilitator/reveal", json!({})).status,
        200
    );
    assert_eq!(ws.state(&people[0])["spread"]["submissions"], 5);

    // The devil's advocate rotates through the room and is told so on their phone.
    let first = ws
        .fac_post("/api/facilitator/devils-advocate", json!({}))
        .json();
    let second = ws
        .fac_post("/api/facilitator/devils-advocate", json!({}))
        .json();
    assert_eq!(
        (first["name"].clone(), second["name"].clone()),
        (json!("P0"), json!("P1"))
    );
    assert_eq!(ws.state(&people[1])["you"]["devils_advocate"], true);
    assert_eq!(ws.state(&people[0])["you"]["devils_advocate"], false);

    // The room goes further than its members did: detector 17 says so.
    let r = ws.fac_post("/api/facilitator/group-judgement", json!({"probabilities": {"inflicted": 95, "accidental": 4, "medical": 1}, "leading": "inflicted", "reasons": "we agreed"}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["polarisation"]["verdict"], "Flagged", "{}", r.body);
    let after = ws.fac_state();
    assert_eq!(after["checkpoint"], Value::Null);
    assert_ne!(
        after["at_checkpoint"],
        json!(checkpoint),
        "the case moved on"
    );
    assert!(!after["actions"].as_array().unwrap().is_empty());
    // Judging the same checkpoint again is refused.
    assert_eq!(
        ws.fac_post(
            "/api/facilitator/open-checkpoint",
            json!({"checkpoint": checkpoint})
        )
        .status,
        409
    );
    assert_eq!(
        ws.fac_post(
            "/api/facilitator/open-checkpoint",
            json!({"checkpoint": "nowhere"})
        )
        .status,
        400
    );

    // The report tells the story, with participants' words escaped.
    let report = ws.get("/api/facilitator/report", Some(&ws.fac));
    assert_eq!(report.status, 200);
    assert!(report.body.contains("the &lt;b&gt;bruise&lt;/b&gt;"));
    assert!(!report.body.contains("<b>bruise</b>"));
    assert!(report.body.contains("Polarisation and groupthink"));
    assert!(report.body.contains("What each agency held"));
    let briefs = ws.get("/api/facilitator/briefs", Some(&ws.fac));
    assert_eq!(briefs.body.matches("Role brief:").count(), 3);
}

#[test]
fn tokens_room_codes_and_bad_requests_are_refused_without_a_crash() {
    let ws = start(&["gp"]);
    let p = ws.join("Sam", Some("gp"));
    assert_eq!(ws.get("/api/state", None).status, 401);
    assert_eq!(
        ws.get("/api/state", Some("0123456789abcdef0123456789abcdef"))
            .status,
        403
    );
    assert_eq!(ws.get("/api/facilitator/state", None).status, 401);
    assert_eq!(ws.get("/api/facilitator/state", Some(&p)).status, 403);
    assert_eq!(
        ws.post("/api/facilitator/action", Some(&p), json!({"action": "x"}))
            .status,
        403
    );
    assert_eq!(ws.get("/api/facilitator/report", Some(&p)).status, 403);
    assert_eq!(
        ws.post(
            "/api/join",
            None,
            json!({"room": ws.code, "agency": "dentist"})
        )
        .status,
        400
    );
    assert_eq!(
        ws.post(
            "/api/join",
            None,
            json!({"room": ws.code, "name": "n".repeat(41)})
        )
        .status,
        400
    );
    // A join replayed by the same form (a retry) gets the same place; another form gets its own.
    let form = json!({"room": ws.code, "name": "Retry", "agency": "gp", "client": "form-1"});
    let first = ws.post("/api/join", None, form.clone()).json()["participant"].clone();
    let again = ws.post("/api/join", None, form).json()["participant"].clone();
    assert_eq!(first, again);
    let other = ws
        .post(
            "/api/join",
            None,
            json!({"room": ws.code, "client": "form-2"}),
        )
        .json()["participant"]
        .clone();
    assert_ne!(first, other);
    assert_eq!(ws.live.room().participants.len(), 3);
    assert_eq!(
        ws.post(
            "/api/join",
            None,
            json!({"room": ws.code, "client": "x".repeat(65)})
        )
        .status,
        400
    );
    // Lower case and spaces in the code are forgiven.
    let spaced = format!(" {} ", ws.code.to_lowercase());
    assert_eq!(
        ws.post("/api/room", None, json!({ "room": spaced })).status,
        200
    );

    // Malformed, oversized, wrong method, unknown path, not HTTP at all.
    let bad = request(ws.addr(), "POST", "/api/join", None, Some("{\"room\": ")).unwrap();
    assert_eq!(bad.status, 400);
    assert!(bad.json()["error"].is_string());
    assert_eq!(
        request(ws.addr(), "POST", "/api/join", None, Some("[1,2,3]"))
            .unwrap()
            .status,
        400
    );
    let huge = json!({"room": ws.code, "name": "x".repeat(20_000)}).to_string();
    let r = request(ws.addr(), "POST", "/api/join", None, Some(&huge)).unwrap();
    assert_eq!(r.status, 413, "{}", r.body);
    assert_eq!(ws.get("/api/join", None).status, 405);
    assert_eq!(ws.get("/nowhere", None).status, 404);
    let _ = raw(ws.addr(), b"\x00\x01garbage\r\n\r\n");
    let _ = raw(
        ws.addr(),
        b"POST /api/join HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n{",
    );
    assert_eq!(
        ws.get("/api/state", Some(&p)).status,
        200,
        "still answering"
    );
    // Pages forbid inline scripts.
    let page = ws.get("/", None);
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-security-policy")
            .unwrap()
            .contains("default-src 'self'")
    );
    assert!(!page.body.contains("<script>"));

    // Wrong room codes are rate-limited per address: ten a minute, then even the right one waits.
    for _ in 0..10 {
        assert_eq!(
            ws.post("/api/join", None, json!({"room": "AAAAAA"})).status,
            403
        );
    }
    assert_eq!(
        ws.post("/api/join", None, json!({"room": "AAAAAA"})).status,
        429
    );
    assert_eq!(
        ws.post("/api/room", None, json!({"room": ws.code})).status,
        429
    );
}

#[test]
fn a_restart_resumes_the_room_with_nothing_lost() {
    let ws = start(&["gp", "police"]);
    let people: Vec<String> = (0..4)
        .map(|i| ws.join(&format!("P{i}"), Some("police")))
        .collect();
    let checkpoint = ws.play_to_checkpoint();
    ws.fac_post("/api/facilitator/sharing", json!({"open": true}));
    ws.fac_post("/api/facilitator/open-checkpoint", json!({}));
    for p in &people {
        ws.post(
            "/api/judgement",
            Some(p),
            judgement(&checkpoint, [30, 50, 20], "kept"),
        );
    }
    let before = ws.fac_state();
    let Ws {
        server,
        live,
        dir,
        fac,
        code,
    } = ws;
    drop(server);
    drop(live);

    let live = open_live(dir.path(), &[], false);
    let server = Server::start(live.clone(), LOOPBACK, 0).unwrap();
    let ws = Ws {
        server,
        live,
        dir,
        fac,
        code,
    };
    let after = ws.fac_state();
    for key in [
        "room",
        "scene",
        "checkpoint",
        "public",
        "held",
        "participants",
        "sharing_open",
        "phase",
    ] {
        assert_eq!(after[key], before[key], "{key} survives a restart");
    }
    assert_eq!(ws.state(&people[2])["my_judgement"]["reasons"], "kept");
    // Still open: a late phone can still send, and it is counted once.
    let r = ws.post(
        "/api/judgement",
        Some(&people[0]),
        judgement(&checkpoint, [40, 40, 20], "again"),
    );
    assert_eq!(r.json()["replaced"], true);
    assert_eq!(ws.live.stored_submissions().unwrap(), 4);
}

#[test]
fn sixty_phones_at_once_and_a_burst_of_a_thousand_lose_and_double_nothing() {
    let ws = start(&["gp", "police", "hospital"]);
    let checkpoint = ws.play_to_checkpoint();
    ws.fac_post("/api/facilitator/open-checkpoint", json!({}));
    let addr = ws.addr();
    let (code, cp) = (ws.code.clone(), checkpoint.clone());
    let joined: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..60)
            .map(|i| {
                let (code, cp) = (code.clone(), cp.clone());
                s.spawn(move || {
                    let agency = ["gp", "police", "hospital"][i % 3];
                    let body =
                        json!({"room": code, "name": format!("phone {i}"), "agency": agency});
                    let r =
                        request(addr, "POST", "/api/join", None, Some(&body.to_string())).unwrap();
                    let token = r.json()["participant"].as_str().unwrap().to_string();
                    let j = judgement(
                        &cp,
                        [i as u32 % 101, 100 - i as u32 % 101, 0],
                        &format!("phone {i}"),
                    );
                    let r = request(
                        addr,
                        "POST",
                        "/api/judgement",
                        Some(&token),
                        Some(&j.to_string()),
                    )
                    .unwrap();
                    assert_eq!(r.status, 200, "{}", r.body);
                    token
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut unique = joined.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 60);
    assert_eq!(ws.fac_state()["checkpoint"]["submissions"], 60);

    // A thousand submissions in a burst: 940 more people, then everyone (and some twice) at once.
    let more: Vec<String> = (0..940).map(|i| ws.join(&format!("p{i}"), None)).collect();
    let everyone: Vec<String> = joined.into_iter().chain(more).collect();
    std::thread::scope(|s| {
        for chunk in everyone.chunks(63) {
            let cp = cp.clone();
            s.spawn(move || {
                for (i, token) in chunk.iter().enumerate() {
                    let j = judgement(&cp, [50, 50 - (i as u32 % 50), i as u32 % 50], "burst");
                    let r = request(
                        addr,
                        "POST",
                        "/api/judgement",
                        Some(token),
                        Some(&j.to_string()),
                    )
                    .unwrap();
                    assert_eq!(r.status, 200, "{}", r.body);
                }
            });
        }
    });
    assert_eq!(ws.fac_state()["checkpoint"]["submissions"], 1000);
    assert_eq!(ws.live.stored_submissions().unwrap(), 1000);
    let results = ws
        .get(
            &format!("/api/facilitator/results?checkpoint={checkpoint}"),
            Some(&ws.fac),
        )
        .json();
    let counted: u64 = results["hypotheses"][0]["histogram"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(counted, 1000);
}

#[test]
fn the_headless_command_prints_where_to_join_first() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_second-look"))
        .args([
            "workshop",
            "--case",
            "mark-at-four-months",
            "--seed",
            "9",
            "--headless",
            "--port",
            "0",
            "--bind",
            "127.0.0.1",
            "--data-dir",
        ])
        .arg(dir.path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next = || lines.next().unwrap().unwrap();
    let (url, room, fac) = (next(), next(), next());
    let _ = child.kill();
    let _ = child.wait();
    let room = room.strip_prefix("room: ").expect("room line");
    assert_eq!(room.len(), 6);
    assert!(
        url.starts_with("url: http://127.0.0.1:") && url.ends_with(&format!("/?room={room}")),
        "{url}"
    );
    let token = fac
        .rsplit_once('#')
        .map(|(_, t)| t)
        .expect("facilitator line");
    assert!(fac.starts_with("facilitator: http://127.0.0.1:"));
    assert_eq!(token.len(), 32);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Whatever arrives as a body, the server answers with a status and stays up.
    #[test]
    fn arbitrary_bodies_never_crash_the_server(body in ".{0,300}", path in prop::sample::select(vec![
        "/api/room", "/api/join", "/api/judgement", "/api/share", "/api/facilitator/action",
        "/api/facilitator/group-judgement", "/api/facilitator/open-checkpoint", "/api/facilitator/decide",
    ])) {
        thread_local!(static WS: Ws = start(&["gp"]));
        WS.with(|ws| {
            let token = ws.fac.clone();
            let r = request(ws.addr(), "POST", path, Some(&token), Some(&body)).unwrap();
            prop_assert!(r.status < 500, "{} {} -> {} {}", path, body, r.status, r.body);
            prop_assert_eq!(ws.get("/api/facilitator/state", Some(&token)).status, 200);
            Ok(())
        })?;
    }
}

#[test]
fn a_whole_workshop_ends_with_its_report_and_role_briefs_saved() {
    let ws = start(&["gp", "police", "hospital"]);
    let people: Vec<String> = (0..3)
        .map(|i| ws.join(&format!("P{i}"), Some(["gp", "police", "hospital"][i])))
        .collect();
    let mut judged = Vec::new();
    let decided = loop {
        let s = ws.fac_state();
        if s["phase"] == "decide" {
            let d = s["decisions"][0]["id"].as_str().unwrap().to_string();
            let r = ws.fac_post(
                "/api/facilitator/decide",
                json!({"decision": d, "rationale": "agreed"}),
            );
            assert_eq!(r.status, 200, "{}", r.body);
            break r.json();
        }
        if s["at_checkpoint"].is_string() {
            let c = ws
                .fac_post("/api/facilitator/open-checkpoint", json!({}))
                .json()["checkpoint"]
                .as_str()
                .unwrap()
                .to_string();
            for p in &people {
                ws.post(
                    "/api/judgement",
                    Some(p),
                    judgement(&c, [40, 40, 20], "at the checkpoint"),
                );
            }
            ws.fac_post("/api/facilitator/close-checkpoint", json!({}));
            ws.fac_post("/api/facilitator/reveal", json!({}));
            let r = ws.fac_post("/api/facilitator/group-judgement", json!({"probabilities": {"inflicted": 40, "accidental": 40, "medical": 20}, "leading": "inflicted"}));
            assert_eq!(r.status, 200, "{}", r.body);
            judged.push(c);
            continue;
        }
        ws.play_to_checkpoint_or_decision();
    };
    assert!(
        judged.len() >= 2,
        "the case has several checkpoints: {judged:?}"
    );
    assert!(decided["outcome"].is_string());
    let report = std::fs::read_to_string(decided["report"].as_str().unwrap()).unwrap();
    for c in &judged {
        assert!(
            report.contains(&format!("Checkpoint “{c}”")),
            "a section for {c}"
        );
    }
    assert!(report.contains("What happened:"));
    assert!(report.contains("The room's path against the normative one"));
    let briefs = std::fs::read_to_string(decided["briefs"].as_str().unwrap()).unwrap();
    assert_eq!(briefs.matches("Role brief:").count(), 3);
    // Ended: the next workshop of the case starts afresh.
    let again = open_live(ws.dir.path(), &["gp"], false);
    assert_eq!(again.began, second_look::workshop::Began::Fresh);
}
