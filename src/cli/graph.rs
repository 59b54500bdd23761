//! `second-look graph SCENARIO`: the case as a Graphviz DOT graph or an SVG laid out here — scenes as nodes (checkpoints and
//! decision points marked), actions as edges labelled with their time, grouped by chapter, and with
//! `--coverage` shaded by how often random playthroughs reach each scene.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;

use super::{EXIT_ERRORS, EXIT_OK, EXIT_USAGE, find_case, hours, playable, scenarios_dir};
use crate::engine::Compiled;
use crate::engine::compiled::SceneKind;
use crate::engine::explore::random_playthroughs;
use crate::scenario::Scene;

#[derive(Args, Debug)]
pub struct GraphArgs {
    /// A case file, case folder, or case ID among the shipped cases.
    pub scenario: String,
    /// Shade each scene by the share of random playthroughs that reach it.
    #[arg(long)]
    pub coverage: bool,
    /// How many random playthroughs to shade by (with --coverage).
    #[arg(long, default_value_t = 1000)]
    pub random: u64,
    /// Write the graph to this file instead of printing it.
    #[arg(short = 'o', long)]
    pub out: Option<PathBuf>,
    /// DOT (for Graphviz) or SVG (laid out here: nothing else to install).
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    Dot,
    Svg,
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The graph as DOT text; `hits` shades scenes by coverage (hits per scene out of `runs`).
pub fn dot(case: &Compiled, hits: Option<(&[u64], u64)>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", quote(&case.case.id));
    let _ = writeln!(
        out,
        "  label={}; labelloc=t; rankdir=LR; node [fontname=\"Helvetica\"]; edge [fontname=\"Helvetica\", fontsize=10];",
        quote(&case.case.title)
    );
    let chapter = |i: usize| match case.case.scenes.values().nth(i) {
        Some(Scene::Scene(n)) => n.chapter.clone(),
        _ => None,
    };
    let mut chapters: Vec<String> = Vec::new();
    for i in 0..case.scenes.len() {
        if let Some(c) = chapter(i)
            && !chapters.contains(&c)
        {
            chapters.push(c);
        }
    }
    let node = |i: usize| -> String {
        let s = &case.scenes[i];
        let (shape, kind) = match s.kind {
            SceneKind::Narrative { .. } => ("box", ""),
            SceneKind::Checkpoint { .. } => ("diamond", "\\ncheckpoint"),
            SceneKind::Decide { .. } => ("doubleoctagon", "\\ndecision"),
        };
        let start = if i == case.start {
            "\\n(start)"
        } else if i == case.out_of_time {
            "\\n(out of time)"
        } else {
            ""
        };
        let (fill, share) = match hits {
            Some((h, runs)) if runs > 0 => {
                let p = h[i] as f64 / runs as f64;
                // From white (never reached) to green (always).
                let g = 255 - (p * 110.0) as u8;
                let rb = 255 - (p * 190.0) as u8;
                (
                    format!(", style=filled, fillcolor=\"#{rb:02x}{g:02x}{rb:02x}\""),
                    format!("\\n{:.0}%", p * 100.0),
                )
            }
            _ => (String::new(), String::new()),
        };
        format!(
            "    {} [shape={shape}, label=\"{}{kind}{start}{share}\"{fill}];",
            quote(&s.id),
            s.id.replace('"', "'")
        )
    };
    for (k, c) in chapters.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph cluster_{k} {{ label={}; style=rounded; color=\"#c9c2b4\";",
            quote(c)
        );
        for i in (0..case.scenes.len()).filter(|&i| chapter(i).as_deref() == Some(c)) {
            let _ = writeln!(out, "{}", node(i));
        }
        let _ = writeln!(out, "  }}");
    }
    for i in (0..case.scenes.len()).filter(|&i| chapter(i).is_none()) {
        let _ = writeln!(out, "{}", node(i));
    }
    for (i, s) in case.scenes.iter().enumerate() {
        match &s.kind {
            SceneKind::Narrative { actions } => {
                for &a in actions {
                    let label = case
                        .action(a)
                        .map_or(case.actions[a].id.clone(), |x| x.label.clone());
                    let short: String = if label.chars().count() > 40 {
                        label.chars().take(39).collect::<String>() + "…"
                    } else {
                        label
                    };
                    let _ = writeln!(
                        out,
                        "  {} -> {} [label={}];",
                        quote(&case.scenes[i].id),
                        quote(&case.scenes[case.actions[a].goto].id),
                        quote(&format!("{short} ({})", hours(case.actions[a].minutes)))
                    );
                }
            }
            SceneKind::Checkpoint { next } => {
                let _ = writeln!(
                    out,
                    "  {} -> {} [style=dashed];",
                    quote(&s.id),
                    quote(&case.scenes[*next].id)
                );
            }
            SceneKind::Decide { .. } => {}
        }
    }
    out.push_str("}\n");
    out
}

pub fn run(args: &GraphArgs) -> u8 {
    let case = match find_case(&args.scenario, &scenarios_dir(None)) {
        Ok(l) => match playable(&l) {
            Ok(c) => c,
            Err(e) => {
                eprint!("{e}");
                return EXIT_ERRORS;
            }
        },
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let summary = args
        .coverage
        .then(|| random_playthroughs(&case, args.random, 1, None));
    let hits = summary.as_ref().map(|s| (s.scene_hits.as_slice(), s.runs));
    let text = match args.format {
        GraphFormat::Dot => dot(&case, hits),
        GraphFormat::Svg => crate::authoring::drawing::draw(&case, hits).svg(),
    };
    match &args.out {
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => EXIT_OK,
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                EXIT_ERRORS
            }
        },
        None => {
            print!("{text}");
            EXIT_OK
        }
    }
}
