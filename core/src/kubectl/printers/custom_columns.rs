//! `kubectl -o custom-columns=NAME:.metadata.name,…` and
//! `-o custom-columns-file=FILE`, as kubectl's `CustomColumnsPrinter`.
//!
//! Each column is a header and a JSONPath (braces and the leading dot are
//! optional). A cell prints every value the path finds with Go's
//! `fmt.Sprint` (so a map reads `map[app:web]`), joined by commas, or
//! `<none>` when it finds nothing. The header line is printed once per
//! kind of object (list or single object), and the table goes through
//! kubectl's tab writer.

use super::jsonpath::{relaxed_expression, JsonPath};
use super::tabwriter::TabWriter;
use super::PrintError;
use crate::value::Value;

/// One user column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The header, printed as given.
    pub header: String,
    /// The JSONPath, in `{.a.b}` form.
    pub field_spec: String,
}

/// Which kind of object got the last header, so a watch does not repeat it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    List,
    Object,
}

/// The custom-columns printer.
#[derive(Clone, Debug)]
pub struct CustomColumns {
    columns: Vec<Column>,
    no_headers: bool,
    last_shape: Option<Shape>,
}

impl CustomColumns {
    /// Parses `NAME:.metadata.name,IMAGE:.spec.containers[*].image`.
    /// `no_headers` is `--no-headers`.
    pub fn from_spec(spec: &str, no_headers: bool) -> Result<Self, String> {
        if spec.is_empty() {
            return Err("custom-columns format specified but no custom columns given".into());
        }
        let mut columns = Vec::new();
        for part in spec.split(',') {
            let Some((header, path)) = part.split_once(':') else {
                return Err(format!(
                    "unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
                ));
            };
            columns.push(Column {
                header: header.to_string(),
                field_spec: relaxed_expression(path)?,
            });
        }
        Ok(CustomColumns {
            columns,
            no_headers,
            last_shape: None,
        })
    }

    /// Parses a custom-columns file: a line of headers and a line of
    /// paths, both whitespace-separated. kubectl ignores `--no-headers`
    /// for files.
    pub fn from_template(text: &str) -> Result<Self, String> {
        let lines = scan_lines(text);
        let Some(first) = lines.first() else {
            return Err("invalid template, missing header line. Expected format is one line of space separated headers, one line of space separated column specs.".into());
        };
        let Some(second) = lines.get(1) else {
            return Err("invalid template, missing spec line. Expected format is one line of space separated headers, one line of space separated column specs.".into());
        };
        let headers: Vec<&str> = first.split_whitespace().collect();
        let specs: Vec<&str> = second.split_whitespace().collect();
        if headers.len() != specs.len() {
            return Err(format!(
                "number of headers ({}) and field specifications ({}) don't match",
                headers.len(),
                specs.len()
            ));
        }
        let mut columns = Vec::new();
        for (h, s) in headers.iter().zip(&specs) {
            columns.push(Column {
                header: h.to_string(),
                field_spec: relaxed_expression(s)?,
            });
        }
        Ok(CustomColumns {
            columns,
            no_headers: false,
            last_shape: None,
        })
    }

    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Prints an object or a list (every item one row). On failure kubectl
    /// has already written the header and the rows before the bad one.
    pub fn print(&mut self, obj: &Value) -> Result<String, PrintError> {
        let mut tw = TabWriter::new();
        let r = self.print_to(obj, &mut tw);
        let out = tw.finish();
        match r {
            Ok(()) => Ok(out),
            Err(message) => Err(PrintError {
                output: out,
                message,
            }),
        }
    }

    /// Prints through a caller's tab writer, so that several objects share
    /// one alignment (as `kubectl get -w` does).
    pub fn print_to(&mut self, obj: &Value, tw: &mut TabWriter) -> Result<(), String> {
        let items = obj.get("items").and_then(Value::as_array);
        let shape = if items.is_some() {
            Shape::List
        } else {
            Shape::Object
        };
        if !self.no_headers && self.last_shape != Some(shape) {
            let headers: Vec<&str> = self.columns.iter().map(|c| c.header.as_str()).collect();
            tw.write_row(&headers);
            self.last_shape = Some(shape);
        }
        let mut parsers = Vec::new();
        for c in &self.columns {
            parsers.push(JsonPath::parse(&c.field_spec)?.allow_missing_keys(true));
        }
        match items {
            Some(items) => {
                for item in items {
                    if !matches!(item, Value::Object(_)) {
                        return Err("items member is not an object: map[string]interface {}".into());
                    }
                    print_row(item, &parsers, tw)?;
                }
                Ok(())
            }
            None => print_row(obj, &parsers, tw),
        }
    }
}

/// Go's `bufio.ScanLines`: lines without their `\n` (and a final `\r`);
/// a trailing newline does not start another line.
fn scan_lines(text: &str) -> Vec<&str> {
    if text.is_empty() {
        return Vec::new();
    }
    let mut lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    if text.ends_with('\n') {
        lines.pop();
    }
    lines
}

