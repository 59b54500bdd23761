//! `second-look check`: every case under the given paths, with coded diagnostics in human or JSON form.

use std::path::PathBuf;

use serde::Serialize;

use super::{EXIT_ERRORS, EXIT_OK, EXIT_USAGE, count, scenarios_dir};
use crate::scenario::{Diagnostic, LoadedCase, Stats, check_case, discover};

/// The JSON form of one case's result.
#[derive(Serialize)]
struct CaseReport<'a> {
    file: String,
    errors: Vec<&'a Diagnostic>,
    warnings: Vec<&'a Diagnostic>,
    stats: Stats,
}

pub fn run(paths: &[PathBuf], json: bool) -> u8 {
    let paths = if paths.is_empty() {
        vec![scenarios_dir(None)]
    } else {
        paths.to_vec()
    };
    let mut roots = Vec::new();
    for path in &paths {
        match discover(path) {
            Ok(found) => roots.extend(found),
            Err(e) => {
                eprintln!("error: {}", e.0);
                return EXIT_USAGE;
            }
        }
    }
    if roots.is_empty() {
        eprintln!(
            "error: no cases (.ron files) under {}",
            display_list(&paths)
        );
        return EXIT_USAGE;
    }
    let cases: Vec<LoadedCase> = roots.iter().map(|r| check_case(r)).collect();
    if json {
        print_json(&cases);
    } else {
        print_human(&cases);
    }
    if cases.iter().any(LoadedCase::has_errors) {
        EXIT_ERRORS
    } else {
        EXIT_OK
    }
}

fn display_list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_json(cases: &[LoadedCase]) {
    let reports: Vec<CaseReport> = cases
        .iter()
        .map(|c| CaseReport {
            file: c.root.display().to_string(),
            errors: c.diagnostics.iter().filter(|d| d.is_error()).collect(),
            warnings: c.diagnostics.iter().filter(|d| !d.is_error()).collect(),
            stats: c.case.as_ref().map(Stats::of).unwrap_or_default(),
        })
        .collect();
    println!(
        "{}",
        serde_json::to_string_pretty(&reports).unwrap_or_else(|_| "[]".into())
    );
}

fn print_human(cases: &[LoadedCase]) {
    let (mut errors, mut warnings) = (0, 0);
    for c in cases {
        for d in &c.diagnostics {
            print!("{}", d.render(c.source_of(&d.file)));
            println!();
        }
        let e = c.diagnostics.iter().filter(|d| d.is_error()).count();
        let w = c.diagnostics.len() - e;
        errors += e;
        warnings += w;
        let verdict = if e > 0 { "FAIL" } else { "ok  " };
        let stats = c.case.as_ref().map(Stats::of).unwrap_or_default();
        let counts = [
            count(stats.scenes, "scene", "scenes"),
            count(stats.actions, "action", "actions"),
            count(stats.findings, "finding", "findings"),
            count(stats.hypotheses, "hypothesis", "hypotheses"),
            count(stats.agencies, "agency", "agencies"),
            count(stats.checkpoints, "checkpoint", "checkpoints"),
            count(stats.decisions, "decision", "decisions"),
        ];
        println!(
            "{verdict} {} — {}; {}, {}",
            c.root.display(),
            counts.join(", "),
            count(e, "error", "errors"),
            count(w, "warning", "warnings")
        );
    }
    println!(
        "{} checked: {}, {}",
        count(cases.len(), "case", "cases"),
        count(errors, "error", "errors"),
        count(warnings, "warning", "warnings")
    );
}
