//! The outcome: what happened to the child — shown apart from how good the decision was.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::game::theme::UiSet;

use super::{Screen, key_pressed, page, root_ui};
use crate::game::session::Session;
use crate::game::theme::{card, heading, note, primary_button, subheading};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        outcome_screen
            .in_set(UiSet)
            .run_if(in_state(Screen::Outcome).and_then(resource_exists::<Session>)),
    );
}

/// The reminder shown with every outcome.
pub const OUTCOME_IS_NOT_QUALITY: &str = "The outcome is not the measure of the decision. The world is uncertain: a sound decision \
     can meet a bad outcome, and a poor one can be lucky. The debrief scores your decision by what was knowable when you made it.";

/// Draws the outcome; true when the trainee goes on to the debrief.
pub fn show(ui: &mut egui::Ui, session: &Session) -> bool {
    let case = session.case();
    page(ui, "outcome", |ui| {
        heading(ui, "What happened");
        if let Some((_, d)) = session.play.decision() {
            let label = case
                .case
                .decisions
                .get(&d.decision)
                .map_or(d.decision.as_str(), |x| x.label.as_str());
            note(ui, format!("You decided: {label}"));
        }
        card(ui, |ui| {
            for para in session.play.outcome().unwrap_or("").split("\n\n") {
                ui.label(para.trim());
            }
        });
        ui.add_space(8.0);
        subheading(ui, "Outcome and decision are not the same");
        ui.label(OUTCOME_IS_NOT_QUALITY);
        ui.add_space(12.0);
        primary_button(ui, "Go to the debrief").clicked() || key_pressed(ui, egui::Key::Enter)
    })
}

fn outcome_screen(
    mut contexts: EguiContexts,
    session: Res<Session>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut ui = root_ui(ctx);
    if show(&mut ui, &session) {
        next.set(Screen::Debrief);
    }
    Ok(())
}
