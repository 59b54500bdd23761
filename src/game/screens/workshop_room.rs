//! The workshop on the projector: where to join (address, room code, QR code), the scene and the
//! actions, what the room knows and how much each agency still holds, and the checkpoint cycle —
//! private judgement (only the count shows), the revealed spread, devil's advocate, discussion
//! questions, the room's judgement with detector 17 — then the decision and the printable report.
//! It never shows what an agency holds until the agency shares it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use serde_json::Value;

use super::checkpoint::{spread_grid, text_field, top};
use super::{Screen, column, root_ui};
use crate::cli::play::NOT_A_TOOL;
use crate::game::theme::{
    Palette, UiSet, bold, card, heading, note, palette, primary_button, subheading,
};
use crate::game::workshop::RunningWorkshop;
use crate::judgement::spread::from_probabilities;
use crate::workshop::room::JudgementBody;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<RoomDrafts>();
    app.add_systems(
        EguiPrimaryContextPass,
        room_screen
            .in_set(UiSet)
            .run_if(in_state(Screen::Workshop).and_then(resource_exists::<RunningWorkshop>)),
    );
    app.add_systems(
        EguiPrimaryContextPass,
        nothing_running
            .in_set(UiSet)
            .run_if(in_state(Screen::Workshop).and_then(not(resource_exists::<RunningWorkshop>))),
    );
}

/// The trainer's unsent input and what the screen last had to say.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct RoomDrafts {
    /// The checkpoint the group spread was set up for.
    pub spread_for: Option<String>,
    pub spread: Vec<u32>,
    pub leading: Option<usize>,
    pub reasons: String,
    pub decision: Option<String>,
    pub rationale: String,
    pub show_questions: bool,
    pub show_reasons: bool,
    pub hide_join: bool,
    pub message: Option<String>,
    pub polarisation: Option<String>,
    pub files: Option<(PathBuf, PathBuf)>,
}

/// What the trainer asked for.
#[derive(Debug, Clone)]
pub enum RoomIntent {
    Action(String),
    Sharing(bool),
    Open,
    Close,
    Reveal,
    DevilsAdvocate,
    Group(JudgementBody),
    Decide(String, String),
    Save,
    Leave,
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

fn list(v: &Value) -> &[Value] {
    v.as_array().map_or(&[], Vec::as_slice)
}

/// Everything the screen needs, read from the room at once.
pub struct RoomView {
    pub state: Value,
    pub results: Option<Value>,
    pub hypotheses: Vec<(String, String)>,
}

impl RoomView {
    pub fn read(running: &RunningWorkshop) -> RoomView {
        let room = running.live.room();
        let state = room.facilitator_view(Value::Null);
        let revealed = state["checkpoint"]["status"] == "revealed";
        let results = revealed
            .then(|| room.results(text(&state["checkpoint"]["id"])).ok())
            .flatten();
        let hypotheses = room
            .case
            .case
            .hypotheses
            .iter()
            .map(|(id, h)| (id.to_string(), h.label.clone()))
            .collect();
        RoomView {
            state,
            results,
            hypotheses,
        }
    }
}

/// Draws the room; returns what the trainer asked for.
pub fn show(
    ui: &mut egui::Ui,
    view: &RoomView,
    running: &RunningWorkshop,
    drafts: &mut RoomDrafts,
) -> Option<RoomIntent> {
    let mut intent = None;
    if !drafts.hide_join {
        let panel = ui.visuals().window_fill;
        egui::Panel::right("workshop-join")
            .resizable(false)
            .exact_size((ui.available_width() * 0.3).clamp(260.0, 420.0))
            .frame(
                egui::Frame::new()
                    .fill(panel)
                    .inner_margin(egui::Margin::symmetric(16, 10)),
            )
            .show(ui, |ui| join_panel(ui, view, running));
    }
    egui::Panel::bottom("workshop-controls")
        .frame(
            egui::Frame::new()
                .fill(ui.visuals().window_fill)
                .inner_margin(egui::Margin::symmetric(16, 8)),
        )
        .show(ui, |ui| controls(ui, view, drafts, &mut intent));
    let fill = ui.visuals().panel_fill;
    egui::CentralPanel::default()
        .frame(
            egui::Frame::new()
                .fill(fill)
                .inner_margin(egui::Margin::symmetric(24, 16)),
        )
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("workshop-room")
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    column(ui, 900.0, |ui| main_column(ui, view, drafts, &mut intent))
                });
        });
    intent
}

