//! Hot reload for authors: when a case file being played changes, check it again; if it has errors,
//! keep playing the last good version and show the diagnostics until the file is fixed; otherwise
//! replay the path taken so far onto the new version, or say which step no longer fits.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, channel};

use bevy::prelude::*;
use bevy::winit::{EventLoopProxyWrapper, WinitUserEvent};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::game::theme::UiSet;
use notify::Watcher as _;

use super::screens::Screen;
use super::session::{ReloadNotice, Session};
use super::theme::{Palette, bold, note};
use super::{GameConfig, Settings};
use crate::engine::{Compiled, Playthrough};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        (watch_case_files, reload_changed_case)
            .chain()
            .run_if(resource_exists::<Session>),
    );
    app.add_systems(
        EguiPrimaryContextPass,
        notice_overlay
            .in_set(UiSet)
            .run_if(resource_exists::<Session>),
    );
}

/// Watches the folder of the case being played.
#[derive(Resource)]
struct CaseWatcher {
    root: PathBuf,
    changes: Mutex<Receiver<()>>,
    _watcher: notify::RecommendedWatcher,
}

/// The most diagnostics the overlay lists before saying how many more there are.
const SHOWN_DIAGNOSTICS: usize = 4;

fn watch_case_files(
    mut commands: Commands,
    session: Res<Session>,
    watcher: Option<Res<CaseWatcher>>,
    proxy: Option<Res<EventLoopProxyWrapper>>,
) {
    if watcher.is_some_and(|w| w.root == session.root) {
        return;
    }
    let (tx, rx) = channel();
    let wake = proxy.map(|p| (**p).clone());
    let root = session.root.clone();
    let inside = root.clone();
    let handler = move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        if event.kind.is_access() || !event.paths.iter().any(|p| concerns(&inside, p)) {
            return;
        }
        let _ = tx.send(());
        if let Some(wake) = &wake {
            let _ = wake.send_event(WinitUserEvent::WakeUp);
        }
    };
    let watched = if root.is_dir() {
        root.clone()
    } else {
        root.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    match notify::recommended_watcher(handler) {
        Ok(mut w) => {
            let watched = if watched.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                watched
            };
            if let Err(e) = w.watch(&watched, notify::RecursiveMode::Recursive) {
                warn!("cannot watch {} for changes: {e}", watched.display());
            }
            commands.insert_resource(CaseWatcher {
                root,
                changes: Mutex::new(rx),
                _watcher: w,
            });
        }
        Err(e) => warn!("cannot watch case files: {e}"),
    }
}

/// Whether a changed path belongs to the case at `root` (its file, or a `.ron` file in its folder).
fn concerns(root: &Path, changed: &Path) -> bool {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let changed = std::fs::canonicalize(changed).unwrap_or_else(|_| changed.to_path_buf());
    if root.is_dir() {
        changed.starts_with(&root) && changed.extension().is_some_and(|e| e == "ron")
    } else {
        changed == root
    }
}

fn reload_changed_case(
    watcher: Option<Res<CaseWatcher>>,
    session: Option<ResMut<Session>>,
    screen: Res<State<Screen>>,
    mut next: ResMut<NextState<Screen>>,
) {
    let (Some(watcher), Some(mut session)) = (watcher, session) else {
        return;
    };
    let changed = watcher
        .changes
        .lock()
        .map(|rx| rx.try_iter().count() > 0)
        .unwrap_or(false);
    if !changed {
        return;
    }
    reload(&mut session);
    let playing = matches!(
        screen.get(),
        Screen::Case | Screen::Checkpoint | Screen::Decision
    );
    if playing && session.screen() != *screen.get() {
        next.set(session.screen());
    }
}

