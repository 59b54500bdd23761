//! Keeps the trainee's record as they play: each step of the session is saved to the record as well
//! as to its log file, and a finished playthrough's analysis goes in with it.

use std::sync::Mutex;

use bevy::prelude::*;

use super::GameConfig;
use super::screens::title::TitleProblem;
use super::session::Session;
use crate::store::Recorder;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, open_record);
    app.add_systems(
        Last,
        record_session.run_if(resource_exists::<Session>.and_then(resource_changed::<Session>)),
    );
}

/// The trainee's record, shared by every screen.
#[derive(Resource)]
pub struct TraineeRecord(pub Mutex<Recorder>);

fn open_record(mut commands: Commands, config: Res<GameConfig>, mut problem: ResMut<TitleProblem>) {
    let (recorder, notice) = Recorder::open(&config.data_dir);
    if notice.is_some() {
        problem.0 = notice;
    }
    commands.insert_resource(TraineeRecord(Mutex::new(recorder)));
}

/// What has been recorded of the current session: its log file, how many events, whether finished.
#[derive(Default)]
struct Recorded {
    save_path: Option<std::path::PathBuf>,
    events: usize,
    finished: bool,
}

fn record_session(
    session: Res<Session>,
    record: Option<Res<TraineeRecord>>,
    mut recorded: Local<Recorded>,
) {
    let Some(record) = record else { return };
    let Ok(mut recorder) = record.0.lock() else {
        return;
    };
    if recorded.save_path.as_ref() != Some(&session.save_path) {
        recorder.begin(&session.play.log, &session.case().case.title);
        *recorded = Recorded {
            save_path: Some(session.save_path.clone()),
            events: session.play.log.events.len(),
            finished: false,
        };
    } else if recorded.events != session.play.log.events.len() {
        recorder.step(&session.play.log);
        recorded.events = session.play.log.events.len();
    }
    if session.done && !recorded.finished {
        recorder.finish(&session.play);
        recorded.finished = true;
    }
    if let Some(problem) = recorder.problem.take() {
        warn!("{problem}");
    }
}
