//! Finding the build tools at the versions the project pins, and installing
//! whichever are missing. A second run finds everything and installs nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::exec::{self, cargo, probe};
use crate::Result;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// 0.22 needs a newer rustc than the project's minimum.
pub const TRUNK_VERSION: &str = "0.21.14";
/// npm's binaryen; Debian's is too old to read what current rustc emits.
pub const BINARYEN_NPM_VERSION: &str = "132.0.0";
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Where tools are looked for and installed.
pub struct Locations {
    pub root: PathBuf,
    /// `cargo install --root` target; binaries land in `<install_root>/bin`.
    pub cargo_install_root: PathBuf,
    /// `npm install --prefix` target for wasm-opt.
    pub npm_prefix: PathBuf,
}

impl Locations {
    /// Cargo's own rules: `CARGO_INSTALL_ROOT`, else `CARGO_HOME`, else
    /// `~/.cargo`. Setting `CARGO_INSTALL_ROOT` to an empty folder therefore
    /// exercises the install-everything path.
    pub fn detect(root: &Path) -> Locations {
        let env = |name| std::env::var_os(name).filter(|v| !v.is_empty());
        let cargo_install_root = env("CARGO_INSTALL_ROOT")
            .or_else(|| env("CARGO_HOME"))
            .map(PathBuf::from)
            .or_else(|| env("HOME").map(|home| PathBuf::from(home).join(".cargo")))
            .unwrap_or_else(|| PathBuf::from(".cargo"));
        Locations {
            root: root.to_path_buf(),
            cargo_install_root,
            npm_prefix: root.join("target").join("tools").join("npm"),
        }
    }

    pub fn cargo_bin(&self) -> PathBuf {
        self.cargo_install_root.join("bin")
    }

    pub fn npm_bin(&self) -> PathBuf {
        self.npm_prefix.join("node_modules").join(".bin")
    }
}

