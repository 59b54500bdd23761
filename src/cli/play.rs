//! `second-look play --text`: the terminal player. Scenes, numbered actions, the case file, checkpoints
//! with probabilities, the decision, the outcome and a short debrief; the log is saved after every step.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use super::{
    EXIT_ERRORS, EXIT_OK, EXIT_USAGE, data_dir, find_case, hours, playable, scenarios_dir,
    shipped_cases, timestamp, wrap, wrap_hanging,
};
use crate::engine::{
    Compiled, DecisionMade, Event, Judgement, Log, Playthrough, Reflection, Stage,
};
use crate::judgement::debrief::debrief;
use crate::scenario::{FindingKind, OrderedMap};
use crate::store::Recorder;

const WIDTH: usize = 78;

/// The note every playthrough starts with.
pub const NOT_A_TOOL: &str = "Second Look trains judgement. It is not a diagnostic or decision tool, and its cases are \
     illustrative: real decisions follow your local safeguarding procedures and supervision.";

/// The supervision questions asked after the debrief (Munro 2011).
pub const REFLECTIONS: [&str; 3] = [
    "What was your gut judgement, and why?",
    "What did you feel about this family, and how might that have shaped what you did?",
    "Which finding would most have changed your mind?",
];

#[derive(Args, Debug, Default, Clone)]
pub struct PlayArgs {
    /// Play in the terminal instead of the game window.
    #[arg(long)]
    pub text: bool,
    /// A case ID, case file or case folder.
    #[arg(long)]
    pub case: Option<String>,
    /// The seed that draws the truth and the findings; shown during play so a case can be replayed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// A named variant of the case (a different setting or a fixed truth).
    #[arg(long)]
    pub variant: Option<String>,
    /// Play a saved log through without prompts.
    #[arg(long, conflicts_with = "resume")]
    pub replay: Option<PathBuf>,
    /// Carry on an unfinished playthrough from its saved log.
    #[arg(long)]
    pub resume: Option<PathBuf>,
    /// Where the shipped cases are (default: scenarios/).
    #[arg(long)]
    pub scenarios: Option<PathBuf>,
    /// Where saved playthroughs and settings go (default: the platform's data folder).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// In the game window: save a PNG of every screen passed through into this folder.
    #[arg(long)]
    pub screenshots: Option<PathBuf>,
    /// In the game window: quit when the replay is done.
    #[arg(long)]
    pub exit_when_done: bool,
    /// For the benchmark: redraw continuously, record frame times for this many seconds, print them
    /// and quit.
    #[arg(long, hide = true)]
    pub frame_stats: Option<f64>,
}

/// Plays in the game window, or in the terminal with `--text` (or when built without the game).
pub fn run(args: &PlayArgs) -> u8 {
    #[cfg(feature = "gui")]
    if !args.text {
        return crate::game::run(args);
    }
    let stdin = std::io::stdin();
    let mut term = Terminal {
        input: stdin.lock(),
        out: std::io::stdout(),
    };
    play(args, &mut term)
}

/// The terminal: lines in, text out. Tests drive it with a script.
pub struct Terminal<R: BufRead, W: Write> {
    pub input: R,
    pub out: W,
}

impl<R: BufRead, W: Write> Terminal<R, W> {
    fn say(&mut self, text: &str) {
        let _ = writeln!(self.out, "{text}");
    }

    fn prose(&mut self, text: &str) {
        let wrapped = wrap(text, WIDTH, "");
        self.say(&wrapped);
    }

    /// Asks and reads one line; `None` when input has ended.
    fn ask(&mut self, prompt: &str) -> Option<String> {
        let _ = write!(self.out, "{prompt}");
        let _ = self.out.flush();
        let mut line = String::new();
        match self.input.read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(line.trim().to_string()),
        }
    }
}

