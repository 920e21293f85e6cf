//! kubectl: the same verbs, flags, output and errors as kubectl 1.32 against
//! a real cluster, running as a program on the learner's terminal.
//!
//! Commands are async: most finish at once, while `wait`, `rollout status`,
//! `logs -f`, `get -w`, `exec` and deletions that wait let simulated time
//! pass by sleeping, exactly as a person at a terminal waits.

mod cmd_apply;
mod cmd_create;
mod cmd_delete;
mod cmd_get;
mod cmd_label;
mod cmd_misc;
mod cmd_node;
mod cmd_pods;
mod cmd_rollout;
mod cmd_wait;
mod cmd_workloads;
pub mod describe;
pub mod flags;
mod help;
mod input;
mod output;
pub mod patch;
pub mod printers;
pub mod resources;
pub mod selectors;
pub mod table;

use std::cell::{RefCell, RefMut};
use std::rc::Rc;

use crate::apiserver::{ApiError, ApiServer, Millis, Reason};
use crate::sim::Cluster;
use crate::userland::{ExitStatus, Proc, ProgramFuture, Stream};
use flags::{FlagDef, FlagError, Parsed};

/// The `kubectl` program of the terminal.
pub fn kubectl_main(p: Proc) -> ProgramFuture {
    Box::pin(async move {
        let Some(cluster) = crate::terminal::cluster_of(&p) else {
            let _ = p
                .err("The connection to the server localhost:8080 was refused - did you specify the right host or port?\n")
                .await;
            return ExitStatus::Code(1);
        };
        let args = p.argv.get(1..).unwrap_or_default().to_vec();
        let mut k = Kubectl {
            p: &p,
            cluster,
            pending: Vec::new(),
        };
        let code = match k.run(&args).await {
            Ok(code) => code,
            Err(e) => k.report(e),
        };
        k.flush().await;
        ExitStatus::Code(code as u8)
    })
}

