//! A playthrough driven by its event log: each event is checked against the case before it is applied,
//! so a log replayed onto an edited case names the first step that no longer applies, and why.

use std::sync::Arc;

use super::compiled::{Compiled, SceneKind};
use super::log::{DecisionMade, Event, Judgement, Log};
use super::rng::{fnv, pick_weighted, unit};
use super::state::State;

/// A finding as it came to light: which, present or absent, and by which step and action.
#[derive(Debug, Clone, PartialEq)]
pub struct Revealed {
    pub finding: usize,
    pub present: bool,
    pub step: usize,
    pub action: usize,
}

/// What the trainee faces now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// A scene with actions on offer.
    Scene,
    /// A judgement is due at this checkpoint.
    Checkpoint,
    /// The decision is due.
    Decide,
    /// Decided; only reflections remain.
    Finished,
    /// An ordinary scene with nothing left to do and nowhere to go (a case the checker warned about).
    Stuck,
}

/// Why a step of a log cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepError {
    /// 1-based position of the event in the log (0: the log's header).
    pub step: usize,
    pub event: String,
    pub reason: String,
}

impl std::fmt::Display for StepError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.step == 0 {
            write!(f, "{}", self.reason)
        } else {
            write!(
                f,
                "step {} ({}) no longer applies: {}",
                self.step, self.event, self.reason
            )
        }
    }
}

/// One trainee's way through one case. It shares the compiled case, so the game can keep it as long
/// as it likes and swap in a new version after an edit.
#[derive(Debug, Clone)]
pub struct Playthrough {
    pub case: Arc<Compiled>,
    pub log: Log,
    pub state: State,
    pub truth: usize,
    pub priors: Vec<f64>,
    pub revealed: Vec<Revealed>,
}

/// The truth for a seed: fixed by the variant, or drawn from the priors.
pub fn draw_truth(case: &Compiled, seed: u64, variant: Option<&str>) -> usize {
    let fixed = variant
        .and_then(|v| case.case.variants.get(v))
        .and_then(|v| v.truth.as_deref())
        .and_then(|t| case.hypothesis_index(t));
    fixed.unwrap_or_else(|| pick_weighted(&case.priors_for(variant), unit(seed, fnv(b"truth"))))
}

/// Whether finding `f` is present in the playthrough with this seed and truth.
pub fn is_present(case: &Compiled, seed: u64, truth: usize, f: usize) -> bool {
    let finding = &case.findings[f];
    unit(seed, finding.salt) < finding.likely[truth]
}

impl Playthrough {
    /// A fresh playthrough. A variant the case does not have is an error.
    pub fn new(case: Arc<Compiled>, seed: u64, variant: Option<&str>) -> Result<Self, String> {
        if let Some(v) = variant
            && !case.case.variants.contains_key(v)
        {
            let known: Vec<&str> = case.case.variants.keys().collect();
            return Err(format!(
                "the case has no variant \"{v}\" (it has: {})",
                known.join(", ")
            ));
        }
        Ok(Playthrough {
            log: Log::new(
                &case.case.id,
                &case.version,
                seed,
                variant.map(str::to_string),
            ),
            state: State::start(&case),
            truth: draw_truth(&case, seed, variant),
            priors: case.priors_for(variant),
            revealed: Vec::new(),
            case,
        })
    }

    /// Replays a saved log onto `case`, stopping at the first step that no longer applies.
    pub fn replay(case: Arc<Compiled>, log: &Log) -> Result<Self, StepError> {
        let header = |reason: String| StepError {
            step: 0,
            event: "header".into(),
            reason,
        };
        if log.case != case.case.id {
            return Err(header(format!(
                "this log is of case \"{}\", not \"{}\"",
                log.case, case.case.id
            )));
        }
        let mut p = Playthrough::new(case, log.seed, log.variant.as_deref()).map_err(header)?;
        for event in &log.events {
            p.apply(event.clone())?;
        }
        Ok(p)
    }

    /// Whether the case has changed since the log was recorded (its steps may still all apply).
    pub fn case_changed_since(&self, log: &Log) -> bool {
        log.case_version != self.case.version
    }

    pub fn seed(&self) -> u64 {
        self.log.seed
    }

    pub fn stage(&self) -> Stage {
        if self.state.is_finished() {
            return Stage::Finished;
        }
        match &self.case.scenes[self.state.scene].kind {
            SceneKind::Checkpoint { .. } => Stage::Checkpoint,
            SceneKind::Decide { .. } => Stage::Decide,
            SceneKind::Narrative { .. } if self.state.available(&self.case).next().is_none() => {
                Stage::Stuck
            }
            SceneKind::Narrative { .. } => Stage::Scene,
        }
    }

    /// The decisions on offer at a decision point.
    pub fn offered_decisions(&self) -> &[usize] {
        match &self.case.scenes[self.state.scene].kind {
            SceneKind::Decide { decisions } if !self.state.is_finished() => decisions,
            _ => &[],
        }
    }

    /// Checks `event` against the case and, if it applies, records it in the log.
    pub fn apply(&mut self, event: Event) -> Result<(), StepError> {
        let step = self.log.events.len() + 1;
        let fail = |reason: String| StepError {
            step,
            event: describe(&event),
            reason,
        };
        match &event {
            Event::Action(id) => self.apply_action(id, step).map_err(fail)?,
            Event::Judgement(j) => self.apply_judgement(j).map_err(fail)?,
            Event::Decision(d) => self.apply_decision(d).map_err(fail)?,
            Event::Reflection(_) | Event::Hindsight(_) => {
                if !self.state.is_finished() {
                    return Err(fail(
                        "reflections and hindsight ratings come after the decision".into(),
                    ));
                }
            }
        }
        self.log.events.push(event);
        Ok(())
    }

