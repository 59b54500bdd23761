//! The trainee's record: every playthrough (its log as it grows, then its analysis), judgements for
//! calibration across sessions, detector results, hindsight ratings and reflections. The game and the
//! terminal talk to it through the small `Record` interface, so a web build can keep the same record in
//! the browser's storage where SQLite is not available.

pub mod book;
pub mod progress;
#[cfg(not(target_arch = "wasm32"))]
pub mod sqlite;
#[cfg(not(target_arch = "wasm32"))]
pub mod workshop;

use std::sync::Arc;

use serde::Serialize;

use crate::engine::{Compiled, Event, Log, Playthrough};
use crate::judgement::detectors::Verdict;
use crate::judgement::report::analyse;

/// Why the record could not do something. The game shows it and goes on: losing the record must
/// never stop a trainee playing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// One playthrough as the history lists it (and as `export` writes it, log included).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct PlaythroughRow {
    pub id: i64,
    pub case: String,
    pub title: String,
    pub seed: u64,
    pub started: String,
    /// When the playthrough was last saved.
    pub updated: String,
    pub finished: Option<String>,
    pub truth: Option<String>,
    pub decision: Option<String>,
    /// Expected loss above the best decision available then (0 = the best).
    pub regret: Option<f64>,
    pub brier: Option<f64>,
    pub brier_prior: Option<f64>,
    /// The reasoning errors the detectors flagged.
    pub flagged: Vec<String>,
    pub log: String,
}

/// Everything in the record, as `export --out FILE.json` writes it (and the browser version's "save a
/// copy"): each playthrough with its log, from which everything else can be derived again, and the rows
/// derived from them. `import` reads it back.
#[derive(Serialize, serde::Deserialize, Debug, PartialEq)]
pub struct Export {
    pub playthroughs: Vec<PlaythroughRow>,
    pub judgements: Vec<(i64, f64, bool)>,
    pub detectors: Vec<(i64, String, String)>,
}

impl Export {
    /// Everything `record` holds.
    pub fn of(record: &dyn Record) -> Result<Export, StoreError> {
        Ok(Export {
            playthroughs: record.playthroughs()?,
            judgements: record.judgement_rows()?,
            detectors: record.detector_rows()?,
        })
    }
}

/// What importing a saved copy of a record did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Imported {
    pub added: usize,
    pub already_there: usize,
    /// Playthroughs that could not be replayed, with why.
    pub skipped: Vec<String>,
}

impl Imported {
    /// In words, for the trainee.
    pub fn describe(&self) -> String {
        let mut words = format!(
            "Added {} playthrough{} from the copy ({} already here).",
            self.added,
            if self.added == 1 { "" } else { "s" },
            self.already_there
        );
        for s in &self.skipped {
            words.push_str(&format!(" Not added: {s}."));
        }
        words
    }
}

/// What a finished playthrough adds to the record, derived from its log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finished {
    pub truth: String,
    pub decision: Option<String>,
    pub regret: Option<f64>,
    pub brier: f64,
    pub brier_prior: f64,
    /// (step, checkpoint, hypothesis, stated, warranted, true?) for every judgement.
    pub judgements: Vec<(usize, String, String, f64, f64, bool)>,
    /// (detector, verdict, measured).
    pub detectors: Vec<(String, String, Option<f64>)>,
    pub reflections: Vec<(String, String)>,
    pub hindsight: Option<(u8, u8)>,
    pub quality_before: Option<u8>,
}

impl Finished {
    /// Everything the record keeps about a finished playthrough.
    pub fn of(p: &Playthrough) -> Finished {
        let a = analyse(p);
        let truth = &a.truth;
        let judgements = a
            .checkpoints
            .iter()
            .flat_map(|c| {
                c.stated
                    .iter()
                    .zip(&c.warranted)
                    .map(move |((h, s), (_, w))| {
                        (c.step, c.checkpoint.clone(), h.clone(), *s, *w, h == truth)
                    })
            })
            .collect();
        let verdict = |v: &Verdict| match v {
            Verdict::Flagged => "flagged",
            Verdict::NotShown => "not-shown",
            Verdict::NotEnough => "not-enough",
            Verdict::NotApplicable => "not-applicable",
        };
        let mut reflections = Vec::new();
        let mut hindsight = None;
        let mut quality_before = None;
        for e in &p.log.events {
            match e {
                Event::Reflection(r) => reflections.push((r.question.clone(), r.answer.clone())),
                Event::Hindsight(h) => hindsight = Some((h.foreseeable, h.decision_quality)),
                Event::Decision(d) => quality_before = d.quality,
                _ => {}
            }
        }
        Finished {
            truth: a.truth.clone(),
            decision: a.decision.as_ref().map(|d| d.chosen.clone()),
            regret: a.decision.as_ref().map(|d| d.regret),
            brier: a.calibration.brier,
            brier_prior: a.calibration.brier_prior,
            judgements,
            detectors: a
                .reasoning
                .iter()
                .map(|r| {
                    (
                        r.detector.id().to_string(),
                        verdict(&r.verdict).to_string(),
                        r.measured,
                    )
                })
                .collect(),
            reflections,
            hindsight,
            quality_before,
        }
    }
}

