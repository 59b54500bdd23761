//! Tests of the game: each screen's UI driven through egui_kittest by its accessible labels (the
//! labels a screen reader uses), and the app's state machine run headless.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bevy::prelude::*;
use bevy::state::app::StatesPlugin;
use bevy_egui::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::library::Library;
use super::screens::case_view::{CaseFileTab, CaseIntent};
use super::screens::library::{LibraryDraft, LibraryIntent};
use super::screens::title::TitleIntent;
use super::screens::{
    Screen, case_view, checkpoint, debrief, decision, library, outcome, reflection, settings, title,
};
use super::session::Session;
use super::{GameConfig, Settings, theme};
use crate::engine::{Compiled, DecisionMade, Event, Log};
use crate::judgement::debrief::debrief as analyse;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn minimal_path() -> PathBuf {
    root().join("tests/cases/minimal.ron")
}

fn minimal() -> Arc<Compiled> {
    let loaded = crate::scenario::check_case(&minimal_path());
    Arc::new(Compiled::new(loaded.case.as_ref().unwrap()).unwrap())
}

fn session(dir: &Path) -> Session {
    Session::start(&minimal_path(), minimal(), 5, None, dir).unwrap()
}

/// A harness that applies the game's theme on its first frame (egui loads fonts a frame later) and
/// draws from then on. It is tall, so that whole screens fit without scrolling.
fn harness<'a, S: 'a>(
    state: S,
    mut draw: impl FnMut(&mut egui::Ui, &mut S) + 'a,
) -> Harness<'a, S> {
    let mut themed = false;
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 2400.0))
        .build_ui_state(
            move |ui, s| {
                if !themed {
                    theme::apply(ui.ctx(), &Settings::default());
                    themed = true;
                    return;
                }
                draw(ui, s);
            },
            state,
        );
    h.run();
    h
}

#[test]
fn title_offers_continue_start_settings_and_says_what_it_is_not() {
    let mut h = harness(None, |ui, intent: &mut Option<TitleIntent>| {
        if let Some(i) = title::show(ui, Some("A mark on a four-month-old"), None) {
            *intent = Some(i);
        }
    });
    assert!(
        h.query_by_label_contains("not a diagnostic or decision tool")
            .is_some()
    );
    h.get_by_label("Continue: A mark on a four-month-old")
        .click();
    h.run();
    assert_eq!(*h.state(), Some(TitleIntent::Continue));
    h.get_by_label("Settings").click();
    h.run();
    assert_eq!(*h.state(), Some(TitleIntent::Settings));
}

#[test]
fn library_lists_cases_checks_the_seed_and_shows_broken_cases() {
    let shipped = Library::scan(&root().join("scenarios"));
    let state = (shipped, LibraryDraft::default(), None);
    let mut h = harness(
        state,
        |ui, (lib, draft, intent): &mut (Library, LibraryDraft, Option<LibraryIntent>)| {
            if let Some(i) = library::show(ui, lib, draft) {
                *intent = Some(i);
            }
        },
    );
    h.get_by_label("Seed:").focus();
    h.get_by_label("Seed:").type_text("abc");
    h.run();
    h.get_by_label_contains("Play “Tutorial").click();
    h.run();
    assert_eq!(h.state().2, None, "a seed that is not a number is refused");
    assert!(
        h.query_by_label_contains("A seed is a whole number")
            .is_some()
    );
    h.state_mut().1.seed = "42".into();
    h.run();
    h.get_by_label_contains("Play “Tutorial").click();
    h.run();
    let tutorial = h
        .state()
        .0
        .entries
        .iter()
        .position(|e| e.id == "tutorial")
        .unwrap();
    assert_eq!(
        h.state().2,
        Some(LibraryIntent::Play {
            entry: tutorial,
            seed: Some(42),
            variant: None
        })
    );

    let broken = Library::scan(&root().join("tests/diagnostics"));
    let mut h = harness(
        (broken, LibraryDraft::default()),
        |ui, (lib, draft): &mut (Library, LibraryDraft)| {
            library::show(ui, lib, draft);
        },
    );
    let warned = h
        .query_all_by_label_contains("cannot be played yet")
        .count();
    assert!(
        warned > 20,
        "broken cases are listed, not hidden ({warned})"
    );
    assert!(
        h.query_by_label_contains("error[SL0012]").is_some(),
        "with their first error"
    );
    h.run();
}