/// The rustup target for the browser build.
pub fn ensure_wasm_target() -> Result<()> {
    let rustup = Path::new("rustup");
    let installed = probe(rustup, &["target", "list", "--installed"])
        .ok_or("`rustup` is needed to add the wasm32 target; install Rust with rustup")?;
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    exec::run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// wasm-bindgen-cli at exactly the version of the `wasm-bindgen` crate in
/// Cargo.lock: the two must match or the generated glue is wrong.
pub fn ensure_wasm_bindgen(loc: &Locations) -> Result<PathBuf> {
    let lock_path = loc.root.join("Cargo.lock");
    let lock =
        std::fs::read_to_string(&lock_path).map_err(|e| format!("{}: {e}", lock_path.display()))?;
    let version = locked_version(&lock, "wasm-bindgen")?;
    let bin = loc.cargo_bin().join("wasm-bindgen");
    if !needs_install(&bin, &version) {
        return Ok(bin);
    }
    // No `--locked`: the registry mirror lacks some of the newest versions
    // that wasm-bindgen-cli's own lockfile names.
    cargo_install(loc, "wasm-bindgen-cli", &version, false)?;
    verify(&bin, &version)
}

pub fn ensure_trunk(loc: &Locations) -> Result<PathBuf> {
    let bin = loc.cargo_bin().join("trunk");
    if !needs_install(&bin, TRUNK_VERSION) {
        return Ok(bin);
    }
    cargo_install(loc, "trunk", TRUNK_VERSION, true)?;
    verify(&bin, TRUNK_VERSION)
}

/// wasm-opt from npm's binaryen, installed inside `target/`.
pub fn ensure_wasm_opt(loc: &Locations) -> Result<PathBuf> {
    let bin = loc.npm_bin().join("wasm-opt");
    let wanted = binaryen_release(BINARYEN_NPM_VERSION);
    if !needs_install(&bin, wanted) {
        return Ok(bin);
    }
    std::fs::create_dir_all(&loc.npm_prefix)
        .map_err(|e| format!("{}: {e}", loc.npm_prefix.display()))?;
    exec::run(
        Command::new("npm")
            .arg("install")
            .arg("--prefix")
            .arg(&loc.npm_prefix)
            .args(["--no-audit", "--no-fund", "--save-exact"])
            .arg(format!("binaryen@{BINARYEN_NPM_VERSION}")),
    )
    .map_err(|e| format!("{e}\n(npm comes with Node.js; install Node.js 20 or newer)"))?;
    verify(&bin, wanted)
}

/// Debian packages the browser tests need, each known by a file it installs.
const BROWSER_PACKAGES: &[(&str, &[&str])] = &[
    (CHROMIUM, &["chromium", "chromium-driver"]),
    // Without a CJK font the Chinese text renders as empty boxes in screenshots.
    (
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        &["fonts-wqy-microhei"],
    ),
];

/// Headless Chromium and a CJK font from Debian, for the browser tests.
pub fn ensure_chromium() -> Result<PathBuf> {
    let missing: Vec<&str> = BROWSER_PACKAGES
        .iter()
        .filter(|(file, _)| !Path::new(file).exists())
        .flat_map(|(_, packages)| packages.iter().copied())
        .collect();
    if !missing.is_empty() {
        let apt = |args: &[&str]| {
            exec::run(
                Command::new("apt-get")
                    .env("DEBIAN_FRONTEND", "noninteractive")
                    .args(args),
            )
        };
        apt(&["update"])
            .and_then(|()| apt(&[&["install", "-y"][..], &missing].concat()))
            .map_err(|e| {
                format!(
                    "{e}\n(installing {} needs apt-get as root)",
                    missing.join(" ")
                )
            })?;
    }
    match BROWSER_PACKAGES
        .iter()
        .find(|(file, _)| !Path::new(file).exists())
    {
        Some((file, packages)) => Err(format!(
            "apt-get installed {} but {file} is missing",
            packages.join(" ")
        )),
        None => Ok(PathBuf::from(CHROMIUM)),
    }
}

/// The browser tests' npm packages, from their lockfile.
pub fn ensure_browser_test_packages(dir: &Path) -> Result<()> {
    let manifest_path = dir.join("package.json");
    let manifest = std::fs::read_to_string(&manifest_path)
        .map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    let wanted = exact_version_field(&manifest, "playwright-core").ok_or_else(|| {
        format!(
            "{}: no exact playwright-core version",
            manifest_path.display()
        )
    })?;
    let installed_path = dir
        .join("node_modules")
        .join("playwright-core")
        .join("package.json");
    let installed = std::fs::read_to_string(installed_path)
        .ok()
        .and_then(|text| exact_version_field(&text, "version"));
    if installed.as_deref() == Some(wanted.as_str()) {
        return Ok(());
    }
    exec::run(
        Command::new("npm")
            .arg("ci")
            .arg("--prefix")
            .arg(dir)
            .args(["--no-audit", "--no-fund"]),
    )
}

fn cargo_install(loc: &Locations, krate: &str, version: &str, locked: bool) -> Result<()> {
    let mut cmd = cargo();
    cmd.args(["install", krate, "--version", version, "--force", "--root"])
        .arg(&loc.cargo_install_root)
        // These tools ship a fat-LTO, single-codegen-unit release profile
        // that more than doubles a first install on a small machine; the
        // build tools do little work per run, so compile them the quick way.
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16");
    if locked {
        cmd.arg("--locked");
    }
    exec::run(&mut cmd)
}

/// True when `bin` is missing, broken or reports another version.
fn needs_install(bin: &Path, wanted: &str) -> bool {
    let found = installed_version(bin);
    if let Some(found) = found.as_deref().filter(|found| *found != wanted) {
        println!("{} is version {found}; installing {wanted}", bin.display());
    }
    found.as_deref() != Some(wanted)
}

fn installed_version(bin: &Path) -> Option<String> {
    probe(bin, &["--version"]).and_then(|out| parse_version(&out).map(str::to_string))
}

fn verify(bin: &Path, wanted: &str) -> Result<PathBuf> {
    match installed_version(bin) {
        Some(found) if found == wanted => Ok(bin.to_path_buf()),
        found => Err(format!(
            "{} reports version {:?} after installing {wanted}",
            bin.display(),
            found.unwrap_or_else(|| "none".to_string())
        )),
    }
}

/// The version in a `--version` line: the first word made of digits and
/// dots, e.g. `trunk 0.21.14` or `wasm-opt version 132 (version_132)`.
pub fn parse_version(output: &str) -> Option<&str> {
    output.split_whitespace().find(|word| {
        word.starts_with(|c: char| c.is_ascii_digit())
            && word.chars().all(|c| c.is_ascii_digit() || c == '.')
    })
}

/// npm's binaryen `X.0.0` packages binaryen release `X`.
pub fn binaryen_release(npm_version: &str) -> &str {
    npm_version.split('.').next().unwrap_or(npm_version)
}

/// The one version of `package` in a Cargo.lock.
pub fn locked_version(lock: &str, package: &str) -> Result<String> {
    let name_line = format!("name = \"{package}\"");
    let mut versions = Vec::new();
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == name_line {
            let version = lines
                .next()
                .and_then(|next| next.trim().strip_prefix("version = \""))
                .and_then(|rest| rest.strip_suffix('"'));
            if let Some(version) = version {
                versions.push(version.to_string());
            }
        }
    }
    match versions.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(format!("Cargo.lock has no {package} package")),
        several => Err(format!(
            "Cargo.lock has several {package} versions ({}); the CLI can match only one",
            several.join(", ")
        )),
    }
}

