//! The explorer: every reachable path through a case (states deduplicated, within the time budget),
//! and seeded random playthroughs with hit counts. Both are deterministic for the same arguments.

use std::collections::{HashSet, VecDeque};

use super::compiled::{CNeed, Compiled, SceneKind};
use super::log::{DecisionMade, Event, Judgement, Log};
use super::playthrough::{draw_truth, is_present};
use super::rng::{Stream, mix};
use super::state::{Bits, State};
use crate::judgement::reasoner::posterior;
use crate::scenario::OrderedMap;

/// What walking every path found.
#[derive(Debug, Clone, PartialEq)]
pub struct Exploration {
    pub states: usize,
    /// False when the walk stopped at `max_states`; coverage is then a lower bound.
    pub complete: bool,
    pub scenes_reached: Vec<bool>,
    pub actions_taken: Vec<bool>,
    /// Decision points reached, with the decisions they offer.
    pub endings_reached: Vec<bool>,
    pub decisions_reachable: Vec<bool>,
    pub shortest_minutes: Option<u32>,
    pub longest_minutes: Option<u32>,
    /// Ordinary scenes where some path is left with nothing to do and nowhere to go.
    pub stuck_scenes: Vec<usize>,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct Node {
    state: State,
    /// Hypotheses still consistent with the findings seen on this path (bit per hypothesis).
    possible: u64,
}

/// What of a state can still matter from each scene on: the actions that could yet be offered (in a
/// scene still reachable, or named by some `needs`) and the findings some `needs` reads. Forgetting
/// the rest merges states whose futures are the same, which keeps the walk small.
struct Relevance {
    alive_actions: Vec<Bits>,
    looked: Bits,
    present: Bits,
}

impl Relevance {
    fn new(case: &Compiled, relevant: &[bool]) -> Relevance {
        let mut named_actions = Bits::new(case.actions.len());
        let mut looked = Bits::new(case.findings.len());
        let mut present = Bits::new(case.findings.len());
        for need in case.actions.iter().flat_map(|a| &a.needs) {
            match *need {
                CNeed::Done(a) | CNeed::NotDone(a) => named_actions.set(a),
                CNeed::Looked(f) | CNeed::Found(f) | CNeed::NotFound(f) => looked.set(f),
                CNeed::Flag(_) | CNeed::NotFlag(_) => {}
            }
        }
        for (f, r) in relevant.iter().enumerate() {
            if *r {
                present.set(f);
            }
        }
        let alive_actions = (0..case.scenes.len())
            .map(|scene| {
                let mut alive = named_actions.clone();
                let reach = reachable_scenes(case, scene);
                for (a, action) in case.actions.iter().enumerate() {
                    if reach[action.scene] {
                        alive.set(a);
                    }
                }
                alive
            })
            .collect();
        Relevance {
            alive_actions,
            looked,
            present,
        }
    }

