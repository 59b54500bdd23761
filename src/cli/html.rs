//! The printable debrief: one self-contained HTML page (A4) for a supervision session — the case, the
//! child's journey, belief against the evidence (an SVG chart drawn by plotters), the decision and its
//! quality apart from the outcome, the reasoning feedback, the hindsight ratings and the reflection.

use std::fmt::Write as _;

use plotters::prelude::*;

use crate::engine::{Event, Playthrough};
use crate::judgement::detectors::Verdict;
use crate::judgement::report::Analysis;

#[cfg(not(target_arch = "wasm32"))]
const FONT: &[u8] = include_bytes!("../../assets/fonts/AtkinsonHyperlegible_400Regular.ttf");

/// Line colours for the hypotheses; each line also has its own marker shape in the table beneath.
const COLOURS: [RGBColor; 5] = [
    RGBColor(0xB0, 0x3A, 0x2E),
    RGBColor(0x1D, 0x5E, 0x9A),
    RGBColor(0x2E, 0x7D, 0x32),
    RGBColor(0x8E, 0x44, 0xAD),
    RGBColor(0x9A, 0x6B, 0x00),
];

pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The whole page.
pub fn report_html(p: &Playthrough, a: &Analysis) -> String {
    let case = &p.case.case;
    let labels: Vec<&str> = case.hypotheses.values().map(|h| h.label.as_str()).collect();
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Second Look — {}</title><style>{STYLE}</style></head><body>",
        escape(&case.title)
    );
    let _ = write!(
        h,
        "<header><h1>{}</h1><p class=\"meta\">Second Look debrief · seed {} · case version {}</p><p class=\"note\">A training exercise. Second Look trains judgement; it is not a diagnostic or decision tool, and its cases are illustrative.</p></header>",
        escape(&case.title),
        a.seed,
        escape(&p.log.case_version)
    );
    let _ = write!(
        h,
        "<section><h2>The case</h2><p>{}</p><p><b>You were:</b> {}</p></section>",
        escape(&case.summary),
        escape(&case.you_are)
    );
    let truth = labels.get(p.truth).copied().unwrap_or("");
    let _ = write!(
        h,
        "<section><h2>What was really happening</h2><p>{}</p></section>",
        escape(truth)
    );
    belief_section(&mut h, a, &labels);
    decision_section(&mut h, p, a);
    reasoning_section(&mut h, a);
    journey_section(&mut h, p);
    after_section(&mut h, p);
    h.push_str("</body></html>\n");
    h
}

fn belief_section(h: &mut String, a: &Analysis, labels: &[&str]) {
    h.push_str("<section><h2>Your belief beside the evidence</h2>");
    if a.checkpoints.is_empty() {
        h.push_str("<p>No judgements were given.</p></section>");
        return;
    }
    h.push_str(
        &belief_chart(a, labels)
            .unwrap_or_else(|e| format!("<p>(The chart could not be drawn: {})</p>", escape(&e))),
    );
    h.push_str("<p class=\"note\">Solid lines: what the findings so far warranted. Dashed lines with dots: what you said.</p>");
    h.push_str("<table><tr><th></th>");
    for l in labels {
        let _ = write!(h, "<th>{}</th>", escape(l));
    }
    h.push_str("</tr>");
    for (i, c) in a.checkpoints.iter().enumerate() {
        let _ = write!(h, "<tr><td>Checkpoint {} (step {})</td>", i + 1, c.step);
        for ((_, s), (_, w)) in c.stated.iter().zip(&c.warranted) {
            let _ = write!(h, "<td>{:.0}% · {:.0}%</td>", s * 100.0, w * 100.0);
        }
        h.push_str("</tr>");
    }
    h.push_str("</table><p class=\"note\">Each cell: what you said · what the evidence warranted.</p></section>");
}

