//! The official image's `/docker-entrypoint.sh` and the scripts in
//! `/docker-entrypoint.d/`: what they check, change and log before they
//! hand over to `nginx`.

use super::{pages, Binary, Version};
use crate::images::support::boxed;
use crate::userland::fs::{ImageBuilder, Kind};
use crate::userland::proc::{ExitStatus, Proc, ProgramFuture, DEFAULT_PATH};
use crate::userland::Registry;
use crate::util::sort;

const DIR: &str = "/docker-entrypoint.d";
const DEFAULT_CONF: &str = "/etc/nginx/conf.d/default.conf";
/// Where `exec "$@"` sits in the script, for its "not found" message.
const EXEC_LINE: u32 = 47;

/// The scripts each release shipped, with the version that added them.
const SCRIPTS: &[(&str, &str, Version)] = &[
    (
        "10-listen-on-ipv6-by-default.sh",
        "nginx-listen-ipv6",
        Version(1, 19, 0),
    ),
    (
        "15-local-resolvers.envsh",
        "nginx-local-resolvers",
        Version(1, 25, 1),
    ),
    (
        "20-envsubst-on-templates.sh",
        "nginx-envsubst",
        Version(1, 19, 0),
    ),
    (
        "30-tune-worker-processes.sh",
        "nginx-tune-workers",
        Version(1, 20, 0),
    ),
];
/// The scripts' messages gained an `info:` level from this release on.
const INFO_PREFIX_SINCE: Version = Version(1, 21, 0);

pub(super) fn install(mut fs: ImageBuilder, v: Version) -> ImageBuilder {
    fs = fs
        .program("docker-entrypoint.sh", "docker-entrypoint")
        .dir(DIR.trim_start_matches('/'), 0o755);
    for (file, program, since) in SCRIPTS {
        if v >= *since {
            fs = fs.program(&format!("{}/{file}", &DIR[1..]), program);
        }
    }
    fs
}

pub(super) fn register(r: &mut Registry) {
    r.register("docker-entrypoint", entrypoint);
    r.register("nginx-listen-ipv6", listen_ipv6);
    r.register("nginx-local-resolvers", nothing);
    r.register("nginx-envsubst", envsubst);
    r.register("nginx-tune-workers", nothing);
}

fn entrypoint(p: Proc) -> ProgramFuture {
    boxed(entrypoint_main(p))
}

fn listen_ipv6(p: Proc) -> ProgramFuture {
    boxed(listen_ipv6_main(p))
}

fn envsubst(p: Proc) -> ProgramFuture {
    boxed(envsubst_main(p))
}

/// Scripts that only act when asked to through the environment.
fn nothing(_p: Proc) -> ProgramFuture {
    boxed(async { ExitStatus::SUCCESS })
}

fn quiet(p: &Proc) -> bool {
    p.getenv("NGINX_ENTRYPOINT_QUIET_LOGS")
        .is_some_and(|v| !v.is_empty())
}

async fn log(p: &Proc, line: &str) {
    if !quiet(p) {
        let _ = p.out(&format!("{line}\n")).await;
    }
}