#[test]
fn case_screen_takes_actions_by_click_and_by_number_key() {
    let dir = tempfile::tempdir().unwrap();
    let s = session(dir.path());
    let mut h = harness(
        (s, CaseFileTab::ByAgency, None),
        |ui, (s, tab, intent): &mut (Session, CaseFileTab, Option<CaseIntent>)| {
            if let Some(i) = case_view::show(
                ui,
                s,
                tab,
                &mut super::Pictures::default(),
                theme::Palette::CALM,
            ) {
                *intent = Some(i);
            }
        },
    );
    assert!(h.query_by_label_contains("Time: 0 h used of 4 h").is_some());
    h.get_by_label_contains("Ask the GP").click();
    h.run();
    assert_eq!(h.state().2, Some(CaseIntent::Act("ask-gp".into())));
    h.state_mut().2 = None;
    h.key_press(egui::Key::Num1);
    h.run();
    assert_eq!(h.state().2, Some(CaseIntent::Act("ask-school".into())));
}

#[test]
fn the_case_file_shows_new_findings_under_their_agency() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    s.apply(Event::Action("ask-school".into()), 0.0).unwrap();
    let h = harness(
        (s, CaseFileTab::ByAgency),
        |ui, (s, tab): &mut (Session, CaseFileTab)| {
            case_view::show(
                ui,
                s,
                tab,
                &mut super::Pictures::default(),
                theme::Palette::CALM,
            );
        },
    );
    assert!(h.query_by_label("Case file (1)").is_some());
    assert!(h.query_by_label("School").is_some());
}

#[test]
fn checkpoint_needs_reasons_and_always_adds_up_to_100() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    s.apply(Event::Action("judge".into()), 0.0).unwrap();
    let mut h = harness(
        (s, CaseFileTab::ByAgency, None),
        |ui, (s, tab, out): &mut (Session, CaseFileTab, Option<crate::engine::Judgement>)| {
            let mut drafts = s.drafts.clone();
            if let Some(j) = checkpoint::show(ui, s, &mut drafts, tab, theme::Palette::CALM) {
                *out = Some(j);
            }
            s.drafts = drafts;
        },
    );
    h.get_by_label("Record my judgement").click();
    h.run();
    assert!(h.state().2.is_none(), "no judgement without reasons");
    h.get_by_label("Your reasons (required)").focus();
    h.get_by_label("Your reasons (required)")
        .type_text("The school sees hunger every day.");
    h.run();
    h.get_by_label("Record my judgement").click();
    h.run();
    let j = h.state().2.clone().expect("recorded");
    assert_eq!(j.reasons, "The school sees hunger every day.");
    let total: f64 = j.probabilities.values().sum();
    assert!((total - 1.0).abs() < 1e-9);
}

#[test]
fn decision_needs_a_choice_and_a_rationale() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    s.apply(Event::Action("judge".into()), 0.0).unwrap();
    let j = checkpoint::judgement_from(
        &super::Drafts {
            spread: vec![30, 70],
            reasons: "r".into(),
            ..Default::default()
        },
        "check",
        &s.case().hypotheses.clone(),
    )
    .unwrap();
    s.apply(Event::Judgement(j), 0.0).unwrap();
    let mut h = harness(
        (s, None),
        |ui, (s, out): &mut (Session, Option<DecisionMade>)| {
            let mut drafts = s.drafts.clone();
            if let Some(d) = decision::show(ui, s, &mut drafts) {
                *out = Some(d);
            }
            s.drafts = drafts;
        },
    );
    h.get_by_label("Early help").click();
    h.run();
    h.get_by_label("Make this decision").click();
    h.run();
    assert!(h.state().1.is_none(), "a rationale is required");
    h.get_by_label_contains("Your rationale").focus();
    h.get_by_label_contains("Your rationale")
        .type_text("Support first.");
    h.run();
    h.get_by_label("Make this decision").click();
    h.run();
    assert_eq!(
        h.state().1.as_ref().map(|d| d.decision.as_str()),
        Some("early-help")
    );
}

