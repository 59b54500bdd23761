//! Simulated trainees, each with one known reasoning error of adjustable strength and some noise, who
//! play any case through the engine. They prove the detectors: each bot's own error must be found, and
//! the ideal reasoner must pass clean.

use std::collections::VecDeque;
use std::sync::Arc;

use serde::Serialize;

use super::detectors::Detector;
use super::reasoner::{best_decision, expected_losses, posterior, value_of_looking};
use super::trace::logit;
use crate::engine::compiled::{Compiled, SceneKind};
use crate::engine::explore::round_to_sum_one;
use crate::engine::rng::{Stream, fnv, mix};
use crate::engine::{DecisionMade, Event, Hindsight, Judgement, Playthrough, Stage};
use crate::scenario::{FindingKind, OrderedMap, PracticeTag};

/// The reasoning error a bot has (or none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bias {
    Ideal,
    ConfirmatorySearch,
    AsymmetricWeighting,
    Anchoring,
    Recency,
    Vividness,
    PrematureClosure,
    RuleOfOptimism,
    CulturalRelativism,
    DisguisedCompliance,
    StartAgain,
    ChildNotSeen,
    Overconfidence,
    BaseRateNeglect,
    OverIntervention,
    Hindsight,
}

impl Bias {
    pub const ALL: [Bias; 16] = [
        Bias::Ideal,
        Bias::ConfirmatorySearch,
        Bias::AsymmetricWeighting,
        Bias::Anchoring,
        Bias::Recency,
        Bias::Vividness,
        Bias::PrematureClosure,
        Bias::RuleOfOptimism,
        Bias::CulturalRelativism,
        Bias::DisguisedCompliance,
        Bias::StartAgain,
        Bias::ChildNotSeen,
        Bias::Overconfidence,
        Bias::BaseRateNeglect,
        Bias::OverIntervention,
        Bias::Hindsight,
    ];

    /// The detector that should find this bot's error.
    pub fn detector(self) -> Option<Detector> {
        Some(match self {
            Bias::Ideal => return None,
            Bias::ConfirmatorySearch => Detector::ConfirmatorySearch,
            Bias::AsymmetricWeighting => Detector::AsymmetricWeighting,
            Bias::Anchoring => Detector::Anchoring,
            Bias::Recency => Detector::Recency,
            Bias::Vividness => Detector::Vividness,
            Bias::PrematureClosure => Detector::PrematureClosure,
            Bias::RuleOfOptimism => Detector::RuleOfOptimism,
            Bias::CulturalRelativism => Detector::CulturalRelativism,
            Bias::DisguisedCompliance => Detector::DisguisedCompliance,
            Bias::StartAgain => Detector::StartAgain,
            Bias::ChildNotSeen => Detector::ChildNotSeen,
            Bias::Overconfidence => Detector::Overconfidence,
            Bias::BaseRateNeglect => Detector::BaseRateNeglect,
            Bias::OverIntervention => Detector::OverIntervention,
            Bias::Hindsight => Detector::Hindsight,
        })
    }

    pub fn name(self) -> &'static str {
        match self.detector() {
            None => "ideal",
            Some(d) => d.id(),
        }
    }
}

/// A simulated trainee: one bias, how strong it is (0 to 1), and how noisy their numbers are (the
/// standard deviation of the error added to each stated log-odds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bot {
    pub bias: Bias,
    pub strength: f64,
    pub noise: f64,
}

impl Bot {
    /// A bot with a strong bias (0.9) and a little noise. Discounting a cultural explanation's signs
    /// is modelled at full strength: the explanation is taken to account for the sign entirely.
    pub fn new(bias: Bias) -> Bot {
        let strength = if bias == Bias::CulturalRelativism {
            1.0
        } else {
            0.9
        };
        Bot {
            bias,
            strength,
            noise: 0.15,
        }
    }
}

/// Most steps a bot takes before it goes to the decision however it can.
const MAX_STEPS: usize = 300;

