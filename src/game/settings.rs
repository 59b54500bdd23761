//! The trainee's settings (text size, high contrast), kept in the data folder between runs.

use std::path::{Path, PathBuf};

use bevy::prelude::*;
use serde::{Deserialize, Serialize};

use super::GameConfig;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(PreStartup, load_settings);
    app.add_systems(Last, save_settings.run_if(resource_changed::<Settings>));
}

/// What the trainee chose on the settings screen.
#[derive(Resource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// 1.0 is the designed size; 0.75 to 2.0.
    pub text_scale: f32,
    pub high_contrast: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            text_scale: 1.0,
            high_contrast: false,
        }
    }
}

impl Settings {
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join("settings.ron")
    }

    /// Reads the settings; anything missing or unreadable falls back to the defaults.
    pub fn read(data_dir: &Path) -> Settings {
        crate::files::read(&Self::path(data_dir))
            .ok()
            .and_then(|text| ron::from_str(&text).ok())
            .unwrap_or_default()
    }

    pub fn write(&self, data_dir: &Path) -> std::io::Result<()> {
        let text =
            ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::new()).unwrap_or_default();
        crate::files::write(&Self::path(data_dir), &text)
    }
}

fn load_settings(mut commands: Commands, config: Res<GameConfig>) {
    commands.insert_resource(Settings::read(&config.data_dir));
}

fn save_settings(settings: Res<Settings>, config: Res<GameConfig>) {
    if let Err(e) = settings.write(&config.data_dir) {
        warn!("could not save settings: {e}");
    }
}