#[test]
fn outcome_debrief_and_reflection_carry_the_trainee_to_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    s.apply(Event::Action("judge".into()), 0.0).unwrap();
    let hyps = s.case().hypotheses.clone();
    let j = checkpoint::judgement_from(
        &super::Drafts {
            spread: vec![30, 70],
            reasons: "r".into(),
            ..Default::default()
        },
        "check",
        &hyps,
    )
    .unwrap();
    s.apply(Event::Judgement(j), 0.0).unwrap();
    s.apply(
        Event::Decision(DecisionMade {
            decision: "nfa".into(),
            rationale: "r".into(),
            quality: None,
        }),
        0.0,
    )
    .unwrap();

    let mut h = harness((s.clone(), false), |ui, (s, go): &mut (Session, bool)| {
        let mut d = s.drafts.clone();
        *go |= outcome::show(ui, s, &mut d).is_some();
    });
    assert!(
        h.query_by_label("How foreseeable was this outcome? (0 to 100)")
            .is_some(),
        "the hindsight questions are asked"
    );
    assert!(
        h.query_by_label_contains("The outcome is not the measure of the decision")
            .is_some()
    );
    h.get_by_label("Go to the debrief").click();
    h.run();
    assert!(h.state().1);

    let d = analyse(&s.play);
    let a = crate::judgement::report::analyse(&s.play);
    let mut h = harness(
        (s.clone(), false),
        move |ui, (s, go): &mut (Session, bool)| *go |= debrief::show(ui, &s.play, &d, &a),
    );
    assert!(
        h.query_by_label_contains("Measured from what you did")
            .is_some(),
        "the reasoning feedback is shown"
    );
    assert!(
        h.query_by_label_contains("what was really happening")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("Your decision: No further action — expected loss")
            .is_some()
    );
    h.get_by_label("Reflect on this case").click();
    h.run();
    assert!(h.state().1);

    let mut h = harness(
        (s.drafts.clone(), None),
        |ui, (d, out): &mut (super::Drafts, Option<Vec<crate::engine::Reflection>>)| {
            if let Some(r) = reflection::show(ui, d) {
                *out = Some(r);
            }
        },
    );
    h.get_by_label(reflection::QUESTIONS[0]).focus();
    h.get_by_label(reflection::QUESTIONS[0])
        .type_text("That they were coping.");
    h.run();
    h.get_by_label("Save and finish").click();
    h.run();
    let answers = h.state().1.clone().unwrap();
    assert_eq!(answers.len(), 1, "blank questions are skipped");
}

#[test]
fn settings_change_text_size_and_contrast() {
    let mut h = harness(Settings::default(), |ui, s: &mut Settings| {
        settings::show(ui, s);
    });
    h.get_by_label("High contrast (white and yellow on black)")
        .click();
    h.get_by_label("Larger").click();
    h.run();
    assert!(h.state().high_contrast);
    assert_eq!(h.state().text_scale, 1.25);
    let dir = tempfile::tempdir().unwrap();
    h.state().write(dir.path()).unwrap();
    assert_eq!(Settings::read(dir.path()), *h.state(), "settings persist");
}

// ---------------------------------------------------------------- the app, headless

fn headless(config: GameConfig) -> App {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, StatesPlugin));
    app.insert_resource(config);
    app.add_plugins(super::plugin);
    app
}

