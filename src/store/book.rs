//! The record kept as one JSON document: for the web build, where the browser's storage holds text
//! and SQLite is not available. The same `Record` interface as the desktop's SQLite record; where the
//! text is kept is given to it (the browser's local storage, or memory in tests).

use serde::{Deserialize, Serialize};

use super::{Finished, PlaythroughRow, Record, StoreError};
use crate::cli::timestamp;
use crate::engine::Log;

/// The version of the document's shape; a newer one is kept aside, never overwritten.
const BOOK_FORMAT: u32 = 1;

/// Everything the record holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Book {
    pub format: u32,
    pub next_id: i64,
    pub playthroughs: Vec<PlaythroughRow>,
    /// (playthrough, stated, whether that hypothesis was the truth) at every judgement.
    pub judgements: Vec<(i64, f64, bool)>,
    /// (playthrough, detector, verdict).
    pub detectors: Vec<(i64, String, String)>,
}

/// Where the record's text goes after every change: the browser's storage, or memory in tests.
pub type Keeper = Box<dyn FnMut(&str) -> Result<(), String> + Send>;

/// A record over a `Book`, written out through `keep` after every change.
pub struct BookRecord {
    book: Book,
    keep: Keeper,
}

impl BookRecord {
    /// A record from the text last kept (none: a fresh record). Text that cannot be read, or is from
    /// a newer version, starts a fresh record; the second value then says so (and the old text is
    /// left for the caller to keep aside).
    pub fn open(text: Option<&str>, keep: Keeper) -> (BookRecord, Option<String>) {
        let fresh = Book {
            format: BOOK_FORMAT,
            next_id: 1,
            ..Book::default()
        };
        let (book, notice) = match text.map(serde_json::from_str::<Book>) {
            None => (fresh, None),
            Some(Ok(book)) if book.format <= BOOK_FORMAT => (book, None),
            Some(Ok(book)) => (
                fresh,
                Some(format!(
                    "Your record was written by a newer version of Second Look (format {}); a fresh record has been started.",
                    book.format
                )),
            ),
            Some(Err(e)) => (
                fresh,
                Some(format!(
                    "Your record could not be read ({e}); a fresh record has been started."
                )),
            ),
        };
        (BookRecord { book, keep }, notice)
    }

    pub fn book(&self) -> &Book {
        &self.book
    }

    fn write(&mut self) -> Result<(), StoreError> {
        let text = serde_json::to_string(&self.book)
            .map_err(|e| StoreError(format!("cannot write the record: {e}")))?;
        (self.keep)(&text).map_err(StoreError)
    }

    fn row(&mut self, id: i64) -> Result<&mut PlaythroughRow, StoreError> {
        self.book
            .playthroughs
            .iter_mut()
            .find(|p| p.id == id)
            .ok_or_else(|| StoreError(format!("the record has no playthrough {id}")))
    }
}

impl Record for BookRecord {
    fn start(&mut self, log: &Log, title: &str) -> Result<i64, StoreError> {
        let id = self.book.next_id.max(1);
        self.book.next_id = id + 1;
        let now = timestamp();
        self.book.playthroughs.push(PlaythroughRow {
            id,
            case: log.case.clone(),
            title: title.to_string(),
            seed: log.seed,
            started: now.clone(),
            updated: now,
            finished: None,
            truth: None,
            decision: None,
            regret: None,
            brier: None,
            brier_prior: None,
            flagged: Vec::new(),
            log: log.to_ron(),
        });
        self.write()?;
        Ok(id)
    }

    fn save(&mut self, id: i64, log: &Log) -> Result<(), StoreError> {
        let row = self.row(id)?;
        row.log = log.to_ron();
        row.updated = timestamp();
        self.write()
    }

    fn finish(&mut self, id: i64, log: &Log, f: &Finished) -> Result<(), StoreError> {
        let now = timestamp();
        let row = self.row(id)?;
        row.log = log.to_ron();
        row.updated = now.clone();
        row.finished = Some(now);
        row.truth = Some(f.truth.clone());
        row.decision = f.decision.clone();
        row.regret = f.regret;
        row.brier = Some(f.brier);
        row.brier_prior = Some(f.brier_prior);
        row.flagged = f
            .detectors
            .iter()
            .filter(|(_, v, _)| v == "flagged")
            .map(|(d, _, _)| d.clone())
            .collect();
        self.book.judgements.retain(|j| j.0 != id);
        self.book.detectors.retain(|d| d.0 != id);
        self.book.judgements.extend(
            f.judgements
                .iter()
                .map(|(_, _, _, stated, _, truth)| (id, *stated, *truth)),
        );
        self.book.detectors.extend(
            f.detectors
                .iter()
                .map(|(d, v, _)| (id, d.clone(), v.clone())),
        );
        self.write()
    }

    fn playthroughs(&self) -> Result<Vec<PlaythroughRow>, StoreError> {
        Ok(self.book.playthroughs.clone())
    }

    fn judgement_rows(&self) -> Result<Vec<(i64, f64, bool)>, StoreError> {
        Ok(self.book.judgements.clone())
    }

    fn detector_rows(&self) -> Result<Vec<(i64, String, String)>, StoreError> {
        Ok(self.book.detectors.clone())
    }

    fn forget_everything(&mut self) -> Result<(), StoreError> {
        self.book = Book {
            format: BOOK_FORMAT,
            next_id: 1,
            ..Book::default()
        };
        self.write()
    }
}

/// The record in the browser's local storage, under one key. A record that cannot be read is kept
/// aside under another key, never lost.
#[cfg(target_arch = "wasm32")]
pub fn open_browser() -> (Option<BookRecord>, Option<String>) {
    const KEY: &str = "second-look-record";
    let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return (
            None,
            Some("This browser keeps no storage for this page (private browsing?): your record will not be kept after you close the tab.".into()),
        );
    };
    let text = storage.get_item(KEY).ok().flatten();
    let keep = Box::new(|text: &str| {
        web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .ok_or_else(|| "the browser's storage is not available".to_string())?
            .set_item(KEY, text)
            .map_err(|_| "the browser's storage is full or refused the record".to_string())
    });
    let (record, notice) = BookRecord::open(text.as_deref(), keep);
    if notice.is_some()
        && let Some(old) = &text
    {
        let _ = storage.set_item(&format!("{KEY}.unreadable-{}", timestamp()), old);
    }
    (Some(record), notice)
}
