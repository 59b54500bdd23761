//! The game window: Bevy with egui, screens as states, one plugin per file. It reads the engine and
//! the judgement modules; they never know it exists.

mod author_view;
mod autopilot;
#[cfg(not(target_arch = "wasm32"))]
mod hot_reload;
mod library;
mod measure;
mod pictures;
mod quiet;
pub mod record;
pub mod screens;
mod session;
mod settings;
#[cfg(test)]
mod tests;
pub mod theme;
#[cfg(target_arch = "wasm32")]
mod web_keys;
#[cfg(not(target_arch = "wasm32"))]
pub mod workshop;

use std::path::PathBuf;

use bevy::prelude::*;
use bevy::winit::WinitSettings;
use bevy_egui::EguiPlugin;

use crate::cli::play::PlayArgs;
use crate::cli::{data_dir, scenarios_dir};

pub use library::{Library, LibraryEntry};
pub use pictures::Pictures;
pub use session::{Drafts, Session};
pub use settings::Settings;

/// What the game was started with.
#[derive(Resource, Debug, Clone, Default)]
pub struct GameConfig {
    pub scenarios: PathBuf,
    pub data_dir: PathBuf,
    pub case: Option<String>,
    pub seed: Option<u64>,
    pub variant: Option<String>,
    pub replay: Option<PathBuf>,
    pub resume: Option<PathBuf>,
    pub screenshots: Option<PathBuf>,
    pub exit_when_done: bool,
    /// A playthrough to replay, as text (the web build takes it from the page's address).
    pub replay_text: Option<String>,
}

impl GameConfig {
    pub fn from_args(args: &PlayArgs) -> GameConfig {
        GameConfig {
            scenarios: scenarios_dir(args.scenarios.as_deref()),
            data_dir: data_dir(args.data_dir.as_deref()),
            case: args.case.clone(),
            seed: args.seed,
            variant: args.variant.clone(),
            replay: args.replay.clone(),
            resume: args.resume.clone(),
            screenshots: args.screenshots.clone(),
            exit_when_done: args.exit_when_done,
            replay_text: None,
        }
    }
}

/// Opens the game window and runs until it is closed. Returns the exit code.
pub fn run(args: &PlayArgs) -> u8 {
    run_with(args, None)
}

/// Opens the game window on a workshop room (`second-look workshop` without `--headless`).
#[cfg(not(target_arch = "wasm32"))]
pub fn run_workshop(args: &crate::cli::workshop::WorkshopArgs) -> u8 {
    let play = PlayArgs {
        data_dir: args.data_dir.clone(),
        scenarios: args.scenarios.clone(),
        ..PlayArgs::default()
    };
    let mut request = args.clone();
    request.data_dir = Some(data_dir(args.data_dir.as_deref()));
    run_with(&play, Some(request))
}

#[cfg(not(target_arch = "wasm32"))]
type Request = crate::cli::workshop::WorkshopArgs;
#[cfg(target_arch = "wasm32")]
type Request = ();

/// The web build's entry: the page's address may name a case (`?case=ID&seed=N&variant=V`), and a
/// playthrough to replay (`&replay=` the log's RON text, URL-encoded; `&screenshots=1` downloads a
/// picture of every screen, as `--screenshots` saves them on the desktop).
#[cfg(target_arch = "wasm32")]
pub fn run_web() {
    let param = |name: &str| -> Option<String> {
        let search = web_sys::window()?.location().search().ok()?;
        web_sys::UrlSearchParams::new_with_str(&search)
            .ok()?
            .get(name)
    };
    let args = PlayArgs {
        case: param("case"),
        seed: param("seed").and_then(|s| s.parse().ok()),
        variant: param("variant"),
        screenshots: param("screenshots").map(|_| PathBuf::from("second-look")),
        ..PlayArgs::default()
    };
    run_with_replay(&args, None, param("replay"));
}

fn run_with(args: &PlayArgs, workshop: Option<Request>) -> u8 {
    run_with_replay(args, workshop, None)
}

fn run_with_replay(args: &PlayArgs, workshop: Option<Request>, replay_text: Option<String>) -> u8 {
    let launched = measure::Launched {
        at: bevy::platform::time::Instant::now(),
        reported: false,
    };
    let mut config = GameConfig::from_args(args);
    config.replay_text = replay_text;
    let automated =
        config.replay.is_some() || config.replay_text.is_some() || args.frame_stats.is_some();
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: "Second Look".into(),
                    resolution: (1280, 720).into(),
                    // In the browser: the page's canvas, filling the page.
                    canvas: cfg!(target_arch = "wasm32").then(|| "#second-look".into()),
                    fit_canvas_to_parent: true,
                    prevent_default_event_handling: false,
                    ..default()
                }),
                ..default()
            })
            .set(bevy::log::LogPlugin {
                filter: "wgpu=error,naga=warn,bevy_render=warn".into(),
                ..default()
            }),
    );
    // A reading game uses no CPU while the trainee reads; an automated replay runs flat out.
    app.insert_resource(if automated {
        WinitSettings::continuous()
    } else {
        WinitSettings::desktop_app()
    });
    app.insert_resource(ClearColor(Color::srgb_u8(0xF6, 0xF3, 0xEC)));
    app.add_plugins(EguiPlugin::default());
    app.insert_resource(config);
    app.insert_resource(launched);
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(request) = workshop {
        app.insert_resource(workshop::WorkshopRequest(request));
    }
    #[cfg(target_arch = "wasm32")]
    let _ = workshop;
    if let Some(seconds) = args.frame_stats {
        app.insert_resource(measure::FrameStats {
            seconds,
            ..default()
        });
    }
    app.add_plugins(plugin);
    app.add_systems(Startup, spawn_camera);
    match app.run() {
        AppExit::Success => 0,
        AppExit::Error(code) => code.get(),
    }
}

/// Everything of the game but the window and renderer, so tests can run it headless.
pub fn plugin(app: &mut App) {
    app.add_plugins((
        settings::plugin,
        theme::plugin,
        library::plugin,
        session::plugin,
        screens::plugin,
        autopilot::plugin,
        author_view::plugin,
        measure::plugin,
        pictures::plugin,
        quiet::plugin,
    ));
    app.add_plugins(record::plugin);
    #[cfg(target_arch = "wasm32")]
    app.add_plugins(web_keys::plugin);
    #[cfg(not(target_arch = "wasm32"))]
    app.add_plugins((hot_reload::plugin, workshop::plugin));
}

fn spawn_camera(mut commands: Commands) {
    commands.spawn(Camera2d);
}
