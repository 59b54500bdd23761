//! Keeps the trainee's record as they play: each step of the session is saved to the record as well
//! as to its log file, and a finished playthrough's analysis goes in with it. When either cannot be
//! kept (a full disk, a browser's storage full or refused), says so over the game.

use std::sync::Mutex;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::GameConfig;
use super::screens::title::TitleProblem;
use super::session::Session;
use super::settings::Settings;
use super::theme::{Palette, UiSet, note};
use crate::store::Recorder;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<RecordProblem>();
    app.add_systems(Startup, open_record);
    app.add_systems(EguiPrimaryContextPass, keeping_overlay.after(UiSet));
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

/// The last thing the record could not keep, until the trainee dismisses it.
#[derive(Resource, Debug, Default)]
pub struct RecordProblem(pub Option<String>);

/// What to tell the trainee about keeping their work, if anything: the playthrough's own save comes
/// first (it is what Continue needs), then the record.
pub fn keeping_problem(session: Option<&Session>, record: &RecordProblem) -> Option<String> {
    session
        .and_then(|s| s.save_problem.clone())
        .or_else(|| record.0.clone())
}

/// Draws the problem; returns true when the trainee dismisses it.
pub fn show_problem(ui: &mut egui::Ui, problem: &str) -> bool {
    // Not the bold family: this can show on the very first frame, before the theme's fonts are bound.
    ui.label(egui::RichText::new("Your work is not being kept").strong());
    ui.label(problem);
    note(
        ui,
        if cfg!(target_arch = "wasm32") {
            "You can go on: this window still holds everything. To keep it, free some of this browser's storage for the page, or save a copy from Your progress."
        } else {
            "You can go on: this window still holds everything. To keep it, free some space or fix the folder's permissions; the next step saves again."
        },
    );
    ui.button("Dismiss").clicked()
}

fn keeping_overlay(
    mut contexts: EguiContexts,
    session: Option<Res<Session>>,
    mut record: ResMut<RecordProblem>,
    settings: Res<Settings>,
    mut dismissed_text: Local<Option<String>>,
) -> Result {
    let Some(problem) = keeping_problem(session.as_deref(), &record) else {
        return Ok(());
    };
    // Dismissed, it stays away until something else goes wrong.
    if dismissed_text.as_ref() == Some(&problem) {
        return Ok(());
    }
    let palette = Palette::of(&settings);
    let ctx = contexts.ctx_mut()?;
    let mut dismissed = false;
    egui::Area::new(egui::Id::new("keeping-problem"))
        .anchor(egui::Align2::CENTER_BOTTOM, egui::vec2(0.0, -12.0))
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            egui::Frame::new()
                .fill(palette.panel)
                .stroke(egui::Stroke::new(2.0, palette.warning))
                .corner_radius(egui::CornerRadius::same(8))
                .inner_margin(egui::Margin::same(14))
                .show(ui, |ui| {
                    ui.set_max_width(760.0);
                    dismissed = show_problem(ui, &problem);
                });
        });
    if dismissed {
        record.0 = None;
        *dismissed_text = Some(problem);
    }
    Ok(())
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
    mut shown: ResMut<RecordProblem>,
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
        shown.0 = Some(format!("Your record: {problem}."));
    }
}
