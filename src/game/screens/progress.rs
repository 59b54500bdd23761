//! The trainee's progress over weeks: Brier score session by session, a calibration curve over every
//! judgement, how often each reasoning error showed — and the way to delete everything.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use egui_plot::{Line, LineStyle, Plot, PlotPoints, Points};

use super::{Screen, page, root_ui};
use bevy::winit::{EventLoopProxyWrapper, WinitUserEvent};

use crate::cli::count;
use crate::game::library::Library;
use crate::game::record::TraineeRecord;
use crate::game::theme::{UiSet, card, heading, note, primary_button, subheading};
use crate::judgement::detectors::Detector;
use crate::store::Export;
use crate::store::progress::Progress;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<ProgressView>();
    app.add_systems(OnEnter(Screen::Progress), read_progress);
    app.add_systems(
        EguiPrimaryContextPass,
        (progress_screen, add_picked_copy)
            .in_set(UiSet)
            .run_if(in_state(Screen::Progress)),
    );
}

/// What the progress screen shows, read from the record on entering it.
#[derive(Resource, Debug, Default)]
pub struct ProgressView {
    pub progress: Option<Result<Progress, String>>,
    pub confirming_delete: bool,
    /// What saving or adding a copy did, in words.
    pub message: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressIntent {
    Back,
    DeleteEverything,
    /// Download a copy of the record (the web build; the desktop has `second-look export`).
    SaveCopy,
    /// Pick a saved copy to add to this record (the web build; the desktop has `second-look import`).
    AddCopy,
}

fn detector_name(id: &str) -> &'static str {
    Detector::ALL
        .iter()
        .find(|d| d.id() == id)
        .map_or("", |d| d.name())
}

pub fn show(ui: &mut egui::Ui, view: &mut ProgressView) -> Option<ProgressIntent> {
    page(ui, "progress", |ui| {
        let mut intent = None;
        heading(ui, "Your progress");
        if ui.button("Back").clicked() {
            intent = Some(ProgressIntent::Back);
        }
        match &view.progress {
            None => {
                ui.label("Reading your record…");
            }
            Some(Err(e)) => {
                ui.label(format!("Your record cannot be read: {e}"));
            }
            Some(Ok(p)) if p.finished == 0 => {
                ui.label("Nothing to show yet. Finish a case and your judgements start to build a picture here.");
            }
            Some(Ok(p)) => summary(ui, p),
        }
        ui.add_space(16.0);
        subheading(ui, "Your data");
        if cfg!(target_arch = "wasm32") {
            note(
                ui,
                "Everything you do is kept in this browser only. Save a copy to keep it safe or to move it: another browser adds it here, and the desktop program takes it with `second-look import FILE`.",
            );
            ui.horizontal(|ui| {
                if ui.button("Save a copy of my record").clicked() {
                    intent = Some(ProgressIntent::SaveCopy);
                }
                if ui.button("Add a saved copy…").clicked() {
                    intent = Some(ProgressIntent::AddCopy);
                }
            });
        } else {
            note(
                ui,
                "Everything you do is kept on this computer only, in your data folder. `second-look export --out FILE.json` saves a copy; `second-look import FILE` adds one.",
            );
        }
        if let Some(message) = &view.message {
            ui.label(message.as_str());
        }
        if view.confirming_delete {
            card(ui, |ui| {
                ui.label("Delete every playthrough, judgement and reflection in your record? This cannot be undone.");
                ui.horizontal(|ui| {
                    if primary_button(ui, "Yes, delete everything").clicked() {
                        intent = Some(ProgressIntent::DeleteEverything);
                    }
                    if ui.button("Keep my data").clicked() {
                        view.confirming_delete = false;
                    }
                });
            });
        } else if ui.button("Delete my data…").clicked() {
            view.confirming_delete = true;
        }
        intent
    })
}

/// Time played, as a person says it: "under a minute", "about 1 minute", "about 2.5 hours".
fn play_time(minutes: u64) -> String {
    match minutes {
        0 => "under a minute".into(),
        m if m < 90 => format!("about {}", count(m as usize, "minute", "minutes")),
        m => format!("about {:.1} hours", m as f64 / 60.0),
    }
}