/// The exact version under `name` in a package.json, as a dependency pin
/// (`"playwright-core": "1.65.1"`) or an installed package's own
/// `"version"`. Ranges such as `^1.0` are refused: the project pins.
pub fn exact_version_field(manifest: &str, name: &str) -> Option<String> {
    let key = format!("\"{name}\"");
    let after = manifest.split_once(&key)?.1;
    let value = after.trim_start().strip_prefix(':')?.trim_start();
    let value = value.strip_prefix('"')?.split('"').next()?;
    let exact = value.chars().all(|c| c.is_ascii_digit() || c == '.');
    (exact && !value.is_empty()).then(|| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_each_tools_version_line() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("wasm-bindgen", "wasm-bindgen 0.2.130\n", Some("0.2.130")),
            ("trunk", "trunk 0.21.14\n", Some("0.21.14")),
            (
                "npm wasm-opt",
                "wasm-opt version 132 (version_132)\n",
                Some("132"),
            ),
            ("no version at all", "usage: tool [options]\n", None),
            ("empty output", "", None),
            (
                "a word that merely starts with a digit",
                "tool 2x-beta",
                None,
            ),
        ];
        for (name, output, expected) in cases {
            assert_eq!(parse_version(output), *expected, "{name}");
        }
    }

    #[test]
    fn npm_binaryen_versions_map_to_releases() {
        assert_eq!(binaryen_release("132.0.0"), "132");
        assert_eq!(binaryen_release("132"), "132");
    }

    #[test]
    fn the_wasm_bindgen_version_comes_from_the_lockfile() {
        let one = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\nsource = \"x\"\n\n\
                   [[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"0.2.130\"\n";
        let two = format!("{one}[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.99\"\n");
        let cases: &[(&str, &str, std::result::Result<&str, &str>)] = &[
            ("one version, similar names ignored", one, Ok("0.2.130")),
            (
                "missing package",
                "[[package]]\nname = \"yew\"\n",
                Err("has no wasm-bindgen"),
            ),
            (
                "two versions",
                &two,
                Err("several wasm-bindgen versions (0.2.130, 0.2.99)"),
            ),
        ];
        for (name, lock, expected) in cases {
            match (locked_version(lock, "wasm-bindgen"), expected) {
                (Ok(got), Ok(want)) => assert_eq!(got, *want, "{name}"),
                (Err(got), Err(want)) => assert!(got.contains(want), "{name}: {got}"),
                (got, want) => panic!("{name}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn the_repository_lockfile_pins_exactly_one_wasm_bindgen() {
        let lock = include_str!("../../Cargo.lock");
        assert!(locked_version(lock, "wasm-bindgen").is_ok());
    }

    #[test]
    fn package_json_pins_are_read_only_when_exact() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            (
                "exact pin",
                r#"{"devDependencies": {"playwright-core": "1.65.1"}}"#,
                Some("1.65.1"),
            ),
            (
                "spaced out",
                "{\n  \"playwright-core\" : \"1.2.3\"\n}",
                Some("1.2.3"),
            ),
            ("caret range", r#"{"playwright-core": "^1.65.1"}"#, None),
            ("absent", r#"{"name": "x"}"#, None),
        ];
        for (name, manifest, expected) in cases {
            assert_eq!(
                exact_version_field(manifest, "playwright-core").as_deref(),
                *expected,
                "{name}"
            );
        }
    }

    /// A stand-in tool that prints `output` for `--version`.
    #[cfg(unix)]
    fn fake_tool(dir: &Path, name: &str, output: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\necho '{output}'\n")).expect("write tool");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        path
    }

    #[test]
    #[cfg(unix)]
    fn only_a_tool_at_the_wanted_version_is_left_alone() {
        let dir = std::env::temp_dir().join(format!("podlab-xtask-tools-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let right = fake_tool(&dir, "right", "trunk 0.21.14");
        let old = fake_tool(&dir, "old", "trunk 0.20.3");
        let silent = fake_tool(&dir, "silent", "");
        let cases: &[(&str, PathBuf, bool)] = &[
            ("the pinned version is kept", right, false),
            ("another version is replaced", old, true),
            ("a tool that prints no version is replaced", silent, true),
            ("a missing tool is installed", dir.join("missing"), true),
        ];
        for (name, bin, expected) in cases {
            assert_eq!(needs_install(bin, TRUNK_VERSION), *expected, "{name}");
        }
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn binaries_live_under_the_install_roots() {
        let loc = Locations {
            root: PathBuf::from("/repo"),
            cargo_install_root: PathBuf::from("/empty"),
            npm_prefix: PathBuf::from("/repo/target/tools/npm"),
        };
        assert_eq!(loc.cargo_bin(), PathBuf::from("/empty/bin"));
        assert_eq!(
            loc.npm_bin(),
            PathBuf::from("/repo/target/tools/npm/node_modules/.bin")
        );
    }
}
