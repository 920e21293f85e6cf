//! The column aligner behind every kubectl table: Go's `text/tabwriter` as
//! forked by `github.com/liggitt/tabwriter`, configured as cli-runtime's
//! `GetNewTabWriter` does (minwidth 6, tabwidth 4, padding 3, padchar ' ',
//! flag `RememberWidths`).
//!
//! Cells end with a tab; the text after a line's last tab is not part of
//! any column and is never padded. A column is a run of consecutive lines
//! that all have a cell at that position, so lines with fewer cells split
//! the column into blocks that are aligned separately. A line with no tab
//! flushes everything before it; `RememberWidths` then carries each
//! column's width over to the lines after, so a table never narrows. Widths
//! count characters (runes), not display columns: CJK text misaligns in
//! kubectl exactly as it does here.

/// cli-runtime's settings.
const MIN_WIDTH: usize = 6;
const PADDING: usize = 3;

#[derive(Clone, Copy, Debug, Default)]
struct Cell {
    /// Bytes of text in the buffer.
    size: usize,
    /// Characters of text.
    width: usize,
}

/// Aligns tab-separated text into columns.
#[derive(Clone, Debug)]
pub struct TabWriter {
    out: String,
    buf: String,
    cell: Cell,
    lines: Vec<Vec<Cell>>,
    widths: Vec<usize>,
    remembered: Vec<usize>,
}

impl Default for TabWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl TabWriter {
    /// A writer configured as kubectl's.
    pub fn new() -> Self {
        TabWriter {
            out: String::new(),
            buf: String::new(),
            cell: Cell::default(),
            lines: vec![Vec::new()],
            widths: Vec::new(),
            remembered: Vec::new(),
        }
    }

    /// Writes text; `\t` ends a cell, `\n` a line.
    pub fn write_str(&mut self, text: &str) {
        let mut start = 0;
        for (i, ch) in text.char_indices() {
            if matches!(ch, '\t' | '\u{b}' | '\n' | '\u{c}') {
                self.append(&text[start..i]);
                start = i + 1;
                let ncells = self.terminate_cell();
                if ch == '\n' || ch == '\u{c}' {
                    self.lines.push(Vec::new());
                    // A line without tabs cannot affect later columns, so
                    // everything before it can be formatted now.
                    if ch == '\u{c}' || ncells == 1 {
                        self.flush();
                    }
                }
            }
        }
        self.append(&text[start..]);
    }

