//! Pictures a case shows beside a scene: decoded once, kept as egui textures, and always shown with
//! their words (`picture_alt`) for anyone who cannot see them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use bevy::prelude::*;
use bevy_egui::egui;

use super::theme::note;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Pictures>();
}

/// Pictures loaded so far, by file; a file that could not be read keeps its reason.
#[derive(Resource, Default)]
pub struct Pictures {
    loaded: HashMap<PathBuf, Result<egui::TextureHandle, String>>,
}

/// The tallest a picture is drawn, in points, so the scene's text stays in view.
const MAX_HEIGHT: f32 = 260.0;

impl Pictures {
    /// Draws the picture at `path` (or, if it cannot be read, its words in its place).
    pub fn show(&mut self, ui: &mut egui::Ui, path: &Path, alt: &str) {
        let ctx = ui.ctx().clone();
        let entry = self
            .loaded
            .entry(path.to_path_buf())
            .or_insert_with(|| load(&ctx, path));
        match entry {
            Ok(texture) => {
                let size = texture.size_vec2();
                let scale = (ui.available_width() / size.x)
                    .min(MAX_HEIGHT / size.y)
                    .min(1.0);
                ui.add(
                    egui::Image::from_texture(&*texture)
                        .fit_to_exact_size(size * scale)
                        .alt_text(alt),
                );
                if !alt.is_empty() {
                    note(ui, alt);
                }
            }
            Err(why) => {
                note(ui, format!("[Picture: {alt}] ({why})"));
            }
        }
    }
}

fn load(ctx: &egui::Context, path: &Path) -> Result<egui::TextureHandle, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let image = image::load_from_memory(&bytes)
        .map_err(|e| format!("cannot decode {}: {e}", path.display()))?;
    let rgba = image.to_rgba8();
    let size = [rgba.width() as usize, rgba.height() as usize];
    let colour = egui::ColorImage::from_rgba_unmultiplied(size, rgba.as_raw());
    Ok(ctx.load_texture(
        path.display().to_string(),
        colour,
        egui::TextureOptions::LINEAR,
    ))
}
