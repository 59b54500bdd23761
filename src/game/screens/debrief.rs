//! The debrief, after the systems approach to case reviews: the child's journey (what was known when,
//! and by which agency), the trainee's belief beside the normative belief at each checkpoint, the
//! decision's expected loss beside the best available at the time, and the reasoning feedback.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::game::theme::UiSet;
use egui_plot::{Line, LineStyle, Plot, PlotPoints, Points};

use super::{Screen, page, root_ui};
use crate::engine::{Event, Playthrough};
use crate::game::session::Session;
use crate::game::theme::{bold, card, heading, note, primary_button, subheading};
use crate::judgement::debrief::{Debrief, debrief};
use crate::judgement::detectors::Verdict;
use crate::judgement::report::{Analysis, analyse};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        OnEnter(Screen::Debrief),
        analyse_once.run_if(resource_exists::<Session>),
    );
    app.add_systems(
        EguiPrimaryContextPass,
        debrief_screen
            .in_set(UiSet)
            .run_if(in_state(Screen::Debrief).and_then(resource_exists::<Session>)),
    );
}

/// Colours for the hypotheses' lines; each also has its own marker, so the plot reads in greyscale.
const LINE_COLOURS: [egui::Color32; 5] = [
    egui::Color32::from_rgb(0xB0, 0x3A, 0x2E),
    egui::Color32::from_rgb(0x1D, 0x5E, 0x9A),
    egui::Color32::from_rgb(0x2E, 0x7D, 0x32),
    egui::Color32::from_rgb(0x8E, 0x44, 0xAD),
    egui::Color32::from_rgb(0x9A, 0x6B, 0x00),
];

/// Draws the debrief; true when the trainee goes on to reflect.
pub fn show(ui: &mut egui::Ui, play: &Playthrough, d: &Debrief, analysis: &Analysis) -> bool {
    let case = &play.case;
    let labels: Vec<&str> = case
        .case
        .hypotheses
        .values()
        .map(|h| h.label.as_str())
        .collect();
    page(ui, "debrief", |ui| {
        heading(ui, "Debrief");
        ui.label(format!(
            "In this playthrough (seed {}), what was really happening: {}.",
            play.seed(),
            labels[d.truth]
        ));
        note(
            ui,
            "This review asks why each step made sense at the time, not who failed.",
        );
        ui.add_space(6.0);
        subheading(ui, "Your belief beside the evidence");
        if d.checkpoints.is_empty() {
            note(
                ui,
                "You gave no judgements, so there is nothing to compare.",
            );
        } else {
            belief_plot(ui, d, &labels);
            belief_table(ui, d, &labels);
        }
        ui.add_space(6.0);
        subheading(ui, "Your decision, by what was knowable then");
        decision_quality(ui, play, d);
        ui.add_space(6.0);
        subheading(ui, "The child's journey");
        journey(ui, play);
        ui.add_space(6.0);
        subheading(ui, "Feedback on your reasoning");
        reasoning(ui, analysis);
        if !case.case.teaching.is_empty() {
            ui.add_space(6.0);
            subheading(ui, "Points to take away");
            for t in &case.case.teaching {
                card(ui, |ui| {
                    ui.label(&t.point);
                    if !t.reference.is_empty() {
                        note(ui, &t.reference);
                    }
                });
            }
        }
        ui.add_space(12.0);
        primary_button(ui, "Reflect on this case").clicked()
    })
}

