//! Behaviour tests for the patch functions, table-driven, with inputs
//! written as JSON.

use super::apply::{self, Outcome, PatchType, LAST_APPLIED_ANNOTATION};
use super::schema::{schema_for, Schema};
use super::{json_patch, merge_patch, strategic, PatchErrorKind, MAX_DEPTH};
use crate::value::{Map, Value};

fn j(text: &str) -> Value {
    match crate::syntax::parse_value(text) {
        Ok(node) => node.to_value(),
        Err(e) => panic!("test JSON does not parse: {e}: {text}"),
    }
}

fn schema(kind: &str) -> &'static Schema {
    schema_for(kind).unwrap_or_else(|| panic!("no schema for {kind}"))
}

/// What a case expects: a value (as JSON), or an error of some kind with
/// some text.
enum Want<'a> {
    Ok(&'a str),
    Err(PatchErrorKind, &'a str),
}

fn check(name: &str, got: Result<Value, super::PatchError>, want: &Want) {
    match (got, want) {
        (Ok(v), Want::Ok(text)) => assert_eq!(
            v.to_json(),
            j(text).to_json(),
            "case: {name}\n got: {}\nwant: {text}",
            v.to_json()
        ),
        (Err(e), Want::Err(kind, msg)) => {
            assert_eq!(e.kind, *kind, "case: {name}: {}", e.message);
            assert_eq!(e.message, *msg, "case: {name}");
        }
        (Ok(v), Want::Err(_, msg)) => {
            panic!("case: {name}: got {}, want error {msg}", v.to_json())
        }
        (Err(e), Want::Ok(text)) => panic!("case: {name}: got error {e}, want {text}"),
    }
}

// ---- JSON merge patch ----

#[test]
fn merge_patch_follows_the_rfc_7386_examples() {
    use PatchErrorKind::BadRequest;
    let cases: &[(&str, &str, &str, Want)] = &[
        (
            "a changed member is replaced",
            r#"{"a":"b"}"#,
            r#"{"a":"c"}"#,
            Want::Ok(r#"{"a":"c"}"#),
        ),
        (
            "a new member is added",
            r#"{"a":"b"}"#,
            r#"{"b":"c"}"#,
            Want::Ok(r#"{"a":"b","b":"c"}"#),
        ),
        (
            "null removes a member",
            r#"{"a":"b"}"#,
            r#"{"a":null}"#,
            Want::Ok("{}"),
        ),
        (
            "null removes only its member",
            r#"{"a":"b","b":"c"}"#,
            r#"{"a":null}"#,
            Want::Ok(r#"{"b":"c"}"#),
        ),
        (
            "a scalar replaces a list",
            r#"{"a":["b"]}"#,
            r#"{"a":"c"}"#,
            Want::Ok(r#"{"a":"c"}"#),
        ),
        (
            "a list replaces a scalar",
            r#"{"a":"c"}"#,
            r#"{"a":["b"]}"#,
            Want::Ok(r#"{"a":["b"]}"#),
        ),
        (
            "objects merge and nested nulls delete",
            r#"{"a":{"b":"c"}}"#,
            r#"{"a":{"b":"d","c":null}}"#,
            Want::Ok(r#"{"a":{"b":"d"}}"#),
        ),
        (
            "lists are replaced whole",
            r#"{"a":[{"b":"c"}]}"#,
            r#"{"a":[1]}"#,
            Want::Ok(r#"{"a":[1]}"#),
        ),
        (
            "a list patch replaces a list",
            r#"["a","b"]"#,
            r#"["c","d"]"#,
            Want::Ok(r#"["c","d"]"#),
        ),
        (
            "a list patch replaces an object",
            r#"{"a":"b"}"#,
            r#"["c"]"#,
            Want::Ok(r#"["c"]"#),
        ),
        (
            "a null patch is refused, unlike the RFC",
            r#"{"a":"foo"}"#,
            "null",
            Want::Err(BadRequest, "Invalid JSON Patch"),
        ),
        (
            "a scalar patch is refused, unlike the RFC",
            r#"{"a":"foo"}"#,
            r#""bar""#,
            Want::Err(BadRequest, "Invalid JSON Patch"),
        ),
        (
            "nulls already in the document stay",
            r#"{"e":null}"#,
            r#"{"a":1}"#,
            Want::Ok(r#"{"a":1,"e":null}"#),
        ),
        (
            "an object patch replaces a list document",
            "[1,2]",
            r#"{"a":"b","c":null}"#,
            Want::Ok(r#"{"a":"b"}"#),
        ),
        (
            "nulls inside an added object are pruned",
            "{}",
            r#"{"a":{"bb":{"ccc":null}}}"#,
            Want::Ok(r#"{"a":{"bb":{}}}"#),
        ),
        (
            "nulls inside an added list are pruned, elements too",
            "{}",
            r#"{"a":[{"b":null,"c":1},null]}"#,
            Want::Ok(r#"{"a":[{"c":1}]}"#),
        ),
        (
            "a list patch loses its null elements",
            "[1,2]",
            "[1,null,3]",
            Want::Ok("[1,3]"),
        ),
        (
            "a list replacing an object keeps its nulls",
            r#"{"a":{"x":1}}"#,
            r#"{"a":[{"b":null}]}"#,
            Want::Ok(r#"{"a":[{"b":null}]}"#),
        ),
        (
            "labels merge into metadata",
            r#"{"metadata":{"labels":{"app":"web"},"name":"x"}}"#,
            r#"{"metadata":{"labels":{"tier":"fe"}}}"#,
            Want::Ok(r#"{"metadata":{"labels":{"app":"web","tier":"fe"},"name":"x"}}"#),
        ),
    ];
    for (name, doc, patch, want) in cases {
        check(name, merge_patch::apply(&j(doc), &j(patch)), want);
    }
}

#[test]
fn merge_patch_create_diffs_two_documents() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "identical documents give an empty patch",
            r#"{"a":1,"b":{"c":[1]}}"#,
            r#"{"a":1,"b":{"c":[1]}}"#,
            "{}",
        ),
        (
            "a removed key becomes null",
            r#"{"a":1,"b":2}"#,
            r#"{"a":1}"#,
            r#"{"b":null}"#,
        ),
        (
            "a nested change carries only the change",
            r#"{"m":{"labels":{"a":"1","b":"2"}}}"#,
            r#"{"m":{"labels":{"a":"1","b":"3"}}}"#,
            r#"{"m":{"labels":{"b":"3"}}}"#,
        ),
        (
            "a changed list is sent whole",
            r#"{"l":[1,2]}"#,
            r#"{"l":[1,3]}"#,
            r#"{"l":[1,3]}"#,
        ),
        (
            "an integer and the same float are equal",
            r#"{"n":1}"#,
            r#"{"n":1.0}"#,
            "{}",
        ),
        (
            "a type change replaces the value",
            r#"{"a":{"b":1}}"#,
            r#"{"a":"x"}"#,
            r#"{"a":"x"}"#,
        ),
    ];
    for (name, a, b, want) in cases {
        check(name, merge_patch::create(&j(a), &j(b)), &Want::Ok(want));
    }
}

#[test]
fn merge_patch_three_way_keeps_fields_others_set() {
    let original = j(r#"{"kind":"Widget","metadata":{"name":"w"},"spec":{"a":1,"b":2}}"#);
    let modified = j(r#"{"kind":"Widget","metadata":{"name":"w"},"spec":{"a":5}}"#);
    let current =
        j(r#"{"kind":"Widget","metadata":{"name":"w","uid":"u1"},"spec":{"a":1,"b":2,"c":3}}"#);
    check(
        "b removed from the manifest is deleted, c set by others stays",
        merge_patch::three_way(Some(&original), &modified, &current),
        &Want::Ok(r#"{"spec":{"a":5,"b":null}}"#),
    );
}

// ---- JSON patch ----

#[test]
fn json_patch_follows_the_rfc_6902_examples() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "adding an object member",
            r#"{"foo":"bar"}"#,
            r#"[{"op":"add","path":"/baz","value":"qux"}]"#,
            r#"{"baz":"qux","foo":"bar"}"#,
        ),
        (
            "adding an array element",
            r#"{"foo":["bar","baz"]}"#,
            r#"[{"op":"add","path":"/foo/1","value":"qux"}]"#,
            r#"{"foo":["bar","qux","baz"]}"#,
        ),
        (
            "removing an object member",
            r#"{"baz":"qux","foo":"bar"}"#,
            r#"[{"op":"remove","path":"/baz"}]"#,
            r#"{"foo":"bar"}"#,
        ),
        (
            "removing an array element",
            r#"{"foo":["bar","qux","baz"]}"#,
            r#"[{"op":"remove","path":"/foo/1"}]"#,
            r#"{"foo":["bar","baz"]}"#,
        ),
        (
            "replacing a value",
            r#"{"baz":"qux","foo":"bar"}"#,
            r#"[{"op":"replace","path":"/baz","value":"boo"}]"#,
            r#"{"baz":"boo","foo":"bar"}"#,
        ),
        (
            "moving a value",
            r#"{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}"#,
            r#"[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]"#,
            r#"{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"#,
        ),
        (
            "moving an array element",
            r#"{"foo":["all","grass","cows","eat"]}"#,
            r#"[{"op":"move","from":"/foo/1","path":"/foo/3"}]"#,
            r#"{"foo":["all","cows","eat","grass"]}"#,
        ),
        (
            "testing a value that matches",
            r#"{"baz":"qux","foo":["a",2,"c"]}"#,
            r#"[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]"#,
            r#"{"baz":"qux","foo":["a",2,"c"]}"#,
        ),
        (
            "adding a nested member object",
            r#"{"foo":"bar"}"#,
            r#"[{"op":"add","path":"/child","value":{"grandchild":{}}}]"#,
            r#"{"child":{"grandchild":{}},"foo":"bar"}"#,
        ),
        (
            "unrecognized members are ignored",
            r#"{"foo":"bar"}"#,
            r#"[{"op":"add","path":"/baz","value":"qux","xyz":123}]"#,
            r#"{"baz":"qux","foo":"bar"}"#,
        ),
        (
            "~01 is the key ~1, not /",
            r#"{"/":9,"~1":10}"#,
            r#"[{"op":"test","path":"/~01","value":10}]"#,
            r#"{"/":9,"~1":10}"#,
        ),
        (
            "adding an array value with -",
            r#"{"foo":["bar"]}"#,
            r#"[{"op":"add","path":"/foo/-","value":["abc","def"]}]"#,
            r#"{"foo":["bar",["abc","def"]]}"#,
        ),
        (
            "copying a value",
            r#"{"a":{"b":1}}"#,
            r#"[{"op":"copy","from":"/a","path":"/c"}]"#,
            r#"{"a":{"b":1},"c":{"b":1}}"#,
        ),
        (
            "~1 escapes a slash in a label key",
            r#"{"metadata":{"labels":{}}}"#,
            r#"[{"op":"add","path":"/metadata/labels/app.kubernetes.io~1name","value":"web"}]"#,
            r#"{"metadata":{"labels":{"app.kubernetes.io/name":"web"}}}"#,
        ),
        (
            "a negative index counts from the end",
            r#"{"a":[1,2,3]}"#,
            r#"[{"op":"remove","path":"/a/-1"}]"#,
            r#"{"a":[1,2]}"#,
        ),
        (
            "replace of a missing object key adds it",
            r#"{"spec":{}}"#,
            r#"[{"op":"replace","path":"/spec/replicas","value":3}]"#,
            r#"{"spec":{"replicas":3}}"#,
        ),
        (
            "a null patch changes nothing",
            r#"{"a":1}"#,
            "null",
            r#"{"a":1}"#,
        ),
        (
            "operations apply in order",
            r#"{"spec":{"template":{"x":1}},"metadata":{"annotations":{"a":"1"}}}"#,
            r#"[{"op":"replace","path":"/spec/template","value":{"x":2}},{"op":"replace","path":"/metadata/annotations","value":{"b":"2"}}]"#,
            r#"{"metadata":{"annotations":{"b":"2"}},"spec":{"template":{"x":2}}}"#,
        ),
    ];
    for (name, doc, patch, want) in cases {
        check(name, json_patch::apply(&j(doc), &j(patch)), &Want::Ok(want));
    }
}

#[test]
fn json_patch_errors_read_as_the_api_server_reports_them() {
    use PatchErrorKind::{BadRequest, Unprocessable};
    let cases: &[(&str, &str, &str, Want)] = &[
        ("a failing test", r#"{"baz":"qux"}"#, r#"[{"op":"test","path":"/baz","value":"bar"}]"#, Want::Err(Unprocessable, "testing value /baz failed: test failed")),
        ("a string is not a number", r#"{"/":9,"~1":10}"#, r#"[{"op":"test","path":"/~01","value":"10"}]"#, Want::Err(Unprocessable, "testing value /~01 failed: test failed")),
        ("adding under a missing parent", r#"{"foo":"bar"}"#, r#"[{"op":"add","path":"/baz/bat","value":"qux"}]"#, Want::Err(Unprocessable, "add operation does not apply: doc is missing path: \"/baz/bat\": missing value")),
        ("removing a missing key", r#"{"spec":{}}"#, r#"[{"op":"remove","path":"/spec/foo"}]"#, Want::Err(Unprocessable, "error in remove for path: '/spec/foo': Unable to remove nonexistent key: foo: missing value")),
        ("removing under a missing parent", r#"{}"#, r#"[{"op":"remove","path":"/spec/foo"}]"#, Want::Err(Unprocessable, "remove operation does not apply: doc is missing path: \"/spec/foo\": missing value")),
        ("replacing under a missing parent", r#"{}"#, r#"[{"op":"replace","path":"/spec/replicas","value":1}]"#, Want::Err(Unprocessable, "replace operation does not apply: doc is missing path: /spec/replicas: missing value")),
        ("replacing past the end of a list", r#"{"a":[1]}"#, r#"[{"op":"replace","path":"/a/5","value":1}]"#, Want::Err(Unprocessable, "replace operation does not apply: doc is missing key: /a/5: missing value")),
        ("adding past the end of a list", r#"{"a":[1]}"#, r#"[{"op":"add","path":"/a/5","value":1}]"#, Want::Err(Unprocessable, "error in add for path: '/a/5': Unable to access invalid index: 5: invalid index referenced")),
        ("an index that is not a number", r#"{"a":[1]}"#, r#"[{"op":"add","path":"/a/x","value":1}]"#, Want::Err(Unprocessable, "error in add for path: '/a/x': value was not a proper array index: 'x': strconv.Atoi: parsing \"x\": invalid syntax")),
        ("an unknown operation", "{}", r#"[{"op":"frobnicate","path":"/a"}]"#, Want::Err(Unprocessable, "Unexpected kind: frobnicate")),
        ("an operation without op", "{}", r#"[{"path":"/a"}]"#, Want::Err(Unprocessable, "Unexpected kind: unknown")),
        ("an add without a path", "{}", r#"[{"op":"add","value":1}]"#, Want::Err(Unprocessable, "add operation failed to decode path: missing value")),
        ("moving from a missing parent", "{}", r#"[{"op":"move","from":"/a/b","path":"/c"}]"#, Want::Err(Unprocessable, "move operation does not apply: doc is missing from path: /a/b: missing value")),
        ("an object instead of a list", "{}", r#"{"op":"add","path":"/a","value":1}"#, Want::Err(BadRequest, "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp")),
        ("an operation that is not an object", "{}", r#"["add"]"#, Want::Err(BadRequest, "error decoding patch: json: cannot unmarshal string into Go value of type handlers.jsonPatchOp")),
        ("a path that is not a string", "{}", r#"[{"op":"add","path":5}]"#, Want::Err(BadRequest, "error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.path of type string")),
    ];
    for (name, doc, patch, want) in cases {
        check(name, json_patch::apply(&j(doc), &j(patch)), want);
    }
}

#[test]
fn json_patch_refuses_more_than_ten_thousand_operations() {
    let op = j(r#"{"op":"test","path":"/a","value":1}"#);
    let patch = Value::Array(vec![op; 10001]);
    let got = json_patch::apply(&j(r#"{"a":1}"#), &patch);
    check(
        "10001 operations",
        got,
        &Want::Err(
            PatchErrorKind::TooLarge,
            "The allowed maximum operations in a JSON patch is 10000, got 10001",
        ),
    );
}

// ---- strategic merge patch: apply ----

const DEPLOYMENT: &str = r#"{
  "apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "web", "labels": {"app": "web"}, "finalizers": ["a", "b"]},
  "spec": {
    "replicas": 2,
    "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
    "template": {
      "metadata": {"labels": {"app": "web"}},
      "spec": {
        "containers": [
          {"name": "app", "image": "nginx:1.24",
           "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
           "ports": [{"containerPort": 80, "protocol": "TCP"}]},
          {"name": "log", "image": "busybox"}
        ],
        "tolerations": [{"key": "k1", "operator": "Exists"}]
      }
    }
  },
  "status": {"replicas": 2}
}"#;

/// The deployment with one change made by `edit` at a dotted path.
fn deployment_with(edit: impl FnOnce(&mut Value)) -> String {
    let mut d = j(DEPLOYMENT);
    edit(&mut d);
    d.to_json()
}

fn at<'a>(v: &'a mut Value, path: &[&str]) -> &'a mut Value {
    let mut cur = v;
    for p in path {
        cur = match cur {
            Value::Object(m) => m.entry(p.to_string()).or_insert(Value::Null),
            Value::Array(items) => {
                let i: usize = p.parse().unwrap_or_else(|_| panic!("bad index {p}"));
                &mut items[i]
            }
            _ => panic!("no {p}"),
        };
    }
    cur
}

const CONTAINERS: &[&str] = &["spec", "template", "spec", "containers"];

#[test]
fn strategic_patches_apply_like_the_api_server() {
    use PatchErrorKind::{BadRequest, Failed};
    let c0 = |rest: &[&'static str]| -> Vec<&'static str> {
        let mut p = CONTAINERS.to_vec();
        p.push("0");
        p.extend_from_slice(rest);
        p
    };
    type Expect = Result<String, (PatchErrorKind, &'static str)>;
    let cases: Vec<(&str, &str, Expect)> = vec![
        (
            "an image change merges into the container with that name",
            r#"{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.25"}]}}}}"#,
            Ok(deployment_with(|d| *at(d, &c0(&["image"])) = "nginx:1.25".into())),
        ),
        (
            "an added env var keeps the others, and goes first without an order directive",
            r#"{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"C","value":"3"}]}]}}}}"#,
            Ok(deployment_with(|d| {
                if let Value::Array(env) = at(d, &c0(&["env"])) {
                    env.insert(0, j(r#"{"name":"C","value":"3"}"#));
                }
            })),
        ),
        (
            "an env var's value changes in place",
            r#"{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"A","value":"9"}]}]}}}}"#,
            Ok(deployment_with(|d| *at(d, &c0(&["env", "0", "value"])) = "9".into())),
        ),
        (
            "a new container goes before the existing ones",
            r#"{"spec":{"template":{"spec":{"containers":[{"name":"side","image":"envoy"}]}}}}"#,
            Ok(deployment_with(|d| {
                if let Value::Array(cs) = at(d, CONTAINERS) {
                    cs.insert(0, j(r#"{"name":"side","image":"envoy"}"#));
                }
            })),
        ),
        (
            "$patch: delete removes the container with that name",
            r#"{"spec":{"template":{"spec":{"containers":[{"name":"log","$patch":"delete"}]}}}}"#,
            Ok(deployment_with(|d| {
                if let Value::Array(cs) = at(d, CONTAINERS) {
                    cs.truncate(1);
                }
            })),
        ),
        (
            "$patch: replace on a list element makes the list exactly the patch",
            r#"{"spec":{"template":{"spec":{"containers":[{"name":"only","image":"x"},{"$patch":"replace"}]}}}}"#,
            Ok(deployment_with(|d| *at(d, CONTAINERS) = j(r#"[{"name":"only","image":"x"}]"#))),
        ),
        (
            "$patch: replace on an object replaces it",
            r#"{"metadata":{"labels":{"$patch":"replace","tier":"fe"}}}"#,
            Ok(deployment_with(|d| *at(d, &["metadata", "labels"]) = j(r#"{"tier":"fe"}"#))),
        ),
        (
            "$patch: delete on an object empties it",
            r#"{"metadata":{"labels":{"$patch":"delete"}}}"#,
            Ok(deployment_with(|d| *at(d, &["metadata", "labels"]) = j("{}"))),
        ),
        (
            "tolerations have no strategy and are replaced",
            r#"{"spec":{"template":{"spec":{"tolerations":[{"key":"k2","operator":"Exists"}]}}}}"#,
            Ok(deployment_with(|d| {
                *at(d, &["spec", "template", "spec", "tolerations"]) =
                    j(r#"[{"key":"k2","operator":"Exists"}]"#)
            })),
        ),
        (
            "finalizers merge as a set",
            r#"{"metadata":{"finalizers":["b","c"]}}"#,
            Ok(deployment_with(|d| *at(d, &["metadata", "finalizers"]) = j(r#"["a","b","c"]"#))),
        ),
        (
            "$deleteFromPrimitiveList removes scalars",
            r#"{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}"#,
            Ok(deployment_with(|d| *at(d, &["metadata", "finalizers"]) = j(r#"["b"]"#))),
        ),
        (
            "$setElementOrder puts the containers in that order",
            r#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"log"},{"name":"app"}]}}}}"#,
            Ok(deployment_with(|d| {
                if let Value::Array(cs) = at(d, CONTAINERS) {
                    cs.swap(0, 1);
                }
            })),
        ),
        (
            "$setElementOrder places a new container where it names it",
            r#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"side"},{"name":"log"}],"containers":[{"name":"side","image":"envoy"}]}}}}"#,
            Ok(deployment_with(|d| {
                if let Value::Array(cs) = at(d, CONTAINERS) {
                    cs.insert(1, j(r#"{"name":"side","image":"envoy"}"#));
                }
            })),
        ),
        (
            "$retainKeys drops the keys it does not name",
            r#"{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}"#,
            Ok(deployment_with(|d| *at(d, &["spec", "strategy"]) = j(r#"{"type":"Recreate"}"#))),
        ),
        (
            "a null deletes a label",
            r#"{"metadata":{"labels":{"app":null}}}"#,
            Ok(deployment_with(|d| *at(d, &["metadata", "labels"]) = j("{}"))),
        ),
        (
            "a null for a missing key is dropped",
            r#"{"metadata":{"annotations":{"a":null,"b":"1"}}}"#,
            Ok(deployment_with(|d| *at(d, &["metadata", "annotations"]) = j(r#"{"b":"1"}"#))),
        ),
        (
            "ports merge by containerPort alone, so a UDP port of the same number replaces the protocol",
            r#"{"spec":{"template":{"spec":{"containers":[{"name":"app","ports":[{"containerPort":80,"protocol":"UDP"}]}]}}}}"#,
            Ok(deployment_with(|d| *at(d, &c0(&["ports", "0", "protocol"])) = "UDP".into())),
        ),
        (
            "a container without its merge key is refused",
            r#"{"spec":{"template":{"spec":{"containers":[{"image":"nginx"}]}}}}"#,
            Err((Failed, "map: map[image:nginx] does not contain declared merge key: name")),
        ),
        (
            "an unknown $patch directive on an object is refused",
            r#"{"metadata":{"labels":{"$patch":"merge"}}}"#,
            Err((Failed, "unknown patch type: merge in map: map[$patch:merge]")),
        ),
        (
            "$patch: merge inside a list is not supported",
            r#"{"spec":{"template":{"spec":{"containers":[{"name":"app","$patch":"merge"}]}}}}"#,
            Err((Failed, "merging lists cannot yet be specified in the patch")),
        ),
        (
            "a $retainKeys that is not a list is refused",
            r#"{"spec":{"strategy":{"$retainKeys":"type"}}}"#,
            Err((BadRequest, "invalid patch format of retainKeys")),
        ),
        (
            "a patch key missing from $retainKeys is refused",
            r#"{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate","rollingUpdate":{}}}}"#,
            Err((BadRequest, "invalid patch format of retainKeys")),
        ),
        (
            "a $setElementOrder naming fewer elements than the patch is refused",
            r#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"}],"containers":[{"name":"side"}]}}}}"#,
            Err((Failed, "The order in patch list:\n[map[name:side]]\n doesn't match $setElementOrder list:\n[map[name:app]]\n")),
        ),
        (
            "a list element of another type is refused",
            r#"{"metadata":{"finalizers":[["x"]]}}"#,
            Err((Failed, "list element types are not identical: [[a b] [[x]]]")),
        ),
    ];
    for (name, patch, want) in cases {
        let got = strategic::apply(schema("Deployment"), &j(DEPLOYMENT), &j(patch));
        match &want {
            Ok(expected) => check(name, got, &Want::Ok(expected)),
            Err((kind, msg)) => check(name, got, &Want::Err(*kind, msg)),
        }
    }
}

#[test]
fn strategic_patch_errors_that_depend_on_the_object() {
    use PatchErrorKind::{Failed, Unprocessable};
    let cases: &[(&str, &str, &str, &str, Want)] = &[
        (
            "a list that starts with a list is a list of lists",
            "Pod",
            r#"{"metadata":{"finalizers":[]}}"#,
            r#"{"metadata":{"finalizers":[["x"]]}}"#,
            Want::Err(Unprocessable, "lists of lists are not supported"),
        ),
        (
            "a raw extension has no fields to merge into",
            "ControllerRevision",
            r#"{"data":{"spec":{"a":1}},"revision":1}"#,
            r#"{"data":{"spec":{"a":2}}}"#,
            Want::Err(
                Failed,
                "unable to find api field in struct RawExtension for the json field \"spec\"",
            ),
        ),
        (
            "scalars inside a raw extension still merge",
            "ControllerRevision",
            r#"{"data":{"a":1},"revision":1}"#,
            r#"{"data":{"a":2}}"#,
            Want::Ok(r#"{"data":{"a":2},"revision":1}"#),
        ),
        (
            "a list patch onto an object field replaces it",
            "Pod",
            r#"{"spec":{"nodeSelector":{"a":"b"}}}"#,
            r#"{"spec":{"nodeSelector":["x"]}}"#,
            Want::Ok(r#"{"spec":{"nodeSelector":["x"]}}"#),
        ),
        (
            "a new list element keeps the nulls it carries",
            "Pod",
            r#"{"spec":{"containers":[{"name":"a"}]}}"#,
            r#"{"spec":{"containers":[{"name":"b","image":null}]}}"#,
            Want::Ok(r#"{"spec":{"containers":[{"image":null,"name":"b"},{"name":"a"}]}}"#),
        ),
        (
            "an added object loses its nulls and directives",
            "Pod",
            r#"{"spec":{}}"#,
            r#"{"spec":{"containers":[{"name":"a","x":null},{"name":"b","$patch":"delete"}]}}"#,
            Want::Ok(r#"{"spec":{"containers":[{"name":"a"}]}}"#),
        ),
        (
            "service ports merge by port",
            "Service",
            r#"{"spec":{"ports":[{"port":80,"targetPort":8080},{"port":443}]}}"#,
            r#"{"spec":{"ports":[{"port":80,"targetPort":9090}]}}"#,
            Want::Ok(r#"{"spec":{"ports":[{"port":80,"targetPort":9090},{"port":443}]}}"#),
        ),
        (
            "node conditions merge by type",
            "Node",
            r#"{"status":{"conditions":[{"type":"Ready","status":"True"},{"type":"MemoryPressure","status":"False"}]}}"#,
            r#"{"status":{"conditions":[{"type":"Ready","status":"False"}]}}"#,
            Want::Ok(
                r#"{"status":{"conditions":[{"status":"False","type":"Ready"},{"status":"False","type":"MemoryPressure"}]}}"#,
            ),
        ),
    ];
    for (name, kind, original, patch, want) in cases {
        check(
            name,
            strategic::apply(schema(kind), &j(original), &j(patch)),
            want,
        );
    }
}

// ---- strategic merge patch: two-way diff ----

#[test]
fn two_way_patches_are_what_kubectl_set_and_rollout_send() {
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "set image sends the container and the container order",
            deployment_with(|d| {
                *at(d, &["spec", "template", "spec", "containers", "0", "image"]) =
                    "nginx:1.25".into()
            }),
            r#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"log"}],"containers":[{"image":"nginx:1.25","name":"app"}]}}}}"#,
        ),
        (
            "rollout restart adds a template annotation",
            deployment_with(|d| {
                *at(d, &["spec", "template", "metadata", "annotations"]) =
                    j(r#"{"kubectl.kubernetes.io/restartedAt":"2024-01-01T00:00:00Z"}"#)
            }),
            r#"{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2024-01-01T00:00:00Z"}}}}}"#,
        ),
        (
            "rollout pause sets spec.paused",
            deployment_with(|d| *at(d, &["spec", "paused"]) = true.into()),
            r#"{"spec":{"paused":true}}"#,
        ),
        (
            "a removed container becomes a delete directive",
            deployment_with(|d| {
                if let Value::Array(cs) = at(d, CONTAINERS) {
                    cs.truncate(1);
                }
            }),
            r#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"}],"containers":[{"$patch":"delete","name":"log"}]}}}}"#,
        ),
        (
            "a removed finalizer becomes a deletion list",
            deployment_with(|d| *at(d, &["metadata", "finalizers"]) = j(r#"["b"]"#)),
            r#"{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"],"$setElementOrder/finalizers":["b"]}}"#,
        ),
        (
            "a changed strategy names the keys to retain",
            deployment_with(|d| *at(d, &["spec", "strategy"]) = j(r#"{"type":"Recreate"}"#)),
            r#"{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":null,"type":"Recreate"}}}"#,
        ),
        (
            "reordered containers send only the order",
            deployment_with(|d| {
                if let Value::Array(cs) = at(d, CONTAINERS) {
                    cs.swap(0, 1);
                }
            }),
            r#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"log"},{"name":"app"}]}}}}"#,
        ),
        (
            "identical objects give an empty patch",
            DEPLOYMENT.to_string(),
            "{}",
        ),
    ];
    for (name, modified, want) in cases {
        let patch = strategic::two_way(schema("Deployment"), &j(DEPLOYMENT), &j(&modified));
        check(name, patch.clone(), &Want::Ok(want));
        // Applying the patch gives the modified object back.
        let Ok(patch) = patch else { continue };
        check(
            &format!("{name} (applied)"),
            strategic::apply(schema("Deployment"), &j(DEPLOYMENT), &patch),
            &Want::Ok(&modified),
        );
    }
}

// ---- kubectl apply ----

const POD_MANIFEST: &str = r#"{
  "apiVersion": "v1", "kind": "Pod",
  "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web", "tier": "fe"}},
  "spec": {"containers": [{"name": "app", "image": "nginx:1.24", "env": [{"name": "A", "value": "1"}]}]}
}"#;

/// What the API server stores after creating `manifest`: defaults, server
/// metadata and status that the manifest never set.
fn stored(manifest: &Value) -> Value {
    let mut live = apply::with_last_applied(manifest);
    *at(&mut live, &["metadata", "uid"]) = "u-1".into();
    *at(&mut live, &["metadata", "resourceVersion"]) = "7".into();
    if let Some(Value::Array(cs)) = live.pointer("spec.containers").cloned() {
        let cs: Vec<Value> = cs
            .into_iter()
            .map(|mut c| {
                if let Value::Object(m) = &mut c {
                    m.insert("imagePullPolicy".into(), "IfNotPresent".into());
                    m.insert(
                        "terminationMessagePath".into(),
                        "/dev/termination-log".into(),
                    );
                }
                c
            })
            .collect();
        *at(&mut live, &["spec", "containers"]) = Value::Array(cs);
        *at(&mut live, &["spec", "restartPolicy"]) = "Always".into();
        *at(&mut live, &["spec", "nodeName"]) = "worker-1".into();
    }
    *at(&mut live, &["status"]) = j(r#"{"phase":"Running","podIP":"10.0.0.5"}"#);
    live
}

fn manifest_with(edit: impl FnOnce(&mut Value)) -> Value {
    let mut m = j(POD_MANIFEST);
    edit(&mut m);
    m
}

#[test]
fn last_applied_configuration_is_the_compact_manifest_with_a_newline() {
    let cm = j(
        r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","namespace":"default"},"data":{"a":"1","html":"<b>"}}"#,
    );
    assert_eq!(
        apply::last_applied_configuration(&cm),
        "{\"apiVersion\":\"v1\",\"data\":{\"a\":\"1\",\"html\":\"\\u003cb\\u003e\"},\"kind\":\"ConfigMap\",\"metadata\":{\"annotations\":{},\"name\":\"cfg\",\"namespace\":\"default\"}}\n"
    );
    let created = apply::with_last_applied(&cm);
    let recorded = created
        .pointer("metadata.annotations")
        .and_then(|a| a.get(LAST_APPLIED_ANNOTATION))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    assert_eq!(recorded, apply::last_applied_configuration(&cm));
    assert_eq!(
        apply::original_configuration(&created),
        Ok(Some(j(recorded.trim_end())))
    );
    // Re-recording an applied manifest ignores the old record.
    assert_eq!(apply::last_applied_configuration(&created), recorded);
}

#[test]
fn kubectl_apply_computes_the_three_way_patch() {
    struct Case {
        name: &'static str,
        applied: Value,
        manifest: Value,
        patch: &'static str,
        outcome: Outcome,
        /// Paths (dotted) and the value the stored result must have there
        /// (`None`: absent).
        result: &'static [(&'static str, Option<&'static str>)],
    }
    let base = j(POD_MANIFEST);
    let cases = vec![
        Case {
            name: "applying the same manifest twice changes nothing",
            applied: base.clone(),
            manifest: base.clone(),
            patch: "{}",
            outcome: Outcome::Unchanged,
            result: &[],
        },
        Case {
            name: "a label removed from the manifest is removed",
            applied: base.clone(),
            manifest: manifest_with(|m| {
                *at(m, &["metadata", "labels"]) = j(r#"{"app":"web"}"#);
            }),
            patch: "",
            outcome: Outcome::Configured,
            result: &[
                ("metadata.labels", Some(r#"{"app":"web"}"#)),
                ("status", Some(r#"{"phase":"Running","podIP":"10.0.0.5"}"#)),
                ("spec.nodeName", Some(r#""worker-1""#)),
            ],
        },
        Case {
            name: "a changed image patches that container and keeps the defaulted fields",
            applied: base.clone(),
            manifest: manifest_with(|m| {
                *at(m, &["spec", "containers", "0", "image"]) = "nginx:1.25".into();
            }),
            patch: "",
            outcome: Outcome::Configured,
            result: &[
                (
                    "spec.containers",
                    Some(
                        r#"[{"env":[{"name":"A","value":"1"}],"image":"nginx:1.25","imagePullPolicy":"IfNotPresent","name":"app","terminationMessagePath":"/dev/termination-log"}]"#,
                    ),
                ),
                ("spec.restartPolicy", Some(r#""Always""#)),
            ],
        },
        Case {
            name: "a field removed from the manifest is deleted, but fields others set are kept",
            applied: manifest_with(|m| {
                *at(m, &["spec", "activeDeadlineSeconds"]) = Value::Int(30);
            }),
            manifest: base.clone(),
            patch: "",
            outcome: Outcome::Configured,
            result: &[
                ("spec.activeDeadlineSeconds", None),
                ("spec.nodeName", Some(r#""worker-1""#)),
                ("metadata.uid", Some(r#""u-1""#)),
            ],
        },
        Case {
            name: "an env var removed from the manifest is deleted by name",
            applied: manifest_with(|m| {
                *at(m, &["spec", "containers", "0", "env"]) =
                    j(r#"[{"name":"A","value":"1"},{"name":"B","value":"2"}]"#);
            }),
            manifest: base.clone(),
            patch: "",
            outcome: Outcome::Configured,
            result: &[(
                "spec.containers",
                Some(
                    r#"[{"env":[{"name":"A","value":"1"}],"image":"nginx:1.24","imagePullPolicy":"IfNotPresent","name":"app","terminationMessagePath":"/dev/termination-log"}]"#,
                ),
            )],
        },
    ];
    for case in cases {
        let live = stored(&case.applied);
        let plan = apply::plan("Pod", &case.manifest, &live)
            .unwrap_or_else(|e| panic!("case: {}: {e}", case.name));
        assert_eq!(plan.outcome, case.outcome, "case: {}", case.name);
        assert_eq!(plan.patch_type, PatchType::Strategic, "case: {}", case.name);
        if !case.patch.is_empty() {
            assert_eq!(
                plan.patch.to_json(),
                j(case.patch).to_json(),
                "case: {}",
                case.name
            );
        }
        for (path, want) in case.result {
            let got = plan.result.pointer(path);
            assert_eq!(
                got.map(Value::to_json),
                want.map(|w| j(w).to_json()),
                "case: {}: {path}",
                case.name
            );
        }
        if case.outcome == Outcome::Configured {
            // The stored annotation records the new manifest, so applying
            // it again is a no-op.
            let again = apply::plan("Pod", &case.manifest, &plan.result)
                .unwrap_or_else(|e| panic!("case: {} (again): {e}", case.name));
            assert_eq!(
                again.outcome,
                Outcome::Unchanged,
                "case: {} (again)",
                case.name
            );
        }
    }
}

#[test]
fn kubectl_apply_sends_the_new_annotation_with_the_change() {
    let live = stored(&j(POD_MANIFEST));
    let manifest = manifest_with(|m| {
        *at(m, &["metadata", "labels"]) = j(r#"{"app":"web"}"#);
    });
    let plan = apply::plan("Pod", &manifest, &live).unwrap_or_else(|e| panic!("{e}"));
    let recorded = apply::last_applied_configuration(&manifest);
    let mut annotations = Map::new();
    annotations.insert(LAST_APPLIED_ANNOTATION.into(), Value::String(recorded));
    let mut labels = Map::new();
    labels.insert("tier".into(), Value::Null);
    let mut metadata = Map::new();
    metadata.insert("annotations".into(), Value::Object(annotations));
    metadata.insert("labels".into(), Value::Object(labels));
    let mut want = Map::new();
    want.insert("metadata".into(), Value::Object(metadata));
    assert_eq!(plan.patch, Value::Object(want));
}

#[test]
fn kubectl_apply_on_an_object_without_the_annotation_only_adds() {
    // Created with `kubectl create`: no record of what was applied.
    let mut live = stored(&j(POD_MANIFEST));
    *at(&mut live, &["metadata", "annotations"]) = j("{}");
    assert_eq!(apply::original_configuration(&live), Ok(None));
    let manifest = manifest_with(|m| *at(m, &["metadata", "labels"]) = j(r#"{"app":"web"}"#));
    let plan = apply::plan("Pod", &manifest, &live).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(plan.outcome, Outcome::Configured);
    // Nothing is deleted: the label stays until something records it.
    assert_eq!(
        plan.result.pointer("metadata.labels").map(Value::to_json),
        Some(r#"{"app":"web","tier":"fe"}"#.to_string())
    );
    assert_eq!(
        apply::missing_annotation_warning("pods/web"),
        "Warning: resource pods/web is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n"
    );
}

#[test]
fn kubectl_apply_switching_to_recreate_clears_the_rolling_update_block() {
    let manifest = j(
        r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},"spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"app","image":"nginx"}]}}}}"#,
    );
    let mut live = apply::with_last_applied(&manifest);
    // The server defaulted the strategy.
    *at(&mut live, &["spec", "strategy"]) =
        j(r#"{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}}"#);
    let mut next = manifest.clone();
    *at(&mut next, &["spec", "strategy"]) = j(r#"{"type":"Recreate"}"#);
    let plan = apply::plan("Deployment", &next, &live).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        plan.patch.pointer("spec.strategy").map(Value::to_json),
        Some(r#"{"$retainKeys":["type"],"type":"Recreate"}"#.to_string())
    );
    assert_eq!(
        plan.result.pointer("spec.strategy").map(Value::to_json),
        Some(r#"{"type":"Recreate"}"#.to_string())
    );
}

#[test]
fn kubectl_apply_without_a_schema_sends_a_merge_patch() {
    let manifest = j(
        r#"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":1}}"#,
    );
    let live = apply::with_last_applied(&manifest);
    let mut next = manifest.clone();
    *at(&mut next, &["spec", "size"]) = Value::Int(2);
    let plan = apply::plan("Widget", &next, &live).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(plan.patch_type, PatchType::Merge);
    assert_eq!(plan.patch.pointer("spec.size"), Some(&Value::Int(2)));
    assert_eq!(plan.result.pointer("spec.size"), Some(&Value::Int(2)));

    let mut renamed = manifest.clone();
    *at(&mut renamed, &["metadata", "name"]) = "other".into();
    let err = apply::plan("Widget", &renamed, &live)
        .err()
        .map(|e| e.message);
    assert_eq!(
        err.as_deref(),
        Some("At least one of apiVersion, kind and name was changed")
    );
}

#[test]
fn kubectl_apply_without_overwrite_reports_conflicts() {
    let applied = j(POD_MANIFEST);
    let mut live = stored(&applied);
    // Someone else changed the image since the last apply.
    *at(&mut live, &["spec", "containers", "0", "image"]) = "nginx:9".into();
    let manifest = manifest_with(|m| {
        *at(m, &["spec", "containers", "0", "image"]) = "nginx:1.25".into();
    });
    let got = apply::plan_with_overwrite("Pod", &manifest, &live, false);
    assert_eq!(got.err().map(|e| e.kind), Some(PatchErrorKind::Conflict));
    // With the default overwrite the manifest wins.
    let plan = apply::plan("Pod", &manifest, &live).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        plan.result
            .pointer("spec.containers")
            .and_then(|c| c.as_array())
            .and_then(|c| c.first())
            .and_then(|c| c.get("image")),
        Some(&Value::from("nginx:1.25"))
    );
}

#[test]
fn a_corrupt_last_applied_annotation_is_an_invalid_document() {
    let mut live = stored(&j(POD_MANIFEST));
    *at(
        &mut live,
        &["metadata", "annotations", LAST_APPLIED_ANNOTATION],
    ) = "{not json".into();
    let got = apply::plan("Pod", &j(POD_MANIFEST), &live);
    assert_eq!(
        got.err().map(|e| e.message),
        Some("invalid JSON document".to_string())
    );
}

// ---- robustness ----

/// A small deterministic generator (xorshift), so the random cases are the
/// same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const KEYS: &[&str] = &[
    "metadata",
    "spec",
    "status",
    "template",
    "containers",
    "name",
    "image",
    "env",
    "value",
    "ports",
    "containerPort",
    "finalizers",
    "labels",
    "strategy",
    "type",
    "volumes",
    "$patch",
    "$retainKeys",
    "$setElementOrder/containers",
    "$deleteFromPrimitiveList/finalizers",
    "$setElementOrder/finalizers",
    "$deleteFromPrimitiveList",
    "data",
    "a",
];
const STRINGS: &[&str] = &[
    "app", "log", "delete", "replace", "merge", "x", "", "type", "name",
];

fn random_value(rng: &mut Rng, depth: u32) -> Value {
    let choice = if depth == 0 {
        rng.below(5)
    } else {
        rng.below(8)
    };
    match choice {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => Value::Int(rng.below(4) as i64),
        3 => Value::Float(0.5),
        4 => Value::String(rng.pick(STRINGS).to_string()),
        5 => Value::Array(
            (0..rng.below(4))
                .map(|_| random_value(rng, depth - 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.below(5))
                .map(|_| (rng.pick(KEYS).to_string(), random_value(rng, depth - 1)))
                .collect(),
        ),
    }
}

fn random_json_patch(rng: &mut Rng) -> Value {
    let ops = ["add", "remove", "replace", "move", "copy", "test", "bogus"];
    let paths = [
        "/spec",
        "/spec/containers/0",
        "/spec/containers/-",
        "/a/~1b",
        "/metadata/labels/x",
        "",
        "/",
        "x/y",
        "/spec/containers/-1",
        "/spec/containers/99",
    ];
    Value::Array(
        (0..rng.below(4))
            .map(|_| {
                let mut m = Map::new();
                m.insert("op".into(), rng.pick(&ops).into());
                m.insert("path".into(), rng.pick(&paths).into());
                if rng.below(2) == 0 {
                    m.insert("from".into(), rng.pick(&paths).into());
                }
                if rng.below(2) == 0 {
                    m.insert("value".into(), random_value(rng, 2));
                }
                Value::Object(m)
            })
            .collect(),
    )
}

#[test]
fn arbitrary_values_never_panic() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let kinds = [
        "Pod",
        "Deployment",
        "Node",
        "CronJob",
        "ControllerRevision",
        "Widget",
    ];
    for _ in 0..3000 {
        let a = random_value(&mut rng, 5);
        let b = random_value(&mut rng, 5);
        let c = random_value(&mut rng, 5);
        let kind = rng.pick(&kinds);
        if let Some(s) = schema_for(kind) {
            let _ = strategic::apply(s, &a, &b);
            let _ = strategic::two_way(s, &a, &b);
            let _ = strategic::three_way(s, Some(&a), &b, &c, true);
            let _ = strategic::three_way(s, Some(&a), &b, &c, false);
        }
        let _ = merge_patch::apply(&a, &b);
        let _ = merge_patch::create(&a, &b);
        let _ = merge_patch::three_way(Some(&a), &b, &c);
        let _ = json_patch::apply(&a, &random_json_patch(&mut rng));
        let _ = json_patch::apply(&a, &b);
        let _ = apply::plan(kind, &a, &b);
    }
}

#[test]
fn merge_patch_create_then_apply_reproduces_the_target() {
    fn strip_nulls(v: Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.into_iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k, strip_nulls(v)))
                    .collect(),
            ),
            Value::Array(items) => Value::Array(
                items
                    .into_iter()
                    .filter(|v| !v.is_null())
                    .map(strip_nulls)
                    .collect(),
            ),
            other => other,
        }
    }
    let mut rng = Rng(0x0ddb_a11c_afe0_0042);
    for i in 0..2000 {
        let Value::Object(a) = strip_nulls(random_value(&mut rng, 4)) else {
            continue;
        };
        let Value::Object(b) = strip_nulls(random_value(&mut rng, 4)) else {
            continue;
        };
        let (a, b) = (Value::Object(a), Value::Object(b));
        let patch = merge_patch::create(&a, &b).unwrap_or_else(|e| panic!("{i}: {e}"));
        let got = merge_patch::apply(&a, &patch).unwrap_or_else(|e| panic!("{i}: {e}"));
        assert_eq!(got, b, "round {i}: patch {}", patch.to_json());
    }
}

/// `{"spec": {"spec": ... {"a": leaf}}}`, `depth` levels deep.
fn nested(depth: usize, leaf: Value) -> Value {
    let mut v = leaf;
    for _ in 0..depth {
        let mut m = Map::new();
        m.insert("spec".into(), v);
        v = Value::Object(m);
    }
    v
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = MAX_DEPTH + 50;
    let doc = nested(deep, Value::Int(1));
    let patch = nested(deep, Value::Int(2));
    let too_deep = |name: &str, got: Result<Value, super::PatchError>| {
        let e = got
            .err()
            .unwrap_or_else(|| panic!("{name}: deep input was accepted"));
        assert_eq!(e.kind, PatchErrorKind::BadRequest, "{name}");
        assert!(e.message.contains("maximum depth"), "{name}: {}", e.message);
    };
    let pod = schema("Pod");
    too_deep("strategic apply", strategic::apply(pod, &doc, &patch));
    too_deep("strategic two-way", strategic::two_way(pod, &doc, &patch));
    too_deep(
        "strategic three-way",
        strategic::three_way(pod, Some(&doc), &patch, &doc, true),
    );
    too_deep("merge patch apply", merge_patch::apply(&doc, &patch));
    too_deep("merge patch create", merge_patch::create(&doc, &patch));
    too_deep(
        "strategic apply adding a deep value",
        strategic::apply(pod, &j("{}"), &patch),
    );
    // Nesting within the bound is fine.
    let ok = nested(MAX_DEPTH / 2, Value::Int(2));
    assert_eq!(
        strategic::apply(pod, &nested(MAX_DEPTH / 2, Value::Int(1)), &ok),
        Ok(ok.clone())
    );
}

// ---- quirks of the Go implementation that show on a real cluster ----

#[test]
fn a_server_only_element_keeps_its_place_when_another_is_deleted() {
    // Go deletes from the live list inside its array and appends the new
    // element into the freed slot, and reads the live order from that
    // array afterwards: the server's own element `c` stays before `d`.
    let live = j(
        r#"{"spec":{"containers":[{"name":"a"},{"name":"b","image":"x"},{"name":"c","image":"added-by-server"}]}}"#,
    );
    let patch = j(
        r#"{"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"d"}],"containers":[{"name":"d"},{"name":"a","$patch":"delete"}]}}"#,
    );
    check(
        "delete a, add d, c stays in the middle",
        strategic::apply(schema("Pod"), &live, &patch),
        &Want::Ok(
            r#"{"spec":{"containers":[{"image":"x","name":"b"},{"image":"added-by-server","name":"c"},{"name":"d"}]}}"#,
        ),
    );
}

#[test]
fn kubectl_apply_reports_configured_while_the_live_list_has_extra_elements() {
    // A container the server added is never deleted by apply, but the live
    // list's order differs from the manifest's, so kubectl sends the order.
    let manifest = j(POD_MANIFEST);
    let mut live = stored(&manifest);
    if let Value::Array(cs) = at(&mut live, &["spec", "containers"]) {
        cs.push(j(r#"{"name":"injected","image":"proxy"}"#));
    }
    let plan = apply::plan("Pod", &manifest, &live).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(plan.outcome, Outcome::Configured);
    assert_eq!(
        plan.patch.to_json(),
        r#"{"spec":{"$setElementOrder/containers":[{"name":"app"}]}}"#
    );
    let names: Vec<String> = plan
        .result
        .pointer("spec.containers")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .filter_map(|c| c.get("name")?.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(names, ["app", "injected"]);
}

#[test]
fn kubectl_apply_reports_configured_for_unsorted_finalizers() {
    // Go sorts the live list in place before comparing it with the
    // manifest, so a merging list of scalars that is not in sorted order
    // always looks reordered.
    let cases: &[(&str, &str, Outcome)] = &[
        (
            "sorted finalizers are unchanged",
            r#"["a.example.com/x","b.example.com/y"]"#,
            Outcome::Unchanged,
        ),
        (
            "unsorted finalizers are configured again",
            r#"["b.example.com/y","a.example.com/x"]"#,
            Outcome::Configured,
        ),
    ];
    for (name, finalizers, outcome) in cases {
        let manifest = manifest_with(|m| *at(m, &["metadata", "finalizers"]) = j(finalizers));
        let live = stored(&manifest);
        let plan = apply::plan("Pod", &manifest, &live).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(plan.outcome, *outcome, "{name}: {}", plan.patch.to_json());
        assert_eq!(
            plan.result.pointer("metadata.finalizers"),
            Some(&j(finalizers)),
            "{name}"
        );
    }
}

#[test]
fn json_patch_copies_cannot_grow_a_document_without_bound() {
    // Each copy of the list into itself doubles it.
    let op = j(r#"{"op":"copy","from":"/a","path":"/a/-"}"#);
    let patch = Value::Array(vec![op; 40]);
    let err = json_patch::apply(&j(r#"{"a":["0123456789"]}"#), &patch)
        .err()
        .unwrap_or_else(|| panic!("the copies were all applied"));
    assert_eq!(err.kind, PatchErrorKind::Unprocessable);
    assert!(
        err.message
            .starts_with("Unable to complete the copy, the accumulated size increase of ")
            && err.message.ends_with(" is greater than the limit 3145728"),
        "{}",
        err.message
    );
}
