//! Judgement: what an ideal reasoner would believe and decide, and how the trainee's reasoning
//! compares.

pub mod bots;
pub mod calibration;
pub mod debrief;
pub mod detectors;
pub mod reasoner;
pub mod report;
pub mod spread;
pub mod thresholds;
pub mod trace;

/// The label an author gave action `a`, for messages.
pub fn trace_label(t: &trace::Trace, a: usize) -> String {
    t.case
        .action(a)
        .map_or_else(|| t.case.actions[a].id.clone(), |x| x.label.clone())
}
