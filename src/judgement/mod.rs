//! Judgement: what an ideal reasoner would believe and decide, and how the trainee's reasoning
//! compares.

pub mod debrief;
pub mod reasoner;
pub mod spread;
