//! A running workshop: the room, kept in the store as it changes. Joins and submissions reach the store
//! before they are answered; every trainer step saves the room's snapshot. The server's handlers and
//! the game window share one `Live` and go through it for every change.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;

use super::qr;
use super::room::{GroupJudgement, JudgementBody, Participant, Refusal, Room, Shared};
use crate::engine::Compiled;
use crate::store::workshop::WorkshopStore;

/// How a phone finds the room.
#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    /// The address participants open, with the room code in it.
    pub url: String,
    /// The server's address without the code.
    pub base: String,
}

/// How a workshop began: fresh, or resumed from the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Began {
    Fresh,
    Resumed { started: String, people: usize },
}

/// The room and the store it is kept in.
pub struct Live {
    room: Mutex<Room>,
    store: Mutex<WorkshopStore>,
    pub id: i64,
    pub began: Began,
    /// The data folder: the store, and reports of finished workshops under `workshops/`.
    pub data_dir: std::path::PathBuf,
    join: Mutex<Option<Join>>,
    /// Called after every change, so a window that sleeps between events wakes to show it.
    waker: Mutex<Option<Box<dyn Fn() + Send>>>,
}

fn store_failed(e: crate::store::StoreError) -> Refusal {
    Refusal {
        status: 500,
        message: format!("could not be kept: {}", e.0),
    }
}

impl Live {
    /// Resumes this case's unfinished workshop in `data_dir`, or starts a new one (always, with
    /// `fresh`). `agencies` applies only to a new one.
    pub fn open(
        case: Arc<Compiled>,
        seed: u64,
        agencies: &[String],
        data_dir: &Path,
        fresh: bool,
    ) -> Result<Arc<Live>, String> {
        let (store, _) = WorkshopStore::open(data_dir).map_err(|e| e.0)?;
        let saved = if fresh {
            None
        } else {
            store.unfinished(&case.case.id).map_err(|e| e.0)?
        };
        if let Some(saved) = saved {
            let people = saved.participants.len();
            let started = saved.snapshot.started.clone();
            let room = Room::restore(case, saved.snapshot, saved.participants, saved.submissions)
                .map_err(|e| {
                format!("the unfinished workshop cannot be resumed ({e}); start afresh with --new")
            })?;
            return Ok(Arc::new(Live {
                room: Mutex::new(room),
                store: Mutex::new(store),
                id: saved.id,
                began: Began::Resumed { started, people },
                data_dir: data_dir.to_path_buf(),
                join: Mutex::new(None),
                waker: Mutex::new(None),
            }));
        }
        let room = Room::new(case.clone(), seed, None, agencies)?;
        let id = store
            .create(&case.case.id, &room.snapshot())
            .map_err(|e| e.0)?;
        Ok(Arc::new(Live {
            room: Mutex::new(room),
            store: Mutex::new(store),
            id,
            began: Began::Fresh,
            data_dir: data_dir.to_path_buf(),
            join: Mutex::new(None),
            waker: Mutex::new(None),
        }))
    }

