//! The short debrief: the trainee's belief beside the normative belief at each checkpoint, and the
//! decision's expected loss beside the best available at the time it was made.

use crate::engine::Playthrough;
use crate::engine::compiled::SceneKind;

use super::reasoner::{best_decision, expected_losses, posterior};

/// One checkpoint: what the trainee said and what the findings so far warranted.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckpointComparison {
    pub checkpoint: String,
    pub step: usize,
    pub stated: Vec<f64>,
    pub normative: Vec<f64>,
    pub findings_known: usize,
}

/// The decision scored by its expected loss under the normative belief when it was made — not by
/// the outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionQuality {
    pub chosen: usize,
    pub chosen_loss: f64,
    pub best: usize,
    pub best_loss: f64,
    pub belief: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Debrief {
    pub checkpoints: Vec<CheckpointComparison>,
    pub decision: Option<DecisionQuality>,
    pub truth: usize,
    pub outcome: Option<String>,
}

pub fn debrief(p: &Playthrough) -> Debrief {
    let case = &*p.case;
    let checkpoints = p
        .judgements()
        .map(|(step, j)| {
            let observed = p.observed_before(step);
            CheckpointComparison {
                checkpoint: j.checkpoint.clone(),
                step,
                stated: case
                    .hypotheses
                    .iter()
                    .map(|h| j.probabilities.get(h).copied().unwrap_or(0.0))
                    .collect(),
                normative: posterior(case, &p.priors, &observed),
                findings_known: observed.len(),
            }
        })
        .collect();
    let decision = p.decision().and_then(|(step, d)| {
        let chosen = case.decision_index(&d.decision)?;
        let belief = posterior(case, &p.priors, &p.observed_before(step));
        let offered = match &case.scenes[p.state.scene].kind {
            SceneKind::Decide { decisions } => decisions.clone(),
            _ => (0..case.decisions.len()).collect(),
        };
        let (best, best_loss) = best_decision(case, &belief, &offered)?;
        Some(DecisionQuality {
            chosen,
            chosen_loss: expected_losses(case, &belief)[chosen],
            best,
            best_loss,
            belief,
        })
    });
    Debrief {
        checkpoints,
        decision,
        truth: p.truth,
        outcome: p.outcome().map(str::to_string),
    }
}
