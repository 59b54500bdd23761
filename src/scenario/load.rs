//! Finding cases on disk, reading their files, parsing RON and merging a folder's files into one case.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::fs;
use std::path::{Path as FsPath, PathBuf};

use super::diagnostic::{Code, Diagnostic};
use super::model::{Case, CaseFile, FORMAT_VERSION};
use super::ordered::OrderedMap;
use super::spans::{Path, Pos, SpanIndex};

/// One file of a case, with its text and (built on first use) the positions of its values.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    spans: OnceCell<SpanIndex>,
}

impl SourceFile {
    pub fn new(path: PathBuf, text: String) -> Self {
        SourceFile {
            path,
            text,
            spans: OnceCell::new(),
        }
    }

    pub fn spans(&self) -> &SpanIndex {
        self.spans.get_or_init(|| SpanIndex::build(&self.text))
    }
}

/// Which file each entry of each section came from, in the order the entries were merged.
#[derive(Debug, Default, Clone)]
pub struct Origins {
    pub fields: HashMap<&'static str, usize>,
    pub agencies: Vec<usize>,
    pub hypotheses: Vec<usize>,
    pub findings: Vec<usize>,
    pub scenes: Vec<usize>,
    pub decisions: Vec<usize>,
    pub variants: Vec<usize>,
    pub themes: Vec<usize>,
    pub teaching: Vec<usize>,
}

/// A case as read from disk: its files, the merged case (when every file parsed) and what went wrong.
#[derive(Debug)]
pub struct LoadedCase {
    /// The case's file, or its folder when it spans several files.
    pub root: PathBuf,
    pub files: Vec<SourceFile>,
    pub case: Option<Case>,
    pub origins: Origins,
    pub diagnostics: Vec<Diagnostic>,
}

impl LoadedCase {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The position of `path` in file `file`.
    pub fn locate(&self, file: usize, path: &Path) -> (&FsPath, Pos) {
        match self.files.get(file) {
            Some(f) => (&f.path, f.spans().value(path)),
            None => (&self.root, Pos::START),
        }
    }

    /// The position of the key or field name that ends `path` in file `file`.
    pub fn locate_key(&self, file: usize, path: &Path) -> (&FsPath, Pos) {
        match self.files.get(file) {
            Some(f) => (&f.path, f.spans().key(path)),
            None => (&self.root, Pos::START),
        }
    }

    /// A file's name within its case: `scenes.ron` for a folder's file, the file name for a single file.
    pub fn short_name(&self, file: usize) -> String {
        let Some(f) = self.files.get(file) else {
            return self.root.display().to_string();
        };
        let relative = f
            .path
            .strip_prefix(&self.root)
            .ok()
            .filter(|p| !p.as_os_str().is_empty());
        relative
            .or_else(|| f.path.file_name().map(FsPath::new))
            .unwrap_or(&f.path)
            .display()
            .to_string()
    }

    pub fn source_of(&self, file: &FsPath) -> Option<&str> {
        self.files
            .iter()
            .find(|f| f.path == file)
            .map(|f| f.text.as_str())
    }

    /// The folder that pictures and other files of the case are named relative to.
    pub fn folder(&self) -> &FsPath {
        if self.root.is_dir() {
            &self.root
        } else {
            self.root.parent().unwrap_or(FsPath::new("."))
        }
    }

    /// Where the top-level `field` was written (or the case's first file when it was not).
    pub fn field_file(&self, field: &str) -> usize {
        self.origins.fields.get(field).copied().unwrap_or(0)
    }
}

/// Why a path given on the command line could not be used at all.
#[derive(Debug)]
pub struct UsageError(pub String);

/// The cases under `path`: a `.ron` file is one case; a folder holding `case.ron` is one case spread
/// over its files; any other folder is a collection, each `.ron` file and subfolder a case.
pub fn discover(path: &FsPath) -> Result<Vec<PathBuf>, UsageError> {
    let meta = fs::metadata(path)
        .map_err(|e| UsageError(format!("cannot open {}: {}", path.display(), e)))?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    if path.join("case.ron").is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut found = Vec::new();
    for entry in sorted_entries(path) {
        if entry.is_dir() {
            found.extend(discover(&entry)?);
        } else if is_ron(&entry) && !is_playthrough(&entry) {
            found.push(entry);
        }
    }
    Ok(found)
}

/// Whether a `.ron` file is a saved playthrough (a log), not a case: folders of cases often hold a
/// few, and they are not cases to check.
fn is_playthrough(path: &FsPath) -> bool {
    let Ok(text) = fs::read_to_string(path) else {
        return false;
    };
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("//") && !l.starts_with("#!["))
        .is_some_and(|l| l.starts_with("Playthrough("))
}

