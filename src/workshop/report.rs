//! The printable workshop report (A4 HTML): the case, the room's timeline, the spread of private
//! judgements at each checkpoint against the room's judgement and the normative one, what each agency
//! held and when it told the room, and the discussion questions. Also the role briefs for each agency,
//! one to a page, for a room working on paper. Everything a participant wrote is escaped.

use std::fmt::Write as _;

use super::live::Join;
use super::room::{Known, Room, Round};
use crate::cli::html::{STYLE, escape};
use crate::cli::readable_time;
use crate::engine::Event;
use crate::engine::compiled::SceneKind;
use crate::engine::playthrough::is_present;
use crate::judgement::reasoner::{best_decision, posterior};
use crate::scenario::{FindingKind, Scene};

const EXTRA_STYLE: &str = ".bar { display: inline-block; height: 9pt; background: #1d5e9a; vertical-align: middle; }
.hist td { text-align: center; min-width: 14pt; } .hist td.n0 { color: #b7b0a3; } .held { color: #8a3b12; }
.brief { page-break-after: always; } .brief:last-child { page-break-after: auto; }";

fn page_start(h: &mut String, title: &str) {
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}\n{EXTRA_STYLE}</style></head><body>",
        escape(title)
    );
}

const NOTE: &str = "<p class=\"note\">A training exercise. Second Look trains judgement; it is not a diagnostic or decision tool, and its cases are illustrative.</p>";

/// The whole workshop report.
pub fn workshop(room: &Room, join: Option<&Join>) -> String {
    let case = &room.case.case;
    let mut h = String::new();
    page_start(&mut h, &format!("Workshop report — {}", case.title));
    let _ = write!(
        h,
        "<header><h1>{}</h1><p class=\"meta\">Second Look workshop report · started {} · seed {} · {} in the room</p>{NOTE}</header>",
        escape(&case.title),
        escape(&readable_time(&room.started, false)),
        room.play.seed(),
        people(room.participants.len())
    );
    if let Some(j) = join {
        let _ = write!(h, "<p class=\"meta\">Joined at {}</p>", escape(&j.base));
    }
    case_section(&mut h, room);
    timeline_section(&mut h, room);
    for r in &room.rounds {
        round_section(&mut h, room, r);
    }
    path_section(&mut h, room);
    agencies_section(&mut h, room);
    discussion_section(&mut h, room);
    h.push_str("</body></html>\n");
    h
}

fn people(n: usize) -> String {
    if n == 1 {
        "1 person".into()
    } else {
        format!("{n} people")
    }
}

fn case_section(h: &mut String, room: &Room) {
    let case = &room.case.case;
    let agencies: Vec<&str> = room
        .agencies
        .iter()
        .map(|&a| room.agency_label(a))
        .collect();
    let _ = write!(
        h,
        "<section><h2>The case</h2><p>{}</p><p><b>The room played:</b> {}</p><p><b>Agencies in the room:</b> {}</p>",
        escape(&case.summary),
        escape(&case.you_are),
        escape(&if agencies.is_empty() {
            "none".into()
        } else {
            agencies.join(", ")
        })
    );
    let truth = case
        .hypotheses
        .values()
        .nth(room.play.truth)
        .map_or("", |x| x.label.as_str());
    let _ = write!(
        h,
        "<p><b>What was really happening:</b> {}</p>",
        escape(truth)
    );
    if let Some((_, d)) = room.play.decision() {
        let label = case
            .decisions
            .get(&d.decision)
            .map_or(d.decision.as_str(), |x| x.label.as_str());
        let _ = write!(
            h,
            "<p><b>The room decided:</b> {}. <i>{}</i></p>",
            escape(label),
            escape(&d.rationale)
        );
        decision_quality(h, room);
        if let Some(o) = room.play.outcome() {
            let _ = write!(h, "<p><b>What happened:</b> {}</p>", escape(o));
        }
        h.push_str("<p class=\"note\">A sound decision can meet a bad outcome, and a poor one a good outcome: judge the decision by what was knowable when it was made.</p>");
    }
    h.push_str("</section>");
}

