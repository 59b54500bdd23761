//! The settings screen: text size and a high-contrast theme, kept between runs.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::game::theme::UiSet;

use super::{Screen, page, root_ui};
use crate::game::settings::Settings;
use crate::game::theme::{heading, note, primary_button};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        settings_screen
            .in_set(UiSet)
            .run_if(in_state(Screen::Settings)),
    );
}

/// Draws the settings; returns true when the trainee is done.
pub fn show(ui: &mut egui::Ui, settings: &mut Settings) -> bool {
    page(ui, "settings", |ui| {
        heading(ui, "Settings");
        ui.horizontal(|ui| {
            let label = ui.label("Text size");
            ui.add(
                egui::Slider::new(&mut settings.text_scale, 0.75..=2.0)
                    .step_by(0.05)
                    .show_value(true),
            )
            .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            for (name, scale) in [
                ("Smaller", 0.9),
                ("Standard", 1.0),
                ("Larger", 1.25),
                ("Largest", 1.5),
            ] {
                if ui
                    .selectable_label((settings.text_scale - scale).abs() < 0.01, name)
                    .clicked()
                {
                    settings.text_scale = scale;
                }
            }
        });
        ui.checkbox(
            &mut settings.high_contrast,
            "High contrast (white and yellow on black)",
        );
        note(
            ui,
            "Everything can be done with the keyboard: Tab moves between controls, Enter or Space presses the one in focus, and number keys pick actions in a case.",
        );
        ui.add_space(16.0);
        primary_button(ui, "Done").clicked()
    })
}

fn settings_screen(
    mut contexts: EguiContexts,
    mut settings: ResMut<Settings>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut ui = root_ui(ctx);
    let mut draft = settings.clone();
    if show(&mut ui, &mut draft) {
        next.set(Screen::Title);
    }
    if draft != *settings {
        *settings = draft;
    }
    Ok(())
}