    fn apply_action(&mut self, id: &str, step: usize) -> Result<(), String> {
        let a = self
            .case
            .action_index(id)
            .ok_or_else(|| format!("the case has no action \"{id}\""))?;
        if self.stage() != Stage::Scene || !self.state.can_take(&self.case, a) {
            let here = &self.case.scenes[self.state.scene].id;
            return Err(format!(
                "action \"{id}\" is not on offer in scene \"{here}\""
            ));
        }
        let (case, seed, truth) = (&*self.case, self.log.seed, self.truth);
        let new = self
            .state
            .take(case, a, |f| is_present(case, seed, truth, f));
        for f in new {
            let present = self.state.present.get(f);
            self.revealed.push(Revealed {
                finding: f,
                present,
                step,
                action: a,
            });
        }
        Ok(())
    }

    fn apply_judgement(&mut self, j: &Judgement) -> Result<(), String> {
        let here = &self.case.scenes[self.state.scene].id;
        if self.stage() != Stage::Checkpoint {
            return Err(format!("no judgement is due in scene \"{here}\""));
        }
        if &j.checkpoint != here {
            return Err(format!(
                "the judgement is for checkpoint \"{}\" but the case is at \"{here}\"",
                j.checkpoint
            ));
        }
        check_probabilities(&self.case, j)?;
        self.state.pass_checkpoint(&self.case);
        Ok(())
    }

    fn apply_decision(&mut self, d: &DecisionMade) -> Result<(), String> {
        let index = self
            .case
            .decision_index(&d.decision)
            .ok_or_else(|| format!("the case has no decision \"{}\"", d.decision))?;
        if self.stage() != Stage::Decide || !self.offered_decisions().contains(&index) {
            let here = &self.case.scenes[self.state.scene].id;
            return Err(format!(
                "decision \"{}\" is not on offer in scene \"{here}\"",
                d.decision
            ));
        }
        self.state.decided = Some(index);
        Ok(())
    }

    /// The judgements given so far, in order.
    pub fn judgements(&self) -> impl Iterator<Item = (usize, &Judgement)> {
        self.log
            .events
            .iter()
            .enumerate()
            .filter_map(|(i, e)| match e {
                Event::Judgement(j) => Some((i + 1, j)),
                _ => None,
            })
    }

    /// The decision and its rationale, once made.
    pub fn decision(&self) -> Option<(usize, &DecisionMade)> {
        self.log
            .events
            .iter()
            .enumerate()
            .find_map(|(i, e)| match e {
                Event::Decision(d) => Some((i + 1, d)),
                _ => None,
            })
    }

    /// What happened to the child, once decided: the outcome of the decision under the truth.
    pub fn outcome(&self) -> Option<&str> {
        let d = self.state.decided?;
        let decision = self.case.case.decisions.values().nth(d)?;
        decision
            .outcomes
            .get(&self.case.hypotheses[self.truth])
            .map(String::as_str)
    }

    /// Findings revealed before event `step` (1-based), as (finding, present) pairs.
    pub fn observed_before(&self, step: usize) -> Vec<(usize, bool)> {
        self.revealed
            .iter()
            .filter(|r| r.step < step)
            .map(|r| (r.finding, r.present))
            .collect()
    }

    /// Every finding revealed so far, as (finding, present) pairs.
    pub fn observed(&self) -> Vec<(usize, bool)> {
        self.revealed
            .iter()
            .map(|r| (r.finding, r.present))
            .collect()
    }
}

/// A judgement must give every hypothesis a probability in [0, 1], adding up to 1 (within half a
/// percentage point, for rounding), and name a leading hypothesis.
fn check_probabilities(case: &Compiled, j: &Judgement) -> Result<(), String> {
    for (h, p) in j.probabilities.iter() {
        if case.hypothesis_index(h).is_none() {
            return Err(format!("the case has no hypothesis \"{h}\""));
        }
        if !(0.0..=1.0).contains(p) {
            return Err(format!(
                "the probability for \"{h}\" is {p}, outside 0 to 1"
            ));
        }
    }
    if let Some(missing) = case
        .hypotheses
        .iter()
        .find(|h| !j.probabilities.contains_key(h))
    {
        return Err(format!(
            "the judgement gives no probability for \"{missing}\""
        ));
    }
    let sum: f64 = j.probabilities.values().sum();
    if (sum - 1.0).abs() > 0.005 {
        return Err(format!("the probabilities add up to {sum:.3}, not 1"));
    }
    if case.hypothesis_index(&j.leading).is_none() {
        return Err(format!(
            "the leading hypothesis \"{}\" is not one of the case's",
            j.leading
        ));
    }
    if j.confidence > 100 {
        return Err(format!("confidence {} is above 100", j.confidence));
    }
    Ok(())
}

/// A few words naming an event, for messages.
pub fn describe(event: &Event) -> String {
    match event {
        Event::Action(id) => format!("action \"{id}\""),
        Event::Judgement(j) => format!("judgement at \"{}\"", j.checkpoint),
        Event::Decision(d) => format!("decision \"{}\"", d.decision),
        Event::Reflection(_) => "reflection".into(),
        Event::Hindsight(_) => "hindsight ratings".into(),
    }
}
