//! Reflection: the supervision questions (Munro 2011), saved with the playthrough.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::game::theme::UiSet;

use super::checkpoint::text_field;
use super::{Screen, now, page, root_ui};
use crate::engine::{Event, Reflection};
use crate::game::session::{ContinueOffer, Drafts, Session};
use crate::game::theme::{heading, note, primary_button};

pub use crate::cli::play::REFLECTIONS as QUESTIONS;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        reflection_screen
            .in_set(UiSet)
            .run_if(in_state(Screen::Reflection).and_then(resource_exists::<Session>)),
    );
}

/// Draws the questions; returns the answers given when the trainee saves them.
pub fn show(ui: &mut egui::Ui, drafts: &mut Drafts) -> Option<Vec<Reflection>> {
    drafts.reflections.resize(QUESTIONS.len(), String::new());
    page(ui, "reflection", |ui| {
        heading(ui, "Reflection");
        ui.label("As in supervision: say what your gut told you and why, notice what you felt, and name what would most have changed your mind. Your answers are saved with this playthrough.");
        for (q, answer) in QUESTIONS.iter().zip(drafts.reflections.iter_mut()) {
            ui.add_space(4.0);
            text_field(ui, q, answer, 3);
        }
        note(ui, "Any question can be left blank.");
        ui.add_space(8.0);
        if !primary_button(ui, "Save and finish").clicked() {
            return None;
        }
        Some(
            QUESTIONS
                .iter()
                .zip(&drafts.reflections)
                .filter(|(_, a)| !a.trim().is_empty())
                .map(|(q, a)| Reflection {
                    question: q.to_string(),
                    answer: a.trim().to_string(),
                })
                .collect(),
        )
    })
}

fn reflection_screen(
    mut contexts: EguiContexts,
    mut session: ResMut<Session>,
    mut offer: ResMut<ContinueOffer>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut ui = root_ui(ctx);
    let t = now(&ui);
    let mut drafts = session.drafts.clone();
    let saved = show(&mut ui, &mut drafts);
    if drafts != session.drafts {
        session.drafts = drafts;
    }
    if let Some(answers) = saved {
        for answer in answers {
            let _ = session.apply(Event::Reflection(answer), t);
        }
        session.finish();
        offer.0 = None;
        next.set(Screen::Title);
    }
    Ok(())
}
