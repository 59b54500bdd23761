//! The case being played: the playthrough, the trainee's drafts on the current screen, and saving.
//! The log is written after every step, so quitting or a crash loses nothing; an unfinished case is
//! offered again on the title screen.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bevy::prelude::*;
use serde::{Deserialize, Serialize};

use super::GameConfig;
use super::screens::Screen;
use crate::cli::timestamp;
use crate::engine::{Compiled, Event, Log, Playthrough, Stage, StepError};
use crate::judgement::spread;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Startup,
        (
            find_unfinished,
            start_from_args.after(super::library::scan_library),
        ),
    );
}

/// The trainee's unsaved answers on the current screen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Drafts {
    pub spread: Vec<u32>,
    pub leading: Option<usize>,
    pub confidence: u32,
    pub reasons: String,
    pub change_mind: String,
    pub feeling: String,
    pub decision: Option<usize>,
    pub rationale: String,
    /// Before the outcome: how good the trainee judges their decision, 0 to 100.
    pub quality: u32,
    /// After the outcome: how foreseeable it was, and how good the decision now seems.
    pub foreseeable: u32,
    pub quality_after: u32,
    pub reflections: Vec<String>,
}

/// A finding that came to light recently, highlighted for a few seconds so the trainee notices it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fresh {
    pub finding: usize,
    pub until: f64,
}

/// A problem with a reloaded case file, shown over the game until the file is fixed.
#[derive(Debug, Clone, PartialEq)]
pub enum ReloadNotice {
    /// The edited file has errors; play goes on with the last good version.
    Errors(Vec<String>),
    /// The edit changed the case so the path taken so far no longer fits.
    PathBroken(String),
    /// Reloaded and replayed onto the new version.
    Reloaded { until: f64 },
}

#[derive(Resource, Debug, Clone)]
pub struct Session {
    pub root: PathBuf,
    pub play: Playthrough,
    pub save_path: PathBuf,
    pub pointer_path: PathBuf,
    pub drafts: Drafts,
    pub fresh: Vec<Fresh>,
    /// The narration of the last action, shown above the scene it led to.
    pub last_result: Option<String>,
    pub notice: Option<ReloadNotice>,
    /// A save that failed, for the trainee to see.
    pub save_problem: Option<String>,
    /// The trainee has finished with this playthrough (reflected, or chosen to move on).
    pub done: bool,
}

/// Where an unfinished playthrough is, so the title screen can offer to continue it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unfinished {
    pub case: PathBuf,
    pub log: PathBuf,
}

/// The unfinished playthrough found at start-up, with its case's title.
#[derive(Resource, Debug, Clone, Default)]
pub struct ContinueOffer(pub Option<(Unfinished, String)>);

const HIGHLIGHT_SECONDS: f64 = 6.0;

impl Session {
    /// A new playthrough of `case` (found at `root`), saved under `data_dir`.
    pub fn start(
        root: &Path,
        case: Arc<Compiled>,
        seed: u64,
        variant: Option<&str>,
        data_dir: &Path,
    ) -> Result<Session, String> {
        let play = Playthrough::new(case.clone(), seed, variant)?;
        let save_path =
            data_dir
                .join("logs")
                .join(format!("{}-{seed}-{}.ron", case.case.id, timestamp()));
        let mut session = Session::around(root, play, save_path, data_dir);
        session.prepare_drafts();
        session.save();
        Ok(session)
    }

    /// Carries on from a saved log.
    pub fn resume(
        root: &Path,
        case: Arc<Compiled>,
        log_path: &Path,
        data_dir: &Path,
    ) -> Result<Session, String> {
        let log = Log::read(log_path)?;
        let play = Playthrough::replay(case, &log).map_err(|e| e.to_string())?;
        let mut session = Session::around(root, play, log_path.to_path_buf(), data_dir);
        session.prepare_drafts();
        Ok(session)
    }

    fn around(root: &Path, play: Playthrough, save_path: PathBuf, data_dir: &Path) -> Session {
        Session {
            root: root.to_path_buf(),
            play,
            save_path,
            pointer_path: data_dir.join("unfinished.ron"),
            drafts: Drafts::default(),
            fresh: Vec::new(),
            last_result: None,
            notice: None,
            save_problem: None,
            done: false,
        }
    }

    pub fn case(&self) -> &Compiled {
        &self.play.case
    }

    /// The folder the case's pictures are named relative to.
    pub fn folder(&self) -> PathBuf {
        if self.root.is_dir() {
            self.root.clone()
        } else {
            self.root
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default()
        }
    }

    /// The screen for where the playthrough stands.
    pub fn screen(&self) -> Screen {
        match self.play.stage() {
            Stage::Scene | Stage::Stuck => Screen::Case,
            Stage::Checkpoint => Screen::Checkpoint,
            Stage::Decide => Screen::Decision,
            Stage::Finished => Screen::Outcome,
        }
    }

    /// Applies a step, saves, and marks what came to light. `now` is in seconds.
    pub fn apply(&mut self, event: Event, now: f64) -> Result<(), StepError> {
        let before = self.play.revealed.len();
        let action = match &event {
            Event::Action(id) => Some(id.clone()),
            _ => None,
        };
        let stage_before = self.play.stage();
        self.play.apply(event)?;
        self.fresh.retain(|f| f.until > now);
        self.fresh
            .extend(self.play.revealed[before..].iter().map(|r| Fresh {
                finding: r.finding,
                until: now + HIGHLIGHT_SECONDS,
            }));
        self.last_result = action
            .and_then(|id| action_result(&self.play.case, &id))
            .filter(|r| !r.is_empty());
        if self.play.stage() != stage_before || matches!(self.play.stage(), Stage::Checkpoint) {
            self.prepare_drafts();
        }
        self.save();
        Ok(())
    }

