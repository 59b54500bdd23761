//! A playthrough laid out for analysis: each judgement beside the normative belief at that moment,
//! each choice of action beside the alternatives on offer and what each could have shown, and the
//! decision with what was known then. The detectors read this; they never replay the engine.

use crate::engine::compiled::{Compiled, SceneKind};
use crate::engine::{Event, Playthrough};

use super::reasoner::{expected_losses, outcomes, posterior, value_of_looking};

/// A judgement and what the evidence warranted when it was given.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub step: usize,
    pub checkpoint: String,
    pub stated: Vec<f64>,
    pub normative: Vec<f64>,
    pub leading: usize,
    pub confidence: u8,
    /// Findings revealed before this judgement, in order.
    pub known: Vec<(usize, bool)>,
}

/// One action on offer at a choice: what it could reveal, and how informative that would be.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub action: usize,
    /// Findings it would look for that are not yet known.
    pub new_findings: Vec<usize>,
    /// Expected fall in entropy over the hypotheses, in bits.
    pub gain: f64,
    /// Each way it could turn out: (chance, posterior after).
    pub outcomes: Vec<(f64, Vec<f64>)>,
}

/// A choice of action, with the alternatives on offer at that moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub step: usize,
    pub action: usize,
    pub belief: Vec<f64>,
    pub offers: Vec<Offer>,
    pub minutes_left: u32,
}

impl Choice {
    pub fn chosen(&self) -> Option<&Offer> {
        self.offers.iter().find(|o| o.action == self.action)
    }
}

/// The decision, and the normative picture when it was made.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionPoint {
    pub step: usize,
    pub chosen: usize,
    pub belief: Vec<f64>,
    pub losses: Vec<f64>,
    pub minutes_left: u32,
    /// The never-looked-for finding that could most lower the expected loss, and by how much.
    pub best_unseen: Option<(usize, f64)>,
}

#[derive(Debug, Clone)]
pub struct Trace<'a> {
    pub case: &'a Compiled,
    pub priors: Vec<f64>,
    pub truth: usize,
    pub points: Vec<Point>,
    pub choices: Vec<Choice>,
    pub decision: Option<DecisionPoint>,
    /// Every finding revealed, in order: (finding, present, step).
    pub revealed: Vec<(usize, bool, usize)>,
    pub events: Vec<Event>,
}