/// Plays (or replays) according to `args`. Returns the exit code.
pub fn play<R: BufRead, W: Write>(args: &PlayArgs, term: &mut Terminal<R, W>) -> u8 {
    let dir = scenarios_dir(args.scenarios.as_deref());
    if let Some(path) = args.replay.as_ref().or(args.resume.as_ref()) {
        return replay_log(args, path, &dir, term);
    }
    let loaded = match &args.case {
        Some(name) => find_case(name, &dir).map(Some),
        None => choose_case(&dir, term),
    };
    let loaded = match loaded {
        Ok(Some(l)) => l,
        Ok(None) => return EXIT_OK,
        Err(e) => {
            term.say(&format!("error: {e}"));
            return EXIT_USAGE;
        }
    };
    let case = match playable(&loaded) {
        Ok(c) => c,
        Err(e) => {
            term.say(&e);
            return EXIT_ERRORS;
        }
    };
    let seed = args.seed.unwrap_or_else(|| rand::random::<u32>() as u64);
    let case = std::sync::Arc::new(case);
    let mut p = match Playthrough::new(case.clone(), seed, args.variant.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            term.say(&format!("error: {e}"));
            return EXIT_USAGE;
        }
    };
    let save = data_dir(args.data_dir.as_deref())
        .join("logs")
        .join(format!("{}-{seed}-{}.ron", case.case.id, timestamp()));
    briefing(&case, seed, term);
    let mut recorder = open_recorder(args, term);
    recorder.begin(&p.log, &case.case.title);
    interactive(&mut p, &save, &mut recorder, term)
}

fn choose_case<R: BufRead, W: Write>(
    dir: &Path,
    term: &mut Terminal<R, W>,
) -> Result<Option<crate::scenario::LoadedCase>, String> {
    let all = shipped_cases(dir)?;
    let broken: Vec<String> = all
        .iter()
        .filter(|c| c.has_errors())
        .map(|c| c.root.display().to_string())
        .collect();
    let cases: Vec<_> = all
        .into_iter()
        .filter(|c| !c.has_errors() && c.case.is_some())
        .collect();
    if !broken.is_empty() {
        term.say(&format!(
            "Not shown, because they have errors (see `second-look check`): {}",
            broken.join(", ")
        ));
    }
    if cases.is_empty() {
        return Err(format!("no playable cases in {}", dir.display()));
    }
    term.say("Second Look — practise judgement under uncertainty\n");
    term.prose(NOT_A_TOOL);
    term.say("\nCases:");
    for (i, c) in cases.iter().enumerate() {
        let case = c.case.as_ref().expect("filtered");
        term.say(&format!(
            "  {}. {} (about {} minutes)",
            i + 1,
            case.title,
            case.minutes
        ));
        term.say(&wrap(&case.summary, WIDTH, "     "));
    }
    loop {
        let Some(answer) = term.ask(&format!(
            "Choose a case [1-{}], or q to quit: ",
            cases.len()
        )) else {
            return Ok(None);
        };
        if answer.eq_ignore_ascii_case("q") {
            return Ok(None);
        }
        if let Some(i) = answer
            .parse::<usize>()
            .ok()
            .filter(|i| (1..=cases.len()).contains(i))
        {
            return Ok(cases.into_iter().nth(i - 1));
        }
        term.say("Please type one of the numbers shown.");
    }
}

fn briefing<R: BufRead, W: Write>(case: &Compiled, seed: u64, term: &mut Terminal<R, W>) {
    let c = &case.case;
    term.say(&format!("\n═══ {} ═══", c.title));
    term.prose(NOT_A_TOOL);
    term.say("");
    term.prose(&format!("You are: {}", c.you_are));
    term.say("");
    term.prose(&c.briefing);
    term.say("");
    let names: Vec<&str> = c.hypotheses.values().map(|h| h.label.as_str()).collect();
    term.prose(&format!(
        "The explanations you will weigh: {}.",
        names.join("; ")
    ));
    term.say(&format!(
        "Time available: {}. Seed {seed} (type it in to play this same case again).",
        hours(case.minutes_available)
    ));
}

