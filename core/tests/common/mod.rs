//! Helpers shared by the integration tests: create objects from YAML the way
//! the API server receives them, and read a terminal's output.

// Each test binary compiles this module and uses only some of it.
#![allow(dead_code)]

use podlab_core::apiserver::WriteOptions;
use podlab_core::store::Kind;
use podlab_core::terminal::Line;
use podlab_core::userland::Stream;
use podlab_core::Cluster;

/// Creates every document of `yaml`, panicking on the first rejection:
/// the tests feed only manifests a real API server accepts.
pub fn apply(c: &mut Cluster, yaml: &str) {
    for node in podlab_core::syntax::parse_stream(yaml).expect("valid yaml") {
        let api_version = node
            .get("apiVersion")
            .and_then(|n| n.as_str())
            .unwrap_or("");
        let kind = node.get("kind").and_then(|n| n.as_str()).unwrap_or("");
        let kind = Kind::from_type_meta(api_version, kind).expect("known kind");
        let obj = c.api().decode(kind, &node).expect("decodes");
        c.api_mut()
            .create_object(obj, &WriteOptions::default())
            .expect("created");
    }
}

/// Everything a terminal showed, stdout and stderr in order.
pub fn text(lines: &[Line]) -> String {
    lines.iter().map(|l| l.text.as_str()).collect()
}

/// What a terminal showed on stdout.
pub fn out(lines: &[Line]) -> String {
    only(lines, Stream::Stdout)
}

/// What a terminal showed on stderr.
pub fn err(lines: &[Line]) -> String {
    only(lines, Stream::Stderr)
}

fn only(lines: &[Line], stream: Stream) -> String {
    lines
        .iter()
        .filter(|l| l.stream == stream)
        .map(|l| l.text.as_str())
        .collect()
}
