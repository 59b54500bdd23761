//! The screens, each a state with its own plugin, and the page layout they share.

pub mod briefing;
pub mod case_view;
pub mod checkpoint;
pub mod debrief;
pub mod decision;
pub mod journal;
pub mod library;
pub mod outcome;
pub mod progress;
pub mod reflection;
pub mod settings;
pub mod title;
#[cfg(not(target_arch = "wasm32"))]
pub mod workshop_room;
#[cfg(not(target_arch = "wasm32"))]
pub mod workshop_setup;

use bevy::prelude::*;
use bevy_egui::egui;

use super::theme::READING_WIDTH;

/// Where the trainee is.
#[derive(States, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Screen {
    #[default]
    Title,
    Library,
    Settings,
    Briefing,
    Case,
    Checkpoint,
    Decision,
    Outcome,
    Debrief,
    Reflection,
    Progress,
    Journal,
    WorkshopSetup,
    Workshop,
}

impl Screen {
    /// A short name, for screenshots and logs.
    pub fn slug(self) -> &'static str {
        match self {
            Screen::Title => "title",
            Screen::Library => "library",
            Screen::Settings => "settings",
            Screen::Briefing => "briefing",
            Screen::Case => "case",
            Screen::Checkpoint => "checkpoint",
            Screen::Decision => "decision",
            Screen::Outcome => "outcome",
            Screen::Debrief => "debrief",
            Screen::Reflection => "reflection",
            Screen::Progress => "progress",
            Screen::Journal => "journal",
            Screen::WorkshopSetup => "workshop-setup",
            Screen::Workshop => "workshop",
        }
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_state::<Screen>();
    app.add_plugins((
        title::plugin,
        library::plugin,
        settings::plugin,
        briefing::plugin,
        case_view::plugin,
        checkpoint::plugin,
        decision::plugin,
        outcome::plugin,
        debrief::plugin,
        reflection::plugin,
    ));
    #[cfg(target_arch = "wasm32")]
    app.add_systems(Update, title_follows_screen.run_if(state_changed::<Screen>));
    app.add_plugins((progress::plugin, journal::plugin));
    #[cfg(not(target_arch = "wasm32"))]
    app.add_plugins((workshop_setup::plugin, workshop_room::plugin));
}

/// In the browser, the page's title names the screen (for people with many tabs, and for tests).
#[cfg(target_arch = "wasm32")]
fn title_follows_screen(screen: Res<State<Screen>>) {
    set_page_title(&format!("Second Look — {}", screen.get().slug()));
}

/// Sets the web page's title.
#[cfg(target_arch = "wasm32")]
pub fn set_page_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(title);
    }
}

/// The whole window as one egui `Ui`, as egui's own `run_ui` makes it.
pub fn root_ui(ctx: &egui::Context) -> egui::Ui {
    egui::Ui::new(
        ctx.clone(),
        egui::Id::new("second-look-root"),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    )
}

/// A scrolling page with one centred column of comfortable reading width.
pub fn page<R>(ui: &mut egui::Ui, id: &str, add: impl FnOnce(&mut egui::Ui) -> R) -> R {
    let fill = ui.visuals().panel_fill;
    egui::CentralPanel::default()
        .frame(
            egui::Frame::new()
                .fill(fill)
                .inner_margin(egui::Margin::symmetric(24, 20)),
        )
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt(id)
                .auto_shrink([false, false])
                .show(ui, |ui| column(ui, READING_WIDTH + 120.0, add))
                .inner
        })
        .inner
}

/// A column no wider than `width`, centred in the space available.
pub fn column<R>(ui: &mut egui::Ui, width: f32, add: impl FnOnce(&mut egui::Ui) -> R) -> R {
    let available = ui.available_width();
    let width = width.min(available);
    let margin = ((available - width) / 2.0).max(0.0);
    ui.horizontal_top(|ui| {
        ui.add_space(margin);
        ui.vertical(|ui| {
            ui.set_width(width);
            add(ui)
        })
        .inner
    })
    .inner
}

/// Whether a key was pressed this frame while no text field has the keyboard.
pub fn key_pressed(ui: &egui::Ui, key: egui::Key) -> bool {
    let typing = ui.ctx().memory(|m| m.focused().is_some()) && ui.ctx().egui_wants_keyboard_input();
    !typing && ui.input(|i| i.key_pressed(key))
}

/// Seconds since the app started, for highlights that fade.
pub fn now(ui: &egui::Ui) -> f64 {
    ui.input(|i| i.time)
}