fn join_panel(ui: &mut egui::Ui, view: &RoomView, running: &RunningWorkshop) {
    ui.add_space(12.0);
    subheading(ui, "Join on your phone");
    if let Some((modules, width)) = &running.qr {
        paint_qr(ui, modules, *width, ui.available_width().min(300.0));
    }
    ui.label(egui::RichText::new(&running.server.join.base).size(20.0));
    ui.label("Room code");
    let code = text(&view.state["room"]);
    ui.label(
        egui::RichText::new(code)
            .family(bold())
            .size(54.0)
            .extra_letter_spacing(6.0),
    );
    let people = list(&view.state["participants"]);
    ui.label(format!(
        "{} joined",
        match people.len() {
            1 => "1 person has".to_string(),
            n => format!("{n} people have"),
        }
    ));
    note(ui, format!("Listening on {}.", running.reach));
}

/// Paints a QR code as dark squares on white, with its quiet zone.
fn paint_qr(ui: &mut egui::Ui, modules: &[bool], width: usize, size: f32) {
    let (rect, response) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::WidgetType::Other,
            true,
            "QR code for the join address",
        )
    });
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, egui::Color32::WHITE);
    let cell = size / (width + 8) as f32;
    for (i, _) in modules.iter().enumerate().filter(|(_, d)| **d) {
        let (x, y) = ((i % width + 4) as f32, (i / width + 4) as f32);
        let min = rect.min + egui::vec2(x * cell, y * cell);
        painter.rect_filled(
            egui::Rect::from_min_size(min, egui::vec2(cell + 0.5, cell + 0.5)),
            0.0,
            egui::Color32::BLACK,
        );
    }
}

fn main_column(
    ui: &mut egui::Ui,
    view: &RoomView,
    drafts: &mut RoomDrafts,
    intent: &mut Option<RoomIntent>,
) {
    let s = &view.state;
    heading(ui, text(&s["case"]["title"]));
    if let Some(m) = &drafts.message {
        ui.colored_label(palette(ui).warning, m);
    }
    match text(&s["phase"]) {
        "judging" | "closed" | "revealed" => round(ui, view, drafts, intent),
        "decide" => decide(ui, view, drafts, intent),
        "finished" => finished(ui, view, drafts),
        _ if !s["at_checkpoint"].is_null() => at_checkpoint(ui, view, drafts, intent),
        _ => scene(ui, view, intent),
    }
    ui.add_space(14.0);
    table(ui, view);
}

fn scene(ui: &mut egui::Ui, view: &RoomView, intent: &mut Option<RoomIntent>) {
    let s = &view.state;
    if let Some(chapter) = s["scene"]["chapter"].as_str() {
        note(ui, chapter);
    }
    for para in text(&s["scene"]["text"]).split("\n\n") {
        ui.label(egui::RichText::new(para).size(20.0));
        ui.add_space(4.0);
    }
    subheading(
        ui,
        format!(
            "What will the room do? ({:.1} hours left)",
            s["hours_left"].as_f64().unwrap_or(0.0)
        ),
    );
    for (i, a) in list(&s["actions"]).iter().enumerate() {
        let label = format!(
            "{}. {} ({} h)",
            i + 1,
            text(&a["label"]),
            a["hours"].as_f64().unwrap_or(0.0)
        );
        let pressed = ui.button(egui::RichText::new(label).size(18.0)).clicked();
        let key = number_key(i).is_some_and(|k| super::key_pressed(ui, k));
        if pressed || key {
            *intent = Some(RoomIntent::Action(text(&a["id"]).to_string()));
        }
    }
}

fn number_key(i: usize) -> Option<egui::Key> {
    use egui::Key::*;
    [Num1, Num2, Num3, Num4, Num5, Num6, Num7, Num8, Num9]
        .get(i)
        .copied()
}

fn at_checkpoint(
    ui: &mut egui::Ui,
    view: &RoomView,
    drafts: &mut RoomDrafts,
    intent: &mut Option<RoomIntent>,
) {
    let s = &view.state;
    subheading(ui, "Checkpoint");
    ui.label(egui::RichText::new(text(&s["scene"]["text"])).size(18.0));
    ui.add_space(6.0);
    ui.label("Ask everyone to judge on their own device, before anyone speaks.");
    if primary_button(ui, "Open private judgement").clicked() {
        *intent = Some(RoomIntent::Open);
    }
    ui.add_space(6.0);
    group_form(ui, view, drafts, intent);
}

