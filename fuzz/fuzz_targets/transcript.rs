//! Splits arbitrary text into transcript commands (heredocs, loops,
//! continuation lines). It may reject the text; it may not panic or hang.

#![no_main]

use libfuzzer_sys::fuzz_target;
use podlab_core::terminal::split_commands;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(commands) = split_commands(&text) {
        for c in commands {
            let _ = c.first_line();
        }
    }
});
