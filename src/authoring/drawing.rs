//! The case as a drawing: scenes as boxes (checkpoints and the decision marked), actions as arrows
//! labelled with their time, coloured by chapter and, with coverage, shaded by how often random
//! playthroughs reach each scene. Laid out in-process by `layout-rs` (no Graphviz needed) into plain
//! shapes, which become an SVG file or are painted by the game's author view.

use std::fmt::Write as _;

use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::Point;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::render::get_shape_size;
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;

use crate::cli::hours;
use crate::engine::Compiled;
use crate::engine::compiled::SceneKind;
use crate::scenario::Scene;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// What a scene box stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Scene,
    Checkpoint,
    Decide,
}

/// One scene's box.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Index of the scene in the compiled case.
    pub scene: usize,
    pub kind: NodeKind,
    /// Top-left corner and size.
    pub at: (f64, f64),
    pub size: (f64, f64),
    pub text: String,
    pub fill: Rgb,
    pub border: Rgb,
}

/// One arrow: cubic Bézier segments (start, control, control, end), dashed for a checkpoint's way on.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub segments: Vec<[(f64, f64); 4]>,
    pub dashed: bool,
    pub text: String,
}

/// Words placed on the drawing: an arrow's label, centred on `at`.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub at: (f64, f64),
    pub text: String,
}

/// The laid-out case.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Drawing {
    pub title: String,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub labels: Vec<Label>,
    /// Chapters and their colours, for the key.
    pub chapters: Vec<(String, Rgb)>,
    pub width: f64,
    pub height: f64,
}

/// Border colours for chapters, in order (each readable on white and on the coverage greens).
const CHAPTER_COLOURS: [Rgb; 8] = [
    Rgb(0x1d, 0x5e, 0x9a),
    Rgb(0xb0, 0x3a, 0x2e),
    Rgb(0xad, 0x14, 0x57),
    Rgb(0x8e, 0x44, 0xad),
    Rgb(0x9a, 0x6b, 0x00),
    Rgb(0x00, 0x7c, 0x89),
    Rgb(0x6d, 0x4c, 0x41),
    Rgb(0x45, 0x5a, 0x64),
];
const PLAIN_BORDER: Rgb = Rgb(0x55, 0x5f, 0x69);
const FONT_SIZE: usize = 14;
/// Actions that stay in a scene listed in its box; more are counted.
const STAYING_SHOWN: usize = 6;

/// Shortens a label to `max` characters, with an ellipsis.
fn short(label: &str, max: usize) -> String {
    if label.chars().count() > max {
        label.chars().take(max - 1).collect::<String>() + "…"
    } else {
        label.to_string()
    }
}

fn chapter_of(case: &Compiled, scene: usize) -> Option<String> {
    match case.case.scenes.values().nth(scene) {
        Some(Scene::Scene(n)) => n.chapter.clone(),
        _ => None,
    }
}

/// From white (never reached) to a mid green (always reached), light enough for dark text on it.
fn coverage_fill(share: f64) -> Rgb {
    let g = 255 - (share.clamp(0.0, 1.0) * 55.0) as u8;
    let rb = 255 - (share.clamp(0.0, 1.0) * 125.0) as u8;
    Rgb(rb, g, rb)
}

/// The actions of scene `i` that stay in it (asking, looking, reading): shown inside its box.
fn staying(case: &Compiled, i: usize) -> Vec<usize> {
    match &case.scenes[i].kind {
        SceneKind::Narrative { actions } => actions
            .iter()
            .copied()
            .filter(|&a| case.actions[a].goto == i)
            .collect(),
        _ => Vec::new(),
    }
}

