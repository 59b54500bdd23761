//! `second-look explore`: every path through a case, and seeded random playthroughs with hit counts.
//! The same arguments always print the same bytes.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::{
    EXIT_ERRORS, EXIT_OK, EXIT_USAGE, OutputFormat, find_case, hours, playable, scenarios_dir,
};
use crate::engine::Compiled;
use crate::engine::explore::{Exploration, RandomSummary, explore, random_playthroughs};

#[derive(Args, Debug)]
pub struct ExploreArgs {
    /// A case file, case folder, or case ID among the shipped cases.
    pub scenario: String,
    /// Also run this many seeded random playthroughs.
    #[arg(long)]
    pub random: Option<u64>,
    /// The seed of the random playthroughs.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write each random playthrough's log into this folder.
    #[arg(long)]
    pub save_logs: Option<PathBuf>,
    /// Stop the exhaustive walk after this many distinct states.
    #[arg(long, default_value_t = 2_000_000)]
    pub max_states: usize,
    /// Play the case with every simulated trainee and report how often each detector flagged them.
    #[arg(long)]
    pub bots: bool,
    /// How many seeds each simulated trainee plays (with --bots).
    #[arg(long, default_value_t = 50)]
    pub seeds: u64,
    /// Tune the numbers: for each possible truth, how often the evidence ends confident and right,
    /// which decision is best, the time used; the most informative findings and actions; and warnings
    /// when the case is too easy or cannot be told apart (--random sets playthroughs per truth).
    #[arg(long)]
    pub balance: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

#[derive(Serialize)]
struct BotsReport {
    scenario: String,
    seeds: u64,
    bots: Vec<crate::judgement::bots::BotRates>,
}

fn run_bots(case: Compiled, args: &ExploreArgs) -> u8 {
    let case = std::sync::Arc::new(case);
    let report = BotsReport {
        scenario: case.case.id.clone(),
        seeds: args.seeds,
        bots: crate::judgement::bots::bot_rates(&case, args.seeds),
    };
    match args.format {
        OutputFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        ),
        OutputFormat::Human => print_bots(&report),
    }
    EXIT_OK
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn print_balance(b: &crate::authoring::balance::Balance) {
    println!(
        "Balance of \"{}\": {} random playthroughs for each possible truth (seed {}), judged by the normative reasoner.\n",
        b.case, b.runs_per_truth, b.seed
    );
    println!(
        "{:<34} {:>6} {:>10} {:>7} {:>10}  hours used",
        "When the truth is", "prior", "confident", "mean", "clear at"
    );
    println!(
        "{:<34} {:>6} {:>10} {:>7} {:>10}  least / median / 90% / most",
        "", "", "and right", "final", "1st check"
    );
    for t in &b.truths {
        let label: String = if t.label.chars().count() > 33 {
            t.label.chars().take(32).collect::<String>() + "…"
        } else {
            t.label.clone()
        };
        println!(
            "{label:<34} {:>6} {:>10} {:>7} {:>10}  {:.1} / {:.1} / {:.1} / {:.1}",
            pct(t.prior),
            pct(t.confident_and_right),
            pct(t.mean_final),
            pct(t.obvious_at_first_checkpoint),
            t.hours[0],
            t.hours[1],
            t.hours[2],
            t.hours[3]
        );
    }
    println!(
        "\nTime: the case allows {} of the {} that taking every action once would need ({}); about 60-70% makes choices matter.",
        super::hours(b.minutes_available),
        super::hours(b.minutes_of_all_actions),
        pct(b.minutes_available as f64 / b.minutes_of_all_actions.max(1) as f64)
    );
    println!("\nThe best decision on the evidence at the end, by truth:");
    for t in &b.truths {
        let best: Vec<String> = t
            .best_decisions
            .iter()
            .filter(|(_, s)| *s > 0.0)
            .map(|(d, s)| format!("{d} {}", pct(*s)))
            .collect();
        println!("  {:<20} {}", t.truth, best.join(", "));
    }
    println!(
        "\nThe findings that tell most, looked for at the start (bits of information; value: fall in expected loss):"
    );
    for f in &b.findings {
        let scenery = if f.bits < 0.001 {
            "  (tells almost nothing on its own)"
        } else {
            ""
        };
        println!(
            "  {:.3} bits  value {:>6.2}  {}{scenery}",
            f.bits, f.value, f.id
        );
    }
    println!("\nThe actions that tell most, at the start:");
    for a in b.actions.iter().take(10) {
        println!(
            "  {:.3} bits  value {:>6.2}  {} — {}",
            a.bits, a.value, a.id, a.label
        );
    }
    if b.warnings.is_empty() {
        println!(
            "\nNo warnings: the case neither gives the truth away early nor leaves it out of reach."
        );
    } else {
        println!("\nWarnings:");
        for w in &b.warnings {
            println!("{}", super::wrap_hanging(w, 100, "  - ", "    "));
        }
    }
}

fn print_bots(r: &BotsReport) {
    println!(
        "Simulated trainees on \"{}\", {} seeds each. Each cell: share of the seeds, among those where the detector could tell, in which it flagged; \"-\" where the case offers it no opportunity.",
        r.scenario, r.seeds
    );
    let detectors: Vec<&str> = r
        .bots
        .first()
        .map(|b| b.flag_rates.keys().collect())
        .unwrap_or_default();
    for b in &r.bots {
        let own = b.bias.map_or(String::new(), |d| {
            let rate = b.flag_rates.get(d).copied().flatten();
            format!(
                " — own error {d}: {}",
                rate.map_or("no opportunity in this case".into(), |x| format!(
                    "{:.0}%",
                    x * 100.0
                ))
            )
        });
        println!("\n{}{own}", b.bot);
        let flagged: Vec<String> = detectors
            .iter()
            .filter_map(|d| {
                b.flag_rates
                    .get(d)
                    .copied()
                    .flatten()
                    .filter(|x| *x > 0.0)
                    .map(|x| format!("{d} {:.0}%", x * 100.0))
            })
            .collect();
        println!(
            "  flagged: {}",
            if flagged.is_empty() {
                "nothing".into()
            } else {
                flagged.join(", ")
            }
        );
    }
    let none: Vec<&str> = detectors
        .iter()
        .copied()
        .filter(|d| {
            r.bots
                .iter()
                .all(|b| b.flag_rates.get(d).copied().flatten().is_none())
        })
        .collect();
    println!(
        "\nThis case offers no opportunity for: {}",
        if none.is_empty() {
            "-".into()
        } else {
            none.join(", ")
        }
    );
}

#[derive(Serialize)]
struct Report {
    case: String,
    file: String,
    exhaustive: Exhaustive,
    #[serde(skip_serializing_if = "Option::is_none")]
    random: Option<Random>,
}

#[derive(Serialize)]
struct Exhaustive {
    states: usize,
    complete: bool,
    scenes_reached: usize,
    scenes_total: usize,
    scenes_never_reached: Vec<String>,
    actions_taken: usize,
    actions_total: usize,
    actions_never_taken: Vec<String>,
    endings: Vec<String>,
    decisions: Vec<String>,
    decisions_never_reachable: Vec<String>,
    shortest_hours: Option<f64>,
    longest_hours: Option<f64>,
    stuck_scenes: Vec<String>,
}

#[derive(Serialize)]
struct Random {
    runs: u64,
    seed: u64,
    stuck: u64,
    truth: Vec<(String, u64)>,
    scene_hits: Vec<(String, u64)>,
    action_hits: Vec<(String, u64)>,
    decision_hits: Vec<(String, u64)>,
    min_hours: f64,
    mean_hours: f64,
    max_hours: f64,
}

pub fn run(args: &ExploreArgs) -> u8 {
    let loaded = match find_case(&args.scenario, &scenarios_dir(None)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let case = match playable(&loaded) {
        Ok(c) => c,
        Err(e) => {
            eprint!("{e}");
            return EXIT_ERRORS;
        }
    };
    if args.bots {
        return run_bots(case, args);
    }
    if args.balance {
        let report =
            crate::authoring::balance::balance(&case, args.random.unwrap_or(1000), args.seed);
        match args.format {
            OutputFormat::Json => println!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            ),
            OutputFormat::Human => print_balance(&report),
        }
        return EXIT_OK;
    }
    let exploration = explore(&case, args.max_states);
    let random = match args.random {
        Some(n) => match run_random(&case, n, args) {
            Ok(r) => Some(r),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        },
        None => None,
    };
    let report = Report {
        case: case.case.id.clone(),
        file: loaded.root.display().to_string(),
        exhaustive: exhaustive(&case, &exploration),
        random,
    };
    match args.format {
        OutputFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        ),
        OutputFormat::Human => print_human(&report),
    }
    EXIT_OK
}

