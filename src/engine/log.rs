//! The event log: what a trainee did, in order. Saves, replays, reports and the bias analysis are all
//! derived from it. Written as RON.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::scenario::OrderedMap;

/// The log format this build writes and reads.
pub const LOG_FORMAT: u32 = 1;

/// One playthrough of one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename = "Playthrough", deny_unknown_fields)]
pub struct Log {
    pub format: u32,
    pub case: String,
    pub case_version: String,
    pub seed: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    #[serde(default)]
    pub events: Vec<Event>,
}

/// One thing the trainee did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Event {
    /// Took the action with this ID.
    Action(String),
    /// Gave a judgement at a checkpoint.
    Judgement(Judgement),
    /// Chose a decision, with the written rationale.
    Decision(DecisionMade),
    /// Answered a reflective question after the debrief.
    Reflection(Reflection),
    /// After seeing the outcome: how foreseeable it was, and how good the decision now seems.
    Hindsight(Hindsight),
}

/// Ratings given after the outcome is shown, each 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hindsight {
    pub foreseeable: u8,
    pub decision_quality: u8,
}

/// Probabilities across the hypotheses (summing to 1), with the reasoning around them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Judgement {
    pub checkpoint: String,
    pub probabilities: OrderedMap<f64>,
    pub leading: String,
    /// How confident the trainee is in their leading hypothesis, 0 to 100.
    pub confidence: u8,
    #[serde(default)]
    pub reasons: String,
    #[serde(default)]
    pub change_mind: String,
    #[serde(default)]
    pub feeling: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionMade {
    pub decision: String,
    #[serde(default)]
    pub rationale: String,
    /// Before the outcome: how good the trainee judges this decision, 0 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reflection {
    pub question: String,
    pub answer: String,
}

impl Log {
    pub fn new(case: &str, case_version: &str, seed: u64, variant: Option<String>) -> Log {
        Log {
            format: LOG_FORMAT,
            case: case.to_string(),
            case_version: case_version.to_string(),
            seed,
            variant,
            events: Vec::new(),
        }
    }

    pub fn to_ron(&self) -> String {
        let config = ron::ser::PrettyConfig::new().struct_names(true).extensions(
            ron::extensions::Extensions::IMPLICIT_SOME
                | ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES,
        );
        let mut text = ron::ser::to_string_pretty(self, config).unwrap_or_default();
        text.push('\n');
        text
    }

    pub fn from_ron(text: &str) -> Result<Log, String> {
        let log: Log = crate::scenario::load::ron_options()
            .from_str(text)
            .map_err(|e| format!("{}:{}: {}", e.span.start.line, e.span.start.col, e.code))?;
        if log.format != LOG_FORMAT {
            return Err(format!(
                "this build reads log format {LOG_FORMAT}; this log says {}",
                log.format
            ));
        }
        Ok(log)
    }

    pub fn read(path: &Path) -> Result<Log, String> {
        let text =
            crate::files::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Log::from_ron(&text).map_err(|e| format!("{}:{e}", path.display()))
    }

    /// Writes the log so that a crash mid-write never leaves a half-written file: write a temporary
    /// file beside it, then rename it over the old one.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        crate::files::write(path, &self.to_ron())
    }
}