fn round(
    ui: &mut egui::Ui,
    view: &RoomView,
    drafts: &mut RoomDrafts,
    intent: &mut Option<RoomIntent>,
) {
    let c = &view.state["checkpoint"];
    subheading(ui, "Checkpoint");
    ui.label(egui::RichText::new(text(&c["prompt"])).size(18.0));
    let answered = c["submissions"].as_u64().unwrap_or(0);
    let people = list(&view.state["participants"]).len();
    ui.label(
        egui::RichText::new(format!("{answered} of {people} answered"))
            .family(bold())
            .size(40.0),
    );
    match text(&c["status"]) {
        "open" => {
            note(
                ui,
                "Judgements stay private: only the count shows until you reveal the spread.",
            );
            if primary_button(ui, "Close judgement").clicked() {
                *intent = Some(RoomIntent::Close);
            }
        }
        "closed" => {
            if primary_button(ui, "Reveal the spread").clicked() {
                *intent = Some(RoomIntent::Reveal);
            }
        }
        _ => {
            if let Some(results) = &view.results {
                spread(ui, results, drafts);
            }
            ui.add_space(8.0);
            group_form(ui, view, drafts, intent);
        }
    }
}

/// A histogram per hypothesis: how many put it in each band of ten points.
fn spread(ui: &mut egui::Ui, results: &Value, drafts: &mut RoomDrafts) {
    let p = palette(ui);
    for h in list(&results["hypotheses"]) {
        let counts: Vec<u64> = list(&h["histogram"])
            .iter()
            .map(|n| n.as_u64().unwrap_or(0))
            .collect();
        ui.label(
            egui::RichText::new(format!(
                "{} — mean {:.0}%, {} lean to it",
                text(&h["label"]),
                h["mean"].as_f64().unwrap_or(0.0),
                h["leading"].as_u64().unwrap_or(0)
            ))
            .size(18.0),
        );
        histogram(ui, &counts, p);
    }
    let harm = &results["harm"];
    if let (Some(lo), Some(hi)) = (harm["min"].as_f64(), harm["max"].as_f64()) {
        note(
            ui,
            format!(
                "Probability of harm: from {lo:.0}% to {hi:.0}%, mean {:.0}%.",
                harm["mean"].as_f64().unwrap_or(0.0)
            ),
        );
    }
    ui.checkbox(
        &mut drafts.show_reasons,
        "Show the reasons given (anonymous)",
    );
    if drafts.show_reasons {
        for r in list(&results["reasons"]) {
            ui.label(format!("• {}", text(r)));
        }
    }
}

fn histogram(ui: &mut egui::Ui, counts: &[u64], p: Palette) {
    let (rect, response) = ui.allocate_exact_size(
        egui::vec2(ui.available_width().min(640.0), 70.0),
        egui::Sense::hover(),
    );
    let words: Vec<String> = counts
        .iter()
        .enumerate()
        .map(|(i, n)| format!("{}–{}%: {n}", i * 10, i * 10 + 9))
        .collect();
    response
        .widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Other, true, words.join(", ")));
    let painter = ui.painter_at(rect);
    let most = counts.iter().copied().max().unwrap_or(0).max(1) as f32;
    let band = rect.width() / counts.len().max(1) as f32;
    let font = egui::FontId::proportional(12.0);
    for (i, &n) in counts.iter().enumerate() {
        let x = rect.left() + band * i as f32;
        let h = (rect.height() - 32.0) * n as f32 / most;
        let bar = egui::Rect::from_min_max(
            egui::pos2(x + 2.0, rect.bottom() - 16.0 - h),
            egui::pos2(x + band - 2.0, rect.bottom() - 16.0),
        );
        painter.rect_filled(bar, 2.0, if n > 0 { p.accent } else { p.border });
        if n > 0 {
            painter.text(
                bar.center_top() - egui::vec2(0.0, 1.0),
                egui::Align2::CENTER_BOTTOM,
                n.to_string(),
                font.clone(),
                p.text,
            );
        }
        painter.text(
            egui::pos2(x + band / 2.0, rect.bottom()),
            egui::Align2::CENTER_BOTTOM,
            format!("{}", i * 10),
            font.clone(),
            p.muted,
        );
    }
}

