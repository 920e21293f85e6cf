//! Whole-module tests. The expected messages, values and YAML in the tables
//! were produced by kubectl v1.32 reading the same inputs (`kubectl label
//! --local -f`, `kubectl patch --local -p`, `-o yaml`).

use super::*;
use crate::value::Value;

#[test]
fn broken_manifests_fail_with_kubectls_message_at_the_problem() {
    for (name, input, message, (line, col)) in ERROR_CASES {
        match parse_stream(input) {
            Ok(docs) => panic!("{name}: parsed into {} documents", docs.len()),
            Err(e) => {
                assert_eq!(e.message, *message, "{name}");
                assert_eq!(e.span, Span::new(*line, *col), "{name}");
            }
        }
    }
}

#[test]
fn documents_decode_to_what_kubectl_holds() {
    for (name, input, want) in DOCUMENT_CASES {
        let docs = parse_stream(input).unwrap_or_else(|e| panic!("{name}: {e}"));
        let got: Vec<String> = docs.iter().map(|d| d.to_value().to_json()).collect();
        assert_eq!(got, *want, "{name}");
    }
}

#[test]
fn to_yaml_is_byte_identical_to_kubectl() {
    for (name, input, want) in YAML_GOLDEN {
        let docs = parse_stream(input).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(to_yaml(&docs[0].to_value()), *want, "{name}");
    }
}

/// A document as JSON, or kubectl's error message.
type Outcome = Result<&'static str, &'static str>;

fn kinds(text: &str) -> Vec<Result<String, String>> {
    documents(text)
        .map(|d| d.map(|n| n.to_value().to_json()).map_err(|e| e.message))
        .collect()
}

