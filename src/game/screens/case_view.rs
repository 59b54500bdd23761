//! The case: the scene's text, the actions on offer with their time and what they involve, and the
//! case file of every finding so far — by agency, or as a chronology — with new ones highlighted.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::game::theme::UiSet;

use super::{Screen, key_pressed, now, root_ui};
use crate::cli::hours;
use crate::cli::play::kind_words;
use crate::engine::{Event, Stage};
use crate::game::session::{ContinueOffer, Session, read_unfinished};
use crate::game::theme::{Palette, bold, meter, note, subheading};
use crate::game::{Pictures, Settings, theme};
use crate::scenario::Scene;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<CaseFileTab>();
    app.add_systems(
        EguiPrimaryContextPass,
        case_screen
            .in_set(UiSet)
            .run_if(in_state(Screen::Case).and_then(resource_exists::<Session>)),
    );
}

/// Which view of the case file is open.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CaseFileTab {
    #[default]
    ByAgency,
    Chronology,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseIntent {
    Act(String),
    Leave,
}

const NUMBER_KEYS: [egui::Key; 9] = [
    egui::Key::Num1,
    egui::Key::Num2,
    egui::Key::Num3,
    egui::Key::Num4,
    egui::Key::Num5,
    egui::Key::Num6,
    egui::Key::Num7,
    egui::Key::Num8,
    egui::Key::Num9,
];

pub fn show(
    ui: &mut egui::Ui,
    session: &Session,
    tab: &mut CaseFileTab,
    pictures: &mut Pictures,
    palette: Palette,
) -> Option<CaseIntent> {
    let mut intent = None;
    let fill = ui.visuals().panel_fill;
    let panel = ui.visuals().window_fill;
    egui::Panel::top("case-top")
        .frame(
            egui::Frame::new()
                .fill(panel)
                .inner_margin(egui::Margin::symmetric(20, 10)),
        )
        .show(ui, |ui| {
            if top_bar(ui, session) {
                intent = Some(CaseIntent::Leave);
            }
        });
    case_file_panel(ui, "case-file", 0.36, session, tab, palette);
    egui::CentralPanel::default()
        .frame(
            egui::Frame::new()
                .fill(fill)
                .inner_margin(egui::Margin::symmetric(28, 18)),
        )
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("scene")
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    ui.set_max_width(theme::READING_WIDTH.min(ui.available_width()));
                    if let Some(act) = scene(ui, session, pictures, palette) {
                        intent = Some(act);
                    }
                });
        });
    intent
}

/// The case title and the way out; under them the time used and the seed. True when the trainee
/// leaves.
fn top_bar(ui: &mut egui::Ui, session: &Session) -> bool {
    let case = session.case();
    let used = session.play.state.minutes;
    let total = case.minutes_available.max(1);
    let mut leave = false;
    ui.horizontal(|ui| {
        ui.label(
            egui::RichText::new(&case.case.title)
                .family(bold())
                .size(21.0),
        );
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            leave = ui
                .button("Save and leave")
                .on_hover_text("Your place is kept; continue it from the title screen")
                .clicked();
        });
    });
    ui.horizontal_wrapped(|ui| {
        let left = hours(session.play.state.minutes_left(case));
        ui.label(format!(
            "Time: {} used of {} ({left} left)",
            hours(used),
            hours(total)
        ));
        meter(ui, used as f32 / total as f32, 160.0);
        ui.add_space(12.0);
        note(ui, format!("Seed {}", session.play.seed()));
    });
    leave
}

fn scene(
    ui: &mut egui::Ui,
    session: &Session,
    pictures: &mut Pictures,
    palette: Palette,
) -> Option<CaseIntent> {
    let case = session.case();
    let id = &case.scenes[session.play.state.scene].id;
    let Some(Scene::Scene(n)) = case.case.scenes.get(id) else {
        return None;
    };
    if let Some(chapter) = &n.chapter {
        note(ui, chapter.to_uppercase());
    }
    if let Some(result) = &session.last_result {
        egui::Frame::new()
            .fill(palette.highlight)
            .corner_radius(egui::CornerRadius::same(6))
            .inner_margin(egui::Margin::same(12))
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.label(egui::RichText::new(result).italics());
            });
        ui.add_space(6.0);
    }
    if let Some(picture) = &n.picture {
        pictures.show(ui, &session.folder().join(picture), &n.picture_alt);
    }
    for para in n.text.split("\n\n") {
        ui.label(para.trim());
    }
    ui.add_space(10.0);
    if session.play.stage() == Stage::Stuck {
        ui.colored_label(palette.warning, "There is nothing left to do here and nowhere to go: the case has a mistake (`second-look check` warns of it).");
        return None;
    }
    subheading(ui, "What will you do?");
    let mut chosen = None;
    for (i, a) in session.play.state.available(case).enumerate() {
        let action = n.actions.iter().find(|x| x.id == case.actions[a].id)?;
        let label = format!(
            "{}.  {}   ({})",
            i + 1,
            action.label,
            hours(case.actions[a].minutes)
        );
        let button = egui::Button::new(egui::RichText::new(label))
            .wrap()
            .min_size(egui::vec2(ui.available_width(), 40.0));
        let response = ui.add(button);
        if response.clicked() || NUMBER_KEYS.get(i).is_some_and(|k| key_pressed(ui, *k)) {
            chosen = Some(CaseIntent::Act(action.id.clone()));
        }
        if !action.detail.is_empty() {
            ui.indent(("detail", i), |ui| note(ui, &action.detail));
        }
        ui.add_space(4.0);
    }
    chosen
}