/// What the detectors found: the errors shown, each with its evidence and one thing to try, then what
/// was looked for and not shown, and what this playthrough gave too little to tell.
fn reasoning(ui: &mut egui::Ui, analysis: &Analysis) {
    note(
        ui,
        "Measured from what you did — what you looked for, how far you moved, when you decided — not from what you said about yourself.",
    );
    let shown: Vec<_> = analysis
        .reasoning
        .iter()
        .filter(|r| r.verdict == Verdict::Flagged)
        .collect();
    if shown.is_empty() {
        ui.label("None of the reasoning errors the game looks for showed in this playthrough.");
    }
    for r in shown {
        card(ui, |ui| {
            ui.label(egui::RichText::new(r.name).family(bold()));
            ui.label(&r.explanation);
            for e in &r.evidence {
                note(ui, format!("Step {}: {}", e.step, e.what));
            }
            ui.label(egui::RichText::new(format!("Next time: {}", r.prompt)).italics());
        });
    }
    let clear: Vec<&str> = analysis
        .reasoning
        .iter()
        .filter(|r| r.verdict == Verdict::NotShown)
        .map(|r| r.name)
        .collect();
    if !clear.is_empty() {
        ui.label(format!("Looked for and not shown: {}.", clear.join("; ")));
    }
    let unclear: Vec<&str> = analysis
        .reasoning
        .iter()
        .filter(|r| r.verdict == Verdict::NotEnough)
        .map(|r| r.name)
        .collect();
    if !unclear.is_empty() {
        note(
            ui,
            format!(
                "Not enough in this playthrough to tell: {}.",
                unclear.join("; ")
            ),
        );
    }
    let c = &analysis.calibration;
    note(
        ui,
        format!(
            "Calibration: Brier score {:.2} over {} judgements (stating the base rate would score {:.2}). One case is too few to judge calibration; it builds up over sessions.",
            c.brier, c.judgements, c.brier_prior
        ),
    );
}

fn belief_plot(ui: &mut egui::Ui, d: &Debrief, labels: &[&str]) {
    let markers = [
        egui_plot::MarkerShape::Circle,
        egui_plot::MarkerShape::Square,
        egui_plot::MarkerShape::Diamond,
        egui_plot::MarkerShape::Up,
        egui_plot::MarkerShape::Cross,
    ];
    Plot::new("belief-plot")
        .height(260.0)
        .include_y(0.0)
        .include_y(100.0)
        .include_x(0.8)
        .include_x(d.checkpoints.len() as f64 + 0.2)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        // Read, not handled: the chart area is no stop for Tab.
        .sense(egui::Sense::hover())
        .allow_boxed_zoom(false)
        .x_axis_label("Checkpoint")
        .y_axis_label("Probability (%)")
        .show(ui, |plot| {
            for (h, label) in labels.iter().enumerate() {
                let colour = LINE_COLOURS[h % LINE_COLOURS.len()];
                let normative: Vec<[f64; 2]> = d
                    .checkpoints
                    .iter()
                    .enumerate()
                    .map(|(i, c)| [i as f64 + 1.0, c.normative[h] * 100.0])
                    .collect();
                let stated: Vec<[f64; 2]> = d
                    .checkpoints
                    .iter()
                    .enumerate()
                    .map(|(i, c)| [i as f64 + 1.0, c.stated[h] * 100.0])
                    .collect();
                plot.line(
                    Line::new(
                        format!("{label}: evidence"),
                        PlotPoints::from(normative.clone()),
                    )
                    .color(colour)
                    .width(2.5),
                );
                plot.line(
                    Line::new(format!("{label}: you"), PlotPoints::from(stated.clone()))
                        .color(colour)
                        .width(2.0)
                        .style(LineStyle::dashed_loose()),
                );
                plot.points(
                    Points::new(format!("{label}: you"), PlotPoints::from(stated))
                        .color(colour)
                        .radius(5.0)
                        .shape(markers[h % markers.len()]),
                );
            }
        });
    ui.horizontal_wrapped(|ui| {
        for (h, label) in labels.iter().enumerate() {
            let colour = LINE_COLOURS[h % LINE_COLOURS.len()];
            let (rect, _) = ui.allocate_exact_size(egui::vec2(22.0, 12.0), egui::Sense::hover());
            ui.painter()
                .rect_filled(rect, egui::CornerRadius::same(3), colour);
            ui.label(*label);
            ui.add_space(12.0);
        }
    });
    note(
        ui,
        "Solid lines: what the findings so far warranted (a Bayesian reading of the case's figures). Dashed lines with markers: what you said.",
    );
}