    /// Fresh drafts for the screen now due: a checkpoint starts from the trainee's own last spread
    /// (or an even one), never from the normative answer.
    pub fn prepare_drafts(&mut self) {
        let n = self.play.case.hypotheses.len();
        let spread = match self.play.judgements().last() {
            Some((_, j)) => {
                let probs: Vec<f64> = self
                    .play
                    .case
                    .hypotheses
                    .iter()
                    .map(|h| j.probabilities.get(h).copied().unwrap_or(0.0))
                    .collect();
                spread::from_probabilities(&probs)
            }
            None => spread::from_probabilities(&vec![1.0; n]),
        };
        self.drafts = Drafts {
            spread,
            confidence: 50,
            reflections: vec![String::new(); super::screens::reflection::QUESTIONS.len()],
            ..Drafts::default()
        };
    }

    /// Writes the log and the pointer to it. A failure is shown, never fatal.
    pub fn save(&mut self) {
        let pointer = Unfinished {
            case: self.root.clone(),
            log: self.save_path.clone(),
        };
        let result = self.play.log.write(&self.save_path).and_then(|()| {
            if self.play.stage() == Stage::Finished && self.reflected() {
                remove_if_present(&self.pointer_path)
            } else {
                let text = ron::ser::to_string_pretty(&pointer, ron::ser::PrettyConfig::new())
                    .unwrap_or_default();
                crate::files::write(&self.pointer_path, &text)
            }
        });
        self.save_problem = result
            .err()
            .map(|e| format!("Could not save to {}: {e}", self.save_path.display()));
    }

    /// Whether the reflection screen has been completed.
    pub fn reflected(&self) -> bool {
        self.play
            .log
            .events
            .iter()
            .any(|e| matches!(e, Event::Reflection(_)))
    }

    /// Marks the playthrough complete: the title screen will no longer offer to continue it.
    pub fn finish(&mut self) {
        self.done = true;
        let _ = remove_if_present(&self.pointer_path);
    }

    /// The findings highlighted at `now`.
    pub fn is_fresh(&self, finding: usize, now: f64) -> bool {
        self.fresh
            .iter()
            .any(|f| f.finding == finding && f.until > now)
    }
}

fn remove_if_present(path: &Path) -> std::io::Result<()> {
    crate::files::remove(path)
}

/// The narration an author wrote for action `id`.
pub fn action_result(case: &Compiled, id: &str) -> Option<String> {
    case.action(case.action_index(id)?)
        .map(|x| x.result.clone())
}

/// Reads the pointer to an unfinished playthrough, if there is one whose log still replays.
pub fn read_unfinished(data_dir: &Path) -> Option<Unfinished> {
    let text = crate::files::read(&data_dir.join("unfinished.ron")).ok()?;
    let pointer: Unfinished = ron::from_str(&text).ok()?;
    crate::files::exists(&pointer.log).then_some(pointer)
}

fn find_unfinished(mut commands: Commands, config: Res<GameConfig>) {
    let offer = read_unfinished(&config.data_dir).and_then(|u| {
        let loaded = crate::scenario::check_case(&u.case);
        let title = loaded.case.as_ref()?.title.clone();
        Some((u, title))
    });
    commands.insert_resource(ContinueOffer(offer));
}

/// `--case` (and `--resume`) open the game straight on a case, for authors and for a room.
fn start_from_args(
    mut commands: Commands,
    config: Res<GameConfig>,
    library: Res<super::Library>,
    mut next: ResMut<NextState<Screen>>,
) {
    if config.replay.is_some() {
        return;
    }
    let Some(name) = config.case.clone().or_else(|| {
        config
            .resume
            .as_ref()
            .and_then(|l| Log::read(l).ok())
            .map(|l| l.case)
    }) else {
        return;
    };
    let found = find_entry(&library, &name);
    let result = found.and_then(|(root, case)| match &config.resume {
        Some(log) => Session::resume(&root, case, log, &config.data_dir),
        None => {
            let seed = config.seed.unwrap_or_else(|| rand::random::<u32>() as u64);
            Session::start(
                &root,
                case,
                seed,
                config.variant.as_deref(),
                &config.data_dir,
            )
        }
    });
    match result {
        Ok(session) => {
            commands.insert_resource(session);
            next.set(Screen::Briefing);
        }
        Err(e) => {
            error!("{e}");
            commands.insert_resource(super::screens::title::TitleProblem(Some(e)));
        }
    }
}

/// A case by ID among the library's, or by path (checked and compiled here).
pub fn find_entry(
    library: &super::Library,
    name: &str,
) -> Result<(PathBuf, Arc<Compiled>), String> {
    if let Some(entry) = library.find(name) {
        return entry.case.clone().map(|c| (entry.root.clone(), c));
    }
    let path = Path::new(name);
    if path.exists() {
        let loaded = crate::scenario::check_case(path);
        return crate::cli::playable(&loaded).map(|c| (path.to_path_buf(), Arc::new(c)));
    }
    Err(format!("no case \"{name}\" in the library"))
}
