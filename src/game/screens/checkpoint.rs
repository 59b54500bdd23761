//! The checkpoint: a slider per hypothesis that always adds up to 100% (moving one rebalances the
//! others; the numbers can be typed), the leading explanation, confidence, reasons, what would change
//! the trainee's mind, and how they feel about the family.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::game::theme::UiSet;

use super::case_view::{CaseFileTab, case_file_panel};
use super::{Screen, column, now, root_ui};
use crate::engine::{Event, Judgement};
use crate::game::Settings;
use crate::game::session::{Drafts, Session};
use crate::game::theme::{Palette, heading, note, primary_button, subheading};
use crate::judgement::spread::rebalance;
use crate::scenario::{OrderedMap, Scene};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        checkpoint_screen
            .in_set(UiSet)
            .run_if(in_state(Screen::Checkpoint).and_then(resource_exists::<Session>)),
    );
}

/// The judgement the drafts describe, once the trainee has given their reasons.
pub fn judgement_from(
    drafts: &Drafts,
    checkpoint: &str,
    hypotheses: &[String],
) -> Option<Judgement> {
    if drafts.reasons.trim().is_empty() || drafts.spread.len() != hypotheses.len() {
        return None;
    }
    let leading = drafts.leading.unwrap_or_else(|| top(&drafts.spread));
    let probabilities: OrderedMap<f64> = hypotheses
        .iter()
        .cloned()
        .zip(drafts.spread.iter().map(|&p| f64::from(p) / 100.0))
        .collect();
    Some(Judgement {
        checkpoint: checkpoint.to_string(),
        probabilities,
        leading: hypotheses.get(leading)?.clone(),
        confidence: drafts.confidence.min(100) as u8,
        reasons: drafts.reasons.trim().to_string(),
        change_mind: drafts.change_mind.trim().to_string(),
        feeling: drafts.feeling.trim().to_string(),
    })
}

pub fn top(spread: &[u32]) -> usize {
    (0..spread.len()).fold(0, |b, i| if spread[i] > spread[b] { i } else { b })
}

/// Draws the checkpoint; returns the judgement when the trainee records it.
pub fn show(
    ui: &mut egui::Ui,
    session: &Session,
    drafts: &mut Drafts,
    tab: &mut CaseFileTab,
    palette: Palette,
) -> Option<Judgement> {
    let case = session.case();
    let id = case.scenes[session.play.state.scene].id.clone();
    let prompt = match case.case.scenes.get(&id) {
        Some(Scene::Checkpoint(c)) => c.prompt.clone(),
        _ => String::new(),
    };
    case_file_panel(ui, "checkpoint-file", 0.32, session, tab, palette);
    let fill = ui.visuals().panel_fill;
    egui::CentralPanel::default()
        .frame(
            egui::Frame::new()
                .fill(fill)
                .inner_margin(egui::Margin::symmetric(28, 18)),
        )
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("checkpoint")
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    column(ui, 760.0, |ui| form(ui, session, drafts, &id, &prompt))
                })
                .inner
        })
        .inner
}

fn form(
    ui: &mut egui::Ui,
    session: &Session,
    drafts: &mut Drafts,
    id: &str,
    prompt: &str,
) -> Option<Judgement> {
    let case = session.case();
    heading(ui, "Checkpoint: your judgement now");
    ui.label(prompt);
    ui.add_space(6.0);
    subheading(ui, "How likely is each explanation?");
    note(
        ui,
        "Drag a slider or type a number; the others adjust so the total is always 100%.",
    );
    let labels: Vec<&str> = case
        .case
        .hypotheses
        .values()
        .map(|h| h.label.as_str())
        .collect();
    spread_grid(ui, "spread", &labels, &mut drafts.spread);
    note(ui, format!("Total: {}%", drafts.spread.iter().sum::<u32>()));
    ui.add_space(6.0);
    subheading(ui, "Which explanation is leading for you?");
    let current = drafts.leading.unwrap_or_else(|| top(&drafts.spread));
    ui.horizontal_wrapped(|ui| {
        for (i, label) in labels.iter().enumerate() {
            if ui.radio(current == i, *label).clicked() {
                drafts.leading = Some(i);
            }
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label("How confident are you in it?");
        ui.add(egui::Slider::new(&mut drafts.confidence, 0..=100).suffix("%"))
            .labelled_by(label.id);
    });
    text_field(ui, "Your reasons (required)", &mut drafts.reasons, 3);
    text_field(
        ui,
        "What would change your mind?",
        &mut drafts.change_mind,
        2,
    );
    text_field(
        ui,
        "How do you feel about this family right now? (optional)",
        &mut drafts.feeling,
        1,
    );
    ui.add_space(8.0);
    let ready = !drafts.reasons.trim().is_empty();
    let response = ui
        .add_enabled_ui(ready, |ui| primary_button(ui, "Record my judgement"))
        .inner;
    if !ready {
        note(
            ui,
            "Say why, in a sentence or two, before recording your judgement.",
        );
    }
    if response.clicked() {
        return judgement_from(drafts, id, &case.hypotheses);
    }
    None
}

/// A slider and a number per hypothesis, always adding up to 100 (moving one rebalances the others).
pub fn spread_grid(ui: &mut egui::Ui, id: &str, labels: &[&str], spread: &mut [u32]) {
    egui::Grid::new(id)
        .num_columns(3)
        .spacing([16.0, 10.0])
        .show(ui, |ui| {
            for (i, label) in labels.iter().enumerate() {
                let mut value = spread.get(i).copied().unwrap_or(0);
                let name = ui.scope(|ui| {
                    ui.set_max_width(280.0);
                    ui.add(egui::Label::new(*label).wrap())
                });
                let name = name.inner;
                let slider = ui
                    .add(
                        egui::Slider::new(&mut value, 0..=100)
                            .suffix("%")
                            .show_value(false),
                    )
                    .labelled_by(name.id);
                let typed = ui
                    .add(egui::DragValue::new(&mut value).range(0..=100).suffix("%"))
                    .labelled_by(name.id);
                if (slider.changed() || typed.changed()) && spread.get(i) != Some(&value) {
                    rebalance(spread, i, value);
                }
                ui.end_row();
            }
        });
}

/// A labelled multi-line text field.
pub fn text_field(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    rows: usize,
) -> egui::Response {
    let name = ui.label(label);
    ui.add(
        egui::TextEdit::multiline(text)
            .desired_rows(rows)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(name.id)
}

fn checkpoint_screen(
    mut contexts: EguiContexts,
    mut session: ResMut<Session>,
    mut tab: ResMut<CaseFileTab>,
    settings: Res<Settings>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut ui = root_ui(ctx);
    let t = now(&ui);
    let mut drafts = session.drafts.clone();
    let submitted = show(
        &mut ui,
        &session,
        &mut drafts,
        &mut tab,
        Palette::of(&settings),
    );
    if drafts != session.drafts {
        session.drafts = drafts;
    }
    if let Some(judgement) = submitted
        && session.apply(Event::Judgement(judgement), t).is_ok()
    {
        next.set(session.screen());
    }
    Ok(())
}