fn node_text(case: &Compiled, i: usize, share: Option<f64>) -> String {
    let s = &case.scenes[i];
    let mut text = s.id.clone();
    let here = staying(case, i);
    if !here.is_empty() {
        let minutes: u32 = here.iter().map(|&a| case.actions[a].minutes).sum();
        let _ = write!(
            text,
            "\n{} here ({} in all):",
            if here.len() == 1 {
                "1 action".to_string()
            } else {
                format!("{} actions", here.len())
            },
            hours(minutes)
        );
        for &a in here.iter().take(STAYING_SHOWN) {
            let label = case
                .action(a)
                .map_or(case.actions[a].id.clone(), |x| x.label.clone());
            let _ = write!(text, "\n· {}", short(&label, 34));
        }
        if here.len() > STAYING_SHOWN {
            let _ = write!(text, "\n· and {} more", here.len() - STAYING_SHOWN);
        }
    }
    match s.kind {
        SceneKind::Checkpoint { .. } => text.push_str("\ncheckpoint"),
        SceneKind::Decide { .. } => text.push_str("\ndecision"),
        SceneKind::Narrative { .. } => {}
    }
    if i == case.start {
        text.push_str("\n(start)");
    } else if i == case.out_of_time {
        text.push_str("\n(out of time)");
    }
    if let Some(p) = share {
        let _ = write!(text, "\nreached {:.0}%", p * 100.0);
    }
    text
}

/// The words on the arrow from a scene to `to`: the one action's label and time, or how many lead there.
fn edge_text(case: &Compiled, actions: &[usize], to: usize) -> String {
    let going: Vec<usize> = actions
        .iter()
        .copied()
        .filter(|&a| case.actions[a].goto == to)
        .collect();
    match going.as_slice() {
        [a] => {
            let label = case
                .action(*a)
                .map_or(case.actions[*a].id.clone(), |x| x.label.clone());
            format!(
                "{} ({})",
                short(&label, 26),
                hours(case.actions[*a].minutes)
            )
        }
        many => {
            let least = many
                .iter()
                .map(|&a| case.actions[a].minutes)
                .min()
                .unwrap_or(0);
            let most = many
                .iter()
                .map(|&a| case.actions[a].minutes)
                .max()
                .unwrap_or(0);
            if least == most {
                format!("{} actions ({} each)", many.len(), hours(least))
            } else {
                format!(
                    "{} actions ({} to {})",
                    many.len(),
                    hours(least),
                    hours(most)
                )
            }
        }
    }
}

/// Lays out `case`; `hits` (per scene, out of `runs`) shades each scene by coverage.
pub fn draw(case: &Compiled, hits: Option<(&[u64], u64)>) -> Drawing {
    let mut chapters: Vec<(String, Rgb)> = Vec::new();
    for i in 0..case.scenes.len() {
        if let Some(c) = chapter_of(case, i)
            && !chapters.iter().any(|(x, _)| *x == c)
        {
            let colour = CHAPTER_COLOURS[chapters.len() % CHAPTER_COLOURS.len()];
            chapters.push((c, colour));
        }
    }
    // layout-rs asserts on some degenerate geometry (two points that coincide); without its crossing
    // optimisations, or with boxes a few pixels wider, they move apart, so a failed layout is tried
    // again that way.
    for nudge in 0..ATTEMPTS {
        let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            quietly(|| lay_out(case, hits, (nudge / 2) as f64 * 7.0, nudge % 2 == 1))
        }));
        if let Ok(recorder) = attempt {
            return finish(case, recorder, chapters, hits);
        }
    }
    Drawing {
        title: case.case.title.clone(),
        chapters,
        ..Drawing::default()
    }
}

/// Layout attempts before giving up (an empty drawing).
const ATTEMPTS: usize = 6;

/// Runs `f` with the panic message silenced (a failed layout attempt is expected, and retried).
fn quietly<T>(f: impl FnOnce() -> T) -> T {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    match out {
        Ok(v) => v,
        Err(e) => std::panic::resume_unwind(e),
    }
}