fn interactive<R: BufRead, W: Write>(
    p: &mut Playthrough,
    save: &Path,
    recorder: &mut Recorder,
    term: &mut Terminal<R, W>,
) -> u8 {
    let mut shown_scene = None;
    loop {
        if let Err(e) = p.log.write(save) {
            term.say(&format!(
                "warning: could not save to {}: {e}",
                save.display()
            ));
        }
        recorder.step(&p.log);
        if let Some(problem) = recorder.problem.take() {
            term.say(&format!("warning: {problem}"));
        }
        let event = match p.stage() {
            Stage::Scene => {
                if shown_scene != Some(p.state.scene) {
                    show_scene(p, term);
                    shown_scene = Some(p.state.scene);
                }
                choose_action(p, term)
            }
            Stage::Checkpoint => judge(p, term),
            Stage::Decide => decide(p, term),
            Stage::Finished => {
                show_outcome(p, term);
                ask_hindsight(p, save, term);
                show_ending(p, term);
                reflect(p, save, term);
                recorder.finish(p);
                if let Some(problem) = recorder.problem.take() {
                    term.say(&format!("warning: {problem}"));
                }
                return EXIT_OK;
            }
            Stage::Stuck => {
                term.say(
                    "This scene has nothing left to do and nowhere to go; the case cannot go on.",
                );
                term.say("(An author's mistake: `second-look check` warns about it.)");
                return EXIT_ERRORS;
            }
        };
        let Some(event) = event else {
            term.say(&format!(
                "\nStopped. Your playthrough is saved at {}",
                save.display()
            ));
            term.say(&format!(
                "Carry on with: second-look play --text --resume {}",
                save.display()
            ));
            return EXIT_OK;
        };
        let before = p.revealed.len();
        let was_action = matches!(event, Event::Action(_));
        match p.apply(event) {
            Ok(()) if was_action => show_result(p, before, term),
            Ok(()) => {}
            Err(e) => term.say(&format!("That cannot be done: {}", e.reason)),
        }
    }
}

fn show_scene<R: BufRead, W: Write>(p: &Playthrough, term: &mut Terminal<R, W>) {
    let c = &p.case.case;
    let id = &p.case.scenes[p.state.scene].id;
    if let Some(crate::scenario::Scene::Scene(n)) = c.scenes.get(id) {
        match &n.chapter {
            Some(chapter) => term.say(&format!("\n──── {chapter} ────")),
            None => term.say("\n────"),
        }
        term.prose(&n.text);
    }
}

fn status_line(p: &Playthrough) -> String {
    let case = &*p.case;
    format!(
        "Time: {} used of {} ({} left) · Case file: {} findings",
        hours(p.state.minutes),
        hours(case.minutes_available),
        hours(p.state.minutes_left(case)),
        p.revealed.len()
    )
}

fn choose_action<R: BufRead, W: Write>(
    p: &Playthrough,
    term: &mut Terminal<R, W>,
) -> Option<Event> {
    let actions: Vec<usize> = p.state.available(&p.case).collect();
    term.say("");
    term.say(&status_line(p));
    term.say("What will you do?");
    for (i, &a) in actions.iter().enumerate() {
        let Some(action) = p.case.action(a) else {
            continue;
        };
        term.say(&format!(
            "  {}. {} ({})",
            i + 1,
            action.label,
            hours(p.case.actions[a].minutes)
        ));
        if !action.detail.is_empty() {
            term.say(&wrap(&action.detail, WIDTH, "       "));
        }
    }
    term.say("  f. Read the case file   c. Chronology   q. Save and stop");
    loop {
        let answer = term.ask("> ")?;
        match answer.to_lowercase().as_str() {
            "q" => return None,
            "f" => show_case_file(p, term),
            "c" => show_chronology(p, term),
            _ => {
                let ids: Vec<&str> = actions
                    .iter()
                    .map(|&a| p.case.actions[a].id.as_str())
                    .collect();
                match pick(&answer, &ids) {
                    Some(i) => return Some(Event::Action(ids[i].to_string())),
                    None => term.say(&format!(
                        "Type a number from 1 to {}, or f, c or q.",
                        actions.len()
                    )),
                }
            }
        }
    }
}

