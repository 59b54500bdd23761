//! In the browser, winit passes on no key events for Shift and the other modifiers, so bevy_egui
//! never learns that Shift is held and Shift+Tab moves focus forward. This reads Shift from the
//! page's own key events on the game's canvas, so Shift+Tab moves back as on the desktop.

use std::cell::RefCell;
use std::collections::VecDeque;

use bevy::prelude::*;
use bevy_egui::{EguiInput, EguiPreUpdateSet, egui};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

thread_local! {
    /// Whether Shift was held, for each Tab pressed on the canvas not yet seen by egui, oldest first.
    static TAB_SHIFTS: RefCell<VecDeque<bool>> = const { RefCell::new(VecDeque::new()) };
}

/// More Tabs than this between two frames are not kept (a key held down for a long time).
const KEPT: usize = 64;

pub(super) fn plugin(app: &mut App) {
    listen_for_tab();
    app.add_systems(
        PreUpdate,
        mark_shift_tab
            .after(EguiPreUpdateSet::ProcessInput)
            .before(EguiPreUpdateSet::BeginPass),
    );
}

/// Notes Shift for every Tab pressed on the canvas, before winit sees it.
fn listen_for_tab() {
    let Some(canvas) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("second-look"))
    else {
        return;
    };
    let on_key = Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(|e: web_sys::KeyboardEvent| {
        if e.key() == "Tab" {
            TAB_SHIFTS.with(|q| {
                let mut q = q.borrow_mut();
                q.push_back(e.shift_key());
                while q.len() > KEPT {
                    q.pop_front();
                }
            });
        }
    });
    let _ = canvas.add_event_listener_with_callback_and_bool(
        "keydown",
        on_key.as_ref().unchecked_ref(),
        true,
    );
    on_key.forget();
}

/// Gives each Tab egui is about to see the Shift the page saw with it.
fn mark_shift_tab(mut inputs: Query<&mut EguiInput>) {
    for mut input in &mut inputs {
        for event in input.events.iter_mut() {
            if let egui::Event::Key {
                key: egui::Key::Tab,
                pressed: true,
                modifiers,
                ..
            } = event
                && let Some(shift) = TAB_SHIFTS.with(|q| q.borrow_mut().pop_front())
            {
                modifiers.shift = shift;
            }
        }
    }
}
