//! A workshop room as plain data: who is in it, what each agency holds and has shared, the private
//! judgements at each checkpoint, and the room's own way through the case. No HTTP and no Bevy: the
//! server and the game window both drive it through these methods.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::cli::timestamp;
use crate::engine::compiled::SceneKind;
use crate::engine::playthrough::is_present;
use crate::engine::{Compiled, DecisionMade, Event, Judgement, Log, Playthrough, Stage};
use crate::judgement::detectors::{Report, group_polarisation};
use crate::scenario::{FindingKind, OrderedMap, Scene};

/// The longest name a participant may give.
pub const NAME_LIMIT: usize = 40;
/// The longest reason, rationale or other free text.
pub const TEXT_LIMIT: usize = 1000;
/// The most participants a room takes.
pub const ROOM_LIMIT: usize = 2000;
/// Letters a room code is made of: no 0/O, 1/I/L, so it reads back from a projector without doubt.
const CODE_LETTERS: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Letters in a room code: 31^6, nearly 900 million codes.
const CODE_LENGTH: usize = 6;

/// Why a request cannot be carried out, with the HTTP status that says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub message: String,
}

impl Refusal {
    pub fn invalid(message: impl Into<String>) -> Refusal {
        Refusal {
            status: 400,
            message: message.into(),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Refusal {
        Refusal {
            status: 403,
            message: message.into(),
        }
    }

    pub fn not_now(message: impl Into<String>) -> Refusal {
        Refusal {
            status: 409,
            message: message.into(),
        }
    }
}

/// Someone in the room, known by an unguessable token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Participant {
    pub token: String,
    pub name: String,
    pub agency: Option<String>,
    pub joined: String,
}

/// A finding an agency told the room.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shared {
    pub finding: String,
    pub agency: String,
    pub at: String,
    /// How many steps of the room's log had been taken when it was shared.
    pub step: usize,
}

/// Where a checkpoint's private judgement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoundStatus {
    Open,
    Closed,
    Revealed,
}

/// One participant's private judgement, in whole percentages by hypothesis (the case's order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    pub participant: String,
    pub agency: Option<String>,
    pub percent: Vec<u8>,
    pub leading: String,
    pub reasons: String,
    pub at: String,
}

/// The judgement the room agreed after discussion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupJudgement {
    pub percent: Vec<u8>,
    pub leading: String,
    pub reasons: String,
    pub at: String,
    /// Detector 17's verdict and its words.
    pub verdict: String,
    pub polarisation: String,
    pub devils_advocate: Option<String>,
}

/// Private judgement at one checkpoint, and what the room then agreed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Round {
    pub checkpoint: String,
    pub status: RoundStatus,
    /// Findings on the table when judgement opened, as (finding ID, present).
    pub room_knew: Vec<(String, bool)>,
    /// Findings agencies held but had not shared when judgement opened.
    pub unshared: Vec<(String, bool)>,
    pub group: Option<GroupJudgement>,
    /// Kept in a table of their own; filled in when the room is loaded.
    #[serde(skip)]
    pub submissions: Vec<Submission>,
}

/// Everything about a room that is not a participant or a submission: what the store keeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub code: String,
    pub facilitator: String,
    pub agencies: Vec<String>,
    pub log: Log,
    pub shared: Vec<Shared>,
    pub sharing_open: bool,
    pub rounds: Vec<Round>,
    pub active: Option<usize>,
    pub devils_advocate: Option<String>,
    pub devil_next: usize,
    pub started: String,
}

/// A finding as the room meets it: who holds it, and whether the room has heard it.
#[derive(Debug, Clone, PartialEq)]
pub struct Known {
    pub finding: usize,
    pub present: bool,
    /// The agency in the room that holds it (index into the case's agencies); `None`: on the table.
    pub holder: Option<usize>,
    /// When its holder told the room.
    pub shared: Option<Shared>,
}

impl Known {
    pub fn is_public(&self) -> bool {
        self.holder.is_none() || self.shared.is_some()
    }
}

/// A judgement as sent by a participant or recorded for the room.
#[derive(Debug, Clone, Deserialize)]
pub struct JudgementBody {
    #[serde(default)]
    pub checkpoint: Option<String>,
    pub probabilities: std::collections::BTreeMap<String, f64>,
    pub leading: String,
    #[serde(default)]
    pub reasons: String,
}

