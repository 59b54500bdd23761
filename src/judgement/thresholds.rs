//! Every threshold the reasoning detectors use, in one place, with where it came from. The research
//! brief (`research/biases.md`) gives these as starting points to calibrate, not truths; the simulated
//! trainees (`second-look explore --bots`) are how they are checked.

/// A weight on a class of evidence is the trainee's log-odds movement per unit of normative movement
/// (1 = Bayesian). Flag when supporting evidence weighs this much more than contrary evidence
/// (biases.md, error 2: "flag above 0.5").
pub const ASYMMETRY: f64 = 0.5;

/// Flag belief perseverance when contrary evidence moves the trainee less than half what it should
/// (biases.md, error 3: "cumulative update ratio on contrary findings below 0.5").
pub const SLOW_REVISION: f64 = 0.5;

/// Flag anchoring when the final estimate sits more than this share of the way back towards the first
/// estimate from where the evidence points (judgement; a Bayesian scores about 0).
pub const ANCHOR_WEIGHT: f64 = 0.5;

/// Flag recency (or vividness) when recent (or vivid) evidence weighs this much more than the rest
/// (the same scale as asymmetric weighting).
pub const RECENCY: f64 = 0.5;
pub const VIVIDNESS: f64 = 0.5;

/// Flag cultural relativism when harm findings that come with a cultural explanation weigh this much
/// less than matched findings (the same scale, in the other direction).
pub const CULTURAL_DISCOUNT: f64 = 0.5;

/// Flag disguised compliance when each carer-engagement finding moves the trainee this many log-odds
/// towards "no harm" beyond what the evidence warrants (engagement findings have likelihood ratios near
/// 1: Reder, Duncan & Gray 1993).
pub const ENGAGEMENT_SHIFT: f64 = 0.5;

/// Flag start-again syndrome when historical findings get less than this weight (biases.md, error 12:
/// "update ratio below 0.3 flags").
pub const HISTORY_WEIGHT: f64 = 0.3;

/// Confirmatory search: where each chosen action sat, from 0 (the one on offer least able to count
/// against the leading explanation) to 1 (the most able), averaged over the choices made after it was
/// named. Flag below this (judgement; a reasoner who seeks information regardless of their view sits
/// near the middle or above).
pub const CONFIRMATORY_SHARE: f64 = 0.3;
/// An action "could count against" the leading explanation when it would lower its probability by at
/// least this much on average; one with less than half the best on offer is confirmatory.
pub const COUNTER_EVIDENCE: f64 = 0.02;

/// Flag a narrow evidence base when fewer than this share of the agencies holding relevant findings
/// were consulted before the decision (biases.md, error 7; an author may set their own minimum later).
pub const AGENCIES_CONSULTED: f64 = 0.5;
/// A finding is relevant when it shifts the odds between some two explanations at least 3 to 1.
pub const RELEVANT_RATIO: f64 = 3.0;

/// Premature closure: deciding with at least this share of the time left (15%, so that a short case
/// can show it) while a finding never
/// looked for could still lower the expected loss by at least `PREMATURE_VALUE` (on the case's 0–100
/// loss scale), or holding one explanation at 90% or more while the evidence gives it at most 75%.
pub const PREMATURE_TIME_LEFT: f64 = 0.15;
pub const PREMATURE_VALUE: f64 = 2.0;
pub const CLOSED_MIND: f64 = 0.9;
pub const OPEN_EVIDENCE: f64 = 0.75;

/// The rule of optimism and over-intervention: flag when the stated log-odds of harm are on average
/// this far below (or above) what the evidence warranted (judgement: 0.6 is a factor of about 1.8 in the
/// odds, e.g. 20% stated where 31% was warranted).
pub const SIGNED_ERROR: f64 = 0.6;

/// Overshadowing: a benign explanation is "accepted" at this probability, and the test that tells it
/// from harm is one that shifts the odds at least 4 to 1 between them.
pub const ACCEPTED: f64 = 0.5;
/// ... and held at least this much above what the evidence warranted.
pub const OVER_ACCEPTED: f64 = 0.15;
pub const DISCRIMINATING_RATIO: f64 = 4.0;

/// Overconfidence: flag when the trainee's stated beliefs are on average this share less uncertain
/// (in entropy) than the evidence warranted, at judgements where the evidence left real uncertainty
/// (`OPEN_QUESTION` bits or more). A well-calibrated forecaster scores about 0.
pub const OVERCONFIDENCE_BITS: f64 = 0.3;
pub const OPEN_QUESTION: f64 = 0.25;

/// Base-rate neglect: flag when the first judgement sits more than this share of the way from the
/// Bayesian answer towards the answer that ignores the base rate.
pub const BASE_RATE_NEGLECT: f64 = 0.6;

/// Hindsight: a bad outcome is one with a loss of at least this much; a rating that drops at least
/// `HINDSIGHT_DROP` after it, for a decision whose regret was at most `SOUND_REGRET`, is outcome bias; a
/// bad outcome rated at least `FORESEEABLE` out of 100 when the trainee gave it at most 30% is hindsight.
pub const BAD_OUTCOME: f64 = 50.0;
/// A rating that moves at least `HINDSIGHT_DROP` in the direction of the outcome (down after a bad one,
/// up after a good one) for a decision whose quality is unchanged is outcome bias.
pub const HINDSIGHT_DROP: f64 = 20.0;
pub const SOUND_REGRET: f64 = 5.0;
pub const FORESEEABLE: f64 = 70.0;

/// Group polarisation: flag when the group's probability of harm lies at least this far beyond the
/// mean of the private judgements, in the direction they leaned, or the spread collapses to a third.
pub const POLARISATION_SHIFT: f64 = 0.1;

/// The least evidence (total normative movement, log-odds) a detector needs before it will say anything.
pub const ENOUGH_MOVEMENT: f64 = 0.7;
