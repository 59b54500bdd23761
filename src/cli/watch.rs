//! `second-look check --watch`: checks again on every save and prints only what changed — the
//! problems that are new, and those that are gone.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::mpsc::channel;
use std::time::Duration;

use notify::Watcher as _;

use super::{EXIT_ERRORS, EXIT_USAGE};
use crate::scenario::{check_case, discover};

/// One problem as the watcher compares them: where, which code, what it says, and any help.
type Problem = (String, usize, usize, String, String, Option<String>);

fn problems(paths: &[PathBuf]) -> Result<BTreeMap<PathBuf, BTreeSet<Problem>>, String> {
    let mut all = BTreeMap::new();
    for path in paths {
        for root in discover(path).map_err(|e| e.0)? {
            let loaded = check_case(&root);
            let set = loaded
                .diagnostics
                .iter()
                .map(|d| {
                    (
                        d.file.display().to_string(),
                        d.line,
                        d.column,
                        d.code.id().to_string(),
                        d.message.clone(),
                        d.help.clone(),
                    )
                })
                .collect();
            all.insert(root, set);
        }
    }
    Ok(all)
}

fn line(p: &Problem) -> String {
    format!("{}:{}:{}: {} {}", p.0, p.1, p.2, p.3, p.4)
}

/// Prints what changed between two checks; returns how many problems there are now.
fn report(
    before: &BTreeMap<PathBuf, BTreeSet<Problem>>,
    after: &BTreeMap<PathBuf, BTreeSet<Problem>>,
) -> usize {
    let empty = BTreeSet::new();
    for (root, now) in after {
        let was = before.get(root).unwrap_or(&empty);
        for p in now.difference(was) {
            println!("new    {}", line(p));
            if let Some(help) = &p.5 {
                println!("         = help: {help}");
            }
        }
        for p in was.difference(now) {
            println!("fixed  {}", line(p));
        }
    }
    let total: usize = after.values().map(BTreeSet::len).sum();
    println!("-- {} case(s), {total} problem(s)", after.len());
    total
}

/// Watches `paths`, checking again after each change, until interrupted.
pub fn run(paths: &[PathBuf]) -> u8 {
    let mut current = match problems(paths) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    report(&BTreeMap::new(), &current);
    let (tx, rx) = channel();
    let mut watcher =
        match notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if event.is_ok_and(|e| !e.kind.is_access()) {
                let _ = tx.send(());
            }
        }) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("error: cannot watch for changes: {e}");
                return EXIT_ERRORS;
            }
        };
    for path in paths {
        if let Err(e) = watcher.watch(path, notify::RecursiveMode::Recursive) {
            eprintln!("error: cannot watch {}: {e}", path.display());
            return EXIT_USAGE;
        }
    }
    println!("Watching for changes (Ctrl-C to stop)...");
    while rx.recv().is_ok() {
        // Editors save in several steps; wait for them to settle before checking.
        std::thread::sleep(Duration::from_millis(150));
        while rx.try_recv().is_ok() {}
        match problems(paths) {
            Ok(next) => {
                report(&current, &next);
                current = next;
            }
            Err(e) => println!("error: {e}"),
        }
    }
    EXIT_ERRORS
}