/// The decision against the best one on what the room knew, and on everything the agencies held.
fn decision_quality(h: &mut String, room: &Room) {
    let case = &room.case;
    let Some(chosen) = room.play.state.decided else {
        return;
    };
    let offered: Vec<usize> = case
        .scenes
        .iter()
        .find_map(|s| match &s.kind {
            SceneKind::Decide { decisions } if decisions.contains(&chosen) => {
                Some(decisions.clone())
            }
            _ => None,
        })
        .unwrap_or_else(|| (0..case.decisions.len()).collect());
    let label = |d: usize| {
        case.case
            .decisions
            .values()
            .nth(d)
            .map_or(String::new(), |x| x.label.clone())
    };
    let knew = pairs(&room.public());
    let held = pairs(&room.known());
    for (what, observed) in [
        ("what the room knew", knew),
        ("everything the agencies held", held),
    ] {
        let belief = posterior(case, &room.play.priors, &observed);
        if let Some((best, _)) = best_decision(case, &belief, &offered) {
            let verdict = if best == chosen {
                "the same decision"
            } else {
                "a different decision"
            };
            let _ = write!(
                h,
                "<p>On {what}, the normative reasoner would choose <b>{}</b>: {verdict}.</p>",
                escape(&label(best))
            );
        }
    }
}

fn pairs(known: &[Known]) -> Vec<(usize, bool)> {
    known.iter().map(|k| (k.finding, k.present)).collect()
}

fn by_id(room: &Room, list: &[(String, bool)]) -> Vec<(usize, bool)> {
    list.iter()
        .filter_map(|(id, p)| room.case.finding_index(id).map(|f| (f, *p)))
        .collect()
}

fn timeline_section(h: &mut String, room: &Room) {
    let case = &room.case;
    h.push_str("<section><h2>The room's way through the case</h2><ol>");
    for (i, event) in room.play.log.events.iter().enumerate() {
        let step = i + 1;
        for s in room.shared.iter().filter(|s| s.step == i) {
            shared_line(h, room, s);
        }
        match event {
            Event::Action(id) => {
                let _ = write!(h, "<li>{}", escape(&case.action_label(id)));
                let found: Vec<String> = room
                    .play
                    .revealed
                    .iter()
                    .filter(|r| r.step == step)
                    .map(|r| {
                        let (agency, text) = case.finding_words(r.finding, r.present);
                        let holder = room.agencies.contains(&case.findings[r.finding].agency);
                        if holder {
                            format!(
                                "<span class=\"held\">to {} only: {}</span>",
                                escape(agency),
                                escape(text)
                            )
                        } else {
                            escape(text)
                        }
                    })
                    .collect();
                if !found.is_empty() {
                    let _ = write!(h, "<ul><li>{}</li></ul>", found.join("</li><li>"));
                }
                h.push_str("</li>");
            }
            Event::Judgement(j) => {
                let _ = write!(
                    h,
                    "<li><b>The room's judgement at “{}”</b>: {}</li>",
                    escape(&j.checkpoint),
                    escape(&spread_words(room, &j.probabilities))
                );
            }
            Event::Decision(d) => {
                let _ = write!(
                    h,
                    "<li><b>The room's decision</b>: {}</li>",
                    escape(
                        &case
                            .case
                            .decisions
                            .get(&d.decision)
                            .map_or(d.decision.clone(), |x| x.label.clone())
                    )
                );
            }
            _ => {}
        }
    }
    let last = room.play.log.events.len();
    for s in room.shared.iter().filter(|s| s.step >= last) {
        shared_line(h, room, s);
    }
    h.push_str("</ol></section>");
}

