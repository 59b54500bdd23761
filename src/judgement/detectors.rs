//! The reasoning-error detectors of `research/biases.md`, each a function of the trace of a
//! playthrough. Each says whether the case gave it anything to look at, what it measured against which
//! threshold, the steps that are its evidence, what that means for a practitioner, and one thing to try
//! next time. Too little to go on is said plainly, never guessed at.

use serde::Serialize;

use super::reasoner::{entropy, posterior};
use super::thresholds as t;
use super::trace::{Trace, logit};
use crate::scenario::{DecisionKind, FindingKind, PracticeTag};

/// The errors the detectors look for, numbered as in the research brief.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Detector {
    ConfirmatorySearch,
    AsymmetricWeighting,
    SlowToRevise,
    Anchoring,
    Recency,
    Vividness,
    NarrowEvidence,
    PrematureClosure,
    RuleOfOptimism,
    CulturalRelativism,
    DisguisedCompliance,
    StartAgain,
    ChildNotSeen,
    Overshadowing,
    Overconfidence,
    BaseRateNeglect,
    GroupPolarisation,
    OverIntervention,
    Hindsight,
}

impl Detector {
    pub const ALL: [Detector; 19] = [
        Detector::ConfirmatorySearch,
        Detector::AsymmetricWeighting,
        Detector::SlowToRevise,
        Detector::Anchoring,
        Detector::Recency,
        Detector::Vividness,
        Detector::NarrowEvidence,
        Detector::PrematureClosure,
        Detector::RuleOfOptimism,
        Detector::CulturalRelativism,
        Detector::DisguisedCompliance,
        Detector::StartAgain,
        Detector::ChildNotSeen,
        Detector::Overshadowing,
        Detector::Overconfidence,
        Detector::BaseRateNeglect,
        Detector::GroupPolarisation,
        Detector::OverIntervention,
        Detector::Hindsight,
    ];

    /// The stable name used in reports and JSON.
    pub fn id(self) -> &'static str {
        match self {
            Detector::ConfirmatorySearch => "confirmatory-search",
            Detector::AsymmetricWeighting => "asymmetric-weighting",
            Detector::SlowToRevise => "slow-to-revise",
            Detector::Anchoring => "anchoring",
            Detector::Recency => "recency",
            Detector::Vividness => "vividness",
            Detector::NarrowEvidence => "narrow-evidence",
            Detector::PrematureClosure => "premature-closure",
            Detector::RuleOfOptimism => "rule-of-optimism",
            Detector::CulturalRelativism => "cultural-relativism",
            Detector::DisguisedCompliance => "disguised-compliance",
            Detector::StartAgain => "start-again",
            Detector::ChildNotSeen => "child-not-seen",
            Detector::Overshadowing => "overshadowing",
            Detector::Overconfidence => "overconfidence",
            Detector::BaseRateNeglect => "base-rate-neglect",
            Detector::GroupPolarisation => "group-polarisation",
            Detector::OverIntervention => "over-intervention",
            Detector::Hindsight => "hindsight",
        }
    }

    /// The name a practitioner knows it by.
    pub fn name(self) -> &'static str {
        match self {
            Detector::ConfirmatorySearch => "Confirmatory search",
            Detector::AsymmetricWeighting => "Weighing evidence for and against unevenly",
            Detector::SlowToRevise => "Slow to revise",
            Detector::Anchoring => "Anchoring on the first view",
            Detector::Recency => "Recency: the latest finding weighs most",
            Detector::Vividness => "Vividness",
            Detector::NarrowEvidence => "Not joining up the agencies",
            Detector::PrematureClosure => "Premature closure",
            Detector::RuleOfOptimism => "The rule of optimism",
            Detector::CulturalRelativism => "Cultural relativism",
            Detector::DisguisedCompliance => "Disguised compliance: process taken for progress",
            Detector::StartAgain => "Start-again syndrome",
            Detector::ChildNotSeen => "The child not seen or heard",
            Detector::Overshadowing => "Overshadowing by an explanation",
            Detector::Overconfidence => "Overconfidence",
            Detector::BaseRateNeglect => "Base-rate neglect",
            Detector::GroupPolarisation => "Groupthink and polarisation",
            Detector::OverIntervention => "Over-intervention",
            Detector::Hindsight => "Hindsight and outcome bias",
        }
    }
}

/// What a detector concluded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The error showed in this playthrough.
    Flagged,
    /// Looked for, and not shown.
    NotShown,
    /// The case gave the chance, but this playthrough gave too little to tell.
    NotEnough,
    /// The case offers no opportunity for this error.
    NotApplicable,
}

/// A step of the playthrough that is part of a detector's evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub step: usize,
    pub what: String,
}

/// One detector's finding about one playthrough.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub detector: Detector,
    pub name: &'static str,
    pub verdict: Verdict,
    pub measured: Option<f64>,
    pub threshold: f64,
    pub evidence: Vec<Evidence>,
    pub explanation: String,
    pub prompt: String,
}

impl Report {
    fn new(detector: Detector, threshold: f64) -> Report {
        Report {
            detector,
            name: detector.name(),
            verdict: Verdict::NotEnough,
            measured: None,
            threshold,
            evidence: Vec::new(),
            explanation: String::new(),
            prompt: String::new(),
        }
    }

    fn not_applicable(mut self, why: &str) -> Report {
        self.verdict = Verdict::NotApplicable;
        self.explanation = why.to_string();
        self
    }

    fn not_enough(mut self, why: &str) -> Report {
        self.verdict = Verdict::NotEnough;
        self.explanation = format!("Not enough to tell: {why}");
        self
    }

