//! Starting a workshop: the case, the seed, the agencies in the room, and where to listen. Starting
//! the same case again resumes its unfinished workshop, with the same room code, unless asked not to.

use std::net::{IpAddr, Ipv4Addr};

use bevy::prelude::*;
use bevy::winit::EventLoopProxyWrapper;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{Screen, page, root_ui};
use crate::cli::play::NOT_A_TOOL;
use crate::cli::workshop::WorkshopArgs;
use crate::game::library::Library;
use crate::game::theme::{UiSet, heading, note, primary_button, subheading};
use crate::game::workshop::start;
use crate::game::{GameConfig, theme};
use crate::workshop::room::agencies_with_findings;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<SetupDrafts>();
    app.add_systems(
        EguiPrimaryContextPass,
        setup_screen
            .in_set(UiSet)
            .run_if(in_state(Screen::WorkshopSetup)),
    );
}

/// What the trainer has chosen so far.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct SetupDrafts {
    pub case: usize,
    pub seed: String,
    /// Agency IDs in the room, for the chosen case.
    pub agencies: Vec<String>,
    /// The case the agencies were chosen for.
    pub agencies_for: Option<usize>,
    pub port: String,
    pub whole_network: bool,
    pub fresh: bool,
    pub problem: Option<String>,
}

impl Default for SetupDrafts {
    fn default() -> Self {
        SetupDrafts {
            case: 0,
            seed: (rand::random::<u32>() % 100_000).to_string(),
            agencies: Vec::new(),
            agencies_for: None,
            port: "7878".into(),
            whole_network: true,
            fresh: false,
            problem: None,
        }
    }
}

/// What the trainer asked for.
#[derive(Debug, Clone)]
pub enum SetupIntent {
    Start(WorkshopArgs),
    Back,
}

/// Draws the setup screen.
pub fn show(ui: &mut egui::Ui, library: &Library, drafts: &mut SetupDrafts) -> Option<SetupIntent> {
    page(ui, "workshop-setup", |ui| {
        heading(ui, "Run a workshop");
        ui.label("Play a case on the projector with a room. Each agency in the room holds part of the picture; everyone judges privately on their own phone or laptop before the room discusses.");
        ui.add_space(10.0);
        let playable: Vec<usize> = (0..library.entries.len())
            .filter(|&i| library.entries[i].case.is_ok())
            .collect();
        if playable.is_empty() {
            ui.label("There are no playable cases in the library.");
            return ui.button("Back").clicked().then_some(SetupIntent::Back);
        }
        if !playable.contains(&drafts.case) {
            drafts.case = playable[0];
        }
        choose_case(ui, library, &playable, drafts);
        choose_agencies(ui, library, drafts);
        choose_network(ui, drafts);
        ui.add_space(10.0);
        let mut intent = None;
        ui.horizontal(|ui| {
            if primary_button(ui, "Start the workshop").clicked() {
                match args_from(library, drafts) {
                    Ok(args) => intent = Some(SetupIntent::Start(args)),
                    Err(e) => drafts.problem = Some(e),
                }
            }
            if ui.button("Back").clicked() {
                intent = Some(SetupIntent::Back);
            }
        });
        if let Some(problem) = &drafts.problem {
            ui.colored_label(theme::palette(ui).warning, problem);
        }
        ui.add_space(20.0);
        note(ui, NOT_A_TOOL);
        intent
    })
}

fn choose_case(ui: &mut egui::Ui, library: &Library, playable: &[usize], drafts: &mut SetupDrafts) {
    subheading(ui, "The case");
    for &i in playable {
        let e = &library.entries[i];
        ui.radio_value(
            &mut drafts.case,
            i,
            format!("{} ({} min)", e.title, e.minutes),
        );
    }
    ui.horizontal(|ui| {
        let label = ui.label("Seed (what is really happening, and which signs are there):");
        ui.add(egui::TextEdit::singleline(&mut drafts.seed).desired_width(120.0))
            .labelled_by(label.id);
    });
}

fn choose_agencies(ui: &mut egui::Ui, library: &Library, drafts: &mut SetupDrafts) {
    let Ok(case) = &library.entries[drafts.case].case else {
        return;
    };
    if drafts.agencies_for != Some(drafts.case) {
        drafts.agencies = agencies_with_findings(case);
        drafts.agencies_for = Some(drafts.case);
    }
    subheading(ui, "Agencies in the room");
    note(
        ui,
        "Each agency in the room holds its own records and hears first what the room's enquiries find in its area; the room hears it only when the agency shares it. The room itself plays the case's social worker.",
    );
    ui.horizontal_wrapped(|ui| {
        for (id, agency) in case.case.agencies.iter() {
            let mut on = drafts.agencies.iter().any(|a| a == id);
            if ui.checkbox(&mut on, &agency.label).changed() {
                if on {
                    drafts.agencies.push(id.to_string());
                } else {
                    drafts.agencies.retain(|a| a != id);
                }
            }
        }
    });
}

fn choose_network(ui: &mut egui::Ui, drafts: &mut SetupDrafts) {
    subheading(ui, "Where phones join");
    ui.checkbox(
        &mut drafts.whole_network,
        "Listen on the local network, so phones on the same Wi-Fi can join",
    );
    if !drafts.whole_network {
        note(ui, "Only this computer can join (for trying it out).");
    }
    ui.horizontal(|ui| {
        let label = ui.label("Port:");
        ui.add(egui::TextEdit::singleline(&mut drafts.port).desired_width(80.0))
            .labelled_by(label.id);
    });
    ui.checkbox(
        &mut drafts.fresh,
        "Start afresh (otherwise an unfinished workshop of this case is resumed)",
    );
}

/// The command-line arguments the drafts describe, or what is wrong with them.
pub fn args_from(library: &Library, drafts: &SetupDrafts) -> Result<WorkshopArgs, String> {
    let entry = library.entries.get(drafts.case).ok_or("choose a case")?;
    let seed = drafts
        .seed
        .trim()
        .parse::<u64>()
        .map_err(|_| "the seed must be a whole number".to_string())?;
    let port = drafts
        .port
        .trim()
        .parse::<u16>()
        .map_err(|_| "the port must be a whole number up to 65535".to_string())?;
    Ok(WorkshopArgs {
        case: entry.root.display().to_string(),
        seed: Some(seed),
        agencies: drafts.agencies.clone(),
        list_agencies: false,
        port,
        bind: if drafts.whole_network {
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        } else {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        },
        headless: false,
        data_dir: None,
        scenarios: None,
        new: drafts.fresh,
    })
}

fn setup_screen(
    mut contexts: EguiContexts,
    library: Res<Library>,
    config: Res<GameConfig>,
    proxy: Option<Res<EventLoopProxyWrapper>>,
    mut drafts: ResMut<SetupDrafts>,
    mut commands: Commands,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut ui = root_ui(ctx);
    let mut edited = drafts.clone();
    let intent = show(&mut ui, &library, &mut edited);
    match intent {
        Some(SetupIntent::Back) => next.set(Screen::Title),
        Some(SetupIntent::Start(mut args)) => {
            args.data_dir = Some(config.data_dir.clone());
            let case = library.entries[edited.case].case.clone();
            match case.and_then(|c| start(&args, c, proxy.as_deref())) {
                Ok(running) => {
                    commands.insert_resource(running);
                    edited.problem = None;
                    next.set(Screen::Workshop);
                }
                Err(e) => edited.problem = Some(e),
            }
        }
        None => {}
    }
    if *drafts != edited {
        *drafts = edited;
    }
    Ok(())
}
