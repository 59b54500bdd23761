//! `second-look history` lists the playthroughs in the trainee's record with their scores;
//! `second-look export` writes everything in it to a file.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::{EXIT_ERRORS, EXIT_OK, data_dir};
use crate::store::sqlite::SqliteRecord;
use crate::store::{PlaythroughRow, Record};

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq, Default)]
pub enum HistoryFormat {
    #[default]
    Human,
    Json,
    Csv,
}

#[derive(Args, Debug)]
pub struct HistoryArgs {
    /// Where the record is (default: the platform's data folder).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = HistoryFormat::Human)]
    pub format: HistoryFormat,
}

#[derive(Serialize)]
struct Listing<'a> {
    playthroughs: Vec<Entry<'a>>,
}

/// A row without its log, for listing.
#[derive(Serialize)]
struct Entry<'a> {
    id: i64,
    case: &'a str,
    title: &'a str,
    seed: u64,
    started: &'a str,
    finished: Option<&'a str>,
    truth: Option<&'a str>,
    decision: Option<&'a str>,
    regret: Option<f64>,
    brier: Option<f64>,
    brier_prior: Option<f64>,
    flagged: &'a [String],
}

fn entry(r: &PlaythroughRow) -> Entry<'_> {
    Entry {
        id: r.id,
        case: &r.case,
        title: &r.title,
        seed: r.seed,
        started: &r.started,
        finished: r.finished.as_deref(),
        truth: r.truth.as_deref(),
        decision: r.decision.as_deref(),
        regret: r.regret,
        brier: r.brier,
        brier_prior: r.brier_prior,
        flagged: &r.flagged,
    }
}

pub fn run(args: &HistoryArgs) -> u8 {
    let dir = data_dir(args.data_dir.as_deref());
    let rows = match SqliteRecord::open(&dir).and_then(|(record, notice)| {
        if let Some(n) = notice {
            eprintln!("{n}");
        }
        record.playthroughs()
    }) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERRORS;
        }
    };
    match args.format {
        HistoryFormat::Json => {
            let listing = Listing {
                playthroughs: rows.iter().map(entry).collect(),
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&listing).unwrap_or_default()
            );
        }
        HistoryFormat::Csv => print!("{}", csv(&rows)),
        HistoryFormat::Human => print_human(&rows),
    }
    EXIT_OK
}

fn print_human(rows: &[PlaythroughRow]) {
    if rows.is_empty() {
        println!("No playthroughs yet. Play a case and it will be listed here.");
        return;
    }
    for r in rows {
        let state = match (&r.finished, &r.decision) {
            (Some(_), Some(d)) => format!(
                "decided {d}, regret {:.1}, Brier {:.2}",
                r.regret.unwrap_or(0.0),
                r.brier.unwrap_or(0.0)
            ),
            (Some(_), None) => "finished".into(),
            (None, _) => "unfinished".into(),
        };
        println!(
            "{:>4}  {}  {} (seed {})  {state}",
            r.id, r.started, r.title, r.seed
        );
        if !r.flagged.is_empty() {
            println!("      reasoning errors shown: {}", r.flagged.join(", "));
        }
    }
}

/// The listing as CSV (quoted where needed), one playthrough a line.
pub fn csv(rows: &[PlaythroughRow]) -> String {
    let field = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let num = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v:.4}"));
    let mut out = String::from(
        "id,case,title,seed,started,finished,truth,decision,regret,brier,brier_prior,flagged\n",
    );
    for r in rows {
        let line = [
            r.id.to_string(),
            field(&r.case),
            field(&r.title),
            r.seed.to_string(),
            field(&r.started),
            field(r.finished.as_deref().unwrap_or("")),
            field(r.truth.as_deref().unwrap_or("")),
            field(r.decision.as_deref().unwrap_or("")),
            num(r.regret),
            num(r.brier),
            num(r.brier_prior),
            field(&r.flagged.join(";")),
        ];
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Where the record is (default: the platform's data folder).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// The file to write: `.json` holds everything (each playthrough with its full log, every
    /// judgement and every detector result); `.csv` writes the playthroughs, with the judgements beside
    /// them in `NAME-judgements.csv`.
    #[arg(long)]
    pub out: PathBuf,
}

pub use crate::store::Export;

pub fn export(args: &ExportArgs) -> u8 {
    let dir = data_dir(args.data_dir.as_deref());
    let gathered = SqliteRecord::open(&dir).and_then(|(record, _)| Export::of(&record));
    let data = match gathered {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERRORS;
        }
    };
    let written = match args.out.extension().and_then(|e| e.to_str()) {
        Some("json") => std::fs::write(
            &args.out,
            serde_json::to_string_pretty(&data).unwrap_or_default(),
        ),
        Some("csv") => write_csv(&args.out, &data),
        _ => {
            eprintln!("error: name the file .json or .csv");
            return super::EXIT_USAGE;
        }
    };
    match written {
        Ok(()) => {
            println!(
                "Exported {} playthroughs to {}",
                data.playthroughs.len(),
                args.out.display()
            );
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", args.out.display());
            EXIT_ERRORS
        }
    }
}

fn write_csv(out: &std::path::Path, data: &Export) -> std::io::Result<()> {
    std::fs::write(out, csv(&data.playthroughs))?;
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut judgements = String::from("playthrough,stated,is_truth\n");
    for (id, stated, truth) in &data.judgements {
        judgements.push_str(&format!("{id},{stated:.4},{}\n", u8::from(*truth)));
    }
    std::fs::write(
        out.with_file_name(format!("{stem}-judgements.csv")),
        judgements,
    )
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// A record exported as JSON (by `export --out FILE.json`, or from the browser version).
    pub file: PathBuf,
    /// Where the record is (default: the platform's data folder).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Folder of shipped cases, for replaying the imported playthroughs.
    #[arg(long)]
    pub scenarios: Option<PathBuf>,
}

pub use crate::store::Imported;

/// Adds an exported record's playthroughs to the record in `data_dir`, finding their cases in
/// `scenarios` (see `Recorder::import`).
pub fn import_into(
    data: &Export,
    data_dir: &std::path::Path,
    scenarios: &std::path::Path,
) -> Result<Imported, String> {
    let (record, _) = SqliteRecord::open(data_dir).map_err(|e| e.0)?;
    let mut recorder = crate::store::Recorder::new(Some(Box::new(record)));
    recorder.import(data, |log| {
        let loaded = super::find_case(&log.case, scenarios)?;
        Ok(std::sync::Arc::new(super::playable(&loaded)?))
    })
}

pub fn import(args: &ImportArgs) -> u8 {
    let data: Export = match std::fs::read_to_string(&args.file)
        .map_err(|e| e.to_string())
        .and_then(|t| {
            serde_json::from_str(&t).map_err(|e| format!("it is not an exported record: {e}"))
        }) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: cannot import {}: {e}", args.file.display());
            return EXIT_ERRORS;
        }
    };
    let dir = data_dir(args.data_dir.as_deref());
    match import_into(
        &data,
        &dir,
        &super::scenarios_dir(args.scenarios.as_deref()),
    ) {
        Ok(done) => {
            println!(
                "Imported {} into {} ({} already there).",
                super::count(done.added, "playthrough", "playthroughs"),
                dir.display(),
                done.already_there
            );
            for s in &done.skipped {
                println!("  not imported: {s}");
            }
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_ERRORS
        }
    }
}
