//! The case format, version 1: plain serde types that mirror what an author writes in RON.

use serde::{Deserialize, Serialize};

use super::ordered::OrderedMap;

/// The only format version this build reads.
pub const FORMAT_VERSION: u32 = 1;

/// One RON file of a case. A case may be one file or a folder of files; every field is optional here
/// and the loader merges the files, so a folder can keep findings in one file and scenes in another.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename = "Case", deny_unknown_fields)]
pub struct CaseFile {
    pub format: Option<u32>,
    pub id: Option<String>,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub minutes: Option<u32>,
    pub you_are: Option<String>,
    pub briefing: Option<String>,
    pub hours_available: Option<f64>,
    pub start: Option<String>,
    pub out_of_time: Option<String>,
    /// The family is known: this is a re-referral (for the start-again detector).
    pub re_referral: Option<bool>,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub agencies: OrderedMap<Agency>,
    #[serde(default)]
    pub hypotheses: OrderedMap<Hypothesis>,
    #[serde(default)]
    pub findings: OrderedMap<Finding>,
    #[serde(default)]
    pub scenes: OrderedMap<Scene>,
    #[serde(default)]
    pub decisions: OrderedMap<Decision>,
    #[serde(default)]
    pub variants: OrderedMap<Variant>,
    #[serde(default)]
    pub teaching: Vec<TeachingPoint>,
}

/// A whole case after its files are merged: what the checker validates and the engine plays.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Case {
    pub format: u32,
    pub id: String,
    pub title: String,
    pub summary: String,
    pub minutes: u32,
    pub you_are: String,
    pub briefing: String,
    pub hours_available: f64,
    pub start: String,
    pub out_of_time: String,
    pub re_referral: bool,
    pub themes: Vec<String>,
    pub agencies: OrderedMap<Agency>,
    pub hypotheses: OrderedMap<Hypothesis>,
    pub findings: OrderedMap<Finding>,
    pub scenes: OrderedMap<Scene>,
    pub decisions: OrderedMap<Decision>,
    pub variants: OrderedMap<Variant>,
    pub teaching: Vec<TeachingPoint>,
}

/// An agency that holds findings and can be contacted (health visitor, GP, police, school...).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    pub label: String,
    #[serde(default)]
    pub about: String,
}

/// One competing explanation of what is happening to the child.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hypothesis {
    pub label: String,
    pub prior: f64,
    /// True when, under this explanation, the child is being harmed (inflicted injury, neglect,
    /// exploitation). Used to tell missed harm from needless intervention.
    #[serde(default)]
    pub harm: bool,
    #[serde(default)]
    pub about: String,
}

/// A sign that an action can look for. Its presence is drawn from `likely[truth]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub agency: String,
    pub kind: FindingKind,
    #[serde(default)]
    pub vivid: bool,
    /// Findings that overlap (bruise count and bruise site) share a group and are counted once.
    #[serde(default)]
    pub group: Option<String>,
    pub present: String,
    pub absent: String,
    pub likely: OrderedMap<Likelihood>,
    #[serde(default)]
    pub source: String,
    /// When the thing this finding records happened, for the chronology.
    #[serde(default)]
    pub when: Option<When>,
    /// A carer's explanation that offers an innocent reading (cultural practice, impairment, a fall).
    #[serde(default)]
    pub explanation: bool,
    /// A sign that comes with a cultural explanation (for the cultural-relativism detector).
    #[serde(default)]
    pub cultural: bool,
}

/// The kinds of finding, after the sources a practitioner weighs differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FindingKind {
    ChildPresentation,
    ChildWords,
    CarerAccount,
    CarerEngagement,
    History,
    TestResult,
    ProfessionalObservation,
}

/// When something happened, relative to the referral (day 0), with words for the chronology.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    pub day: i32,
    #[serde(default)]
    pub text: String,
}

/// How likely a finding is to be present under one hypothesis: a number in [0, 1] or a word.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Likelihood {
    Word(Frequency),
    Number(f64),
}

