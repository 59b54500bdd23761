//! The look: a calm, readable theme (Atkinson Hyperlegible, warm paper, deep teal), a high-contrast
//! variant, and the text size setting. Colour is never the only signal: weight, borders and words carry
//! meaning too, so the screens still read in greyscale.

use std::sync::Arc;

use bevy::prelude::*;
use bevy_egui::egui::{
    self, Color32, CornerRadius, FontData, FontDefinitions, FontFamily, FontId, Stroke, TextStyle,
};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};

use super::settings::Settings;

pub(super) fn plugin(app: &mut App) {
    app.configure_sets(
        EguiPrimaryContextPass,
        UiSet.run_if(theme_loaded).after(ThemeSet),
    );
    app.add_systems(
        EguiPrimaryContextPass,
        apply_theme
            .in_set(ThemeSet)
            .run_if(resource_changed::<Settings>),
    );
}

/// Where the theme is applied, before any screen draws.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct ThemeSet;

/// Every system that draws with egui. It waits for the theme: egui loads new fonts only at the start
/// of the next frame, and drawing with the bold face before then would fail.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct UiSet;

/// The frame in which the fonts were handed to egui; they can be drawn with from the next frame on.
#[derive(Resource)]
pub struct ThemeReady(u32);

fn theme_loaded(ready: Option<Res<ThemeReady>>, frames: Res<bevy::diagnostic::FrameCount>) -> bool {
    ready.is_some_and(|r| frames.0 > r.0)
}

/// The colours of one theme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    pub background: Color32,
    pub panel: Color32,
    pub text: Color32,
    pub muted: Color32,
    pub accent: Color32,
    pub accent_text: Color32,
    pub border: Color32,
    pub highlight: Color32,
    pub selected: Color32,
    pub warning: Color32,
}

impl Palette {
    pub const CALM: Palette = Palette {
        background: Color32::from_rgb(0xF6, 0xF3, 0xEC),
        panel: Color32::from_rgb(0xFF, 0xFD, 0xF8),
        text: Color32::from_rgb(0x1F, 0x29, 0x33),
        muted: Color32::from_rgb(0x4A, 0x55, 0x60),
        accent: Color32::from_rgb(0x1D, 0x5E, 0x5A),
        accent_text: Color32::from_rgb(0xFF, 0xFF, 0xFF),
        border: Color32::from_rgb(0xC9, 0xC2, 0xB4),
        highlight: Color32::from_rgb(0xFC, 0xE8, 0xB2),
        selected: Color32::from_rgb(0xCF, 0xE6, 0xE2),
        warning: Color32::from_rgb(0x9A, 0x34, 0x12),
    };

    pub const HIGH_CONTRAST: Palette = Palette {
        background: Color32::from_rgb(0x00, 0x00, 0x00),
        panel: Color32::from_rgb(0x0C, 0x0C, 0x0C),
        text: Color32::from_rgb(0xFF, 0xFF, 0xFF),
        muted: Color32::from_rgb(0xE6, 0xE6, 0xE6),
        accent: Color32::from_rgb(0xFF, 0xD4, 0x00),
        accent_text: Color32::from_rgb(0x00, 0x00, 0x00),
        border: Color32::from_rgb(0xFF, 0xFF, 0xFF),
        highlight: Color32::from_rgb(0x00, 0x3A, 0x66),
        selected: Color32::from_rgb(0x33, 0x33, 0x33),
        warning: Color32::from_rgb(0xFF, 0x9E, 0x80),
    };

    pub fn of(settings: &Settings) -> Palette {
        if settings.high_contrast {
            Palette::HIGH_CONTRAST
        } else {
            Palette::CALM
        }
    }
}

/// The widest a column of prose should be, in points: about 70 characters at body size.
pub const READING_WIDTH: f32 = 720.0;

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/AtkinsonHyperlegible_400Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/AtkinsonHyperlegible_700Bold.ttf");

/// The family name of the bold face, for headings.
pub fn bold() -> FontFamily {
    FontFamily::Name("bold".into())
}

fn fonts() -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    fonts
        .font_data
        .insert("atkinson".into(), Arc::new(FontData::from_static(REGULAR)));
    fonts.font_data.insert(
        "atkinson-bold".into(),
        Arc::new(FontData::from_static(BOLD)),
    );
    if let Some(family) = fonts.families.get_mut(&FontFamily::Proportional) {
        family.insert(0, "atkinson".into());
    }
    let mut bold_family = vec!["atkinson-bold".to_string()];
    bold_family.extend(
        fonts
            .families
            .get(&FontFamily::Proportional)
            .cloned()
            .unwrap_or_default(),
    );
    fonts.families.insert(bold(), bold_family);
    fonts
}

