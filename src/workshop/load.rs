//! Load on a workshop over loopback, for `second-look bench`: many phones joining and submitting at
//! once, and a burst of submissions; with the count of what reached the store, so a figure never hides
//! a lost or doubled submission.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use super::client::request;
use super::{Live, Server};
use crate::engine::Compiled;

/// What a load run measured.
#[derive(Debug, Clone)]
pub struct Figures {
    pub requests: usize,
    pub seconds: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub failed: usize,
    /// Submissions the room counted, and the store holds, afterwards.
    pub counted: usize,
    pub stored: usize,
}

impl Figures {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
}

/// A room for `case` in a fresh folder under `dir`, served on loopback, with private judgement open
/// at its first checkpoint.
pub fn room(case: Arc<Compiled>, dir: &std::path::Path) -> Result<(Arc<Live>, Server), String> {
    let live = Live::open(case, 1, &[], dir, true)?;
    live.change(|r| r.open_round(None)).map_err(|e| e.message)?;
    let server = Server::start(live.clone(), IpAddr::V4(Ipv4Addr::LOCALHOST), 0)?;
    Ok((live, server))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn body(checkpoint: &str, hypotheses: &[String], i: usize) -> String {
    let mut probabilities = serde_json::Map::new();
    let first = (i % 101) as u32;
    for (h, id) in hypotheses.iter().enumerate() {
        let p = match h {
            0 => first,
            1 => 100 - first,
            _ => 0,
        };
        probabilities.insert(id.clone(), json!(p));
    }
    json!({"checkpoint": checkpoint, "probabilities": probabilities, "leading": hypotheses[0], "reasons": format!("load {i}")}).to_string()
}

/// `threads` clients each run `per_thread` jobs at once; each job's requests are timed one by one.
fn run_clients(
    threads: usize,
    per_thread: usize,
    job: impl Fn(usize, &mut Vec<Duration>) -> bool + Sync,
) -> (Vec<Duration>, usize, f64) {
    let start = Instant::now();
    let results: Vec<(Vec<Duration>, usize)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let job = &job;
                s.spawn(move || {
                    let mut times = Vec::new();
                    let mut failed = 0;
                    for k in 0..per_thread {
                        if !job(t * per_thread + k, &mut times) {
                            failed += 1;
                        }
                    }
                    (times, failed)
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    let seconds = start.elapsed().as_secs_f64();
    let failed = results.iter().map(|r| r.1).sum();
    let mut times: Vec<Duration> = results.into_iter().flat_map(|r| r.0).collect();
    times.sort();
    (times, failed, seconds)
}

fn timed(
    times: &mut Vec<Duration>,
    f: impl FnOnce() -> Option<serde_json::Value>,
) -> Option<serde_json::Value> {
    let start = Instant::now();
    let out = f();
    times.push(start.elapsed());
    out
}

/// `phones` phones at once, each joining and submitting one judgement.
pub fn phones(live: &Live, addr: SocketAddr, phones: usize) -> Figures {
    let (code, checkpoint, hypotheses) = facts(live);
    let (times, failed, seconds) = run_clients(phones, 1, |i, times| {
        let join = json!({"room": code, "name": format!("phone {i}")}).to_string();
        let token = timed(times, || {
            let r = request(addr, "POST", "/api/join", None, Some(&join)).ok()?;
            (r.status == 200).then(|| r.json())
        })
        .and_then(|v| v["participant"].as_str().map(str::to_string));
        let Some(token) = token else { return false };
        let b = body(&checkpoint, &hypotheses, i);
        timed(times, || {
            let r = request(addr, "POST", "/api/judgement", Some(&token), Some(&b)).ok()?;
            (r.status == 200).then_some(serde_json::Value::Null)
        })
        .is_some()
    });
    figures(live, times, failed, seconds)
}

/// `people` more participants join (not timed); then all of the room's participants submit at once
/// from `threads` clients, `total` submissions in all (each person once; the first to go replace
/// what they sent before).
pub fn burst(live: &Live, addr: SocketAddr, total: usize, threads: usize) -> Figures {
    let (_, checkpoint, hypotheses) = facts(live);
    let have = live.room().participants.len();
    for i in have..total {
        let _ = live.join(Some(&format!("p{i}")), None);
    }
    let tokens: Vec<String> = live
        .room()
        .participants
        .iter()
        .take(total)
        .map(|p| p.token.clone())
        .collect();
    let per = tokens.len().div_ceil(threads);
    let (times, failed, seconds) = run_clients(threads, per, |i, times| {
        let Some(token) = tokens.get(i) else {
            return true;
        };
        let b = body(&checkpoint, &hypotheses, i);
        timed(times, || {
            let r = request(addr, "POST", "/api/judgement", Some(token), Some(&b)).ok()?;
            (r.status == 200).then_some(serde_json::Value::Null)
        })
        .is_some()
    });
    figures(live, times, failed, seconds)
}

fn facts(live: &Live) -> (String, String, Vec<String>) {
    let room = live.room();
    (
        room.code.clone(),
        room.open_checkpoint().unwrap_or_default().to_string(),
        room.case.hypotheses.clone(),
    )
}

fn figures(live: &Live, times: Vec<Duration>, failed: usize, seconds: f64) -> Figures {
    let counted = {
        let room = live.room();
        room.active.map_or(0, |i| room.rounds[i].submissions.len())
    };
    Figures {
        requests: times.len(),
        seconds,
        p50: percentile(&times, 0.5),
        p99: percentile(&times, 0.99),
        failed,
        counted,
        stored: live.stored_submissions().unwrap_or(0),
    }
}
