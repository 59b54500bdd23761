//! The author view: F2 toggles a window over any case screen showing the case's graph (the same
//! layout as `second-look graph --format svg`) with the current scene highlighted. It is laid out again
//! whenever the case changes, so it follows hot reload as the author edits.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::authoring::drawing::{Drawing, Edge, NodeKind, Rgb, draw};
use crate::game::session::Session;
use crate::game::theme::{UiSet, palette};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<AuthorView>();
    app.add_systems(
        EguiPrimaryContextPass,
        author_view.in_set(UiSet).run_if(resource_exists::<Session>),
    );
}

/// Whether the view is open, and the drawing of the case version it was made for.
#[derive(Resource, Default)]
pub struct AuthorView {
    pub open: bool,
    pub zoom: f32,
    /// The scene the view last scrolled to, so it follows the trainee without fighting the author.
    centred_on: Option<usize>,
    drawn: Option<(String, Drawing)>,
}

impl AuthorView {
    /// The drawing of `case`, laid out again only when the case has changed.
    pub fn drawing(&mut self, case: &crate::engine::Compiled) -> &Drawing {
        let stale = self.drawn.as_ref().is_none_or(|(v, _)| *v != case.version);
        if stale {
            self.drawn = Some((case.version.clone(), draw(case, None)));
        }
        &self.drawn.as_ref().expect("drawn above").1
    }
}

fn colour(c: Rgb) -> egui::Color32 {
    egui::Color32::from_rgb(c.0, c.1, c.2)
}

/// Draws the graph scaled by `zoom`, the scene `here` outlined; answers the rectangle of `here`.
pub fn paint(ui: &mut egui::Ui, drawing: &Drawing, here: usize, zoom: f32) -> Option<egui::Rect> {
    let size = egui::vec2(drawing.width as f32, drawing.height as f32) * zoom;
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::hover());
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::WidgetType::Other,
            true,
            format!("The case graph: {} scenes", drawing.nodes.len()),
        )
    });
    let painter = ui.painter_at(rect);
    let at = |p: (f64, f64)| rect.min + egui::vec2(p.0 as f32, p.1 as f32) * zoom;
    let line = egui::Stroke::new(1.2, egui::Color32::from_rgb(0x55, 0x5f, 0x69));
    for e in &drawing.edges {
        paint_edge(&painter, e, &at, line);
    }
    let small = egui::FontId::proportional((11.0 * zoom).max(6.0));
    for l in &drawing.labels {
        painter.text(
            at(l.at),
            egui::Align2::CENTER_CENTER,
            &l.text,
            small.clone(),
            egui::Color32::from_rgb(0x2b, 0x31, 0x37),
        );
    }
    let mut found = None;
    for n in &drawing.nodes {
        let r = egui::Rect::from_min_size(
            at(n.at),
            egui::vec2(n.size.0 as f32, n.size.1 as f32) * zoom,
        );
        let width = if n.kind == NodeKind::Scene { 1.5 } else { 3.0 };
        painter.rect(
            r,
            6.0 * zoom,
            colour(n.fill),
            egui::Stroke::new(width, colour(n.border)),
            egui::StrokeKind::Inside,
        );
        if n.scene == here {
            painter.rect_stroke(
                r.expand(5.0),
                8.0,
                egui::Stroke::new(4.0, palette(ui).accent),
                egui::StrokeKind::Outside,
            );
            found = Some(r);
        }
        let font = egui::FontId::proportional((13.0 * zoom).max(6.0));
        painter.text(
            r.center(),
            egui::Align2::CENTER_CENTER,
            &n.text,
            font,
            egui::Color32::from_rgb(0x1f, 0x29, 0x33),
        );
    }
    found
}

fn paint_edge(
    painter: &egui::Painter,
    e: &Edge,
    at: &impl Fn((f64, f64)) -> egui::Pos2,
    line: egui::Stroke,
) {
    let mut last = None;
    for seg in &e.segments {
        let points = [at(seg[0]), at(seg[1]), at(seg[2]), at(seg[3])];
        let curve = egui::epaint::CubicBezierShape::from_points_stroke(
            points,
            false,
            egui::Color32::TRANSPARENT,
            line,
        );
        let flat = curve.flatten(Some(0.5));
        if e.dashed {
            painter.extend(egui::Shape::dashed_line(&flat, line, 5.0, 4.0));
        } else {
            painter.add(egui::Shape::line(flat, line));
        }
        last = Some((points[2], points[3]));
    }
    if let Some((from, tip)) = last {
        let dir = (tip - from).normalized() * 8.0;
        let side = egui::vec2(-dir.y, dir.x) * 0.5;
        painter.add(egui::Shape::convex_polygon(
            vec![tip, tip - dir + side, tip - dir - side],
            line.color,
            egui::Stroke::NONE,
        ));
    }
}

fn author_view(
    mut contexts: EguiContexts,
    session: Res<Session>,
    mut view: ResMut<AuthorView>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    if ctx.input(|i| i.key_pressed(egui::Key::F2)) {
        view.open = !view.open;
        view.centred_on = None;
    }
    if !view.open {
        return Ok(());
    }
    let here = session.play.state.scene;
    let (mut open, mut zoom, centre) = (
        true,
        if view.zoom > 0.0 { view.zoom } else { 0.6 },
        view.centred_on != Some(here),
    );
    let drawing = view.drawing(session.case());
    egui::Window::new("Author view")
        .title_bar(false)
        .default_size([900.0, 560.0])
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                crate::game::theme::subheading(ui, "Author view: the case graph");
                if ui.button("Close (F2)").clicked() {
                    open = false;
                }
            });
            ui.horizontal(|ui| {
                let label = ui.label("Zoom");
                ui.add(egui::Slider::new(&mut zoom, 0.2..=1.5))
                    .labelled_by(label.id);
                ui.label(format!("You are at “{}”.", session.case().scenes[here].id));
            });
            egui::ScrollArea::both()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    if let Some(r) = paint(ui, drawing, here, zoom)
                        && centre
                    {
                        ui.scroll_to_rect(r, Some(egui::Align::Center));
                    }
                });
        });
    view.open = open;
    view.zoom = zoom;
    view.centred_on = Some(here);
    Ok(())
}
