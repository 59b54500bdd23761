//! The join address as a QR code: dark modules for the game window to paint, or an SVG for pages and
//! the printed report. Drawn here from the modules, with the four-module quiet zone scanners need.

use qrcode::{Color, QrCode};

/// The code's modules, row by row (`true`: dark), and its width; `None` if the text is too long.
pub fn modules(text: &str) -> Option<(Vec<bool>, usize)> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let width = code.width();
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == Color::Dark)
        .collect();
    Some((dark, width))
}

/// The code as a standalone SVG, black on white, scaling to its container.
pub fn svg(text: &str) -> String {
    let Some((dark, width)) = modules(text) else {
        return String::new();
    };
    let quiet = 4;
    let size = width + 2 * quiet;
    let mut path = String::new();
    for (i, _) in dark.iter().enumerate().filter(|(_, d)| **d) {
        let (x, y) = (i % width + quiet, i / width + quiet);
        path.push_str(&format!("M{x} {y}h1v1h-1z"));
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code for the join address\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
    )
}
