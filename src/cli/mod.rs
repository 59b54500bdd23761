//! What the command line shares: where the shipped cases and the trainee's data live, finding a case
//! by ID or path, and plain-text layout for the terminal.

pub mod bench;
pub mod check;
pub mod explore;
pub mod graph;
#[cfg(not(target_arch = "wasm32"))]
pub mod history;
pub mod html;
pub mod new;
pub mod play;
pub mod report;
#[cfg(not(target_arch = "wasm32"))]
pub mod watch;
#[cfg(not(target_arch = "wasm32"))]
pub mod workshop;

use std::path::{Path, PathBuf};

use clap::ValueEnum;

use crate::engine::Compiled;
use crate::scenario::{LoadedCase, check_case, discover};

/// How a command prints its results.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq, Default)]
pub enum OutputFormat {
    #[default]
    Human,
    Json,
}

/// Exit codes: 0 all well, 1 the input has errors, 2 the command was used wrongly.
pub const EXIT_OK: u8 = 0;
pub const EXIT_ERRORS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// The shipped cases: `scenarios/` in the working folder, else beside the program's source.
pub fn scenarios_dir(given: Option<&Path>) -> PathBuf {
    if let Some(dir) = given {
        return dir.to_path_buf();
    }
    let here = PathBuf::from("scenarios");
    if here.is_dir() {
        here
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
    }
}

/// Where the trainee's saved playthroughs go: `--data-dir`, else the platform's data folder.
pub fn data_dir(given: Option<&Path>) -> PathBuf {
    if let Some(dir) = given {
        return dir.to_path_buf();
    }
    directories::ProjectDirs::from("org", "Second Look", "second-look")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".second-look"))
}

/// Every case under `dir`, checked, in name order.
pub fn shipped_cases(dir: &Path) -> Result<Vec<LoadedCase>, String> {
    // A web page has no folder: its cases are built in.
    if cfg!(target_arch = "wasm32") {
        return Ok(crate::scenario::embedded::shipped());
    }
    let roots = discover(dir).map_err(|e| e.0)?;
    Ok(roots.iter().map(|r| check_case(r)).collect())
}

/// A case named by path (a file or case folder) or by its ID among the cases in `dir`.
pub fn find_case(name: &str, dir: &Path) -> Result<LoadedCase, String> {
    let path = Path::new(name);
    if path.exists() {
        return Ok(check_case(path));
    }
    let cases = shipped_cases(dir)?;
    let ids: Vec<String> = cases
        .iter()
        .filter_map(|c| c.case.as_ref().map(|c| c.id.clone()))
        .collect();
    cases
        .into_iter()
        .find(|c| c.case.as_ref().is_some_and(|c| c.id == name))
        .ok_or_else(|| {
            format!(
                "no case \"{name}\" in {} (cases: {})",
                dir.display(),
                ids.join(", ")
            )
        })
}

/// Compiles a checked case, or explains (with every error) why it cannot be played.
pub fn playable(loaded: &LoadedCase) -> Result<Compiled, String> {
    if loaded.has_errors() {
        let mut msg = format!(
            "{} has errors and cannot be played:\n",
            loaded.root.display()
        );
        for d in loaded.diagnostics.iter().filter(|d| d.is_error()) {
            msg.push_str(&d.render(loaded.source_of(&d.file)));
        }
        return Err(msg);
    }
    let case = loaded.case.as_ref().ok_or("the case could not be read")?;
    Compiled::new(case).map_err(|e| e.to_string())
}

/// Wraps prose with `first` before its first line and `rest` before the others (a bullet, say).
pub fn wrap_hanging(text: &str, width: usize, first: &str, rest: &str) -> String {
    let body = wrap(
        text,
        width.saturating_sub(first.chars().count().max(rest.chars().count())),
        "",
    );
    body.lines()
        .enumerate()
        .map(|(i, line)| format!("{}{line}", if i == 0 { first } else { rest }))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Wraps prose to `width` columns, keeping the author's paragraph breaks.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    for (i, para) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut line = String::new();
        for word in para.split_whitespace() {
            if !line.is_empty()
                && indent.len() + line.chars().count() + 1 + word.chars().count() > width
            {
                out.push_str(indent);
                out.push_str(&line);
                out.push('\n');
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push_str(indent);
        out.push_str(&line);
    }
    out
}

/// "1 case", "2 cases".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Hours as a person says them: "3 h", "1.5 h", "45 min".
pub fn hours(minutes: u32) -> String {
    if minutes < 60 && minutes > 0 {
        return format!("{minutes} min");
    }
    let h = f64::from(minutes) / 60.0;
    let s = format!("{h:.2}");
    format!("{} h", s.trim_end_matches('0').trim_end_matches('.'))
}

/// Now, in UTC, as `20261127T120000Z` (for file names).
pub fn timestamp() -> String {
    let secs = seconds_since_1970();
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A timestamp from `timestamp` in words: `27 Nov 2026, 15:05 UTC`, or just `15:05` when `time_only`.
/// Anything else is given back as it is.
pub fn readable_time(stamp: &str, time_only: bool) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let b = stamp.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> { stamp.get(r)?.parse().ok() };
    let parsed = (b.len() == 16 && b[8] == b'T' && b[15] == b'Z')
        .then(|| {
            Some((
                digits(0..4)?,
                digits(4..6)?,
                digits(6..8)?,
                digits(9..11)?,
                digits(11..13)?,
            ))
        })
        .flatten();
    match parsed {
        Some((_, _, _, h, min)) if time_only => format!("{h:02}:{min:02}"),
        Some((y, m, d, h, min)) if (1..=12).contains(&m) => {
            format!("{d} {} {y}, {h:02}:{min:02} UTC", MONTHS[m as usize - 1])
        }
        _ => stamp.to_string(),
    }
}

/// Seconds since 1970 by the system clock (the browser's, in the web build, where std has no clock).
fn seconds_since_1970() -> u64 {
    #[cfg(target_arch = "wasm32")]
    return (js_sys::Date::now() / 1000.0) as u64;
    #[cfg(not(target_arch = "wasm32"))]
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_match_known_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_784), (2026, 11, 27));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn timestamps_read_as_words_and_anything_else_comes_back_as_it_was() {
        assert_eq!(
            readable_time("20261127T150529Z", false),
            "27 Nov 2026, 15:05 UTC"
        );
        assert_eq!(readable_time("20261127T150529Z", true), "15:05");
        for odd in [
            "",
            "2026",
            "20261327T150529Z",
            "2026112xT150529Z",
            "ééééééééTéééééZ",
        ] {
            assert_eq!(readable_time(odd, false), odd);
        }
        assert_eq!(readable_time(&timestamp(), true).len(), 5);
    }

    #[test]
    fn wrap_keeps_lines_within_width() {
        let text = "a ".repeat(100) + "\nsecond paragraph";
        for line in wrap(&text, 20, "  ").lines() {
            assert!(line.chars().count() <= 20, "{line:?}");
        }
        assert!(wrap(&text, 20, "").contains("second paragraph"));
    }
}
