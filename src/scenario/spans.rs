//! Where things are in a RON file: a tolerant walk that maps each value's path to its line and column,
//! so semantic diagnostics can point at the exact place an author wrote something.

use std::collections::HashMap;

/// A 1-based line and column (in characters), as editors count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, column: 1 };
}

/// One step of a path from the top of a file to a value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Field(String),
    Key(String),
    Index(usize),
}

/// Builds a path from segments: `path!["scenes", key "x", "actions", 0]`-like helpers live in `PathBuf`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Path(pub Vec<Seg>);

impl Path {
    pub fn root() -> Self {
        Path(Vec::new())
    }
    pub fn field(&self, name: &str) -> Self {
        self.with(Seg::Field(name.to_string()))
    }
    pub fn key(&self, key: &str) -> Self {
        self.with(Seg::Key(key.to_string()))
    }
    pub fn index(&self, i: usize) -> Self {
        self.with(Seg::Index(i))
    }
    fn with(&self, seg: Seg) -> Self {
        let mut segs = self.0.clone();
        segs.push(seg);
        Path(segs)
    }
}

/// Positions of every value, and of every field name and map key (all of them, duplicates included).
#[derive(Debug, Default)]
pub struct SpanIndex {
    values: HashMap<Path, Pos>,
    keys: HashMap<Path, Vec<Pos>>,
}

impl SpanIndex {
    /// Walks `text`; never fails. Whatever cannot be understood is skipped.
    pub fn build(text: &str) -> SpanIndex {
        let mut walker = Walker {
            chars: text.chars().collect(),
            at: 0,
            line: 1,
            column: 1,
            index: SpanIndex::default(),
        };
        walker.skip_ws();
        walker.skip_attributes();
        walker.value(&mut Vec::new(), 0);
        walker.index
    }

    /// The position of the value at `path`, or of the nearest enclosing value that was found.
    pub fn value(&self, path: &Path) -> Pos {
        let mut segs = path.0.clone();
        loop {
            if let Some(pos) = self.values.get(&Path(segs.clone())) {
                return *pos;
            }
            if segs.pop().is_none() {
                return Pos::START;
            }
        }
    }

    /// The position of the field name or map key that ends `path`; falls back to the value.
    pub fn key(&self, path: &Path) -> Pos {
        self.keys
            .get(path)
            .and_then(|all| all.first().copied())
            .unwrap_or_else(|| self.value(path))
    }