    fn judged(
        mut self,
        measured: f64,
        flagged: bool,
        shown: String,
        clear: String,
        prompt: &str,
    ) -> Report {
        self.measured = Some(round3(measured));
        self.verdict = if flagged {
            Verdict::Flagged
        } else {
            Verdict::NotShown
        };
        self.explanation = if flagged { shown } else { clear };
        self.prompt = prompt.to_string();
        self
    }

    fn with_evidence(mut self, evidence: Vec<Evidence>) -> Report {
        self.evidence = evidence;
        self
    }

    pub fn flagged(&self) -> bool {
        self.verdict == Verdict::Flagged
    }
}

/// An action is information-seeking when it is expected to reduce uncertainty by more than this (bits).
pub const INFORMATIVE: f64 = 0.005;

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Runs every detector that works on one playthrough (group polarisation needs a workshop).
pub fn detect_all(t: &Trace) -> Vec<Report> {
    vec![
        confirmatory_search(t),
        asymmetric_weighting(t),
        slow_to_revise(t),
        anchoring(t),
        recency(t),
        vividness(t),
        narrow_evidence(t),
        premature_closure(t),
        rule_of_optimism(t),
        cultural_relativism(t),
        disguised_compliance(t),
        start_again(t),
        child_not_seen(t),
        overshadowing(t),
        overconfidence(t),
        base_rate_neglect(t),
        Report::new(Detector::GroupPolarisation, t::POLARISATION_SHIFT)
            .not_applicable("Groupthink needs a workshop: private judgements before discussion and the group's after."),
        over_intervention(t),
        hindsight(t),
    ]
}

// ---------------------------------------------------------------- the weights the trainee gave

/// How much two classes of evidence moved the trainee, each relative to how much it should have
/// (1 = as a Bayesian would). At each judgement, the stated log-odds of `focal` less its log-odds under
/// the prior is modelled as w1 × (class 1's normative movement so far) + w2 × (class 2's).
struct Weights {
    w1: Option<f64>,
    w2: Option<f64>,
    /// Total normative movement in the second class by the last judgement used.
    total2: f64,
}

fn class_weights(
    t: &Trace,
    focal: &dyn Fn(&[f64]) -> f64,
    class_one: &dyn Fn(usize, f64, usize) -> bool,
) -> Weights {
    let contributions = t.contributions(focal);
    let base = logit(focal(&t.priors));
    let mut rows = Vec::new();
    for (k, point) in t.points.iter().enumerate() {
        // Where the evidence is all but certain, stated numbers hit the ends of the scale and say
        // nothing about weights.
        let warranted = focal(&point.normative);
        if !(0.02..=0.98).contains(&warranted) {
            continue;
        }
        let (mut x1, mut x2) = (0.0, 0.0);
        for (i, &(f, c)) in contributions.iter().enumerate() {
            if t.revealed[i].2 >= point.step {
                break;
            }
            if class_one(f, c, k) { x1 += c } else { x2 += c }
        }
        rows.push((logit(focal(&point.stated)) - base, x1, x2));
    }
    let (s11, s22, s12, s1y, s2y) =
        rows.iter()
            .fold((0.0, 0.0, 0.0, 0.0, 0.0), |a, &(y, x1, x2)| {
                (
                    a.0 + x1 * x1,
                    a.1 + x2 * x2,
                    a.2 + x1 * x2,
                    a.3 + x1 * y,
                    a.4 + x2 * y,
                )
            });
    let total2 = rows.last().map_or(0.0, |r| r.2);
    let enough = |s: f64| s >= t::ENOUGH_MOVEMENT * t::ENOUGH_MOVEMENT;
    let det = s11 * s22 - s12 * s12;
    if enough(s11) && enough(s22) && det > 0.15 * s11 * s22 {
        return Weights {
            w1: Some((s22 * s1y - s12 * s2y) / det),
            w2: Some((s11 * s2y - s12 * s1y) / det),
            total2,
        };
    }
    // One class alone: what remains once the other has been taken at face value.
    let w1 = enough(s11).then(|| rows.iter().map(|r| r.1 * (r.0 - r.2)).sum::<f64>() / s11);
    let w2 = enough(s22).then(|| rows.iter().map(|r| r.2 * (r.0 - r.1)).sum::<f64>() / s22);
    Weights {
        w1: if enough(s22) && !enough(s11) {
            None
        } else {
            w1
        },
        w2: if enough(s11) && !enough(s22) {
            None
        } else {
            w2
        },
        total2,
    }
}

fn leading_at_first(t: &Trace) -> Option<usize> {
    t.points.first().map(|p| p.leading)
}

fn judgement_steps(t: &Trace) -> Vec<Evidence> {
    t.points
        .iter()
        .map(|p| Evidence {
            step: p.step,
            what: format!(
                "judgement at \"{}\": {}",
                p.checkpoint,
                spread_words(t, &p.stated, &p.normative)
            ),
        })
        .collect()
}

