//! busybox applets as programs, and the registry that names them.
//!
//! Other programs plug into the same [`Registry`]: `bc` and `bpi` (pure
//! functions wrapped with [`pure_program`]-style adapters), image-specific
//! servers such as nginx, and the host side's `kubectl`.

pub mod common;
mod files;
mod net;
mod sys;
mod text;

use super::proc::{Program, Registry};

pub(crate) use net::{resolv_conf, resolve, Resolved};
pub use sys::{strftime, KERNEL_RELEASE};

macro_rules! applet {
    ($name:ident, $main:path) => {
        pub fn $name(p: $crate::userland::proc::Proc) -> $crate::userland::proc::ProgramFuture {
            Box::pin($main(p))
        }
    };
}
pub(crate) use applet;

/// Every applet this module provides, by name.
pub const APPLETS: &[(&str, Program)] = &[
    ("sh", super::shell::sh_main),
    ("ash", super::shell::sh_main),
    ("echo", sys::echo),
    ("printf", sys::printf),
    ("true", sys::true_),
    ("false", sys::false_),
    ("test", sys::test),
    ("[", sys::test),
    ("[[", sys::test),
    ("sleep", sys::sleep),
    ("date", sys::date),
    ("hostname", sys::hostname),
    ("env", sys::env),
    ("printenv", sys::printenv),
    ("id", sys::id),
    ("whoami", sys::whoami),
    ("ps", sys::ps),
    ("kill", sys::kill),
    ("uname", sys::uname),
    ("yes", sys::yes),
    ("seq", sys::seq),
    ("expr", sys::expr),
    ("basename", sys::basename),
    ("dirname", sys::dirname),
    ("which", sys::which),
    ("pwd", sys::pwd),
    ("cat", files::cat),
    ("ls", files::ls),
    ("mkdir", files::mkdir),
    ("rmdir", files::rmdir),
    ("touch", files::touch),
    ("rm", files::rm),
    ("cp", files::cp),
    ("mv", files::mv),
    ("ln", files::ln),
    ("chmod", files::chmod),
    ("tee", files::tee),
    ("wc", files::wc),
    ("head", files::head),
    ("tail", files::tail),
    ("grep", text::grep),
    ("egrep", text::grep),
    ("sed", text::sed),
    ("sort", text::sort),
    ("uniq", text::uniq),
    ("tr", text::tr),
    ("cut", text::cut),
    ("base64", text::base64),
    ("wget", net::wget),
    ("nc", net::nc),
    ("nslookup", net::nslookup),
];

/// A registry with every applet, `bash` included (whether an image has
/// `/bin/bash` decides whether it can be run).
pub fn busybox_registry() -> Registry {
    let mut r = Registry::new();
    for (name, program) in APPLETS {
        r.register(name, *program);
    }
    r.register("bash", super::shell::bash_main);
    r.register("pause", sys::pause);
    r
}

/// The applet names the busybox image links into `/bin`.
pub fn busybox_applet_names() -> Vec<&'static str> {
    APPLETS
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| *n != "[[")
        .collect()
}
