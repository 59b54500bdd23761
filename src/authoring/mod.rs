//! Tools for case authors beyond the checker: the case laid out as a drawing (for `graph --format svg`
//! and the game's author view) and the balance report (`explore --balance`).

pub mod balance;
pub mod drawing;
