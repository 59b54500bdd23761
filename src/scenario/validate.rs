//! The checker's semantic rules: references, probabilities, losses, and the shape of the scene graph.

use std::collections::{HashMap, HashSet, VecDeque};

use serde::Serialize;

use super::diagnostic::{Code, Diagnostic, suggest};
use super::load::LoadedCase;
use super::model::{Case, Likelihood, Need, PracticeTag, Scene};
use super::spans::Path;

/// Counts the checker reports for each case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub scenes: usize,
    pub actions: usize,
    pub findings: usize,
    pub hypotheses: usize,
    pub agencies: usize,
    pub checkpoints: usize,
    pub decisions: usize,
}

impl Stats {
    pub fn of(case: &Case) -> Stats {
        Stats {
            scenes: case.scenes.len(),
            actions: case.scenes.values().map(|s| actions_of(s).len()).sum(),
            findings: case.findings.len(),
            hypotheses: case.hypotheses.len(),
            agencies: case.agencies.len(),
            checkpoints: case
                .scenes
                .values()
                .filter(|s| matches!(s, Scene::Checkpoint(_)))
                .count(),
            decisions: case.decisions.len(),
        }
    }
}

fn actions_of(scene: &Scene) -> &[super::model::Action] {
    match scene {
        Scene::Scene(n) => &n.actions,
        _ => &[],
    }
}

/// Runs every semantic check over a loaded case, adding its diagnostics to the case's own.
pub fn validate(loaded: &mut LoadedCase) {
    let Some(case) = loaded.case.as_ref() else {
        return;
    };
    let mut checker = Checker {
        loaded,
        case,
        out: Vec::new(),
    };
    checker.duplicate_ids();
    checker.hypotheses();
    checker.findings();
    checker.scenes();
    checker.header();
    checker.decisions();
    checker.variants();
    checker.graph();
    checker.inner_duplicates();
    checker.empty_texts();
    let mut found = checker.out;
    found.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code).cmp(&(&b.file, b.line, b.column, b.code))
    });
    loaded.diagnostics.extend(found);
}

struct Checker<'a> {
    loaded: &'a LoadedCase,
    case: &'a Case,
    out: Vec<Diagnostic>,
}

const PRIOR_TOLERANCE: f64 = 1e-6;