fn run_random(case: &Compiled, n: u64, args: &ExploreArgs) -> Result<Random, String> {
    let summary = match &args.save_logs {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            let mut failure = None;
            let mut save = |i: u64, log: crate::engine::Log| {
                let path = dir.join(format!("{}-{i:06}.ron", case.case.id));
                if let Err(e) = log.write(&path) {
                    failure.get_or_insert(format!("cannot write {}: {e}", path.display()));
                }
            };
            let s = random_playthroughs(case, n, args.seed, Some(&mut save));
            if let Some(f) = failure {
                return Err(f);
            }
            s
        }
        None => random_playthroughs(case, n, args.seed, None),
    };
    Ok(random_report(case, &summary, args.seed))
}

fn named(ids: impl Iterator<Item = String>, counts: &[u64]) -> Vec<(String, u64)> {
    ids.zip(counts.iter().copied()).collect()
}

fn random_report(case: &Compiled, s: &RandomSummary, seed: u64) -> Random {
    let finished = s.runs - s.stuck;
    Random {
        runs: s.runs,
        seed,
        stuck: s.stuck,
        truth: named(case.hypotheses.iter().cloned(), &s.truth_counts),
        scene_hits: named(case.scenes.iter().map(|x| x.id.clone()), &s.scene_hits),
        action_hits: named(case.actions.iter().map(|x| x.id.clone()), &s.action_hits),
        decision_hits: named(
            case.decisions.iter().map(|x| x.id.clone()),
            &s.decision_hits,
        ),
        min_hours: to_hours(s.min_minutes),
        mean_hours: if finished > 0 {
            round2(s.total_minutes as f64 / finished as f64 / 60.0)
        } else {
            0.0
        },
        max_hours: to_hours(s.max_minutes),
    }
}