fn sorted_entries(dir: &FsPath) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    entries
}

fn is_ron(path: &FsPath) -> bool {
    path.extension().is_some_and(|e| e == "ron")
}

/// Every `.ron` file of a case folder, its subfolders included: `case.ron` first, then in name order
/// (so a field given twice is reported in the file that is not `case.ron`).
fn case_files(root: &FsPath) -> Vec<PathBuf> {
    if root.is_file() {
        return vec![root.to_path_buf()];
    }
    let mut files = ron_files_under(root);
    if let Some(i) = files.iter().position(|f| f == &root.join("case.ron")) {
        let header = files.remove(i);
        files.insert(0, header);
    }
    files
}

fn ron_files_under(dir: &FsPath) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in sorted_entries(dir) {
        if entry.is_dir() {
            files.extend(ron_files_under(&entry));
        } else if is_ron(&entry) {
            files.push(entry);
        }
    }
    files
}

/// Reads and merges the case at `root` (a file or a case folder). Never panics; problems become
/// diagnostics.
pub fn load_case(root: &FsPath) -> LoadedCase {
    let sources = case_files(root)
        .into_iter()
        .map(|path| {
            let text = match fs::read(&path).map(String::from_utf8) {
                Ok(Ok(text)) => Ok(text),
                Ok(Err(e)) => Err(not_utf8(&path, &e)),
                Err(e) => Err(Diagnostic::new(
                    Code::Unreadable,
                    &path,
                    Pos::START,
                    format!("cannot read this file: {e}"),
                )),
            };
            (path, text)
        })
        .collect();
    load_sources(root, sources)
}

/// Merges a case from its files' texts, already read (from disk, or built into the web build): each
/// file's path, and its text or why it could not be read. `case.ron` comes first.
pub fn load_sources(
    root: &FsPath,
    sources: Vec<(PathBuf, Result<String, Diagnostic>)>,
) -> LoadedCase {
    let mut loaded = LoadedCase {
        root: root.to_path_buf(),
        files: Vec::new(),
        case: None,
        origins: Origins::default(),
        diagnostics: Vec::new(),
    };
    let mut parts = Vec::new();
    for (path, text) in sources {
        match text {
            Ok(text) => {
                let parsed = parse_file(&path, &text);
                loaded.files.push(SourceFile::new(path, text));
                match parsed {
                    Ok(part) => parts.push((loaded.files.len() - 1, part)),
                    Err(d) => loaded.diagnostics.push(d),
                }
            }
            Err(d) => loaded.diagnostics.push(d),
        }
    }
    if loaded.files.is_empty() && loaded.diagnostics.is_empty() {
        loaded.diagnostics.push(Diagnostic::new(
            Code::MissingField,
            root,
            Pos::START,
            "this case folder holds no .ron files",
        ));
    }
    if !loaded.has_errors() {
        let case = merge(&mut loaded, parts);
        loaded.case = Some(case);
    }
    loaded
}

/// Points at the first byte that is not UTF-8, and says how to fix it.
fn not_utf8(path: &FsPath, e: &std::string::FromUtf8Error) -> Diagnostic {
    let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
    let text = String::from_utf8_lossy(good);
    let line = text.matches('\n').count() + 1;
    let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Diagnostic::new(
        Code::Unreadable,
        path,
        Pos { line, column },
        "this file is not UTF-8 text",
    )
    .with_help("save the file as UTF-8 (most editors offer it under \"Save with encoding\")")
}

/// Loads a case from text in memory (tests, benchmarks, the web build).
pub fn load_text(name: &str, text: &str) -> LoadedCase {
    let path = PathBuf::from(name);
    let mut loaded = LoadedCase {
        root: path.clone(),
        files: vec![SourceFile::new(path.clone(), text.to_string())],
        case: None,
        origins: Origins::default(),
        diagnostics: Vec::new(),
    };
    match parse_file(&path, text) {
        Ok(part) => {
            let case = merge(&mut loaded, vec![(0, part)]);
            loaded.case = Some(case);
        }
        Err(d) => loaded.diagnostics.push(d),
    }
    loaded
}

/// RON as authors write it: optional fields given plainly (`group: "bruising"`, not `Some(...)`),
/// and `Scene(text: ...)` rather than `Scene((text: ...))`.
pub fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(
        ron::extensions::Extensions::IMPLICIT_SOME
            | ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES,
    )
}

