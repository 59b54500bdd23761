//! Figures for the game's benchmark (`scripts/measure-game.sh`): when the first interactive frame was
//! drawn, and with `--frame-stats SECONDS`, frame times while the trainee scrolls.

use bevy::platform::time::Instant;

use bevy::prelude::*;
use bevy_egui::EguiPrimaryContextPass;

use super::theme::UiSet;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        note_first_frame
            .after(UiSet)
            .run_if(resource_exists::<Launched>),
    );
    app.add_systems(
        Last,
        record_frame_time.run_if(resource_exists::<FrameStats>),
    );
    if std::env::var_os("SECOND_LOOK_FRAME_LOG").is_some() {
        app.add_systems(Last, log_frames);
    }
}

/// With SECOND_LOOK_FRAME_LOG set, says how many frames were drawn each second, and why egui asked.
fn log_frames(
    time: Res<Time<Real>>,
    mut last: Local<(f64, u32)>,
    mut contexts: bevy_egui::EguiContexts,
) {
    last.1 += 1;
    let now = time.elapsed_secs_f64();
    if now - last.0 >= 1.0 {
        let (causes, events) = contexts
            .ctx_mut()
            .map(|c| {
                (
                    c.repaint_causes(),
                    c.input(|i| {
                        format!("{:?} pointer moved {}", i.raw.events, i.pointer.is_moving())
                    }),
                )
            })
            .unwrap_or_default();
        info!(
            "{} frames in the last second; egui repaint causes: {causes:?}; input: {events}",
            last.1
        );
        *last = (now, 0);
    }
}

/// When the program started, and whether the first interactive frame has been reported.
#[derive(Resource, Debug)]
pub struct Launched {
    pub at: Instant,
    pub reported: bool,
}

/// Frame times recorded for a fixed time, then summarised and the app closed.
#[derive(Resource, Debug, Default)]
pub struct FrameStats {
    pub seconds: f64,
    pub started: Option<f64>,
    pub frames: Vec<f64>,
}

fn note_first_frame(mut launched: ResMut<Launched>, ready: Option<Res<super::theme::ThemeReady>>) {
    if launched.reported || ready.is_none() {
        return;
    }
    launched.reported = true;
    let ms = launched.at.elapsed().as_secs_f64() * 1000.0;
    info!("first interactive frame after {ms:.0} ms");
    println!("first-interactive-frame-ms {ms:.0}");
}

fn record_frame_time(
    mut stats: ResMut<FrameStats>,
    time: Res<Time>,
    mut exit: MessageWriter<AppExit>,
) {
    let now = time.elapsed_secs_f64();
    let started = *stats.started.get_or_insert(now);
    stats.frames.push(time.delta_secs_f64() * 1000.0);
    if now - started < stats.seconds {
        return;
    }
    let mut frames = stats.frames.clone();
    frames.drain(..frames.len().min(5));
    frames.sort_by(f64::total_cmp);
    if frames.is_empty() {
        return;
    }
    let mean = frames.iter().sum::<f64>() / frames.len() as f64;
    let p95 = frames[(frames.len() * 95 / 100).min(frames.len() - 1)];
    let max = frames[frames.len() - 1];
    println!(
        "frames {} mean-ms {mean:.2} p95-ms {p95:.2} max-ms {max:.2}",
        frames.len()
    );
    exit.write(AppExit::Success);
}
