//! `second-look bench`: figures for the checker, the engine and the reasoner, printed, not asserted.
//! Build with `--release` for meaningful numbers.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use super::{EXIT_ERRORS, EXIT_OK, playable, scenarios_dir, shipped_cases};
use crate::engine::Compiled;
use crate::engine::explore::random_playthroughs;
use crate::judgement::reasoner::posterior;
use crate::scenario::check_text;

pub fn run(scenarios: Option<&Path>) -> u8 {
    let dir = scenarios_dir(scenarios);
    if cfg!(debug_assertions) {
        println!(
            "note: this is a debug build; run `cargo run --release -- bench` for real figures\n"
        );
    }
    let cases = match shipped_cases(&dir) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERRORS;
        }
    };
    let per_check = time_per(20, || {
        black_box(shipped_cases(&dir).map(|c| c.len()).unwrap_or(0));
    });
    println!(
        "check all shipped cases ({} cases):        {:>10.2} ms",
        cases.len(),
        ms(per_check)
    );

    let big = generated_case(10_000);
    let loaded = check_text("generated.ron", &big);
    let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
    let per_big = time_per(5, || {
        black_box(check_text("generated.ron", &big).diagnostics.len());
    });
    println!(
        "check a generated 10,000-scene case:      {:>10.2} ms  (target < 150 ms; {errors} errors)",
        ms(per_big)
    );

    let sixty = playable(&check_text("sixty.ron", &generated_case(60)));
    if let Ok(sixty) = sixty {
        let per_layout = time_per(5, || {
            black_box(crate::authoring::drawing::draw(&sixty, None).nodes.len());
        });
        let d = crate::authoring::drawing::draw(&sixty, None);
        println!(
            "lay out a 60-scene case as a graph:       {:>10.2} ms  ({:.0} x {:.0} px)",
            ms(per_layout),
            d.width,
            d.height
        );
    }

    let Some(complete) = largest_playable(&cases) else {
        eprintln!("error: no playable case to time");
        return EXIT_ERRORS;
    };
    let runs = 100_000;
    let start = Instant::now();
    let summary = random_playthroughs(&complete, runs, 7, None);
    let rate = runs as f64 / start.elapsed().as_secs_f64();
    println!(
        "random playthroughs of \"{}\", 1 thread: {:>10.0} /s  (target >= 20,000; {} stuck)",
        complete.case.id, rate, summary.stuck
    );

    let observed: Vec<(usize, bool)> = (0..complete.findings.len().min(10))
        .map(|f| (f, f % 2 == 0))
        .collect();
    let n = 200_000;
    let start = Instant::now();
    for _ in 0..n {
        black_box(posterior(
            &complete,
            black_box(&complete.priors),
            black_box(&observed),
        ));
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    println!(
        "posterior updates ({} findings each):     {:>10.0} /s",
        observed.len(),
        rate
    );
    #[cfg(not(target_arch = "wasm32"))]
    if let Err(e) = workshop_load(complete) {
        eprintln!("error: the workshop load could not run: {e}");
        return EXIT_ERRORS;
    }
    EXIT_OK
}

