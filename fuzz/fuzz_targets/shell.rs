//! Any input to the shell: parsing and running must neither panic nor
//! hang (running is bounded by simulated time).
#![no_main]

use std::rc::Rc;

use libfuzzer_sys::fuzz_target;
use podlab_core::userland::shell::parse::Parser;
use podlab_core::userland::{
    busybox_applet_names, busybox_registry, ExecOptions, FakeOutside, Image, Machine, MachineConfig,
};

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    let mut p = Parser::new(&src, 0);
    for _ in 0..10_000 {
        match p.next_command() {
            Ok(Some(_)) => continue,
            _ => break,
        }
    }
    let mut m = Machine::new(MachineConfig {
        hostname: "fuzz".into(),
        image: Image::busybox(&busybox_applet_names()),
        env: Vec::new(),
        outside: Rc::new(FakeOutside::new()),
        registry: Rc::new(busybox_registry()),
        working_dir: String::new(),
    });
    if m.exec(vec!["sh".into(), "-c".into(), src.into_owned()], ExecOptions::default()).is_ok() {
        for _ in 0..1_000 {
            match m.next_wake() {
                Some(t) if t <= 10_000 => m.advance_to(t.max(m.now())),
                _ => break,
            }
        }
    }
});