/// One layout of the case, boxes widened by `widen` pixels, with or without layout-rs's crossing
/// optimisations.
fn lay_out(case: &Compiled, hits: Option<(&[u64], u64)>, widen: f64, plain: bool) -> Recorder {
    let mut graph = VisualGraph::new(Orientation::TopToBottom);
    let mut handles = Vec::new();
    for i in 0..case.scenes.len() {
        let share = hits.and_then(|(h, runs)| (runs > 0).then(|| h[i] as f64 / runs as f64));
        let shape = ShapeKind::new_box(&node_text(case, i, share));
        let mut size = get_shape_size(Orientation::TopToBottom, &shape, FONT_SIZE, false);
        size.x += widen;
        let look = StyleAttr::new(Color::fast("black"), 2, None, 6, FONT_SIZE);
        let element = Element::create_with_properties(
            shape,
            look,
            Orientation::TopToBottom,
            size,
            i.to_string(),
        );
        handles.push(graph.add_node(element));
    }
    for (i, s) in case.scenes.iter().enumerate() {
        match &s.kind {
            SceneKind::Narrative { actions } => {
                let mut targets: Vec<usize> = actions
                    .iter()
                    .map(|&a| case.actions[a].goto)
                    .filter(|&g| g != i)
                    .collect();
                targets.sort_unstable();
                targets.dedup();
                for to in targets {
                    let text = edge_text(case, actions, to);
                    let look = StyleAttr::new(Color::fast("black"), 1, None, 0, 11);
                    let arrow = Arrow::new(
                        LineEndKind::None,
                        LineEndKind::Arrow,
                        LineStyleKind::Normal,
                        &text,
                        &look,
                        &None,
                        &None,
                    );
                    graph.add_edge(arrow, handles[i], handles[to]);
                }
            }
            SceneKind::Checkpoint { next } => {
                let look = StyleAttr::new(Color::fast("black"), 1, None, 0, 11);
                let arrow = Arrow::new(
                    LineEndKind::None,
                    LineEndKind::Arrow,
                    LineStyleKind::Dashed,
                    "",
                    &look,
                    &None,
                    &None,
                );
                graph.add_edge(arrow, handles[i], handles[*next]);
            }
            SceneKind::Decide { .. } => {}
        }
    }
    let mut recorder = Recorder::default();
    graph.do_it(false, plain, false, &mut recorder);
    recorder
}

/// Turns what the layout drew into the drawing, with our colours, shifted to start at the origin.
fn finish(
    case: &Compiled,
    recorder: Recorder,
    chapters: Vec<(String, Rgb)>,
    hits: Option<(&[u64], u64)>,
) -> Drawing {
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    let mut grow = |x: f64, y: f64| {
        min_x = min_x.min(x);
        min_y = min_y.min(y);
        max_x = max_x.max(x);
        max_y = max_y.max(y);
    };
    for (_, at, size) in &recorder.boxes {
        grow(at.0, at.1);
        grow(at.0 + size.0, at.1 + size.1);
    }
    for e in &recorder.arrows {
        for seg in &e.segments {
            for p in seg {
                grow(p.0, p.1);
            }
        }
    }
    if min_x > max_x {
        (min_x, min_y, max_x, max_y) = (0.0, 0.0, 0.0, 0.0);
    }
    let margin = 20.0;
    let (dx, dy) = (margin - min_x, margin - min_y);
    let shift = |p: (f64, f64)| (p.0 + dx, p.1 + dy);
    let nodes = recorder
        .boxes
        .iter()
        .map(|(scene, at, size)| {
            let kind = match case.scenes[*scene].kind {
                SceneKind::Narrative { .. } => NodeKind::Scene,
                SceneKind::Checkpoint { .. } => NodeKind::Checkpoint,
                SceneKind::Decide { .. } => NodeKind::Decide,
            };
            let border = chapter_of(case, *scene)
                .and_then(|c| chapters.iter().find(|(x, _)| *x == c).map(|(_, col)| *col))
                .unwrap_or(PLAIN_BORDER);
            let share =
                hits.and_then(|(h, runs)| (runs > 0).then(|| h[*scene] as f64 / runs as f64));
            let fill = match (share, kind) {
                (Some(p), _) => coverage_fill(p),
                (None, NodeKind::Checkpoint) => Rgb(0xfd, 0xf3, 0xd8),
                (None, NodeKind::Decide) => Rgb(0xf4, 0xe1, 0xde),
                (None, NodeKind::Scene) => Rgb(0xff, 0xff, 0xff),
            };
            let share =
                hits.and_then(|(h, runs)| (runs > 0).then(|| h[*scene] as f64 / runs as f64));
            Node {
                scene: *scene,
                kind,
                at: shift(*at),
                size: *size,
                text: node_text(case, *scene, share),
                fill,
                border,
            }
        })
        .collect();
    // What the layout wrote is either a box's own text or an arrow's label.
    let node_texts: Vec<String> = recorder
        .boxes
        .iter()
        .map(|(scene, _, _)| {
            let share =
                hits.and_then(|(h, runs)| (runs > 0).then(|| h[*scene] as f64 / runs as f64));
            node_text(case, *scene, share)
        })
        .collect();
    let labels = recorder
        .texts
        .iter()
        .filter(|(_, text)| !node_texts.contains(text))
        .map(|(at, text)| Label {
            at: shift(*at),
            text: text.clone(),
        })
        .collect();
    let edges = recorder
        .arrows
        .into_iter()
        .map(|e| Edge {
            segments: e.segments.iter().map(|s| s.map(shift)).collect(),
            ..e
        })
        .collect();
    Drawing {
        title: case.case.title.clone(),
        nodes,
        edges,
        labels,
        chapters,
        width: max_x - min_x + 2.0 * margin,
        height: max_y - min_y + 2.0 * margin,
    }
}

