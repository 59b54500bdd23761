//! The record in an embedded SQLite database in the data folder. Every step is committed as it happens
//! (write-ahead log, one transaction a step), so killing the program loses at most the step in flight.
//! A file that cannot be read is moved aside under a name that says so, and a fresh record is started.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use super::{Finished, PlaythroughRow, Record, StoreError};
use crate::cli::timestamp;
use crate::engine::Log;

/// The schema, one script per version. Never edit a script that has shipped: add the next one.
const MIGRATIONS: &[&str] = &[
    // 1: playthroughs with their logs, and what each finished one showed.
    "CREATE TABLE playthroughs (
        id INTEGER PRIMARY KEY,
        case_id TEXT NOT NULL,
        title TEXT NOT NULL,
        case_version TEXT NOT NULL,
        seed INTEGER NOT NULL,
        variant TEXT,
        started TEXT NOT NULL,
        updated TEXT NOT NULL,
        finished TEXT,
        log TEXT NOT NULL,
        truth TEXT,
        decision TEXT,
        regret REAL,
        brier REAL,
        brier_prior REAL
    );
    CREATE TABLE judgements (
        playthrough INTEGER NOT NULL REFERENCES playthroughs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        checkpoint TEXT NOT NULL,
        hypothesis TEXT NOT NULL,
        stated REAL NOT NULL,
        warranted REAL NOT NULL,
        is_truth INTEGER NOT NULL,
        PRIMARY KEY (playthrough, step, hypothesis)
    );
    CREATE TABLE detector_results (
        playthrough INTEGER NOT NULL REFERENCES playthroughs(id) ON DELETE CASCADE,
        detector TEXT NOT NULL,
        verdict TEXT NOT NULL,
        measured REAL,
        PRIMARY KEY (playthrough, detector)
    );
    CREATE TABLE reflections (
        playthrough INTEGER NOT NULL REFERENCES playthroughs(id) ON DELETE CASCADE,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        PRIMARY KEY (playthrough, question)
    );
    CREATE TABLE hindsight (
        playthrough INTEGER PRIMARY KEY REFERENCES playthroughs(id) ON DELETE CASCADE,
        quality_before INTEGER,
        foreseeable INTEGER,
        quality_after INTEGER
    );",
    // 2: workshops, the people who joined them, and their private judgements.
    "CREATE TABLE workshops (
        id INTEGER PRIMARY KEY,
        case_id TEXT NOT NULL,
        room TEXT NOT NULL,
        started TEXT NOT NULL,
        updated TEXT NOT NULL,
        ended TEXT,
        snapshot TEXT NOT NULL
    );
    CREATE TABLE workshop_participants (
        token TEXT PRIMARY KEY,
        workshop INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        agency TEXT,
        joined TEXT NOT NULL
    );
    CREATE TABLE workshop_submissions (
        workshop INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        checkpoint TEXT NOT NULL,
        participant TEXT NOT NULL REFERENCES workshop_participants(token) ON DELETE CASCADE,
        agency TEXT,
        percent TEXT NOT NULL,
        leading TEXT NOT NULL,
        reasons TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (workshop, checkpoint, participant)
    );",
];

/// The record in `progress.db` under the data folder.
pub struct SqliteRecord {
    conn: Connection,
    pub path: PathBuf,
}

fn fail(context: &str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |e| StoreError(format!("{context}: {e}"))
}