/// Which of the choices shown an answer picks: its number (from 1), or its ID as the case file
/// names it (so a scripted run picks the same action even when the list's order differs).
pub fn pick(answer: &str, ids: &[&str]) -> Option<usize> {
    let answer = answer.trim();
    match answer.parse::<usize>() {
        Ok(n) => (1..=ids.len()).contains(&n).then(|| n - 1),
        Err(_) => ids.iter().position(|id| *id == answer),
    }
}

fn show_result<R: BufRead, W: Write>(p: &Playthrough, before: usize, term: &mut Terminal<R, W>) {
    let Some(Event::Action(id)) = p.log.events.last() else {
        return;
    };
    let Some(a) = p.case.action_index(id) else {
        return;
    };
    let Some(action) = p.case.action(a) else {
        return;
    };
    if !action.result.is_empty() {
        term.say("");
        term.prose(&action.result);
    }
    for r in &p.revealed[before..] {
        let line = format!("● NEW  {}", finding_line(&p.case, r.finding, r.present));
        term.say(&wrap(&line, WIDTH, "  "));
    }
}

fn finding_line(case: &Compiled, f: usize, present: bool) -> String {
    let id = &case.findings[f].id;
    let finding = case.case.findings.get(id).expect("compiled from this case");
    let agency = case
        .case
        .agencies
        .get(&finding.agency)
        .map_or(finding.agency.as_str(), |a| a.label.as_str());
    let text = if present {
        &finding.present
    } else {
        &finding.absent
    };
    format!("[{agency} · {}] {text}", kind_words(finding.kind))
}

pub fn kind_words(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::ChildPresentation => "the child's presentation",
        FindingKind::ChildWords => "the child's own words",
        FindingKind::CarerAccount => "a carer's account",
        FindingKind::CarerEngagement => "a carer's engagement",
        FindingKind::History => "history",
        FindingKind::TestResult => "a test result",
        FindingKind::ProfessionalObservation => "a professional's observation",
    }
}

fn show_case_file<R: BufRead, W: Write>(p: &Playthrough, term: &mut Terminal<R, W>) {
    term.say("\nCase file, by agency:");
    if p.revealed.is_empty() {
        term.say("  (nothing yet)");
    }
    for (agency_id, agency) in p.case.case.agencies.iter() {
        let lines: Vec<String> = p
            .revealed
            .iter()
            .filter(|r| p.case.agencies[p.case.findings[r.finding].agency] == agency_id)
            .map(|r| finding_line(&p.case, r.finding, r.present))
            .collect();
        if !lines.is_empty() {
            term.say(&format!("  {}:", agency.label));
            for l in lines {
                term.say(&wrap(&l, WIDTH, "    - "));
            }
        }
    }
}

fn show_chronology<R: BufRead, W: Write>(p: &Playthrough, term: &mut Terminal<R, W>) {
    term.say(
        "\nChronology of what has come to light, by when it happened (day 0 is the referral):",
    );
    let mut dated: Vec<(i32, String, String)> = p
        .revealed
        .iter()
        .filter(|r| r.present)
        .filter_map(|r| {
            let f = p.case.case.findings.get(&p.case.findings[r.finding].id)?;
            let when = f.when.as_ref()?;
            Some((
                when.day,
                when.text.clone(),
                finding_line(&p.case, r.finding, r.present),
            ))
        })
        .collect();
    dated.sort_by_key(|d| d.0);
    if dated.is_empty() {
        term.say("  (no dated findings yet)");
    }
    for (day, text, line) in dated {
        term.say(&format!("  day {day:>5}  {text}"));
        term.say(&wrap(&line, WIDTH, "             "));
    }
}