/// Why a command failed, and how kubectl prints it.
#[derive(Debug)]
pub enum Fail {
    /// `error: <msg>`.
    Msg(String),
    /// A flag error: `error: <msg>` and `See 'kubectl <cmd> --help' for
    /// usage.`
    Usage(String, String),
    /// kubectl's `UsageErrorf`: `error: <msg>` and `See 'kubectl <cmd> -h'
    /// for help and examples`.
    UsageHelp(String, String),
    /// A command group run without a subcommand: its help, exit status 1.
    GroupHelp(&'static str),
    /// A server error, with the operation and source when kubectl adds them
    /// (`error when creating "x.yaml": …`).
    Api(ApiError, Option<(&'static str, String)>),
    /// Printed as given.
    Raw(String),
    /// Already reported; just the exit code.
    Exit(i32),
}

impl From<ApiError> for Fail {
    fn from(e: ApiError) -> Fail {
        Fail::Api(e, None)
    }
}

pub type Res<T> = Result<T, Fail>;

/// The kubectl process: its terminal and the cluster it talks to.
pub struct Kubectl<'p> {
    p: &'p Proc,
    cluster: Rc<RefCell<Cluster>>,
    pending: Vec<(Stream, String)>,
}

/// kubectl's error for a command given neither resources nor files.
pub const NO_RESOURCES: &str = "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// A command group's answer to a subcommand it does not know.
pub fn unknown_subcommand(group: &str, sub: &str) -> Fail {
    Fail::UsageHelp(group.to_string(), format!("unknown command \"{sub}\""))
}

/// An object's `metadata.annotations`, created when missing.
pub(crate) fn annotations_mut(v: &mut crate::value::Value) -> Option<&mut crate::value::Map> {
    use crate::value::Value;
    v.as_object_mut()?
        .entry("metadata".to_string())
        .or_insert_with(Value::object)
        .as_object_mut()?
        .entry("annotations".to_string())
        .or_insert_with(Value::object)
        .as_object_mut()
}

/// How kubectl formats a server error (`cmdutil.CheckErr`).
pub fn format_api_error(e: &ApiError, source: Option<&(&'static str, String)>) -> String {
    if e.reason == Reason::Invalid && !e.details.causes.is_empty() {
        let prefix = format!("The {} \"{}\" is invalid: ", e.details.kind, e.details.name);
        if e.details.causes.len() == 1 {
            return format!("{prefix}{}\n", e.details.causes[0]);
        }
        let mut s = format!("{prefix}\n");
        for c in &e.details.causes {
            s.push_str(&format!("* {c}\n"));
        }
        return s;
    }
    let message = match source {
        Some((verb, src)) => format!("error when {verb} \"{src}\": {}", e.message),
        None => e.message.clone(),
    };
    format!("Error from server ({}): {message}\n", e.reason.as_str())
}

impl<'p> Kubectl<'p> {
    pub fn out(&mut self, s: impl AsRef<str>) {
        self.push(Stream::Stdout, s.as_ref());
    }

    pub fn err(&mut self, s: impl AsRef<str>) {
        self.push(Stream::Stderr, s.as_ref());
    }

    fn push(&mut self, stream: Stream, s: &str) {
        match self.pending.last_mut() {
            Some((st, text)) if *st == stream => text.push_str(s),
            _ => self.pending.push((stream, s.to_string())),
        }
    }

    pub async fn flush(&mut self) {
        for (stream, text) in std::mem::take(&mut self.pending) {
            let _ = match stream {
                Stream::Stdout => self.p.out(&text).await,
                Stream::Stderr => self.p.err(&text).await,
            };
        }
    }

    /// Lets simulated time pass (the cluster moves while we wait).
    pub async fn sleep(&mut self, ms: Millis) {
        self.flush().await;
        self.p.sleep(ms.max(1) as u64).await;
    }

    pub fn cluster(&self) -> RefMut<'_, Cluster> {
        self.cluster.borrow_mut()
    }

    /// Runs `f` with the API server.
    pub fn api<R>(&self, f: impl FnOnce(&mut ApiServer) -> R) -> R {
        let mut c = self.cluster.borrow_mut();
        f(c.api_mut())
    }

    pub fn proc(&self) -> &Proc {
        self.p
    }

    /// Prints an error the way kubectl does and returns the exit code.
    pub fn report(&mut self, e: Fail) -> i32 {
        match e {
            Fail::Msg(m) => {
                // kubectl adds a newline only when the message lacks one,
                // so messages that end in blank lines keep them.
                let nl = if m.ends_with('\n') { "" } else { "\n" };
                self.err(format!("error: {m}{nl}"));
                1
            }
            Fail::Usage(cmd, m) => {
                self.err(format!(
                    "error: {m}\nSee 'kubectl {cmd} --help' for usage.\n"
                ));
                1
            }
            Fail::UsageHelp(cmd, m) => {
                self.err(format!(
                    "error: {m}\nSee 'kubectl {cmd} -h' for help and examples\n"
                ));
                1
            }
            Fail::GroupHelp(path) => {
                match help::group_help(path) {
                    Some((text, true)) => self.err(text),
                    Some((text, false)) => self.out(text),
                    None => self.err(format!("error: {path} requires a subcommand\n")),
                }
                1
            }
            Fail::Api(e, src) => {
                let s = format_api_error(&e, src.as_ref());
                self.err(s);
                1
            }
            Fail::Raw(s) => {
                self.err(s);
                1
            }
            Fail::Exit(code) => code,
        }
    }

    /// Parses a command's flags, turning pflag errors into kubectl's.
    pub fn parse(&self, cmd: &str, args: &[String], defs: &[FlagDef]) -> Res<Parsed> {
        flags::parse(args, defs).map_err(|FlagError(m)| Fail::Usage(cmd.to_string(), m))
    }

    /// The namespace from `-n`, or the context's, or `default`.
    pub fn namespace(&self, f: &Parsed) -> String {
        match f.get("namespace").filter(|n| !n.is_empty()) {
            Some(n) => n.to_string(),
            None => self
                .context_namespace()
                .unwrap_or_else(|| "default".to_string()),
        }
    }

    async fn run(&mut self, args: &[String]) -> Res<i32> {
        // Global flags may come before the command word.
        let mut i = 0;
        let mut globals = Vec::new();
        while i < args.len() && args[i].starts_with('-') && args[i] != "--" {
            let a = &args[i];
            globals.push(a.clone());
            let takes_value = flags::GLOBAL_FLAGS.iter().any(|d| {
                d.kind != flags::FlagKind::Bool
                    && (a == &format!("--{}", d.long)
                        || d.short.is_some_and(|c| a == &format!("-{c}")))
            });
            i += 1;
            if takes_value && i < args.len() {
                globals.push(args[i].clone());
                i += 1;
            }
        }
        let Some(cmd) = args.get(i) else {
            self.out(cmd_misc::ROOT_HELP);
            return Ok(0);
        };
        let mut rest: Vec<String> = globals;
        rest.extend(args[i + 1..].iter().cloned());
        if cmd == "help" {
            let words: Vec<String> = args[i + 1..].to_vec();
            let text = match words.split_first() {
                Some((c, more)) => help::command_help(c, more),
                None => None,
            };
            self.out(text.unwrap_or(cmd_misc::ROOT_HELP));
            return Ok(0);
        }
        if help::asks_for_help(&rest) {
            if let Some(text) = help::command_help(cmd, &args[i + 1..]) {
                self.out(text);
                return Ok(0);
            }
        }
        match cmd.as_str() {
            "get" => cmd_get::get(self, &rest).await,
            "describe" => cmd_get::describe(self, &rest).await,
            "apply" => cmd_apply::apply(self, &rest).await,
            "create" => cmd_apply::create(self, &rest).await,
            "replace" => cmd_apply::replace(self, &rest).await,
            "delete" => cmd_delete::delete(self, &rest).await,
            "run" => cmd_pods::run(self, &rest).await,
            "logs" => cmd_pods::logs(self, &rest).await,
            "exec" => cmd_pods::exec(self, &rest).await,
            "attach" => cmd_pods::attach(self, &rest).await,
            "label" => cmd_label::label(self, &rest).await,
            "annotate" => cmd_label::annotate(self, &rest).await,
            "scale" => cmd_workloads::scale(self, &rest).await,
            "set" => cmd_workloads::set(self, &rest).await,
            "patch" => cmd_workloads::patch(self, &rest).await,
            "expose" => cmd_workloads::expose(self, &rest).await,
            "rollout" => cmd_rollout::rollout(self, &rest).await,
            "cordon" => cmd_node::cordon(self, &rest, true).await,
            "uncordon" => cmd_node::cordon(self, &rest, false).await,
            "drain" => cmd_node::drain(self, &rest).await,
            "taint" => cmd_node::taint(self, &rest).await,
            "wait" => cmd_wait::wait(self, &rest).await,
            "explain" => cmd_wait::explain(self, &rest).await,
            "events" => cmd_wait::events(self, &rest).await,
            "top" if rest.iter().all(|a| a.starts_with('-')) => Err(Fail::GroupHelp("top")),
            "top" => Err(Fail::Msg("Metrics API not available".to_string())),
            "edit" if rest.iter().all(|a| a.starts_with('-')) => {
                Err(Fail::Msg(NO_RESOURCES.to_string()))
            }
            "edit" => Err(Fail::Msg("edit needs an editor, which this terminal does not have; use kubectl apply, patch, set or scale".to_string())),
            "version" => cmd_misc::version(self, &rest).await,
            "api-resources" => cmd_misc::api_resources(self, &rest).await,
            "api-versions" => cmd_misc::api_versions(self, &rest).await,
            "cluster-info" => cmd_misc::cluster_info(self, &rest).await,
            "config" => cmd_misc::config(self, &rest).await,
            "auth" => cmd_misc::auth(self, &rest).await,
            "--help" | "-h" | "help" => {
                self.out(cmd_misc::ROOT_HELP);
                Ok(0)
            }
            other => Err(Fail::Raw(cmd_misc::unknown_command(other))),
        }
    }
}
