//! The decision: the closed set of decisions the case offers, with a written rationale.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::game::theme::UiSet;

use super::checkpoint::text_field;
use super::{Screen, now, page, root_ui};
use crate::engine::{DecisionMade, Event};
use crate::game::session::{Drafts, Session};
use crate::game::theme::{bold, heading, note, primary_button, subheading};
use crate::scenario::Scene;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        decision_screen
            .in_set(UiSet)
            .run_if(in_state(Screen::Decision).and_then(resource_exists::<Session>)),
    );
}

/// Draws the decision point; returns the decision when the trainee makes it.
pub fn show(ui: &mut egui::Ui, session: &Session, drafts: &mut Drafts) -> Option<DecisionMade> {
    let case = session.case();
    let id = &case.scenes[session.play.state.scene].id;
    let prompt = match case.case.scenes.get(id) {
        Some(Scene::Decide(d)) => d.prompt.clone(),
        _ => String::new(),
    };
    let offered = session.play.offered_decisions().to_vec();
    page(ui, "decision", |ui| {
        heading(ui, "Your decision");
        ui.label(&prompt);
        ui.add_space(6.0);
        subheading(ui, "What will you do?");
        for &d in &offered {
            let decision = case.case.decisions.values().nth(d)?;
            let selected = drafts.decision == Some(d);
            if ui
                .radio(
                    selected,
                    egui::RichText::new(&decision.label).family(bold()),
                )
                .clicked()
            {
                drafts.decision = Some(d);
            }
            if !decision.about.is_empty() {
                ui.indent(("about", d), |ui| note(ui, &decision.about));
            }
        }
        ui.add_space(6.0);
        text_field(
            ui,
            "Your rationale, as you would record it (required)",
            &mut drafts.rationale,
            4,
        );
        ui.horizontal(|ui| {
            let label = ui.label("How good a decision is this, on what you know now? (0 to 100)");
            ui.add(egui::Slider::new(&mut drafts.quality, 0..=100))
                .labelled_by(label.id);
        });
        let ready = drafts.decision.is_some() && !drafts.rationale.trim().is_empty();
        let clicked = ui
            .add_enabled_ui(ready, |ui| primary_button(ui, "Make this decision"))
            .inner
            .clicked();
        if !ready {
            note(ui, "Choose a decision and record why.");
        }
        let chosen = drafts.decision.filter(|_| clicked && ready)?;
        Some(DecisionMade {
            decision: case.decisions[chosen].id.clone(),
            rationale: drafts.rationale.trim().to_string(),
            quality: Some(drafts.quality.min(100) as u8),
        })
    })
}

fn decision_screen(
    mut contexts: EguiContexts,
    mut session: ResMut<Session>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut ui = root_ui(ctx);
    let t = now(&ui);
    let mut drafts = session.drafts.clone();
    let made = show(&mut ui, &session, &mut drafts);
    if drafts != session.drafts {
        session.drafts = drafts;
    }
    if let Some(decision) = made
        && session.apply(Event::Decision(decision), t).is_ok()
    {
        next.set(Screen::Outcome);
    }
    Ok(())
}