/// A workshop on loopback: 60 phones joining and judging at once, then a burst of 1,000 judgements.
#[cfg(not(target_arch = "wasm32"))]
fn workshop_load(case: Compiled) -> Result<(), String> {
    use crate::workshop::load::{Figures, burst, phones, room};
    let dir = std::env::temp_dir().join(format!("second-look-bench-{}", std::process::id()));
    let (live, server) = room(std::sync::Arc::new(case), &dir)?;
    let show = |what: &str, f: &Figures| {
        println!(
            "workshop, {what}: {:>7.0} requests/s, p50 {:.1} ms, p99 {:.1} ms  ({} requests, {} failed; {} judgements counted, {} stored)",
            f.per_second(),
            ms(f.p50),
            ms(f.p99),
            f.requests,
            f.failed,
            f.counted,
            f.stored
        );
    };
    let sixty = phones(&live, server.addr, 60);
    show("60 phones join and judge at once", &sixty);
    let thousand = burst(&live, server.addr, 1000, 32);
    show("a burst of 1,000 judgements  ", &thousand);
    drop(server);
    drop(live);
    let _ = std::fs::remove_dir_all(&dir);
    if sixty.failed + thousand.failed > 0 || thousand.stored != 1000 || thousand.counted != 1000 {
        return Err("judgements were lost or doubled (see the counts above)".into());
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The mean time of `f` over `n` runs, after one warm-up run.
fn time_per(n: u32, mut f: impl FnMut()) -> Duration {
    f();
    let start = Instant::now();
    for _ in 0..n {
        f();
    }
    start.elapsed() / n
}

/// The shipped case with the most scenes that compiles: the complete case, not the tutorial.
fn largest_playable(cases: &[crate::scenario::LoadedCase]) -> Option<Compiled> {
    cases
        .iter()
        .filter_map(|c| playable(c).ok())
        .max_by_key(|c| (c.scenes.len(), c.case.id.clone()))
}

/// A valid case of `scenes` scenes: a chain where each scene offers two actions (one looking for a
/// finding) and every tenth is a checkpoint, ending at a decision point.
pub fn generated_case(scenes: usize) -> String {
    let findings = (scenes / 10).max(1);
    let mut s = String::with_capacity(scenes * 300);
    s.push_str("Case(\n  format: 1, id: \"generated\", title: \"Generated\", summary: \"A generated case for timing.\",\n");
    s.push_str("  minutes: 600, you_are: \"A tester.\", briefing: \"Generated.\", hours_available: 100000.0,\n");
    s.push_str("  start: \"s0\", out_of_time: \"decide\",\n");
    s.push_str("  agencies: { \"a\": (label: \"Agency\") },\n");
    s.push_str("  hypotheses: { \"h1\": (label: \"One\", prior: 0.3, harm: true), \"h2\": (label: \"Two\", prior: 0.7) },\n  findings: {\n");
    for f in 0..findings {
        s.push_str(&format!(
            "    \"f{f}\": (agency: \"a\", kind: History, present: \"Present {f}.\", absent: \"Absent {f}.\", likely: {{ \"h1\": Often, \"h2\": 0.2 }}, source: \"Illustrative\"),\n"
        ));
    }
    s.push_str("  },\n  scenes: {\n");
    for i in 0..scenes - 1 {
        let next = if i + 1 == scenes - 1 {
            "decide".to_string()
        } else {
            format!("s{}", i + 1)
        };
        if i % 10 == 9 {
            s.push_str(&format!(
                "    \"s{i}\": Checkpoint(prompt: \"Judge.\", next: \"{next}\"),\n"
            ));
        } else {
            s.push_str(&format!(
                "    \"s{i}\": Scene(text: \"Scene {i}.\", actions: [\n      (id: \"look{i}\", label: \"Look\", hours: 1, looks_for: [\"f{}\"], goto: \"{next}\"),\n      (id: \"go{i}\", label: \"Go on\", hours: 0.5, goto: \"{next}\"),\n    ]),\n",
                i / 10 % findings
            ));
        }
    }
    s.push_str("    \"decide\": Decide(prompt: \"Decide.\"),\n  },\n  decisions: {\n");
    s.push_str("    \"nfa\": (label: \"No further action\", kind: NoFurtherAction, loss: { \"h1\": 100, \"h2\": 0 }, outcomes: { \"h1\": \"Harm.\", \"h2\": \"Fine.\" }),\n");
    s.push_str("    \"s47\": (label: \"Section 47\", kind: StrategyDiscussion, loss: { \"h1\": 5, \"h2\": 20 }, outcomes: { \"h1\": \"Safe.\", \"h2\": \"Burden.\" }),\n");
    s.push_str("  },\n)\n");
    s
}
