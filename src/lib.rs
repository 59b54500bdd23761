//! Second Look: a training game for child-protection judgement. The core (scenario, engine,
//! judgement) is plain Rust with no Bevy, so the checker and explorer build quickly.

pub mod cli;
pub mod engine;
pub mod judgement;
pub mod scenario;