/// The chart as inline SVG.
fn belief_chart(a: &Analysis, labels: &[&str]) -> Result<String, String> {
    // The bundled font measures the chart's text; the web build has no font loader, and no need.
    #[cfg(not(target_arch = "wasm32"))]
    let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    let n = a.checkpoints.len();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (680, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(48)
            .build_cartesian_2d(0.6f64..(n as f64 + 0.4), 0f64..100f64)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("Checkpoint")
            .y_desc("Probability (%)")
            .x_labels(n.max(2))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .light_line_style(RGBColor(0xEE, 0xEE, 0xEE))
            .draw()
            .map_err(|e| e.to_string())?;
        for (hyp, label) in labels.iter().enumerate() {
            let colour = COLOURS[hyp % COLOURS.len()];
            let warranted: Vec<(f64, f64)> = a
                .checkpoints
                .iter()
                .enumerate()
                .map(|(i, c)| (i as f64 + 1.0, c.warranted[hyp].1 * 100.0))
                .collect();
            let stated: Vec<(f64, f64)> = a
                .checkpoints
                .iter()
                .enumerate()
                .map(|(i, c)| (i as f64 + 1.0, c.stated[hyp].1 * 100.0))
                .collect();
            chart
                .draw_series(LineSeries::new(warranted, colour.stroke_width(3)))
                .map_err(|e| e.to_string())?
                .label(format!("{label}: evidence"))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(3))
                });
            chart
                .draw_series(DashedLineSeries::new(
                    stated.clone(),
                    8,
                    5,
                    colour.stroke_width(2),
                ))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(
                    stated
                        .into_iter()
                        .map(|p| Circle::new(p, 4, colour.filled())),
                )
                .map_err(|e| e.to_string())?
                .label(format!("{label}: you"))
                .legend(move |(x, y)| Circle::new((x + 9, y), 4, colour.filled()));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(0xCC, 0xCC, 0xCC))
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

fn decision_section(h: &mut String, p: &Playthrough, a: &Analysis) {
    let case = &p.case.case;
    let label = |id: &str| {
        case.decisions
            .get(id)
            .map_or(id.to_string(), |d| d.label.clone())
    };
    h.push_str("<section><h2>Your decision, by what was knowable then</h2>");
    match &a.decision {
        Some(d) => {
            let _ = write!(
                h,
                "<p>You decided: <b>{}</b> (expected loss {:.1}). The best available then: <b>{}</b> ({:.1}). {}</p>",
                escape(&label(&d.chosen)),
                d.expected_loss,
                escape(&label(&d.best)),
                d.best_expected_loss,
                if d.regret < 1e-9 {
                    "On the evidence you had, yours was the best available.".to_string()
                } else {
                    format!("Yours was expected to cost {:.1} more.", d.regret)
                }
            );
            if let Some((_, made)) = p.decision() {
                let _ = write!(
                    h,
                    "<p><b>Your rationale:</b> {}</p>",
                    escape(&made.rationale)
                );
            }
        }
        None => h.push_str("<p>No decision was made.</p>"),
    }
    if let Some(o) = &a.outcome {
        let _ = write!(
            h,
            "<h3>What happened</h3><p>{}</p><p class=\"note\">The outcome is not the measure of the decision: a sound decision can meet a bad outcome, and a poor one can be lucky.</p>",
            escape(o)
        );
    }
    h.push_str("</section>");
}

fn reasoning_section(h: &mut String, a: &Analysis) {
    h.push_str("<section><h2>Feedback on your reasoning</h2><p class=\"note\">Measured from what you did — what you looked for, how far you moved, when you decided.</p>");
    let shown: Vec<_> = a
        .reasoning
        .iter()
        .filter(|r| r.verdict == Verdict::Flagged)
        .collect();
    if shown.is_empty() {
        h.push_str(
            "<p>None of the reasoning errors the game looks for showed in this playthrough.</p>",
        );
    }
    for r in shown {
        let _ = write!(
            h,
            "<div class=\"card\"><h3>{}</h3><p>{}</p><ul>",
            escape(r.name),
            escape(&r.explanation)
        );
        for e in &r.evidence {
            let _ = write!(h, "<li>Step {}: {}</li>", e.step, escape(&e.what));
        }
        let _ = write!(
            h,
            "</ul><p><i>Next time: {}</i></p></div>",
            escape(&r.prompt)
        );
    }
    let clear: Vec<&str> = a
        .reasoning
        .iter()
        .filter(|r| r.verdict == Verdict::NotShown)
        .map(|r| r.name)
        .collect();
    if !clear.is_empty() {
        let _ = write!(
            h,
            "<p><b>Looked for and not shown:</b> {}.</p>",
            escape(&clear.join("; "))
        );
    }
    let c = &a.calibration;
    let _ = write!(
        h,
        "<p class=\"note\">Calibration: Brier score {:.2} over {} judgements (stating the base rate: {:.2}). One case is too few to judge calibration.</p></section>",
        c.brier, c.judgements, c.brier_prior
    );
}