/// A scene's box as placed: the scene, its top-left corner and its size.
type Placed = (usize, (f64, f64), (f64, f64));

/// Keeps what the layout draws: scene boxes (known by the index in their properties) and arrows.
#[derive(Default)]
struct Recorder {
    boxes: Vec<Placed>,
    arrows: Vec<Edge>,
    texts: Vec<((f64, f64), String)>,
}

impl RenderBackend for Recorder {
    fn draw_rect(
        &mut self,
        xy: Point,
        size: Point,
        _look: &StyleAttr,
        properties: Option<String>,
        _clip: Option<ClipHandle>,
    ) {
        if let Some(scene) = properties.and_then(|p| p.parse::<usize>().ok()) {
            self.boxes.push((scene, (xy.x, xy.y), (size.x, size.y)));
        }
    }

    fn draw_line(
        &mut self,
        start: Point,
        stop: Point,
        look: &StyleAttr,
        _properties: Option<String>,
    ) {
        let _ = look;
        let (a, b) = ((start.x, start.y), (stop.x, stop.y));
        self.arrows.push(Edge {
            segments: vec![[a, a, b, b]],
            dashed: false,
            text: String::new(),
        });
    }

    fn draw_circle(
        &mut self,
        _xy: Point,
        _size: Point,
        _look: &StyleAttr,
        _properties: Option<String>,
    ) {
    }