/// Plays a whole case as `bot` would, with the truth and findings of `seed`.
pub fn play(case: Arc<Compiled>, bot: Bot, seed: u64) -> Playthrough {
    let mut p = Playthrough::new(case.clone(), seed, None).expect("no variant");
    let mut rng = Stream::new(mix(seed ^ fnv(bot.bias.name().as_bytes())));
    let distance = distance_to_judgement(&case);
    let mut visits = vec![0u32; case.scenes.len()];
    for _ in 0..MAX_STEPS {
        let event = match p.stage() {
            Stage::Scene => {
                visits[p.state.scene] += 1;
                choose_action(&p, bot, &distance, &visits, &mut rng)
                    .map(|a| Event::Action(case.actions[a].id.clone()))
            }
            Stage::Checkpoint => Some(Event::Judgement(judge(&p, bot, &mut rng))),
            Stage::Decide => Some(Event::Decision(decide(&p, bot))),
            Stage::Finished => {
                let ratings = hindsight(&p, bot);
                let _ = p.apply(Event::Hindsight(ratings));
                break;
            }
            Stage::Stuck => None,
        };
        let Some(event) = event else { break };
        if p.apply(event).is_err() {
            break;
        }
    }
    p
}

// ---------------------------------------------------------------- actions

fn forbidden(bot: Bot, tags: &[PracticeTag]) -> bool {
    let has = |t: PracticeTag| tags.contains(&t);
    match bot.bias {
        Bias::ChildNotSeen => {
            has(PracticeTag::SeesChild)
                || has(PracticeTag::SeesChildAlone)
                || has(PracticeTag::HearsChild)
        }
        Bias::StartAgain => has(PracticeTag::ChecksHistory),
        Bias::RuleOfOptimism => has(PracticeTag::VerifiesExplanation),
        _ => false,
    }
}

fn choose_action(
    p: &Playthrough,
    bot: Bot,
    distance: &[u32],
    visits: &[u32],
    rng: &mut Stream,
) -> Option<usize> {
    let case = &p.case;
    let known = p.observed();
    let decisions: Vec<usize> = (0..case.decisions.len()).collect();
    let available: Vec<usize> = p
        .state
        .available(case)
        .filter(|&a| !forbidden(bot, &case.actions[a].tags))
        .collect();
    let all_available: Vec<usize> = p.state.available(case).collect();
    let judged = p.judgements().next().is_some();
    let new_of = |a: usize| -> Vec<usize> {
        case.actions[a]
            .looks_for
            .iter()
            .copied()
            .filter(|f| !known.iter().any(|(k, _)| k == f))
            .collect()
    };
    let informative: Vec<(usize, f64)> = available
        .iter()
        .map(|&a| {
            (
                a,
                value_of_looking(case, &p.priors, &known, &new_of(a), &decisions).information_gain,
            )
        })
        .filter(|(_, g)| *g > super::detectors::INFORMATIVE)
        .collect();
    let closing = bot.bias == Bias::PrematureClosure && judged && rng_unit(rng) < bot.strength;
    if !informative.is_empty() && !closing {
        let per_hour =
            |(a, g): &(usize, f64)| g / (f64::from(case.actions[*a].minutes) / 60.0 + 0.5);
        if bot.bias == Bias::ConfirmatorySearch && judged && rng_unit(rng) < bot.strength {
            let lead = p
                .judgements()
                .next()
                .and_then(|(_, j)| case.hypothesis_index(&j.leading))
                .unwrap_or(0);
            let belief = posterior(case, &p.priors, &known);
            return informative
                .iter()
                .map(|&(a, _)| (a, against(p, &known, &new_of(a), &belief, lead)))
                .min_by(|x, y| x.1.total_cmp(&y.1))
                .map(|(a, _)| a);
        }
        return informative
            .iter()
            .max_by(|x, y| per_hour(x).total_cmp(&per_hour(y)))
            .map(|(a, _)| *a);
    }
    // Nothing worth looking for here: move where there is more to find, or on towards a judgement.
    let pool = if available.is_empty() {
        &all_available
    } else {
        &available
    };
    let promise = |a: usize| -> usize {
        let goto = case.actions[a].goto;
        match &case.scenes[goto].kind {
            SceneKind::Narrative { actions } => actions
                .iter()
                .filter(|&&b| {
                    !p.state.done.get(b)
                        && !forbidden(bot, &case.actions[b].tags)
                        && !new_of(b).is_empty()
                })
                .count(),
            _ => 0,
        }
    };
    let progress = |a: usize| distance[case.actions[a].goto];
    if closing {
        return pool.iter().copied().min_by_key(|&a| (progress(a), a));
    }
    pool.iter().copied().max_by_key(|&a| {
        let goto = case.actions[a].goto;
        let fresh = if visits[goto] > 3 { 0 } else { promise(a) };
        (fresh, std::cmp::Reverse(progress(a)), std::cmp::Reverse(a))
    })
}

