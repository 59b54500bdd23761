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
    let id = &t.case.actions[a].id;
    let scene = &t.case.scenes[t.case.actions[a].scene].id;
    match t.case.case.scenes.get(scene) {
        Some(crate::scenario::Scene::Scene(n)) => n
            .actions
            .iter()
            .find(|x| &x.id == id)
            .map_or_else(|| id.clone(), |x| x.label.clone()),
        _ => id.clone(),
    }
}

/// The label an author gave action `id` in a compiled case.
pub fn trace_label_of(case: &crate::engine::Compiled, id: &str) -> String {
    let Some(a) = case.action_index(id) else {
        return id.to_string();
    };
    let scene = &case.scenes[case.actions[a].scene].id;
    match case.case.scenes.get(scene) {
        Some(crate::scenario::Scene::Scene(n)) => n
            .actions
            .iter()
            .find(|x| x.id == id)
            .map_or_else(|| id.to_string(), |x| x.label.clone()),
        _ => id.to_string(),
    }
}