    fn canonical(&self, state: &mut State) {
        state.done.keep(&self.alive_actions[state.scene]);
        state.looked.keep(&self.looked);
        state.present.keep(&self.present);
    }
}

/// Scenes reachable from `from` by any action, checkpoint or running out of time.
fn reachable_scenes(case: &Compiled, from: usize) -> Vec<bool> {
    let mut seen = vec![false; case.scenes.len()];
    let mut stack = vec![from];
    while let Some(s) = stack.pop() {
        if std::mem::replace(&mut seen[s], true) {
            continue;
        }
        match &case.scenes[s].kind {
            SceneKind::Narrative { actions } => {
                stack.extend(actions.iter().map(|&a| case.actions[a].goto));
                stack.push(case.out_of_time);
            }
            SceneKind::Checkpoint { next } => stack.push(*next),
            SceneKind::Decide { .. } => {}
        }
    }
    seen
}

/// Walks every reachable state from the start, breadth first. Finding presence branches only where
/// an action's `needs` depend on it, and only into outcomes some still-possible hypothesis allows.
pub fn explore(case: &Compiled, max_states: usize) -> Exploration {
    let relevant = relevant_findings(case);
    let relevance = Relevance::new(case, &relevant);
    let mut result = Exploration {
        states: 0,
        complete: true,
        scenes_reached: vec![false; case.scenes.len()],
        actions_taken: vec![false; case.actions.len()],
        endings_reached: vec![false; case.scenes.len()],
        decisions_reachable: vec![false; case.decisions.len()],
        shortest_minutes: None,
        longest_minutes: None,
        stuck_scenes: Vec::new(),
    };
    let all = if case.hypotheses.len() >= 64 {
        u64::MAX
    } else {
        (1u64 << case.hypotheses.len()) - 1
    };
    let mut start = Node {
        state: State::start(case),
        possible: all,
    };
    relevance.canonical(&mut start.state);
    let mut seen: HashSet<Node> = HashSet::new();
    let mut queue = VecDeque::from([start]);
    let mut next = Vec::new();
    while let Some(node) = queue.pop_front() {
        if seen.contains(&node) {
            continue;
        }
        if seen.len() >= max_states {
            result.complete = false;
            break;
        }
        result.scenes_reached[node.state.scene] = true;
        expand(case, &relevant, &node, &mut result, &mut next);
        for mut n in next.drain(..) {
            relevance.canonical(&mut n.state);
            if !seen.contains(&n) {
                queue.push_back(n);
            }
        }
        seen.insert(node);
    }
    result.states = seen.len();
    result.stuck_scenes.sort_unstable();
    result.stuck_scenes.dedup();
    result
}

fn expand(
    case: &Compiled,
    relevant: &[bool],
    node: &Node,
    result: &mut Exploration,
    stack: &mut Vec<Node>,
) {
    let s = &node.state;
    match &case.scenes[s.scene].kind {
        SceneKind::Decide { decisions } => {
            result.endings_reached[s.scene] = true;
            decisions
                .iter()
                .for_each(|&d| result.decisions_reachable[d] = true);
            result.shortest_minutes = Some(
                result
                    .shortest_minutes
                    .map_or(s.minutes, |m| m.min(s.minutes)),
            );
            result.longest_minutes = Some(
                result
                    .longest_minutes
                    .map_or(s.minutes, |m| m.max(s.minutes)),
            );
        }
        SceneKind::Checkpoint { .. } => {
            let mut next = node.clone();
            next.state.pass_checkpoint(case);
            stack.push(next);
        }
        SceneKind::Narrative { .. } => {
            let available: Vec<usize> = s.available(case).collect();
            if available.is_empty() {
                result.stuck_scenes.push(s.scene);
            }
            for a in available {
                result.actions_taken[a] = true;
                for outcome in outcomes(case, relevant, s, a, node.possible) {
                    let mut next = Node {
                        state: s.clone(),
                        possible: outcome.1,
                    };
                    next.state
                        .take(case, a, |f| relevant[f] && outcome.0.contains(&f));
                    stack.push(next);
                }
            }
        }
    }
}

/// The ways the relevant findings action `a` newly looks for can turn out: (present ones, hypotheses
/// still possible).
fn outcomes(
    case: &Compiled,
    relevant: &[bool],
    s: &State,
    a: usize,
    possible: u64,
) -> Vec<(Vec<usize>, u64)> {
    let new: Vec<usize> = case.actions[a]
        .looks_for
        .iter()
        .copied()
        .filter(|&f| relevant[f] && !s.looked.get(f))
        .collect();
    let mut out = vec![(Vec::new(), possible)];
    for f in new {
        let likely = &case.findings[f].likely;
        let allows = |present: bool| {
            likely.iter().enumerate().fold(0u64, |m, (h, &p)| {
                let ok = if present { p > 0.0 } else { p < 1.0 };
                if ok && h < 64 { m | 1 << h } else { m }
            })
        };
        let (yes, no) = (allows(true), allows(false));
        out = out
            .into_iter()
            .flat_map(|(present, mask)| {
                let mut with = present.clone();
                with.push(f);
                [(with, mask & yes), (present, mask & no)]
            })
            .filter(|(_, mask)| *mask != 0)
            .collect();
    }
    out
}

/// Findings whose presence some action's `needs` depend on.
fn relevant_findings(case: &Compiled) -> Vec<bool> {
    let mut relevant = vec![false; case.findings.len()];
    for need in case.actions.iter().flat_map(|a| &a.needs) {
        if let CNeed::Found(f) | CNeed::NotFound(f) = need {
            relevant[*f] = true;
        }
    }
    relevant
}

/// Counts from seeded random playthroughs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RandomSummary {
    pub runs: u64,
    pub scene_hits: Vec<u64>,
    pub action_hits: Vec<u64>,
    pub decision_hits: Vec<u64>,
    pub truth_counts: Vec<u64>,
    pub stuck: u64,
    pub min_minutes: u32,
    pub max_minutes: u32,
    pub total_minutes: u64,
}

/// Most steps one random playthrough may take before it is counted as stuck.
const MAX_STEPS: usize = 10_000;

/// The seed of random playthrough `i` of a run seeded with `seed`.
pub fn run_seed(seed: u64, i: u64) -> u64 {
    mix(seed.wrapping_add(i))
}