impl<'a> Trace<'a> {
    /// Lays out a playthrough step by step (the log is replayed from the start).
    pub fn of(p: &'a Playthrough) -> Trace<'a> {
        let case: &Compiled = &p.case;
        let mut replay = Playthrough::new(p.case.clone(), p.seed(), p.log.variant.as_deref())
            .expect("the playthrough exists");
        let all_decisions: Vec<usize> = (0..case.decisions.len()).collect();
        let mut points = Vec::new();
        let mut choices = Vec::new();
        let mut decision = None;
        for (i, event) in p.log.events.iter().enumerate() {
            let step = i + 1;
            let known = replay.observed();
            let belief = posterior(case, &replay.priors, &known);
            match event {
                Event::Action(id) => {
                    if let Some(a) = case.action_index(id) {
                        let offers = replay
                            .state
                            .available(case)
                            .map(|o| offer(case, &replay.priors, &known, o, &all_decisions))
                            .collect();
                        let minutes_left = replay.state.minutes_left(case);
                        choices.push(Choice {
                            step,
                            action: a,
                            belief: belief.clone(),
                            offers,
                            minutes_left,
                        });
                    }
                }
                Event::Judgement(j) => {
                    let stated = case
                        .hypotheses
                        .iter()
                        .map(|h| j.probabilities.get(h).copied().unwrap_or(0.0))
                        .collect();
                    points.push(Point {
                        step,
                        checkpoint: j.checkpoint.clone(),
                        stated,
                        normative: belief.clone(),
                        leading: case.hypothesis_index(&j.leading).unwrap_or(0),
                        confidence: j.confidence,
                        known: known.clone(),
                    });
                }
                Event::Decision(d) => {
                    if let Some(chosen) = case.decision_index(&d.decision) {
                        let offered = match &case.scenes[replay.state.scene].kind {
                            SceneKind::Decide { decisions } => decisions.clone(),
                            _ => all_decisions.clone(),
                        };
                        decision = Some(DecisionPoint {
                            step,
                            chosen,
                            losses: expected_losses(case, &belief),
                            minutes_left: replay.state.minutes_left(case),
                            best_unseen: best_unseen(case, &replay.priors, &known, &offered),
                            belief: belief.clone(),
                        });
                    }
                }
                _ => {}
            }
            if replay.apply(event.clone()).is_err() {
                break;
            }
        }
        Trace {
            case,
            priors: p.priors.clone(),
            truth: p.truth,
            points,
            choices,
            decision,
            revealed: p
                .revealed
                .iter()
                .map(|r| (r.finding, r.present, r.step))
                .collect(),
            events: p.log.events.clone(),
        }
    }

    /// The probability of harm (all harmful hypotheses together) in a belief.
    pub fn harm(&self, belief: &[f64]) -> f64 {
        belief
            .iter()
            .zip(&self.case.harm)
            .filter(|(_, h)| **h)
            .map(|(p, _)| p)
            .sum()
    }

    /// Whether the case has both harmful and benign hypotheses.
    pub fn has_harm_and_benign(&self) -> bool {
        self.case.harm.iter().any(|h| *h) && self.case.harm.iter().any(|h| !*h)
    }

    /// The normative contribution of each revealed finding to the log-odds of `focal` (a probability
    /// read off a belief): the change it made, in the order findings came to light.
    pub fn contributions(&self, focal: &dyn Fn(&[f64]) -> f64) -> Vec<(usize, f64)> {
        let mut known = Vec::new();
        let mut before = logit(focal(&self.priors));
        let mut out = Vec::new();
        for &(f, present, _) in &self.revealed {
            known.push((f, present));
            let after = logit(focal(&posterior(self.case, &self.priors, &known)));
            out.push((f, after - before));
            before = after;
        }
        out
    }
}

fn offer(
    case: &Compiled,
    priors: &[f64],
    known: &[(usize, bool)],
    action: usize,
    decisions: &[usize],
) -> Offer {
    let new_findings: Vec<usize> = case.actions[action]
        .looks_for
        .iter()
        .copied()
        .filter(|f| !known.iter().any(|(k, _)| k == f))
        .collect();
    let gain = value_of_looking(case, priors, known, &new_findings, decisions).information_gain;
    Offer {
        action,
        outcomes: outcomes(case, priors, known, &new_findings),
        new_findings,
        gain,
    }
}

/// The most informative finding never looked for, and what looking for it together with the next
/// most informative ones (up to eight) would still have been worth.
fn best_unseen(
    case: &Compiled,
    priors: &[f64],
    known: &[(usize, bool)],
    offered: &[usize],
) -> Option<(usize, f64)> {
    let mut unseen: Vec<(usize, f64)> = (0..case.findings.len())
        .filter(|f| !known.iter().any(|(k, _)| k == f))
        .map(|f| {
            (
                f,
                value_of_looking(case, priors, known, &[f], offered).information_gain,
            )
        })
        .collect();
    unseen.sort_by(|a, b| b.1.total_cmp(&a.1));
    let top: Vec<usize> = unseen.iter().take(8).map(|x| x.0).collect();
    let first = *top.first()?;
    Some((
        first,
        value_of_looking(case, priors, known, &top, offered).value,
    ))
}

/// Log-odds, with probabilities held inside [0.5%, 99.5%] so that a stated 0 or 100 (whole
/// percentages) stays finite.
pub fn logit(p: f64) -> f64 {
    let p = p.clamp(0.005, 0.995);
    (p / (1.0 - p)).ln()
}