impl SqliteRecord {
    /// Opens (or creates) the record in `data_dir`. If the file is damaged or from a newer version of
    /// the game, it is moved aside and a fresh record started; the second value then says where.
    pub fn open(data_dir: &Path) -> Result<(SqliteRecord, Option<String>), StoreError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| StoreError(format!("cannot create {}: {e}", data_dir.display())))?;
        let path = data_dir.join("progress.db");
        match Self::open_at(&path) {
            Ok(record) => Ok((record, None)),
            Err(why) => {
                let aside = data_dir.join(format!("progress.db.corrupt-{}", timestamp()));
                for suffix in ["", "-wal", "-shm"] {
                    let from = PathBuf::from(format!("{}{suffix}", path.display()));
                    if from.exists() {
                        let to = PathBuf::from(format!("{}{suffix}", aside.display()));
                        std::fs::rename(&from, &to).map_err(|e| {
                            StoreError(format!("cannot move {} aside: {e}", from.display()))
                        })?;
                    }
                }
                let record = Self::open_at(&path)?;
                let notice = format!(
                    "Your progress file could not be read ({why}). It has been kept as {} and a fresh record started.",
                    aside.display()
                );
                Ok((record, Some(notice)))
            }
        }
    }

    fn open_at(path: &Path) -> Result<SqliteRecord, StoreError> {
        let conn = Connection::open(path).map_err(fail("cannot open the record"))?;
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(fail("cannot check the record"))?;
        if check != "ok" {
            return Err(StoreError(format!("the file is damaged: {check}")));
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(fail("cannot set the journal"))?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(fail("cannot set synchronous"))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(fail("cannot enable foreign keys"))?;
        let mut record = SqliteRecord {
            conn,
            path: path.to_path_buf(),
        };
        record.migrate()?;
        Ok(record)
    }

    /// The open database, for the workshop tables that live beside the record.
    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The schema version of the file.
    pub fn version(&self) -> Result<usize, StoreError> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .map(|v| v as usize)
            .map_err(fail("cannot read the version"))
    }

    /// Brings an older record up to date, one version at a time, each in its own transaction.
    fn migrate(&mut self) -> Result<(), StoreError> {
        let current = self.version()?;
        if current > MIGRATIONS.len() {
            return Err(StoreError(format!(
                "it was written by a newer version of Second Look (schema {current})"
            )));
        }
        for (i, script) in MIGRATIONS.iter().enumerate().skip(current) {
            let tx = self
                .conn
                .transaction()
                .map_err(fail("cannot start a migration"))?;
            tx.execute_batch(script)
                .map_err(fail("cannot upgrade the record"))?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .map_err(fail("cannot record the version"))?;
            tx.commit().map_err(fail("cannot finish the upgrade"))?;
        }
        Ok(())
    }
}

impl Record for SqliteRecord {
    fn start(&mut self, log: &Log, title: &str) -> Result<i64, StoreError> {
        let now = timestamp();
        self.conn
            .execute(
                "INSERT INTO playthroughs (case_id, title, case_version, seed, variant, started, updated, log)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
                params![log.case, title, log.case_version, log.seed as i64, log.variant, now, log.to_ron()],
            )
            .map_err(fail("cannot record the new playthrough"))?;
        Ok(self.conn.last_insert_rowid())
    }