/// Runs `n` random playthroughs: actions and decisions chosen uniformly from those on offer. When
/// `save` is given, each playthrough's log (with normative judgements at checkpoints) is passed to it.
pub fn random_playthroughs(
    case: &Compiled,
    n: u64,
    seed: u64,
    mut save: Option<&mut dyn FnMut(u64, Log)>,
) -> RandomSummary {
    let mut sum = RandomSummary {
        scene_hits: vec![0; case.scenes.len()],
        action_hits: vec![0; case.actions.len()],
        decision_hits: vec![0; case.decisions.len()],
        truth_counts: vec![0; case.hypotheses.len()],
        min_minutes: u32::MAX,
        ..Default::default()
    };
    let mut visited = vec![false; case.scenes.len()];
    let mut available = Vec::new();
    for i in 0..n {
        let run = run_seed(seed, i);
        let mut log = save
            .as_ref()
            .map(|_| Log::new(&case.case.id, &case.version, run, None));
        let truth = draw_truth(case, run, None);
        sum.truth_counts[truth] += 1;
        visited.iter_mut().for_each(|v| *v = false);
        let mut rng = Stream::new(run ^ 0x5EED);
        let mut state = State::start(case);
        let mut revealed: Vec<(usize, bool)> = Vec::new();
        let mut finished = false;
        for _ in 0..MAX_STEPS {
            if !visited[state.scene] {
                visited[state.scene] = true;
                sum.scene_hits[state.scene] += 1;
            }
            match &case.scenes[state.scene].kind {
                SceneKind::Decide { decisions } => {
                    if let Some(&d) = decisions.get(rng.below(decisions.len().max(1))) {
                        sum.decision_hits[d] += 1;
                        if let Some(log) = log.as_mut() {
                            let decision = DecisionMade {
                                decision: case.decisions[d].id.clone(),
                                rationale: String::new(),
                                quality: None,
                            };
                            log.events.push(Event::Decision(decision));
                        }
                    }
                    finished = true;
                    break;
                }
                SceneKind::Checkpoint { .. } => {
                    if let Some(log) = log.as_mut() {
                        let belief = posterior(case, &case.priors, &revealed);
                        log.events.push(Event::Judgement(normative_judgement(
                            case,
                            &case.scenes[state.scene].id,
                            &belief,
                        )));
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
                    sum.action_hits[a] += 1;
                    let new = state.take(case, a, |f| is_present(case, run, truth, f));
                    if let Some(log) = log.as_mut() {
                        log.events.push(Event::Action(case.actions[a].id.clone()));
                        revealed.extend(new.iter().map(|&f| (f, state.present.get(f))));
                    }
                }
            }
        }
        if finished {
            sum.min_minutes = sum.min_minutes.min(state.minutes);
            sum.max_minutes = sum.max_minutes.max(state.minutes);
            sum.total_minutes += u64::from(state.minutes);
        } else {
            sum.stuck += 1;
        }
        sum.runs += 1;
        if let (Some(save), Some(log)) = (save.as_mut(), log) {
            save(i, log);
        }
    }
    if sum.min_minutes == u32::MAX {
        sum.min_minutes = 0;
    }
    sum
}

/// The judgement an ideal reasoner would give: the posterior, its leading hypothesis, its confidence.
pub fn normative_judgement(case: &Compiled, checkpoint: &str, belief: &[f64]) -> Judgement {
    let rounded = round_to_sum_one(belief);
    let leading = (0..belief.len()).fold(0, |b, i| if belief[i] > belief[b] { i } else { b });
    let probabilities: OrderedMap<f64> = case
        .hypotheses
        .iter()
        .cloned()
        .zip(rounded.iter().copied())
        .collect();
    Judgement {
        checkpoint: checkpoint.to_string(),
        probabilities,
        leading: case.hypotheses[leading].clone(),
        confidence: (belief[leading] * 100.0).round().clamp(0.0, 100.0) as u8,
        reasons: "The normative posterior from the findings so far.".into(),
        change_mind: String::new(),
        feeling: String::new(),
    }
}

/// Rounds probabilities to whole percentages that still add up to exactly 100 (largest remainder).
pub fn round_to_sum_one(belief: &[f64]) -> Vec<f64> {
    let scaled: Vec<f64> = belief.iter().map(|p| p.max(0.0) * 100.0).collect();
    let mut whole: Vec<u32> = scaled.iter().map(|x| x.floor() as u32).collect();
    let short = 100u32.saturating_sub(whole.iter().sum());
    let mut order: Vec<usize> = (0..scaled.len()).collect();
    order.sort_by(|&a, &b| {
        (scaled[b] - scaled[b].floor())
            .total_cmp(&(scaled[a] - scaled[a].floor()))
            .then(a.cmp(&b))
    });
    for &i in order.iter().take(short as usize) {
        whole[i] += 1;
    }
    whole.into_iter().map(|w| f64::from(w) / 100.0).collect()
}