    /// Writes one line: the cells joined by tabs, then a newline.
    pub fn write_row<S: AsRef<str>>(&mut self, cells: &[S]) {
        let mut line = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                line.push('\t');
            }
            line.push_str(c.as_ref());
        }
        line.push('\n');
        self.write_str(&line);
    }

    /// Formats everything written so far, as Go's `Flush`.
    pub fn flush(&mut self) {
        if self.cell.size > 0 {
            self.terminate_cell();
        }
        let line_count = self.lines.len();
        self.format(0, 0, line_count);
        self.buf.clear();
        self.cell = Cell::default();
        self.lines.clear();
        self.lines.push(Vec::new());
        self.widths.clear();
    }

    /// Flushes and returns all output.
    pub fn finish(mut self) -> String {
        self.flush();
        self.out
    }

    /// Takes the output formatted so far, leaving the writer usable.
    pub fn take_output(&mut self) -> String {
        std::mem::take(&mut self.out)
    }

    /// The per-column widths remembered across flushes.
    pub fn remembered_widths(&self) -> &[usize] {
        &self.remembered
    }

    /// Replaces the remembered widths, as kubectl does (with none) when it
    /// starts a table for another kind of resource.
    pub fn set_remembered_widths(&mut self, widths: &[usize]) {
        self.remembered = widths.to_vec();
    }

    fn append(&mut self, text: &str) {
        self.buf.push_str(text);
        self.cell.size += text.len();
        self.cell.width += text.chars().count();
    }

    fn terminate_cell(&mut self) -> usize {
        let cell = std::mem::take(&mut self.cell);
        match self.lines.last_mut() {
            Some(line) => {
                line.push(cell);
                line.len()
            }
            None => {
                self.lines.push(vec![cell]);
                1
            }
        }
    }

    fn write_padding(&mut self, text_width: usize, cell_width: usize) {
        for _ in text_width..cell_width {
            self.out.push(' ');
        }
    }

    fn write_lines(&mut self, mut pos: usize, line0: usize, line1: usize) -> usize {
        for i in line0..line1 {
            let line = self.lines[i].clone();
            for (j, c) in line.iter().enumerate() {
                if c.size > 0 {
                    let end = (pos + c.size).min(self.buf.len());
                    let text = self.buf[pos..end].to_string();
                    self.out.push_str(&text);
                    pos = end;
                }
                if j < self.widths.len() {
                    let w = self.widths[j];
                    self.write_padding(c.width, w);
                }
            }
            if i + 1 == self.lines.len() {
                // The last buffered line has no newline yet.
                let end = (pos + self.cell.size).min(self.buf.len());
                let text = self.buf[pos..end].to_string();
                self.out.push_str(&text);
                pos = end;
            } else {
                self.out.push('\n');
            }
        }
        pos
    }

    /// Go's recursive column-block formatter: finds each block of lines that
    /// share column `widths.len()`, sizes it, and formats the columns to its
    /// right within the block.
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

            let mut width = MIN_WIDTH;
            while this < line1 {
                let line = &self.lines[this];
                if column + 1 >= line.len() {
                    break;
                }
                width = width.max(line[column].width + PADDING);
                this += 1;
            }

            // RememberWidths: a column never gets narrower than it was.
            if self.remembered.len() < self.widths.len() {
                let missing = self.widths[self.remembered.len()..].to_vec();
                self.remembered.extend(missing);
            }
            if self.remembered.len() == self.widths.len() {
                self.remembered.push(width);
            } else if self.remembered[column] > width {
                width = self.remembered[column];
            } else {
                self.remembered[column] = width;
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
    use super::*;

    fn table(rows: &[&[&str]]) -> String {
        let mut tw = TabWriter::new();
        for r in rows {
            tw.write_row(r);
        }
        tw.finish()
    }

    #[test]
    fn tables_align_like_kubectl() {
        let cases: &[(&str, &[&[&str]], &str)] = &[
            (
                "a pod table pads to the widest cell plus three",
                &[
                    &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
                    &["nginx", "1/1", "Running", "0", "5s"],
                ],
                "NAME    READY   STATUS    RESTARTS   AGE\nnginx   1/1     Running   0          5s\n",
            ),
            (
                "short columns still get the minimum width",
                &[&["A", "B"], &["1", "2"]],
                "A     B\n1     2\n",
            ),
            (
                "the last cell is never padded",
                &[&["NAME", "LABELS"], &["x", "app=web,tier=frontend"]],
                "NAME   LABELS\nx      app=web,tier=frontend\n",
            ),
            (
                "empty cells are padded",
                &[&["NAME", "ENDPOINTS", "AGE"], &["svc", "", "1m"]],
                "NAME   ENDPOINTS   AGE\nsvc                1m\n",
            ),
            (
                "width counts characters, not bytes or screen columns",
                &[&["NAME", "X"], &["日本語", "y"]],
                "NAME   X\n日本語    y\n",
            ),
        ];
        for (name, rows, want) in cases {
            assert_eq!(table(rows), *want, "{name}");
        }
    }

    #[test]
    fn lines_with_fewer_cells_split_column_blocks() {
        let mut tw = TabWriter::new();
        tw.write_str("aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n");
        assert_eq!(
            tw.finish(),
            "aaaa   bbb   d\naa     b     dd\na      \naa     cccc   eee\n"
        );
    }

    #[test]
    fn remembered_widths_survive_a_line_without_tabs() {
        let mut tw = TabWriter::new();
        tw.write_str("NAME\tAGE\nvery-long-name\t1s\n\nNAME\tAGE\nx\t2s\n");
        assert_eq!(
            tw.finish(),
            "NAME             AGE\nvery-long-name   1s\n\nNAME             AGE\nx                2s\n"
        );
    }

    #[test]
    fn clearing_remembered_widths_starts_afresh() {
        let mut tw = TabWriter::new();
        tw.write_str("NAME\tAGE\nvery-long-name\t1s\n");
        tw.flush();
        tw.set_remembered_widths(&[]);
        tw.write_str("NAME\tAGE\nx\t2s\n");
        assert_eq!(
            tw.finish(),
            "NAME             AGE\nvery-long-name   1s\nNAME   AGE\nx      2s\n"
        );
    }

    #[test]
    fn text_without_a_newline_is_kept() {
        let mut tw = TabWriter::new();
        tw.write_str("a\tb");
        assert_eq!(tw.finish(), "a     b");
    }
}
