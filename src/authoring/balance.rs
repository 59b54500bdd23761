//! The balance report behind `explore --balance`: for each possible truth, seeded random playthroughs
//! judged by the normative reasoner — how often it ends confident and right, which decision is best,
//! how much time is used — plus which findings and actions carry the most information, and warnings
//! when a case is too easy (the truth is clear by the first checkpoint) or cannot be told apart.

use serde::Serialize;

use crate::engine::Compiled;
use crate::engine::compiled::SceneKind;
use crate::engine::explore::run_seed;
use crate::engine::playthrough::is_present;
use crate::engine::rng::Stream;
use crate::engine::state::State;
use crate::judgement::reasoner::{best_decision, posterior, value_of_looking};

/// The normative posterior for the truth at or above this is "confident".
pub const CONFIDENT: f64 = 0.7;
/// By the first checkpoint, the truth at or above this in most playthroughs of every truth: too easy.
const OBVIOUS: f64 = 0.9;
/// The share of playthroughs that counts as "most".
const MOST: f64 = 0.8;
/// Ending confident and right in fewer than this share of playthroughs: the truth cannot be told.
const HOPELESS: f64 = 0.1;
/// ...and the mean posterior for it ending less than this far above its prior.
const BARELY: f64 = 0.1;
const MAX_STEPS: usize = 10_000;

/// What random playthroughs showed when one hypothesis was the truth.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TruthRow {
    pub truth: String,
    pub label: String,
    pub prior: f64,
    pub runs: u64,
    /// Share of playthroughs ending with the normative posterior for the truth at least `CONFIDENT`
    /// and highest.
    pub confident_and_right: f64,
    /// Mean normative posterior for the truth at the end.
    pub mean_final: f64,
    /// Share of playthroughs in which the truth was already at least 0.9 at the first checkpoint.
    pub obvious_at_first_checkpoint: f64,
    /// Share of playthroughs in which each decision was the best on the evidence at the end.
    pub best_decisions: Vec<(String, f64)>,
    /// Hours used: least, median, 90th percentile, most.
    pub hours: [f64; 4],
}

/// How much looking for something tells, at the start, before anything is known.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Informative {
    pub id: String,
    pub label: String,
    /// Expected information gain about the truth, in bits.
    pub bits: f64,
    /// Expected fall in the least expected loss of the decision.
    pub value: f64,
}

/// The whole report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Balance {
    pub case: String,
    pub runs_per_truth: u64,
    pub seed: u64,
    pub truths: Vec<TruthRow>,
    pub findings: Vec<Informative>,
    pub actions: Vec<Informative>,
    pub warnings: Vec<String>,
    /// The time the case allows, and the time taking every action once would need (minutes).
    pub minutes_available: u32,
    pub minutes_of_all_actions: u32,
}

/// One random playthrough with the truth fixed.
struct Walk {
    first_checkpoint: Option<Vec<f64>>,
    last: Vec<f64>,
    minutes: u32,
}

fn walk(case: &Compiled, truth: usize, run: u64) -> Walk {
    let mut rng = Stream::new(run ^ 0xBA1A);
    let mut state = State::start(case);
    let mut revealed: Vec<(usize, bool)> = Vec::new();
    let mut first_checkpoint = None;
    let mut available = Vec::new();
    for _ in 0..MAX_STEPS {
        match &case.scenes[state.scene].kind {
            SceneKind::Decide { .. } => break,
            SceneKind::Checkpoint { .. } => {
                if first_checkpoint.is_none() {
                    first_checkpoint = Some(posterior(case, &case.priors, &revealed));
                }
                state.pass_checkpoint(case);
            }
            SceneKind::Narrative { .. } => {
                available.clear();
                available.extend(state.available(case));
                if available.is_empty() {
                    break;
                }
                let a = available[rng.below(available.len())];
                let new = state.take(case, a, |f| is_present(case, run, truth, f));
                revealed.extend(new.iter().map(|&f| (f, state.present.get(f))));
            }
        }
    }
    Walk {
        first_checkpoint,
        last: posterior(case, &case.priors, &revealed),
        minutes: state.minutes,
    }
}

fn quantile(sorted: &[u32], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i] as f64 / 60.0
}

fn is_highest(belief: &[f64], h: usize) -> bool {
    belief.iter().all(|&p| p <= belief[h])
}

fn decide_offered(case: &Compiled) -> Vec<usize> {
    case.scenes
        .iter()
        .find_map(|s| match &s.kind {
            SceneKind::Decide { decisions } => Some(decisions.clone()),
            _ => None,
        })
        .unwrap_or_else(|| (0..case.decisions.len()).collect())
}