/// Applies fonts, sizes, colours and the text-size setting to an egui context.
pub fn apply(ctx: &egui::Context, settings: &Settings) {
    ctx.set_fonts(fonts());
    let p = Palette::of(settings);
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (
                TextStyle::Small,
                FontId::new(15.0, FontFamily::Proportional),
            ),
            (TextStyle::Body, FontId::new(19.0, FontFamily::Proportional)),
            (
                TextStyle::Button,
                FontId::new(19.0, FontFamily::Proportional),
            ),
            (TextStyle::Heading, FontId::new(30.0, bold())),
            (
                TextStyle::Monospace,
                FontId::new(17.0, FontFamily::Monospace),
            ),
        ]
        .into();
        style.spacing.item_spacing = egui::vec2(10.0, 10.0);
        style.spacing.button_padding = egui::vec2(14.0, 8.0);
        style.spacing.interact_size.y = 34.0;
        style.spacing.slider_width = 260.0;
        let v = &mut style.visuals;
        v.dark_mode = settings.high_contrast;
        v.override_text_color = Some(p.text);
        v.panel_fill = p.background;
        v.window_fill = p.panel;
        v.extreme_bg_color = p.panel;
        v.faint_bg_color = p.panel;
        v.hyperlink_color = p.accent;
        v.selection.bg_fill = p.selected;
        v.selection.stroke = Stroke::new(2.0, p.accent);
        let radius = CornerRadius::same(6);
        for w in [
            &mut v.widgets.inactive,
            &mut v.widgets.hovered,
            &mut v.widgets.active,
            &mut v.widgets.open,
        ] {
            w.corner_radius = radius;
            w.fg_stroke = Stroke::new(1.5, p.text);
        }
        v.widgets.noninteractive.bg_stroke = Stroke::new(1.0, p.border);
        v.widgets.noninteractive.fg_stroke = Stroke::new(1.0, p.text);
        v.widgets.inactive.weak_bg_fill = p.panel;
        // Slider rails and scroll bars use this: it must stand out from the page.
        v.widgets.inactive.bg_fill = p.border;
        v.widgets.inactive.bg_stroke = Stroke::new(1.5, p.border);
        v.widgets.hovered.weak_bg_fill = p.highlight;
        v.widgets.hovered.bg_fill = p.highlight;
        v.widgets.hovered.bg_stroke = Stroke::new(2.0, p.accent);
        // Pressed and keyboard-focused widgets: a light fill the text still reads on, and a heavy
        // accent border so focus is plain to see (WCAG 2.4.7).
        v.widgets.active.weak_bg_fill = p.selected;
        v.widgets.active.bg_fill = p.selected;
        v.widgets.active.bg_stroke = Stroke::new(3.0, p.accent);
        v.widgets.active.fg_stroke = Stroke::new(2.0, p.text);
        v.window_stroke = Stroke::new(1.0, p.border);
        // Keyboard focus must be plain to see (WCAG 2.4.7).
        v.widgets.hovered.expansion = 1.0;
    });
    ctx.set_zoom_factor(settings.text_scale.clamp(0.75, 2.0));
    ctx.data_mut(|d| d.insert_temp(egui::Id::new(PALETTE_KEY), p));
}

const PALETTE_KEY: &str = "second-look-palette";

/// The palette in force (the calm one until the theme is applied).
pub fn palette(ui: &egui::Ui) -> Palette {
    ui.ctx()
        .data(|d| d.get_temp(egui::Id::new(PALETTE_KEY)))
        .unwrap_or(Palette::CALM)
}

fn apply_theme(
    mut contexts: EguiContexts,
    settings: Res<Settings>,
    ready: Option<Res<ThemeReady>>,
    frames: Res<bevy::diagnostic::FrameCount>,
    mut commands: Commands,
) -> Result {
    apply(contexts.ctx_mut()?, &settings);
    if ready.is_none() {
        commands.insert_resource(ThemeReady(frames.0));
    }
    Ok(())
}

/// A heading in the bold face.
pub fn heading(ui: &mut egui::Ui, text: impl Into<String>) -> egui::Response {
    ui.add(egui::Label::new(egui::RichText::new(text.into()).text_style(TextStyle::Heading)).wrap())
}

/// A small heading for a section of a screen.
pub fn subheading(ui: &mut egui::Ui, text: impl Into<String>) -> egui::Response {
    ui.add(egui::Label::new(egui::RichText::new(text.into()).family(bold()).size(22.0)).wrap())
}

/// Muted small text, for notes and hints.
pub fn note(ui: &mut egui::Ui, text: impl Into<String>) -> egui::Response {
    let muted = ui.visuals().widgets.noninteractive.fg_stroke.color;
    ui.add(egui::Label::new(egui::RichText::new(text.into()).small().color(muted)).wrap())
}

/// The main call to action on a screen: filled with the accent colour.
pub fn primary_button(ui: &mut egui::Ui, text: impl Into<String>) -> egui::Response {
    let p = palette(ui);
    let response = ui.add(
        egui::Button::new(
            egui::RichText::new(text.into())
                .color(p.accent_text)
                .family(bold()),
        )
        .fill(p.accent),
    );
    // Its own fill hides the usual focus look, so keyboard focus gets a ring around it.
    if response.has_focus() {
        ui.painter().rect_stroke(
            response.rect.expand(3.0),
            CornerRadius::same(6),
            Stroke::new(2.5, p.text),
            egui::StrokeKind::Outside,
        );
    }
    response
}

/// A thin bar showing how much of something is used.
pub fn meter(ui: &mut egui::Ui, fraction: f32, width: f32) -> egui::Response {
    let p = palette(ui);
    let (rect, response) = ui.allocate_exact_size(egui::vec2(width, 10.0), egui::Sense::hover());
    let painter = ui.painter();
    painter.rect_filled(rect, CornerRadius::same(5), p.border);
    let mut filled = rect;
    filled.set_width(rect.width() * fraction.clamp(0.0, 1.0));
    painter.rect_filled(filled, CornerRadius::same(5), p.accent);
    response
}

/// A card: a framed block with a little padding.
pub fn card(ui: &mut egui::Ui, add: impl FnOnce(&mut egui::Ui)) -> egui::Response {
    let fill = ui.visuals().window_fill;
    let stroke = ui.visuals().widgets.noninteractive.bg_stroke;
    egui::Frame::new()
        .fill(fill)
        .stroke(stroke)
        .corner_radius(CornerRadius::same(8))
        .inner_margin(egui::Margin::same(16))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            add(ui);
        })
        .response
}
