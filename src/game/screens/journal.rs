//! The reflective journal: every reflection the trainee has written, newest first, searchable, each
//! with its case and a printable debrief for supervision.

use std::sync::Arc;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{Screen, page, root_ui};
use crate::engine::{Event, Log, Playthrough};
use crate::game::library::Library;
use crate::game::theme::{UiSet, card, heading, note, subheading};
use crate::game::{GameConfig, record::TraineeRecord};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Journal>();
    app.add_systems(OnEnter(Screen::Journal), read_journal);
    app.add_systems(
        EguiPrimaryContextPass,
        journal_screen
            .in_set(UiSet)
            .run_if(in_state(Screen::Journal)),
    );
}

/// One playthrough's reflections.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: i64,
    pub started: String,
    pub title: String,
    pub log: String,
    pub reflections: Vec<(String, String)>,
}

#[derive(Resource, Debug, Default)]
pub struct Journal {
    pub entries: Vec<Entry>,
    pub search: String,
    pub problem: Option<String>,
    /// Which entry's debrief was printed last, and where it went (or why it could not be).
    pub printed: Option<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JournalIntent {
    Back,
    Print(i64),
}

impl Journal {
    /// The entries whose case or reflections contain the search text (any case).
    pub fn matching(&self) -> Vec<&Entry> {
        let needle = self.search.trim().to_lowercase();
        self.entries
            .iter()
            .filter(|e| {
                needle.is_empty()
                    || e.title.to_lowercase().contains(&needle)
                    || e.reflections.iter().any(|(q, a)| {
                        q.to_lowercase().contains(&needle) || a.to_lowercase().contains(&needle)
                    })
            })
            .collect()
    }
}

/// A date from a record timestamp (`20261127T134626Z` → `27/11/2026`).
fn date(stamp: &str) -> String {
    if stamp.len() >= 8 && stamp.is_char_boundary(8) {
        format!("{}/{}/{}", &stamp[6..8], &stamp[4..6], &stamp[0..4])
    } else {
        stamp.to_string()
    }
}

pub fn show(ui: &mut egui::Ui, journal: &mut Journal) -> Option<JournalIntent> {
    page(ui, "journal", |ui| {
        let mut intent = None;
        heading(ui, "Your journal");
        ui.horizontal(|ui| {
            let label = ui.label("Search:");
            ui.add(egui::TextEdit::singleline(&mut journal.search).desired_width(280.0))
                .labelled_by(label.id);
            if ui.button("Back").clicked() {
                intent = Some(JournalIntent::Back);
            }
        });
        if let Some(p) = &journal.problem {
            ui.label(p.as_str());
        }
        let entries: Vec<Entry> = journal.matching().into_iter().cloned().collect();
        if entries.is_empty() {
            ui.label(if journal.entries.is_empty() {
                "No reflections yet. After each debrief you are asked three questions; your answers are kept here."
            } else {
                "No reflection matches that search."
            });
        }
        for e in entries {
            card(ui, |ui| {
                subheading(ui, format!("{} — {}", date(&e.started), e.title));
                for (q, a) in &e.reflections {
                    ui.label(egui::RichText::new(q).italics());
                    ui.label(a);
                }
                if ui
                    .button(format!(
                        "Print the debrief of {} ({})",
                        e.title,
                        date(&e.started)
                    ))
                    .clicked()
                {
                    intent = Some(JournalIntent::Print(e.id));
                }
                // Under its button: shown above, it would move the keyboard focus off it.
                if let Some((_, said)) = journal.printed.as_ref().filter(|(id, _)| *id == e.id) {
                    note(ui, said.as_str());
                }
            });
        }
        intent
    })
}

fn read_journal(mut journal: ResMut<Journal>, record: Option<Res<TraineeRecord>>) {
    journal.printed = None;
    let rows = record
        .as_ref()
        .and_then(|r| r.0.lock().ok())
        .and_then(|recorder| recorder.record().map(|r| r.playthroughs()));
    match rows {
        Some(Ok(rows)) => {
            journal.problem = None;
            journal.entries = rows
                .into_iter()
                .rev()
                .filter_map(|r| {
                    let log = Log::from_ron(&r.log).ok()?;
                    let reflections: Vec<(String, String)> = log
                        .events
                        .iter()
                        .filter_map(|e| match e {
                            Event::Reflection(x) => Some((x.question.clone(), x.answer.clone())),
                            _ => None,
                        })
                        .collect();
                    (!reflections.is_empty()).then_some(Entry {
                        id: r.id,
                        started: r.started,
                        title: r.title,
                        log: r.log,
                        reflections,
                    })
                })
                .collect();
        }
        Some(Err(e)) => journal.problem = Some(format!("Your record cannot be read: {e}")),
        None => journal.problem = Some("Your record could not be opened.".into()),
    }
}

/// The printable debrief of one playthrough (an HTML page) and a file name for it.
fn printable(entry: &Entry, library: &Library) -> Result<(String, String), String> {
    let log = Log::from_ron(&entry.log)?;
    let found = library
        .find(&log.case)
        .ok_or_else(|| format!("the case \"{}\" is no longer in the library", log.case))?;
    let case = found
        .case
        .clone()
        .map_err(|e| e.lines().next().unwrap_or_default().to_string())?;
    let p = Playthrough::replay(Arc::clone(&case), &log).map_err(|e| e.to_string())?;
    let analysis = crate::judgement::report::analyse(&p);
    let name = format!("{}-{}.html", log.case, entry.id);
    Ok((name, crate::cli::html::report_html(&p, &analysis)))
}

/// Writes the printable debrief beside the record (on the web, offers it as a download), and says
/// where it went.
fn print(entry: &Entry, library: &Library, config: &GameConfig) -> Result<String, String> {
    let (name, html) = printable(entry, library)?;
    if cfg!(target_arch = "wasm32") {
        crate::files::offer_download(&name, "text/html", &html)?;
        return Ok(format!(
            "The printable debrief was saved to your downloads as {name}: open it and print it from the browser."
        ));
    }
    let dir = config.data_dir.join("reports");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join(name);
    std::fs::write(&path, html).map_err(|e| e.to_string())?;
    Ok(format!(
        "The printable debrief is at {} — open it in a browser and print.",
        path.display()
    ))
}

fn journal_screen(
    mut contexts: EguiContexts,
    mut journal: ResMut<Journal>,
    library: Res<Library>,
    config: Res<GameConfig>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut ui = root_ui(ctx);
    match show(&mut ui, &mut journal) {
        Some(JournalIntent::Back) => next.set(Screen::Title),
        Some(JournalIntent::Print(id)) => {
            let result = journal
                .entries
                .iter()
                .find(|e| e.id == id)
                .map(|e| print(e, &library, &config));
            let said = match result {
                Some(Ok(said)) => said,
                Some(Err(e)) => format!("The debrief could not be written: {e}"),
                None => "That entry is no longer in the journal.".into(),
            };
            journal.printed = Some((id, said));
        }
        None => {}
    }
    Ok(())
}