fn journey_section(h: &mut String, p: &Playthrough) {
    let case = &p.case;
    h.push_str("<section class=\"journey\"><h2>The child's journey</h2><p class=\"note\">What was known when, and from which agency: why did each step make sense at the time?</p><ol>");
    for (i, event) in p.log.events.iter().enumerate() {
        let step = i + 1;
        match event {
            Event::Action(id) => {
                let _ = write!(
                    h,
                    "<li value=\"{step}\"><b>{}</b>",
                    escape(&case.action_label(id))
                );
                for r in p.revealed.iter().filter(|r| r.step == step) {
                    let (agency, text) = case.finding_words(r.finding, r.present);
                    let _ = write!(h, "<br>{}: {}", escape(agency), escape(text));
                }
                h.push_str("</li>");
            }
            Event::Judgement(j) => {
                let parts: Vec<String> = j
                    .probabilities
                    .iter()
                    .map(|(hy, v)| {
                        format!(
                            "{} {:.0}%",
                            case.case
                                .hypotheses
                                .get(hy)
                                .map_or(hy, |x| x.label.as_str()),
                            v * 100.0
                        )
                    })
                    .collect();
                let _ = write!(
                    h,
                    "<li value=\"{step}\"><i>Your judgement: {}. Reasons: {}</i></li>",
                    escape(&parts.join(", ")),
                    escape(&j.reasons)
                );
            }
            Event::Decision(d) => {
                let label = case
                    .case
                    .decisions
                    .get(&d.decision)
                    .map_or(d.decision.as_str(), |x| x.label.as_str());
                let _ = write!(
                    h,
                    "<li value=\"{step}\"><b>Your decision: {}</b></li>",
                    escape(label)
                );
            }
            Event::Reflection(_) | Event::Hindsight(_) => {}
        }
    }
    h.push_str("</ol></section>");
}

fn after_section(h: &mut String, p: &Playthrough) {
    h.push_str("<section><h2>Looking back</h2>");
    let before = p.decision().and_then(|(_, d)| d.quality);
    for e in &p.log.events {
        if let Event::Hindsight(x) = e {
            let _ = write!(
                h,
                "<p>Before the outcome you rated your decision {}. After it: {}/100 (and the outcome {}/100 foreseeable).</p>",
                before.map_or("—".to_string(), |b| format!("{b}/100")),
                x.decision_quality,
                x.foreseeable
            );
        }
    }
    let reflections: Vec<_> = p
        .log
        .events
        .iter()
        .filter_map(|e| {
            if let Event::Reflection(r) = e {
                Some(r)
            } else {
                None
            }
        })
        .collect();
    if reflections.is_empty() {
        h.push_str("<p>No reflections were written.</p>");
    }
    for r in reflections {
        let _ = write!(
            h,
            "<h3>{}</h3><p>{}</p>",
            escape(&r.question),
            escape(&r.answer)
        );
    }
    h.push_str("<h3>For supervision</h3><p class=\"lines\">Notes:</p></section>");
}

pub(crate) const STYLE: &str = "@page { size: A4; margin: 16mm 15mm; }
body { font-family: 'Atkinson Hyperlegible', 'Segoe UI', Arial, sans-serif; font-size: 11pt; line-height: 1.45; color: #1f2933; max-width: 180mm; margin: 0 auto; }
h1 { font-size: 20pt; margin: 0 0 2pt; } h2 { font-size: 14pt; margin: 14pt 0 4pt; border-bottom: 1px solid #c9c2b4; }
h3 { font-size: 11.5pt; margin: 8pt 0 2pt; } .meta { color: #4a5560; margin: 0; } .note { color: #4a5560; font-size: 9.5pt; }
table { border-collapse: collapse; width: 100%; font-size: 10pt; } th, td { border: 1px solid #d8d2c6; padding: 3pt 5pt; text-align: left; vertical-align: top; }
.card { border: 1px solid #c9c2b4; border-radius: 4pt; padding: 4pt 8pt; margin: 6pt 0; page-break-inside: avoid; }
svg { max-width: 100%; height: auto; } section { page-break-inside: auto; } li { margin-bottom: 3pt; page-break-inside: avoid; }
.lines { border-bottom: 1px solid #999; height: 60pt; }
@media print { a { color: inherit; } }";
