//! `second-look check`: every case under the given paths, with coded diagnostics in human or JSON form.

use std::path::PathBuf;

use serde::Serialize;

use super::{EXIT_ERRORS, EXIT_OK, EXIT_USAGE, scenarios_dir};
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
    let paths = if paths.is_empty() { vec![scenarios_dir(None)] } else { paths.to_vec() };
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
        eprintln!("error: no cases (.ron files) under {}", display_list(&paths));
        return EXIT_USAGE;
    }
    let cases: Vec<LoadedCase> = roots.iter().map(|r| check_case(r)).collect();
    if json {
        print_json(&cases);
    } else {
        print_human(&cases);
    }
    if cases.iter().any(LoadedCase::has_errors) { EXIT_ERRORS } else { EXIT_OK }
}

fn display_list(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
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
    println!("{}", serde_json::to_string_pretty(&reports).unwrap_or_else(|_| "[]".into()));
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
        println!(
            "{verdict} {} — {} scenes, {} actions, {} findings, {} hypotheses, {} agencies, {} checkpoints, {} decisions; {e} errors, {w} warnings",
            c.root.display(),
            stats.scenes,
            stats.actions,
            stats.findings,
            stats.hypotheses,
            stats.agencies,
            stats.checkpoints,
            stats.decisions,
        );
    }
    println!("{} cases checked: {errors} errors, {warnings} warnings", cases.len());
}