/// The case file as a panel on the right, taking about `share` of the window's width.
pub(super) fn case_file_panel(
    ui: &mut egui::Ui,
    id: &str,
    share: f32,
    session: &Session,
    tab: &mut CaseFileTab,
    palette: Palette,
) {
    let fill = ui.visuals().window_fill;
    egui::Panel::right(id.to_string())
        .resizable(false)
        .exact_size((ui.available_width() * share).clamp(300.0, 520.0))
        .frame(
            egui::Frame::new()
                .fill(fill)
                .inner_margin(egui::Margin::same(16)),
        )
        .show(ui, |ui| case_file(ui, session, tab, palette));
}

fn case_file(ui: &mut egui::Ui, session: &Session, tab: &mut CaseFileTab, palette: Palette) {
    let case = session.case();
    subheading(ui, format!("Case file ({})", session.play.revealed.len()));
    ui.horizontal(|ui| {
        ui.selectable_value(tab, CaseFileTab::ByAgency, "By agency");
        ui.selectable_value(tab, CaseFileTab::Chronology, "Chronology");
    });
    ui.separator();
    let t = now(ui);
    egui::ScrollArea::vertical()
        .id_salt("case-file")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if session.play.revealed.is_empty() {
                note(
                    ui,
                    "Nothing yet. What you find appears here, under the agency that holds it.",
                );
            }
            match tab {
                CaseFileTab::ByAgency => {
                    for (agency_index, (_, agency)) in case.case.agencies.iter().enumerate() {
                        let found: Vec<_> = session
                            .play
                            .revealed
                            .iter()
                            .filter(|r| case.findings[r.finding].agency == agency_index)
                            .collect();
                        if found.is_empty() {
                            continue;
                        }
                        ui.label(egui::RichText::new(&agency.label).family(bold()));
                        for r in found {
                            finding_card(
                                ui,
                                session,
                                r.finding,
                                r.present,
                                session.is_fresh(r.finding, t),
                                palette,
                                None,
                            );
                        }
                        ui.add_space(6.0);
                    }
                }
                CaseFileTab::Chronology => chronology(ui, session, t, palette),
            }
        });
    if session.fresh.iter().any(|f| f.until > t) {
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(500));
    }
}

fn chronology(ui: &mut egui::Ui, session: &Session, t: f64, palette: Palette) {
    let case = session.case();
    let mut dated: Vec<(i32, String, usize)> = session
        .play
        .revealed
        .iter()
        .filter(|r| r.present)
        .filter_map(|r| {
            let f = case.case.findings.get(&case.findings[r.finding].id)?;
            f.when.as_ref().map(|w| (w.day, w.text.clone(), r.finding))
        })
        .collect();
    dated.sort_by_key(|d| d.0);
    note(
        ui,
        "What has come to light, in the order it happened (day 0 is the referral).",
    );
    if dated.is_empty() {
        note(
            ui,
            "No dated events yet: history, records and chronologies put them here.",
        );
    }
    for (day, text, f) in dated {
        let when = if text.is_empty() {
            format!("Day {day}")
        } else {
            format!("Day {day} · {text}")
        };
        finding_card(
            ui,
            session,
            f,
            true,
            session.is_fresh(f, t),
            palette,
            Some(when),
        );
    }
}

fn finding_card(
    ui: &mut egui::Ui,
    session: &Session,
    f: usize,
    present: bool,
    fresh: bool,
    palette: Palette,
    when: Option<String>,
) {
    let case = session.case();
    let Some(finding) = case.case.findings.get(&case.findings[f].id) else {
        return;
    };
    let agency = case
        .case
        .agencies
        .get(&finding.agency)
        .map_or(finding.agency.as_str(), |a| a.label.as_str());
    let fill = if fresh {
        palette.highlight
    } else {
        ui.visuals().window_fill
    };
    let stroke = if fresh {
        egui::Stroke::new(2.0, palette.accent)
    } else {
        ui.visuals().widgets.noninteractive.bg_stroke
    };
    egui::Frame::new()
        .fill(fill)
        .stroke(stroke)
        .corner_radius(egui::CornerRadius::same(6))
        .inner_margin(egui::Margin::same(10))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            let tag = match &when {
                Some(w) => w.clone(),
                None => format!("{agency} · {}", kind_words(finding.kind)),
            };
            let tag = if fresh { format!("NEW · {tag}") } else { tag };
            ui.label(egui::RichText::new(tag).small().family(bold()));
            ui.label(if present {
                &finding.present
            } else {
                &finding.absent
            });
        });
}

fn case_screen(
    mut contexts: EguiContexts,
    mut session: ResMut<Session>,
    mut tab: ResMut<CaseFileTab>,
    mut pictures: ResMut<Pictures>,
    settings: Res<Settings>,
    mut next: ResMut<NextState<Screen>>,
    mut offer: ResMut<ContinueOffer>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut ui = root_ui(ctx);
    let t = now(&ui);
    match show(
        &mut ui,
        &session,
        &mut tab,
        &mut pictures,
        Palette::of(&settings),
    ) {
        Some(CaseIntent::Act(id)) if session.apply(Event::Action(id.clone()), t).is_ok() => {
            let screen = session.screen();
            if screen != Screen::Case {
                next.set(screen);
            }
        }
        Some(CaseIntent::Leave) => {
            session.save();
            let data_dir = session
                .pointer_path
                .parent()
                .map(|p| p.to_path_buf())
                .unwrap_or_default();
            offer.0 = read_unfinished(&data_dir).map(|u| (u, session.case().case.title.clone()));
            next.set(Screen::Title);
        }
        Some(CaseIntent::Act(_)) => {}
        None => {}
    }
    Ok(())
}