fn group_form(
    ui: &mut egui::Ui,
    view: &RoomView,
    drafts: &mut RoomDrafts,
    intent: &mut Option<RoomIntent>,
) {
    let checkpoint = view.state["checkpoint"]["id"]
        .as_str()
        .or(view.state["at_checkpoint"].as_str())
        .unwrap_or("")
        .to_string();
    if drafts.spread_for.as_deref() != Some(checkpoint.as_str())
        || drafts.spread.len() != view.hypotheses.len()
    {
        let mean: Vec<f64> = match &view.results {
            Some(r) => list(&r["hypotheses"])
                .iter()
                .map(|h| h["mean"].as_f64().unwrap_or(0.0) / 100.0)
                .collect(),
            None => vec![1.0 / view.hypotheses.len().max(1) as f64; view.hypotheses.len()],
        };
        drafts.spread = from_probabilities(&mean);
        drafts.spread_for = Some(checkpoint.clone());
        drafts.leading = None;
    }
    card(ui, |ui| {
        subheading(ui, "The room's judgement, after discussion");
        let labels: Vec<&str> = view.hypotheses.iter().map(|(_, l)| l.as_str()).collect();
        spread_grid(ui, "group-spread", &labels, &mut drafts.spread);
        let current = drafts.leading.unwrap_or_else(|| top(&drafts.spread));
        ui.horizontal_wrapped(|ui| {
            ui.label("Leading:");
            for (i, label) in labels.iter().enumerate() {
                if ui.radio(current == i, *label).clicked() {
                    drafts.leading = Some(i);
                }
            }
        });
        text_field(ui, "What the room agreed, and why", &mut drafts.reasons, 2);
        if primary_button(ui, "Record the room's judgement").clicked() {
            let probabilities: BTreeMap<String, f64> = view
                .hypotheses
                .iter()
                .zip(&drafts.spread)
                .map(|((id, _), &p)| (id.clone(), p as f64))
                .collect();
            *intent = Some(RoomIntent::Group(JudgementBody {
                checkpoint: None,
                probabilities,
                leading: view.hypotheses[current.min(view.hypotheses.len() - 1)]
                    .0
                    .clone(),
                reasons: drafts.reasons.clone(),
            }));
        }
    });
}

fn decide(
    ui: &mut egui::Ui,
    view: &RoomView,
    drafts: &mut RoomDrafts,
    intent: &mut Option<RoomIntent>,
) {
    subheading(ui, "The room's decision");
    ui.label(egui::RichText::new(text(&view.state["scene"]["text"])).size(20.0));
    for d in list(&view.state["decisions"]) {
        let id = text(&d["id"]).to_string();
        if ui
            .radio(
                drafts.decision.as_deref() == Some(id.as_str()),
                text(&d["label"]),
            )
            .clicked()
        {
            drafts.decision = Some(id);
        }
    }
    text_field(ui, "The room's reasons", &mut drafts.rationale, 2);
    let ready = drafts.decision.is_some();
    if !ready {
        note(ui, "Choose the room's decision first.");
    }
    if ui
        .add_enabled_ui(ready, |ui| primary_button(ui, "Record the room's decision"))
        .inner
        .clicked()
        && let Some(d) = &drafts.decision
    {
        *intent = Some(RoomIntent::Decide(d.clone(), drafts.rationale.clone()));
    }
}

fn finished(ui: &mut egui::Ui, view: &RoomView, drafts: &RoomDrafts) {
    subheading(ui, "What happened");
    ui.label(egui::RichText::new(text(&view.state["outcome"])).size(20.0));
    note(
        ui,
        "Judge the decision by what was knowable when it was made, not by how it turned out.",
    );
    if let Some((report, briefs)) = &drafts.files {
        ui.label(format!("The report is saved at {}", report.display()));
        ui.label(format!("The role briefs are saved at {}", briefs.display()));
        note(ui, "Open them in a browser and print (A4).");
    }
}

/// What the room knows, and how much each agency still holds.
fn table(ui: &mut egui::Ui, view: &RoomView) {
    let s = &view.state;
    subheading(ui, "What the room knows");
    let public = list(&s["public"]);
    if public.is_empty() {
        note(ui, "Nothing yet.");
    }
    for f in public {
        let by = f["shared_by"]
            .as_str()
            .map(|a| format!(" — shared by {a}"))
            .unwrap_or_default();
        ui.label(format!(
            "• {} ({}{by})",
            text(&f["text"]),
            text(&f["agency"])
        ));
    }
    for h in list(&s["held"]) {
        let n = h["unshared"].as_u64().unwrap_or(0);
        if n > 0 {
            note(
                ui,
                format!(
                    "{} holds {} the room has not heard.",
                    text(&h["label"]),
                    if n == 1 {
                        "1 finding".to_string()
                    } else {
                        format!("{n} findings")
                    }
                ),
            );
        }
    }
    if let Some(p) = s["devils_advocate"].as_object() {
        let who = p
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .unwrap_or("someone");
        ui.label(egui::RichText::new(format!("Devil's advocate: {who}")).family(bold()));
    }
}

