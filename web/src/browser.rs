//! The few things the app asks of the browser directly, kept in one place.

use podlab_lessons::Lang;
use wasm_bindgen::JsCast;

/// The reader's preferred languages, most preferred first.
pub fn preferred_languages() -> Vec<String> {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return Vec::new();
    };
    let listed: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|v| v.dyn_into::<js_sys::JsString>().ok())
        .map(String::from)
        .collect();
    if listed.is_empty() {
        navigator.language().into_iter().collect()
    } else {
        listed
    }
}

/// Keeps `<html lang>` in step so fonts and screen readers follow the text.
pub fn set_document_lang(lang: Lang) {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element());
    if let Some(root) = root {
        // Failing to set an attribute only loses a hint; nothing to recover.
        let _ = root.set_attribute("lang", lang.code());
    }
}
