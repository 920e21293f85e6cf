//! The column aligner behind `kubectl describe`: Go's standard
//! `text/tabwriter` as describe's `tabbedString` configures it (minwidth 0,
//! tabwidth 8, padding 2, padchar ' ', no flags).
//!
//! Unlike `kubectl get`'s writer it does not remember widths, so every line
//! without a tab (a section title such as `Containers:`) ends the column
//! blocks above it and the next block is sized afresh.

const PADDING: usize = 2;

#[derive(Clone, Copy, Default)]
struct Cell {
    /// Bytes of text in the buffer.
    size: usize,
    /// Characters of text.
    width: usize,
}

/// Aligns tab-separated text the way describe's writer does.
pub(crate) fn align(text: &str) -> String {
    let mut lines: Vec<Vec<Cell>> = vec![Vec::new()];
    let mut buf = String::with_capacity(text.len());
    let mut cell = Cell::default();
    for ch in text.chars() {
        match ch {
            '\t' | '\u{b}' | '\n' | '\u{c}' => {
                if let Some(line) = lines.last_mut() {
                    line.push(cell);
                }
                cell = Cell::default();
                if ch == '\n' || ch == '\u{c}' {
                    lines.push(Vec::new());
                }
            }
            _ => {
                buf.push(ch);
                cell.size += ch.len_utf8();
                cell.width += 1;
            }
        }
    }
    // The text after the last newline is an unterminated cell.
    if cell.size > 0 {
        if let Some(line) = lines.last_mut() {
            line.push(cell);
        }
    }
    let mut f = Formatter {
        buf: &buf,
        lines: &lines,
        widths: Vec::new(),
        out: String::with_capacity(text.len() * 2),
    };
    f.format(0, 0, lines.len());
    f.out
}

struct Formatter<'a> {
    buf: &'a str,
    lines: &'a [Vec<Cell>],
    widths: Vec<usize>,
    out: String,
}

impl Formatter<'_> {
    fn write_lines(&mut self, mut pos: usize, line0: usize, line1: usize) -> usize {
        for i in line0..line1 {
            let line = &self.lines[i];
            for (j, c) in line.iter().enumerate() {
                let end = (pos + c.size).min(self.buf.len());
                self.out.push_str(self.buf.get(pos..end).unwrap_or(""));
                pos = end;
                if let Some(&w) = self.widths.get(j) {
                    for _ in c.width..w {
                        self.out.push(' ');
                    }
                }
            }
            // Every line but the last ended with a newline.
            if i + 1 < self.lines.len() {
                self.out.push('\n');
            }
        }
        pos
    }

    /// Go's recursive column-block formatter.
    fn format(&mut self, mut pos: usize, mut line0: usize, line1: usize) -> usize {
        let column = self.widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= self.lines[this].len() {
                this += 1;
                continue;
            }
            pos = self.write_lines(pos, line0, this);
            line0 = this;
            let mut width = 0;
            while this < line1 {
                let line = &self.lines[this];
                if column + 1 >= line.len() {
                    break;
                }
                width = width.max(line[column].width + PADDING);
                this += 1;
            }
            self.widths.push(width);
            pos = self.format(pos, line0, this);
            self.widths.pop();
            line0 = this;
        }
        self.write_lines(pos, line0, line1)
    }
}

#[cfg(test)]
mod tests {
    use super::align;

    #[test]
    fn aligns_like_go_text_tabwriter() {
        let cases = [
            (
                "a block pads to its widest cell plus two",
                "Name:\tnginx\nNamespace:\tdefault\n",
                "Name:       nginx\nNamespace:  default\n",
            ),
            (
                "a line without a tab starts a new block",
                "Name:\tx\nContainers:\n  nginx:\n    Image:\tnginx\n",
                "Name:  x\nContainers:\n  nginx:\n    Image:  nginx\n",
            ),
            (
                "an empty first cell indents a continuation line",
                "Labels:\tapp=web\n\ttier=db\nStatus:\tRunning\n",
                "Labels:  app=web\n         tier=db\nStatus:  Running\n",
            ),
            (
                "cells with trailing spaces keep them",
                "  Type\tStatus\n  Ready \tTrue \n",
                "  Type    Status\n  Ready   True \n",
            ),
            ("text without a final newline is kept", "a\tb", "a  b"),
        ];
        for (name, input, want) in cases {
            assert_eq!(align(input), want, "{name}");
        }
    }
}
