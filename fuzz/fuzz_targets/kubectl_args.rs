//! Runs arbitrary kubectl command lines in one long-lived terminal session.
//! Whatever the words, kubectl answers (often with an error) and the
//! cluster keeps running; nothing panics.

#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use podlab_core::terminal::Session;
use podlab_core::{Cluster, ClusterConfig};

thread_local! {
    static SESSION: RefCell<Session> =
        RefCell::new(Session::new(Cluster::new(ClusterConfig::default())));
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // One command line: the words after `kubectl`, without shell control
    // characters that would start other programs.
    let line: String = text
        .chars()
        .filter(|c| !matches!(c, '\n' | ';' | '&' | '|' | '`' | '$' | '<' | '>' | '(' | ')'))
        .take(400)
        .collect();
    SESSION.with(|s| {
        let _ = s.borrow_mut().run(&format!("kubectl {line}"));
    });
});