fn against(
    p: &Playthrough,
    known: &[(usize, bool)],
    new: &[usize],
    belief: &[f64],
    lead: usize,
) -> f64 {
    super::reasoner::outcomes(&p.case, &p.priors, known, new)
        .iter()
        .map(|(chance, after)| chance * (belief[lead] - after[lead]).max(0.0))
        .sum()
}

/// Steps from each scene to the nearest checkpoint or decision point.
fn distance_to_judgement(case: &Compiled) -> Vec<u32> {
    let n = case.scenes.len();
    let mut reverse = vec![Vec::new(); n];
    for (s, scene) in case.scenes.iter().enumerate() {
        match &scene.kind {
            SceneKind::Narrative { actions } => actions
                .iter()
                .for_each(|&a| reverse[case.actions[a].goto].push(s)),
            SceneKind::Checkpoint { next } => reverse[*next].push(s),
            SceneKind::Decide { .. } => {}
        }
    }
    let mut dist = vec![u32::MAX; n];
    let mut queue: VecDeque<usize> = (0..n)
        .filter(|&s| !matches!(case.scenes[s].kind, SceneKind::Narrative { .. }))
        .collect();
    queue.iter().for_each(|&s| dist[s] = 0);
    while let Some(s) = queue.pop_front() {
        for &from in &reverse[s] {
            if dist[from] == u32::MAX {
                dist[from] = dist[s] + 1;
                queue.push_back(from);
            }
        }
    }
    dist
}

// ---------------------------------------------------------------- judgements

fn judge(p: &Playthrough, bot: Bot, rng: &mut Stream) -> Judgement {
    let case = &p.case;
    let known = p.observed();
    let q = posterior(case, &p.priors, &known);
    let s = bot.strength;
    let first = p.judgements().next().map(|(_, j)| stated(case, j));
    let lead = p
        .judgements()
        .next()
        .and_then(|(_, j)| case.hypothesis_index(&j.leading));
    let mut belief = match bot.bias {
        Bias::Anchoring => match &first {
            Some(p1) => blend(&q, p1, 1.0 - 0.95 * s),
            None => q.clone(),
        },
        Bias::AsymmetricWeighting => match lead {
            Some(l) => reweigh(p, &q, &|b| b[l], &|_, c, _| {
                if c > 0.0 { 1.0 } else { 1.0 - s }
            }),
            None => q.clone(),
        },
        Bias::Recency => {
            let last = p.judgements().last().map_or(0, |(step, _)| step);
            let l = lead.unwrap_or_else(|| argmax(&q));
            reweigh(p, &q, &|b| b[l], &|_, _, step| {
                if step > last {
                    1.0 + 1.2 * s
                } else {
                    1.0 - 0.7 * s
                }
            })
        }
        Bias::Vividness => reweigh(p, &q, &|b| harm(case, b), &|f, _, _| {
            if case.findings[f].vivid {
                1.0 + 2.0 * s
            } else {
                1.0
            }
        }),
        Bias::RuleOfOptimism => shift_harm(case, &q, -1.5 * s),
        Bias::CulturalRelativism => {
            let cultural = |f: usize| {
                case.case
                    .findings
                    .values()
                    .nth(f)
                    .is_some_and(|x| x.cultural)
            };
            reweigh(p, &q, &|b| harm(case, b), &|f, _, _| {
                if cultural(f) { 1.0 - s } else { 1.0 }
            })
        }
        Bias::OverIntervention => shift_harm(case, &q, 1.5 * s),
        Bias::DisguisedCompliance => {
            let engagement = known
                .iter()
                .filter(|&&(f, present)| {
                    present && case.findings[f].kind == FindingKind::CarerEngagement
                })
                .count();
            shift_harm(case, &q, -1.2 * s * engagement as f64)
        }
        Bias::Overconfidence => sharpen(&q, 1.0 + 2.5 * s),
        Bias::BaseRateNeglect => {
            let uniform = vec![1.0 / q.len() as f64; q.len()];
            blend(&posterior(case, &uniform, &known), &q, s)
        }
        _ => q.clone(),
    };
    add_noise(&mut belief, bot.noise, rng);
    let rounded = round_to_sum_one(&belief);
    let leading = argmax(&rounded);
    Judgement {
        checkpoint: case.scenes[p.state.scene].id.clone(),
        probabilities: case
            .hypotheses
            .iter()
            .cloned()
            .zip(rounded.iter().copied())
            .collect::<OrderedMap<f64>>(),
        leading: case.hypotheses[leading].clone(),
        confidence: (rounded[leading] * 100.0).round() as u8,
        reasons: format!("A simulated trainee ({}).", bot.bias.name()),
        change_mind: String::new(),
        feeling: String::new(),
    }
}