fn print_row(obj: &Value, parsers: &[JsonPath], tw: &mut TabWriter) -> Result<(), String> {
    let mut cells = Vec::with_capacity(parsers.len());
    for p in parsers {
        let values = p.find_results(obj)?;
        let mut strings = Vec::new();
        if values.first().is_none_or(Vec::is_empty) {
            strings.push("<none>".to_string());
        }
        for v in values.iter().flatten() {
            strings.push(escape_terminal(&v.sprint()));
        }
        cells.push(strings.join(","));
    }
    tw.write_row(&cells);
    Ok(())
}

/// cli-runtime's `EscapeTerminal`: ESC and CR cannot reach the terminal.
pub fn escape_terminal(s: &str) -> String {
    s.replace('\u{1b}', "^[").replace('\r', "\\r")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubectl::printers::jsonpath::tests_support::parse_json;

    fn pods() -> Value {
        parse_json(
            r#"{"apiVersion":"v1","kind":"List","items":[
              {"metadata":{"name":"web-0","labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx"},{"image":"busybox"}]},"status":{"podIP":"10.0.0.5"}},
              {"metadata":{"name":"db"},"spec":{"containers":[{"image":"postgres"}]},"status":{}}
            ]}"#,
        )
    }

    #[test]
    fn columns_print_like_kubectl() {
        let cases: &[(&str, &str, bool, &str)] = &[
            (
                "several values join with commas, missing ones read none",
                "NAME:.metadata.name,IMAGES:.spec.containers[*].image,IP:.status.podIP",
                false,
                "NAME    IMAGES          IP\nweb-0   nginx,busybox   10.0.0.5\ndb      postgres        <none>\n",
            ),
            (
                "braces and a missing leading dot are accepted",
                "NAME:{metadata.name},LABELS:metadata.labels",
                false,
                "NAME    LABELS\nweb-0   map[app:web]\ndb      <none>\n",
            ),
            (
                "no headers",
                "NAME:.metadata.name",
                true,
                "web-0\ndb\n",
            ),
        ];
        for (name, spec, no_headers, want) in cases {
            let mut p = CustomColumns::from_spec(spec, *no_headers).unwrap();
            assert_eq!(p.print(&pods()).unwrap(), *want, "{name}");
        }
    }

    #[test]
    fn a_single_object_prints_one_row() {
        let obj = parse_json(r#"{"metadata":{"name":"web-0"}}"#);
        let mut p = CustomColumns::from_spec("NAME:.metadata.name", false).unwrap();
        assert_eq!(p.print(&obj).unwrap(), "NAME\nweb-0\n");
        // The same printer does not repeat the header for the same shape.
        assert_eq!(p.print(&obj).unwrap(), "web-0\n");
    }

    #[test]
    fn spec_errors_match_kubectl() {
        let cases: &[(&str, &str, &str)] = &[
            ("an empty spec", "", "custom-columns format specified but no custom columns given"),
            ("a column without a path", "NAME", "unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>"),
            ("a path with two expressions", "A:{.a}{.b}", "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'"),
        ];
        for (name, spec, want) in cases {
            assert_eq!(
                CustomColumns::from_spec(spec, false).unwrap_err(),
                *want,
                "{name}"
            );
        }
    }

    #[test]
    fn a_bad_path_fails_after_the_header() {
        let mut p = CustomColumns::from_spec("NAME:.items[*", false).unwrap();
        let e = p.print(&pods()).unwrap_err();
        assert_eq!(e.message, "unterminated array");
        assert_eq!(e.output, "NAME\n");
    }

    #[test]
    fn template_files_match_kubectl() {
        let mut p = CustomColumns::from_template(
            "NAME   IMAGE\n.metadata.name  {.spec.containers[0].image}\n",
        )
        .unwrap();
        assert_eq!(
            p.print(&pods()).unwrap(),
            "NAME    IMAGE\nweb-0   nginx\ndb      postgres\n"
        );
        let cases: &[(&str, &str, &str)] = &[
            ("an empty file", "", "invalid template, missing header line. Expected format is one line of space separated headers, one line of space separated column specs."),
            ("only a header line", "NAME\n", "invalid template, missing spec line. Expected format is one line of space separated headers, one line of space separated column specs."),
            ("mismatched counts", "A B\n.a\n", "number of headers (2) and field specifications (1) don't match"),
        ];
        for (name, text, want) in cases {
            assert_eq!(
                CustomColumns::from_template(text).unwrap_err(),
                *want,
                "{name}"
            );
        }
    }

    #[test]
    fn terminal_escapes_are_neutralised() {
        assert_eq!(escape_terminal("a\u{1b}[31mb\rc"), "a^[[31mb\\rc");
    }
}