/// The fixed word scale. The numbers are documented in docs/authoring.md and never change within a
/// format version, so a case means the same thing on every machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Frequency {
    Never,
    VeryRarely,
    Rarely,
    Sometimes,
    Often,
    VeryOften,
    Always,
}

impl Frequency {
    pub const ALL: [Frequency; 7] = [
        Frequency::Never,
        Frequency::VeryRarely,
        Frequency::Rarely,
        Frequency::Sometimes,
        Frequency::Often,
        Frequency::VeryOften,
        Frequency::Always,
    ];

    pub fn probability(self) -> f64 {
        match self {
            Frequency::Never => 0.0,
            Frequency::VeryRarely => 0.02,
            Frequency::Rarely => 0.1,
            Frequency::Sometimes => 0.3,
            Frequency::Often => 0.6,
            Frequency::VeryOften => 0.85,
            Frequency::Always => 1.0,
        }
    }
}

impl Likelihood {
    pub fn probability(self) -> f64 {
        match self {
            Likelihood::Word(word) => word.probability(),
            Likelihood::Number(p) => p,
        }
    }
}

/// A point in the case: narrative with actions, a judgement checkpoint, or the decision.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Scene {
    Scene(Narrative),
    Checkpoint(Checkpoint),
    Decide(Decide),
}

/// A scene the trainee reads, with the actions on offer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Narrative {
    pub text: String,
    /// A picture file (PNG or JPEG), relative to the case's folder.
    #[serde(default)]
    pub picture: Option<String>,
    /// What the picture shows, in words, for anyone who cannot see it.
    #[serde(default)]
    pub picture_alt: String,
    #[serde(default)]
    pub chapter: Option<String>,
    #[serde(default)]
    pub actions: Vec<Action>,
}

/// A judgement point: the trainee spreads 100% across the hypotheses before going on to `next`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    pub prompt: String,
    pub next: String,
    /// Questions for a workshop room to discuss here, shown on the trainer's screen on demand.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub discussion: Vec<String>,
}

/// The decision point: the trainee chooses one of `decisions` (all of the case's when empty).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decide {
    pub prompt: String,
    #[serde(default)]
    pub decisions: Vec<String>,
}

/// Something the trainee can do in a scene.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub id: String,
    pub label: String,
    pub hours: f64,
    #[serde(default)]
    pub detail: String,
    #[serde(default)]
    pub needs: Vec<Need>,
    #[serde(default)]
    pub looks_for: Vec<String>,
    #[serde(default)]
    pub tags: Vec<PracticeTag>,
    pub goto: String,
    /// What happens, told after the action is taken (before the findings).
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub sets: Vec<String>,
    /// Actions are offered once unless repeatable (moving between places, say).
    #[serde(default)]
    pub repeatable: bool,
}

/// A condition for an action to be offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Need {
    Found(String),
    NotFound(String),
    Looked(String),
    Done(String),
    NotDone(String),
    Flag(String),
    NotFlag(String),
}

/// What an action involves in practice; the reasoning feedback reads these.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PracticeTag {
    SeesChild,
    SeesChildAlone,
    HearsChild,
    Unannounced,
    ChecksHistory,
    ContactsAgency(String),
    VerifiesExplanation,
    OrdersTest,
}

/// One of the closed set of decisions, with its loss under each hypothesis and the outcome texts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub label: String,
    pub kind: DecisionKind,
    #[serde(default)]
    pub about: String,
    pub loss: OrderedMap<f64>,
    #[serde(default)]
    pub outcomes: OrderedMap<String>,
}

/// The closed set of decisions, from least to most intrusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DecisionKind {
    NoFurtherAction,
    EarlyHelp,
    Assessment,
    StrategyDiscussion,
    ImmediateProtection,
}

/// A named version of the case: different priors (a different setting) or a fixed truth.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub label: String,
    #[serde(default)]
    pub about: String,
    #[serde(default)]
    pub priors: OrderedMap<f64>,
    #[serde(default)]
    pub truth: Option<String>,
}

/// A point the debrief teaches, with where it comes from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeachingPoint {
    pub point: String,
    #[serde(default)]
    pub reference: String,
}