impl Checker<'_> {
    fn report(&mut self, code: Code, file: usize, path: &Path, message: String) -> &mut Diagnostic {
        let (p, pos) = self.loaded.locate(file, path);
        self.out.push(Diagnostic::new(code, p, pos, message));
        self.out.last_mut().expect("just pushed")
    }

    fn report_key(
        &mut self,
        code: Code,
        file: usize,
        path: &Path,
        message: String,
    ) -> &mut Diagnostic {
        let (p, pos) = self.loaded.locate_key(file, path);
        self.out.push(Diagnostic::new(code, p, pos, message));
        self.out.last_mut().expect("just pushed")
    }

    fn header_file(&self, field: &str) -> usize {
        self.loaded.field_file(field)
    }

    fn unknown(
        &mut self,
        code: Code,
        file: usize,
        path: &Path,
        what: &str,
        id: &str,
        mut known: Vec<&str>,
    ) {
        let mut seen = HashSet::new();
        known.retain(|k| seen.insert(*k));
        let what_plural = plural(what);
        let help = suggest(id, known.iter().copied())
            .unwrap_or_else(|| format!("known {what_plural}: {}", list_or_none(&known)));
        self.report(code, file, path, format!("there is no {what} \"{id}\""))
            .help = Some(help);
    }

    fn duplicate_ids(&mut self) {
        let c = self.case;
        let o = &self.loaded.origins;
        let sections: [(&str, Vec<&str>, &Vec<usize>); 6] = [
            ("agencies", c.agencies.keys().collect(), &o.agencies),
            ("hypotheses", c.hypotheses.keys().collect(), &o.hypotheses),
            ("findings", c.findings.keys().collect(), &o.findings),
            ("scenes", c.scenes.keys().collect(), &o.scenes),
            ("decisions", c.decisions.keys().collect(), &o.decisions),
            ("variants", c.variants.keys().collect(), &o.variants),
        ];
        for (section, keys, files) in sections {
            let mut seen: HashMap<&str, usize> = HashMap::new();
            for (i, key) in keys.iter().enumerate() {
                let Some(&first) = seen.get(key) else {
                    seen.insert(key, i);
                    continue;
                };
                self.report_duplicate(section, key, files[first], files[i]);
            }
        }
        let mut actions: HashMap<&str, usize> = HashMap::new();
        for (si, (scene_id, scene)) in c.scenes.iter().enumerate() {
            for (ai, action) in actions_of(scene).iter().enumerate() {
                if actions.insert(&action.id, si).is_some() {
                    let path = Path::root()
                        .field("scenes")
                        .key(scene_id)
                        .field("actions")
                        .index(ai)
                        .field("id");
                    let msg = format!("the action ID \"{}\" is used twice", action.id);
                    self.report(Code::DuplicateId, o.scenes[si], &path, msg)
                        .help = Some(
                        "every action needs its own ID: saved playthroughs refer to it".into(),
                    );
                }
            }
        }
    }

    /// Keys given twice inside an entry's own map (a loss, a likelihood, an outcome, a variant's prior).
    fn inner_duplicates(&mut self) {
        let c = self.case;
        let o = &self.loaded.origins;
        let mut found: Vec<(usize, Path, String)> = Vec::new();
        for (i, (id, f)) in c.findings.iter().enumerate() {
            let base = Path::root().field("findings").key(id).field("likely");
            found.extend(
                f.likely
                    .duplicates()
                    .into_iter()
                    .map(|k| (o.findings[i], base.key(k), k.to_string())),
            );
        }
        for (i, (id, d)) in c.decisions.iter().enumerate() {
            let base = Path::root().field("decisions").key(id);
            found.extend(
                d.loss
                    .duplicates()
                    .into_iter()
                    .map(|k| (o.decisions[i], base.field("loss").key(k), k.to_string())),
            );
            found.extend(
                d.outcomes
                    .duplicates()
                    .into_iter()
                    .map(|k| (o.decisions[i], base.field("outcomes").key(k), k.to_string())),
            );
        }
        for (i, (id, v)) in c.variants.iter().enumerate() {
            let base = Path::root().field("variants").key(id).field("priors");
            found.extend(
                v.priors
                    .duplicates()
                    .into_iter()
                    .map(|k| (o.variants[i], base.key(k), k.to_string())),
            );
        }
        for (file, path, key) in found {
            let spans = self.loaded.files[file].spans();
            let pos = spans
                .key_occurrences(&path)
                .get(1)
                .copied()
                .unwrap_or_else(|| spans.key(&path));
            let d = Diagnostic::new(
                Code::DuplicateId,
                &self.loaded.files[file].path,
                pos,
                format!("\"{key}\" is given twice here"),
            )
            .with_help("give each hypothesis once; the checker cannot tell which value you meant");
            self.out.push(d);
        }
    }

    /// Text a trainee would see that an author left empty.
    fn empty_texts(&mut self) {
        let c = self.case;
        let header = [
            ("title", &c.title),
            ("summary", &c.summary),
            ("you_are", &c.you_are),
            ("briefing", &c.briefing),
        ];
        for (field, text) in header {
            if self.loaded.origins.fields.contains_key(field) && text.trim().is_empty() {
                let file = self.header_file(field);
                self.empty(
                    file,
                    &Path::root().field(field),
                    format!("the case's `{field}` is empty"),
                );
            }
        }
        for (i, (id, a)) in c.agencies.iter().enumerate() {
            if a.label.trim().is_empty() {
                let path = Path::root().field("agencies").key(id).field("label");
                self.empty(
                    self.loaded.origins.agencies[i],
                    &path,
                    format!("agency \"{id}\" has an empty label"),
                );
            }
        }
        for (i, (id, v)) in c.variants.iter().enumerate() {
            if v.label.trim().is_empty() {
                let path = Path::root().field("variants").key(id).field("label");
                self.empty(
                    self.loaded.origins.variants[i],
                    &path,
                    format!("variant \"{id}\" has an empty label"),
                );
            }
        }
        for (i, (id, scene)) in c.scenes.iter().enumerate() {
            if let Scene::Decide(d) = scene
                && d.prompt.trim().is_empty()
            {
                let path = Path::root().field("scenes").key(id).field("prompt");
                self.empty(
                    self.loaded.origins.scenes[i],
                    &path,
                    format!("decision point \"{id}\" has no prompt"),
                );
            }
        }
        for (i, (id, d)) in c.decisions.iter().enumerate() {
            let file = self.loaded.origins.decisions[i];
            let base = Path::root().field("decisions").key(id);
            if d.label.trim().is_empty() {
                self.empty(
                    file,
                    &base.field("label"),
                    format!("decision \"{id}\" has an empty label"),
                );
            }
            for (h, text) in d.outcomes.iter() {
                if text.trim().is_empty() {
                    let msg = format!("decision \"{id}\" has an empty outcome for \"{h}\"");
                    self.empty(file, &base.field("outcomes").key(h), msg);
                }
            }
        }
    }

    fn empty(&mut self, file: usize, path: &Path, message: String) {
        self.report(Code::EmptyText, file, path, message).help =
            Some("a trainee will see this text: write it, even briefly".into());
    }

    fn report_duplicate(
        &mut self,
        section: &str,
        key: &str,
        first_file: usize,
        second_file: usize,
    ) {
        let path = Path::root().field(section).key(key);
        let files = &self.loaded.files;
        let (file, pos) = if first_file == second_file {
            let all = files[second_file].spans().key_occurrences(&path);
            (
                second_file,
                all.get(1)
                    .copied()
                    .unwrap_or_else(|| files[second_file].spans().key(&path)),
            )
        } else {
            (second_file, files[second_file].spans().key(&path))
        };
        let first = self.loaded.short_name(first_file);
        let d = Diagnostic::new(
            Code::DuplicateId,
            &files[file].path,
            pos,
            format!("\"{key}\" is already defined in {section} (first in {first})"),
        )
        .with_help("IDs must be unique: rename one of them");
        self.out.push(d);
    }

    fn hypotheses(&mut self) {
        let c = self.case;
        let file = self
            .loaded
            .origins
            .hypotheses
            .first()
            .copied()
            .unwrap_or(self.header_file("id"));
        if c.hypotheses.len() < 2 {
            let msg = format!(
                "the case has {}; it needs at least two",
                count(c.hypotheses.len(), "hypothesis")
            );
            self.report_key(
                Code::TooFewHypotheses,
                file,
                &Path::root().field("hypotheses"),
                msg,
            )
            .help = Some(
                "judgement needs competing explanations, such as inflicted and accidental injury"
                    .into(),
            );
        }
        for (i, (id, h)) in c.hypotheses.iter().enumerate() {
            let f = self.loaded.origins.hypotheses[i];
            if !(0.0..=1.0).contains(&h.prior) {
                let path = Path::root().field("hypotheses").key(id).field("prior");
                self.report(
                    Code::ProbabilityRange,
                    f,
                    &path,
                    format!("prior {} is outside 0 to 1", h.prior),
                );
            }
            if h.label.trim().is_empty() {
                let path = Path::root().field("hypotheses").key(id).field("label");
                self.empty(f, &path, format!("hypothesis \"{id}\" has an empty label"));
            }
        }
        let sum: f64 = c.hypotheses.values().map(|h| h.prior).sum();
        if c.hypotheses.len() >= 2 && (sum - 1.0).abs() > PRIOR_TOLERANCE {
            let msg = format!("the priors add up to {}, not 1", trim_float(sum));
            self.report_key(Code::PriorSum, file, &Path::root().field("hypotheses"), msg).help =
                Some("priors are the chances of each explanation before any finding; they must add up to 1".into());
        }
    }

    fn findings(&mut self) {
        let c = self.case;
        let hyps: Vec<&str> = c.hypotheses.keys().collect();
        let agencies: Vec<&str> = c.agencies.keys().collect();
        for (i, (id, f)) in c.findings.iter().enumerate() {
            let file = self.loaded.origins.findings[i];
            let base = Path::root().field("findings").key(id);
            if !c.agencies.contains_key(&f.agency) {
                self.unknown(
                    Code::UnknownAgency,
                    file,
                    &base.field("agency"),
                    "agency",
                    &f.agency,
                    agencies.clone(),
                );
            }
            for (h, l) in f.likely.iter() {
                let path = base.field("likely").key(h);
                if !c.hypotheses.contains_key(h) {
                    self.unknown(
                        Code::UnknownHypothesis,
                        file,
                        &path,
                        "hypothesis",
                        h,
                        hyps.clone(),
                    );
                }
                if let Likelihood::Number(p) = l
                    && !(0.0..=1.0).contains(p)
                {
                    let msg = format!("probability {p} is outside 0 to 1");
                    self.report(Code::ProbabilityRange, file, &path, msg).help =
                        Some("write a number from 0 to 1, or a word such as Often".into());
                }
            }
            let missing: Vec<&str> = hyps
                .iter()
                .copied()
                .filter(|h| !f.likely.contains_key(h))
                .collect();
            if !missing.is_empty() {
                let msg = format!(
                    "finding \"{id}\" gives no probability for {}",
                    quoted(&missing)
                );
                self.report_key(Code::MissingLikelihood, file, &base.field("likely"), msg)
                    .help = Some("say how likely the finding is under every hypothesis".into());
            }
            if f.source.trim().is_empty() {
                let msg = format!("finding \"{id}\" has no source note");
                self.report_key(Code::MissingSource, file, &base, msg).help = Some(
                    "add `source: \"...\"` naming the study, or \"Illustrative: expert judgement\""
                        .into(),
                );
            }
            for (field, text) in [("present", &f.present), ("absent", &f.absent)] {
                if text.trim().is_empty() {
                    let msg = format!("finding \"{id}\" has an empty `{field}` text");
                    self.empty(file, &base.field(field), msg);
                }
            }
        }
    }

    fn scenes(&mut self) {
        let c = self.case;
        let flags_set: HashSet<&str> = c
            .scenes
            .values()
            .flat_map(actions_of)
            .flat_map(|a| a.sets.iter().map(String::as_str))
            .collect();
        let action_ids: HashSet<&str> = c
            .scenes
            .values()
            .flat_map(actions_of)
            .map(|a| a.id.as_str())
            .collect();
        for (i, (id, scene)) in c.scenes.iter().enumerate() {
            let file = self.loaded.origins.scenes[i];
            let base = Path::root().field("scenes").key(id);
            match scene {
                Scene::Scene(n) => {
                    if n.text.trim().is_empty() {
                        self.empty(
                            file,
                            &base.field("text"),
                            format!("scene \"{id}\" has no text"),
                        );
                    }
                    if let Some(picture) = &n.picture {
                        self.picture(file, &base, id, picture, &n.picture_alt);
                    }
                    if n.actions.is_empty() {
                        let msg = format!(
                            "scene \"{id}\" offers no actions, and it is not a decision point"
                        );
                        self.report_key(Code::DeadEnd, file, &base, msg).help = Some(
                            "add an action, or make it `Decide(...)` if the case ends here".into(),
                        );
                    }
                    for (ai, action) in n.actions.iter().enumerate() {
                        let path = base.field("actions").index(ai);
                        self.action(file, &path, action, &flags_set, &action_ids);
                    }
                }
                Scene::Checkpoint(cp) => {
                    if !c.scenes.contains_key(&cp.next) {
                        let known = c.scenes.keys().collect();
                        self.unknown(
                            Code::UnknownScene,
                            file,
                            &base.field("next"),
                            "scene",
                            &cp.next,
                            known,
                        );
                    }
                    if cp.prompt.trim().is_empty() {
                        let msg = format!("checkpoint \"{id}\" has no prompt");
                        self.empty(file, &base.field("prompt"), msg);
                    }
                }
                Scene::Decide(d) => {
                    for (k, dec) in d.decisions.iter().enumerate() {
                        if !c.decisions.contains_key(dec) {
                            let known = c.decisions.keys().collect();
                            let path = base.field("decisions").index(k);
                            self.unknown(
                                Code::UnknownDecision,
                                file,
                                &path,
                                "decision",
                                dec,
                                known,
                            );
                        }
                    }
                }
            }
        }
    }

    fn picture(&mut self, file: usize, base: &Path, scene: &str, picture: &str, alt: &str) {
        let folder = self.loaded.folder();
        if !folder.join(picture).is_file() {
            let msg = format!(
                "scene \"{scene}\" shows picture \"{picture}\", but there is no such file beside the case"
            );
            self.report(Code::PictureMissing, file, &base.field("picture"), msg).help =
                Some("name the file relative to the case's folder, e.g. `picture: \"pictures/ward.png\"`".into());
        }
        if alt.trim().is_empty() {
            let msg = format!("scene \"{scene}\" has a picture but no `picture_alt`");
            self.report_key(Code::PictureWithoutWords, file, &base.field("picture"), msg).help =
                Some("say in `picture_alt` what the picture shows, for screen readers and printed debriefs".into());
        }
    }

    fn action(
        &mut self,
        file: usize,
        path: &Path,
        action: &super::model::Action,
        flags_set: &HashSet<&str>,
        action_ids: &HashSet<&str>,
    ) {
        let c = self.case;
        if !c.scenes.contains_key(&action.goto) {
            let known = c.scenes.keys().collect();
            self.unknown(
                Code::UnknownScene,
                file,
                &path.field("goto"),
                "scene",
                &action.goto,
                known,
            );
        }
        if action.label.trim().is_empty() {
            let msg = format!("action \"{}\" has an empty label", action.id);
            self.empty(file, &path.field("label"), msg);
        }
        if !action.hours.is_finite() || action.hours < 0.0 {
            let msg = format!(
                "action \"{}\" takes {}",
                action.id,
                count_hours(action.hours)
            );
            self.report(Code::BadNumber, file, &path.field("hours"), msg)
                .help = Some("hours must be zero or more".into());
        } else if c.hours_available.is_finite()
            && c.hours_available > 0.0
            && action.hours > c.hours_available
        {
            let msg = format!(
                "action \"{}\" takes {}, more than the {} the case allows",
                action.id,
                count_hours(action.hours),
                count_hours(c.hours_available)
            );
            self.report(Code::ActionTooLong, file, &path.field("hours"), msg)
                .help = Some(
                "shorten the action or raise `hours_available`; as written it can never be taken"
                    .into(),
            );
        }
        let findings = || c.findings.keys().collect::<Vec<&str>>();
        for (k, f) in action.looks_for.iter().enumerate() {
            if !c.findings.contains_key(f) {
                self.unknown(
                    Code::UnknownFinding,
                    file,
                    &path.field("looks_for").index(k),
                    "finding",
                    f,
                    findings(),
                );
            }
        }
        for (k, need) in action.needs.iter().enumerate() {
            let at = path.field("needs").index(k).index(0);
            match need {
                Need::Found(f) | Need::NotFound(f) | Need::Looked(f) => {
                    if !c.findings.contains_key(f) {
                        self.unknown(Code::UnknownFinding, file, &at, "finding", f, findings());
                    }
                }
                Need::Done(a) | Need::NotDone(a) => {
                    if !action_ids.contains(a.as_str()) {
                        let mut known: Vec<&str> = action_ids.iter().copied().collect();
                        known.sort_unstable();
                        self.unknown(Code::UnknownAction, file, &at, "action", a, known);
                    }
                }
                Need::Flag(flag) | Need::NotFlag(flag) => {
                    if !flags_set.contains(flag.as_str()) {
                        let msg = format!("no action sets the flag \"{flag}\"");
                        let help = suggest(flag, flags_set.iter().copied())
                            .unwrap_or_else(|| "add it to some action's `sets: [...]`".into());
                        self.report(Code::UnsetFlag, file, &at, msg).help = Some(help);
                    }
                }
            }
        }
        for (k, tag) in action.tags.iter().enumerate() {
            if let PracticeTag::ContactsAgency(a) = tag
                && !c.agencies.contains_key(a)
            {
                let known = c.agencies.keys().collect();
                self.unknown(
                    Code::UnknownAgency,
                    file,
                    &path.field("tags").index(k).index(0),
                    "agency",
                    a,
                    known,
                );
            }
        }
    }

    fn header(&mut self) {
        let c = self.case;
        for field in ["start", "out_of_time"] {
            let target = if field == "start" {
                &c.start
            } else {
                &c.out_of_time
            };
            if !self.loaded.origins.fields.contains_key(field) {
                continue;
            }
            let file = self.header_file(field);
            match c.scenes.get(target) {
                None => {
                    let known = c.scenes.keys().collect();
                    self.unknown(
                        Code::UnknownScene,
                        file,
                        &Path::root().field(field),
                        "scene",
                        target,
                        known,
                    );
                }
                Some(_)
                    if field == "out_of_time" && has_decide(c) && !leads_to_decision(c, target) =>
                {
                    let msg = format!(
                        "`out_of_time` leads to \"{target}\", which is not a decision point or a checkpoint before one"
                    );
                    self.report(Code::OutOfTimeTarget, file, &Path::root().field(field), msg).help = Some(
                        "point it at a Checkpoint or Decide scene, so a trainee out of time goes on to judge".into(),
                    );
                }
                Some(_) => {}
            }
        }
        if self.loaded.origins.fields.contains_key("hours_available")
            && (!c.hours_available.is_finite() || c.hours_available <= 0.0)
        {
            let file = self.header_file("hours_available");
            let msg = format!(
                "hours_available is {}; it must be more than zero",
                c.hours_available
            );
            self.report(
                Code::BadNumber,
                file,
                &Path::root().field("hours_available"),
                msg,
            );
        }
    }

    fn decisions(&mut self) {
        let c = self.case;
        let hyps: Vec<&str> = c.hypotheses.keys().collect();
        if c.decisions.is_empty() {
            let file = self.header_file("id");
            let msg = "the case has no decisions".to_string();
            self.report(Code::NoDecisions, file, &Path::root(), msg)
                .help = Some(
                "add `decisions: { ... }` with the closed set of decisions and their losses".into(),
            );
        }
        for (i, (id, d)) in c.decisions.iter().enumerate() {
            let file = self.loaded.origins.decisions[i];
            let base = Path::root().field("decisions").key(id);
            for (h, loss) in d.loss.iter() {
                let path = base.field("loss").key(h);
                if !c.hypotheses.contains_key(h) {
                    self.unknown(
                        Code::UnknownHypothesis,
                        file,
                        &path,
                        "hypothesis",
                        h,
                        hyps.clone(),
                    );
                }
                if !loss.is_finite() {
                    self.report(
                        Code::BadNumber,
                        file,
                        &path,
                        format!("loss {loss} is not a number"),
                    );
                }
            }
            for (h, _) in d.outcomes.iter() {
                if !c.hypotheses.contains_key(h) {
                    let path = base.field("outcomes").key(h);
                    self.unknown(
                        Code::UnknownHypothesis,
                        file,
                        &path,
                        "hypothesis",
                        h,
                        hyps.clone(),
                    );
                }
            }
            let missing: Vec<&str> = hyps
                .iter()
                .copied()
                .filter(|h| !d.loss.contains_key(h))
                .collect();
            if !missing.is_empty() {
                let msg = format!("decision \"{id}\" has no loss for {}", quoted(&missing));
                self.report_key(Code::LossGap, file, &base.field("loss"), msg)
                    .help = Some(
                    "give what this decision costs under every hypothesis (0 = the right call)"
                        .into(),
                );
            }
            let missing: Vec<&str> = hyps
                .iter()
                .copied()
                .filter(|h| !d.outcomes.contains_key(h))
                .collect();
            if !missing.is_empty() {
                let msg = format!("decision \"{id}\" has no outcome for {}", quoted(&missing));
                self.report_key(Code::OutcomeGap, file, &base.field("outcomes"), msg)
                    .help = Some(
                    "write what happens to the child after this decision under every hypothesis"
                        .into(),
                );
            }
        }
    }

    fn variants(&mut self) {
        let c = self.case;
        let hyps: Vec<&str> = c.hypotheses.keys().collect();
        for (i, (id, v)) in c.variants.iter().enumerate() {
            let file = self.loaded.origins.variants[i];
            let base = Path::root().field("variants").key(id);
            for (h, p) in v.priors.iter() {
                let path = base.field("priors").key(h);
                if !c.hypotheses.contains_key(h) {
                    self.unknown(
                        Code::UnknownHypothesis,
                        file,
                        &path,
                        "hypothesis",
                        h,
                        hyps.clone(),
                    );
                }
                if !(0.0..=1.0).contains(p) {
                    self.report(
                        Code::ProbabilityRange,
                        file,
                        &path,
                        format!("prior {p} is outside 0 to 1"),
                    );
                }
            }
            if !v.priors.is_empty() {
                let sum: f64 = v.priors.values().sum();
                let missing: Vec<&str> = hyps
                    .iter()
                    .copied()
                    .filter(|h| !v.priors.contains_key(h))
                    .collect();
                if (sum - 1.0).abs() > PRIOR_TOLERANCE || !missing.is_empty() {
                    let msg = format!(
                        "variant \"{id}\" priors add up to {} over {} of {} hypotheses",
                        trim_float(sum),
                        v.priors.len(),
                        hyps.len()
                    );
                    self.report_key(Code::PriorSum, file, &base.field("priors"), msg)
                        .help = Some(
                        "a variant's priors must name every hypothesis and add up to 1".into(),
                    );
                }
            }
            if let Some(t) = &v.truth
                && !c.hypotheses.contains_key(t)
            {
                self.unknown(
                    Code::UnknownHypothesis,
                    file,
                    &base.field("truth"),
                    "hypothesis",
                    t,
                    hyps.clone(),
                );
            }
        }
    }

    fn graph(&mut self) {
        let c = self.case;
        let ids: Vec<&str> = c.scenes.keys().collect();
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, id) in ids.iter().enumerate() {
            index.entry(id).or_insert(i);
        }
        let edges: Vec<Vec<usize>> = c.scenes.values().map(|s| successors(s, &index)).collect();
        let narrative: Vec<bool> = c
            .scenes
            .values()
            .map(|s| matches!(s, Scene::Scene(_)))
            .collect();
        let start = index.get(c.start.as_str()).copied();
        let reached = reachable_from(
            &edges,
            start,
            index.get(c.out_of_time.as_str()).copied(),
            &narrative,
        );
        let start_known = index.contains_key(c.start.as_str());
        // A path to a scene that does not exist makes scenes look unreachable or closed in; report
        // the broken reference (SL0012) alone rather than its cascade.
        let dangling = self.out.iter().any(|d| d.code == Code::UnknownScene);
        if start_known && !dangling {
            for (i, id) in ids.iter().enumerate() {
                if !reached[i] && index.get(id) == Some(&i) {
                    let file = self.loaded.origins.scenes[i];
                    let msg = format!("no path from the start reaches scene \"{id}\"");
                    self.report_key(
                        Code::UnreachableScene,
                        file,
                        &Path::root().field("scenes").key(id),
                        msg,
                    )
                    .help = Some("lead an action's `goto` here, or remove the scene".into());
                }
            }
        }
        let decides: Vec<usize> = c
            .scenes
            .values()
            .enumerate()
            .filter(|(_, s)| matches!(s, Scene::Decide(_)))
            .map(|(i, _)| i)
            .collect();
        if decides.is_empty() {
            if !c.scenes.is_empty() {
                let file = self.loaded.origins.scenes[0];
                let msg = "no scene is a decision point, so the case can never end".to_string();
                self.report_key(
                    Code::NoDecidePoint,
                    file,
                    &Path::root().field("scenes"),
                    msg,
                )
                .help = Some("add a scene written `Decide(prompt: \"...\")`".into());
            }
        } else if !dangling {
            let exits = can_reach(&edges, &decides);
            for (i, (id, scene)) in c.scenes.iter().enumerate() {
                let dead_end = matches!(scene, Scene::Scene(n) if n.actions.is_empty());
                if reached[i] && !exits[i] && !dead_end {
                    let file = self.loaded.origins.scenes[i];
                    let msg = format!(
                        "from scene \"{id}\" no action leads on to a decision: the trainee could leave only by running out of time"
                    );
                    self.report_key(Code::NoWayOut, file, &Path::root().field("scenes").key(id), msg).help =
                        Some("give one of the scenes on this loop an action that leads on towards a decision".into());
                }
            }
        }
        self.unused_findings();
        if start_known && !dangling && !decides.is_empty() {
            self.unreachable_decisions(&reached);
        }
    }

    fn unused_findings(&mut self) {
        let c = self.case;
        let looked: HashSet<&str> = c
            .scenes
            .values()
            .flat_map(actions_of)
            .flat_map(|a| a.looks_for.iter().map(String::as_str))
            .collect();
        for (i, id) in c.findings.keys().enumerate() {
            if !looked.contains(id) {
                let file = self.loaded.origins.findings[i];
                let msg = format!("no action looks for finding \"{id}\"");
                self.report_key(
                    Code::UnusedFinding,
                    file,
                    &Path::root().field("findings").key(id),
                    msg,
                )
                .help = Some("add it to some action's `looks_for`, or remove it".into());
            }
        }
    }

    fn unreachable_decisions(&mut self, reached: &[bool]) {
        let c = self.case;
        let mut offered: HashSet<&str> = HashSet::new();
        for (i, scene) in c.scenes.values().enumerate() {
            if let (true, Scene::Decide(d)) = (reached[i], scene) {
                if d.decisions.is_empty() {
                    offered.extend(c.decisions.keys());
                } else {
                    offered.extend(d.decisions.iter().map(String::as_str));
                }
            }
        }
        for (i, id) in c.decisions.keys().enumerate() {
            if !offered.contains(id) {
                let file = self.loaded.origins.decisions[i];
                let msg = format!("no reachable decision point offers decision \"{id}\"");
                self.report_key(Code::UnreachableDecision, file, &Path::root().field("decisions").key(id), msg).help =
                    Some("list it in a reachable `Decide(decisions: [...])`, or leave that list empty to offer all".into());
            }
        }
    }
}

