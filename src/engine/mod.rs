//! The engine: a playthrough as an event log over a compiled case, with seeded truth, replay and the
//! explorer. Pure Rust; the game reads it and it never knows the game exists.

pub mod compiled;
pub mod explore;
pub mod log;
pub mod playthrough;
pub mod rng;
pub mod state;

pub use compiled::{CompileError, Compiled};
pub use log::{DecisionMade, Event, Hindsight, Judgement, Log, Reflection};
pub use playthrough::{Playthrough, Revealed, Stage, StepError};
pub use state::State;