async fn entrypoint_main(p: Proc) -> ExitStatus {
    let me = p
        .argv
        .first()
        .cloned()
        .unwrap_or_else(|| "/docker-entrypoint.sh".into());
    let rest: Vec<String> = p.argv.iter().skip(1).cloned().collect();
    if matches!(
        rest.first().map(String::as_str),
        Some("nginx" | "nginx-debug")
    ) {
        let mut entries: Vec<(String, bool, bool)> = p
            .fs()
            .list("/", DIR)
            .map(|l| {
                l.into_iter()
                    .filter(|(_, st)| st.kind != Kind::Dir)
                    .map(|(n, st)| (n, st.kind == Kind::File, st.meta.mode & 0o111 != 0))
                    .collect()
            })
            .unwrap_or_default();
        sort::sort(&mut entries);
        if entries.is_empty() {
            log(
                &p,
                &format!("{me}: No files found in {DIR}/, skipping configuration"),
            )
            .await;
        } else {
            log(
                &p,
                &format!("{me}: {DIR}/ is not empty, will attempt to perform configuration"),
            )
            .await;
            log(&p, &format!("{me}: Looking for shell scripts in {DIR}/")).await;
            for (name, _, exec) in entries {
                let path = format!("{DIR}/{name}");
                if name.ends_with(".envsh") {
                    if exec {
                        log(&p, &format!("{me}: Sourcing {path}")).await;
                    } else {
                        log(&p, &format!("{me}: Ignoring {path}, not executable")).await;
                    }
                } else if name.ends_with(".sh") {
                    if !exec {
                        log(&p, &format!("{me}: Ignoring {path}, not executable")).await;
                        continue;
                    }
                    log(&p, &format!("{me}: Launching {path}")).await;
                    let status = match p.spawn(
                        vec![path.clone()],
                        p.env.clone(),
                        p.cwd.clone(),
                        p.fds.clone(),
                    ) {
                        Ok(pid) => p.wait(pid).await.unwrap_or(ExitStatus::FAILURE),
                        Err(_) => ExitStatus::Code(126),
                    };
                    // `set -e`: a failing script stops the container.
                    if !status.success() {
                        return status;
                    }
                } else {
                    log(&p, &format!("{me}: Ignoring {path}")).await;
                }
            }
            log(
                &p,
                &format!("{me}: Configuration complete; ready for start up"),
            )
            .await;
        }
    }
    let Some(name) = rest.first().cloned() else {
        return ExitStatus::SUCCESS;
    };
    let path_var = p.getenv("PATH").unwrap_or(DEFAULT_PATH).to_string();
    match p.program_for(&name, &path_var) {
        Ok(program) => {
            p.set_cmdline(&rest.join(" "));
            let next = p.reexec(rest, p.env.clone(), p.cwd.clone(), p.fds.clone());
            program(next).await
        }
        Err(_) => {
            let _ = p
                .err(&format!(
                    "{me}: exec: line {EXEC_LINE}: {name}: not found\n"
                ))
                .await;
            ExitStatus::Code(127)
        }
    }
}

fn script_name(p: &Proc) -> String {
    let a = p.argv.first().map(String::as_str).unwrap_or("");
    a.rsplit('/').next().unwrap_or(a).to_string()
}

async fn listen_ipv6_main(p: Proc) -> ExitStatus {
    let me = script_name(&p);
    let version = Binary::read(&p).version;
    let info = if version >= INFO_PREFIX_SINCE {
        "info: "
    } else {
        ""
    };
    let say = |msg: String| format!("{me}: {info}{msg}");
    let is_file = p
        .fs()
        .stat("/", DEFAULT_CONF)
        .is_ok_and(|s| s.kind == Kind::File);
    if !is_file {
        log(
            &p,
            &say(format!("{DEFAULT_CONF} is not a file or does not exist")),
        )
        .await;
        return ExitStatus::SUCCESS;
    }
    let now = p.wall_secs();
    if p.fs_mut().touch("/", DEFAULT_CONF, now).is_err() {
        log(
            &p,
            &say(format!(
                "can not modify {DEFAULT_CONF} (read-only file system?)"
            )),
        )
        .await;
        return ExitStatus::SUCCESS;
    }
    let text =
        String::from_utf8_lossy(&p.fs().read("/", DEFAULT_CONF).unwrap_or_default()).into_owned();
    if text.contains("listen  [::]:80;") {
        log(&p, &say("IPv6 listen already enabled".to_string())).await;
        return ExitStatus::SUCCESS;
    }
    let os = String::from_utf8_lossy(&p.fs().read("/", "/etc/os-release").unwrap_or_default())
        .into_owned();
    if os.is_empty() {
        log(&p, &say("can not guess the operating system".to_string())).await;
        return ExitStatus::SUCCESS;
    }
    log(&p, &say(format!("Getting the checksum of {DEFAULT_CONF}"))).await;
    let id = os
        .lines()
        .find_map(|l| l.strip_prefix("ID="))
        .unwrap_or("")
        .trim_matches('"')
        .to_string();
    if id != "debian" && id != "alpine" {
        log(&p, &say("Unsupported distribution".to_string())).await;
        return ExitStatus::SUCCESS;
    }
    if text != pages::default_conf(version) {
        log(
            &p,
            &say(format!("{DEFAULT_CONF} differs from the packaged version")),
        )
        .await;
        return ExitStatus::SUCCESS;
    }
    let changed = text.replacen(
        "listen       80;",
        "listen       80;\n    listen  [::]:80;",
        1,
    );
    let now = p.wall_secs();
    let _ = p
        .fs_mut()
        .write("/", DEFAULT_CONF, changed.as_bytes(), false, now);
    log(
        &p,
        &say(format!("Enabled listen on IPv6 in {DEFAULT_CONF}")),
    )
    .await;
    ExitStatus::SUCCESS
}