fn controls(
    ui: &mut egui::Ui,
    view: &RoomView,
    drafts: &mut RoomDrafts,
    intent: &mut Option<RoomIntent>,
) {
    let s = &view.state;
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        let open = s["sharing_open"].as_bool().unwrap_or(false);
        let label = if open {
            "End the strategy discussion"
        } else {
            "Open a strategy discussion"
        };
        if ui.button(label).clicked() {
            *intent = Some(RoomIntent::Sharing(!open));
        }
        if ui.button("Devil's advocate").clicked() {
            *intent = Some(RoomIntent::DevilsAdvocate);
        }
        let questions = list(&s["discussion"]);
        if !questions.is_empty() {
            ui.toggle_value(&mut drafts.show_questions, "Discussion questions");
        }
        ui.toggle_value(&mut drafts.hide_join, "Hide the join panel");
        if ui.button("Save report and role briefs").clicked() {
            *intent = Some(RoomIntent::Save);
        }
        let leave = if s["phase"] == "finished" {
            "Close the workshop"
        } else {
            "Leave (the workshop can be resumed)"
        };
        if ui.button(leave).clicked() {
            *intent = Some(RoomIntent::Leave);
        }
    });
    if drafts.show_questions {
        for q in list(&s["discussion"]) {
            ui.label(egui::RichText::new(format!("• {}", text(q))).size(20.0));
        }
    }
    if let Some(p) = &drafts.polarisation {
        note(ui, p);
    }
    if let Some((report, _)) = &drafts.files {
        note(ui, format!("Saved: {}", report.display()));
    }
    note(ui, NOT_A_TOOL);
}

fn apply(
    intent: RoomIntent,
    running: &RunningWorkshop,
    drafts: &mut RoomDrafts,
) -> Result<bool, String> {
    let live = &running.live;
    let refused = |r: crate::workshop::Refusal| r.message;
    match intent {
        RoomIntent::Action(id) => live.change(|r| r.take_action(&id)).map_err(refused)?,
        RoomIntent::Sharing(open) => live
            .change(|r| {
                r.set_sharing(open);
                Ok(())
            })
            .map_err(refused)?,
        RoomIntent::Open => live
            .change(|r| r.open_round(None))
            .map(drop)
            .map_err(refused)?,
        RoomIntent::Close => live
            .change(|r| r.close_round())
            .map(drop)
            .map_err(refused)?,
        RoomIntent::Reveal => live.change(|r| r.reveal()).map(drop).map_err(refused)?,
        RoomIntent::DevilsAdvocate => live
            .change(|r| r.next_devils_advocate())
            .map(drop)
            .map_err(refused)?,
        RoomIntent::Group(body) => {
            let g = live.record_group(&body).map_err(refused)?;
            drafts.polarisation = Some(format!(
                "Detector 17 (polarisation and groupthink): {}",
                g.polarisation
            ));
            drafts.reasons.clear();
        }
        RoomIntent::Decide(d, why) => {
            live.change(|r| r.decide(&d, &why)).map_err(refused)?;
            drafts.files = Some(live.finish()?);
        }
        RoomIntent::Save => drafts.files = Some(live.write_files()?),
        RoomIntent::Leave => return Ok(true),
    }
    Ok(false)
}

fn room_screen(
    mut contexts: EguiContexts,
    running: Res<RunningWorkshop>,
    mut drafts: ResMut<RoomDrafts>,
    mut commands: Commands,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut ui = root_ui(ctx);
    let view = RoomView::read(&running);
    let mut edited = drafts.clone();
    if let Some(intent) = show(&mut ui, &view, &running, &mut edited) {
        match apply(intent, &running, &mut edited) {
            Ok(true) => {
                commands.remove_resource::<RunningWorkshop>();
                edited = RoomDrafts::default();
                next.set(Screen::Title);
            }
            Ok(false) => edited.message = None,
            Err(e) => edited.message = Some(e),
        }
    }
    if *drafts != edited {
        *drafts = edited;
    }
    Ok(())
}

fn nothing_running(mut contexts: EguiContexts, mut next: ResMut<NextState<Screen>>) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut ui = root_ui(ctx);
    super::page(&mut ui, "no-workshop", |ui| {
        ui.label("No workshop is running.");
        if ui.button("Back to the title screen").clicked() {
            next.set(Screen::Title);
        }
    });
    Ok(())
}
