//! The title screen: continue the unfinished case, start a case, settings, quit — and the statement
//! that this trains judgement and is not a diagnostic or decision tool.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::game::theme::UiSet;

use super::{Screen, page, root_ui};
use crate::cli::play::NOT_A_TOOL;
use crate::game::session::{ContinueOffer, Session};
use crate::game::theme::{heading, note, primary_button};
use crate::game::{GameConfig, theme};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<TitleProblem>();
    app.add_systems(
        EguiPrimaryContextPass,
        title_screen.in_set(UiSet).run_if(in_state(Screen::Title)),
    );
}

/// Something the title screen must tell the trainee (a case that could not be opened).
#[derive(Resource, Debug, Clone, Default)]
pub struct TitleProblem(pub Option<String>);

/// What the trainee asked for on the title screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TitleIntent {
    Continue,
    Start,
    Progress,
    Journal,
    Workshop,
    Settings,
    Quit,
}

/// Draws the title screen. `continue_title` names an unfinished case that can be continued.
pub fn show(
    ui: &mut egui::Ui,
    continue_title: Option<&str>,
    problem: Option<&str>,
) -> Option<TitleIntent> {
    page(ui, "title", |ui| {
        let mut intent = None;
        ui.add_space(40.0);
        heading(ui, "Second Look");
        ui.label("Practise judgement under uncertainty: gather the signs, say how likely each explanation is, decide — and see how you reasoned.");
        ui.add_space(24.0);
        if let Some(title) = continue_title {
            if primary_button(ui, format!("Continue: {title}")).clicked() {
                intent = Some(TitleIntent::Continue);
            }
            note(ui, "Your unfinished case, exactly where you left it.");
            ui.add_space(8.0);
            if ui.button("Start a case").clicked() {
                intent = Some(TitleIntent::Start);
            }
        } else if primary_button(ui, "Start a case").clicked() {
            intent = Some(TitleIntent::Start);
        }
        if ui.button("Your progress").clicked() {
            intent = Some(TitleIntent::Progress);
        }
        if ui.button("Your journal").clicked() {
            intent = Some(TitleIntent::Journal);
        }
        if cfg!(not(target_arch = "wasm32")) && ui.button("Run a workshop").clicked() {
            intent = Some(TitleIntent::Workshop);
        }
        if cfg!(target_arch = "wasm32") {
            note(
                ui,
                "In the browser: the shipped cases are built in, and your record is kept in this browser. Running a workshop, and editing cases while they reload, need the desktop program.",
            );
        }
        if ui.button("Settings").clicked() {
            intent = Some(TitleIntent::Settings);
        }
        // A page is closed with its tab.
        if cfg!(not(target_arch = "wasm32")) && ui.button("Quit").clicked() {
            intent = Some(TitleIntent::Quit);
        }
        if let Some(problem) = problem {
            ui.add_space(12.0);
            ui.colored_label(theme::Palette::CALM.warning, problem);
        }
        ui.add_space(32.0);
        ui.separator();
        note(ui, NOT_A_TOOL);
        intent
    })
}

fn title_screen(
    mut contexts: EguiContexts,
    offer: Res<ContinueOffer>,
    config: Res<GameConfig>,
    mut problem: ResMut<TitleProblem>,
    mut commands: Commands,
    mut next: ResMut<NextState<Screen>>,
    mut exit: MessageWriter<AppExit>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut ui = root_ui(ctx);
    let title = offer.0.as_ref().map(|(_, t)| t.as_str());
    match show(&mut ui, title, problem.0.as_deref()) {
        Some(TitleIntent::Continue) => match continue_session(&offer, &config) {
            Ok(session) => {
                next.set(Screen::Briefing);
                commands.insert_resource(session);
            }
            Err(e) => problem.0 = Some(format!("That case cannot be continued: {e}")),
        },
        Some(TitleIntent::Start) => next.set(Screen::Library),
        Some(TitleIntent::Progress) => next.set(Screen::Progress),
        Some(TitleIntent::Journal) => next.set(Screen::Journal),
        Some(TitleIntent::Workshop) => next.set(Screen::WorkshopSetup),
        Some(TitleIntent::Settings) => next.set(Screen::Settings),
        Some(TitleIntent::Quit) => {
            exit.write(AppExit::Success);
        }
        None => {}
    }
    Ok(())
}

fn continue_session(offer: &ContinueOffer, config: &GameConfig) -> Result<Session, String> {
    let (unfinished, _) = offer.0.as_ref().ok_or("nothing to continue")?;
    let loaded = crate::scenario::check_case(&unfinished.case);
    let case = crate::cli::playable(&loaded).map(std::sync::Arc::new)?;
    Session::resume(&unfinished.case, case, &unfinished.log, &config.data_dir)
}