fn has_decide(case: &Case) -> bool {
    case.scenes.values().any(|s| matches!(s, Scene::Decide(_)))
}

/// Whether `scene` is a decision point, or a chain of checkpoints ending at one.
fn leads_to_decision(case: &Case, scene: &str) -> bool {
    let mut at = scene;
    for _ in 0..=case.scenes.len() {
        match case.scenes.get(at) {
            Some(Scene::Decide(_)) => return true,
            Some(Scene::Checkpoint(cp)) => at = &cp.next,
            _ => return false,
        }
    }
    false
}

/// The scenes a scene leads to by its actions or, for a checkpoint, by `next`.
pub fn successors(scene: &Scene, index: &HashMap<&str, usize>) -> Vec<usize> {
    match scene {
        Scene::Scene(n) => n
            .actions
            .iter()
            .filter_map(|a| index.get(a.goto.as_str()).copied())
            .collect(),
        Scene::Checkpoint(cp) => index.get(cp.next.as_str()).copied().into_iter().collect(),
        Scene::Decide(_) => Vec::new(),
    }
}

/// Scenes reachable from the start; running out of time from any ordinary scene reaches `out_of_time`.
fn reachable_from(
    edges: &[Vec<usize>],
    start: Option<usize>,
    out_of_time: Option<usize>,
    narrative: &[bool],
) -> Vec<bool> {
    let mut reached = vec![false; edges.len()];
    let mut queue: VecDeque<usize> = start.into_iter().collect();
    let mut timeout_added = false;
    while let Some(i) = queue.pop_front() {
        if reached[i] {
            continue;
        }
        reached[i] = true;
        queue.extend(edges[i].iter().copied());
        if !timeout_added && narrative[i] {
            timeout_added = true;
            queue.extend(out_of_time);
        }
    }
    reached
}

