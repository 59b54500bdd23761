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
    /// Minutes spent in cases (from each playthrough's first save to its last).
    pub minutes: u64,
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
        let minutes = rows
            .iter()
            .filter_map(|r| Some(seconds(&r.updated)?.saturating_sub(seconds(&r.started)?)))
            .sum::<u64>()
            / 60;
        Ok(Progress {
            minutes,
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

/// Seconds since 1970 from a record timestamp (`20261127T134626Z`).
fn seconds(stamp: &str) -> Option<u64> {
    let digits: Vec<u64> = stamp
        .chars()
        .filter(|c| c.is_ascii_digit())
        .map(|c| u64::from(c.to_digit(10).unwrap_or(0)))
        .collect();
    if digits.len() != 14 {
        return None;
    }
    let n = |from: usize, len: usize| {
        digits[from..from + len]
            .iter()
            .fold(0u64, |a, d| a * 10 + d)
    };
    let (y, m, d) = (n(0, 4) as i64, n(4, 2) as i64, n(6, 2) as i64);
    // Days from civil (Howard Hinnant), the inverse of the timestamp's own conversion.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = u64::try_from(era * 146_097 + doe - 719_468).ok()?;
    Some(days * 86_400 + n(8, 2) * 3600 + n(10, 2) * 60 + n(12, 2))
}

#[cfg(test)]
mod tests {
    use super::seconds;

    #[test]
    fn timestamps_read_back_to_seconds() {
        assert_eq!(seconds("19700101T000000Z"), Some(0));
        assert_eq!(seconds("20261127T000000Z"), Some(20_784 * 86_400));
        assert_eq!(
            seconds("20261127T010203Z").unwrap() - seconds("20261127T000000Z").unwrap(),
            3723
        );
        assert_eq!(seconds("not a time"), None);
    }
}