fn belief_table(ui: &mut egui::Ui, d: &Debrief, labels: &[&str]) {
    note(
        ui,
        "Each cell: what you said · what the evidence warranted.",
    );
    egui::Grid::new("belief-table")
        .striped(true)
        .spacing([18.0, 6.0])
        .show(ui, |ui| {
            ui.label("");
            for label in labels {
                ui.scope(|ui| {
                    ui.set_max_width(200.0);
                    ui.add(egui::Label::new(egui::RichText::new(*label).family(bold())).wrap());
                });
            }
            ui.end_row();
            for (i, c) in d.checkpoints.iter().enumerate() {
                ui.label(format!(
                    "Checkpoint {} ({} findings)",
                    i + 1,
                    c.findings_known
                ));
                for h in 0..labels.len() {
                    ui.label(format!(
                        "{:.0}% · {:.0}%",
                        c.stated[h] * 100.0,
                        c.normative[h] * 100.0
                    ));
                }
                ui.end_row();
            }
        });
}

fn decision_quality(ui: &mut egui::Ui, play: &Playthrough, d: &Debrief) {
    let Some(q) = &d.decision else {
        note(ui, "No decision was made.");
        return;
    };
    let label = |i: usize| {
        play.case
            .case
            .decisions
            .values()
            .nth(i)
            .map_or("", |x| x.label.as_str())
    };
    card(ui, |ui| {
        ui.label(format!(
            "Your decision: {} — expected loss {:.1}",
            label(q.chosen),
            q.chosen_loss
        ));
        ui.label(format!(
            "The best available then: {} — expected loss {:.1}",
            label(q.best),
            q.best_loss
        ));
        if q.chosen == q.best || (q.chosen_loss - q.best_loss).abs() < 1e-9 {
            ui.label("On the evidence you had gathered, your decision was the best available.");
        } else {
            ui.label(format!("On the evidence you had gathered, your decision cost {:.1} more than the best available.", q.chosen_loss - q.best_loss));
        }
        note(
            ui,
            "Expected loss weighs what each decision costs under each explanation (missed harm, and needless intervention) by how likely each explanation was on the evidence at that moment. Lower is better. It does not depend on the outcome.",
        );
    });
}

fn journey(ui: &mut egui::Ui, play: &Playthrough) {
    let case = &play.case;
    for (i, event) in play.log.events.iter().enumerate() {
        let step = i + 1;
        let mut lines: Vec<egui::RichText> = Vec::new();
        match event {
            Event::Action(id) => {
                lines.push(egui::RichText::new(case.action_label(id)).family(bold()));
                for r in play.revealed.iter().filter(|r| r.step == step) {
                    let (agency, text) = case.finding_words(r.finding, r.present);
                    lines.push(egui::RichText::new(format!("{agency}: {text}")));
                }
            }
            Event::Judgement(j) => {
                let parts: Vec<String> = j
                    .probabilities
                    .iter()
                    .map(|(h, p)| {
                        format!(
                            "{} {:.0}%",
                            case.case.hypotheses.get(h).map_or(h, |x| x.label.as_str()),
                            p * 100.0
                        )
                    })
                    .collect();
                lines.push(
                    egui::RichText::new(format!("Your judgement: {}", parts.join(", "))).italics(),
                );
            }
            Event::Decision(dm) => {
                let label = case
                    .case
                    .decisions
                    .get(&dm.decision)
                    .map_or(dm.decision.as_str(), |x| x.label.as_str());
                lines.push(egui::RichText::new(format!("Your decision: {label}")).family(bold()));
            }
            Event::Reflection(_) | Event::Hindsight(_) => continue,
        }
        ui.horizontal_top(|ui| {
            ui.add_sized([36.0, 20.0], egui::Label::new(format!("{step}.")));
            ui.vertical(|ui| {
                ui.set_width(ui.available_width());
                for line in lines {
                    ui.add(egui::Label::new(line).wrap());
                }
            });
        });
    }
}

/// The debrief and the reasoning analysis, worked out once on entering the screen rather than on
/// every frame it is drawn (the analysis replays the whole playthrough).
#[derive(Resource)]
struct Analysed(Debrief, Analysis);

fn analyse_once(mut commands: Commands, session: Res<Session>) {
    commands.insert_resource(Analysed(debrief(&session.play), analyse(&session.play)));
}

fn debrief_screen(
    mut contexts: EguiContexts,
    session: Res<Session>,
    analysed: Option<Res<Analysed>>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let Some(analysed) = analysed else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    let mut ui = root_ui(ctx);
    if show(&mut ui, &session.play, &analysed.0, &analysed.1) {
        next.set(Screen::Reflection);
    }
    Ok(())
}