    /// The room, for reading. Hold it briefly: every request waits on it.
    pub fn room(&self) -> MutexGuard<'_, Room> {
        self.room.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn store(&self) -> MutexGuard<'_, WorkshopStore> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_join(&self, join: Join) {
        *self.join.lock().unwrap_or_else(|e| e.into_inner()) = Some(join);
    }

    pub fn join_info(&self) -> Option<Join> {
        self.join.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn join_json(&self) -> Value {
        match self.join_info() {
            Some(j) => serde_json::json!({
                "url": j.url,
                "base": j.base,
                "room": self.room().code,
                "qr_svg": qr::svg(&j.url),
            }),
            None => Value::Null,
        }
    }

    /// Asks to be told of every change (the game window wakes itself with it).
    pub fn on_change(&self, f: impl Fn() + Send + 'static) {
        *self.waker.lock().unwrap_or_else(|e| e.into_inner()) = Some(Box::new(f));
    }

    fn wake(&self) {
        if let Some(f) = self
            .waker
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            f();
        }
    }

    /// Runs a trainer's change on the room and keeps the new snapshot.
    pub fn change<T>(&self, f: impl FnOnce(&mut Room) -> Result<T, Refusal>) -> Result<T, Refusal> {
        let out = {
            let mut room = self.room();
            let out = f(&mut room)?;
            self.store()
                .save(self.id, &room.snapshot())
                .map_err(store_failed)?;
            out
        };
        self.wake();
        Ok(out)
    }

    /// Joins, or — when the same joining form sends again (`client`) — gives back the place it was
    /// given, so a phone that retries on a flaky network is not counted twice.
    pub fn join_once(
        &self,
        client: Option<&str>,
        name: Option<&str>,
        agency: Option<&str>,
    ) -> Result<Participant, Refusal> {
        let client = client.map(str::trim).filter(|c| !c.is_empty());
        if let Some(c) = client {
            if c.chars().count() > 64 {
                return Err(Refusal::invalid(
                    "the client id is longer than 64 characters",
                ));
            }
            if let Some(p) = self.room().joined_as(c) {
                return Ok(p);
            }
        }
        let p = self.join(name, agency)?;
        if let Some(c) = client {
            self.room().remember_client(c, &p.token);
        }
        Ok(p)
    }

    pub fn join(&self, name: Option<&str>, agency: Option<&str>) -> Result<Participant, Refusal> {
        let p = {
            let mut room = self.room();
            let p = room.join(name, agency)?;
            self.store()
                .add_participant(self.id, &p)
                .map_err(store_failed)?;
            room.admit(p.clone());
            p
        };
        self.wake();
        Ok(p)
    }

    /// Checks, keeps, then counts a private judgement. Says whether it replaced an earlier one.
    pub fn submit(&self, token: &str, body: &JudgementBody) -> Result<bool, Refusal> {
        let replaced = {
            let mut room = self.room();
            let s = room.check_submission(token, body)?;
            let checkpoint = room.open_checkpoint().unwrap_or_default().to_string();
            self.store()
                .put_submission(self.id, &checkpoint, &s)
                .map_err(store_failed)?;
            room.accept(s)
        };
        self.wake();
        Ok(replaced)
    }

    pub fn share(&self, token: &str, finding: &str) -> Result<Shared, Refusal> {
        self.change(|room| room.share(token, finding))
    }

    pub fn record_group(&self, body: &JudgementBody) -> Result<GroupJudgement, Refusal> {
        self.change(|room| room.record_group(body))
    }

    pub fn participant_view(&self, token: &str) -> Result<Value, Refusal> {
        self.room().participant_view(token)
    }

    pub fn facilitator_view(&self) -> Value {
        let join = self.join_json();
        self.room().facilitator_view(join)
    }

    /// Writes the report and the role briefs (as they stand), then ends the workshop in the store so
    /// it is not resumed; answers the files' paths.
    pub fn finish(&self) -> Result<(std::path::PathBuf, std::path::PathBuf), String> {
        let paths = self.write_files()?;
        self.store().end(self.id).map_err(|e| e.0)?;
        Ok(paths)
    }

    /// Writes the report and the role briefs as they stand under the data folder's `workshops/`;
    /// answers their paths.
    pub fn write_files(&self) -> Result<(std::path::PathBuf, std::path::PathBuf), String> {
        let dir = Self::reports_dir(&self.data_dir);
        let dir = dir.as_path();
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let (report, briefs, stem) = {
            let room = self.room();
            let stem = format!(
                "{}-{}",
                room.case.case.id,
                room.started.replace([':', ' '], "-")
            );
            let join = self.join_info();
            (
                super::report::workshop(&room, join.as_ref()),
                super::report::briefs(&room),
                stem,
            )
        };
        let report_path = dir.join(format!("{stem}-report.html"));
        let briefs_path = dir.join(format!("{stem}-role-briefs.html"));
        for (path, text) in [(&report_path, &report), (&briefs_path, &briefs)] {
            std::fs::write(path, text)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        Ok((report_path, briefs_path))
    }

    /// Where finished workshops' reports go, under the data folder.
    pub fn reports_dir(data_dir: &Path) -> std::path::PathBuf {
        data_dir.join("workshops")
    }

    /// How many private judgements the store holds for this workshop.
    pub fn stored_submissions(&self) -> Result<usize, String> {
        self.store().submission_count(self.id).map_err(|e| e.0)
    }
}