/// The room itself.
#[derive(Debug, Clone)]
pub struct Room {
    pub case: Arc<Compiled>,
    pub play: Playthrough,
    pub code: String,
    pub facilitator: String,
    /// The agencies in the room, by index into the case's agencies.
    pub agencies: Vec<usize>,
    pub participants: Vec<Participant>,
    pub shared: Vec<Shared>,
    pub sharing_open: bool,
    pub rounds: Vec<Round>,
    /// The round being judged or discussed.
    pub active: Option<usize>,
    pub devils_advocate: Option<String>,
    devil_next: usize,
    pub started: String,
    /// Goes up with every change, so pages redraw only when something changed.
    pub version: u64,
    /// Joining forms' ids and the tokens they were given (in memory: after a restart, phones carry
    /// on with the tokens they hold).
    clients: std::collections::HashMap<String, String>,
}

/// An unguessable token: 128 bits from the operating system's generator, in hex.
pub fn new_token() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// A fresh room code.
pub fn new_code() -> String {
    (0..CODE_LENGTH)
        .map(|_| CODE_LETTERS[rand::random::<u32>() as usize % CODE_LETTERS.len()] as char)
        .collect()
}

/// Compares secrets in time that does not depend on where they first differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The agency the room itself plays in the shipped cases (the social worker holding the case): its
/// findings are the room's own, on the table as they come.
pub const ROOM_PLAYS: &str = "social-care";

/// The agencies that hold at least one finding, but for the one the room plays: the default room.
pub fn agencies_with_findings(case: &Compiled) -> Vec<String> {
    let plays = case.agencies.iter().position(|a| a == ROOM_PLAYS);
    let mut holding: Vec<usize> = case
        .findings
        .iter()
        .map(|f| f.agency)
        .filter(|&a| Some(a) != plays)
        .collect();
    holding.sort_unstable();
    holding.dedup();
    holding
        .into_iter()
        .map(|a| case.agencies[a].clone())
        .collect()
}

fn agency_indices(case: &Compiled, ids: &[String]) -> Result<Vec<usize>, String> {
    let mut out = Vec::new();
    for id in ids {
        let Some(a) = case.agencies.iter().position(|x| x == id) else {
            return Err(format!(
                "the case has no agency \"{id}\" (it has: {})",
                case.agencies.join(", ")
            ));
        };
        if !out.contains(&a) {
            out.push(a);
        }
    }
    Ok(out)
}

fn check_text(what: &str, text: &str, limit: usize) -> Result<String, Refusal> {
    let text = text.trim();
    if text.chars().count() > limit {
        return Err(Refusal::invalid(format!(
            "the {what} is longer than {limit} characters"
        )));
    }
    Ok(text.to_string())
}

impl Room {
    /// A new room for `case` played with `seed`, with these agencies (by ID) in it.
    pub fn new(
        case: Arc<Compiled>,
        seed: u64,
        variant: Option<&str>,
        agencies: &[String],
    ) -> Result<Room, String> {
        let agencies = agency_indices(&case, agencies)?;
        let play = Playthrough::new(case.clone(), seed, variant)?;
        Ok(Room {
            case,
            play,
            code: new_code(),
            facilitator: new_token(),
            agencies,
            participants: Vec::new(),
            shared: Vec::new(),
            sharing_open: false,
            rounds: Vec::new(),
            active: None,
            devils_advocate: None,
            devil_next: 0,
            started: timestamp(),
            version: 1,
            clients: Default::default(),
        })
    }

    /// A room brought back from the store: its snapshot replayed onto the case, with its people and
    /// their submissions.
    pub fn restore(
        case: Arc<Compiled>,
        snapshot: Snapshot,
        participants: Vec<Participant>,
        submissions: Vec<(String, Submission)>,
    ) -> Result<Room, String> {
        let play = Playthrough::replay(case.clone(), &snapshot.log).map_err(|e| e.to_string())?;
        let agencies = agency_indices(&case, &snapshot.agencies)?;
        let mut rounds = snapshot.rounds;
        for (checkpoint, s) in submissions {
            if let Some(r) = rounds.iter_mut().find(|r| r.checkpoint == checkpoint) {
                r.submissions.push(s);
            }
        }
        Ok(Room {
            case,
            play,
            code: snapshot.code,
            facilitator: snapshot.facilitator,
            agencies,
            participants,
            shared: snapshot.shared,
            sharing_open: snapshot.sharing_open,
            rounds,
            active: snapshot.active,
            devils_advocate: snapshot.devils_advocate,
            devil_next: snapshot.devil_next,
            started: snapshot.started,
            version: 1,
            clients: Default::default(),
        })
    }

