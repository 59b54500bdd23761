//! The briefing: who you are in this case, the referral, the explanations to weigh, your time.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::game::theme::UiSet;

use super::{Screen, key_pressed, page, root_ui};
use crate::cli::hours;
use crate::game::session::Session;
use crate::game::theme::{card, heading, note, primary_button, subheading};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        briefing_screen
            .in_set(UiSet)
            .run_if(in_state(Screen::Briefing).and_then(resource_exists::<Session>)),
    );
}

/// Draws the briefing; true when the trainee begins.
pub fn show(ui: &mut egui::Ui, session: &Session) -> bool {
    let case = session.case();
    let c = &case.case;
    page(ui, "briefing", |ui| {
        heading(ui, &c.title);
        note(
            ui,
            format!(
                "Seed {} — type it in the library to play this same case again.",
                session.play.seed()
            ),
        );
        card(ui, |ui| {
            subheading(ui, "You are");
            ui.label(&c.you_are);
        });
        card(ui, |ui| {
            subheading(ui, "The referral");
            for para in c.briefing.split("\n\n") {
                ui.label(para.trim());
            }
        });
        card(ui, |ui| {
            subheading(ui, "The explanations you will weigh");
            for h in c.hypotheses.values() {
                ui.label(format!("• {}", h.label));
            }
            note(
                ui,
                "At checkpoints you will spread 100% across these. Say what you believe, not what you think you should.",
            );
        });
        ui.label(format!(
            "Time available: {}. Every action shows what it costs; you cannot do everything.",
            hours(case.minutes_available)
        ));
        ui.add_space(12.0);
        let resuming = !session.play.log.events.is_empty();
        let label = if resuming {
            "Carry on where you left off"
        } else {
            "Begin"
        };
        primary_button(ui, label).clicked() || key_pressed(ui, egui::Key::Enter)
    })
}

fn briefing_screen(
    mut contexts: EguiContexts,
    session: Res<Session>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut ui = root_ui(ctx);
    if show(&mut ui, &session) {
        next.set(session.screen());
    }
    Ok(())
}