    /// Names the entry being written at `pos` (such as `scenes."office".actions[0]`): the path of the
    /// last value that starts at or before `pos`, less any trailing field names.
    pub fn describe_place(&self, pos: Pos) -> Option<String> {
        let (path, _) = self
            .values
            .iter()
            .filter(|(_, p)| **p <= pos)
            .max_by_key(|(path, p)| (**p, path.0.len()))?;
        let keep = path.0.iter().rposition(|s| !matches!(s, Seg::Field(_)))?;
        let mut out = String::new();
        for seg in &path.0[..=keep] {
            match seg {
                Seg::Field(name) if out.is_empty() => out.push_str(name),
                Seg::Field(name) => {
                    out.push('.');
                    out.push_str(name);
                }
                Seg::Key(k) => out.push_str(&format!(".\"{k}\"")),
                Seg::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        Some(out)
    }

    /// Every place a map key or field name at `path` was written (more than one when duplicated).
    pub fn key_occurrences(&self, path: &Path) -> Vec<Pos> {
        self.keys.get(path).cloned().unwrap_or_default()
    }
}

const MAX_DEPTH: usize = 256;

struct Walker {
    chars: Vec<char>,
    at: usize,
    line: usize,
    column: usize,
    index: SpanIndex,
}

impl Walker {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.at + offset).copied()
    }

    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.column,
        }
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn skip_ws(&mut self) {
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(c), _) if c.is_whitespace() => {
                    self.bump();
                }
                (Some('/'), Some('/')) => {
                    while let Some(c) = self.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                (Some('/'), Some('*')) => self.skip_block_comment(),
                _ => return,
            }
        }
    }

    fn skip_block_comment(&mut self) {
        self.bump();
        self.bump();
        let mut depth = 1;
        while depth > 0 {
            match (self.peek(), self.peek_at(1)) {
                (None, _) => return,
                (Some('*'), Some('/')) => {
                    self.bump();
                    self.bump();
                    depth -= 1;
                }
                (Some('/'), Some('*')) => {
                    self.bump();
                    self.bump();
                    depth += 1;
                }
                _ => {
                    self.bump();
                }
            }
        }
    }

    /// Skips `#![enable(...)]` lines at the top of a file.
    fn skip_attributes(&mut self) {
        while self.peek() == Some('#') {
            while let Some(c) = self.bump() {
                if c == ']' {
                    break;
                }
            }
            self.skip_ws();
        }
    }

    fn value(&mut self, path: &mut Vec<Seg>, depth: usize) {
        if depth > MAX_DEPTH {
            self.at = self.chars.len();
            return;
        }
        self.skip_ws();
        let start = self.pos();
        self.index.values.entry(Path(path.clone())).or_insert(start);
        match self.peek() {
            Some('"') => {
                self.string();
            }
            Some('r') if matches!(self.peek_at(1), Some('"') | Some('#')) => {
                self.raw_string();
            }
            Some('\'') => self.char_literal(),
            Some('(') => self.parens(path, depth),
            Some('[') => self.list(path, depth),
            Some('{') => self.map(path, depth),
            Some(c) if is_ident_start(c) => {
                self.identifier();
                self.skip_ws();
                if self.peek() == Some('(') {
                    self.parens(path, depth);
                }
            }
            Some(_) => self.scalar(),
            None => {}
        }
    }

    fn identifier(&mut self) -> String {
        let mut s = String::new();
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || c == '_' {
                s.push(c);
                self.bump();
            } else {
                break;
            }
        }
        s
    }

    /// Numbers and anything else up to a delimiter.
    fn scalar(&mut self) {
        let mut moved = false;
        while let Some(c) = self.peek() {
            if c.is_whitespace() || matches!(c, ',' | ')' | ']' | '}' | ':') {
                break;
            }
            self.bump();
            moved = true;
        }
        if !moved {
            self.bump();
        }
    }

    fn string(&mut self) -> String {
        let mut s = String::new();
        self.bump();
        while let Some(c) = self.bump() {
            match c {
                '"' => break,
                '\\' => {
                    if let Some(e) = self.bump() {
                        s.push(match e {
                            'n' => '\n',
                            't' => '\t',
                            other => other,
                        });
                    }
                }
                other => s.push(other),
            }
        }
        s
    }

    fn raw_string(&mut self) -> String {
        self.bump();
        let mut hashes = 0;
        while self.peek() == Some('#') {
            self.bump();
            hashes += 1;
        }
        self.bump();
        let mut s = String::new();
        while let Some(c) = self.bump() {
            if c == '"' && (0..hashes).all(|i| self.peek_at(i) == Some('#')) {
                for _ in 0..hashes {
                    self.bump();
                }
                break;
            }
            s.push(c);
        }
        s
    }

    fn char_literal(&mut self) {
        self.bump();
        while let Some(c) = self.bump() {
            match c {
                '\\' => {
                    self.bump();
                }
                '\'' => break,
                _ => {}
            }
        }
    }

    /// `( ... )`: named fields when it starts with `name:`, otherwise tuple items.
    fn parens(&mut self, path: &mut Vec<Seg>, depth: usize) {
        self.bump();
        let mut item = 0;
        loop {
            self.skip_ws();
            match self.peek() {
                None => return,
                Some(')') => {
                    self.bump();
                    return;
                }
                Some(',') => {
                    self.bump();
                    continue;
                }
                _ => {}
            }
            let before = self.at;
            if let Some((name, pos)) = self.field_name() {
                path.push(Seg::Field(name));
                self.index
                    .keys
                    .entry(Path(path.clone()))
                    .or_default()
                    .push(pos);
                self.value(path, depth + 1);
                path.pop();
            } else {
                path.push(Seg::Index(item));
                self.value(path, depth + 1);
                path.pop();
                item += 1;
            }
            self.skip_ws();
            if self.at == before {
                self.bump();
            }
        }
    }

    /// Reads `name:` if that is what comes next (recording where the name was), else moves nothing.
    fn field_name(&mut self) -> Option<(String, Pos)> {
        let c = self.peek()?;
        if !is_ident_start(c) {
            return None;
        }
        let mut end = self.at;
        while self
            .chars
            .get(end)
            .is_some_and(|c| c.is_alphanumeric() || *c == '_')
        {
            end += 1;
        }
        let mut after = end;
        while self.chars.get(after).is_some_and(|c| c.is_whitespace()) {
            after += 1;
        }
        if self.chars.get(after) != Some(&':') || self.chars.get(after + 1) == Some(&':') {
            return None;
        }
        let pos = self.pos();
        let name = self.identifier();
        self.skip_ws();
        self.bump();
        Some((name, pos))
    }

    fn list(&mut self, path: &mut Vec<Seg>, depth: usize) {
        self.bump();
        let mut item = 0;
        loop {
            self.skip_ws();
            match self.peek() {
                None => return,
                Some(']') => {
                    self.bump();
                    return;
                }
                Some(',') => {
                    self.bump();
                    continue;
                }
                _ => {}
            }
            let before = self.at;
            path.push(Seg::Index(item));
            self.value(path, depth + 1);
            path.pop();
            item += 1;
            if self.at == before {
                self.bump();
            }
        }
    }

    fn map(&mut self, path: &mut Vec<Seg>, depth: usize) {
        self.bump();
        loop {
            self.skip_ws();
            match self.peek() {
                None => return,
                Some('}') => {
                    self.bump();
                    return;
                }
                Some(',') => {
                    self.bump();
                    continue;
                }
                _ => {}
            }
            let before = self.at;
            let key_pos = self.pos();
            let key = match self.peek() {
                Some('"') => self.string(),
                Some('r') if matches!(self.peek_at(1), Some('"') | Some('#')) => self.raw_string(),
                _ => {
                    let from = self.at;
                    self.scalar();
                    self.chars[from..self.at].iter().collect()
                }
            };
            path.push(Seg::Key(key));
            self.index
                .keys
                .entry(Path(path.clone()))
                .or_default()
                .push(key_pos);
            self.skip_ws();
            if self.peek() == Some(':') {
                self.bump();
                self.value(path, depth + 1);
            }
            path.pop();
            if self.at == before {
                self.bump();
            }
        }
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}