fn summary(ui: &mut egui::Ui, p: &Progress) {
    ui.label(format!(
        "{} finished{}, over {} of play.",
        count(p.finished, "case", "cases"),
        if p.unfinished > 0 {
            format!(", {} unfinished", p.unfinished)
        } else {
            String::new()
        },
        play_time(p.minutes)
    ));
    if let (Some(b), Some(prior)) = (p.brier, p.brier_prior) {
        ui.label(format!(
            "Your Brier score over them is {b:.2}; stating the base rate every time would have scored {prior:.2} (lower is better; skill {:+.2}).",
            if prior > 0.0 { 1.0 - b / prior } else { 0.0 }
        ));
    }
    note(
        ui,
        "One case is too few judgements to say how well calibrated you are: the picture firms up over many sessions.",
    );
    subheading(ui, "Brier score, session by session");
    let points: Vec<[f64; 2]> = p
        .sessions
        .iter()
        .enumerate()
        .map(|(i, s)| [i as f64 + 1.0, s.brier])
        .collect();
    let prior: Vec<[f64; 2]> = p
        .sessions
        .iter()
        .enumerate()
        .map(|(i, s)| [i as f64 + 1.0, s.brier_prior])
        .collect();
    let accent = ui.visuals().hyperlink_color;
    let muted = ui.visuals().widgets.noninteractive.fg_stroke.color;
    let highest = p
        .sessions
        .iter()
        .map(|s| s.brier.max(s.brier_prior))
        .fold(1.0, f64::max);
    Plot::new("brier-over-time")
        .height(200.0)
        .include_y(0.0)
        .include_y(highest + 0.1)
        .include_x(0.5)
        .include_x(p.sessions.len() as f64 + 0.5)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        // Read, not handled: the chart area is no stop for Tab.
        .sense(egui::Sense::hover())
        .x_axis_label("Session")
        // Sessions are whole numbers: no "session 1.5" between them.
        .x_axis_formatter(|mark, _| {
            if mark.value.fract() == 0.0 {
                format!("{}", mark.value)
            } else {
                String::new()
            }
        })
        .y_axis_label("Brier")
        .show(ui, |plot| {
            plot.line(
                Line::new("you", PlotPoints::from(points.clone()))
                    .color(accent)
                    .width(2.5),
            );
            plot.points(
                Points::new("you", PlotPoints::from(points))
                    .color(accent)
                    .radius(5.0),
            );
            plot.line(
                Line::new("base rate", PlotPoints::from(prior.clone()))
                    .color(muted)
                    .style(LineStyle::dashed_loose()),
            );
            // Marked too, so a single session (no line yet) still shows it.
            plot.points(
                Points::new("base rate", PlotPoints::from(prior))
                    .color(muted)
                    .radius(3.0),
            );
        });
    note(
        ui,
        "Solid: your Brier score in each session (lower is better). Dashed, with small dots: what stating the base rate would have scored.",
    );
    subheading(ui, "Calibration: when you said X%, how often was it true?");
    let curve: Vec<[f64; 2]> = p
        .reliability
        .iter()
        .map(|(x, _, y)| [x * 100.0, y * 100.0])
        .collect();
    Plot::new("reliability")
        .height(240.0)
        .data_aspect(1.0)
        .include_x(0.0)
        .include_x(100.0)
        .include_y(0.0)
        .include_y(100.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        // Read, not handled: the chart area is no stop for Tab.
        .sense(egui::Sense::hover())
        .x_axis_label("You said (%)")
        .y_axis_label("True (%)")
        .show(ui, |plot| {
            plot.line(
                Line::new(
                    "perfect",
                    PlotPoints::from(vec![[0.0, 0.0], [100.0, 100.0]]),
                )
                .color(muted)
                .style(LineStyle::dashed_loose()),
            );
            plot.line(
                Line::new("you", PlotPoints::from(curve.clone()))
                    .color(accent)
                    .width(2.5),
            );
            plot.points(
                Points::new("you", PlotPoints::from(curve))
                    .color(accent)
                    .radius(5.0),
            );
        });
    let counts: Vec<String> = p
        .reliability
        .iter()
        .map(|(x, n, _)| format!("{:.0}%: {n}", x * 100.0))
        .collect();
    note(
        ui,
        format!(
            "Dashed: perfect calibration. Judgements in each band: {}.",
            counts.join(", ")
        ),
    );
    subheading(ui, "Session by session");
    egui::Grid::new("sessions")
        .striped(true)
        .spacing([18.0, 6.0])
        .show(ui, |ui| {
            for (i, s) in p.sessions.iter().enumerate() {
                ui.label(format!("{}. {}", i + 1, s.title));
                let shown: Vec<&str> = s.flagged.iter().map(|d| detector_name(d)).collect();
                ui.add(
                    egui::Label::new(if shown.is_empty() {
                        "no reasoning errors shown".to_string()
                    } else {
                        shown.join("; ")
                    })
                    .wrap(),
                );
                ui.end_row();
            }
        });
    subheading(ui, "Reasoning errors, across your sessions");
    if p.errors.iter().all(|e| e.flagged == 0) {
        ui.label("None of the reasoning errors the game looks for has shown so far.");
    }
    egui::Grid::new("errors")
        .striped(true)
        .spacing([18.0, 6.0])
        .show(ui, |ui| {
            for e in &p.errors {
                ui.label(detector_name(&e.detector));
                ui.label(format!(
                    "shown in {} of {} sessions where it could be told",
                    e.flagged, e.decided
                ));
                ui.end_row();
            }
        });
}

fn read_progress(mut view: ResMut<ProgressView>, record: Option<Res<TraineeRecord>>) {
    view.confirming_delete = false;
    view.message = None;
    view.progress = Some(match record.as_ref().and_then(|r| r.0.lock().ok()) {
        Some(recorder) => match recorder.record() {
            Some(r) => Progress::of(r).map_err(|e| e.0),
            None => Err("the record could not be opened".into()),
        },
        None => Err("the record could not be opened".into()),
    });
}

/// Offers the whole record as a file to download, and says what happened.
fn save_copy(record: Option<&TraineeRecord>) -> String {
    let copy = record
        .and_then(|r| r.0.lock().ok())
        .ok_or_else(|| "the record could not be opened".to_string())
        .and_then(|recorder| {
            let r = recorder.record().ok_or("the record could not be opened")?;
            let export = Export::of(r).map_err(|e| e.0)?;
            serde_json::to_string_pretty(&export).map_err(|e| e.to_string())
        });
    let name = format!("second-look-record-{}.json", crate::cli::timestamp());
    match copy.and_then(|text| crate::files::offer_download(&name, "application/json", &text)) {
        Ok(()) => format!("A copy of your record was saved to your downloads as {name}."),
        Err(e) => format!("The copy could not be saved: {e}."),
    }
}

/// Adds the saved copy the trainee picked (once the browser has read it) to the record, replaying
/// each playthrough on the cases in the library, and shows the record again with what was added.
fn add_picked_copy(
    mut view: ResMut<ProgressView>,
    record: Option<Res<TraineeRecord>>,
    library: Res<Library>,
) {
    let Some(picked) = crate::files::take_picked() else {
        return;
    };
    let message = picked.and_then(|(name, text)| {
        let data: Export = serde_json::from_str(&text)
            .map_err(|e| format!("{name} is not a saved copy of a record ({e})"))?;
        let mut recorder = record
            .as_ref()
            .and_then(|r| r.0.lock().ok())
            .ok_or("the record could not be opened")?;
        let done = recorder.import(&data, |log| {
            let entry = library
                .find(&log.case)
                .ok_or_else(|| format!("the case \"{}\" is not in this library", log.case))?;
            entry.case.clone()
        })?;
        let r = recorder.record().ok_or("the record could not be opened")?;
        view.progress = Some(Progress::of(r).map_err(|e| e.0));
        Ok(done.describe())
    });
    view.message = Some(message.unwrap_or_else(|e| format!("The copy could not be added: {e}.")));
}

fn progress_screen(
    mut contexts: EguiContexts,
    mut view: ResMut<ProgressView>,
    record: Option<Res<TraineeRecord>>,
    proxy: Option<Res<EventLoopProxyWrapper>>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut ui = root_ui(ctx);
    match show(&mut ui, &mut view) {
        Some(ProgressIntent::Back) => next.set(Screen::Title),
        Some(ProgressIntent::DeleteEverything) => {
            if let Some(mut recorder) = record.as_ref().and_then(|r| r.0.lock().ok()) {
                recorder.forget_everything();
            }
            view.confirming_delete = false;
            view.progress = Some(Ok(Progress::default()));
        }
        Some(ProgressIntent::SaveCopy) => view.message = Some(save_copy(record.as_deref())),
        Some(ProgressIntent::AddCopy) => {
            let wake = proxy.map(|p| (**p).clone());
            let wake = Box::new(move || {
                if let Some(proxy) = &wake {
                    let _ = proxy.send_event(WinitUserEvent::WakeUp);
                }
            });
            if let Err(e) = crate::files::pick_file(".json,application/json", wake) {
                view.message = Some(format!("No copy can be added here: {e}."));
            }
        }
        None => {}
    }
    Ok(())
}
