//! Automation: `--replay LOG` drives the real window through a saved playthrough step by step,
//! `--screenshots DIR` saves a PNG of every screen it passes through, and `--exit-when-done` quits at
//! the end — so the game can be tested as a person uses it.

use std::collections::VecDeque;
use std::path::PathBuf;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, save_to_disk};

use super::screens::Screen;
use super::session::{Session, find_entry};
use super::{GameConfig, Library};
use crate::engine::{Event, Log};
use crate::judgement::spread;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, load_replay.after(super::library::scan_library));
    app.add_systems(Update, drive.run_if(resource_exists::<Autopilot>));
}

/// Frames to let a new screen lay out and render before photographing it.
const SETTLE_FRAMES: u32 = 6;
/// Frames to let a screenshot reach the disk before moving on.
const SHOT_FRAMES: u32 = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Settle,
    Shoot,
    Step,
    Done,
}

/// A replay in progress.
#[derive(Resource, Debug)]
pub struct Autopilot {
    log: Log,
    events: VecDeque<Event>,
    screenshots: Option<PathBuf>,
    exit_when_done: bool,
    phase: Phase,
    wait: u32,
    shots: u32,
    failed: bool,
}

fn load_replay(mut commands: Commands, config: Res<GameConfig>) {
    let read = match (&config.replay, &config.replay_text) {
        (_, Some(text)) => {
            Log::from_ron(text).map_err(|e| format!("the playthrough in the address: {e}"))
        }
        (Some(path), None) => Log::read(path),
        (None, None) => return,
    };
    match read {
        Ok(log) => {
            // In the browser a screenshot is a download, and there is no folder to make.
            if let Some(dir) = &config.screenshots
                && !cfg!(target_arch = "wasm32")
                && let Err(e) = std::fs::create_dir_all(dir)
            {
                error!("cannot create {}: {e}", dir.display());
            }
            commands.insert_resource(Autopilot {
                events: log.events.iter().cloned().collect(),
                log,
                screenshots: config.screenshots.clone(),
                exit_when_done: config.exit_when_done,
                phase: Phase::Settle,
                wait: SETTLE_FRAMES * 3,
                shots: 0,
                failed: false,
            });
        }
        Err(e) => {
            error!("cannot replay: {e}");
            commands.insert_resource(super::screens::title::TitleProblem(Some(format!(
                "Cannot replay: {e}"
            ))));
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn drive(
    mut commands: Commands,
    mut pilot: ResMut<Autopilot>,
    screen: Res<State<Screen>>,
    mut next: ResMut<NextState<Screen>>,
    session: Option<ResMut<Session>>,
    library: Res<Library>,
    config: Res<GameConfig>,
    time: Res<Time>,
    mut exit: MessageWriter<AppExit>,
) {
    if pilot.wait > 0 {
        pilot.wait -= 1;
        return;
    }
    match pilot.phase {
        Phase::Settle => {
            if let Some(mut session) = session {
                show_next_answers(&mut pilot, &mut session, *screen.get());
            }
            pilot.phase = Phase::Shoot;
            pilot.wait = SETTLE_FRAMES;
        }
        Phase::Shoot => {
            if let Some(dir) = &pilot.screenshots {
                let path = dir.join(format!("{:02}-{}.png", pilot.shots, screen.get().slug()));
                commands
                    .spawn(Screenshot::primary_window())
                    .observe(save_to_disk(path));
            }
            pilot.shots += 1;
            pilot.phase = Phase::Step;
            pilot.wait = SHOT_FRAMES;
        }
        Phase::Step => {
            let t = time.elapsed_secs_f64();
            let moved = step(
                &mut commands,
                &mut pilot,
                *screen.get(),
                &mut next,
                session,
                &library,
                &config,
                t,
            );
            pilot.phase = if moved { Phase::Settle } else { Phase::Done };
            pilot.wait = SETTLE_FRAMES;
        }
        Phase::Done => {
            // A page cannot exit: it says so in its title, for the browser test that drives it.
            #[cfg(target_arch = "wasm32")]
            super::screens::set_page_title(if pilot.failed {
                "Second Look — replay failed"
            } else {
                "Second Look — replay done"
            });
            if pilot.exit_when_done {
                info!("replay finished after {} screens", pilot.shots);
                exit.write(if pilot.failed {
                    AppExit::error()
                } else {
                    AppExit::Success
                });
            }
            commands.remove_resource::<Autopilot>();
        }
    }
}

/// Fills the current screen's fields with the answers the log is about to give, so the screenshot
/// shows them.
fn show_next_answers(pilot: &mut Autopilot, session: &mut Session, screen: Screen) {
    let hypotheses = session.case().hypotheses.clone();
    match (screen, pilot.events.front()) {
        (Screen::Checkpoint, Some(Event::Judgement(j))) => {
            let probs: Vec<f64> = hypotheses
                .iter()
                .map(|h| j.probabilities.get(h).copied().unwrap_or(0.0))
                .collect();
            let d = &mut session.drafts;
            d.spread = spread::from_probabilities(&probs);
            d.leading = hypotheses.iter().position(|h| *h == j.leading);
            d.confidence = u32::from(j.confidence);
            d.reasons = j.reasons.clone();
            d.change_mind = j.change_mind.clone();
            d.feeling = j.feeling.clone();
        }
        (Screen::Decision, Some(Event::Decision(dm))) => {
            session.drafts.decision = session.case().decision_index(&dm.decision);
            session.drafts.rationale = dm.rationale.clone();
            session.drafts.quality = dm.quality.map_or(50, u32::from);
        }
        (Screen::Outcome, Some(Event::Hindsight(h))) => {
            session.drafts.foreseeable = u32::from(h.foreseeable);
            session.drafts.quality_after = u32::from(h.decision_quality);
        }
        (Screen::Reflection, _) => {
            let questions = super::screens::reflection::QUESTIONS;
            let mut answers = vec![String::new(); questions.len()];
            for e in &pilot.events {
                if let Event::Reflection(r) = e
                    && let Some(i) = questions.iter().position(|q| *q == r.question)
                {
                    answers[i] = r.answer.clone();
                }
            }
            session.drafts.reflections = answers;
        }
        _ => {}
    }
}

/// Does what a person would on this screen. Returns false when the replay is over.
#[allow(clippy::too_many_arguments)]
fn step(
    commands: &mut Commands,
    pilot: &mut Autopilot,
    screen: Screen,
    next: &mut NextState<Screen>,
    session: Option<ResMut<Session>>,
    library: &Library,
    config: &GameConfig,
    now: f64,
) -> bool {
    match screen {
        Screen::Title if session.is_none() => next.set(Screen::Library),
        Screen::Library => {
            let name = config
                .case
                .clone()
                .unwrap_or_else(|| pilot.log.case.clone());
            let started = find_entry(library, &name).and_then(|(root, case)| {
                Session::start(
                    &root,
                    case,
                    pilot.log.seed,
                    pilot.log.variant.as_deref(),
                    &config.data_dir,
                )
            });
            match started {
                Ok(s) => {
                    commands.insert_resource(s);
                    next.set(Screen::Briefing);
                }
                Err(e) => return fail(pilot, &e),
            }
        }
        Screen::Briefing => {
            let Some(s) = session else {
                return fail(pilot, "no case to brief");
            };
            next.set(s.screen());
        }
        Screen::Case | Screen::Checkpoint | Screen::Decision => {
            let Some(mut s) = session else {
                return fail(pilot, "no case in play");
            };
            let Some(event) = pilot.events.pop_front() else {
                return fail(pilot, "the log ends before the decision");
            };
            if let Err(e) = s.apply(event, now) {
                return fail(pilot, &e.to_string());
            }
            next.set(s.screen());
        }
        Screen::Outcome => {
            if let (Some(mut s), Some(Event::Hindsight(_))) = (session, pilot.events.front()) {
                let event = pilot.events.pop_front().expect("just looked");
                if let Err(e) = s.apply(event, now) {
                    return fail(pilot, &e.to_string());
                }
            }
            next.set(Screen::Debrief);
        }
        Screen::Debrief => next.set(Screen::Reflection),
        Screen::Reflection => {
            let Some(mut s) = session else {
                return fail(pilot, "no case in play");
            };
            while let Some(event) = pilot.events.pop_front() {
                if let Err(e) = s.apply(event, now) {
                    return fail(pilot, &e.to_string());
                }
            }
            s.finish();
            next.set(Screen::Title);
            return false;
        }
        Screen::Title
        | Screen::Settings
        | Screen::Progress
        | Screen::Journal
        | Screen::WorkshopSetup
        | Screen::Workshop => return false,
    }
    true
}

fn fail(pilot: &mut Autopilot, why: &str) -> bool {
    error!("replay stopped: {why}");
    pilot.failed = true;
    false
}