fn truth_row(case: &Compiled, h: usize, runs: u64, seed: u64, offered: &[usize]) -> TruthRow {
    let mut right = 0u64;
    let mut obvious = 0u64;
    let mut final_sum = 0.0;
    let mut best = vec![0u64; case.decisions.len()];
    let mut minutes = Vec::with_capacity(runs as usize);
    for i in 0..runs {
        let w = walk(
            case,
            h,
            run_seed(seed ^ (h as u64).wrapping_mul(0x9E37_79B9), i),
        );
        if w.last[h] >= CONFIDENT && is_highest(&w.last, h) {
            right += 1;
        }
        if w.first_checkpoint.as_ref().is_some_and(|b| b[h] >= OBVIOUS) {
            obvious += 1;
        }
        final_sum += w.last[h];
        if let Some((d, _)) = best_decision(case, &w.last, offered) {
            best[d] += 1;
        }
        minutes.push(w.minutes);
    }
    minutes.sort_unstable();
    let share = |n: u64| {
        if runs == 0 {
            0.0
        } else {
            n as f64 / runs as f64
        }
    };
    let label = case
        .case
        .hypotheses
        .values()
        .nth(h)
        .map_or(String::new(), |x| x.label.clone());
    TruthRow {
        truth: case.hypotheses[h].clone(),
        label,
        prior: case.priors[h],
        runs,
        confident_and_right: share(right),
        mean_final: if runs == 0 {
            0.0
        } else {
            final_sum / runs as f64
        },
        obvious_at_first_checkpoint: share(obvious),
        best_decisions: offered
            .iter()
            .map(|&d| (case.decisions[d].id.clone(), share(best[d])))
            .collect(),
        hours: [
            quantile(&minutes, 0.0),
            quantile(&minutes, 0.5),
            quantile(&minutes, 0.9),
            quantile(&minutes, 1.0),
        ],
    }
}

/// The findings and the actions ranked by what looking tells at the start, most first.
fn informative(case: &Compiled, offered: &[usize]) -> (Vec<Informative>, Vec<Informative>) {
    let finding_label = |f: usize| {
        case.case
            .findings
            .get(&case.findings[f].id)
            .map_or(String::new(), |x| x.present.clone())
    };
    let mut findings: Vec<Informative> = (0..case.findings.len())
        .map(|f| {
            let v = value_of_looking(case, &case.priors, &[], &[f], offered);
            Informative {
                id: case.findings[f].id.clone(),
                label: finding_label(f),
                bits: v.information_gain,
                value: v.value,
            }
        })
        .collect();
    let mut actions: Vec<Informative> = case
        .actions
        .iter()
        .enumerate()
        .filter(|(_, a)| !a.looks_for.is_empty())
        .map(|(i, a)| {
            let v = value_of_looking(case, &case.priors, &[], &a.looks_for, offered);
            Informative {
                id: a.id.clone(),
                label: case.action(i).map_or(String::new(), |x| x.label.clone()),
                bits: v.information_gain,
                value: v.value,
            }
        })
        .collect();
    let order = |a: &Informative, b: &Informative| b.bits.total_cmp(&a.bits).then(a.id.cmp(&b.id));
    findings.sort_by(order);
    actions.sort_by(order);
    (findings, actions)
}

fn warnings(case: &Compiled, truths: &[TruthRow], findings: &[Informative]) -> Vec<String> {
    let mut out = Vec::new();
    if !truths.is_empty() && truths.iter().all(|t| t.obvious_at_first_checkpoint >= MOST) {
        out.push(format!(
            "Too easy: whatever the truth, the evidence makes it at least {:.0}% likely by the first checkpoint in most playthroughs. Weaken the early findings (likelihoods nearer each other) or move them later.",
            OBVIOUS * 100.0
        ));
    }
    for t in truths {
        // A rare truth may rightly stay below "confident" (a low base rate is the lesson of some
        // cases); it is hopeless only when the evidence barely moves it either.
        if t.prior > 0.0 && t.confident_and_right < HOPELESS && t.mean_final < t.prior + BARELY {
            out.push(format!(
                "\"{}\" can hardly be told: when it is the truth, the evidence ends confident and right in only {:.0}% of playthroughs (mean posterior {:.0}% against a prior of {:.0}%). Give it findings that are likelier under it than under the others.",
                t.truth,
                t.confident_and_right * 100.0,
                t.mean_final * 100.0,
                t.prior * 100.0
            ));
        }
        if let Some((d, share)) = t.best_decisions.iter().find(|(_, s)| *s >= 0.999)
            && truths
                .iter()
                .all(|o| o.best_decisions.iter().any(|(x, s)| x == d && *s >= 0.999))
        {
            out.push(format!(
                "\"{d}\" is the best decision in every playthrough whatever the truth ({:.0}%): the evidence never changes what should be done. Check the losses.",
                share * 100.0
            ));
            break;
        }
    }
    if findings.iter().all(|f| f.bits < 1e-6) && !case.findings.is_empty() {
        out.push(
            "No finding tells the hypotheses apart: every likelihood is the same across them."
                .into(),
        );
    }
    out
}

/// The balance report of `case` from `runs` random playthroughs per possible truth.
pub fn balance(case: &Compiled, runs: u64, seed: u64) -> Balance {
    let offered = decide_offered(case);
    let truths: Vec<TruthRow> = (0..case.hypotheses.len())
        .map(|h| truth_row(case, h, runs, seed, &offered))
        .collect();
    let (findings, actions) = informative(case, &offered);
    let warnings = warnings(case, &truths, &findings);
    Balance {
        case: case.case.id.clone(),
        runs_per_truth: runs,
        seed,
        truths,
        findings,
        actions,
        warnings,
        minutes_available: case.minutes_available,
        minutes_of_all_actions: case.actions.iter().map(|a| a.minutes).sum(),
    }
}