    fn save(&mut self, id: i64, log: &Log) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE playthroughs SET log = ?1, updated = ?2 WHERE id = ?3",
                params![log.to_ron(), timestamp(), id],
            )
            .map_err(fail("cannot save the step"))?;
        Ok(())
    }

    fn finish(&mut self, id: i64, log: &Log, f: &Finished) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction()
            .map_err(fail("cannot start saving"))?;
        let save = || -> rusqlite::Result<()> {
            tx.execute(
                "UPDATE playthroughs SET log = ?1, updated = ?2, finished = ?2, truth = ?3, decision = ?4, regret = ?5,
                 brier = ?6, brier_prior = ?7 WHERE id = ?8",
                params![log.to_ron(), timestamp(), f.truth, f.decision, f.regret, f.brier, f.brier_prior, id],
            )?;
            for table in ["judgements", "detector_results", "reflections", "hindsight"] {
                tx.execute(
                    &format!("DELETE FROM {table} WHERE playthrough = ?1"),
                    params![id],
                )?;
            }
            for (step, checkpoint, h, stated, warranted, truth) in &f.judgements {
                tx.execute(
                    "INSERT INTO judgements VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        id,
                        *step as i64,
                        checkpoint,
                        h,
                        stated,
                        warranted,
                        *truth as i64
                    ],
                )?;
            }
            for (detector, verdict, measured) in &f.detectors {
                tx.execute(
                    "INSERT INTO detector_results VALUES (?1, ?2, ?3, ?4)",
                    params![id, detector, verdict, measured],
                )?;
            }
            for (q, a) in &f.reflections {
                tx.execute(
                    "INSERT OR REPLACE INTO reflections VALUES (?1, ?2, ?3)",
                    params![id, q, a],
                )?;
            }
            let (foreseeable, after) = f
                .hindsight
                .map_or((None, None), |(x, y)| (Some(x), Some(y)));
            tx.execute(
                "INSERT INTO hindsight VALUES (?1, ?2, ?3, ?4)",
                params![id, f.quality_before, foreseeable, after],
            )?;
            Ok(())
        };
        save().map_err(fail("cannot save the finished playthrough"))?;
        tx.commit()
            .map_err(fail("cannot save the finished playthrough"))
    }

    fn playthroughs(&self) -> Result<Vec<PlaythroughRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, case_id, title, seed, started, finished, truth, decision, regret, brier, brier_prior, log, updated
                 FROM playthroughs ORDER BY id",
            )
            .map_err(fail("cannot read the history"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(PlaythroughRow {
                    id: r.get(0)?,
                    case: r.get(1)?,
                    title: r.get(2)?,
                    seed: r.get::<_, i64>(3)? as u64,
                    started: r.get(4)?,
                    finished: r.get(5)?,
                    truth: r.get(6)?,
                    decision: r.get(7)?,
                    regret: r.get(8)?,
                    brier: r.get(9)?,
                    brier_prior: r.get(10)?,
                    flagged: Vec::new(),
                    log: r.get(11)?,
                    updated: r.get(12)?,
                })
            })
            .map_err(fail("cannot read the history"))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(fail("cannot read the history"))?;
        let mut flagged = self
            .conn
            .prepare("SELECT detector FROM detector_results WHERE playthrough = ?1 AND verdict = 'flagged' ORDER BY detector")
            .map_err(fail("cannot read the detector results"))?;
        rows.into_iter()
            .map(|mut row| {
                row.flagged = flagged
                    .query_map(params![row.id], |r| r.get(0))
                    .and_then(|it| it.collect::<Result<Vec<String>, _>>())
                    .map_err(fail("cannot read the detector results"))?;
                Ok(row)
            })
            .collect()
    }

    fn judgement_rows(&self) -> Result<Vec<(i64, f64, bool)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT playthrough, stated, is_truth FROM judgements ORDER BY playthrough, step, hypothesis")
            .map_err(fail("cannot read the judgements"))?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? != 0)))
            .and_then(|rows| rows.collect())
            .map_err(fail("cannot read the judgements"))
    }

    fn detector_rows(&self) -> Result<Vec<(i64, String, String)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT playthrough, detector, verdict FROM detector_results ORDER BY playthrough, detector")
            .map_err(fail("cannot read the detector results"))?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|rows| rows.collect())
            .map_err(fail("cannot read the detector results"))
    }

    fn forget_everything(&mut self) -> Result<(), StoreError> {
        self.conn
            .execute_batch("DELETE FROM judgements; DELETE FROM detector_results; DELETE FROM reflections; DELETE FROM hindsight; DELETE FROM playthroughs; VACUUM;")
            .map_err(fail("cannot delete the record"))
    }
}

/// The one playthrough with this number, if any (for tests and the journal).
pub fn log_of(record: &SqliteRecord, id: i64) -> Result<Option<String>, StoreError> {
    record
        .conn
        .query_row(
            "SELECT log FROM playthroughs WHERE id = ?1",
            params![id],
            |r| r.get(0),
        )
        .optional()
        .map_err(fail("cannot read the playthrough"))
}
