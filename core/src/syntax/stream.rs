//! How `kubectl -f` splits its input into documents: apimachinery's
//! `YAMLOrJSONDecoder`. Input whose first non-space character (within
//! 4096 bytes) is `{` is a stream of JSON values; anything else is cut into
//! chunks at `---` lines, and each chunk is converted on its own, so YAML
//! error lines count from the start of the chunk.

use super::decode::{parse_document, span_of};
use super::json::{span_at, JsonError, Reader};
use super::node::{Node, NodeKind, Span};
use super::SyntaxError;

/// How far kubectl looks for the `{` that makes the input JSON.
const SNIFF_BYTES: usize = 4096;

/// apimachinery's `hasJSONPrefix`: after Unicode white space, a `{`.
pub(crate) fn has_json_prefix(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

fn sniff_json(text: &str) -> bool {
    let mut end = text.len().min(SNIFF_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    has_json_prefix(&text[..end])
}

/// The documents of a manifest stream, in order, as kubectl decodes them:
/// empty and `null` documents are skipped, and the first error ends the
/// stream (the documents before it are still yielded, as kubectl applies
/// them).
pub struct Documents<'a> {
    text: &'a str,
    mode: Mode<'a>,
}

enum Mode<'a> {
    Unknown,
    Json(Reader<'a>),
    Yaml(Lines<'a>),
    Done,
}

impl<'a> Documents<'a> {
    pub(crate) fn new(text: &'a str) -> Documents<'a> {
        Documents {
            // kubectl reads files and stdin through a decoder that drops a
            // leading UTF-8 byte order mark before anything else looks.
            text: text.strip_prefix('\u{feff}').unwrap_or(text),
            mode: Mode::Unknown,
        }
    }

    fn next_json(text: &str, reader: &mut Reader<'_>) -> Option<Result<Node, SyntaxError>> {
        loop {
            reader.skip_space();
            if reader.at_end() {
                return None;
            }
            match reader.value(0) {
                Ok(node) if node.kind == NodeKind::Null => continue,
                Ok(node) => return Some(Ok(node)),
                Err(JsonError::Syntax { msg, offset }) | Err(JsonError::Range { msg, offset }) => {
                    return Some(Err(SyntaxError {
                        message: format!("json: offset {offset}: {msg}"),
                        span: span_at(text, offset.saturating_sub(1)),
                    }))
                }
                // A value cut short is io.ErrUnexpectedEOF, not a syntax error.
                Err(JsonError::Eof { .. }) => {
                    return Some(Err(SyntaxError {
                        message: "unexpected EOF".to_string(),
                        span: span_at(text, text.len()),
                    }))
                }
            }
        }
    }

    fn next_yaml(lines: &mut Lines<'_>) -> Option<Result<Node, SyntaxError>> {
        loop {
            let chunk = match lines.next_chunk()? {
                Ok(chunk) => chunk,
                Err(e) => return Some(Err(e)),
            };
            match parse_document(&chunk.text, chunk.first_line) {
                Ok(node) if node.kind == NodeKind::Null => continue,
                Ok(node) => return Some(Ok(node)),
                Err(e) => {
                    return Some(Err(SyntaxError {
                        message: format!("error converting YAML to JSON: {}", e.message),
                        span: span_of(e.at, chunk.first_line),
                    }))
                }
            }
        }
    }
}

impl Iterator for Documents<'_> {
    type Item = Result<Node, SyntaxError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Mode::Unknown = self.mode {
            self.mode = if sniff_json(self.text) {
                Mode::Json(Reader::new(self.text))
            } else {
                Mode::Yaml(Lines::new(self.text))
            };
        }
        let item = match &mut self.mode {
            Mode::Json(reader) => Self::next_json(self.text, reader),
            Mode::Yaml(lines) => Self::next_yaml(lines),
            Mode::Unknown | Mode::Done => None,
        };
        if !matches!(item, Some(Ok(_))) {
            self.mode = Mode::Done;
        }
        item
    }
}

/// One YAML document's text, as the YAML reader hands it on.
struct Chunk {
    text: String,
    /// The input line (from 0) the chunk's first line came from.
    first_line: usize,
}

/// apimachinery's `YAMLReader` over its `LineReader`: lines lose `\r\n` or
/// `\n` and get `\n` back; `---` lines end a document.
struct Lines<'a> {
    rest: Option<&'a str>,
    line_no: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        Lines {
            rest: Some(text),
            line_no: 0,
        }
    }

    /// The next line with its number; `eof` marks the empty read that
    /// follows the last line.
    fn read_line(&mut self) -> (String, usize, bool) {
        let no = self.line_no;
        let Some(rest) = self.rest else {
            return ("\n".to_string(), no, true);
        };
        if rest.is_empty() {
            self.rest = None;
            return ("\n".to_string(), no, true);
        }
        let (line, next) = match rest.find('\n') {
            Some(i) => {
                let line = &rest[..i];
                (line.strip_suffix('\r').unwrap_or(line), &rest[i + 1..])
            }
            None => (rest, ""),
        };
        self.rest = Some(next);
        self.line_no += 1;
        (format!("{line}\n"), no, false)
    }

    fn next_chunk(&mut self) -> Option<Result<Chunk, SyntaxError>> {
        self.rest?;
        let mut buffer = String::new();
        let mut first_line = None;
        loop {
            let (line, no, eof) = self.read_line();
            if let Some(after) = line.strip_prefix("---") {
                let trimmed = after.trim();
                if !trimmed.is_empty() && !trimmed.starts_with('#') {
                    self.rest = None;
                    return Some(Err(SyntaxError {
                        message: format!("invalid Yaml document separator: {trimmed}"),
                        span: Span::new(to_u32(no + 1), 1),
                    }));
                }
                if !buffer.is_empty() {
                    return Some(Ok(Chunk {
                        text: buffer,
                        first_line: first_line.unwrap_or(no),
                    }));
                }
                if eof {
                    self.rest = None;
                    return None;
                }
            }
            if eof {
                self.rest = None;
                if buffer.is_empty() {
                    return None;
                }
                return Some(Ok(Chunk {
                    text: buffer,
                    first_line: first_line.unwrap_or(no),
                }));
            }
            // A `---` with nothing before it stays in the chunk it starts.
            first_line.get_or_insert(no);
            buffer.push_str(&line);
        }
    }
}

fn to_u32(n: usize) -> u32 {
    n.min(u32::MAX as usize) as u32
}
