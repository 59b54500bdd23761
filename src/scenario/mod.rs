//! Cases: the RON model, loading with positions, and the checker's coded diagnostics.

pub mod diagnostic;
pub mod embedded;
pub mod load;
pub mod model;
pub mod ordered;
pub mod spans;
pub mod validate;

pub use diagnostic::{Code, Diagnostic, Severity};
pub use load::{LoadedCase, discover, load_case, load_sources, load_text};
pub use model::*;
pub use ordered::OrderedMap;
pub use validate::{Stats, validate};

/// Loads and checks one case: parsing, merging and every semantic rule.
pub fn check_case(root: &std::path::Path) -> LoadedCase {
    // In the web build the cases are built in, found by the same names.
    #[cfg(target_arch = "wasm32")]
    if let Some(found) = embedded::shipped().into_iter().find(|c| c.root == root) {
        return found;
    }
    let mut loaded = load_case(root);
    validate(&mut loaded);
    loaded
}

/// Checks a case held in memory.
pub fn check_text(name: &str, text: &str) -> LoadedCase {
    let mut loaded = load_text(name, text);
    validate(&mut loaded);
    loaded
}