/// The trainee's record, wherever it is kept.
pub trait Record {
    /// Registers a new playthrough and returns its number.
    fn start(&mut self, log: &Log, title: &str) -> Result<i64, StoreError>;
    /// Saves the log as it now stands (called after every step).
    fn save(&mut self, id: i64, log: &Log) -> Result<(), StoreError>;
    /// Records what a finished playthrough showed.
    fn finish(&mut self, id: i64, log: &Log, finished: &Finished) -> Result<(), StoreError>;
    /// Every playthrough, oldest first.
    fn playthroughs(&self) -> Result<Vec<PlaythroughRow>, StoreError>;
    /// Every probability stated at a judgement in a finished playthrough: (playthrough, stated,
    /// whether that hypothesis was the truth).
    fn judgement_rows(&self) -> Result<Vec<(i64, f64, bool)>, StoreError>;
    /// Every detector's verdict in every finished playthrough: (playthrough, detector, verdict).
    fn detector_rows(&self) -> Result<Vec<(i64, String, String)>, StoreError>;
    /// Deletes everything the record holds.
    fn forget_everything(&mut self) -> Result<(), StoreError>;
}

/// Keeps one playthrough in the record as it is played. Problems are kept to show the trainee, and
/// never stop the game: the log file beside it is written regardless.
pub struct Recorder {
    record: Option<Box<dyn Record + Send>>,
    id: Option<i64>,
    /// The last thing that went wrong, to show.
    pub problem: Option<String>,
}

impl Recorder {
    /// A recorder over `record` (or none, when the record could not be opened).
    pub fn new(record: Option<Box<dyn Record + Send>>) -> Recorder {
        Recorder {
            record,
            id: None,
            problem: None,
        }
    }

    /// Opens the record in the browser's storage (the web build has no folder): the second value
    /// is a notice to show (a record that could not be read, kept aside; storage unavailable).
    #[cfg(target_arch = "wasm32")]
    pub fn open(_data_dir: &std::path::Path) -> (Recorder, Option<String>) {
        let (record, notice) = book::open_browser();
        (
            Recorder::new(record.map(|r| Box::new(r) as Box<dyn Record + Send>)),
            notice,
        )
    }

    /// Opens the SQLite record in `data_dir`; the second value is a notice to show (a damaged file
    /// moved aside, or the record unavailable).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn open(data_dir: &std::path::Path) -> (Recorder, Option<String>) {
        match sqlite::SqliteRecord::open(data_dir) {
            Ok((record, notice)) => (Recorder::new(Some(Box::new(record))), notice),
            Err(e) => (
                Recorder::new(None),
                Some(format!("Your progress cannot be recorded this time: {e}")),
            ),
        }
    }

    fn note<T>(&mut self, result: Result<T, StoreError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.problem = Some(e.0);
                None
            }
        }
    }

    /// Starts recording a playthrough, or carries on the one already in the record whose log this one
    /// continues (a resumed or replayed playthrough is not recorded twice).
    pub fn begin(&mut self, log: &Log, title: &str) {
        let Some(record) = self.record.as_mut() else {
            return;
        };
        let existing = record.playthroughs().map(|rows| {
            rows.iter()
                .rev()
                .find(|r| r.case == log.case && r.seed == log.seed && log_starts(&r.log, log))
                .map(|r| r.id)
        });
        let id = match existing {
            Ok(Some(id)) => Ok(id),
            Ok(None) => record.start(log, title),
            Err(e) => Err(e),
        };
        self.id = self.note(id);
        self.step(log);
    }

    /// Saves the log as it now stands.
    pub fn step(&mut self, log: &Log) {
        let (Some(record), Some(id)) = (self.record.as_mut(), self.id) else {
            return;
        };
        let result = record.save(id, log);
        self.note(result);
    }

    /// The record itself, to read from (none when it could not be opened).
    pub fn record(&self) -> Option<&(dyn Record + Send)> {
        self.record.as_deref()
    }

    /// Deletes everything in the record.
    pub fn forget_everything(&mut self) {
        let Some(record) = self.record.as_mut() else {
            return;
        };
        let result = record.forget_everything();
        self.id = None;
        self.note(result);
    }

    /// Adds a saved copy's playthroughs (from `export`, or the browser's "save a copy"). Each is
    /// replayed onto its case (`case_of` finds it), so everything derived from it is worked out again
    /// by this version; one already in the record (the same log) is not added twice. Stops at the
    /// first thing the record itself refuses.
    pub fn import(
        &mut self,
        data: &Export,
        case_of: impl Fn(&Log) -> Result<Arc<Compiled>, String>,
    ) -> Result<Imported, String> {
        let existing: Vec<String> = match self.record() {
            Some(r) => r.playthroughs().map_err(|e| e.0)?,
            None => return Err("the record could not be opened".into()),
        }
        .into_iter()
        .map(|r| r.log)
        .collect();
        let mut done = Imported::default();
        for row in &data.playthroughs {
            if existing.contains(&row.log) {
                done.already_there += 1;
                continue;
            }
            let replayed = Log::from_ron(&row.log).and_then(|log| {
                let p = Playthrough::replay(case_of(&log)?, &log).map_err(|e| e.to_string())?;
                Ok((log, p))
            });
            match replayed {
                Ok((log, p)) => {
                    self.begin(&log, &row.title);
                    if p.stage() == crate::engine::Stage::Finished {
                        self.finish(&p);
                    }
                    if let Some(problem) = self.problem.take() {
                        return Err(problem);
                    }
                    done.added += 1;
                }
                Err(e) => done
                    .skipped
                    .push(format!("{} ({}): {e}", row.title, row.started)),
            }
        }
        self.id = None;
        Ok(done)
    }

    /// Records what the finished playthrough showed.
    pub fn finish(&mut self, p: &Playthrough) {
        let (Some(record), Some(id)) = (self.record.as_mut(), self.id) else {
            return;
        };
        let result = record.finish(id, &p.log, &Finished::of(p));
        self.note(result);
    }
}

/// Whether a stored log is the beginning of `log` (the same playthrough, carried on).
fn log_starts(stored: &str, log: &Log) -> bool {
    Log::from_ron(stored).is_ok_and(|s| s.seed == log.seed && log.events.starts_with(&s.events))
}
