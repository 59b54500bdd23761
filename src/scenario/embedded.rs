//! The shipped cases built into the program, for the web build (a page has no `scenarios/` folder to
//! read): grouped into cases as on disk, a file alone or a folder with `case.ron` first, and checked.

use std::path::PathBuf;

use super::{LoadedCase, load_sources, validate};

include!(concat!(env!("OUT_DIR"), "/shipped.rs"));

/// The built-in cases, checked, in name order (none outside the web build).
pub fn shipped() -> Vec<LoadedCase> {
    let mut roots: Vec<&str> = SHIPPED
        .iter()
        .map(|(name, _)| name.split('/').next().unwrap_or(name))
        .collect();
    roots.dedup();
    roots.into_iter().map(case).collect()
}

/// One built-in case by its root (`tutorial.ron`, or a folder name).
fn case(root: &str) -> LoadedCase {
    let mut files: Vec<(PathBuf, Result<String, super::Diagnostic>)> = SHIPPED
        .iter()
        .filter(|(name, _)| *name == root || name.starts_with(&format!("{root}/")))
        .map(|(name, text)| (PathBuf::from("scenarios").join(name), Ok(text.to_string())))
        .collect();
    // As on disk: case.ron first, then the others in name order.
    files.sort_by_key(|(path, _)| (!path.ends_with("case.ron"), path.clone()));
    let mut loaded = load_sources(&PathBuf::from("scenarios").join(root), files);
    validate(&mut loaded);
    loaded
}