#[test]
fn opening_on_a_case_starts_it_and_saving_offers_to_continue() {
    let dir = tempfile::tempdir().unwrap();
    let config = GameConfig {
        scenarios: root().join("scenarios"),
        data_dir: dir.path().into(),
        case: Some(minimal_path().display().to_string()),
        seed: Some(3),
        ..Default::default()
    };
    let mut app = headless(config.clone());
    app.update();
    app.update();
    assert_eq!(
        *app.world().resource::<State<Screen>>().get(),
        Screen::Briefing
    );
    let mut s = app.world_mut().resource_mut::<Session>();
    s.apply(Event::Action("ask-school".into()), 0.0).unwrap();
    assert_eq!(s.screen(), Screen::Case);
    let log = s.save_path.clone();
    drop(app);
    let unfinished =
        super::session::read_unfinished(dir.path()).expect("an unfinished case is remembered");
    assert_eq!(unfinished.log, log);
    assert_eq!(Log::read(&log).unwrap().events.len(), 1);

    let mut again = headless(GameConfig {
        case: None,
        ..config
    });
    again.update();
    let offer = again.world().resource::<super::session::ContinueOffer>();
    assert_eq!(
        offer.0.as_ref().map(|(_, t)| t.as_str()),
        Some("A minimal case")
    );
}

#[test]
fn a_replay_drives_the_state_machine_to_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let case = minimal();
    let mut logs = Vec::new();
    let mut keep = |_: u64, log: Log| logs.push(log);
    crate::engine::explore::random_playthroughs(&case, 1, 2, Some(&mut keep));
    let log_path = dir.path().join("replay.ron");
    logs[0].write(&log_path).unwrap();
    let mut app = headless(GameConfig {
        scenarios: root().join("scenarios"),
        data_dir: data.path().into(),
        case: Some(minimal_path().display().to_string()),
        replay: Some(log_path),
        exit_when_done: true,
        ..Default::default()
    });
    let mut screens = Vec::new();
    for _ in 0..2000 {
        app.update();
        let screen = *app.world().resource::<State<Screen>>().get();
        if screens.last() != Some(&screen) {
            screens.push(screen);
        }
        if app.should_exit().is_some() {
            break;
        }
    }
    assert_eq!(
        app.should_exit(),
        Some(AppExit::Success),
        "went through {screens:?}"
    );
    for s in [
        Screen::Library,
        Screen::Briefing,
        Screen::Checkpoint,
        Screen::Decision,
        Screen::Outcome,
        Screen::Debrief,
        Screen::Reflection,
    ] {
        assert!(screens.contains(&s), "{s:?} missing from {screens:?}");
    }
    let saved: Vec<_> = std::fs::read_dir(data.path().join("logs"))
        .unwrap()
        .collect();
    assert_eq!(saved.len(), 1);
    let replayed = Log::read(&saved[0].as_ref().unwrap().path()).unwrap();
    assert_eq!(
        replayed.events, logs[0].events,
        "the window replay reproduces the log exactly"
    );
}

#[test]
fn a_scene_shows_its_picture_with_its_words() {
    let dir = tempfile::tempdir().unwrap();
    let case_path = root().join("tests/diagnostics/SL0052-fixed.ron");
    let loaded = crate::scenario::check_case(&case_path);
    let case = Arc::new(Compiled::new(loaded.case.as_ref().unwrap()).unwrap());
    let s = Session::start(&case_path, case, 1, None, dir.path()).unwrap();
    let h = harness(
        (s, CaseFileTab::ByAgency, super::Pictures::default()),
        |ui, (s, tab, pictures): &mut (Session, CaseFileTab, super::Pictures)| {
            case_view::show(ui, s, tab, pictures, theme::Palette::CALM);
        },
    );
    assert!(
        h.query_all_by_label("An office with a window and a desk.")
            .count()
            >= 1
    );
    assert!(
        h.query_by_label_contains("[Picture:").is_none(),
        "the file was found and drawn"
    );
}