fn judge<R: BufRead, W: Write>(p: &Playthrough, term: &mut Terminal<R, W>) -> Option<Event> {
    let case = &p.case.case;
    let id = p.case.scenes[p.state.scene].id.clone();
    let prompt = match case.scenes.get(&id) {
        Some(crate::scenario::Scene::Checkpoint(c)) => c.prompt.clone(),
        _ => String::new(),
    };
    term.say("\n═══ Checkpoint ═══");
    term.prose(&prompt);
    term.say(&status_line(p));
    let probabilities = ask_probabilities(&p.case, term)?;
    let labels: Vec<&str> = case.hypotheses.values().map(|h| h.label.as_str()).collect();
    let top = (0..labels.len()).fold(0, |b, i| {
        if probabilities[i] > probabilities[b] {
            i
        } else {
            b
        }
    });
    for (i, l) in labels.iter().enumerate() {
        term.say(&format!("  {}. {l}", i + 1));
    }
    let leading = loop {
        let a = term.ask(&format!(
            "Which explanation is leading for you? [1-{}, Enter = {}]: ",
            labels.len(),
            labels[top]
        ))?;
        if a.is_empty() {
            break top;
        }
        match a.parse::<usize>() {
            Ok(i) if (1..=labels.len()).contains(&i) => break i - 1,
            _ => term.say("Type one of the numbers shown."),
        }
    };
    let confidence = loop {
        let a = term.ask("How confident are you in that, from 0 to 100? ")?;
        match a.trim_end_matches('%').trim().parse::<u8>() {
            Ok(c) if c <= 100 => break c,
            _ => term.say("Type a whole number from 0 to 100."),
        }
    };
    let reasons = term.ask("Your reasons, in a sentence or two: ")?;
    let change_mind = term.ask("What would change your mind? ")?;
    let feeling =
        term.ask("How do you feel about this family right now? (optional, Enter to skip) ")?;
    let probabilities: OrderedMap<f64> = p
        .case
        .hypotheses
        .iter()
        .cloned()
        .zip(probabilities.iter().map(|x| x / 100.0))
        .collect();
    Some(Event::Judgement(Judgement {
        checkpoint: id,
        probabilities,
        leading: p.case.hypotheses[leading].clone(),
        confidence,
        reasons,
        change_mind,
        feeling,
    }))
}

/// Asks for a percentage per hypothesis until they add up to 100.
fn ask_probabilities<R: BufRead, W: Write>(
    case: &Compiled,
    term: &mut Terminal<R, W>,
) -> Option<Vec<f64>> {
    term.say("Spread 100% across the explanations (whole numbers).");
    loop {
        let mut values = Vec::new();
        for h in case.case.hypotheses.values() {
            let v = loop {
                let a = term.ask(&format!("  {}: ", h.label))?;
                match a.trim_end_matches('%').trim().parse::<f64>() {
                    Ok(v) if (0.0..=100.0).contains(&v) => break v,
                    _ => term.say("    Type a number from 0 to 100."),
                }
            };
            values.push(v);
        }
        let sum: f64 = values.iter().sum();
        if (sum - 100.0).abs() < 0.5 {
            return Some(values);
        }
        term.say(&format!(
            "Those add up to {sum}, not 100. Please spread them again."
        ));
    }
}

