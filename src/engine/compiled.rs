//! A case turned into indices for play: every ID resolved once, times in whole minutes, so that
//! play, replay and random walks never look up strings in a hot loop.

use std::collections::HashMap;

use crate::scenario::{Case, DecisionKind, FindingKind, Need, PracticeTag, Scene};

use super::rng::fnv;

/// A case ready to play. Built only from a case the checker passed.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub case: Case,
    pub version: String,
    pub hypotheses: Vec<String>,
    pub priors: Vec<f64>,
    pub harm: Vec<bool>,
    pub findings: Vec<CFinding>,
    pub scenes: Vec<CScene>,
    pub actions: Vec<CAction>,
    pub decisions: Vec<CDecision>,
    pub flags: Vec<String>,
    pub agencies: Vec<String>,
    pub start: usize,
    pub out_of_time: usize,
    pub minutes_available: u32,
    action_index: HashMap<String, usize>,
}

#[derive(Debug, Clone)]
pub struct CFinding {
    pub id: String,
    pub salt: u64,
    pub likely: Vec<f64>,
    pub group: Option<usize>,
    pub agency: usize,
    pub kind: FindingKind,
    pub vivid: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SceneKind {
    Narrative { actions: Vec<usize> },
    Checkpoint { next: usize },
    Decide { decisions: Vec<usize> },
}

#[derive(Debug, Clone)]
pub struct CScene {
    pub id: String,
    pub kind: SceneKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CNeed {
    Found(usize),
    NotFound(usize),
    Looked(usize),
    Done(usize),
    NotDone(usize),
    Flag(usize),
    NotFlag(usize),
}

#[derive(Debug, Clone)]
pub struct CAction {
    pub id: String,
    pub scene: usize,
    pub minutes: u32,
    pub needs: Vec<CNeed>,
    pub looks_for: Vec<usize>,
    pub goto: usize,
    pub sets: Vec<usize>,
    pub repeatable: bool,
    pub tags: Vec<PracticeTag>,
}

#[derive(Debug, Clone)]
pub struct CDecision {
    pub id: String,
    pub kind: DecisionKind,
    pub loss: Vec<f64>,
}

/// Why a case could not be prepared for play (it should have failed the checker).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError(pub String);

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

fn minutes(hours: f64) -> u32 {
    if hours.is_finite() && hours > 0.0 {
        (hours * 60.0).round().min(u32::MAX as f64) as u32
    } else {
        0
    }
}

struct Ids<'a> {
    map: HashMap<&'a str, usize>,
    what: &'static str,
}

impl<'a> Ids<'a> {
    fn new(keys: impl Iterator<Item = &'a str>, what: &'static str) -> Self {
        let mut map = HashMap::new();
        for (i, k) in keys.enumerate() {
            map.entry(k).or_insert(i);
        }
        Ids { map, what }
    }
    fn get(&self, id: &str) -> Result<usize, CompileError> {
        self.map
            .get(id)
            .copied()
            .ok_or_else(|| CompileError(format!("unknown {} \"{id}\"", self.what)))
    }
}

impl Compiled {
    pub fn new(case: &Case) -> Result<Compiled, CompileError> {
        let hyps = Ids::new(case.hypotheses.keys(), "hypothesis");
        let findings_ix = Ids::new(case.findings.keys(), "finding");
        let scenes_ix = Ids::new(case.scenes.keys(), "scene");
        let decisions_ix = Ids::new(case.decisions.keys(), "decision");
        let agencies_ix = Ids::new(case.agencies.keys(), "agency");
        if case.hypotheses.len() < 2 {
            return Err(CompileError("a case needs at least two hypotheses".into()));
        }
        let mut groups: Vec<String> = Vec::new();
        let mut findings = Vec::new();
        for (id, f) in case.findings.iter() {
            let mut likely = vec![0.0; case.hypotheses.len()];
            for (h, l) in f.likely.iter() {
                likely[hyps.get(h)?] = l.probability().clamp(0.0, 1.0);
            }
            let group = f
                .group
                .as_ref()
                .map(|g| match groups.iter().position(|x| x == g) {
                    Some(i) => i,
                    None => {
                        groups.push(g.clone());
                        groups.len() - 1
                    }
                });
            findings.push(CFinding {
                id: id.to_string(),
                salt: fnv(id.as_bytes()),
                likely,
                group,
                agency: agencies_ix.get(&f.agency)?,
                kind: f.kind,
                vivid: f.vivid,
            });
        }
        let mut flags: Vec<String> = Vec::new();
        let mut flag = |name: &str| match flags.iter().position(|x| x == name) {
            Some(i) => i,
            None => {
                flags.push(name.to_string());
                flags.len() - 1
            }
        };
        let all_actions: Vec<(usize, &crate::scenario::Action)> = case
            .scenes
            .values()
            .enumerate()
            .flat_map(|(si, s)| match s {
                Scene::Scene(n) => n.actions.iter().map(|a| (si, a)).collect(),
                _ => Vec::new(),
            })
            .collect();
        let actions_ix = Ids::new(all_actions.iter().map(|(_, a)| a.id.as_str()), "action");
        let mut actions = Vec::new();
        for (scene, a) in &all_actions {
            let needs = a
                .needs
                .iter()
                .map(|n| {
                    Ok(match n {
                        Need::Found(f) => CNeed::Found(findings_ix.get(f)?),
                        Need::NotFound(f) => CNeed::NotFound(findings_ix.get(f)?),
                        Need::Looked(f) => CNeed::Looked(findings_ix.get(f)?),
                        Need::Done(x) => CNeed::Done(actions_ix.get(x)?),
                        Need::NotDone(x) => CNeed::NotDone(actions_ix.get(x)?),
                        Need::Flag(x) => CNeed::Flag(flag(x)),
                        Need::NotFlag(x) => CNeed::NotFlag(flag(x)),
                    })
                })
                .collect::<Result<Vec<_>, CompileError>>()?;
            actions.push(CAction {
                id: a.id.clone(),
                scene: *scene,
                minutes: minutes(a.hours),
                needs,
                looks_for: a
                    .looks_for
                    .iter()
                    .map(|f| findings_ix.get(f))
                    .collect::<Result<_, _>>()?,
                goto: scenes_ix.get(&a.goto)?,
                sets: a.sets.iter().map(|x| flag(x)).collect(),
                repeatable: a.repeatable,
                tags: a.tags.clone(),
            });
        }
        let mut scenes = Vec::new();
        let mut next_action = 0;
        for (id, s) in case.scenes.iter() {
            let kind = match s {
                Scene::Scene(n) => {
                    let range = next_action..next_action + n.actions.len();
                    next_action = range.end;
                    SceneKind::Narrative {
                        actions: range.collect(),
                    }
                }
                Scene::Checkpoint(c) => SceneKind::Checkpoint {
                    next: scenes_ix.get(&c.next)?,
                },
                Scene::Decide(d) if d.decisions.is_empty() => SceneKind::Decide {
                    decisions: (0..case.decisions.len()).collect(),
                },
                Scene::Decide(d) => SceneKind::Decide {
                    decisions: d
                        .decisions
                        .iter()
                        .map(|x| decisions_ix.get(x))
                        .collect::<Result<_, _>>()?,
                },
            };
            scenes.push(CScene {
                id: id.to_string(),
                kind,
            });
        }
        let decisions = case
            .decisions
            .iter()
            .map(|(id, d)| {
                let mut loss = vec![0.0; case.hypotheses.len()];
                for (h, l) in d.loss.iter() {
                    loss[hyps.get(h)?] = *l;
                }
                Ok(CDecision {
                    id: id.to_string(),
                    kind: d.kind,
                    loss,
                })
            })
            .collect::<Result<Vec<_>, CompileError>>()?;
        let action_index = all_actions
            .iter()
            .enumerate()
            .map(|(i, (_, a))| (a.id.clone(), i))
            .collect();
        Ok(Compiled {
            version: content_version(case),
            hypotheses: case.hypotheses.keys().map(str::to_string).collect(),
            priors: case.hypotheses.values().map(|h| h.prior).collect(),
            harm: case.hypotheses.values().map(|h| h.harm).collect(),
            findings,
            scenes,
            actions,
            decisions,
            flags,
            agencies: case.agencies.keys().map(str::to_string).collect(),
            start: scenes_ix.get(&case.start)?,
            out_of_time: scenes_ix.get(&case.out_of_time)?,
            minutes_available: minutes(case.hours_available),
            action_index,
            case: case.clone(),
        })
    }