#[test]
fn streams_are_split_the_way_kubectl_splits_them() {
    let late_brace = format!("{}{{\"a\": 1}}", " ".repeat(4096));
    let cases: &[(&str, &str, &[Outcome])] = &[
        ("empty input has no documents", "", &[]),
        ("only comments and separators have no documents", "# a\n---\n# b\n---\n", &[]),
        ("null documents are skipped", "~\n---\nnull\n---\na: 1\n", &[Ok(r#"{"a":1}"#)]),
        (
            "documents before a syntax error are still read",
            "a: 1\n---\nb: [\n---\nc: 3\n",
            &[
                Ok(r#"{"a":1}"#),
                Err("error converting YAML to JSON: yaml: line 1: did not find expected node content"),
            ],
        ),
        (
            "a bad separator loses the document it would have ended",
            "a: 1\n---\nb: 2\n---x\nc: 3\n",
            &[Ok(r#"{"a":1}"#), Err("invalid Yaml document separator: x")],
        ),
        (
            "anchors do not reach across documents",
            "a: &x 1\n---\nb: *x\n",
            &[Ok(r#"{"a":1}"#), Err("error converting YAML to JSON: yaml: unknown anchor 'x' referenced")],
        ),
        (
            "a dash line that is not a separator stays in the document",
            "a: |\n  x\n  ---- y\n",
            &[Ok(r#"{"a":"x\n---- y\n"}"#)],
        ),
        (
            "go-yaml reads only the first document of a chunk",
            "a: 1\n...\nthis is: [not read\n",
            &[Ok(r#"{"a":1}"#)],
        ),
        (
            "a json stream is read value by value",
            "{\"a\": 1}{\"b\": 2}\n null \n[3]",
            &[Ok(r#"{"a":1}"#), Ok(r#"{"b":2}"#), Ok("[3]")],
        ),
        (
            "json values before a syntax error are still read",
            "{\"a\": 1}\n{\"b\": }",
            &[Ok(r#"{"a":1}"#), Err("json: offset 16: invalid character '}' looking for beginning of value")],
        ),
        (
            "a json value cut short is an unexpected EOF",
            "{\"a\": [1, 2",
            &[Err("unexpected EOF")],
        ),
        (
            "a byte order mark before json is dropped first",
            "\u{feff}\n{\"a\": 1}",
            &[Ok(r#"{"a":1}"#)],
        ),
        (
            "input that only looks like json after 4096 bytes is yaml",
            &late_brace,
            &[Ok(r#"{"a":1}"#)],
        ),
    ];
    for (name, input, want) in cases {
        let want: Vec<Result<String, String>> = want
            .iter()
            .map(|r| r.map(str::to_string).map_err(str::to_string))
            .collect();
        assert_eq!(kinds(input), want, "{name}");
    }
}

fn entry<'a>(node: &'a Node, key: &str) -> (&'a Key, &'a Node) {
    match &node.kind {
        NodeKind::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(k, v)| (k, v))
            .unwrap_or_else(|| panic!("no key {key}")),
        _ => panic!("not a map looking for {key}"),
    }
}

fn item(node: &Node, i: usize) -> &Node {
    match &node.kind {
        NodeKind::Seq(items) => &items[i],
        _ => panic!("not a sequence"),
    }
}

#[test]
fn spans_point_at_keys_values_and_items() {
    let text = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: web\n    image: \"nginx\"\n    ports: [{containerPort: 80}]\n---\n# second\nb: &x [1,\n  2]\nc: *x\n";
    let docs = parse_stream(text).unwrap_or_else(|e| panic!("{e}"));
    let pod = &docs[0];
    let (spec_key, spec) = entry(pod, "spec");
    let (containers_key, containers) = entry(spec, "containers");
    let first = item(containers, 0);
    let (name_key, name) = entry(first, "name");
    let (_, image) = entry(first, "image");
    let (_, ports) = entry(first, "ports");
    let port = item(ports, 0);
    let (port_key, port_value) = entry(port, "containerPort");
    let cases: &[(&str, Span, (u32, u32))] = &[
        ("a top-level key", spec_key.span, (3, 1)),
        ("a block mapping starts at its first key", spec.span, (4, 3)),
        ("a nested key", containers_key.span, (4, 3)),
        (
            "a sequence starts at its first dash",
            containers.span,
            (5, 3),
        ),
        ("a sequence item", first.span, (5, 5)),
        ("a key inside an item", name_key.span, (5, 5)),
        ("a plain value", name.span, (5, 11)),
        ("a quoted value starts at its quote", image.span, (6, 12)),
        ("a flow sequence starts at its bracket", ports.span, (7, 12)),
        ("a flow mapping item", port.span, (7, 13)),
        ("a key in a flow mapping", port_key.span, (7, 14)),
        ("a number in a flow mapping", port_value.span, (7, 29)),
        (
            "a key in the second document",
            entry(&docs[1], "b").0.span,
            (10, 1),
        ),
        (
            "an anchored value starts at its anchor",
            entry(&docs[1], "b").1.span,
            (10, 4),
        ),
        (
            "an item on a continuation line",
            item(entry(&docs[1], "b").1, 1).span,
            (11, 3),
        ),
        (
            "an alias's value is where the alias is",
            entry(&docs[1], "c").1.span,
            (12, 4),
        ),
    ];
    for (name, got, (line, col)) in cases {
        assert_eq!(*got, Span::new(*line, *col), "{name}");
    }
}

#[test]
fn columns_count_characters_not_bytes() {
    let docs = parse_stream("é: [日本, x]\n").unwrap_or_else(|e| panic!("{e}"));
    let (key, value) = entry(&docs[0], "é");
    assert_eq!(key.span, Span::new(1, 1));
    assert_eq!(item(value, 1).span, Span::new(1, 9));
    let err = parse_stream("é: \"日本\n").err().map(|e| e.span);
    assert_eq!(err, Some(Span::new(1, 4)));
}

#[test]
fn parse_value_reads_patches_like_kubectl_patch() {
    let cases: &[(&str, &str, Result<&str, &str>)] = &[
        (
            "a json object",
            r#"{"spec": {"replicas": 3}}"#,
            Ok(r#"{"spec":{"replicas":3}}"#),
        ),
        (
            "yaml",
            "spec:\n  replicas: 3\n  paused: yes",
            Ok(r#"{"spec":{"paused":true,"replicas":3}}"#),
        ),
        (
            "a json patch list is yaml",
            r#"[{"op": "remove", "path": "/a"}]"#,
            Ok(r#"[{"op":"remove","path":"/a"}]"#),
        ),
        ("empty text is null", "", Ok("null")),
        (
            "a yaml error has no converting prefix",
            "data: [",
            Err("yaml: line 1: did not find expected node content"),
        ),
        (
            "an unclosed quote",
            "data: {c: \"x",
            Err("yaml: found unexpected end of stream"),
        ),
        (
            "a dedent",
            "data:\n  c: 1\n d: 2",
            Err("yaml: line 2: did not find expected key"),
        ),
        (
            "a null key",
            "data:\n  ~: x",
            Err("unsupported map key of type: %!s(<nil>), key: <nil>, value: \"x\""),
        ),
        (
            "not a number",
            "data:\n  a: .nan",
            Err("json: unsupported value: NaN"),
        ),
        (
            "a sequence key",
            "data:\n  ? [1]\n  : 2",
            Err("yaml: invalid map key: []interface {}{1}"),
        ),
        (
            "bad json",
            r#"{"a": }"#,
            Err("invalid character '}' looking for beginning of value"),
        ),
        (
            "json with trailing text",
            r#"{"a": 1} x"#,
            Err("invalid character 'x' after top-level value"),
        ),
        (
            "json cut short",
            r#"{"a": 1"#,
            Err("unexpected end of JSON input"),
        ),
    ];
    for (name, input, want) in cases {
        let got = parse_value(input)
            .map(|n| n.to_value().to_json())
            .map_err(|e| e.message);
        let want = want.map(str::to_string).map_err(str::to_string);
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn yaml_and_json_spellings_of_a_manifest_agree() {
    let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n      - {name: web, image: nginx, args: [\"--x=1\"]}\n";
    let json = r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"web","image":"nginx","args":["--x=1"]}]}}}}"#;
    let from_yaml = parse_stream(yaml).map(|d| d[0].to_value());
    let from_json = parse_stream(json).map(|d| d[0].to_value());
    assert_eq!(from_yaml, from_json);
}

#[test]
fn numbers_end_up_as_kubectl_holds_them() {
    let docs = parse_stream("a: 1.0\nb: 1.5\nc: 12345678901234567890\nd: -0.0\ne: 1e21\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let cases: &[(&str, &str, NodeKind)] = &[
        ("a whole float becomes an integer", "a", NodeKind::Int(1)),
        ("a fraction stays a float", "b", NodeKind::Float(1.5)),
        (
            "beyond int64 becomes a float",
            "c",
            NodeKind::Float(12345678901234567890.0),
        ),
        ("negative zero becomes zero", "d", NodeKind::Int(0)),
        (
            "a float printed with an exponent stays a float",
            "e",
            NodeKind::Float(1e21),
        ),
    ];
    for (name, key, want) in cases {
        assert_eq!(&entry(&docs[0], key).1.kind, want, "{name}");
    }
}

#[test]
fn to_yaml_spells_values_built_in_code_like_kubectl() {
    let obj = |pairs: &[(&str, Value)]| {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    };
    let cases: &[(&str, Value, &str)] = &[
        ("a root scalar", Value::from("web"), "web\n"),
        ("a root list", Value::Array(vec![1.into(), "x".into()]), "- 1\n- x\n"),
        ("an empty object", Value::object(), "{}\n"),
        ("null", Value::Null, "null\n"),
        (
            "floats go through json and back",
            obj(&[
                ("a", Value::Float(1e-7)),
                ("b", Value::Float(1e21)),
                ("c", Value::Float(123456789.5)),
                ("d", Value::Float(1e20)),
                ("e", Value::Float(1234567.5)),
                ("f", Value::Float(100000.5)),
                ("g", Value::Float(2.0)),
                ("h", Value::Float(-0.0)),
                ("i", Value::Float(0.0001)),
                ("j", Value::Float(1.2345678901234567e18)),
            ]),
            "a: 1e-07\nb: 1e+21\nc: 1.234567895e+08\nd: 1e+20\ne: 1.2345675e+06\nf: 100000.5\ng: 2\nh: 0\ni: 0.0001\nj: 1234567890123456800\n",
        ),
        (
            "keys sort with digits as numbers and letters last",
            obj(&[("a10", 1.into()), ("a9", 1.into()), ("aZ", 1.into()), ("a_b", 1.into()), ("a-b", 1.into())]),
            "a-b: 1\na_b: 1\na9: 1\na10: 1\naZ: 1\n",
        ),
        (
            "nested empty collections stay on the key's line",
            obj(&[("a", Value::Array(vec![])), ("b", obj(&[("c", Value::object())]))]),
            "a: []\nb:\n  c: {}\n",
        ),
        (
            "lists of lists indent the inner dash",
            obj(&[("a", Value::Array(vec![Value::Array(vec![1.into(), 2.into()]), Value::Array(vec![])]))]),
            "a:\n- - 1\n  - 2\n- []\n",
        ),
        (
            "a string with a next-line character is folded as kubectl's json round trip does",
            obj(&[("a", Value::from("x\u{85}y"))]),
            "a: x y\n",
        ),
        (
            "a string starting with a byte order mark gets every character escaped",
            obj(&[("a", Value::from("\u{feff}ab"))]),
            "a: \"\\uFEFF\\x61\\x62\"\n",
        ),
    ];
    for (name, value, want) in cases {
        assert_eq!(to_yaml(value), *want, "{name}");
    }
}

#[test]
fn nesting_is_bounded_with_an_error_instead_of_a_stack_overflow() {
    let deep =
        |open: &str, close: &str, n: usize| format!("a: {}{}\n", open.repeat(n), close.repeat(n));
    let block = |n: usize| {
        (0..n)
            .map(|i| format!("{}k:\n", "  ".repeat(i)))
            .collect::<String>()
    };
    let json = |n: usize| format!("{{\"a\": {}{}}}", "[".repeat(n), "]".repeat(n));
    let nested_alias = format!(
        "x: &x {}{}\ny: {}*x{}\n",
        "[".repeat(200),
        "]".repeat(200),
        "[".repeat(200),
        "]".repeat(200)
    );
    let laughs = (1..9).fold(
        String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"),
        |mut s, i| {
            let refs = vec![format!("*a{}", i - 1); 9].join(", ");
            s.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
            s
        },
    );
    let cases: &[(&str, String, Result<(), &str>)] = &[
        (
            "the deepest flow nesting allowed is fine",
            deep("[", "]", 255),
            Ok(()),
        ),
        (
            "deeper flow nesting is refused",
            deep("[", "]", 257),
            Err("error converting YAML to JSON: yaml: exceeded max depth of 256"),
        ),
        (
            "the deepest block nesting allowed is fine",
            block(255),
            Ok(()),
        ),
        (
            "deeper block nesting is refused",
            block(258),
            Err("error converting YAML to JSON: yaml: line 257: exceeded max depth of 256"),
        ),
        (
            "deep json is refused",
            json(300),
            Err("json: offset 262: invalid character '[' exceeded max depth"),
        ),
        (
            "aliases cannot nest past the limit",
            nested_alias,
            Err("error converting YAML to JSON: yaml: exceeded max depth of 256"),
        ),
        (
            "alias bombs are refused",
            laughs,
            Err("error converting YAML to JSON: yaml: document contains excessive aliasing"),
        ),
    ];
    for (name, input, want) in cases {
        let got = parse_stream(input).map(|_| ()).map_err(|e| e.message);
        assert_eq!(got, want.map_err(str::to_string), "{name}");
    }
}

/// A small deterministic generator, so that the random tests are repeatable.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const FRAGMENTS: &[&str] = &[
    ":",
    "-",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "\t",
    "\n",
    " ",
    "#",
    "&a",
    "*a",
    "!",
    "!!str ",
    "|",
    ">",
    "?",
    ",",
    "%",
    "@",
    "`",
    ".",
    "~",
    "<<: ",
    "0x1F",
    "1e3",
    "yes",
    "\\",
    "---\n",
    "...\n",
    "- ",
    ": ",
    "\u{feff}",
    "é",
    "\u{85}",
    "\u{2028}",
    "\u{1}",
    "\r\n",
    "{\"a\": [1, 2]}",
    "  ",
    "&a [*a]",
];

const SEEDS: &[&str] = &[
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  containers:\n  - name: web\n    image: nginx\n    args: [\"a\", 'b']\n",
    "a: &x {b: 1}\nc:\n  <<: *x\n  d: |\n    text\n  e: >-\n    folded\n---\n- [1, 2]\n- ? k\n  : v\n",
    "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"data\": {\"k\": \"v\\u00e9\"}}\n",
    "s: \"multi\n  line\\tescape\"\nt: 'it''s'\nu: !!binary aGVsbG8=\n",
];

fn mutate(rng: &mut XorShift, seed: &str) -> String {
    let mut chars: Vec<char> = seed.chars().collect();
    for _ in 0..=rng.below(4) {
        let at = rng.below(chars.len() + 1);
        match rng.below(4) {
            0 if at < chars.len() => {
                chars.remove(at);
            }
            1 => chars.truncate(at),
            _ => {
                let piece = FRAGMENTS[rng.below(FRAGMENTS.len())];
                for (i, c) in piece.chars().enumerate() {
                    chars.insert(at + i, c);
                }
            }
        }
    }
    chars.into_iter().collect()
}

/// Whether kubectl's `-o yaml` would read back as the same value. Two
/// things do not, in kubectl as here: U+0085 (NEL), which its JSON-to-YAML
/// step folds as a line break, and a `<<` key, printed plain and so read
/// back as a merge key.
fn reads_back_unchanged(v: &Value) -> bool {
    match v {
        Value::String(s) => !s.contains('\u{85}'),
        Value::Array(items) => items.iter().all(reads_back_unchanged),
        Value::Object(m) => m
            .iter()
            .all(|(k, v)| !k.contains('\u{85}') && k != "<<" && reads_back_unchanged(v)),
        _ => true,
    }
}

#[test]
fn random_and_mutated_manifests_never_panic_and_round_trip_through_to_yaml() {
    let mut rng = XorShift(0x5eed_1234_abcd_0001);
    for round in 0..3000 {
        let text = if round % 5 == 0 {
            (0..rng.below(40))
                .map(|_| FRAGMENTS[rng.below(FRAGMENTS.len())])
                .collect()
        } else {
            {
                let seed = SEEDS[rng.below(SEEDS.len())];
                mutate(&mut rng, seed)
            }
        };
        let _ = parse_value(&text);
        for doc in documents(&text) {
            let Ok(doc) = doc else { break };
            let value = doc.to_value();
            let yaml = to_yaml(&value);
            if !reads_back_unchanged(&value) {
                continue;
            }
            let back = parse_stream(&yaml).map(|d| d.first().map(Node::to_value));
            // A top-level null document is skipped when read back.
            let expected = if value.is_null() {
                None
            } else {
                Some(value.clone())
            };
            assert_eq!(
                back,
                Ok(expected),
                "round {round}: {text:?} printed as {yaml:?}"
            );
        }
    }
}
const ERROR_CASES: &[(&str, &str, &str, (u32, u32))] = &[
    (
        "anchor with dot",
        r#"a: &x.y 1
"#,
        r#"error converting YAML to JSON: yaml: did not find expected alphabetic or numeric character"#,
        (1, 6),
    ),
    (
        "at sign",
        r#"metadata:
  name: @web
"#,
        r#"error converting YAML to JSON: yaml: line 2: found character that cannot start any token"#,
        (2, 9),
    ),
    (
        "bad binary",
        r#"data:
  b: !!binary "not base64!"
"#,
        r#"error converting YAML to JSON: yaml: !!binary value contains invalid base64 data"#,
        (2, 6),
    ),
    (
        "bad int tag",
        r#"spec:
  replicas: !!int three
"#,
        r#"error converting YAML to JSON: yaml: cannot decode !!str `three` as a !!int"#,
        (2, 13),
    ),
    (
        "bad merge",
        r#"a: &x 1
b:
  <<: *x
"#,
        r#"error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value"#,
        (3, 7),
    ),
    (
        "bad separator",
        r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: a
--- !!map
kind: Pod
"#,
        r#"invalid Yaml document separator: !!map"#,
        (5, 1),
    ),
    (
        "control character",
        "a: b\u{1}c\n",
        r#"error converting YAML to JSON: yaml: control characters are not allowed"#,
        (1, 5),
    ),
    (
        "dedented key",
        r#"metadata:
  name: web
 labels: {}
"#,
        r#"error converting YAML to JSON: yaml: line 2: did not find expected key"#,
        (3, 2),
    ),
    (
        "error in second document",
        r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: a
---
apiVersion: v1
kind: Pod
metadata:
  name: b
   bad: x
"#,
        r#"error converting YAML to JSON: yaml: line 5: mapping values are not allowed in this context"#,
        (10, 7),
    ),
    (
        "error on first line",
        r#"apiVersion: v1: x
kind: Pod
"#,
        r#"error converting YAML to JSON: yaml: mapping values are not allowed in this context"#,
        (1, 15),
    ),
    (
        "extra bracket",
        r#"args: [1, 2]]
"#,
        r#"error converting YAML to JSON: yaml: did not find expected key"#,
        (1, 13),
    ),
    (
        "infinity",
        r#"spec:
  ratio: .inf
"#,
        r#"error converting YAML to JSON: json: unsupported value: +Inf"#,
        (2, 10),
    ),
    (
        "json after byte order mark",
        "\u{feff}\n{\"a\": 1,}\n",
        r#"json: offset 10: invalid character '}' looking for beginning of object key string"#,
        (2, 9),
    ),
    (
        "json garbage after object",
        r#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}
kind: Pod
"#,
        r#"json: offset 70: invalid character 'k' looking for beginning of value"#,
        (2, 1),
    ),
    (
        "json missing comma",
        r#"{"apiVersion": "v1"
 "kind": "Pod"}
"#,
        r#"json: offset 22: invalid character '"' after object key:value pair"#,
        (2, 2),
    ),
    (
        "json trailing comma",
        r#"{"apiVersion": "v1",
 "kind": "ConfigMap",
 "metadata": {"name": "x",}}
"#,
        r#"json: offset 70: invalid character '}' looking for beginning of object key string"#,
        (3, 27),
    ),
    (
        "json unclosed",
        r#"{"apiVersion": "v1",
 "kind": "Pod"
"#,
        r#"unexpected EOF"#,
        (3, 1),
    ),
    (
        "map as key",
        r#"? {b: 1, ~: 2, 3: c, "": d, 0x1F: e}
: v
"#,
        r#"error converting YAML to JSON: yaml: invalid map key: map[interface {}]interface {}{interface {}(nil):2, "":"d", "b":1, 3:"c", 31:"e"}"#,
        (1, 3),
    ),
    (
        "mapping after sequence",
        r#"- a
b: c
"#,
        r#"error converting YAML to JSON: yaml: line 1: did not find expected '-' indicator"#,
        (2, 1),
    ),
    (
        "misaligned sequence item",
        r#"spec:
  containers:
  - name: a
   image: b
"#,
        r#"error converting YAML to JSON: yaml: line 3: did not find expected key"#,
        (4, 4),
    ),
    (
        "missing colon",
        r#"kind: Pod
metadata
  name: web
"#,
        r#"error converting YAML to JSON: yaml: line 3: could not find expected ':'"#,
        (2, 1),
    ),
    (
        "null key",
        r#"data:
  ~: x
"#,
        r#"error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: "x""#,
        (2, 3),
    ),
    (
        "over indented key",
        r#"metadata:
  name: web
    labels: {}
"#,
        r#"error converting YAML to JSON: yaml: line 3: mapping values are not allowed in this context"#,
        (3, 11),
    ),
    (
        "second colon in value",
        r#"metadata:
  name: web: x
"#,
        r#"error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context"#,
        (2, 12),
    ),
    (
        "self referencing alias",
        r#"a: &x [*x]
"#,
        r#"error converting YAML to JSON: yaml: anchor 'x' value contains itself"#,
        (1, 8),
    ),
    (
        "sequence after mapping",
        r#"kind: Pod
- a
"#,
        r#"error converting YAML to JSON: yaml: line 1: did not find expected key"#,
        (2, 1),
    ),
    (
        "sequence key",
        r#"data:
  ? [1, a]
  : 2
"#,
        r#"error converting YAML to JSON: yaml: invalid map key: []interface {}{1, "a"}"#,
        (2, 5),
    ),
    (
        "tab indentation",
        "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: web\n",
        r#"error converting YAML to JSON: yaml: line 4: found character that cannot start any token"#,
        (4, 1),
    ),
    (
        "tab inside mapping",
        "metadata:\n  name: web\n  labels:\n  \tapp: web\n",
        r#"error converting YAML to JSON: yaml: line 4: found character that cannot start any token"#,
        (4, 3),
    ),
    (
        "unclosed double quote",
        r#"metadata:
  name: "web
  labels: {}
"#,
        r#"error converting YAML to JSON: yaml: line 4: found unexpected end of stream"#,
        (2, 9),
    ),
    (
        "unclosed flow mapping",
        r#"metadata: {name: web
"#,
        r#"error converting YAML to JSON: yaml: line 1: did not find expected ',' or '}'"#,
        (1, 11),
    ),
    (
        "unclosed flow sequence",
        r#"spec:
  args: [a, b
  image: nginx
"#,
        r#"error converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'"#,
        (3, 8),
    ),
    (
        "unclosed flow sequence at end",
        r#"spec:
  args: [a, b
"#,
        r#"error converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'"#,
        (2, 9),
    ),
    (
        "unclosed single quote",
        r#"metadata:
  name: 'web
"#,
        r#"error converting YAML to JSON: yaml: line 3: found unexpected end of stream"#,
        (2, 9),
    ),
    (
        "unknown alias",
        r#"metadata:
  name: *web
"#,
        r#"error converting YAML to JSON: yaml: unknown anchor 'web' referenced"#,
        (2, 9),
    ),
    (
        "unknown escape",
        r#"metadata:
  name: "a\qb"
"#,
        r#"error converting YAML to JSON: yaml: line 2: found unknown escape character"#,
        (2, 11),
    ),
];

const DOCUMENT_CASES: &[(&str, &str, &[&str])] = &[
    (
        "anchors and merge",
        r#"base: &base
  a: 1
  b: 2
other: &other {b: 20, c: 30}
merged:
  <<: *base
  b: 3
merged_list:
  <<: [*base, *other]
explicit_first:
  b: 0
  <<: *base
alias_scalar: &s hello
copy: *s
list: &l [1, 2]
list_copy: *l
"#,
        &[r#"{"alias_scalar":"hello","base":{"a":1,"b":2},"copy":"hello","explicit_first":{"a":1,"b":2},"list":[1,2],"list_copy":[1,2],"merged":{"a":1,"b":3},"merged_list":{"a":1,"b":2,"c":30},"other":{"b":20,"c":30}}"#],
    ),
    (
        "block scalars",
        r#"literal: |
  line1
  line2
strip: |-
  text
keep: |+
  text

folded: >
  a
  b

  c
folded_strip: >-
  x
   indented
  y
indicator: |2
    two extra
empty_keep: |+

last: end
"#,
        &[r#"{"empty_keep":"\n","folded":"a b\nc\n","folded_strip":"x\n indented\ny","indicator":"  two extra\n","keep":"text\n\n","last":"end","literal":"line1\nline2\n","strip":"text"}"#],
    ),
    (
        "bom",
        "\u{feff}a: bom\n",
        &[r#"{"a":"bom"}"#],
    ),
    (
        "crlf",
        "a: 1\r\nb:\r\n  - x\r\n  - \"y\"\r\n",
        &[r#"{"a":1,"b":["x","y"]}"#],
    ),
    (
        "duplicate keys",
        r#"a: 1
b: x
a: 2
nested:
  k: v1
  k: v2
"#,
        &[r#"{"a":2,"b":"x","nested":{"k":"v2"}}"#],
    ),
    (
        "flow styles",
        r#"f: {a: [1, {b: c}], "q": 'v', empty: {}, list: []}
seq: [a, b: c, {d: e}]
compact: [?x, ? y : z]
"#,
        &[r#"{"compact":[{"x":null},{"true":"z"}],"f":{"a":[1,{"b":"c"}],"empty":{},"list":[],"q":"v"},"seq":["a",{"b":"c"},{"d":"e"}]}"#],
    ),
    (
        "json stream",
        r#"{"a": 1, "b": [true, null, 1.5, "x"]}
{"c": {}}
null
  {"d": 2}"#,
        &[r#"{"a":1,"b":[true,null,1.5,"x"]}"#, r#"{"c":{}}"#, r#"{"d":2}"#],
    ),
    (
        "leading separator",
        r#"---
a: 1
"#,
        &[r#"{"a":1}"#],
    ),
    (
        "multi docs",
        r#"# only a comment
---
---
a: 1
...
--- # with comment
b: 2
---

---
~
---
c: [3]
"#,
        &[r#"{"a":1}"#, r#"{"b":2}"#, r#"{"c":[3]}"#],
    ),
    (
        "no trailing newline",
        r#"a: no newline at end"#,
        &[r#"{"a":"no newline at end"}"#],
    ),
    (
        "non string keys",
        r#"1: int
true: bool
1.5: float
0.1: tenth
2001-01-01: date
n: letter n
1.0: whole float
"#,
        &[r#"{"0.1":"tenth","1":"whole float","1.5":"float","2001-01-01":"date","false":"letter n","true":"bool"}"#],
    ),
    (
        "quoted scalars",
        r#"dq: "a
  b

  c"
sq: 'it''s
  folded'
esc: "\t\x41\u00e9\U0001F600\N\_\
  continued"
plain: a
  b #not a comment? no
"#,
        &["{\"dq\":\"a b\\nc\",\"esc\":\"\\tAé😀\u{85} continued\",\"plain\":\"a b\",\"sq\":\"it's folded\"}"],
    ),
    (
        "tags",
        r#"s: !!str 123
i: !!int "12"
f: !!float 1
b: !!binary aGVsbG8=
local: !foo bar
bang: ! 12
nul: !!null ""
strempty: !!str
ts: !!timestamp 2001-01-01
bool: !!bool yes
"#,
        &[r#"{"b":"hello","bang":"12","bool":true,"f":1,"i":12,"local":"bar","nul":null,"s":"123","strempty":"","ts":"2001-01-01"}"#],
    ),
    (
        "yaml11 scalars",
        r#"v: [yes, No, on, OFF, y, n, ~, null, "", 0x1F, 0777, 0o17, 0b101, -0b101, 1_000, 1.5e3, 2001-12-14, True, tRue, 1e3, +12, -0, 0., 08, .5, 1:20, 1.2.3, .inf_x, "yes", '1', -, <<, 0x, 1e400]
"#,
        &[r#"{"v":[true,false,true,false,true,false,null,null,"",31,511,15,5,-5,1000,1500,"2001-12-14",true,"tRue",1000,12,0,0,8,0.5,"1:20","1.2.3",".inf_x","yes","1","-","\u003c\u003c","0x","1e400"]}"#],
    ),
];

const YAML_GOLDEN: &[(&str, &str, &str)] = &[
    (
        "configmap strings",
        r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: strings
  labels: {foo: bar}
data:
  app.properties: |
    color=blue
    size=10
  no-trailing-newline: "line one\nline two"
  two-trailing-newlines: "x\n\n"
  leading-space-block: "  indented\nnext\n"
  trailing-space-line: "a \nb"
  tabbed: "col1\tcol2"
  empty: ""
  "yes": "yes"
  number: "80"
  float: "1.5"
  octal: "0777"
  boolean: "True"
  tilde: "~"
  date: "2024-01-01"
  base60: "1:20"
  port-mapping: "8080:80"
  colon-space: "key: value"
  hash: "a #b"
  star: "*/5 * * * *"
  dash-start: "- item"
  dash-word: "-v"
  question: "? x"
  brace: "{a: 1}"
  bracket-inside: "a[0]"
  quote-inside: "it's"
  double-quote-start: "\"quoted\""
  leading-space: " x"
  trailing-space: "x "
  unicode: "café 日本"
  emoji: "hi 😀"
  nbsp: "a b"
  bell: "ding\u0007"
  dots: "..."
  dashes: "---"
  url: "http://example.com/a?b=c#d"
  long-plain: "This is a fairly long sentence that goes on and on well past the eighty column mark so that it folds"
  long-with-colon: "error: this is a fairly long sentence that goes on and on well past the eighty column mark so it folds: yes"
  long-no-spaces: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
  long-double: "tab\there and a fairly long sentence that goes on and on well past the eighty column mark so that it folds"
  ? "a key that is much longer than one hundred and twenty eight characters so that go-yaml writes it as an explicit key with a question mark"
  : value
"#,
        r#"apiVersion: v1
data:
  ? a key that is much longer than one hundred and twenty eight characters so that
    go-yaml writes it as an explicit key with a question mark
  : value
  app.properties: |
    color=blue
    size=10
  base60: "1:20"
  bell: "ding\a"
  boolean: "True"
  brace: '{a: 1}'
  bracket-inside: a[0]
  colon-space: 'key: value'
  dash-start: '- item'
  dash-word: -v
  dashes: '---'
  date: "2024-01-01"
  dots: '...'
  double-quote-start: '"quoted"'
  emoji: "hi \U0001F600"
  empty: ""
  float: "1.5"
  hash: 'a #b'
  leading-space: ' x'
  leading-space-block: |2
      indented
    next
  long-double: "tab\there and a fairly long sentence that goes on and on well past
    the eighty column mark so that it folds"
  long-no-spaces: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
  long-plain: This is a fairly long sentence that goes on and on well past the eighty
    column mark so that it folds
  long-with-colon: 'error: this is a fairly long sentence that goes on and on well
    past the eighty column mark so it folds: yes'
  nbsp: a b
  no-trailing-newline: |-
    line one
    line two
  number: "80"
  octal: "0777"
  port-mapping: 8080:80
  question: '? x'
  quote-inside: it's
  star: '*/5 * * * *'
  tabbed: "col1\tcol2"
  tilde: "~"
  trailing-space: 'x '
  trailing-space-line: "a \nb"
  two-trailing-newlines: |+
    x

  unicode: café 日本
  url: http://example.com/a?b=c#d
  "yes": "yes"
kind: ConfigMap
metadata:
  labels:
    foo: bar
  name: strings
"#,
    ),
    (
        "cronjob",
        r#"apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
  labels: {foo: bar}
spec:
  schedule: "*/1 * * * *"
  successfulJobsHistoryLimit: 3
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox:1.28
            imagePullPolicy: IfNotPresent
            command:
            - /bin/sh
            - -c
            - date; echo Hello from the Kubernetes cluster
          restartPolicy: OnFailure
          nodeSelector: {}
      backoffLimit: 6
      activeDeadlineSeconds: 100.5
      completions: 1.0
  items: [[], [[1, 2], {}], {a: [x]}]
"#,
        r#"apiVersion: batch/v1
kind: CronJob
metadata:
  labels:
    foo: bar
  name: hello
spec:
  items:
  - []
  - - - 1
      - 2
    - {}
  - a:
    - x
  jobTemplate:
    spec:
      activeDeadlineSeconds: 100.5
      backoffLimit: 6
      completions: 1
      template:
        spec:
          containers:
          - command:
            - /bin/sh
            - -c
            - date; echo Hello from the Kubernetes cluster
            image: busybox:1.28
            imagePullPolicy: IfNotPresent
            name: hello
          nodeSelector: {}
          restartPolicy: OnFailure
  schedule: '*/1 * * * *'
  successfulJobsHistoryLimit: 3
"#,
    ),
    (
        "pod with status",
        r#"apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{},"name":"web","namespace":"default"},"spec":{"containers":[{"image":"nginx:1.25","name":"web","ports":[{"containerPort":80}]}]}}
  creationTimestamp: "2024-05-01T10:00:00Z"
  labels: {foo: bar, run: web}
  name: web
  namespace: default
  resourceVersion: "12345"
  uid: 1f1b6a3c-2b7e-4d7a-9a44-3c2f0a8f6b21
spec:
  containers:
  - image: nginx:1.25
    imagePullPolicy: IfNotPresent
    name: web
    ports:
    - containerPort: 80
      protocol: TCP
    resources: {}
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
  - name: sidecar
    image: nginx:doesnotexist
    args: ["--port=8080", "--verbose", "true"]
  dnsPolicy: ClusterFirst
  enableServiceLinks: true
  nodeName: worker-1
  priority: 0
  restartPolicy: Always
  securityContext: {}
  terminationGracePeriodSeconds: 30
  tolerations:
  - effect: NoExecute
    key: node.kubernetes.io/not-ready
    operator: Exists
    tolerationSeconds: 300
status:
  conditions:
  - lastProbeTime: null
    lastTransitionTime: "2024-05-01T10:00:02Z"
    status: "True"
    type: Ready
  containerStatuses:
  - containerID: containerd://4b1c
    image: docker.io/library/nginx:1.25
    lastState: {}
    ready: true
    restartCount: 0
    started: true
    state:
      running:
        startedAt: "2024-05-01T10:00:01Z"
  - name: sidecar
    ready: false
    state:
      waiting:
        message: 'Back-off pulling image "nginx:doesnotexist": ErrImagePull: rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:doesnotexist": failed to resolve reference "docker.io/library/nginx:doesnotexist": docker.io/library/nginx:doesnotexist: not found'
        reason: ImagePullBackOff
  hostIP: 10.0.0.2
  phase: Running
  podIP: 10.244.1.5
  podIPs:
  - ip: 10.244.1.5
  qosClass: BestEffort
  startTime: "2024-05-01T10:00:00Z"
"#,
        r#"apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{},"name":"web","namespace":"default"},"spec":{"containers":[{"image":"nginx:1.25","name":"web","ports":[{"containerPort":80}]}]}}
  creationTimestamp: "2024-05-01T10:00:00Z"
  labels:
    foo: bar
    run: web
  name: web
  namespace: default
  resourceVersion: "12345"
  uid: 1f1b6a3c-2b7e-4d7a-9a44-3c2f0a8f6b21
spec:
  containers:
  - image: nginx:1.25
    imagePullPolicy: IfNotPresent
    name: web
    ports:
    - containerPort: 80
      protocol: TCP
    resources: {}
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
  - args:
    - --port=8080
    - --verbose
    - "true"
    image: nginx:doesnotexist
    name: sidecar
  dnsPolicy: ClusterFirst
  enableServiceLinks: true
  nodeName: worker-1
  priority: 0
  restartPolicy: Always
  securityContext: {}
  terminationGracePeriodSeconds: 30
  tolerations:
  - effect: NoExecute
    key: node.kubernetes.io/not-ready
    operator: Exists
    tolerationSeconds: 300
status:
  conditions:
  - lastProbeTime: null
    lastTransitionTime: "2024-05-01T10:00:02Z"
    status: "True"
    type: Ready
  containerStatuses:
  - containerID: containerd://4b1c
    image: docker.io/library/nginx:1.25
    lastState: {}
    ready: true
    restartCount: 0
    started: true
    state:
      running:
        startedAt: "2024-05-01T10:00:01Z"
  - name: sidecar
    ready: false
    state:
      waiting:
        message: 'Back-off pulling image "nginx:doesnotexist": ErrImagePull: rpc error:
          code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:doesnotexist":
          failed to resolve reference "docker.io/library/nginx:doesnotexist": docker.io/library/nginx:doesnotexist:
          not found'
        reason: ImagePullBackOff
  hostIP: 10.0.0.2
  phase: Running
  podIP: 10.244.1.5
  podIPs:
  - ip: 10.244.1.5
  qosClass: BestEffort
  startTime: "2024-05-01T10:00:00Z"
"#,
    ),
];