#[test]
fn progress_shows_calibration_over_sessions_and_deletes_on_confirmation() {
    use super::screens::progress::{ProgressIntent, ProgressView, show};
    use crate::store::Recorder;
    use crate::store::progress::Progress;
    let dir = tempfile::tempdir().unwrap();
    let (mut recorder, _) = Recorder::open(dir.path());
    for seed in 0..3 {
        let p = crate::judgement::bots::play(
            minimal(),
            crate::judgement::bots::Bot::new(crate::judgement::bots::Bias::Overconfidence),
            seed,
        );
        recorder.begin(&p.log, "A minimal case");
        recorder.finish(&p);
    }
    let progress = Progress::of(recorder.record().unwrap()).unwrap();
    assert_eq!(progress.finished, 3);
    let view = ProgressView {
        progress: Some(Ok(progress)),
        confirming_delete: false,
        message: None,
    };
    let mut h = harness(
        (view, None),
        |ui, (view, intent): &mut (ProgressView, Option<ProgressIntent>)| {
            if let Some(i) = show(ui, view) {
                *intent = Some(i);
            }
        },
    );
    assert!(h.query_by_label_contains("3 cases finished").is_some());
    assert!(
        h.query_by_label("Overconfidence").is_some(),
        "the errors shown across sessions are listed"
    );
    h.get_by_label("Delete my data…").click();
    h.run();
    assert!(
        h.state().1.is_none(),
        "nothing is deleted without confirmation"
    );
    h.get_by_label("Yes, delete everything").click();
    h.run();
    assert_eq!(h.state().1, Some(ProgressIntent::DeleteEverything));
}

#[test]
fn the_journal_lists_reflections_and_searches_them() {
    use super::screens::journal::{Entry, Journal, JournalIntent, show};
    let entry = |id: i64, title: &str, answer: &str| Entry {
        id,
        started: "20261127T120000Z".into(),
        title: title.into(),
        log: String::new(),
        reflections: vec![(reflection::QUESTIONS[0].to_string(), answer.to_string())],
    };
    let journal = Journal {
        entries: vec![
            entry(2, "Hungry at school", "I trusted the tidy kitchen."),
            entry(1, "A mark on a four-month-old", "I liked Jade."),
        ],
        ..Default::default()
    };
    let mut h = harness(
        (journal, None),
        |ui, (j, intent): &mut (Journal, Option<JournalIntent>)| {
            if let Some(i) = show(ui, j) {
                *intent = Some(i);
            }
        },
    );
    assert!(h.query_by_label("I trusted the tidy kitchen.").is_some());
    assert!(
        h.query_by_label("27/11/2026 — A mark on a four-month-old")
            .is_some(),
        "each entry is dated and names its case"
    );
    h.state_mut().0.search = "KITCHEN".into();
    h.run();
    assert!(
        h.query_by_label("I liked Jade.").is_none(),
        "search filters, ignoring case"
    );
    h.get_by_label_contains("Print the debrief of Hungry at school")
        .click();
    h.run();
    assert_eq!(h.state().1, Some(JournalIntent::Print(2)));

    // By keyboard: the message that appears after printing leaves the focus on the button.
    h.state_mut().1 = None;
    h.get_by_label_contains("Print the debrief of Hungry at school")
        .focus();
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().1, Some(JournalIntent::Print(2)));
    assert!(
        h.get_by_label_contains("Print the debrief of Hungry at school")
            .is_focused(),
        "focused before the message"
    );
    h.state_mut().0.printed = Some((2, "The printable debrief was saved.".into()));
    h.run();
    h.run();
    assert!(
        h.query_by_label("The printable debrief was saved.")
            .is_some()
    );
    assert!(
        h.get_by_label_contains("Print the debrief of Hungry at school")
            .is_focused(),
        "the focus stays on the button after the message appears"
    );
}

/// A running workshop of the complete case on loopback, with the GP and the police in the room.
fn running_workshop(dir: &Path) -> super::workshop::RunningWorkshop {
    let loaded = crate::cli::find_case("mark-at-four-months", &root().join("scenarios")).unwrap();
    let case = Arc::new(crate::cli::playable(&loaded).unwrap());
    let agencies = vec!["gp".to_string(), "police".to_string()];
    let live = crate::workshop::Live::open(case, 1234, &agencies, dir, true).unwrap();
    let server = crate::workshop::Server::start(
        live.clone(),
        std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        0,
    )
    .unwrap();
    super::workshop::RunningWorkshop {
        qr: crate::workshop::qr::modules(&server.join.url),
        live,
        server,
        reach: "this computer only".into(),
    }
}

