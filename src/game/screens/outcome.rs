//! The outcome: what happened to the child — shown apart from how good the decision was.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::game::theme::UiSet;

use super::{Screen, key_pressed, page, root_ui};
use crate::engine::{Event, Hindsight};
use crate::game::session::{Drafts, Session};
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

/// Draws the outcome and the hindsight questions; the ratings when the trainee goes on to the debrief.
pub fn show(ui: &mut egui::Ui, session: &Session, drafts: &mut Drafts) -> Option<Hindsight> {
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
        ui.add_space(8.0);
        subheading(ui, "Now that you know");
        ui.horizontal(|ui| {
            let label = ui.label("How foreseeable was this outcome? (0 to 100)");
            ui.add(egui::Slider::new(&mut drafts.foreseeable, 0..=100))
                .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            let label = ui.label("How good was your decision? (0 to 100)");
            ui.add(egui::Slider::new(&mut drafts.quality_after, 0..=100))
                .labelled_by(label.id);
        });
        note(
            ui,
            "The debrief sets these beside what you said before you knew.",
        );
        ui.add_space(12.0);
        let go =
            primary_button(ui, "Go to the debrief").clicked() || key_pressed(ui, egui::Key::Enter);
        go.then(|| Hindsight {
            foreseeable: drafts.foreseeable.min(100) as u8,
            decision_quality: drafts.quality_after.min(100) as u8,
        })
    })
}

fn outcome_screen(
    mut contexts: EguiContexts,
    mut session: ResMut<Session>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut ui = root_ui(ctx);
    let t = ui.input(|i| i.time);
    let mut drafts = session.drafts.clone();
    let rated = show(&mut ui, &session, &mut drafts);
    if drafts != session.drafts {
        session.drafts = drafts;
    }
    if let Some(ratings) = rated {
        let already = session
            .play
            .log
            .events
            .iter()
            .any(|e| matches!(e, Event::Hindsight(_)));
        if !already {
            let _ = session.apply(Event::Hindsight(ratings), t);
        }
        next.set(Screen::Debrief);
    }
    Ok(())
}
