//! The state of a playthrough and the rules that move it: which actions are on offer, what taking one
//! does, and the jump to `out_of_time` when nothing can still be done.

use super::compiled::{CNeed, Compiled, SceneKind};

/// A fixed-size set of small numbers, for done actions, set flags and looked-for findings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Bits(Vec<u64>);

impl Bits {
    pub fn new(len: usize) -> Self {
        Bits(vec![0; len.div_ceil(64)])
    }
    pub fn get(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1)
    }
    pub fn set(&mut self, i: usize) {
        if let Some(w) = self.0.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }
    /// Keeps only the members also in `mask`.
    pub fn keep(&mut self, mask: &Bits) {
        for (w, m) in self.0.iter_mut().zip(&mask.0) {
            *w &= m;
        }
    }
}

/// Where a playthrough stands. Findings' presence is recorded once looked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct State {
    pub scene: usize,
    pub minutes: u32,
    pub done: Bits,
    pub flags: Bits,
    pub looked: Bits,
    pub present: Bits,
    /// The decision taken, once the case has ended.
    pub decided: Option<usize>,
}

impl State {
    /// The state at the start of a case (already moved on if the start scene offers nothing).
    pub fn start(case: &Compiled) -> State {
        let mut s = State {
            scene: case.start,
            minutes: 0,
            done: Bits::new(case.actions.len()),
            flags: Bits::new(case.flags.len()),
            looked: Bits::new(case.findings.len()),
            present: Bits::new(case.findings.len()),
            decided: None,
        };
        s.settle(case);
        s
    }

    pub fn minutes_left(&self, case: &Compiled) -> u32 {
        case.minutes_available.saturating_sub(self.minutes)
    }

    /// Whether action `a` is on offer now: in this scene, not yet done (unless repeatable), its needs
    /// met, and it fits in the time left.
    pub fn can_take(&self, case: &Compiled, a: usize) -> bool {
        let Some(action) = case.actions.get(a) else {
            return false;
        };
        action.scene == self.scene
            && self.decided.is_none()
            && (action.repeatable || !self.done.get(a))
            && action.minutes <= self.minutes_left(case)
            && action.needs.iter().all(|n| self.meets(*n))
    }

    fn meets(&self, need: CNeed) -> bool {
        match need {
            CNeed::Found(f) => self.looked.get(f) && self.present.get(f),
            CNeed::NotFound(f) => self.looked.get(f) && !self.present.get(f),
            CNeed::Looked(f) => self.looked.get(f),
            CNeed::Done(a) => self.done.get(a),
            CNeed::NotDone(a) => !self.done.get(a),
            CNeed::Flag(x) => self.flags.get(x),
            CNeed::NotFlag(x) => !self.flags.get(x),
        }
    }

    /// The actions on offer in the current scene, in the author's order.
    pub fn available<'a>(&'a self, case: &'a Compiled) -> impl Iterator<Item = usize> + 'a {
        let actions: &[usize] = match &case.scenes[self.scene].kind {
            SceneKind::Narrative { actions } => actions,
            _ => &[],
        };
        actions
            .iter()
            .copied()
            .filter(move |&a| self.can_take(case, a))
    }

    /// Takes action `a` (the caller checked `can_take`). `presence` says whether each newly looked-for
    /// finding is present. Returns the findings looked for for the first time.
    pub fn take(
        &mut self,
        case: &Compiled,
        a: usize,
        mut presence: impl FnMut(usize) -> bool,
    ) -> Vec<usize> {
        let action = &case.actions[a];
        self.minutes = self.minutes.saturating_add(action.minutes);
        self.done.set(a);
        for &x in &action.sets {
            self.flags.set(x);
        }
        let mut new = Vec::new();
        for &f in &action.looks_for {
            if !self.looked.get(f) {
                self.looked.set(f);
                if presence(f) {
                    self.present.set(f);
                }
                new.push(f);
            }
        }
        self.scene = action.goto;
        self.settle(case);
        new
    }

    /// Leaves a checkpoint for its `next` scene.
    pub fn pass_checkpoint(&mut self, case: &Compiled) {
        if let SceneKind::Checkpoint { next } = case.scenes[self.scene].kind {
            self.scene = next;
            self.settle(case);
        }
    }

    /// Moves to `out_of_time` when an ordinary scene offers nothing that can still be done.
    /// Returns whether it moved.
    pub fn settle(&mut self, case: &Compiled) -> bool {
        let stuck = matches!(case.scenes[self.scene].kind, SceneKind::Narrative { .. })
            && self.available(case).next().is_none();
        // An out-of-time scene that is itself stuck has nowhere else to go (the checker warns of it).
        if stuck && self.scene != case.out_of_time {
            self.scene = case.out_of_time;
            return true;
        }
        false
    }

    pub fn is_finished(&self) -> bool {
        self.decided.is_some()
    }
}
