//! `podlab shell`: an interactive session on the simulated cluster.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use podlab_core::terminal::Session;
use podlab_core::userland::Stream;
use podlab_core::{Cluster, ClusterConfig};

pub fn shell(seed: u64, workers: u32) -> ExitCode {
    let cluster = Cluster::new(ClusterConfig {
        seed,
        workers,
        ..ClusterConfig::default()
    });
    let mut session = Session::new(cluster);
    println!("Podlab: a simulated Kubernetes cluster. Type kubectl commands; `sleep 30` lets 30 simulated seconds pass; `exit` leaves.");
    let stdin = std::io::stdin();
    let mut buf = String::new();
    loop {
        print!("{}", if buf.is_empty() { "controlplane:~$ " } else { "> " });
        let _ = std::io::stdout().flush();
        let mut line = String::new();
        match stdin.lock().read_line(&mut line) {
            Ok(0) | Err(_) => return ExitCode::SUCCESS,
            Ok(_) => {}
        }
        buf.push_str(&line);
        if podlab_core::terminal::split_commands(&buf).is_err() {
            continue;
        }
        for l in session.run(&std::mem::take(&mut buf)) {
            match l.stream {
                Stream::Stdout => print!("{}", l.text),
                Stream::Stderr => eprint!("{}", l.text),
            }
        }
        if session.ended() {
            return ExitCode::SUCCESS;
        }
    }
}