/// Parses one file, turning RON's error into a coded diagnostic at the place it names.
fn parse_file(path: &FsPath, text: &str) -> Result<CaseFile, Diagnostic> {
    ron_options().from_str::<CaseFile>(text).map_err(|e| {
        let mut pos = Pos {
            line: e.span.start.line.max(1),
            column: e.span.start.col.max(1),
        };
        if matches!(e.code, ron::Error::ExpectedComma) {
            pos = end_of_previous_line(text, pos);
        }
        let (code, mut message) = describe_ron_error(&e.code);
        if code == Code::Shape
            && let Some(place) = SpanIndex::build(text).describe_place(pos)
        {
            message = format!("{message} (in {place})");
        }
        let d = Diagnostic::new(code, path, pos, message);
        match ron_help(&e.code) {
            Some(help) => d.with_help(help),
            None => d,
        }
    })
}

/// RON notices a missing comma at the start of the next item; the comma belongs at the end of the
/// line before, so point there when the error sits at the start of a line.
fn end_of_previous_line(text: &str, pos: Pos) -> Pos {
    let lines: Vec<&str> = text.lines().collect();
    let Some(line) = lines.get(pos.line.saturating_sub(1)) else {
        return pos;
    };
    let indent = line.chars().take_while(|c| c.is_whitespace()).count();
    if pos.column > indent + 1 {
        return pos;
    }
    (0..pos.line.saturating_sub(1))
        .rev()
        .find(|&i| !lines[i].trim().is_empty() && !lines[i].trim_start().starts_with("//"))
        .map_or(pos, |i| Pos {
            line: i + 1,
            column: lines[i].trim_end().chars().count() + 1,
        })
}

/// Errors in how the text is written (brackets, commas, quotes), as opposed to what it says.
fn is_syntax(error: &ron::Error) -> bool {
    use ron::Error as E;
    matches!(
        error,
        E::Eof
            | E::Io(_)
            | E::Fmt
            | E::ExpectedComma
            | E::ExpectedArrayEnd
            | E::ExpectedAttribute
            | E::ExpectedAttributeEnd
            | E::ExpectedMapColon
            | E::ExpectedMapEnd
            | E::ExpectedOptionEnd
            | E::ExpectedStructLikeEnd
            | E::ExpectedStringEnd
            | E::InvalidEscape(_)
            | E::UnclosedBlockComment
            | E::UnclosedLineComment
            | E::UnexpectedChar(_)
            | E::Utf8Error(_)
            | E::TrailingCharacters
            | E::FloatUnderscore
            | E::UnderscoreAtBeginning
            | E::InvalidIntegerDigit { .. }
            | E::NoSuchExtension(_)
            | E::ExceededRecursionLimit
            | E::SuggestRawIdentifier(_)
            | E::ExpectedRawValue
    )
}

fn describe_ron_error(error: &ron::Error) -> (Code, String) {
    use ron::Error as E;
    let message = match error {
        E::Message(m) if m.contains("untagged enum Likelihood") => {
            "expected a probability between 0 and 1, or one of Never, VeryRarely, Rarely, Sometimes, Often, \
             VeryOften or Always"
                .to_string()
        }
        E::Eof => "the file ends too early: a bracket or a quote is not closed".into(),
        E::ExpectedComma => "a comma is missing here".into(),
        E::ExpectedStringEnd => "this text is not closed: it needs a closing \"".into(),
        E::TrailingCharacters => "there is more text after the end of the case".into(),
        E::MissingStructField { field, outer } => match outer {
            Some(outer) => format!("`{field}` is missing from this {outer}"),
            None => format!("`{field}` is missing"),
        },
        other => lower_first(&other.to_string()),
    };
    (
        if is_syntax(error) {
            Code::Syntax
        } else {
            Code::Shape
        },
        message,
    )
}