fn stated(case: &Compiled, j: &Judgement) -> Vec<f64> {
    case.hypotheses
        .iter()
        .map(|h| j.probabilities.get(h).copied().unwrap_or(0.0))
        .collect()
}

fn argmax(v: &[f64]) -> usize {
    (0..v.len()).fold(0, |b, i| if v[i] > v[b] { i } else { b })
}

fn harm(case: &Compiled, b: &[f64]) -> f64 {
    b.iter()
        .zip(&case.harm)
        .filter(|(_, h)| **h)
        .map(|(p, _)| p)
        .sum()
}

/// A geometric blend: `w` of `a` and `1 − w` of `b`, in log space.
fn blend(a: &[f64], b: &[f64], w: f64) -> Vec<f64> {
    normalise(
        a.iter()
            .zip(b)
            .map(|(x, y)| (w * x.max(1e-6).ln() + (1.0 - w) * y.max(1e-6).ln()).exp())
            .collect(),
    )
}

fn sharpen(q: &[f64], power: f64) -> Vec<f64> {
    normalise(q.iter().map(|x| x.max(1e-9).powf(power)).collect())
}

fn normalise(v: Vec<f64>) -> Vec<f64> {
    let total: f64 = v.iter().sum();
    v.into_iter().map(|x| x / total).collect()
}

/// Moves the log-odds of harm by `by`, keeping the proportions within harm and within no harm.
fn shift_harm(case: &Compiled, q: &[f64], by: f64) -> Vec<f64> {
    set_focal(q, &|h| case.harm[h], logit_free(harm(case, q)) + by)
}

/// The belief whose log-odds of the hypotheses chosen by `inside` is `target`, keeping proportions
/// within and outside them as in `q`.
fn set_focal(q: &[f64], inside: &dyn Fn(usize) -> bool, target: f64) -> Vec<f64> {
    let p_in = 1.0 / (1.0 + (-target).exp());
    let mass_in: f64 = (0..q.len()).filter(|&h| inside(h)).map(|h| q[h]).sum();
    let mass_out = 1.0 - mass_in;
    (0..q.len())
        .map(|h| {
            if inside(h) {
                if mass_in > 0.0 {
                    q[h] / mass_in * p_in
                } else {
                    p_in / q.len() as f64
                }
            } else if mass_out > 0.0 {
                q[h] / mass_out * (1.0 - p_in)
            } else {
                (1.0 - p_in) / q.len() as f64
            }
        })
        .collect()
}

fn logit_free(p: f64) -> f64 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln()
}

/// Re-weighs each revealed finding's normative contribution to a focal probability by `weight(finding,
/// contribution, step)` and returns the belief that results.
fn reweigh(
    p: &Playthrough,
    q: &[f64],
    focal: &dyn Fn(&[f64]) -> f64,
    weight: &dyn Fn(usize, f64, usize) -> f64,
) -> Vec<f64> {
    let mut known = Vec::new();
    let mut before = logit(focal(&p.priors));
    let mut target = before;
    for r in &p.revealed {
        known.push((r.finding, r.present));
        let after = logit(focal(&posterior(&p.case, &p.priors, &known)));
        target += weight(r.finding, after - before, r.step) * (after - before);
        before = after;
    }
    // Which hypotheses make up the focal probability: those whose share rises with it.
    let inside: Vec<bool> = (0..q.len())
        .map(|h| {
            let mut one = vec![0.0; q.len()];
            one[h] = 1.0;
            focal(&one) > 0.5
        })
        .collect();
    set_focal(q, &|h| inside[h], target)
}

