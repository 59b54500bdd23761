//! The trainee's progress across sessions, read from the record: calibration over all their
//! judgements (one case is too few), their Brier score session by session, and how often each
//! reasoning error showed.

use serde::Serialize;

use super::{Record, StoreError};

/// One finished playthrough, as a point on the progress chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Session {
    pub id: i64,
    pub started: String,
    pub title: String,
    pub brier: f64,
    pub brier_prior: f64,
    /// The reasoning errors shown in this session.
    pub flagged: Vec<String>,
}

/// How often one detector flagged, over the playthroughs where it could tell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorCount {
    pub detector: String,
    pub flagged: usize,
    pub decided: usize,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Progress {
    pub finished: usize,
    pub unfinished: usize,
    pub sessions: Vec<Session>,
    /// Every stated probability, in ten bins: (bin centre, how many, how often true).
    pub reliability: Vec<(f64, usize, f64)>,
    /// Brier score over all finished playthroughs, and the base rate's.
    pub brier: Option<f64>,
    pub brier_prior: Option<f64>,
    pub errors: Vec<ErrorCount>,
}

impl Progress {
    pub fn of(record: &dyn Record) -> Result<Progress, StoreError> {
        let rows = record.playthroughs()?;
        let sessions: Vec<Session> = rows
            .iter()
            .filter(|r| r.finished.is_some())
            .filter_map(|r| {
                Some(Session {
                    id: r.id,
                    started: r.started.clone(),
                    title: r.title.clone(),
                    brier: r.brier?,
                    brier_prior: r.brier_prior?,
                    flagged: r.flagged.clone(),
                })
            })
            .collect();
        let mean = |f: &dyn Fn(&Session) -> f64| {
            (!sessions.is_empty())
                .then(|| sessions.iter().map(f).sum::<f64>() / sessions.len() as f64)
        };
        let mut bins = [(0usize, 0usize); 10];
        for (_, stated, truth) in record.judgement_rows()? {
            let bin = ((stated * 10.0).floor() as usize).min(9);
            bins[bin].0 += 1;
            bins[bin].1 += usize::from(truth);
        }
        let mut errors: Vec<ErrorCount> = Vec::new();
        for (_, detector, verdict) in record.detector_rows()? {
            let decided = verdict == "flagged" || verdict == "not-shown";
            if !decided {
                continue;
            }
            match errors.iter_mut().find(|e| e.detector == detector) {
                Some(e) => {
                    e.decided += 1;
                    e.flagged += usize::from(verdict == "flagged");
                }
                None => errors.push(ErrorCount {
                    detector,
                    flagged: usize::from(verdict == "flagged"),
                    decided: 1,
                }),
            }
        }
        errors.sort_by(|a, b| {
            (b.flagged * a.decided.max(1))
                .cmp(&(a.flagged * b.decided.max(1)))
                .then(a.detector.cmp(&b.detector))
        });
        Ok(Progress {
            finished: sessions.len(),
            unfinished: rows.iter().filter(|r| r.finished.is_none()).count(),
            brier: mean(&|s| s.brier),
            brier_prior: mean(&|s| s.brier_prior),
            sessions,
            reliability: bins
                .iter()
                .enumerate()
                .filter(|(_, b)| b.0 > 0)
                .map(|(i, b)| (i as f64 / 10.0 + 0.05, b.0, b.1 as f64 / b.0 as f64))
                .collect(),
            errors,
        })
    }
}