    pub fn action_index(&self, id: &str) -> Option<usize> {
        self.action_index.get(id).copied()
    }

    /// The author's text of action `a` (its label, detail and narration).
    pub fn action(&self, a: usize) -> Option<&crate::scenario::Action> {
        let action = self.actions.get(a)?;
        match self.case.scenes.get(&self.scenes[action.scene].id)? {
            Scene::Scene(n) => n.actions.iter().find(|x| x.id == action.id),
            _ => None,
        }
    }

    /// The label an author gave the action with this ID (the ID itself if there is none).
    pub fn action_label(&self, id: &str) -> String {
        self.action_index(id)
            .and_then(|a| self.action(a))
            .map_or_else(|| id.to_string(), |x| x.label.clone())
    }

    /// What a revealed finding says, and which agency holds it: (agency label, text).
    pub fn finding_words(&self, finding: usize, present: bool) -> (&str, &str) {
        let Some(f) = self.findings.get(finding) else {
            return ("", "");
        };
        let agency = self
            .case
            .agencies
            .values()
            .nth(f.agency)
            .map_or("", |a| a.label.as_str());
        let text = self.case.findings.get(&f.id).map_or("", |x| {
            if present {
                x.present.as_str()
            } else {
                x.absent.as_str()
            }
        });
        (agency, text)
    }

    pub fn hypothesis_index(&self, id: &str) -> Option<usize> {
        self.hypotheses.iter().position(|h| h == id)
    }

    pub fn scene_index(&self, id: &str) -> Option<usize> {
        self.case.scenes.index_of(id)
    }

    pub fn decision_index(&self, id: &str) -> Option<usize> {
        self.case.decisions.index_of(id)
    }

    pub fn finding_index(&self, id: &str) -> Option<usize> {
        self.case.findings.index_of(id)
    }

    /// The priors of a named variant, or the case's own.
    pub fn priors_for(&self, variant: Option<&str>) -> Vec<f64> {
        let Some(v) = variant.and_then(|v| self.case.variants.get(v)) else {
            return self.priors.clone();
        };
        if v.priors.is_empty() {
            return self.priors.clone();
        }
        self.hypotheses
            .iter()
            .map(|h| v.priors.get(h).copied().unwrap_or(0.0))
            .collect()
    }
}

/// A short fingerprint of a case's content (not its layout or comments): logs record it so a replay
/// can tell that the case has changed since.
pub fn content_version(case: &Case) -> String {
    let text = ron::to_string(case).unwrap_or_default();
    format!("{:016x}", fnv(text.as_bytes()))
}
