//! Coded diagnostics: every problem the checker can report, with a stable code, a severity, a place
//! (file, line, column) and, where it helps, a suggestion. `docs/diagnostics.md` has a page per code.

use std::fmt::Write as _;
use std::path::{Path as FsPath, PathBuf};

use serde::Serialize;

use super::spans::Pos;

/// How bad a diagnostic is: errors stop a case from being played; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! codes {
    ($($name:ident = $num:literal, $sev:ident, $title:literal;)*) => {
        /// Every diagnostic the checker can give. The numbers are stable: never reuse one.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($name),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$name),*];

            /// The stable code, such as `SL0012`.
            pub fn id(self) -> &'static str {
                match self { $(Code::$name => concat!("SL", $num)),* }
            }

            pub fn severity(self) -> Severity {
                match self { $(Code::$name => Severity::$sev),* }
            }

            /// A short title for the reference page.
            pub fn title(self) -> &'static str {
                match self { $(Code::$name => $title),* }
            }
        }
    };
}

codes! {
    Syntax = "0001", Error, "RON syntax error";
    Shape = "0002", Error, "A value of the wrong shape, or an unknown field";
    Unreadable = "0003", Error, "A file that cannot be read as UTF-8 text";
    MissingField = "0004", Error, "A required field is missing";
    FieldTwice = "0005", Error, "A field is given in more than one file of a case";
    FormatVersion = "0006", Error, "A format version this build cannot read";
    DuplicateId = "0010", Error, "The same ID is used twice";
    UnknownHypothesis = "0011", Error, "A reference to a hypothesis that does not exist";
    UnknownScene = "0012", Error, "A reference to a scene that does not exist";
    UnknownFinding = "0013", Error, "A reference to a finding that does not exist";
    UnknownAgency = "0014", Error, "A reference to an agency that does not exist";
    UnknownAction = "0015", Error, "A reference to an action that does not exist";
    UnknownDecision = "0016", Error, "A reference to a decision that does not exist";
    UnsetFlag = "0017", Warning, "A flag that no action sets";
    ProbabilityRange = "0020", Error, "A probability outside 0 to 1";
    PriorSum = "0021", Error, "Priors that do not add up to 1";
    TooFewHypotheses = "0022", Error, "Fewer than two hypotheses";
    MissingLikelihood = "0023", Error, "A finding without a probability for every hypothesis";
    BadNumber = "0024", Error, "A time that is negative or not a number";
    LossGap = "0030", Error, "A decision without a loss for every hypothesis";
    OutcomeGap = "0031", Error, "A decision without an outcome for every hypothesis";
    NoDecisions = "0032", Error, "A case with no decisions";
    UnreachableScene = "0040", Warning, "A scene no path reaches";
    DeadEnd = "0041", Error, "A scene with no actions";
    NoWayOut = "0042", Error, "A scene from which no decision can be reached";
    UnusedFinding = "0043", Warning, "A finding that nothing looks for";
    UnreachableDecision = "0044", Warning, "A decision that no reachable decision point offers";
    NoDecidePoint = "0045", Error, "A case with no decision point";
    ActionTooLong = "0046", Warning, "An action that takes longer than the case allows";
    OutOfTimeTarget = "0047", Warning, "Running out of time does not lead to a decision";
    MissingSource = "0050", Warning, "A finding without a source note";
    EmptyText = "0051", Warning, "Text an author left empty";
    PictureMissing = "0052", Warning, "A picture file that cannot be found";
    PictureWithoutWords = "0053", Warning, "A picture with no words for those who cannot see it";
}

/// One problem found in a case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    #[serde(serialize_with = "code_id")]
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

fn code_id<S: serde::Serializer>(code: &Code, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(code.id())
}

impl Diagnostic {
    pub fn new(code: Code, file: &FsPath, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            file: file.to_path_buf(),
            line: pos.line,
            column: pos.column,
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The rustc-like form: a headline, the place, the line itself with a caret, and any help.
    pub fn render(&self, source: Option<&str>) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!("{sev}[{}]: {}\n", self.code.id(), self.message);
        let _ = writeln!(
            out,
            "  --> {}:{}:{}",
            self.file.display(),
            self.line,
            self.column
        );
        if let Some(text) = source.and_then(|s| s.lines().nth(self.line.saturating_sub(1))) {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            let caret_pad: String = text
                .chars()
                .take(self.column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{number} | {text}");
            let _ = writeln!(out, "{pad} | {caret_pad}^");
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "   = help: {help}");
        }
        out
    }
}

/// The closest of `candidates` to `wrong`, if it is close enough to be a likely typo.
pub fn suggest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let limit = (wrong.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(wrong, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| format!("did you mean \"{c}\"?"))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let old = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(row[j + 1])
            };
            prev = old;
        }
    }
    row[b.len()]
}