fn decide<R: BufRead, W: Write>(p: &Playthrough, term: &mut Terminal<R, W>) -> Option<Event> {
    let case = &p.case.case;
    let id = &p.case.scenes[p.state.scene].id;
    if let Some(crate::scenario::Scene::Decide(d)) = case.scenes.get(id) {
        term.say("\n═══ Decision ═══");
        term.prose(&d.prompt);
    }
    let offered = p.offered_decisions().to_vec();
    for (i, &d) in offered.iter().enumerate() {
        let decision = case
            .decisions
            .values()
            .nth(d)
            .expect("compiled from this case");
        term.say(&format!("  {}. {}", i + 1, decision.label));
        if !decision.about.is_empty() {
            term.say(&wrap(&decision.about, WIDTH, "     "));
        }
    }
    let ids: Vec<&str> = offered
        .iter()
        .map(|&d| p.case.decisions[d].id.as_str())
        .collect();
    let chosen = loop {
        let a = term.ask(&format!("Your decision [1-{}]: ", offered.len()))?;
        match pick(&a, &ids) {
            Some(i) => break offered[i],
            None => term.say("Type one of the numbers shown."),
        }
    };
    let rationale = loop {
        let a = term.ask("Your rationale, as you would record it: ")?;
        if !a.is_empty() {
            break a;
        }
        term.say("A decision needs a recorded rationale; a sentence will do.");
    };
    let quality = term
        .ask("How good a decision is this, on what you know now? (0 to 100, Enter to skip) ")
        .and_then(|a| a.trim_end_matches('%').trim().parse::<u8>().ok())
        .filter(|q| *q <= 100);
    Some(Event::Decision(DecisionMade {
        decision: p.case.decisions[chosen].id.clone(),
        rationale,
        quality,
    }))
}

fn show_outcome<R: BufRead, W: Write>(p: &Playthrough, term: &mut Terminal<R, W>) {
    term.say("\n═══ What happened ═══");
    if let Some(outcome) = p.outcome() {
        term.prose(outcome);
    }
    term.say("");
    term.prose(
        "Remember: the outcome is not the measure of the decision. A sound decision can meet a bad outcome and \
         a poor one can be lucky. The debrief scores your decision by what was knowable when you made it.",
    );
}

/// After the outcome: how foreseeable it was and how good the decision now seems (both may be skipped).
fn ask_hindsight<R: BufRead, W: Write>(
    p: &mut Playthrough,
    save: &Path,
    term: &mut Terminal<R, W>,
) {
    if p.log
        .events
        .iter()
        .any(|e| matches!(e, Event::Hindsight(_)))
    {
        return;
    }
    let mut rating = |q: &str| {
        term.ask(q)
            .and_then(|a| a.trim_end_matches('%').trim().parse::<u8>().ok())
            .filter(|x| *x <= 100)
    };
    let foreseeable =
        rating("\nNow that you know: how foreseeable was this outcome? (0 to 100, Enter to skip) ");
    let quality = rating("And how good was your decision? (0 to 100, Enter to skip) ");
    if let (Some(foreseeable), Some(decision_quality)) = (foreseeable, quality) {
        let _ = p.apply(Event::Hindsight(crate::engine::Hindsight {
            foreseeable,
            decision_quality,
        }));
        let _ = p.log.write(save);
    }
}

