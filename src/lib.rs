//! Second Look: a training game for child-protection judgement. The core (scenario, engine,
//! judgement) is plain Rust with no Bevy, so the checker and explorer build quickly.

pub mod authoring;
pub mod cli;
pub mod engine;
pub mod files;
#[cfg(feature = "gui")]
pub mod game;
pub mod judgement;
pub mod scenario;
pub mod store;
#[cfg(not(target_arch = "wasm32"))]
pub mod workshop;