#[test]
fn the_projected_room_counts_answers_but_never_shows_what_an_agency_holds() {
    use super::screens::workshop_room::{RoomDrafts, RoomIntent, RoomView, show};
    let dir = tempfile::tempdir().unwrap();
    let running = running_workshop(dir.path());
    let gp = running.live.join(Some("Hannah"), Some("gp")).unwrap();
    let held: Vec<String> = running.live.participant_view(&gp.token).unwrap()["held"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["text"].as_str().unwrap().to_string())
        .collect();
    assert!(!held.is_empty());
    let code = running.live.room().code.clone();
    let mut h = harness(
        (RoomDrafts::default(), None),
        |ui, (drafts, intent): &mut (RoomDrafts, Option<RoomIntent>)| {
            let view = RoomView::read(&running);
            if let Some(i) = show(ui, &view, &running, drafts) {
                *intent = Some(i);
            }
        },
    );
    assert!(
        h.query_by_label(&code).is_some(),
        "the room code is on the screen"
    );
    assert!(h.query_by_label("QR code for the join address").is_some());
    assert!(h.query_by_label("1 person has joined").is_some());
    assert!(
        h.query_by_label_contains("GP practice holds 3 findings the room has not heard")
            .is_some()
    );
    for text in &held {
        assert!(
            h.query_by_label_contains(text).is_none(),
            "{text} is the GP's to share"
        );
    }
    h.get_by_label_contains("Ring Priya").click();
    h.run();
    let first = running.live.facilitator_view()["actions"][0]["id"].clone();
    assert!(
        matches!(&h.state().1, Some(RoomIntent::Action(a)) if first == a.as_str()),
        "{:?}",
        h.state().1
    );

    // Private judgement: only the count, until revealed.
    let checkpoint = running.live.change(|r| r.open_round(None)).unwrap();
    let body = crate::workshop::room::JudgementBody {
        checkpoint: Some(checkpoint),
        probabilities: [("inflicted", 70.0), ("accidental", 20.0), ("medical", 10.0)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        leading: "inflicted".into(),
        reasons: "private".into(),
    };
    running.live.submit(&gp.token, &body).unwrap();
    h.run();
    assert!(h.query_by_label("1 of 1 answered").is_some());
    assert!(h.query_by_label_contains("70–79%: 1").is_none());
    running.live.change(|r| r.close_round()).unwrap();
    running.live.change(|r| r.reveal()).unwrap();
    h.run();
    assert!(
        h.query_by_label_contains("70–79%: 1").is_some(),
        "the spread, once revealed"
    );
}

/// When the playthrough cannot be saved (or the record cannot keep it), the trainee is told over the
/// game, in words, the save first since Continue needs it; the record's problem can be dismissed.
#[test]
fn work_that_cannot_be_kept_is_told() {
    use super::record::{RecordProblem, keeping_problem, show_problem};
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    s.save();
    let full = RecordProblem(Some("Your record: the disk is full.".into()));
    assert_eq!(keeping_problem(Some(&s), &RecordProblem::default()), None);
    assert_eq!(
        keeping_problem(Some(&s), &full).as_deref(),
        Some("Your record: the disk is full.")
    );
    let blocker = dir.path().join("a-file-not-a-folder");
    std::fs::write(&blocker, "").unwrap();
    s.save_path = blocker.join("save.ron");
    s.save();
    let problem = keeping_problem(Some(&s), &full).expect("told");
    assert!(problem.starts_with("Could not save to"), "{problem}");
    let mut h = harness((problem, false), |ui, (problem, dismissed)| {
        if show_problem(ui, problem) {
            *dismissed = true;
        }
    });
    assert!(h.query_by_label("Your work is not being kept").is_some());
    assert!(h.query_by_label_contains("Could not save to").is_some());
    h.get_by_label("Dismiss").click();
    h.run();
    assert!(h.state().1);
}
