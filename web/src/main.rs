//! Podlab's browser app: the only crate that knows Yew, web-sys and the DOM.
//!
//! The engine (`podlab-core`) decides; these components render what it says.

#![forbid(unsafe_code)]

mod app;
mod browser;
mod components;
mod i18n;
mod present;
mod state;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