fn spread_words(t: &Trace, stated: &[f64], normative: &[f64]) -> String {
    t.case
        .case
        .hypotheses
        .values()
        .enumerate()
        .map(|(h, x)| {
            format!(
                "{} {:.0}% (evidence {:.0}%)",
                x.label,
                stated[h] * 100.0,
                normative[h] * 100.0
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------- 1 confirmatory search

/// The average fall in the probability of `h` an offer could bring about.
fn could_count_against(offer: &super::trace::Offer, belief: &[f64], h: usize) -> f64 {
    offer
        .outcomes
        .iter()
        .map(|(p, after)| p * (belief[h] - after[h]).max(0.0))
        .sum()
}

pub fn confirmatory_search(t: &Trace) -> Report {
    let r = Report::new(Detector::ConfirmatorySearch, t::CONFIRMATORY_SHARE);
    let Some(first) = t.points.first() else {
        return r.not_enough("no leading explanation was named.");
    };
    let lead = first.leading;
    let mut positions = Vec::new();
    let mut evidence = Vec::new();
    for c in t.choices.iter().filter(|c| c.step > first.step) {
        let Some(chosen) = c.chosen().filter(|o| o.gain > INFORMATIVE) else {
            continue;
        };
        let powers: Vec<f64> = c
            .offers
            .iter()
            .filter(|o| o.gain > INFORMATIVE)
            .map(|o| could_count_against(o, &c.belief, lead))
            .collect();
        let (low, high) = powers
            .iter()
            .fold((f64::INFINITY, 0.0f64), |(l, h), &x| (l.min(x), h.max(x)));
        if powers.len() < 2 || high - low < t::COUNTER_EVIDENCE {
            continue;
        }
        let position = (could_count_against(chosen, &c.belief, lead) - low) / (high - low);
        if position < 0.5 {
            let label = crate::judgement::trace_label(t, c.action);
            evidence.push(Evidence {
                step: c.step,
                what: format!(
                    "chose \"{label}\" over an action better able to test the leading view"
                ),
            });
        }
        positions.push(position);
    }
    if positions.len() < 3 {
        return r.not_enough("fewer than three choices between actions that could, and could not, test your leading view.");
    }
    let mean = positions.iter().sum::<f64>() / positions.len() as f64;
    let lead_label = t
        .case
        .case
        .hypotheses
        .values()
        .nth(lead)
        .map_or(String::new(), |h| h.label.to_lowercase());
    r.judged(
        mean,
        mean < t::CONFIRMATORY_SHARE,
        format!("After naming {lead_label} as leading, you mostly chose the actions least able to count against it ({} of {} choices). Evidence that can only confirm feels productive but cannot test a view (Munro 1999).", evidence.len(), positions.len()),
        format!("After naming {lead_label} as leading, you chose actions that could test it as readily as ones that could confirm it."),
        "Before each action, ask: if my leading explanation were wrong, what would I expect to find, and which action would show it?",
    )
    .with_evidence(evidence)
}

// ---------------------------------------------------------------- 2, 3 weighing for and against

fn for_and_against(t: &Trace) -> Option<(usize, Weights)> {
    let lead = leading_at_first(t)?;
    let focal = move |b: &[f64]| b[lead];
    Some((lead, class_weights(t, &focal, &|_, c, _| c > 0.0)))
}

pub fn asymmetric_weighting(t: &Trace) -> Report {
    let r = Report::new(Detector::AsymmetricWeighting, t::ASYMMETRY);
    if t.points.len() < 2 {
        return r.not_applicable(
            "The case needs at least two judgements to compare how you weighed evidence.",
        );
    }
    let Some((_, w)) = for_and_against(t) else {
        return r.not_enough("no judgements were given.");
    };
    let (Some(with), Some(against)) = (w.w1, w.w2) else {
        return r.not_enough("the evidence you gathered did not both support and contradict your leading view enough to compare.");
    };
    let gap = with - against;
    r.judged(
        gap,
        gap > t::ASYMMETRY,
        format!("Evidence for your leading view moved you {:.1} times what it warranted; evidence against it, {:.1} times. Findings that fit were taken at face value and findings that did not were discounted (Munro 1999: evidence was scrutinised only when it contradicted the existing view).", with, against),
        format!("You weighed evidence for your leading view ({with:.1}×) and against it ({against:.1}×) about evenly."),
        "When a finding cuts against your view, write down what you would have concluded from it had you held the other view.",
    )
    .with_evidence(judgement_steps(t))
}

pub fn slow_to_revise(t: &Trace) -> Report {
    let r = Report::new(Detector::SlowToRevise, t::SLOW_REVISION);
    if t.points.len() < 2 {
        return r.not_applicable("The case needs at least two judgements to see revision.");
    }
    let Some((_, w)) = for_and_against(t) else {
        return r.not_enough("no judgements were given.");
    };
    let Some(against) =
        w.w2.filter(|_| w.total2 <= -t::ENOUGH_MOVEMENT || w.total2.abs() >= t::ENOUGH_MOVEMENT)
    else {
        return r.not_enough("little of what you found cut against your leading view.");
    };
    r.judged(
        against,
        against < t::SLOW_REVISION,
        format!("Evidence against your leading view moved you only {:.0}% as far as it warranted. Holding on to a first view is the one error that ran through every inquiry Munro (1996) reviewed.", against * 100.0),
        format!("When evidence cut against your leading view you moved with it ({:.0}% of what it warranted).", against * 100.0),
        "At each checkpoint, name the one finding so far that fits your view least, and say how much it should move you.",
    )
    .with_evidence(judgement_steps(t))
}

// ---------------------------------------------------------------- 4 anchoring

pub fn anchoring(t: &Trace) -> Report {
    let r = Report::new(Detector::Anchoring, t::ANCHOR_WEIGHT);
    if t.points.len() < 2 {
        return r.not_applicable("The case needs at least two judgements to see anchoring.");
    }
    let (first, last) = (&t.points[0], &t.points[t.points.len() - 1]);
    let lead = first.leading;
    let distance = logit(first.stated[lead]) - logit(last.normative[lead]);
    if distance.abs() < t::ENOUGH_MOVEMENT {
        return r.not_enough("the evidence ended close to where your first estimate began, so staying put would not show.");
    }
    let weight = (logit(last.stated[lead]) - logit(last.normative[lead])) / distance;
    r.judged(
        weight,
        weight > t::ANCHOR_WEIGHT,
        format!("Your final estimate stayed {:.0}% of the way back towards your first one, from where the evidence pointed by then. The first information and the first view weighed most (Munro 1999).", weight * 100.0),
        "Your final estimate followed the evidence rather than your first view.".to_string(),
        "Before each later judgement, cover your earlier numbers and judge afresh from the case file; then compare.",
    )
    .with_evidence(vec![
        Evidence { step: first.step, what: format!("first estimate: {}", spread_words(t, &first.stated, &first.normative)) },
        Evidence { step: last.step, what: format!("final estimate: {}", spread_words(t, &last.stated, &last.normative)) },
    ])
}

// ---------------------------------------------------------------- 5 recency, 6 vividness

pub fn recency(t: &Trace) -> Report {
    let r = Report::new(Detector::Recency, t::RECENCY);
    if t.points.len() < 3 {
        return r.not_applicable(
            "The case needs at least three judgements to tell recent evidence from older.",
        );
    }
    let lead = t.points[0].leading;
    let steps: Vec<usize> = t.points.iter().map(|p| p.step).collect();
    let focal = move |b: &[f64]| b[lead];
    // Recent: revealed after the judgement before the one being modelled.
    let revealed = t.revealed.clone();
    let w = class_weights(t, &focal, &|f, _, k| {
        let at = revealed.iter().find(|r| r.0 == f).map_or(0, |r| r.2);
        let previous = if k == 0 { 0 } else { steps[k - 1] };
        at > previous
    });
    let (Some(new), Some(old)) = (w.w1, w.w2) else {
        return r.not_enough(
            "there was not enough evidence both before and after your judgements to compare.",
        );
    };
    let gap = new - old;
    r.judged(
        gap,
        gap > t::RECENCY,
        format!("The latest findings before each judgement moved you {new:.1} times what they warranted; older ones only {old:.1} times. The last thing heard weighed most (Munro 1999)."),
        format!("The latest findings did not weigh more with you than older ones ({new:.1}× against {old:.1}× what they warranted)."),
        "Before judging, read the whole case file from the top, not just what has just come in.",
    )
    .with_evidence(judgement_steps(t))
}

fn harm_focal<'a>(t: &'a Trace<'a>) -> impl Fn(&[f64]) -> f64 + 'a {
    move |b: &[f64]| t.harm(b)
}

pub fn vividness(t: &Trace) -> Report {
    let r = Report::new(Detector::Vividness, t::VIVIDNESS);
    if !t.case.findings.iter().any(|f| f.vivid) || !t.has_harm_and_benign() || t.points.len() < 2 {
        return r.not_applicable("The case marks no findings as vivid, or has too few judgements.");
    }
    let w = class_weights(t, &harm_focal(t), &|f, _, _| t.case.findings[f].vivid);
    let (Some(vivid), Some(plain)) = (w.w1, w.w2) else {
        return r.not_enough(
            "you did not come across enough of both vivid and plain findings to compare.",
        );
    };
    let gap = vivid - plain;
    r.judged(
        gap,
        gap > t::VIVIDNESS,
        format!("Vivid, emotive findings moved your view of harm {vivid:.1} times what they warranted; plain ones {plain:.1} times. What is concrete and upsetting dominated (Munro 1999)."),
        format!("Vivid ({vivid:.1}×) and plain ({plain:.1}×) findings weighed about the same with you."),
        "For a vivid finding, ask what a dull record of the same fact would make you conclude.",
    )
    .with_evidence(judgement_steps(t))
}

// ---------------------------------------------------------------- 7 agencies

fn relevant(t: &Trace, f: usize) -> bool {
    let l = &t.case.findings[f].likely;
    let ratio = |a: f64, b: f64| if b <= 0.0 { f64::INFINITY } else { a / b };
    l.iter().any(|&a| {
        l.iter().any(|&b| {
            ratio(a, b) >= t::RELEVANT_RATIO || ratio(1.0 - a, 1.0 - b) >= t::RELEVANT_RATIO
        })
    })
}

pub fn narrow_evidence(t: &Trace) -> Report {
    let r = Report::new(Detector::NarrowEvidence, t::AGENCIES_CONSULTED);
    let holding: Vec<usize> = (0..t.case.agencies.len())
        .filter(|&a| {
            (0..t.case.findings.len()).any(|f| t.case.findings[f].agency == a && relevant(t, f))
        })
        .collect();
    if holding.len() < 2 {
        return r
            .not_applicable("Relevant findings sit with fewer than two agencies in this case.");
    }
    let Some(d) = &t.decision else {
        return r.not_enough("no decision was made.");
    };
    let consulted: Vec<usize> = holding
        .iter()
        .copied()
        .filter(|&a| {
            t.revealed
                .iter()
                .any(|&(f, _, step)| step < d.step && t.case.findings[f].agency == a)
        })
        .collect();
    let share = consulted.len() as f64 / holding.len() as f64;
    let missing: Vec<Evidence> = holding
        .iter()
        .filter(|a| !consulted.contains(a))
        .map(|&a| Evidence {
            step: d.step,
            what: format!("nothing was sought from {}", agency_label(t, a)),
        })
        .collect();
    r.judged(
        share,
        share < t::AGENCIES_CONSULTED,
        format!("Before deciding you heard from {} of the {} agencies that held relevant information. What other professionals knew was the thing inquiries most often found overlooked (Munro 1999).", consulted.len(), holding.len()),
        format!("You drew on {} of the {} agencies holding relevant information before deciding.", consulted.len(), holding.len()),
        "Before deciding, list every agency that knows this child and what each might hold; ask the ones you have not.",
    )
    .with_evidence(missing)
}

fn agency_label(t: &Trace, a: usize) -> String {
    t.case
        .case
        .agencies
        .values()
        .nth(a)
        .map_or_else(String::new, |x| x.label.clone())
}

// ---------------------------------------------------------------- 8 premature closure

pub fn premature_closure(t: &Trace) -> Report {
    let r = Report::new(Detector::PrematureClosure, t::PREMATURE_VALUE);
    let Some(d) = &t.decision else {
        return r.not_enough("no decision was made.");
    };
    let available = t.case.minutes_available.max(1) as f64;
    let time_left = f64::from(d.minutes_left) / available;
    let (finding, value) = d.best_unseen.unwrap_or((0, 0.0));
    if time_left >= t::PREMATURE_TIME_LEFT && value < t::PREMATURE_VALUE && !closed_mind(t) {
        return r.not_enough("you decided with time to spare, but by then nothing left to find could have changed the best decision.");
    }
    let early = time_left >= t::PREMATURE_TIME_LEFT && value >= t::PREMATURE_VALUE;
    let closed = closed_mind(t);
    let mut evidence = Vec::new();
    if early {
        let label = &t.case.findings[finding].id;
        evidence.push(Evidence { step: d.step, what: format!("decided with {:.0}% of the time left; finding \"{label}\" could still have changed the best decision", time_left * 100.0) });
    }
    if closed && let Some(p) = t.points.last() {
        evidence.push(Evidence {
            step: p.step,
            what: "held one explanation at 90% or more while the evidence left it open".into(),
        });
    }
    r.judged(
        value,
        early || closed,
        "You closed the case while it was still open: time was left and a finding you never looked for could still have changed the best decision, or you put nearly all your weight on one explanation that the evidence had not settled. More hypotheses and more information meant less premature removal (Mandel et al. 1994).".into(),
        "You kept the question open until the evidence or the time ran out.".into(),
        "Before deciding, ask: which one finding, if I had it, could change my decision? If there is one and time to get it, get it.",
    )
    .with_evidence(evidence)
}

/// Nearly all weight on one explanation that the evidence had not settled.
fn closed_mind(t: &Trace) -> bool {
    t.points.last().is_some_and(|p| {
        p.stated.iter().cloned().fold(0.0, f64::max) >= t::CLOSED_MIND
            && p.normative.iter().cloned().fold(0.0, f64::max) <= t::OPEN_EVIDENCE
    })
}

// ---------------------------------------------------------------- 9, 18 optimism and over-intervention

/// The mean gap between the stated and the warranted log-odds of harm, over the judgements where the
/// evidence left harm between 2% and 98%: beyond that, whole-percentage answers hit the ends of the
/// scale and a bias cannot show.
fn signed_harm_error(t: &Trace) -> Option<f64> {
    if !t.has_harm_and_benign() {
        return None;
    }
    let open: Vec<f64> = t
        .points
        .iter()
        .filter(|p| (0.02..=0.98).contains(&t.harm(&p.normative)))
        .map(|p| logit(t.harm(&p.stated)) - logit(t.harm(&p.normative)))
        .collect();
    (!open.is_empty()).then(|| open.iter().sum::<f64>() / open.len() as f64)
}

pub fn rule_of_optimism(t: &Trace) -> Report {
    let r = Report::new(Detector::RuleOfOptimism, -t::SIGNED_ERROR);
    if !t.has_harm_and_benign() {
        return r.not_applicable("The case has no explanation in which the child is harmed set against one in which they are not.");
    }
    let Some(error) = signed_harm_error(t) else {
        return r.not_enough(
            "at your judgements the evidence had all but settled whether there was harm.",
        );
    };
    let mut evidence = judgement_steps(t);
    let verified = |after: usize| {
        t.choices.iter().any(|c| {
            c.step > after
                && t.case.actions[c.action]
                    .tags
                    .contains(&PracticeTag::VerifiesExplanation)
        })
    };
    for &(f, present, step) in &t.revealed {
        if present
            && t.case
                .case
                .findings
                .values()
                .nth(f)
                .is_some_and(|x| x.explanation)
            && !verified(step)
        {
            evidence.push(Evidence {
                step,
                what: format!(
                    "the carer's explanation (\"{}\") was not checked",
                    t.case.findings[f].id
                ),
            });
        }
    }
    r.judged(
        error,
        error < -t::SIGNED_ERROR,
        format!("Your odds of harm ran on average {:.1} times lower than the evidence warranted. Believing the best of parents is humane and often right, but as a habit it is the rule of optimism (Dingwall, Eekelaar and Murray 1983).", (-error).exp()),
        "Your sense of the risk of harm tracked the evidence.".to_string(),
        "When a carer offers an explanation, decide what would verify it, and check it.",
    )
    .with_evidence(evidence)
}

pub fn over_intervention(t: &Trace) -> Report {
    let r = Report::new(Detector::OverIntervention, t::SIGNED_ERROR);
    if !t.has_harm_and_benign() {
        return r.not_applicable("The case has no benign explanation to set against harm.");
    }
    let Some(error) = signed_harm_error(t) else {
        return r.not_enough(
            "at your judgements the evidence had all but settled whether there was harm.",
        );
    };
    let mut evidence = judgement_steps(t);
    let escalated = t.decision.as_ref().is_some_and(|d| {
        let best = (0..d.losses.len())
            .min_by(|&a, &b| d.losses[a].total_cmp(&d.losses[b]))
            .unwrap_or(d.chosen);
        let rank = |k: DecisionKind| k as i32;
        let gap = rank(t.case.decisions[d.chosen].kind) - rank(t.case.decisions[best].kind);
        if gap >= 2 {
            evidence.push(Evidence {
                step: d.step,
                what: format!(
                    "chose \"{}\" where the evidence favoured \"{}\"",
                    t.case.decisions[d.chosen].id, t.case.decisions[best].id
                ),
            });
        }
        gap >= 2
    });
    // Say which showed it: the judgements, the decision, or both.
    let why = match (error > t::SIGNED_ERROR, escalated) {
        (true, true) => format!(
            "Your odds of harm ran on average {:.1} times higher than the evidence warranted, and your decision was more intrusive than it supported.",
            error.exp()
        ),
        (true, false) => format!(
            "Your odds of harm ran on average {:.1} times higher than the evidence warranted (your decision itself was not the problem).",
            error.exp()
        ),
        _ => "Your decision was more intrusive than the evidence supported.".to_string(),
    };
    r.judged(
        error,
        error > t::SIGNED_ERROR || escalated,
        format!("{why} Needless investigation is itself a burden on families (Independent Review of Children's Social Care 2022)."),
        "Your sense of risk, and your decision, stayed in line with the evidence.".into(),
        "Before escalating, name the test that would show the benign explanation, and whether you have it.",
    )
    .with_evidence(evidence)
}

// ---------------------------------------------------------------- 10, 11, 12 classes of finding

pub fn cultural_relativism(t: &Trace) -> Report {
    let r = Report::new(Detector::CulturalRelativism, t::CULTURAL_DISCOUNT);
    let cultural = |f: usize| {
        t.case
            .case
            .findings
            .values()
            .nth(f)
            .is_some_and(|x| x.cultural)
    };
    if !(0..t.case.findings.len()).any(cultural) || !t.has_harm_and_benign() {
        return r.not_applicable("The case has no findings that come with a cultural explanation.");
    }
    let w = class_weights(t, &harm_focal(t), &|f, _, _| cultural(f));
    let (Some(with), Some(other)) = (w.w1, w.w2) else {
        return r.not_enough("too few findings of each kind came to light.");
    };
    let gap = other - with;
    r.judged(
        gap,
        gap > t::CULTURAL_DISCOUNT,
        format!("Signs of harm that came with a cultural explanation moved you {with:.1} times what they warranted, against {other:.1} for other signs. Cultural relativism is a form of the rule of optimism (Dingwall et al. 1983)."),
        "Signs of harm weighed the same with you whether or not they came with a cultural explanation.".into(),
        "Respect the explanation and still check it: ask what the same sign would mean in any family.",
    )
}

pub fn disguised_compliance(t: &Trace) -> Report {
    let r = Report::new(Detector::DisguisedCompliance, t::ENGAGEMENT_SHIFT);
    let engagement = |f: usize| t.case.findings[f].kind == FindingKind::CarerEngagement;
    if !(0..t.case.findings.len()).any(engagement) || !t.has_harm_and_benign() {
        return r.not_applicable("The case has no findings about how carers engage.");
    }
    let base = logit(t.harm(&t.priors));
    let rows: Vec<(f64, f64)> = t
        .points
        .iter()
        .filter(|p| (0.02..=0.98).contains(&t.harm(&p.normative)))
        .map(|p| {
            let seen = t
                .revealed
                .iter()
                .filter(|&&(f, present, step)| present && step < p.step && engagement(f))
                .count() as f64;
            let excess = (logit(t.harm(&p.stated)) - base) - (logit(t.harm(&p.normative)) - base);
            (seen, excess)
        })
        .collect();
    let sxx: f64 = rows.iter().map(|r| r.0 * r.0).sum();
    if sxx < 1.0 {
        return r
            .not_enough("you came across no signs of how the carers engage before a judgement.");
    }
    let slope = rows.iter().map(|r| r.0 * r.1).sum::<f64>() / sxx;
    r.judged(
        -slope,
        -slope > t::ENGAGEMENT_SHIFT,
        format!("Each sign of good engagement (attending, agreeing, a tidy home at a planned visit) moved you about {:.1} log-odds further from harm than the evidence warranted. Such signs barely tell the explanations apart; taking process for progress is disguised compliance (Reder, Duncan and Gray 1993).", -slope),
        "Signs of how the carers engaged did not sway you beyond what they warranted.".into(),
        "Weigh what you know about the child (weight, school, what they say) above how the adults come across; try an unannounced visit.",
    )
}

pub fn start_again(t: &Trace) -> Report {
    let r = Report::new(Detector::StartAgain, t::HISTORY_WEIGHT);
    if !t.case.case.re_referral {
        return r.not_applicable("The case is not a re-referral.");
    }
    let history = |f: usize| t.case.findings[f].kind == FindingKind::History;
    let opened_early = t.choices.iter().any(|c| {
        t.points.first().is_none_or(|p| c.step < p.step)
            && t.case.actions[c.action]
                .tags
                .contains(&PracticeTag::ChecksHistory)
    });
    let w = class_weights(t, &harm_focal(t), &|f, _, _| history(f));
    let weight = w.w1.unwrap_or(if opened_early { 1.0 } else { 0.0 });
    let flagged = !opened_early || weight < t::HISTORY_WEIGHT;
    r.judged(
        weight,
        flagged,
        "On a re-referral you judged before opening the history, or gave what the history showed little weight. Starting afresh each time, with optimism, is start-again syndrome (Brandon et al. 2008).".into(),
        "You opened the family's history early and let it count.".into(),
        "On any re-referral, read the chronology before the first judgement.",
    )
}

// ---------------------------------------------------------------- 13 the child

pub fn child_not_seen(t: &Trace) -> Report {
    let r = Report::new(Detector::ChildNotSeen, 1.0);
    let tags = |a: usize| &t.case.actions[a].tags;
    let can_see = t.case.actions.iter().any(|a| {
        a.tags.contains(&PracticeTag::SeesChild) || a.tags.contains(&PracticeTag::SeesChildAlone)
    });
    if !can_see {
        return r.not_applicable("The case offers no action that sees the child.");
    }
    let Some(d) = &t.decision else {
        return r.not_enough("no decision was made.");
    };
    let seen: Vec<&super::trace::Choice> = t
        .choices
        .iter()
        .filter(|c| {
            c.step < d.step
                && (tags(c.action).contains(&PracticeTag::SeesChild)
                    || tags(c.action).contains(&PracticeTag::SeesChildAlone))
        })
        .collect();
    let child_actions = t
        .choices
        .iter()
        .filter(|c| {
            c.step < d.step
                && tags(c.action).iter().any(|x| {
                    matches!(
                        x,
                        PracticeTag::SeesChild
                            | PracticeTag::SeesChildAlone
                            | PracticeTag::HearsChild
                    )
                })
        })
        .count();
    let share =
        child_actions as f64 / t.choices.iter().filter(|c| c.step < d.step).count().max(1) as f64;
    r.judged(
        share,
        seen.is_empty(),
        "You decided without seeing the child. In 67 serious case reviews the child was too often not seen, not asked and not heard (Ofsted 2011, The voice of the child).".into(),
        format!("You saw the child before deciding ({} of your actions were directed at the child).", child_actions),
        "Plan to see the child — alone where they are old enough — before anything else, and note what you saw.",
    )
    .with_evidence(seen.iter().map(|c| Evidence { step: c.step, what: format!("saw the child: \"{}\"", crate::judgement::trace_label(t, c.action)) }).collect())
}

// ---------------------------------------------------------------- 14 overshadowing

pub fn overshadowing(t: &Trace) -> Report {
    let r = Report::new(Detector::Overshadowing, t::ACCEPTED);
    let Some(harm) = (0..t.case.harm.len())
        .filter(|&h| t.case.harm[h])
        .max_by(|&a, &b| t.priors[a].total_cmp(&t.priors[b]))
    else {
        return r.not_applicable("The case has no harmful explanation.");
    };
    // For each benign explanation, the finding that best tells it from harm.
    let tests: Vec<(usize, usize, f64)> = (0..t.case.harm.len())
        .filter(|&b| !t.case.harm[b])
        .filter_map(|b| {
            (0..t.case.findings.len())
                .map(|f| {
                    let l = &t.case.findings[f].likely;
                    let ratio = |x: f64, y: f64| {
                        if x.min(y) <= 0.0 {
                            f64::INFINITY
                        } else {
                            x.max(y) / x.min(y)
                        }
                    };
                    (
                        b,
                        f,
                        ratio(l[b], l[harm]).max(ratio(1.0 - l[b], 1.0 - l[harm])),
                    )
                })
                .filter(|x| x.2 >= t::DISCRIMINATING_RATIO)
                .max_by(|x, y| x.2.total_cmp(&y.2))
        })
        .collect();
    if tests.is_empty() {
        return r.not_applicable(
            "No finding in the case tells a benign explanation from harm decisively.",
        );
    }
    let Some(last) = t.points.last() else {
        return r.not_enough("no judgements were given.");
    };
    let seen = |f: usize| t.revealed.iter().any(|x| x.0 == f);
    let accepted: Vec<&(usize, usize, f64)> = tests
        .iter()
        .filter(|(b, f, _)| {
            last.stated[*b] >= t::ACCEPTED
                && last.stated[*b] - last.normative[*b] >= t::OVER_ACCEPTED
                && !seen(*f)
        })
        .collect();
    let evidence = accepted
        .iter()
        .map(|(b, f, _)| {
            let label = t
                .case
                .case
                .hypotheses
                .values()
                .nth(*b)
                .map_or("", |h| h.label.as_str());
            Evidence {
                step: last.step,
                what: format!(
                    "accepted \"{label}\" without finding \"{}\", which tells it from harm",
                    t.case.findings[*f].id
                ),
            }
        })
        .collect();
    let top = tests
        .iter()
        .map(|(b, _, _)| last.stated[*b])
        .fold(0.0, f64::max);
    r.judged(
        top,
        !accepted.is_empty(),
        "You accepted a benign explanation without the test that tells it apart from harm. An impairment, a medical condition or a birthmark can explain a sign away — and abuse can coexist with any of them.".into(),
        "Where you leaned to a benign explanation, you had the finding that tells it from harm, or you kept harm open.".into(),
        "When an explanation fits, name the finding that would show it is not the whole story, and get it.",
    )
    .with_evidence(evidence)
}

// ---------------------------------------------------------------- 15 overconfidence, 16 base rates

pub fn overconfidence(t: &Trace) -> Report {
    let r = Report::new(Detector::Overconfidence, t::OVERCONFIDENCE_BITS);
    if t.points.is_empty() {
        return r.not_enough("no judgements were given.");
    }
    let open: Vec<&super::trace::Point> = t
        .points
        .iter()
        .filter(|p| entropy(&p.normative) >= t::OPEN_QUESTION)
        .collect();
    if open.is_empty() {
        return r.not_enough("the evidence left little uncertainty at your judgements.");
    }
    let excess = open
        .iter()
        .map(|p| (entropy(&p.normative) - entropy(&p.stated)) / entropy(&p.normative))
        .sum::<f64>()
        / open.len() as f64;
    r.judged(
        excess,
        excess > t::OVERCONFIDENCE_BITS,
        format!("Your judgements were more certain than the evidence allowed: {:.0}% of the uncertainty it left, you did not. Social workers' forecasts have been found only about 6% better than chance (Meindl and Wilkins 2021); calibration comes from feedback over many judgements.", excess * 100.0),
        "Your judgements were no more certain than the evidence allowed.".into(),
        "When you put 90% on something, ask whether you would be wrong only one time in ten.",
    )
    .with_evidence(judgement_steps(t))
}

pub fn base_rate_neglect(t: &Trace) -> Report {
    let r = Report::new(Detector::BaseRateNeglect, t::BASE_RATE_NEGLECT);
    if !t.has_harm_and_benign() {
        return r.not_applicable("The case has no harmful explanation to set against benign ones.");
    }
    let Some(first) = t.points.first() else {
        return r.not_enough("no judgements were given.");
    };
    let uniform = vec![1.0 / t.priors.len() as f64; t.priors.len()];
    let without = posterior(t.case, &uniform, &first.known);
    let distance = logit(t.harm(&without)) - logit(t.harm(&first.normative));
    if distance.abs() < t::ENOUGH_MOVEMENT {
        return r.not_enough(
            "in this setting the base rate makes little difference to the first judgement.",
        );
    }
    let share = (logit(t.harm(&first.stated)) - logit(t.harm(&first.normative))) / distance;
    r.judged(
        share,
        share > t::BASE_RATE_NEGLECT,
        format!("Your first judgement sat {:.0}% of the way from what the evidence warranted towards what it would be if every explanation were equally common here. The same signs mean different things in an emergency department and on a health visitor's round.", share * 100.0),
        "Your first judgement took account of how common each explanation is in this setting.".into(),
        "Before weighing the signs, say how often referrals like this one turn out to be each explanation.",
    )
    .with_evidence(vec![Evidence { step: first.step, what: format!("first judgement: {}", spread_words(t, &first.stated, &first.normative)) }])
}

// ---------------------------------------------------------------- 17 group polarisation

/// Groupthink and polarisation in a workshop: private probabilities of harm given before discussion
/// against the group's after it.
pub fn group_polarisation(private: &[f64], group: f64) -> Report {
    let r = Report::new(Detector::GroupPolarisation, t::POLARISATION_SHIFT);
    if private.len() < 3 {
        return r.not_enough("fewer than three private judgements were collected.");
    }
    let mean = private.iter().sum::<f64>() / private.len() as f64;
    let lean = if mean >= 0.5 { 1.0 } else { -1.0 };
    let beyond = (group - mean) * lean;
    let spread = private.iter().cloned().fold(f64::NEG_INFINITY, f64::max)
        - private.iter().cloned().fold(f64::INFINITY, f64::min);
    r.judged(
        beyond,
        beyond >= t::POLARISATION_SHIFT,
        format!("The group's probability of harm ({:.0}%) went beyond the average of the private judgements ({:.0}%) in the direction the room already leaned, with a private spread of {:.0} points. Discussion amplified the majority view (Kelly and Milner 1996).", group * 100.0, mean * 100.0, spread * 100.0),
        if beyond <= -t::POLARISATION_SHIFT {
            format!("The group's probability of harm ({:.0}%) moved against the way the private judgements leaned (average {:.0}%): discussion changed the room's mind rather than amplifying its majority.", group * 100.0, mean * 100.0)
        } else {
            format!("The group's probability of harm ({:.0}%) stayed near the average of the private judgements ({:.0}%).", group * 100.0, mean * 100.0)
        },
        "Hear the minority view first, and give someone the devil's advocate's role.",
    )
}

// ---------------------------------------------------------------- 19 hindsight

pub fn hindsight(t: &Trace) -> Report {
    let r = Report::new(Detector::Hindsight, t::HINDSIGHT_DROP);
    let Some(d) = &t.decision else {
        return r.not_enough("no decision was made.");
    };
    let after = t.events.iter().find_map(|e| match e {
        crate::engine::Event::Hindsight(h) => Some(*h),
        _ => None,
    });
    let before = t.events.iter().find_map(|e| match e {
        crate::engine::Event::Decision(dm) => dm.quality,
        _ => None,
    });
    let (Some(after), Some(before)) = (after, before) else {
        return r
            .not_enough("rate your decision before the outcome and again after it to see this.");
    };
    let outcome_loss = t.case.decisions[d.chosen].loss[t.truth];
    let bad = outcome_loss >= t::BAD_OUTCOME;
    // How far the rating moved in the direction of the outcome: down after a bad one, up after a good.
    let towards =
        (f64::from(after.decision_quality) - f64::from(before)) * if bad { -1.0 } else { 1.0 };
    let said = t.points.last().map_or(0.0, |p| p.stated[t.truth]);
    let outcome_bias = towards >= t::HINDSIGHT_DROP;
    let foresight = bad && f64::from(after.foreseeable) >= t::FORESEEABLE && said <= 0.3;
    let drop = towards;
    r.judged(
        towards,
        outcome_bias || foresight,
        format!("Once you knew the outcome, your rating of your own decision moved {drop:.0} points with it, though the decision was made on the same evidence; or you called a bad outcome foreseeable when you had given it {:.0}%. Outcome knowledge rewrites how good a decision and how foreseeable an outcome seem (Fischhoff 1975).", said * 100.0),
        "Knowing the outcome did not change how you judged a decision made without it.".into(),
        "Judge a decision by what was knowable then: ask why each step made sense at the time (SCIE, Learning Together).",
    )
}