/// Checks the case again and, if it is sound, replays the log onto it.
pub fn reload(session: &mut Session) {
    let loaded = crate::scenario::check_case(&session.root);
    if loaded.has_errors() {
        let shown = loaded.diagnostics.iter().filter(|d| d.is_error());
        let mut lines: Vec<String> = shown
            .clone()
            .take(SHOWN_DIAGNOSTICS)
            .map(|d| d.render(loaded.source_of(&d.file)))
            .collect();
        let more = shown.count().saturating_sub(SHOWN_DIAGNOSTICS);
        if more > 0 {
            lines.push(format!("… and {more} more (run `second-look check`)."));
        }
        session.notice = Some(ReloadNotice::Errors(lines));
        return;
    }
    let compiled = match crate::cli::playable(&loaded) {
        Ok(c) => Arc::new(c),
        Err(e) => {
            session.notice = Some(ReloadNotice::Errors(vec![e]));
            return;
        }
    };
    apply_new_version(session, compiled);
}

fn apply_new_version(session: &mut Session, case: Arc<Compiled>) {
    match Playthrough::replay(case, &session.play.log) {
        Ok(play) => {
            session.play = play;
            session.notice = Some(ReloadNotice::Reloaded { until: -1.0 });
        }
        Err(e) => session.notice = Some(ReloadNotice::PathBroken(e.to_string())),
    }
}

fn notice_overlay(
    mut contexts: EguiContexts,
    mut session: ResMut<Session>,
    settings: Res<Settings>,
    config: Res<GameConfig>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let Some(notice) = session.notice.clone() else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    let palette = Palette::of(&settings);
    let now = ctx.input(|i| i.time);
    let mut restart = false;
    let mut dismiss = false;
    egui::Area::new(egui::Id::new("reload-notice"))
        .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 12.0))
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            let border = if matches!(notice, ReloadNotice::Reloaded { .. }) { palette.accent } else { palette.warning };
            egui::Frame::new()
                .fill(palette.panel)
                .stroke(egui::Stroke::new(2.0, border))
                .corner_radius(egui::CornerRadius::same(8))
                .inner_margin(egui::Margin::same(14))
                .show(ui, |ui| {
                    ui.set_max_width(900.0);
                    match &notice {
                        ReloadNotice::Errors(lines) => {
                            ui.label(egui::RichText::new("The case file has an error. You are still playing the last good version.").family(bold()));
                            egui::ScrollArea::both().max_height(420.0).show(ui, |ui| {
                                for line in lines {
                                    ui.add(egui::Label::new(egui::RichText::new(line).monospace()).extend());
                                }
                            });
                            note(ui, "Fix the file and save it: this goes away by itself.");
                        }
                        ReloadNotice::PathBroken(why) => {
                            ui.label(egui::RichText::new("The edited case no longer fits the path you have taken.").family(bold()));
                            ui.label(why);
                            ui.horizontal(|ui| {
                                restart = ui.button("Restart the case on the new version").clicked();
                                dismiss = ui.button("Keep playing the old version").clicked();
                            });
                        }
                        ReloadNotice::Reloaded { .. } => {
                            ui.label("Case reloaded: your path so far was replayed onto the new version.");
                        }
                    }
                });
        });
    match notice {
        ReloadNotice::Reloaded { until } if until < 0.0 => {
            session.notice = Some(ReloadNotice::Reloaded { until: now + 4.0 });
            ctx.request_repaint_after(std::time::Duration::from_secs(4));
        }
        ReloadNotice::Reloaded { until } if now > until => session.notice = None,
        _ => {}
    }
    if dismiss {
        session.notice = None;
    }
    if restart {
        restart_on_new_version(&mut session, &config, &mut next);
    }
    Ok(())
}

fn restart_on_new_version(
    session: &mut Session,
    config: &GameConfig,
    next: &mut NextState<Screen>,
) {
    let loaded = crate::scenario::check_case(&session.root);
    match crate::cli::playable(&loaded) {
        Ok(case) => {
            let seed = session.play.seed();
            let variant = session.play.log.variant.clone();
            match Session::start(
                &session.root,
                Arc::new(case),
                seed,
                variant.as_deref(),
                &config.data_dir,
            ) {
                Ok(fresh) => {
                    *session = fresh;
                    next.set(Screen::Briefing);
                }
                Err(e) => session.notice = Some(ReloadNotice::Errors(vec![e])),
            }
        }
        Err(e) => session.notice = Some(ReloadNotice::Errors(vec![e])),
    }
}