/// For each scene, whether some path of actions leads from it to one of `targets`.
fn can_reach(edges: &[Vec<usize>], targets: &[usize]) -> Vec<bool> {
    let mut reverse = vec![Vec::new(); edges.len()];
    for (from, tos) in edges.iter().enumerate() {
        for &to in tos {
            reverse[to].push(from);
        }
    }
    let mut ok = vec![false; edges.len()];
    let mut queue: VecDeque<usize> = targets.iter().copied().collect();
    while let Some(i) = queue.pop_front() {
        if ok[i] {
            continue;
        }
        ok[i] = true;
        queue.extend(reverse[i].iter().copied());
    }
    ok
}

fn quoted(ids: &[&str]) -> String {
    ids.iter()
        .map(|i| format!("\"{i}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn list_or_none(ids: &[&str]) -> String {
    if ids.is_empty() {
        "none".into()
    } else {
        quoted(ids)
    }
}

/// "1 hypothesis", "3 hypotheses".
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {}", plural(what))
    }
}

fn plural(what: &str) -> String {
    match what {
        "hypothesis" => "hypotheses".into(),
        "agency" => "agencies".into(),
        w => format!("{w}s"),
    }
}

fn count_hours(h: f64) -> String {
    if h == 1.0 {
        "1 hour".into()
    } else {
        format!("{} hours", trim_float(h))
    }
}

fn trim_float(x: f64) -> String {
    let s = format!("{x:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