fn shared_line(h: &mut String, room: &Room, s: &super::room::Shared) {
    let Some(f) = room.case.finding_index(&s.finding) else {
        return;
    };
    let present = room
        .known()
        .iter()
        .find(|k| k.finding == f)
        .is_none_or(|k| k.present);
    let (agency, text) = room.case.finding_words(f, present);
    let _ = write!(
        h,
        "<li><i>{} told the room</i> (at {}): {}</li>",
        escape(agency),
        escape(&readable_time(&s.at, true)),
        escape(text)
    );
}

fn spread_words(room: &Room, probabilities: &crate::scenario::OrderedMap<f64>) -> String {
    room.case
        .case
        .hypotheses
        .iter()
        .map(|(id, x)| {
            format!(
                "{} {:.0}%",
                x.label,
                probabilities.get(id).copied().unwrap_or(0.0) * 100.0
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the evidence warranted when a round opened: on what the room knew, and on everything the
/// agencies held as well.
fn warranted(room: &Room, r: &Round) -> (Vec<f64>, Vec<f64>) {
    let knew = by_id(room, &r.room_knew);
    let mut all = knew.clone();
    all.extend(by_id(room, &r.unshared));
    (
        posterior(&room.case, &room.play.priors, &knew),
        posterior(&room.case, &room.play.priors, &all),
    )
}

fn round_section(h: &mut String, room: &Room, r: &Round) {
    let case = &room.case;
    let prompt = match case.case.scenes.get(&r.checkpoint) {
        Some(Scene::Checkpoint(c)) => c.prompt.as_str(),
        _ => "",
    };
    let n = r.submissions.len();
    let _ = write!(
        h,
        "<section><h2>Checkpoint “{}”</h2><p>{}</p><p>{} private {} before discussion.</p>",
        escape(&r.checkpoint),
        escape(prompt),
        n,
        if n == 1 { "judgement" } else { "judgements" }
    );
    let (knew, could) = warranted(room, r);
    h.push_str("<table class=\"hist\"><tr><th>Explanation</th>");
    for band in 0..10 {
        let _ = write!(
            h,
            "<th>{}–{}</th>",
            band * 10,
            if band == 9 { 100 } else { band * 10 + 9 }
        );
    }
    h.push_str("<th>Private mean</th><th>The room</th><th>Warranted by what the room knew</th><th>…by all the agencies held</th></tr>");
    for (i, (_, x)) in case.case.hypotheses.iter().enumerate() {
        let mut bands = [0usize; 10];
        for s in &r.submissions {
            bands[(s.percent[i] as usize / 10).min(9)] += 1;
        }
        let _ = write!(h, "<tr><td>{}</td>", escape(&x.label));
        for b in bands {
            let _ = write!(h, "<td class=\"n{}\">{b}</td>", b.min(1));
        }
        let mean = if n == 0 {
            "—".into()
        } else {
            format!(
                "{:.0}%",
                r.submissions
                    .iter()
                    .map(|s| s.percent[i] as f64)
                    .sum::<f64>()
                    / n as f64
            )
        };
        let group = r
            .group
            .as_ref()
            .map_or("—".into(), |g| format!("{}%", g.percent[i]));
        let _ = write!(
            h,
            "<td>{mean}</td><td>{group}</td><td>{:.0}%</td><td>{:.0}%</td></tr>",
            knew[i] * 100.0,
            could[i] * 100.0
        );
    }
    h.push_str("</table>");
    if let Some(g) = &r.group {
        let _ = write!(
            h,
            "<div class=\"card\"><p><b>The room's judgement</b> (leaning to {}): {}</p><p><b>Polarisation and groupthink (detector 17):</b> {}</p>",
            escape(
                &case
                    .case
                    .hypotheses
                    .get(&g.leading)
                    .map_or(g.leading.clone(), |x| x.label.clone())
            ),
            escape(&g.reasons),
            escape(&g.polarisation)
        );
        if let Some(d) = &g.devils_advocate {
            let _ = write!(h, "<p><b>Devil's advocate:</b> {}</p>", escape(d));
        }
        h.push_str("</div>");
    }
    let reasons = grouped_reasons(r);
    if !reasons.is_empty() {
        h.push_str("<h3>Reasons given privately (anonymous)</h3><ul>");
        for (reason, n) in reasons {
            let times = if n > 1 {
                format!(" <span class=\"note\">(×{n})</span>")
            } else {
                String::new()
            };
            let _ = write!(h, "<li>{}{times}</li>", escape(reason));
        }
        h.push_str("</ul>");
    }
    if !r.unshared.is_empty() {
        let _ = write!(
            h,
            "<p class=\"note\">When judgement opened, the agencies held {} the room had not heard.</p>",
            if r.unshared.len() == 1 {
                "1 finding".to_string()
            } else {
                format!("{} findings", r.unshared.len())
            }
        );
    }
    h.push_str("</section>");
}

/// The reasons given at a round, each once with how many gave it, most given first.
fn grouped_reasons(r: &Round) -> Vec<(&str, usize)> {
    let mut reasons: Vec<&str> = r
        .submissions
        .iter()
        .map(|s| s.reasons.as_str())
        .filter(|s| !s.is_empty())
        .collect();
    reasons.sort_unstable();
    let mut grouped: Vec<(&str, usize)> = Vec::new();
    for reason in reasons {
        match grouped.last_mut() {
            Some((last, n)) if *last == reason => *n += 1,
            _ => grouped.push((reason, 1)),
        }
    }
    grouped.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    grouped
}

/// The room's probability of harm at each checkpoint against the private average and the normative.
fn path_section(h: &mut String, room: &Room) {
    if room.rounds.is_empty() {
        return;
    }
    let case = &room.case;
    h.push_str("<section><h2>The room's path against the normative one</h2><p>The probability of harm (the harm explanations together) at each checkpoint.</p><table><tr><th>Checkpoint</th><th>Private judgements (mean)</th><th>The room</th><th>Warranted by what the room knew</th><th>Warranted by all the agencies held</th></tr>");
    for r in &room.rounds {
        let harm_of = |belief: &[f64]| -> f64 {
            belief
                .iter()
                .zip(&case.harm)
                .filter(|(_, h)| **h)
                .map(|(p, _)| p)
                .sum::<f64>()
                * 100.0
        };
        let private = if r.submissions.is_empty() {
            "—".into()
        } else {
            format!(
                "{:.0}%",
                r.submissions
                    .iter()
                    .map(|s| room.harm(&s.percent))
                    .sum::<f64>()
                    * 100.0
                    / r.submissions.len() as f64
            )
        };
        let group = r.group.as_ref().map_or("—".into(), |g| {
            format!("{:.0}%", room.harm(&g.percent) * 100.0)
        });
        let (knew, could) = warranted(room, r);
        let (knew, could) = (harm_of(&knew), harm_of(&could));
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{private}</td><td>{group}</td><td>{knew:.0}%</td><td>{could:.0}%</td></tr>",
            escape(&r.checkpoint)
        );
    }
    h.push_str("</table></section>");
}

fn agencies_section(h: &mut String, room: &Room) {
    let case = &room.case;
    h.push_str("<section><h2>What each agency held, and when the room heard it</h2>");
    let known = room.known();
    for &a in &room.agencies {
        let _ = write!(h, "<h3>{}</h3>", escape(room.agency_label(a)));
        let mine: Vec<&Known> = known.iter().filter(|k| k.holder == Some(a)).collect();
        if mine.is_empty() {
            h.push_str("<p>Held nothing the room's enquiries reached.</p>");
            continue;
        }
        h.push_str("<table><tr><th>Finding</th><th>Told the room</th></tr>");
        for k in mine {
            let (_, text) = case.finding_words(k.finding, k.present);
            let when = k.shared.as_ref().map_or("<b>never</b>".into(), |s| {
                escape(&readable_time(&s.at, true))
            });
            let _ = write!(h, "<tr><td>{}</td><td>{when}</td></tr>", escape(text));
        }
        h.push_str("</table>");
    }
    h.push_str("</section>");
}

fn discussion_section(h: &mut String, room: &Room) {
    let case = &room.case.case;
    let questions: Vec<(&str, &String)> = case
        .scenes
        .iter()
        .filter_map(|(id, s)| match s {
            Scene::Checkpoint(c) => Some(c.discussion.iter().map(move |q| (id, q))),
            _ => None,
        })
        .flatten()
        .collect();
    if !questions.is_empty() {
        h.push_str("<section><h2>Questions for discussion</h2><ul>");
        for (at, q) in questions {
            let _ = write!(
                h,
                "<li>{} <span class=\"note\">(at “{}”)</span></li>",
                escape(q),
                escape(at)
            );
        }
        h.push_str("</ul></section>");
    }
    if !case.teaching.is_empty() {
        h.push_str("<section><h2>Teaching points</h2><ul>");
        for t in &case.teaching {
            let _ = write!(
                h,
                "<li>{} <span class=\"note\">{}</span></li>",
                escape(&t.point),
                escape(&t.reference)
            );
        }
        h.push_str("</ul></section>");
    }
}

/// A role brief for each agency in the room, one to a page: the referral, who they are, what their
/// records say, and what to answer if the room asks.
pub fn briefs(room: &Room) -> String {
    let case = &room.case;
    let mut h = String::new();
    page_start(&mut h, &format!("Role briefs — {}", case.case.title));
    let (seed, truth) = (room.play.seed(), room.play.truth);
    for &a in &room.agencies {
        let about = case
            .case
            .agencies
            .values()
            .nth(a)
            .map_or("", |x| x.about.as_str());
        let _ = write!(
            h,
            "<section class=\"brief\"><h1>Role brief: {}</h1><p class=\"meta\">{} · seed {seed}</p>{NOTE}<h2>The referral</h2>{}<h2>Who you are</h2><p>{}</p>",
            escape(room.agency_label(a)),
            escape(&case.case.title),
            paragraphs(&case.case.briefing),
            escape(about)
        );
        let records: Vec<usize> = (0..case.findings.len())
            .filter(|&f| {
                case.findings[f].agency == a && case.findings[f].kind == FindingKind::History
            })
            .collect();
        if !records.is_empty() {
            h.push_str("<h2>What your records say (you know this from the start)</h2><ul>");
            for f in &records {
                let (_, text) = case.finding_words(*f, is_present(case, seed, truth, *f));
                let _ = write!(h, "<li>{}</li>", escape(text));
            }
            h.push_str("</ul>");
        }
        let mut asked = String::new();
        for action in &case.actions {
            let answers: Vec<String> = action
                .looks_for
                .iter()
                .filter(|&&f| case.findings[f].agency == a && !records.contains(&f))
                .map(|&f| escape(case.finding_words(f, is_present(case, seed, truth, f)).1))
                .collect();
            if !answers.is_empty() {
                let _ = write!(
                    asked,
                    "<li><b>If the room decides to “{}”:</b> {}</li>",
                    escape(&case.action_label(&action.id)),
                    answers.join(" ")
                );
            }
        }
        if !asked.is_empty() {
            let _ = write!(h, "<h2>What you find if you are asked</h2><ul>{asked}</ul>");
        }
        h.push_str("<h2>In the room</h2><ul><li>Keep this brief to yourself. Tell the room what you hold only when you judge it relevant, at the strategy discussion or when asked.</li><li>At each checkpoint, write your own judgement down before anyone speaks: how likely is each explanation, which do you lean to, and why.</li></ul></section>");
    }
    if room.agencies.is_empty() {
        h.push_str("<p>No agencies are in the room, so there are no role briefs.</p>");
    }
    h.push_str("</body></html>\n");
    h
}

fn paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(|p| format!("<p>{}</p>", escape(p.trim())))
        .collect()
}