    /// What the store keeps of the room.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            code: self.code.clone(),
            facilitator: self.facilitator.clone(),
            agencies: self.agency_ids(),
            log: self.play.log.clone(),
            shared: self.shared.clone(),
            sharing_open: self.sharing_open,
            rounds: self.rounds.clone(),
            active: self.active,
            devils_advocate: self.devils_advocate.clone(),
            devil_next: self.devil_next,
            started: self.started.clone(),
        }
    }

    pub fn agency_ids(&self) -> Vec<String> {
        self.agencies
            .iter()
            .map(|&a| self.case.agencies[a].clone())
            .collect()
    }

    pub fn agency_label(&self, agency: usize) -> &str {
        self.case
            .case
            .agencies
            .values()
            .nth(agency)
            .map_or("", |a| a.label.as_str())
    }

    fn agency_label_of<'a>(&'a self, id: &'a str) -> &'a str {
        self.case
            .agencies
            .iter()
            .position(|a| a == id)
            .map_or(id, |a| self.agency_label(a))
    }

    fn changed(&mut self) {
        self.version += 1;
    }

    /// Whether `code` is this room's code (case and spaces do not matter).
    pub fn is_code(&self, code: &str) -> bool {
        let code: String = code
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        same_secret(&code, &self.code)
    }

    pub fn is_facilitator(&self, token: &str) -> bool {
        same_secret(token, &self.facilitator)
    }

    pub fn participant(&self, token: &str) -> Option<&Participant> {
        self.participants
            .iter()
            .find(|p| same_secret(&p.token, token))
    }

    // ------------------------------------------------------------------ who knows what

    /// Every finding the room's agencies hold or the room has met so far, in the order they came.
    /// An agency in the room holds its own records (history findings) from the start, and hears
    /// first what the room's actions find in its area.
    pub fn known(&self) -> Vec<Known> {
        let mut out: Vec<Known> = Vec::new();
        let (case, seed, truth) = (&*self.case, self.play.seed(), self.play.truth);
        for (f, finding) in case.findings.iter().enumerate() {
            if finding.kind == FindingKind::History && self.agencies.contains(&finding.agency) {
                out.push(self.known_one(f, is_present(case, seed, truth, f)));
            }
        }
        for r in &self.play.revealed {
            if !out.iter().any(|k| k.finding == r.finding) {
                out.push(self.known_one(r.finding, r.present));
            }
        }
        out
    }

    fn known_one(&self, finding: usize, present: bool) -> Known {
        let agency = self.case.findings[finding].agency;
        let holder = self.agencies.contains(&agency).then_some(agency);
        let id = &self.case.findings[finding].id;
        Known {
            finding,
            present,
            holder,
            shared: self.shared.iter().find(|s| &s.finding == id).cloned(),
        }
    }

    /// What is on the table: found by the room, or shared by the agency that held it.
    pub fn public(&self) -> Vec<Known> {
        self.known().into_iter().filter(Known::is_public).collect()
    }

    /// How many findings each agency in the room holds that the room has not heard.
    pub fn unshared_counts(&self) -> Vec<(usize, usize)> {
        let known = self.known();
        self.agencies
            .iter()
            .map(|&a| {
                let n = known
                    .iter()
                    .filter(|k| k.holder == Some(a) && k.shared.is_none())
                    .count();
                (a, n)
            })
            .collect()
    }

    fn known_pairs(&self, public: bool) -> Vec<(String, bool)> {
        self.known()
            .into_iter()
            .filter(|k| k.is_public() == public)
            .map(|k| (self.case.findings[k.finding].id.clone(), k.present))
            .collect()
    }

    // ------------------------------------------------------------------ participants

    /// Lets someone in, with an optional name and agency.
    pub fn join(
        &mut self,
        name: Option<&str>,
        agency: Option<&str>,
    ) -> Result<Participant, Refusal> {
        if self.participants.len() >= ROOM_LIMIT {
            return Err(Refusal::not_now(format!(
                "the room is full ({ROOM_LIMIT} people)"
            )));
        }
        let name = check_text("name", name.unwrap_or(""), NAME_LIMIT)?;
        let agency = match agency.map(str::trim).filter(|a| !a.is_empty()) {
            None => None,
            Some(a) => {
                let known = self.agency_ids();
                if !known.iter().any(|k| k == a) {
                    return Err(Refusal::invalid(format!(
                        "\"{a}\" is not an agency in this room (in the room: {})",
                        known.join(", ")
                    )));
                }
                Some(a.to_string())
            }
        };
        Ok(Participant {
            token: new_token(),
            name,
            agency,
            joined: timestamp(),
        })
    }

    /// The participant a joining form (by its id) was already given, if any.
    pub fn joined_as(&self, client: &str) -> Option<Participant> {
        let token = self.clients.get(client)?;
        self.participant(token).cloned()
    }

    /// Remembers which token a joining form was given.
    pub fn remember_client(&mut self, client: &str, token: &str) {
        self.clients.insert(client.to_string(), token.to_string());
    }

    /// Adds a participant made by `join`, once the store has it.
    pub fn admit(&mut self, p: Participant) {
        self.participants.push(p);
        self.changed();
    }

    /// Checks a private judgement and turns it into a submission (not yet kept).
    pub fn check_submission(
        &self,
        token: &str,
        body: &JudgementBody,
    ) -> Result<Submission, Refusal> {
        let p = self
            .participant(token)
            .ok_or_else(|| Refusal::forbidden("you are not in this room"))?;
        let round = self.active.map(|i| &self.rounds[i]);
        let asked = body.checkpoint.as_deref().unwrap_or("");
        // A judgement for a checkpoint that is not open is an invalid judgement (400), as the API says.
        match round {
            Some(r) if r.checkpoint == asked && r.status == RoundStatus::Open => {}
            Some(r) if r.checkpoint == asked => {
                return Err(Refusal::invalid(format!(
                    "judgement at \"{asked}\" has closed"
                )));
            }
            _ => {
                return Err(Refusal::invalid(format!(
                    "judgement at \"{asked}\" is not open"
                )));
            }
        }
        let (percent, leading, reasons) = self.check_judgement(body)?;
        Ok(Submission {
            participant: p.token.clone(),
            agency: p.agency.clone(),
            percent,
            leading,
            reasons,
            at: timestamp(),
        })
    }

    /// Whole percentages for every hypothesis adding up to 100, a leading hypothesis, and reasons
    /// within the limit.
    fn check_judgement(&self, body: &JudgementBody) -> Result<(Vec<u8>, String, String), Refusal> {
        let hyps = &self.case.hypotheses;
        if let Some(unknown) = body.probabilities.keys().find(|h| !hyps.contains(h)) {
            return Err(Refusal::invalid(format!(
                "\"{unknown}\" is not one of the explanations (they are: {})",
                hyps.join(", ")
            )));
        }
        let mut percent = Vec::new();
        for h in hyps {
            let Some(&p) = body.probabilities.get(h) else {
                return Err(Refusal::invalid(format!("no probability for \"{h}\"")));
            };
            if !(0.0..=100.0).contains(&p) || p.fract() != 0.0 {
                return Err(Refusal::invalid(format!(
                    "the probability for \"{h}\" is {p}: give a whole number from 0 to 100"
                )));
            }
            percent.push(p as u8);
        }
        let total: u32 = percent.iter().map(|&p| p as u32).sum();
        if total != 100 {
            return Err(Refusal::invalid(format!(
                "the probabilities add up to {total}, not 100"
            )));
        }
        if !hyps.contains(&body.leading) {
            return Err(Refusal::invalid(format!(
                "the leading explanation \"{}\" is not one of the case's",
                body.leading
            )));
        }
        let reasons = check_text("reason", &body.reasons, TEXT_LIMIT)?;
        Ok((percent, body.leading.clone(), reasons))
    }

    /// Keeps a checked submission; a second from the same person replaces the first. Says whether it
    /// replaced one.
    pub fn accept(&mut self, s: Submission) -> bool {
        let Some(i) = self.active else { return false };
        let round = &mut self.rounds[i];
        let replaced = match round
            .submissions
            .iter_mut()
            .find(|x| x.participant == s.participant)
        {
            Some(old) => {
                *old = s;
                true
            }
            None => {
                round.submissions.push(s);
                false
            }
        };
        self.changed();
        replaced
    }

    /// The checkpoint of the round open for submissions, if any.
    pub fn open_checkpoint(&self) -> Option<&str> {
        self.active
            .map(|i| &self.rounds[i])
            .filter(|r| r.status == RoundStatus::Open)
            .map(|r| r.checkpoint.as_str())
    }

    /// Tells the room a finding the participant's agency holds.
    pub fn share(&mut self, token: &str, finding: &str) -> Result<Shared, Refusal> {
        let p = self
            .participant(token)
            .ok_or_else(|| Refusal::forbidden("you are not in this room"))?;
        let Some(agency) = p.agency.clone() else {
            return Err(Refusal::not_now(
                "you joined without an agency, so you hold nothing to share",
            ));
        };
        if !self.sharing_open {
            return Err(Refusal::not_now(
                "the trainer has not opened a strategy discussion",
            ));
        }
        let held = self.known().into_iter().find(|k| {
            self.case.findings[k.finding].id == finding
                && k.holder.is_some_and(|a| self.case.agencies[a] == agency)
        });
        let Some(held) = held else {
            return Err(Refusal::invalid(format!(
                "your agency does not hold a finding \"{finding}\""
            )));
        };
        if let Some(done) = held.shared {
            return Ok(done);
        }
        let shared = Shared {
            finding: finding.to_string(),
            agency,
            at: timestamp(),
            step: self.play.log.events.len(),
        };
        self.shared.push(shared.clone());
        self.changed();
        Ok(shared)
    }

    // ------------------------------------------------------------------ the trainer

    /// Takes an action on the big screen.
    pub fn take_action(&mut self, action: &str) -> Result<(), Refusal> {
        if self.open_checkpoint().is_some() {
            return Err(Refusal::not_now(
                "close private judgement before the case moves on",
            ));
        }
        self.play
            .apply(Event::Action(action.to_string()))
            .map_err(|e| Refusal::not_now(e.reason))?;
        self.changed();
        Ok(())
    }

    pub fn set_sharing(&mut self, open: bool) {
        self.sharing_open = open;
        self.changed();
    }

    /// The checkpoint scene the case is at, if any.
    pub fn at_checkpoint(&self) -> Option<&str> {
        (self.play.stage() == Stage::Checkpoint)
            .then(|| self.case.scenes[self.play.state.scene].id.as_str())
    }

    fn checkpoint_ids(&self) -> Vec<&str> {
        self.case
            .scenes
            .iter()
            .filter(|s| matches!(s.kind, SceneKind::Checkpoint { .. }))
            .map(|s| s.id.as_str())
            .collect()
    }

    fn checkpoint_prompt(&self, id: &str) -> (&str, &[String]) {
        match self.case.case.scenes.get(id) {
            Some(Scene::Checkpoint(c)) => (c.prompt.as_str(), c.discussion.as_slice()),
            _ => ("", &[]),
        }
    }

    /// Opens private judgement at `checkpoint`; without one, the checkpoint the case is at, or else
    /// the next one the room has not yet judged.
    pub fn open_round(&mut self, checkpoint: Option<&str>) -> Result<String, Refusal> {
        if let Some(open) = self.open_checkpoint() {
            return Err(Refusal::not_now(format!(
                "judgement at \"{open}\" is still open: close it first"
            )));
        }
        let id = match checkpoint {
            Some(c) if self.checkpoint_ids().contains(&c) => c.to_string(),
            Some(c) => {
                return Err(Refusal::invalid(format!(
                    "the case has no checkpoint \"{c}\" (it has: {})",
                    self.checkpoint_ids().join(", ")
                )));
            }
            None => self
                .next_checkpoint()
                .ok_or_else(|| Refusal::not_now("every checkpoint has had the room's judgement"))?,
        };
        let (room_knew, unshared) = (self.known_pairs(true), self.known_pairs(false));
        match self.rounds.iter().position(|r| r.checkpoint == id) {
            Some(i) if self.rounds[i].group.is_some() => {
                return Err(Refusal::not_now(format!(
                    "the room has already recorded its judgement at \"{id}\""
                )));
            }
            Some(i) => {
                let r = &mut self.rounds[i];
                r.status = RoundStatus::Open;
                r.room_knew = room_knew;
                r.unshared = unshared;
                self.active = Some(i);
            }
            None => {
                self.rounds.push(Round {
                    checkpoint: id.clone(),
                    status: RoundStatus::Open,
                    room_knew,
                    unshared,
                    group: None,
                    submissions: Vec::new(),
                });
                self.active = Some(self.rounds.len() - 1);
            }
        }
        self.changed();
        Ok(id)
    }

    fn next_checkpoint(&self) -> Option<String> {
        if let Some(here) = self.at_checkpoint() {
            return Some(here.to_string());
        }
        let judged = |c: &str| {
            self.rounds
                .iter()
                .any(|r| r.checkpoint == c && r.group.is_some())
        };
        self.checkpoint_ids()
            .into_iter()
            .find(|c| !judged(c))
            .map(str::to_string)
    }

    fn active_round(&self) -> Result<usize, Refusal> {
        self.active
            .ok_or_else(|| Refusal::not_now("no checkpoint is open for judgement"))
    }

    /// Stops taking submissions; answers the checkpoint and how many came in.
    pub fn close_round(&mut self) -> Result<(String, usize), Refusal> {
        let i = self.active_round()?;
        let r = &mut self.rounds[i];
        if r.status == RoundStatus::Open {
            r.status = RoundStatus::Closed;
        }
        let out = (r.checkpoint.clone(), r.submissions.len());
        self.changed();
        Ok(out)
    }

    /// Shows the spread to the room.
    pub fn reveal(&mut self) -> Result<String, Refusal> {
        let i = self.active_round()?;
        let r = &mut self.rounds[i];
        r.status = RoundStatus::Revealed;
        let out = r.checkpoint.clone();
        self.changed();
        Ok(out)
    }

    /// Names the next participant in the rotation as devil's advocate.
    pub fn next_devils_advocate(&mut self) -> Result<Participant, Refusal> {
        if self.participants.is_empty() {
            return Err(Refusal::not_now("nobody has joined yet"));
        }
        let p = self.participants[self.devil_next % self.participants.len()].clone();
        self.devil_next += 1;
        self.devils_advocate = Some(p.token.clone());
        self.changed();
        Ok(p)
    }

    /// Records the room's judgement at the checkpoint being discussed (or the one the case is at),
    /// compares it with the private judgements, and moves the case on.
    pub fn record_group(&mut self, body: &JudgementBody) -> Result<GroupJudgement, Refusal> {
        let checkpoint = match (self.active, body.checkpoint.as_deref()) {
            (_, Some(c)) => c.to_string(),
            (Some(i), None) => self.rounds[i].checkpoint.clone(),
            (None, None) => self
                .at_checkpoint()
                .map(str::to_string)
                .ok_or_else(|| Refusal::not_now("the case is not at a checkpoint"))?,
        };
        if !self.checkpoint_ids().contains(&checkpoint.as_str()) {
            return Err(Refusal::invalid(format!(
                "the case has no checkpoint \"{checkpoint}\""
            )));
        }
        let (percent, leading, reasons) = self.check_judgement(body)?;
        if self.at_checkpoint() == Some(checkpoint.as_str()) {
            let probabilities = self.percent_map(&percent);
            let confidence = self
                .case
                .hypothesis_index(&leading)
                .map_or(0, |h| percent[h]);
            self.play
                .apply(Event::Judgement(Judgement {
                    checkpoint: checkpoint.clone(),
                    probabilities,
                    leading: leading.clone(),
                    confidence,
                    reasons: reasons.clone(),
                    change_mind: String::new(),
                    feeling: String::new(),
                }))
                .map_err(|e| Refusal::not_now(e.reason))?;
        }
        let i = match self.rounds.iter().position(|r| r.checkpoint == checkpoint) {
            Some(i) => i,
            None => {
                self.rounds.push(Round {
                    checkpoint: checkpoint.clone(),
                    status: RoundStatus::Revealed,
                    room_knew: self.known_pairs(true),
                    unshared: self.known_pairs(false),
                    group: None,
                    submissions: Vec::new(),
                });
                self.rounds.len() - 1
            }
        };
        let report = self.polarisation(&self.rounds[i].submissions, &percent);
        let devils_advocate = self
            .devils_advocate
            .take()
            .and_then(|t| self.participant(&t).map(|p| describe(p, self)));
        let group = GroupJudgement {
            percent,
            leading,
            reasons,
            at: timestamp(),
            verdict: format!("{:?}", report.verdict),
            polarisation: report.explanation,
            devils_advocate,
        };
        let r = &mut self.rounds[i];
        r.status = RoundStatus::Revealed;
        r.group = Some(group.clone());
        if self.active == Some(i) {
            self.active = None;
        }
        self.changed();
        Ok(group)
    }

    fn percent_map(&self, percent: &[u8]) -> OrderedMap<f64> {
        let mut map = OrderedMap::new();
        for (h, &p) in self.case.hypotheses.iter().zip(percent) {
            map.insert(h.clone(), p as f64 / 100.0);
        }
        map
    }

    /// The probability of harm in a judgement: the harm hypotheses together, 0 to 1.
    pub fn harm(&self, percent: &[u8]) -> f64 {
        percent
            .iter()
            .zip(&self.case.harm)
            .filter(|(_, harm)| **harm)
            .map(|(&p, _)| p as f64 / 100.0)
            .sum()
    }

    /// Detector 17: the group's probability of harm against the private ones.
    pub fn polarisation(&self, submissions: &[Submission], group: &[u8]) -> Report {
        let private: Vec<f64> = submissions.iter().map(|s| self.harm(&s.percent)).collect();
        group_polarisation(&private, self.harm(group))
    }

    /// Records the room's decision.
    pub fn decide(&mut self, decision: &str, rationale: &str) -> Result<(), Refusal> {
        if self.open_checkpoint().is_some() {
            return Err(Refusal::not_now("close private judgement first"));
        }
        let rationale = check_text("rationale", rationale, TEXT_LIMIT)?;
        self.play
            .apply(Event::Decision(DecisionMade {
                decision: decision.to_string(),
                rationale,
                quality: None,
            }))
            .map_err(|e| Refusal::not_now(e.reason))?;
        self.changed();
        Ok(())
    }

    // ------------------------------------------------------------------ what the pages show

    /// Where the room is: `scene`, `judging`, `closed`, `revealed`, `decide` or `finished`.
    pub fn phase(&self) -> &'static str {
        if let Some(i) = self.active {
            return match self.rounds[i].status {
                RoundStatus::Open => "judging",
                RoundStatus::Closed => "closed",
                RoundStatus::Revealed => "revealed",
            };
        }
        match self.play.stage() {
            Stage::Decide => "decide",
            Stage::Finished => "finished",
            _ => "scene",
        }
    }

    fn scene_json(&self) -> Value {
        let id = &self.case.scenes[self.play.state.scene].id;
        let (text, chapter) = match self.case.case.scenes.get(id) {
            Some(Scene::Scene(n)) => (n.text.as_str(), n.chapter.clone()),
            Some(Scene::Checkpoint(c)) => (c.prompt.as_str(), None),
            Some(Scene::Decide(d)) => (d.prompt.as_str(), None),
            None => ("", None),
        };
        json!({"id": id, "text": text, "chapter": chapter})
    }

    fn finding_json(&self, k: &Known) -> Value {
        let (agency, text) = self.case.finding_words(k.finding, k.present);
        let shared_by = k.shared.as_ref().map(|s| self.agency_label_of(&s.agency));
        json!({
            "finding": self.case.findings[k.finding].id,
            "text": text,
            "agency": agency,
            "shared_by": shared_by,
        })
    }

    fn checkpoint_json(&self, id: &str) -> Value {
        let (prompt, _) = self.checkpoint_prompt(id);
        let hypotheses: Vec<Value> = self
            .case
            .case
            .hypotheses
            .iter()
            .map(|(h, x)| json!({"id": h, "label": x.label, "about": x.about}))
            .collect();
        json!({"id": id, "prompt": prompt, "hypotheses": hypotheses})
    }

    /// The state a participant's page shows.
    pub fn participant_view(&self, token: &str) -> Result<Value, Refusal> {
        let p = self
            .participant(token)
            .ok_or_else(|| Refusal::forbidden("you are not in this room"))?;
        let known = self.known();
        let public: Vec<Value> = known
            .iter()
            .filter(|k| k.is_public())
            .map(|k| self.finding_json(k))
            .collect();
        let mine = |k: &&Known| {
            k.holder
                .is_some_and(|a| Some(&self.case.agencies[a]) == p.agency.as_ref())
        };
        let held: Vec<Value> = known
            .iter()
            .filter(mine)
            .map(|k| {
                let (_, text) = self.case.finding_words(k.finding, k.present);
                json!({"finding": self.case.findings[k.finding].id, "text": text, "shared": k.shared.is_some()})
            })
            .collect();
        let round = self.active.map(|i| &self.rounds[i]);
        let my_judgement = round
            .and_then(|r| r.submissions.iter().find(|s| s.participant == p.token))
            .map(|s| self.submission_json(s));
        // Reasons stay off the phones: in a small room they could be told apart.
        let spread = round
            .filter(|r| r.status == RoundStatus::Revealed)
            .map(|r| {
                let mut spread = self.results_json(r);
                spread["reasons"] = json!([]);
                spread
            });
        Ok(json!({
            "version": self.version,
            "room": self.code,
            "case": {"title": self.case.case.title, "you_are": self.case.case.you_are},
            "you": {
                "name": p.name,
                "agency": p.agency,
                "agency_label": p.agency.as_deref().map(|a| self.agency_label_of(a)),
                "devils_advocate": self.devils_advocate.as_deref() == Some(p.token.as_str()),
            },
            "phase": self.phase(),
            "scene": self.scene_json(),
            "public": public,
            "held": held,
            "sharing_open": self.sharing_open,
            "checkpoint": round.map(|r| self.checkpoint_json(&r.checkpoint)),
            "my_judgement": my_judgement,
            "spread": spread,
        }))
    }

    fn submission_json(&self, s: &Submission) -> Value {
        let probabilities: serde_json::Map<String, Value> = self
            .case
            .hypotheses
            .iter()
            .zip(&s.percent)
            .map(|(h, &p)| (h.clone(), json!(p)))
            .collect();
        json!({"probabilities": probabilities, "leading": s.leading, "reasons": s.reasons})
    }

    /// The state the trainer's screen shows.
    pub fn facilitator_view(&self, join: Value) -> Value {
        let public: Vec<Value> = self.public().iter().map(|k| self.finding_json(k)).collect();
        let held: Vec<Value> = self
            .unshared_counts()
            .into_iter()
            .map(|(a, n)| json!({"agency": self.case.agencies[a], "label": self.agency_label(a), "unshared": n}))
            .collect();
        let participants: Vec<Value> = self
            .participants
            .iter()
            .map(|p| json!({"name": p.name, "agency": p.agency}))
            .collect();
        let actions: Vec<Value> = if self.play.stage() == Stage::Scene {
            self.play
                .state
                .available(&self.case)
                .filter_map(|a| self.case.action(a))
                .map(|a| json!({"id": a.id, "label": a.label, "hours": a.hours}))
                .collect()
        } else {
            Vec::new()
        };
        let decisions: Vec<Value> = self
            .play
            .offered_decisions()
            .iter()
            .filter_map(|&d| self.case.case.decisions.iter().nth(d))
            .map(|(id, d)| json!({"id": id, "label": d.label}))
            .collect();
        let round = self.active.map(|i| &self.rounds[i]);
        let checkpoint = round.map(|r| {
            let mut c = self.checkpoint_json(&r.checkpoint);
            c["submissions"] = json!(r.submissions.len());
            c["status"] = json!(match r.status {
                RoundStatus::Open => "open",
                RoundStatus::Closed => "closed",
                RoundStatus::Revealed => "revealed",
            });
            c["group_recorded"] = json!(r.group.is_some());
            c
        });
        let discussion_at = round
            .map(|r| r.checkpoint.as_str())
            .or(self.at_checkpoint());
        let discussion = discussion_at.map_or(&[][..], |c| self.checkpoint_prompt(c).1);
        let devils_advocate = self
            .devils_advocate
            .as_deref()
            .and_then(|t| self.participant(t))
            .map(|p| json!({"name": p.name, "agency": p.agency}));
        json!({
            "version": self.version,
            "room": self.code,
            "phase": self.phase(),
            "case": {"title": self.case.case.title, "you_are": self.case.case.you_are},
            "seed": self.play.seed(),
            "join": join,
            "scene": self.scene_json(),
            "hours_left": self.play.state.minutes_left(&self.case) as f64 / 60.0,
            "actions": actions,
            "public": public,
            "held": held,
            "participants": participants,
            "sharing_open": self.sharing_open,
            "checkpoint": checkpoint,
            "at_checkpoint": self.at_checkpoint(),
            "decisions": decisions,
            "discussion": discussion,
            "devils_advocate": devils_advocate,
            "outcome": self.play.outcome(),
        })
    }

    /// The spread of private judgements at `checkpoint`.
    pub fn results(&self, checkpoint: &str) -> Result<Value, Refusal> {
        let r = self
            .rounds
            .iter()
            .find(|r| r.checkpoint == checkpoint)
            .ok_or_else(|| {
                Refusal::not_now(format!(
                    "no private judgement has been opened at \"{checkpoint}\""
                ))
            })?;
        Ok(self.results_json(r))
    }

    fn results_json(&self, r: &Round) -> Value {
        let subs = &r.submissions;
        let hypotheses: Vec<Value> = self
            .case
            .case
            .hypotheses
            .iter()
            .enumerate()
            .map(|(h, (id, x))| {
                let values: Vec<f64> = subs.iter().map(|s| s.percent[h] as f64).collect();
                let mut histogram = [0usize; 10];
                for v in &values {
                    histogram[((*v as usize) / 10).min(9)] += 1;
                }
                json!({
                    "id": id,
                    "label": x.label,
                    "histogram": histogram,
                    "mean": mean(&values),
                    "median": median(&values),
                    "leading": subs.iter().filter(|s| s.leading == id).count(),
                })
            })
            .collect();
        let harm: Vec<f64> = subs.iter().map(|s| self.harm(&s.percent) * 100.0).collect();
        let mut reasons: Vec<&str> = subs
            .iter()
            .map(|s| s.reasons.as_str())
            .filter(|s| !s.is_empty())
            .collect();
        reasons.sort_unstable();
        json!({
            "checkpoint": r.checkpoint,
            "submissions": subs.len(),
            "hypotheses": hypotheses,
            "harm": {
                "mean": mean(&harm),
                "min": harm.iter().cloned().reduce(f64::min),
                "max": harm.iter().cloned().reduce(f64::max),
            },
            "reasons": reasons,
        })
    }
}

/// "Sam (GP practice)", or the agency alone, or "a participant".
pub fn describe(p: &Participant, room: &Room) -> String {
    let agency = p.agency.as_deref().map(|a| room.agency_label_of(a));
    match (p.name.is_empty(), agency) {
        (false, Some(a)) => format!("{} ({a})", p.name),
        (false, None) => p.name.clone(),
        (true, Some(a)) => a.to_string(),
        (true, None) => "a participant".into(),
    }
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}
