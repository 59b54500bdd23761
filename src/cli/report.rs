//! `second-look report LOG`: the whole analysis of a saved playthrough, for a trainee or a supervisor.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;

use super::{
    EXIT_ERRORS, EXIT_OK, EXIT_USAGE, OutputFormat, find_case, playable, scenarios_dir, wrap,
    wrap_hanging,
};
use crate::engine::{Log, Playthrough};
use crate::judgement::detectors::Verdict;
use crate::judgement::report::{Analysis, analyse};

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// A saved playthrough (a .ron log).
    pub log: PathBuf,
    /// The case, if it is not among the shipped cases under the ID the log names.
    #[arg(long)]
    pub case: Option<String>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Also write a printable, self-contained HTML debrief (A4) to this file.
    #[arg(long)]
    pub html: Option<PathBuf>,
}

pub fn run(args: &ReportArgs) -> u8 {
    let log = match Log::read(&args.log) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let name = args.case.clone().unwrap_or_else(|| log.case.clone());
    let case = match find_case(&name, &scenarios_dir(None)).and_then(|l| playable(&l)) {
        Ok(c) => Arc::new(c),
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let p = match Playthrough::replay(case, &log) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: the log no longer fits the case: {e}");
            return EXIT_ERRORS;
        }
    };
    let analysis = analyse(&p);
    if let Some(out) = &args.html {
        if let Err(e) = std::fs::write(out, super::html::report_html(&p, &analysis)) {
            eprintln!("error: cannot write {}: {e}", out.display());
            return EXIT_ERRORS;
        }
        eprintln!("Wrote the printable debrief to {}", out.display());
    }
    match args.format {
        OutputFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&analysis).unwrap_or_default()
        ),
        OutputFormat::Human => print!("{}", human(&analysis)),
    }
    EXIT_OK
}

/// The analysis as a person reads it.
pub fn human(a: &Analysis) -> String {
    let mut out = format!("Second Look — report on \"{}\" (seed {})\n", a.case, a.seed);
    out.push_str(&format!("What was really happening: {}\n", a.truth));
    out.push_str("\nYour belief beside the evidence (you · warranted):\n");
    for c in &a.checkpoints {
        let cells: Vec<String> = c
            .stated
            .iter()
            .zip(&c.warranted)
            .map(|((h, s), (_, w))| format!("{h} {:.0}% · {:.0}%", s * 100.0, w * 100.0))
            .collect();
        out.push_str(&format!(
            "  {} (step {}): {}\n",
            c.checkpoint,
            c.step,
            cells.join(", ")
        ));
    }
    if let Some(d) = &a.decision {
        out.push_str(&format!(
            "\nYour decision, by what was knowable then: {} (expected loss {:.1}); the best then: {} ({:.1}); regret {:.1}.\n",
            d.chosen, d.expected_loss, d.best, d.best_expected_loss, d.regret
        ));
    }
    if let Some(o) = &a.outcome {
        out.push_str("\nWhat happened (apart from the decision's quality):\n");
        out.push_str(&wrap(o, 78, "  "));
        out.push('\n');
    }
    let c = &a.calibration;
    out.push_str(&format!(
        "\nCalibration over {} judgements: Brier {:.3} (stating the prior: {:.3}){}. One case is too few to judge calibration; it builds up over sessions.\n",
        c.judgements,
        c.brier,
        c.brier_prior,
        c.skill.map_or(String::new(), |s| format!("; skill {s:+.2}"))
    ));
    for (title, verdict) in [
        ("Reasoning errors shown", Verdict::Flagged),
        ("Looked for and not shown", Verdict::NotShown),
        ("Not enough to tell", Verdict::NotEnough),
        ("Not offered by this case", Verdict::NotApplicable),
    ] {
        let rows: Vec<_> = a
            .reasoning
            .iter()
            .filter(|r| r.verdict == verdict)
            .collect();
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title}:\n"));
        for r in rows {
            match verdict {
                Verdict::Flagged => {
                    out.push_str(&format!(
                        "  ● {} (measured {}, threshold {})\n",
                        r.name,
                        r.measured.map_or("-".into(), |m| format!("{m:.2}")),
                        r.threshold
                    ));
                    out.push_str(&wrap(&r.explanation, 78, "    "));
                    out.push('\n');
                    for e in &r.evidence {
                        out.push_str(&wrap_hanging(
                            &format!("step {}: {}", e.step, e.what),
                            78,
                            "    - ",
                            "      ",
                        ));
                        out.push('\n');
                    }
                    out.push_str(&wrap_hanging(
                        &format!("Next time: {}", r.prompt),
                        78,
                        "    → ",
                        "      ",
                    ));
                    out.push('\n');
                }
                _ => out.push_str(&wrap_hanging(
                    &format!("{}: {}", r.name, r.explanation),
                    78,
                    "  • ",
                    "    ",
                )),
            }
            if verdict != Verdict::Flagged {
                out.push('\n');
            }
        }
    }
    out
}
