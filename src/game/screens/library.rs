//! The case library: a card per case (title, summary, minutes, themes, agencies) and the seed field —
//! blank for a new random case, or a seed typed in so a room plays the same case.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::game::theme::UiSet;

use super::{Screen, page, root_ui};
use crate::game::library::{Library, LibraryEntry};
use crate::game::session::Session;
use crate::game::theme::{card, heading, note, primary_button, subheading};
use crate::game::{GameConfig, theme};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<LibraryDraft>();
    app.add_systems(
        EguiPrimaryContextPass,
        library_screen
            .in_set(UiSet)
            .run_if(in_state(Screen::Library)),
    );
}

/// The seed and variant the trainee has typed or picked.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct LibraryDraft {
    pub seed: String,
    pub variant: Option<(usize, String)>,
    pub problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LibraryIntent {
    Play {
        entry: usize,
        seed: Option<u64>,
        variant: Option<String>,
    },
    Back,
}

/// Parses the seed field: blank means a fresh random seed.
pub fn parse_seed(text: &str) -> Result<Option<u64>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<u64>().map(Some).map_err(|_| {
        "A seed is a whole number, such as 4821. Leave it blank for a new case.".into()
    })
}

pub fn show(
    ui: &mut egui::Ui,
    library: &Library,
    draft: &mut LibraryDraft,
) -> Option<LibraryIntent> {
    page(ui, "library", |ui| {
        let mut intent = None;
        heading(ui, "Choose a case");
        ui.horizontal(|ui| {
            let label = ui.label("Seed:");
            ui.add(
                egui::TextEdit::singleline(&mut draft.seed)
                    .desired_width(160.0)
                    .hint_text("blank = new case"),
            )
            .labelled_by(label.id);
            if ui.button("Back").clicked() {
                intent = Some(LibraryIntent::Back);
            }
        });
        note(
            ui,
            "Each playthrough has a seed that decides what is really happening. It is shown while you play: type it here to play the same case again, or so a whole room plays one case.",
        );
        if let Some(problem) = &draft.problem {
            ui.colored_label(theme::Palette::CALM.warning, problem);
        }
        if let Some(problem) = &library.problem {
            ui.colored_label(theme::Palette::CALM.warning, problem);
        }
        ui.add_space(8.0);
        for (i, entry) in library.entries.iter().enumerate() {
            card(ui, |ui| {
                if let Some(play) = entry_card(ui, i, entry, draft) {
                    intent = Some(play);
                }
            });
            ui.add_space(6.0);
        }
        if library.entries.is_empty() && library.problem.is_none() {
            ui.label("There are no cases in the scenarios folder.");
        }
        intent
    })
}

fn entry_card(
    ui: &mut egui::Ui,
    i: usize,
    entry: &LibraryEntry,
    draft: &mut LibraryDraft,
) -> Option<LibraryIntent> {
    subheading(ui, &entry.title);
    let mut intent = None;
    match &entry.case {
        Ok(_) => {
            ui.label(&entry.summary);
            note(
                ui,
                format!(
                    "About {} minutes · Agencies: {}",
                    entry.minutes,
                    entry.agencies.join(", ")
                ),
            );
            if !entry.themes.is_empty() {
                note(ui, format!("Themes: {}", entry.themes.join(", ")));
            }
            if !entry.variants.is_empty() {
                ui.horizontal_wrapped(|ui| {
                    ui.label("Setting:");
                    let chosen = draft
                        .variant
                        .as_ref()
                        .filter(|(e, _)| *e == i)
                        .map(|(_, v)| v.clone());
                    if ui
                        .selectable_label(chosen.is_none(), "As written")
                        .clicked()
                    {
                        draft.variant = None;
                    }
                    for (id, label) in &entry.variants {
                        if ui
                            .selectable_label(chosen.as_deref() == Some(id), label)
                            .clicked()
                        {
                            draft.variant = Some((i, id.clone()));
                        }
                    }
                });
            }
            if primary_button(ui, format!("Play “{}”", entry.title)).clicked() {
                match parse_seed(&draft.seed) {
                    Ok(seed) => {
                        let variant = draft
                            .variant
                            .as_ref()
                            .filter(|(e, _)| *e == i)
                            .map(|(_, v)| v.clone());
                        intent = Some(LibraryIntent::Play {
                            entry: i,
                            seed,
                            variant,
                        });
                    }
                    Err(e) => draft.problem = Some(e),
                }
            }
        }
        Err(error) => {
            ui.colored_label(
                theme::Palette::CALM.warning,
                "This case has an error and cannot be played yet:",
            );
            ui.add(egui::Label::new(egui::RichText::new(error).monospace()).wrap());
            note(
                ui,
                "Fix the file and come back to this screen; `second-look check` lists every problem.",
            );
        }
    }
    intent
}

fn library_screen(
    mut contexts: EguiContexts,
    library: Res<Library>,
    mut draft: ResMut<LibraryDraft>,
    config: Res<GameConfig>,
    mut commands: Commands,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut ui = root_ui(ctx);
    match show(&mut ui, &library, &mut draft) {
        Some(LibraryIntent::Play {
            entry,
            seed,
            variant,
        }) => {
            let entry = &library.entries[entry];
            let Ok(case) = &entry.case else { return Ok(()) };
            let seed = seed.unwrap_or_else(|| rand::random::<u32>() as u64);
            match Session::start(
                &entry.root,
                case.clone(),
                seed,
                variant.as_deref(),
                &config.data_dir,
            ) {
                Ok(session) => {
                    draft.problem = None;
                    commands.insert_resource(session);
                    next.set(Screen::Briefing);
                }
                Err(e) => draft.problem = Some(e),
            }
        }
        Some(LibraryIntent::Back) => next.set(Screen::Title),
        None => {}
    }
    Ok(())
}