fn to_hours(minutes: u32) -> f64 {
    round2(f64::from(minutes) / 60.0)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn exhaustive(case: &Compiled, e: &Exploration) -> Exhaustive {
    let pick = |flags: &[bool], want: bool, ids: &mut dyn Iterator<Item = String>| -> Vec<String> {
        ids.zip(flags)
            .filter(|(_, f)| **f == want)
            .map(|(id, _)| id)
            .collect()
    };
    let scene_ids = || case.scenes.iter().map(|s| s.id.clone());
    Exhaustive {
        states: e.states,
        complete: e.complete,
        scenes_reached: e.scenes_reached.iter().filter(|x| **x).count(),
        scenes_total: case.scenes.len(),
        scenes_never_reached: pick(&e.scenes_reached, false, &mut scene_ids()),
        actions_taken: e.actions_taken.iter().filter(|x| **x).count(),
        actions_total: case.actions.len(),
        actions_never_taken: pick(
            &e.actions_taken,
            false,
            &mut case.actions.iter().map(|a| a.id.clone()),
        ),
        endings: pick(&e.endings_reached, true, &mut scene_ids()),
        decisions: pick(
            &e.decisions_reachable,
            true,
            &mut case.decisions.iter().map(|d| d.id.clone()),
        ),
        decisions_never_reachable: pick(
            &e.decisions_reachable,
            false,
            &mut case.decisions.iter().map(|d| d.id.clone()),
        ),
        shortest_hours: e.shortest_minutes.map(to_hours),
        longest_hours: e.longest_minutes.map(to_hours),
        stuck_scenes: e
            .stuck_scenes
            .iter()
            .map(|&s| case.scenes[s].id.clone())
            .collect(),
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

fn print_human(r: &Report) {
    let e = &r.exhaustive;
    println!("Case \"{}\" ({})", r.case, r.file);
    println!("Every path (states deduplicated, within the time available):");
    let note = if e.complete {
        "all explored"
    } else {
        "stopped at --max-states; figures are lower bounds"
    };
    println!("  states explored:      {} ({note})", e.states);
    println!(
        "  scenes reached:       {}/{}; never: {}",
        e.scenes_reached,
        e.scenes_total,
        list(&e.scenes_never_reached)
    );
    println!(
        "  actions taken:        {}/{}; never: {}",
        e.actions_taken,
        e.actions_total,
        list(&e.actions_never_taken)
    );
    println!("  decision points:      {}", list(&e.endings));
    println!(
        "  decisions reachable:  {}; never: {}",
        list(&e.decisions),
        list(&e.decisions_never_reachable)
    );
    let h = |x: Option<f64>| x.map_or("-".into(), |v| hours((v * 60.0).round() as u32));
    println!(
        "  time to a decision:   shortest {}, longest {}",
        h(e.shortest_hours),
        h(e.longest_hours)
    );
    println!(
        "  stuck (nothing to do, nowhere to go): {}",
        list(&e.stuck_scenes)
    );
    if let Some(rand) = &r.random {
        println!();
        println!(
            "{} random playthroughs from seed {} ({} stuck):",
            rand.runs, rand.seed, rand.stuck
        );
        let runs = rand.runs.max(1) as f64;
        let table = |title: &str, rows: &[(String, u64)]| {
            println!("  {title}:");
            let width = rows.iter().map(|(id, _)| id.len()).max().unwrap_or(0);
            for (id, n) in rows {
                println!(
                    "    {id:<width$}  {n:>8}  {:>5.1}%",
                    *n as f64 * 100.0 / runs
                );
            }
        };
        table("truth drawn", &rand.truth);
        table("playthroughs reaching each scene", &rand.scene_hits);
        table("decisions taken", &rand.decision_hits);
        let h = |x: f64| hours((x * 60.0).round() as u32);
        println!(
            "  time used: min {}, mean {}, max {}",
            h(rand.min_hours),
            h(rand.mean_hours),
            h(rand.max_hours)
        );
    }
}
