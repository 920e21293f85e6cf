//! Feeds arbitrary text to kubectl's output printers: JSONPath (plain and
//! as JSON), go-template, custom-columns and --sort-by. None may panic or
//! hang, whatever the template.

#![no_main]

use libfuzzer_sys::fuzz_target;
use podlab_core::kubectl::printers::custom_columns::CustomColumns;
use podlab_core::kubectl::printers::gotemplate::GoTemplatePrinter;
use podlab_core::kubectl::printers::jsonpath::JsonPathPrinter;
use podlab_core::kubectl::printers::sort_by::{sort_objects, sort_table_rows};
use podlab_core::value::{Map, Value};

fn obj(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<Map>(),
    )
}

fn pod(name: &str, restarts: i64) -> Value {
    obj(vec![
        ("apiVersion", "v1".into()),
        ("kind", "Pod".into()),
        (
            "metadata",
            obj(vec![
                ("name", name.into()),
                (
                    "labels",
                    obj(vec![
                        ("app", "web".into()),
                        ("app.kubernetes.io/name", "shop".into()),
                    ]),
                ),
                ("creationTimestamp", "2024-05-01T10:00:00Z".into()),
            ]),
        ),
        (
            "spec",
            obj(vec![(
                "containers",
                Value::Array(vec![
                    obj(vec![
                        ("name", "nginx".into()),
                        ("image", "nginx:1.25".into()),
                    ]),
                    obj(vec![
                        ("name", "log".into()),
                        ("image", "busybox".into()),
                        ("args", Value::Array(vec![])),
                    ]),
                ]),
            )]),
        ),
        (
            "status",
            obj(vec![
                ("phase", "Running".into()),
                ("restarts", Value::Int(restarts)),
                ("ratio", Value::Float(0.5)),
                ("nodeName", Value::Null),
                (
                    "conditions",
                    Value::Array(vec![obj(vec![
                        ("type", "Ready".into()),
                        ("status", "True".into()),
                    ])]),
                ),
            ]),
        ),
    ])
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let items = vec![pod("web-0", 3), pod("web-10", 0), pod("web-2", 1)];
    let list = obj(vec![
        ("apiVersion", "v1".into()),
        ("kind", "List".into()),
        ("items", Value::Array(items.clone())),
    ]);
    let target = if mode & 1 == 0 { &list } else { &items[0] };
    match mode % 6 {
        0 | 1 => {
            if let Ok(p) = JsonPathPrinter::new(&text, mode & 2 != 0, mode & 4 == 0) {
                let _ = p.print(target);
            }
        }
        2 | 3 => {
            if let Ok(p) = GoTemplatePrinter::new(&text, mode & 4 == 0) {
                let _ = p.print(target);
            }
        }
        4 => {
            if let Ok(mut p) = CustomColumns::from_spec(&text, mode & 8 != 0) {
                let _ = p.print(target);
            }
            if let Ok(mut p) = CustomColumns::from_template(&text) {
                let _ = p.print(target);
            }
        }
        _ => {
            let _ = sort_objects(&items, &text);
            let _ = sort_table_rows(&items, &text);
        }
    }
});
