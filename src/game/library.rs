//! The case library: every case in the scenarios folder, playable or not. A broken case is listed with
//! its first error instead of stopping the game.

use std::path::PathBuf;
use std::sync::Arc;

use bevy::prelude::*;

use super::GameConfig;
use super::screens::Screen;
use crate::cli::{playable, shipped_cases};
use crate::engine::Compiled;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Library>();
    app.add_systems(Startup, scan_library);
    app.add_systems(OnEnter(Screen::Library), scan_library);
}

/// One case as the library shows it.
#[derive(Debug, Clone)]
pub struct LibraryEntry {
    pub root: PathBuf,
    pub id: String,
    pub title: String,
    pub summary: String,
    pub minutes: u32,
    pub themes: Vec<String>,
    pub agencies: Vec<String>,
    pub variants: Vec<(String, String)>,
    /// Ready to play, or why not (the first error, as the checker prints it).
    pub case: Result<Arc<Compiled>, String>,
}

#[derive(Resource, Debug, Default)]
pub struct Library {
    pub entries: Vec<LibraryEntry>,
    /// Why the folder itself could not be read, if it could not.
    pub problem: Option<String>,
}

impl Library {
    pub fn scan(dir: &std::path::Path) -> Library {
        match shipped_cases(dir) {
            Ok(cases) => {
                // Shortest first, so the tutorial leads; broken cases last.
                let mut entries: Vec<LibraryEntry> = cases.iter().map(entry).collect();
                entries.sort_by_key(|e| (e.case.is_err(), e.minutes, e.title.clone()));
                Library {
                    entries,
                    problem: None,
                }
            }
            Err(e) => Library {
                entries: Vec::new(),
                problem: Some(e),
            },
        }
    }

    pub fn find(&self, name: &str) -> Option<&LibraryEntry> {
        self.entries
            .iter()
            .find(|e| e.id == name || e.root == std::path::Path::new(name))
    }
}

fn entry(loaded: &crate::scenario::LoadedCase) -> LibraryEntry {
    let case = playable(loaded)
        .map(Arc::new)
        .map_err(|_| first_error(loaded));
    let fallback_title = loaded.root.display().to_string();
    match loaded.case.as_ref() {
        Some(c) => LibraryEntry {
            root: loaded.root.clone(),
            id: c.id.clone(),
            title: if c.title.is_empty() {
                fallback_title
            } else {
                c.title.clone()
            },
            summary: c.summary.clone(),
            minutes: c.minutes,
            themes: c.themes.clone(),
            agencies: c.agencies.values().map(|a| a.label.clone()).collect(),
            variants: c
                .variants
                .iter()
                .map(|(id, v)| (id.to_string(), v.label.clone()))
                .collect(),
            case,
        },
        None => LibraryEntry {
            root: loaded.root.clone(),
            id: fallback_title.clone(),
            title: fallback_title,
            summary: String::new(),
            minutes: 0,
            themes: Vec::new(),
            agencies: Vec::new(),
            variants: Vec::new(),
            case,
        },
    }
}

fn first_error(loaded: &crate::scenario::LoadedCase) -> String {
    loaded
        .diagnostics
        .iter()
        .find(|d| d.is_error())
        .map(|d| d.render(loaded.source_of(&d.file)))
        .unwrap_or_else(|| "the case could not be prepared for play".into())
}

pub(super) fn scan_library(mut library: ResMut<Library>, config: Res<GameConfig>) {
    *library = Library::scan(&config.scenarios);
}