fn add_noise(belief: &mut [f64], noise: f64, rng: &mut Stream) {
    if noise <= 0.0 {
        return;
    }
    for b in belief.iter_mut() {
        let (u1, u2) = (rng_unit(rng).max(1e-12), rng_unit(rng));
        let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        *b = (b.max(1e-6).ln() + noise * z).exp();
    }
    let total: f64 = belief.iter().sum();
    belief.iter_mut().for_each(|b| *b /= total);
}

fn rng_unit(rng: &mut Stream) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

// ---------------------------------------------------------------- the decision and after

fn decide(p: &Playthrough, bot: Bot) -> DecisionMade {
    let case = &p.case;
    let belief = p
        .judgements()
        .last()
        .map(|(_, j)| stated(case, j))
        .unwrap_or_else(|| posterior(case, &p.priors, &p.observed()));
    let offered = p.offered_decisions().to_vec();
    let (mut chosen, _) = best_decision(case, &belief, &offered).unwrap_or((offered[0], 0.0));
    if bot.bias == Bias::OverIntervention {
        let kind = case.decisions[chosen].kind;
        if let Some(&more) = offered
            .iter()
            .filter(|&&d| case.decisions[d].kind > kind)
            .min_by_key(|&&d| case.decisions[d].kind)
        {
            chosen = more;
        }
    }
    let _ = expected_losses;
    DecisionMade {
        decision: case.decisions[chosen].id.clone(),
        rationale: format!("A simulated trainee ({}).", bot.bias.name()),
        quality: Some(70),
    }
}

fn hindsight(p: &Playthrough, bot: Bot) -> Hindsight {
    let case = &p.case;
    let chosen = p.state.decided.unwrap_or(0);
    let bad = case.decisions[chosen].loss[p.truth] >= super::thresholds::BAD_OUTCOME;
    let said = p
        .judgements()
        .last()
        .map_or(0.0, |(_, j)| stated(case, j)[p.truth]);
    if bot.bias == Bias::Hindsight {
        return if bad {
            Hindsight {
                foreseeable: 85,
                decision_quality: (70.0 - 50.0 * bot.strength).round() as u8,
            }
        } else {
            Hindsight {
                foreseeable: 40,
                decision_quality: (70.0 + 30.0 * bot.strength).round() as u8,
            }
        };
    }
    Hindsight {
        foreseeable: (said * 100.0).round() as u8,
        decision_quality: 70,
    }
}

/// How often each detector flagged one bot over many seeds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BotRates {
    pub bot: &'static str,
    /// The detector that should find this bot's error (none for the ideal reasoner).
    pub bias: Option<&'static str>,
    /// Share of the seeds in which the detector could tell that it flagged; `None` where the case
    /// offers that detector no opportunity (or no seed gave it enough to tell).
    pub flag_rates: OrderedMap<Option<f64>>,
    /// In how many seeds each detector had enough to tell.
    pub decided: OrderedMap<u32>,
}

/// Every bot over `seeds` seeds of `case`, with each detector's flag rate.
pub fn bot_rates(case: &Arc<Compiled>, seeds: u64) -> Vec<BotRates> {
    use super::detectors::{Verdict, detect_all};
    Bias::ALL
        .iter()
        .map(|&bias| {
            let bot = Bot::new(bias);
            let mut flagged = vec![0u32; Detector::ALL.len()];
            let mut decided = vec![0u32; Detector::ALL.len()];
            for seed in 0..seeds {
                let p = play(case.clone(), bot, mix(seed));
                let trace = super::trace::Trace::of(&p);
                for (i, report) in detect_all(&trace).iter().enumerate() {
                    match report.verdict {
                        Verdict::Flagged => {
                            flagged[i] += 1;
                            decided[i] += 1;
                        }
                        Verdict::NotShown => decided[i] += 1,
                        _ => {}
                    }
                }
            }
            let flag_rates = Detector::ALL
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    (
                        d.id().to_string(),
                        (decided[i] > 0).then(|| f64::from(flagged[i]) / f64::from(decided[i])),
                    )
                })
                .collect();
            let decided = Detector::ALL
                .iter()
                .enumerate()
                .map(|(i, d)| (d.id().to_string(), decided[i]))
                .collect();
            BotRates {
                bot: bias.name(),
                bias: bias.detector().map(Detector::id),
                flag_rates,
                decided,
            }
        })
        .collect()
}
