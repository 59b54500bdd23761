//! `second-look new NAME`: a new case folder with every section present and commented, which passes
//! the checker and plays from start to end, ready for an author to make their own.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{EXIT_ERRORS, EXIT_OK, EXIT_USAGE, scenarios_dir};

#[derive(Args, Debug)]
pub struct NewArgs {
    /// The case's name, e.g. "A bruise at nursery" (its ID and folder are made from it).
    pub name: String,
    /// Where to create the folder (default: scenarios/).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

const CASE: &str = include_str!("templates/case.ron");
const FINDINGS: &str = include_str!("templates/findings.ron");
const SCENES: &str = include_str!("templates/scenes.ron");

/// An ID from a name: lower case, words joined by hyphens.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Writes the three files of a new case into `folder`, which must not exist yet.
pub fn create(folder: &Path, title: &str) -> Result<(), String> {
    if folder.exists() {
        return Err(format!(
            "{} already exists: nothing was written",
            folder.display()
        ));
    }
    let id = folder
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().to_string());
    std::fs::create_dir_all(folder)
        .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    let title = title.replace('"', "'");
    let fill = |t: &str| {
        t.replace("__ID__", &id)
            .replace("__TITLE__", &title)
            .replace("__DIR__", &folder.display().to_string())
    };
    for (name, text) in [
        ("case.ron", CASE),
        ("findings.ron", FINDINGS),
        ("scenes.ron", SCENES),
    ] {
        std::fs::write(folder.join(name), fill(text))
            .map_err(|e| format!("cannot write {name}: {e}"))?;
    }
    Ok(())
}

pub fn run(args: &NewArgs) -> u8 {
    let id = slug(&args.name);
    if id.is_empty() {
        eprintln!("error: give the case a name with some letters or digits in it");
        return EXIT_USAGE;
    }
    let folder = args
        .dir
        .clone()
        .unwrap_or_else(|| scenarios_dir(None))
        .join(&id);
    match create(&folder, args.name.trim()) {
        Ok(()) => {
            println!(
                "Created {}: case.ron, findings.ron and scenes.ron.",
                folder.display()
            );
            println!("Check it:  second-look check {}", folder.display());
            println!(
                "Play it:   second-look play --case {}   (it reloads as you edit; F2 shows its graph)",
                folder.display()
            );
            println!(
                "See it:    second-look graph {} --format svg --coverage -o case.svg",
                folder.display()
            );
            println!(
                "Tune it:   second-look explore {} --balance",
                folder.display()
            );
            println!("Guide:     docs/authoring.md");
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_ERRORS
        }
    }
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn names_become_ids() {
        assert_eq!(slug("A bruise at nursery!"), "a-bruise-at-nursery");
        assert_eq!(slug("  Keira, 14 "), "keira-14");
        assert_eq!(slug("—"), "");
    }
}
