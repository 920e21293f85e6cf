//! Reading lesson sources: the syllabus and the front matter of each file.
//!
//! Shared by the build script (which turns `content/` into Rust data) and the
//! crate's tests, so the rules checked at build time are also unit-tested.

/// The language codes a lesson file may be named after, with the `Lang`
/// variant each one becomes. `en` comes first: it is the required fallback.
pub const LANGUAGES: [(&str, &str); 2] = [("en", "Lang::En"), ("zh-CN", "Lang::ZhCn")];

/// One lesson file split into its front matter fields and its Markdown body.
#[derive(Debug, PartialEq, Eq)]
pub struct Document<'a> {
    pub title: String,
    pub summary: String,
    pub body: &'a str,
}

/// Lesson ids in syllabus order: one per line, `#` starts a comment line.
pub fn parse_syllabus(text: &str) -> Result<Vec<String>, String> {
    let mut ids: Vec<String> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !is_valid_id(line) {
            return Err(format!(
                "line {}: lesson id {line:?} must be lowercase letters, digits and '-'",
                index + 1
            ));
        }
        if ids.iter().any(|id| id == line) {
            return Err(format!(
                "line {}: lesson id {line:?} is listed twice",
                index + 1
            ));
        }
        ids.push(line.to_string());
    }
    if ids.is_empty() {
        return Err("the syllabus lists no lesson".to_string());
    }
    Ok(ids)
}

/// Lesson ids become URL path segments, so they stay plain.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Splits `---`-fenced `key: value` front matter from the Markdown body.
/// `title` and `summary` are required; any other key is an error so that a
/// typo never silently drops a field.
pub fn parse_document(text: &str) -> Result<Document<'_>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = LineCursor::new(text);
    match lines.next() {
        Some(first) if first.trim_end() == "---" => {}
        _ => return Err("line 1: expected front matter starting with '---'".to_string()),
    }
    let mut title = None;
    let mut summary = None;
    loop {
        let Some(line) = lines.next() else {
            return Err("front matter is not closed with '---'".to_string());
        };
        let number = lines.line_number();
        let line = line.trim_end();
        if line == "---" {
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(format!(
                "line {number}: expected 'key: value', found {line:?}"
            ));
        };
        let value = value.trim();
        if value.is_empty() {
            return Err(format!("line {number}: {key:?} has no value"));
        }
        let slot = match key.trim() {
            "title" => &mut title,
            "summary" => &mut summary,
            other => {
                return Err(format!(
                    "line {number}: unknown key {other:?} (expected title or summary)"
                ))
            }
        };
        if slot.is_some() {
            return Err(format!("line {number}: {:?} is given twice", key.trim()));
        }
        *slot = Some(value.to_string());
    }
    let title = title.ok_or("front matter has no title")?;
    let summary = summary.ok_or("front matter has no summary")?;
    Ok(Document {
        title,
        summary,
        body: lines.rest(),
    })
}

/// The `Lang` variant for a file stem such as `zh-CN`.
pub fn lang_variant(code: &str) -> Option<&'static str> {
    LANGUAGES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, variant)| *variant)
}

/// Walks lines while remembering where the unread rest starts.
struct LineCursor<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
}

impl<'a> LineCursor<'a> {
    fn new(text: &'a str) -> Self {
        LineCursor {
            text,
            offset: 0,
            line: 0,
        }
    }

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.text.get(self.offset..)?;
        if rest.is_empty() {
            return None;
        }
        let (line, consumed) = match rest.find('\n') {
            Some(end) => (&rest[..end], end + 1),
            None => (rest, rest.len()),
        };
        self.offset += consumed;
        self.line += 1;
        Some(line.strip_suffix('\r').unwrap_or(line))
    }

    fn line_number(&self) -> usize {
        self.line
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.offset..).unwrap_or("")
    }
}
