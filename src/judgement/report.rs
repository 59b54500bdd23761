//! The whole analysis of one playthrough: the belief path, the decision's quality apart from its
//! outcome, calibration, and every detector's finding. `second-look report` prints it; the game's
//! debrief shows the same.

use serde::Serialize;

use super::calibration::{Calibration, calibration};
use super::debrief::debrief;
use super::detectors::{Report as Finding, detect_all};
use super::trace::Trace;
use crate::engine::Playthrough;

#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub case: String,
    pub seed: u64,
    pub truth: String,
    pub checkpoints: Vec<CheckpointRow>,
    pub decision: Option<DecisionRow>,
    /// What happened to the child, shown apart from the decision's quality.
    pub outcome: Option<String>,
    pub calibration: Calibration,
    pub reasoning: Vec<Finding>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckpointRow {
    pub checkpoint: String,
    pub step: usize,
    pub stated: Vec<(String, f64)>,
    pub warranted: Vec<(String, f64)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DecisionRow {
    pub chosen: String,
    pub expected_loss: f64,
    pub best: String,
    pub best_expected_loss: f64,
    /// How much more the decision was expected to cost than the best available then (0 = the best).
    pub regret: f64,
}

pub fn analyse(p: &Playthrough) -> Analysis {
    let case = &p.case;
    let d = debrief(p);
    let named = |v: &[f64]| -> Vec<(String, f64)> {
        case.hypotheses
            .iter()
            .cloned()
            .zip(v.iter().map(|x| (x * 1000.0).round() / 1000.0))
            .collect()
    };
    let trace = Trace::of(p);
    let stated: Vec<Vec<f64>> = trace.points.iter().map(|pt| pt.stated.clone()).collect();
    Analysis {
        case: case.case.id.clone(),
        seed: p.seed(),
        truth: case.hypotheses[p.truth].clone(),
        checkpoints: d
            .checkpoints
            .iter()
            .map(|c| CheckpointRow {
                checkpoint: c.checkpoint.clone(),
                step: c.step,
                stated: named(&c.stated),
                warranted: named(&c.normative),
            })
            .collect(),
        decision: d.decision.as_ref().map(|q| DecisionRow {
            chosen: case.decisions[q.chosen].id.clone(),
            expected_loss: q.chosen_loss,
            best: case.decisions[q.best].id.clone(),
            best_expected_loss: q.best_loss,
            regret: q.chosen_loss - q.best_loss,
        }),
        outcome: d.outcome.clone(),
        calibration: calibration(&stated, p.truth, &p.priors),
        reasoning: detect_all(&trace),
    }
}