async fn envsubst_main(p: Proc) -> ExitStatus {
    let me = script_name(&p);
    let get = |k: &str, d: &str| p.getenv(k).unwrap_or(d).to_string();
    let template_dir = get("NGINX_ENVSUBST_TEMPLATE_DIR", "/etc/nginx/templates");
    let suffix = get("NGINX_ENVSUBST_TEMPLATE_SUFFIX", ".template");
    let output_dir = get("NGINX_ENVSUBST_OUTPUT_DIR", "/etc/nginx/conf.d");
    let templates: Vec<String> = match p.fs().list("/", &template_dir) {
        Ok(l) => l
            .into_iter()
            .filter(|(n, st)| st.kind == Kind::File && n.ends_with(&suffix))
            .map(|(n, _)| n)
            .collect(),
        Err(_) => return ExitStatus::SUCCESS,
    };
    let writable = p
        .fs()
        .stat("/", &output_dir)
        .is_ok_and(|s| s.is_dir() && s.meta.mode & 0o200 != 0);
    if !writable {
        log(
            &p,
            &format!("{me}: ERROR: {template_dir} exists, but {output_dir} is not writable"),
        )
        .await;
        return ExitStatus::SUCCESS;
    }
    for name in templates {
        let template = format!("{template_dir}/{name}");
        let output = format!(
            "{output_dir}/{}",
            name.strip_suffix(&suffix).unwrap_or(&name)
        );
        log(
            &p,
            &format!("{me}: Running envsubst on {template} to {output}"),
        )
        .await;
        let text =
            String::from_utf8_lossy(&p.fs().read("/", &template).unwrap_or_default()).into_owned();
        let out = substitute(&text, &p.env);
        let now = p.wall_secs();
        let written = p.fs_mut().write("/", &output, out.as_bytes(), false, now);
        if let Err(e) = written {
            let _ = p
                .err(&format!(
                    "/docker-entrypoint.d/{me}: line 38: can't create {output}: {}\n",
                    e.text()
                ))
                .await;
            return ExitStatus::FAILURE;
        }
    }
    ExitStatus::SUCCESS
}

/// envsubst restricted to the variables that are set: `$X` and `${X}`
/// are replaced, anything else (nginx's own `$host`) is left alone.
fn substitute(text: &str, env: &[(String, String)]) -> String {
    let lookup = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let cs: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < cs.len() {
        if cs[i] != '$' {
            out.push(cs[i]);
            i += 1;
            continue;
        }
        let braced = cs.get(i + 1) == Some(&'{');
        let start = if braced { i + 2 } else { i + 1 };
        let mut end = start;
        while end < cs.len() && (cs[end].is_ascii_alphanumeric() || cs[end] == '_') {
            end += 1;
        }
        let name: String = cs[start..end].iter().collect();
        let closed = !braced || cs.get(end) == Some(&'}');
        match lookup(&name) {
            Some(v) if !name.is_empty() && closed => {
                out.push_str(&v);
                i = if braced { end + 1 } else { end };
            }
            _ => {
                out.push('$');
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envsubst_replaces_only_defined_variables() {
        let env = vec![
            ("NGINX_PORT".to_string(), "8080".to_string()),
            ("HOST".to_string(), "web".to_string()),
        ];
        let cases = [
            ("plain", "listen $NGINX_PORT;", "listen 8080;"),
            ("braced", "listen ${NGINX_PORT};", "listen 8080;"),
            (
                "nginx variables stay",
                "proxy_set_header Host $host;",
                "proxy_set_header Host $host;",
            ),
            ("undefined stays", "root $ROOT;", "root $ROOT;"),
            ("case matters", "server_name $HOST;", "server_name web;"),
        ];
        for (name, text, want) in cases {
            assert_eq!(substitute(text, &env), want, "{name}");
        }
    }
}