fn show_ending<R: BufRead, W: Write>(p: &Playthrough, term: &mut Terminal<R, W>) {
    let case = &p.case.case;
    let d = debrief(p);
    let labels: Vec<&str> = case.hypotheses.values().map(|h| h.label.as_str()).collect();
    term.say("\n═══ Debrief ═══");
    term.say(&format!(
        "What was really happening in this playthrough: {}",
        labels[d.truth]
    ));
    for c in &d.checkpoints {
        term.say(&format!(
            "\nAt \"{}\" (knowing {}):",
            c.checkpoint,
            super::count(c.findings_known, "finding", "findings")
        ));
        term.say(&format!("  {:<44} {:>6} {:>10}", "", "you", "evidence"));
        for (i, l) in labels.iter().enumerate() {
            term.say(&format!(
                "  {:<44} {:>5.0}% {:>9.0}%",
                truncate(l, 44),
                c.stated[i] * 100.0,
                c.normative[i] * 100.0
            ));
        }
    }
    if let Some(q) = &d.decision {
        let label = |i: usize| {
            case.decisions
                .values()
                .nth(i)
                .map_or("", |x| x.label.as_str())
        };
        term.say("\nYour decision, scored by the evidence you had when you made it (lower loss is better):");
        term.say(&format!(
            "  yours: {} — expected loss {:.1}",
            label(q.chosen),
            q.chosen_loss
        ));
        term.say(&format!(
            "  best then: {} — expected loss {:.1}",
            label(q.best),
            q.best_loss
        ));
    }
    let unseen = p.case.findings.len() - p.revealed.len();
    term.say(&format!(
        "\nYou looked for {} of the case's {} findings ({unseen} never looked for).",
        p.revealed.len(),
        p.case.findings.len()
    ));
    show_reasoning(p, term);
    if !case.teaching.is_empty() {
        term.say("\nPoints to take away:");
        for t in &case.teaching {
            term.say(&wrap_hanging(&t.point, WIDTH, "  • ", "    "));
            if !t.reference.is_empty() {
                term.say(&wrap(&t.reference, WIDTH, "    "));
            }
        }
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

fn reflect<R: BufRead, W: Write>(p: &mut Playthrough, save: &Path, term: &mut Terminal<R, W>) {
    let answered: Vec<String> = p
        .log
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Reflection(r) => Some(r.question.clone()),
            _ => None,
        })
        .collect();
    if answered.len() < REFLECTIONS.len() {
        term.say("\n═══ Reflection ═══ (Enter to skip a question)");
    }
    for q in REFLECTIONS
        .iter()
        .filter(|q| !answered.iter().any(|a| a == *q))
    {
        let Some(answer) = term.ask(&format!("{q}\n> ")) else {
            break;
        };
        if !answer.is_empty() {
            let _ = p.apply(Event::Reflection(Reflection {
                question: q.to_string(),
                answer,
            }));
            let _ = p.log.write(save);
        }
    }
    if let Err(e) = p.log.write(save) {
        term.say(&format!(
            "warning: could not save to {}: {e}",
            save.display()
        ));
    }
    term.say(&format!("\nSaved to {}", save.display()));
    term.say(&format!(
        "Replay it with: second-look play --text --replay {}",
        save.display()
    ));
}

/// `--replay` plays a log through without prompts; `--resume` replays it, then carries on playing.
fn replay_log<R: BufRead, W: Write>(
    args: &PlayArgs,
    path: &Path,
    dir: &Path,
    term: &mut Terminal<R, W>,
) -> u8 {
    let log = match Log::read(path) {
        Ok(l) => l,
        Err(e) => {
            term.say(&format!("error: {e}"));
            return EXIT_USAGE;
        }
    };
    let name = args.case.clone().unwrap_or_else(|| log.case.clone());
    let case = match find_case(&name, dir).and_then(|l| playable(&l)) {
        Ok(c) => c,
        Err(e) => {
            term.say(&format!("error: {e}"));
            return EXIT_USAGE;
        }
    };
    briefing(&case, log.seed, term);
    let case = std::sync::Arc::new(case);
    let mut p = match Playthrough::new(case.clone(), log.seed, log.variant.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            term.say(&format!("error: {e}"));
            return EXIT_ERRORS;
        }
    };
    if log.case != case.case.id {
        term.say(&format!(
            "error: this log is of case \"{}\", not \"{}\"",
            log.case, case.case.id
        ));
        return EXIT_ERRORS;
    }
    if log.case_version != case.version {
        term.say("Note: the case has been edited since this playthrough was saved; replaying it onto the new version.");
    }
    let mut shown = None;
    for event in &log.events {
        if matches!(event, Event::Action(_)) && shown != Some(p.state.scene) {
            show_scene(&p, term);
            shown = Some(p.state.scene);
        }
        print_event_before(&p, event, term);
        let before = p.revealed.len();
        if let Err(e) = p.apply(event.clone()) {
            term.say(&format!("\nThe log no longer fits the case: {e}"));
            return EXIT_ERRORS;
        }
        if matches!(event, Event::Action(_)) {
            show_result(&p, before, term);
        }
    }
    if args.resume.is_some() {
        let mut recorder = open_recorder(args, term);
        recorder.begin(&p.log, &case.case.title);
        return interactive(&mut p, path, &mut recorder, term);
    }
    if p.stage() == Stage::Finished {
        let mut recorder = open_recorder(args, term);
        recorder.begin(&p.log, &case.case.title);
        recorder.finish(&p);
        show_outcome(&p, term);
        show_ending(&p, term);
        for e in &p.log.events {
            if let Event::Reflection(r) = e {
                term.say(&format!("\n{}\n  {}", r.question, r.answer));
            }
        }
    } else {
        term.say(&format!("\nThe playthrough stops here, unfinished. Carry on with: second-look play --text --resume {}", path.display()));
    }
    EXIT_OK
}

