//! Splitting a transcript into the commands a person would type, one
//! complete shell command (with its heredoc) at a time.

use crate::userland::shell::parse::Parser;

/// One command of a transcript.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// 1-based line of its first line.
    pub line: usize,
    /// Its full text, heredoc bodies included.
    pub text: String,
}

impl Command {
    /// The line a terminal shows after the prompt (`$ kubectl ...`).
    pub fn first_line(&self) -> &str {
        self.text.lines().next().unwrap_or("")
    }
}

/// A transcript the shell cannot parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitError {
    pub line: usize,
    pub message: String,
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#')
}

/// Splits `text` into commands, skipping blank lines and comments.
pub fn split_commands(text: &str) -> Result<Vec<Command>, SplitError> {
    // A final newline makes the parser's line count end past the last line.
    let owned;
    let text = if text.ends_with('\n') {
        text
    } else {
        owned = format!("{text}\n");
        &owned
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut parser = Parser::new(text, 1);
    let mut out = Vec::new();
    loop {
        let before = parser.line();
        match parser.next_command() {
            Ok(None) => break,
            Ok(Some(_)) => {
                let after = parser.line();
                // The command starts at the first line that is not blank or
                // a comment; it ends before the line the parser reached (or
                // on that line when it stopped at end of input).
                let mut start = before;
                while start < after && start <= lines.len() && is_blank_or_comment(lines[start - 1])
                {
                    start += 1;
                }
                let mut end = if after > lines.len() {
                    lines.len()
                } else {
                    after.saturating_sub(1)
                };
                if end < start {
                    end = start.min(lines.len());
                }
                let body: Vec<&str> = lines
                    .get(start.saturating_sub(1)..end)
                    .unwrap_or_default()
                    .to_vec();
                if body.is_empty() {
                    continue;
                }
                out.push(Command {
                    line: start,
                    text: body.join("\n"),
                });
            }
            Err(e) => {
                return Err(SplitError {
                    line: parser.line(),
                    message: e.message,
                })
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_keep_their_heredocs_and_loops() {
        let text = "# a comment\n\nkubectl get pods\ncat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Pod\nEOF\nsleep 5\nfor i in 0 1; do\n  echo $i\ndone\nkubectl apply -f - <<'EOF'\nx: $y\nEOF\n";
        let cmds = split_commands(text).unwrap();
        let firsts: Vec<&str> = cmds.iter().map(Command::first_line).collect();
        assert_eq!(
            firsts,
            [
                "kubectl get pods",
                "cat <<EOF | kubectl apply -f -",
                "sleep 5",
                "for i in 0 1; do",
                "kubectl apply -f - <<'EOF'"
            ]
        );
        assert_eq!(
            cmds[1].text,
            "cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Pod\nEOF"
        );
        assert_eq!(cmds[3].text, "for i in 0 1; do\n  echo $i\ndone");
        assert_eq!(cmds[0].line, 3);
    }

    #[test]
    fn unparseable_transcripts_are_errors() {
        assert!(split_commands("if true; then\necho x\n").is_err());
        assert!(split_commands("echo 'unterminated\n").is_err());
    }
}
