//! Workshops in the SQLite store beside the trainee's record: each room's snapshot, the people who
//! joined, and every private judgement as it arrived, so a restart resumes the room with nothing lost.

use std::path::Path;

use rusqlite::{OptionalExtension, params};

use super::StoreError;
use super::sqlite::SqliteRecord;
use crate::cli::timestamp;
use crate::workshop::room::{Participant, Snapshot, Submission};

/// A workshop's rows, as read back from the store.
pub struct Saved {
    pub id: i64,
    pub snapshot: Snapshot,
    pub participants: Vec<Participant>,
    /// (checkpoint, submission) pairs.
    pub submissions: Vec<(String, Submission)>,
}

/// A submission as its columns: checkpoint, participant, agency, percent (JSON), leading, reasons, at.
type SubmissionRow = (
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
);

/// The workshop tables of `progress.db`.
pub struct WorkshopStore {
    record: SqliteRecord,
}

fn fail(context: &str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |e| StoreError(format!("{context}: {e}"))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError(format!("cannot write the workshop: {e}")))
}

impl WorkshopStore {
    /// Opens the store in `data_dir`; the second value is a notice if a damaged file was set aside.
    pub fn open(data_dir: &Path) -> Result<(WorkshopStore, Option<String>), StoreError> {
        let (record, notice) = SqliteRecord::open(data_dir)?;
        Ok((WorkshopStore { record }, notice))
    }

    pub fn path(&self) -> &Path {
        &self.record.path
    }

    /// Keeps a new workshop; answers its number.
    pub fn create(&self, case_id: &str, snapshot: &Snapshot) -> Result<i64, StoreError> {
        let conn = self.record.connection();
        conn.execute(
            "INSERT INTO workshops (case_id, room, started, updated, snapshot) VALUES (?1, ?2, ?3, ?3, ?4)",
            params![case_id, snapshot.code, snapshot.started, to_json(snapshot)?],
        )
        .map_err(fail("cannot keep the workshop"))?;
        Ok(conn.last_insert_rowid())
    }

    /// Keeps the room's latest snapshot.
    pub fn save(&self, id: i64, snapshot: &Snapshot) -> Result<(), StoreError> {
        self.record
            .connection()
            .execute(
                "UPDATE workshops SET snapshot = ?2, updated = ?3 WHERE id = ?1",
                params![id, to_json(snapshot)?, timestamp()],
            )
            .map(drop)
            .map_err(fail("cannot keep the workshop"))
    }

    /// Marks a workshop as over: it is no longer resumed.
    pub fn end(&self, id: i64) -> Result<(), StoreError> {
        self.record
            .connection()
            .execute(
                "UPDATE workshops SET ended = ?2 WHERE id = ?1",
                params![id, timestamp()],
            )
            .map(drop)
            .map_err(fail("cannot end the workshop"))
    }

    pub fn add_participant(&self, id: i64, p: &Participant) -> Result<(), StoreError> {
        self.record
            .connection()
            .execute(
                "INSERT INTO workshop_participants (token, workshop, name, agency, joined) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![p.token, id, p.name, p.agency, p.joined],
            )
            .map(drop)
            .map_err(fail("cannot keep the participant"))
    }

    /// Keeps a private judgement; a later one from the same person at the same checkpoint replaces it.
    pub fn put_submission(
        &self,
        id: i64,
        checkpoint: &str,
        s: &Submission,
    ) -> Result<(), StoreError> {
        self.record
            .connection()
            .execute(
                "INSERT INTO workshop_submissions (workshop, checkpoint, participant, agency, percent, leading, reasons, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (workshop, checkpoint, participant) DO UPDATE SET
                   percent = excluded.percent, leading = excluded.leading, reasons = excluded.reasons, at = excluded.at",
                params![id, checkpoint, s.participant, s.agency, to_json(&s.percent)?, s.leading, s.reasons, s.at],
            )
            .map(drop)
            .map_err(fail("cannot keep the judgement"))
    }

    /// How many private judgements the store holds for a workshop.
    pub fn submission_count(&self, id: i64) -> Result<usize, StoreError> {
        self.record
            .connection()
            .query_row(
                "SELECT COUNT(*) FROM workshop_submissions WHERE workshop = ?1",
                [id],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as usize)
            .map_err(fail("cannot count the judgements"))
    }

    /// The newest workshop of this case that has not ended, if any.
    pub fn unfinished(&self, case_id: &str) -> Result<Option<Saved>, StoreError> {
        let conn = self.record.connection();
        let row: Option<(i64, String)> = conn
            .query_row(
                "SELECT id, snapshot FROM workshops WHERE case_id = ?1 AND ended IS NULL ORDER BY id DESC LIMIT 1",
                [case_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(fail("cannot read the workshops"))?;
        let Some((id, text)) = row else {
            return Ok(None);
        };
        let snapshot: Snapshot = serde_json::from_str(&text)
            .map_err(|e| StoreError(format!("workshop {id} cannot be read: {e}")))?;
        Ok(Some(Saved {
            id,
            snapshot,
            participants: self.participants(id)?,
            submissions: self.submissions(id)?,
        }))
    }

    fn participants(&self, id: i64) -> Result<Vec<Participant>, StoreError> {
        let conn = self.record.connection();
        let mut stmt = conn
            .prepare("SELECT token, name, agency, joined FROM workshop_participants WHERE workshop = ?1 ORDER BY rowid")
            .map_err(fail("cannot read the participants"))?;
        stmt.query_map([id], |r| {
            Ok(Participant {
                token: r.get(0)?,
                name: r.get(1)?,
                agency: r.get(2)?,
                joined: r.get(3)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(fail("cannot read the participants"))
    }

    fn submissions(&self, id: i64) -> Result<Vec<(String, Submission)>, StoreError> {
        let conn = self.record.connection();
        let mut stmt = conn
            .prepare("SELECT checkpoint, participant, agency, percent, leading, reasons, at FROM workshop_submissions WHERE workshop = ?1 ORDER BY rowid")
            .map_err(fail("cannot read the judgements"))?;
        let rows: Vec<SubmissionRow> = stmt
            .query_map([id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })
            .and_then(|rows| rows.collect())
            .map_err(fail("cannot read the judgements"))?;
        rows.into_iter()
            .map(
                |(checkpoint, participant, agency, percent, leading, reasons, at)| {
                    let percent = serde_json::from_str(&percent)
                        .map_err(|e| StoreError(format!("a judgement cannot be read: {e}")))?;
                    Ok((
                        checkpoint,
                        Submission {
                            participant,
                            agency,
                            percent,
                            leading,
                            reasons,
                            at,
                        },
                    ))
                },
            )
            .collect()
    }
}