fn print_event_before<R: BufRead, W: Write>(
    p: &Playthrough,
    event: &Event,
    term: &mut Terminal<R, W>,
) {
    match event {
        Event::Action(id) => {
            let label = p
                .case
                .action_index(id)
                .and_then(|a| p.case.action(a))
                .map(|x| x.label.clone())
                .unwrap_or_else(|| id.clone());
            term.say(&format!("\n> {label}"));
        }
        Event::Judgement(j) => {
            let parts: Vec<String> = j
                .probabilities
                .iter()
                .map(|(h, v)| format!("{h} {:.0}%", v * 100.0))
                .collect();
            term.say(&format!(
                "\n═══ Checkpoint \"{}\" ═══ {}",
                j.checkpoint,
                parts.join(", ")
            ));
            term.say(&format!(
                "  leading: {} (confidence {})",
                j.leading, j.confidence
            ));
        }
        Event::Decision(d) => term.say(&format!(
            "\n═══ Decision: {} ═══\n  {}",
            d.decision, d.rationale
        )),
        Event::Reflection(_) | Event::Hindsight(_) => {}
    }
}

/// The reasoning errors the detectors found, each with one thing to try next time (the full analysis
/// is `second-look report LOG`).
fn show_reasoning<R: BufRead, W: Write>(p: &Playthrough, term: &mut Terminal<R, W>) {
    let analysis = crate::judgement::report::analyse(p);
    let shown: Vec<_> = analysis.reasoning.iter().filter(|r| r.flagged()).collect();
    term.say("\nYour reasoning, measured from what you did:");
    if shown.is_empty() {
        term.say("  None of the reasoning errors the game looks for showed in this playthrough.");
    }
    for r in shown {
        term.say(&wrap_hanging(
            &format!("{}: {}", r.name, r.explanation),
            WIDTH,
            "  ● ",
            "    ",
        ));
        term.say(&wrap_hanging(
            &format!("Next time: {}", r.prompt),
            WIDTH,
            "    → ",
            "      ",
        ));
    }
}

/// The trainee's record in the data folder; a problem opening it is said once and play goes on.
#[cfg(not(target_arch = "wasm32"))]
fn open_recorder<R: BufRead, W: Write>(args: &PlayArgs, term: &mut Terminal<R, W>) -> Recorder {
    let (recorder, notice) = Recorder::open(&data_dir(args.data_dir.as_deref()));
    if let Some(notice) = notice {
        term.say(&notice);
    }
    recorder
}

/// The web build has no terminal and no files: the terminal player keeps no record there.
#[cfg(target_arch = "wasm32")]
fn open_recorder<R: BufRead, W: Write>(_args: &PlayArgs, _term: &mut Terminal<R, W>) -> Recorder {
    Recorder::new(None)
}