    fn draw_text(&mut self, xy: Point, text: &str, _look: &StyleAttr) {
        if !text.is_empty() {
            self.texts.push(((xy.x, xy.y), text.to_string()));
        }
    }

    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        dashed: bool,
        _head: (bool, bool),
        _look: &StyleAttr,
        _properties: Option<String>,
        text: &str,
    ) {
        if path.len() < 2 {
            return;
        }
        let p = |x: Point| (x.x, x.y);
        let mut segments = vec![[p(path[0].0), p(path[0].1), p(path[1].0), p(path[1].1)]];
        for point in path.iter().skip(2) {
            let last = segments[segments.len() - 1];
            // SVG's "S": the first control point mirrors the previous segment's second one.
            let mirrored = (2.0 * last[3].0 - last[2].0, 2.0 * last[3].1 - last[2].1);
            segments.push([last[3], mirrored, p(point.0), p(point.1)]);
        }
        self.arrows.push(Edge {
            segments,
            dashed,
            text: text.to_string(),
        });
    }

    fn create_clip(&mut self, _xy: Point, _size: Point, _rounded_px: usize) -> ClipHandle {
        0
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The point halfway along an arrow (at the middle of its middle segment).
pub fn midpoint(e: &Edge) -> (f64, f64) {
    let [a, b, c, d] = e.segments[e.segments.len() / 2];
    let t = 0.5;
    let mt = 1.0 - t;
    let f = |a: f64, b: f64, c: f64, d: f64| {
        mt * mt * mt * a + 3.0 * mt * mt * t * b + 3.0 * mt * t * t * c + t * t * t * d
    };
    (f(a.0, b.0, c.0, d.0), f(a.1, b.1, c.1, d.1))
}

impl Drawing {
    /// A standalone SVG of the drawing, with a key of the chapters beneath it.
    pub fn svg(&self) -> String {
        let key_height = 56.0;
        let (w, h) = (self.width.max(300.0), self.height + 40.0 + key_height);
        let mut s = String::new();
        let _ = write!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w:.0} {h:.0}\" width=\"{w:.0}\" height=\"{h:.0}\" font-family=\"Atkinson Hyperlegible, Helvetica, Arial, sans-serif\">\n<title>{}</title>\n<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555f69\"/></marker></defs>\n<rect width=\"100%\" height=\"100%\" fill=\"#fbfaf6\"/>\n<text x=\"20\" y=\"26\" font-size=\"18\" font-weight=\"bold\">{}</text>\n<g transform=\"translate(0 40)\">\n",
            escape(&self.title),
            escape(&self.title)
        );
        for e in &self.edges {
            let mut d = format!("M {:.1} {:.1}", e.segments[0][0].0, e.segments[0][0].1);
            for seg in &e.segments {
                let _ = write!(
                    d,
                    " C {:.1} {:.1}, {:.1} {:.1}, {:.1} {:.1}",
                    seg[1].0, seg[1].1, seg[2].0, seg[2].1, seg[3].0, seg[3].1
                );
            }
            let dash = if e.dashed {
                " stroke-dasharray=\"5,4\""
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "<path d=\"{d}\" fill=\"none\" stroke=\"#555f69\" stroke-width=\"1.2\"{dash} marker-end=\"url(#head)\"/>"
            );
            if !e.text.is_empty() {
                let (x, y) = midpoint(e);
                let _ = writeln!(
                    s,
                    "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#2b3137\" paint-order=\"stroke\" stroke=\"#fbfaf6\" stroke-width=\"3\">{}</text>",
                    escape(&e.text)
                );
            }
        }
        for l in &self.labels {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" dominant-baseline=\"middle\" fill=\"#2b3137\" paint-order=\"stroke\" stroke=\"#fbfaf6\" stroke-width=\"3\">{}</text>",
                l.at.0,
                l.at.1,
                escape(&l.text)
            );
        }
        for n in &self.nodes {
            let width = if n.kind == NodeKind::Scene { 1.5 } else { 3.0 };
            let _ = writeln!(
                s,
                "<g><title>{}</title><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"6\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{width}\"/>",
                escape(&case_line(&n.text)),
                n.at.0,
                n.at.1,
                n.size.0,
                n.size.1,
                n.fill.hex(),
                n.border.hex()
            );
            let lines: Vec<&str> = n.text.lines().collect();
            let top = n.at.1 + n.size.1 / 2.0 - (lines.len() as f64 - 1.0) * 8.0;
            for (k, line) in lines.iter().enumerate() {
                let weight = if k == 0 { " font-weight=\"bold\"" } else { "" };
                let _ = writeln!(
                    s,
                    "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{}\" text-anchor=\"middle\" dominant-baseline=\"middle\"{weight}>{}</text>",
                    n.at.0 + n.size.0 / 2.0,
                    top + k as f64 * 16.0,
                    if k == 0 { 14 } else { 12 },
                    escape(line)
                );
            }
            s.push_str("</g>\n");
        }
        s.push_str("</g>\n");
        let key_y = self.height + 40.0 + 10.0;
        let _ = writeln!(
            s,
            "<text x=\"20\" y=\"{:.0}\" font-size=\"12\">Key: box border = chapter; thick border = checkpoint or decision; dashed arrow = on from a checkpoint; green fill (with --coverage) = share of random playthroughs reaching the scene.</text>",
            key_y + 36.0
        );
        let mut x = 20.0;
        for (chapter, colour) in &self.chapters {
            let y = self.height + 40.0 + 10.0;
            let _ = writeln!(
                s,
                "<rect x=\"{x:.0}\" y=\"{y:.0}\" width=\"14\" height=\"14\" rx=\"3\" fill=\"#fff\" stroke=\"{}\" stroke-width=\"3\"/><text x=\"{:.0}\" y=\"{:.0}\" font-size=\"12\">{}</text>",
                colour.hex(),
                x + 20.0,
                y + 11.0,
                escape(chapter)
            );
            x += 40.0 + chapter.chars().count() as f64 * 7.0;
        }
        s.push_str("</svg>\n");
        s
    }
}

fn case_line(text: &str) -> String {
    text.replace('\n', " · ")
}