fn ron_help(error: &ron::Error) -> Option<&'static str> {
    use ron::Error as E;
    match error {
        E::Eof | E::ExpectedArrayEnd | E::ExpectedMapEnd | E::ExpectedStructLikeEnd => {
            Some("every ( [ { needs its closing ) ] }, and every \" its partner")
        }
        E::ExpectedComma => Some("items in a list, a map or a ( ... ) are separated by commas"),
        E::ExpectedFloat | E::ExpectedInteger => {
            Some("numbers are written without quotes, e.g. `hours: 1.5`")
        }
        E::ExpectedString => {
            Some("text is written in double quotes, e.g. `label: \"Visit the family\"`")
        }
        E::NoSuchStructField { .. } => Some("check the spelling against docs/authoring.md"),
        _ => None,
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Merges the parsed files into one case, recording where each entry came from. Scalar fields given
/// in two files, and required fields given in none, become diagnostics.
fn merge(loaded: &mut LoadedCase, parts: Vec<(usize, CaseFile)>) -> Case {
    let mut case = Case::default();
    let mut fields: HashMap<&'static str, usize> = HashMap::new();
    let mut twice = Vec::new();
    let mut format_seen = false;
    for (file, part) in parts {
        if let Some(format) = part.format {
            format_seen = true;
            if format != FORMAT_VERSION {
                let (p, pos) = loaded.locate(file, &Path::root().field("format"));
                loaded.diagnostics.push(Diagnostic::new(
                    Code::FormatVersion,
                    p,
                    pos,
                    format!(
                        "this build reads case format {FORMAT_VERSION}; this file says {format}"
                    ),
                ));
            }
            fields.entry("format").or_insert(file);
            case.format = FORMAT_VERSION;
        }
        let mut scalar = |name: &'static str, present: bool| {
            if present {
                if let Some(&first) = fields.get(name) {
                    twice.push((name, first, file));
                } else {
                    fields.insert(name, file);
                }
            }
            present
        };
        macro_rules! take {
            ($field:ident) => {
                if scalar(stringify!($field), part.$field.is_some()) {
                    case.$field = part.$field.unwrap_or_default();
                }
            };
        }
        take!(id);
        take!(title);
        take!(summary);
        take!(minutes);
        take!(you_are);
        take!(briefing);
        take!(hours_available);
        take!(start);
        take!(out_of_time);
        take!(re_referral);
        extend(
            &mut case.agencies,
            &mut loaded.origins.agencies,
            part.agencies,
            file,
        );
        extend(
            &mut case.hypotheses,
            &mut loaded.origins.hypotheses,
            part.hypotheses,
            file,
        );
        extend(
            &mut case.findings,
            &mut loaded.origins.findings,
            part.findings,
            file,
        );
        extend(
            &mut case.scenes,
            &mut loaded.origins.scenes,
            part.scenes,
            file,
        );
        extend(
            &mut case.decisions,
            &mut loaded.origins.decisions,
            part.decisions,
            file,
        );
        extend(
            &mut case.variants,
            &mut loaded.origins.variants,
            part.variants,
            file,
        );
        loaded
            .origins
            .themes
            .extend(part.themes.iter().map(|_| file));
        case.themes.extend(part.themes);
        loaded
            .origins
            .teaching
            .extend(part.teaching.iter().map(|_| file));
        case.teaching.extend(part.teaching);
    }
    for (name, first, second) in twice {
        let (p, pos) = loaded.locate_key(second, &Path::root().field(name));
        let first_path = loaded.short_name(first);
        let d = Diagnostic::new(
            Code::FieldTwice,
            p,
            pos,
            format!("`{name}` is also given in {first_path}"),
        )
        .with_help("give each top-level field in one file of the case only");
        loaded.diagnostics.push(d);
    }
    loaded.origins.fields = fields;
    report_missing_fields(loaded, format_seen);
    case
}

fn extend<T>(into: &mut OrderedMap<T>, origins: &mut Vec<usize>, from: OrderedMap<T>, file: usize) {
    for (k, v) in from.into_entries() {
        into.insert(k, v);
        origins.push(file);
    }
}

const REQUIRED: [&str; 10] = [
    "format",
    "id",
    "title",
    "summary",
    "minutes",
    "you_are",
    "briefing",
    "hours_available",
    "start",
    "out_of_time",
];

fn report_missing_fields(loaded: &mut LoadedCase, format_seen: bool) {
    let main_file = main_file(loaded);
    for name in REQUIRED {
        let given = if name == "format" {
            format_seen
        } else {
            loaded.origins.fields.contains_key(name)
        };
        if !given {
            let (p, pos) = loaded.locate(main_file, &Path::root());
            let d = Diagnostic::new(
                Code::MissingField,
                p,
                pos,
                format!("the case has no `{name}`"),
            )
            .with_help(format!(
                "add `{name}: ...` to the case (see docs/authoring.md)"
            ));
            loaded.diagnostics.push(d);
        }
    }
}

/// The file that holds the case's header: `case.ron` in a folder, else the first file.
fn main_file(loaded: &LoadedCase) -> usize {
    loaded
        .files
        .iter()
        .position(|f| f.path.file_name().is_some_and(|n| n == "case.ron"))
        .unwrap_or(0)
}
