//! go-yaml v2's event parser (libyaml's LL(1) parser) over the scanner's
//! tokens. Like the scanner it is a close port: the token it peeks at when
//! it fails is the position kubectl reports.

use super::scanner::{ErrorKind, Mark, Result, ScalarStyle, Scanner, Token, TokenKind, YamlError};

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum EventKind {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias {
        anchor: String,
    },
    Scalar {
        anchor: Option<String>,
        tag: String,
        value: String,
        /// Plain and untagged (or tagged `!`): subject to resolution.
        plain_implicit: bool,
        style: ScalarStyle,
    },
    SequenceStart {
        anchor: Option<String>,
        tag: String,
    },
    SequenceEnd,
    MappingStart {
        anchor: Option<String>,
        tag: String,
    },
    MappingEnd,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Event {
    pub kind: EventKind,
    pub start: Mark,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    StreamStart,
    ImplicitDocumentStart,
    DocumentStart,
    DocumentContent,
    DocumentEnd,
    BlockNode,
    BlockSequenceFirstEntry,
    BlockSequenceEntry,
    IndentlessSequenceEntry,
    BlockMappingFirstKey,
    BlockMappingKey,
    BlockMappingValue,
    FlowSequenceFirstEntry,
    FlowSequenceEntry,
    FlowSequenceEntryMappingKey,
    FlowSequenceEntryMappingValue,
    FlowSequenceEntryMappingEnd,
    FlowMappingFirstKey,
    FlowMappingKey,
    FlowMappingValue,
    FlowMappingEmptyValue,
    End,
}

pub(crate) struct Parser {
    scanner: Scanner,
    state: State,
    states: Vec<State>,
    marks: Vec<Mark>,
    tag_directives: Vec<(Vec<u8>, Vec<u8>)>,
}

fn parser_error<T>(problem: &str, problem_mark: Mark) -> Result<T> {
    parser_error_context(Mark::default(), problem, problem_mark)
}

fn parser_error_context<T>(context_mark: Mark, problem: &str, problem_mark: Mark) -> Result<T> {
    Err(YamlError {
        kind: ErrorKind::Parser,
        problem: problem.to_string(),
        problem_mark,
        context_mark,
        at: problem_mark,
    })
}

/// A collection left open at the end of the input: shown at its start.
fn unclosed<T>(context_mark: Mark, problem: &str, problem_mark: Mark) -> Result<T> {
    parser_error_context(context_mark, problem, problem_mark).map_err(|e| YamlError {
        at: context_mark,
        ..e
    })
}

impl Parser {
    pub(crate) fn new(text: &str) -> Parser {
        Parser {
            scanner: Scanner::new(text),
            state: State::StreamStart,
            states: Vec::new(),
            marks: Vec::new(),
            tag_directives: Vec::new(),
        }
    }

    fn peek_token(&mut self) -> Result<&Token> {
        if !self.scanner.token_available {
            self.scanner.fetch_more_tokens()?;
        }
        match self.scanner.tokens.front() {
            Some(token) => Ok(token),
            // The scanner always queues a token before it reports success.
            None => parser_error("did not find expected <stream-end>", self.scanner.mark),
        }
    }

    fn peek_kind(&mut self) -> Result<(TokenKind, Mark, Mark)> {
        let t = self.peek_token()?;
        Ok((t.kind.clone(), t.start, t.end))
    }

    fn skip_token(&mut self) {
        self.scanner.token_available = false;
        self.scanner.tokens_parsed += 1;
        if let Some(t) = self.scanner.tokens.pop_front() {
            self.scanner.stream_end_produced = t.kind == TokenKind::StreamEnd;
        }
    }

    fn pop_state(&mut self) {
        self.state = self.states.pop().unwrap_or(State::End);
    }

    fn pop_mark(&mut self) -> Mark {
        self.marks.pop().unwrap_or_default()
    }

    /// The next event, or `None` once the stream has ended.
    pub(crate) fn next_event(&mut self) -> Result<Option<Event>> {
        if self.scanner.stream_end_produced || self.state == State::End {
            return Ok(None);
        }
        self.state_machine().map(Some)
    }

    fn state_machine(&mut self) -> Result<Event> {
        match self.state {
            State::StreamStart => self.parse_stream_start(),
            State::ImplicitDocumentStart => self.parse_document_start(true),
            State::DocumentStart => self.parse_document_start(false),
            State::DocumentContent => self.parse_document_content(),
            State::DocumentEnd => self.parse_document_end(),
            State::BlockNode => self.parse_node(true, false),
            State::BlockSequenceFirstEntry => self.parse_block_sequence_entry(true),
            State::BlockSequenceEntry => self.parse_block_sequence_entry(false),
            State::IndentlessSequenceEntry => self.parse_indentless_sequence_entry(),
            State::BlockMappingFirstKey => self.parse_block_mapping_key(true),
            State::BlockMappingKey => self.parse_block_mapping_key(false),
            State::BlockMappingValue => self.parse_block_mapping_value(),
            State::FlowSequenceFirstEntry => self.parse_flow_sequence_entry(true),
            State::FlowSequenceEntry => self.parse_flow_sequence_entry(false),
            State::FlowSequenceEntryMappingKey => self.parse_flow_sequence_entry_mapping_key(),
            State::FlowSequenceEntryMappingValue => self.parse_flow_sequence_entry_mapping_value(),
            State::FlowSequenceEntryMappingEnd => self.parse_flow_sequence_entry_mapping_end(),
            State::FlowMappingFirstKey => self.parse_flow_mapping_key(true),
            State::FlowMappingKey => self.parse_flow_mapping_key(false),
            State::FlowMappingValue => self.parse_flow_mapping_value(false),
            State::FlowMappingEmptyValue => self.parse_flow_mapping_value(true),
            State::End => Ok(Event {
                kind: EventKind::StreamEnd,
                start: self.scanner.mark,
            }),
        }
    }

    fn parse_stream_start(&mut self) -> Result<Event> {
        let (kind, start, _) = self.peek_kind()?;
        if kind != TokenKind::StreamStart {
            return parser_error("did not find expected <stream-start>", start);
        }
        self.state = State::ImplicitDocumentStart;
        self.skip_token();
        Ok(Event {
            kind: EventKind::StreamStart,
            start,
        })
    }

    fn parse_document_start(&mut self, implicit: bool) -> Result<Event> {
        let (mut kind, mut start, _) = self.peek_kind()?;
        if !implicit {
            while kind == TokenKind::DocumentEnd {
                self.skip_token();
                (kind, start, _) = self.peek_kind()?;
            }
        }
        let is_directive = matches!(
            kind,
            TokenKind::VersionDirective { .. } | TokenKind::TagDirective { .. }
        );
        if implicit
            && !is_directive
            && kind != TokenKind::DocumentStart
            && kind != TokenKind::StreamEnd
        {
            self.process_directives()?;
            self.states.push(State::DocumentEnd);
            self.state = State::BlockNode;
            return Ok(Event {
                kind: EventKind::DocumentStart,
                start,
            });
        }
        if kind != TokenKind::StreamEnd {
            let doc_start = start;
            self.process_directives()?;
            let (kind, start, _) = self.peek_kind()?;
            if kind != TokenKind::DocumentStart {
                return parser_error("did not find expected <document start>", start);
            }
            self.states.push(State::DocumentEnd);
            self.state = State::DocumentContent;
            self.skip_token();
            return Ok(Event {
                kind: EventKind::DocumentStart,
                start: doc_start,
            });
        }
        self.state = State::End;
        self.skip_token();
        Ok(Event {
            kind: EventKind::StreamEnd,
            start,
        })
    }

    fn parse_document_content(&mut self) -> Result<Event> {
        let (kind, start, _) = self.peek_kind()?;
        if matches!(
            kind,
            TokenKind::VersionDirective { .. }
                | TokenKind::TagDirective { .. }
                | TokenKind::DocumentStart
                | TokenKind::DocumentEnd
                | TokenKind::StreamEnd
        ) {
            self.pop_state();
            return Ok(empty_scalar(start));
        }
        self.parse_node(true, false)
    }

    fn parse_document_end(&mut self) -> Result<Event> {
        let (kind, start, _) = self.peek_kind()?;
        if kind == TokenKind::DocumentEnd {
            self.skip_token();
        }
        self.tag_directives.clear();
        self.state = State::DocumentStart;
        Ok(Event {
            kind: EventKind::DocumentEnd,
            start,
        })
    }

    fn parse_node(&mut self, block: bool, indentless_sequence: bool) -> Result<Event> {
        let (mut kind, mut start_of_token, _) = self.peek_kind()?;
        if let TokenKind::Alias(anchor) = kind {
            self.pop_state();
            self.skip_token();
            return Ok(Event {
                kind: EventKind::Alias { anchor },
                start: start_of_token,
            });
        }

        let start = start_of_token;
        let mut anchor = None;
        let mut tag_parts: Option<(Vec<u8>, Vec<u8>)> = None;
        let mut tag_mark = Mark::default();
        if let TokenKind::Anchor(a) = &kind {
            anchor = Some(a.clone());
            self.skip_token();
            (kind, start_of_token, _) = self.peek_kind()?;
            if let TokenKind::Tag { handle, suffix } = &kind {
                tag_parts = Some((handle.clone(), suffix.clone()));
                tag_mark = start_of_token;
                self.skip_token();
                (kind, start_of_token, _) = self.peek_kind()?;
            }
        } else if let TokenKind::Tag { handle, suffix } = &kind {
            tag_parts = Some((handle.clone(), suffix.clone()));
            tag_mark = start_of_token;
            self.skip_token();
            (kind, start_of_token, _) = self.peek_kind()?;
            if let TokenKind::Anchor(a) = &kind {
                anchor = Some(a.clone());
                self.skip_token();
                (kind, start_of_token, _) = self.peek_kind()?;
            }
        }

        let mut tag: Vec<u8> = Vec::new();
        if let Some((handle, suffix)) = tag_parts {
            if handle.is_empty() {
                tag = suffix;
            } else {
                match self.tag_directives.iter().find(|(h, _)| *h == handle) {
                    Some((_, prefix)) => {
                        tag = prefix.clone();
                        tag.extend_from_slice(&suffix);
                    }
                    None => {
                        return parser_error_context(start, "found undefined tag handle", tag_mark)
                    }
                }
            }
        }
        let tag_text = String::from_utf8_lossy(&tag).into_owned();

        if indentless_sequence && kind == TokenKind::BlockEntry {
            self.state = State::IndentlessSequenceEntry;
            return Ok(Event {
                kind: EventKind::SequenceStart {
                    anchor,
                    tag: tag_text,
                },
                start,
            });
        }
        match kind {
            TokenKind::Scalar { value, style } => {
                let plain_implicit = (tag.is_empty() && style == ScalarStyle::Plain) || tag == b"!";
                self.pop_state();
                self.skip_token();
                Ok(Event {
                    kind: EventKind::Scalar {
                        anchor,
                        tag: tag_text,
                        value,
                        plain_implicit,
                        style,
                    },
                    start,
                })
            }
            TokenKind::FlowSequenceStart => {
                self.state = State::FlowSequenceFirstEntry;
                Ok(Event {
                    kind: EventKind::SequenceStart {
                        anchor,
                        tag: tag_text,
                    },
                    start,
                })
            }
            TokenKind::FlowMappingStart => {
                self.state = State::FlowMappingFirstKey;
                Ok(Event {
                    kind: EventKind::MappingStart {
                        anchor,
                        tag: tag_text,
                    },
                    start,
                })
            }
            TokenKind::BlockSequenceStart if block => {
                self.state = State::BlockSequenceFirstEntry;
                Ok(Event {
                    kind: EventKind::SequenceStart {
                        anchor,
                        tag: tag_text,
                    },
                    start,
                })
            }
            TokenKind::BlockMappingStart if block => {
                self.state = State::BlockMappingFirstKey;
                Ok(Event {
                    kind: EventKind::MappingStart {
                        anchor,
                        tag: tag_text,
                    },
                    start,
                })
            }
            _ if anchor.is_some() || !tag.is_empty() => {
                // Properties with no content: an empty plain scalar.
                self.pop_state();
                Ok(Event {
                    kind: EventKind::Scalar {
                        anchor,
                        plain_implicit: tag.is_empty(),
                        tag: tag_text,
                        value: String::new(),
                        style: ScalarStyle::Plain,
                    },
                    start,
                })
            }
            _ => parser_error_context(start, "did not find expected node content", start_of_token),
        }
    }

    fn parse_block_sequence_entry(&mut self, first: bool) -> Result<Event> {
        if first {
            let (_, start, _) = self.peek_kind()?;
            self.marks.push(start);
            self.skip_token();
        }
        let (kind, start, end) = self.peek_kind()?;
        if kind == TokenKind::BlockEntry {
            self.skip_token();
            let (next, _, _) = self.peek_kind()?;
            if next != TokenKind::BlockEntry && next != TokenKind::BlockEnd {
                self.states.push(State::BlockSequenceEntry);
                return self.parse_node(true, false);
            }
            self.state = State::BlockSequenceEntry;
            return Ok(empty_scalar(end));
        }
        if kind == TokenKind::BlockEnd {
            self.pop_state();
            self.pop_mark();
            self.skip_token();
            return Ok(Event {
                kind: EventKind::SequenceEnd,
                start,
            });
        }
        let context = self.pop_mark();
        parser_error_context(context, "did not find expected '-' indicator", start)
    }

    fn parse_indentless_sequence_entry(&mut self) -> Result<Event> {
        let (kind, start, end) = self.peek_kind()?;
        if kind == TokenKind::BlockEntry {
            self.skip_token();
            let (next, _, _) = self.peek_kind()?;
            if !matches!(
                next,
                TokenKind::BlockEntry | TokenKind::Key | TokenKind::Value | TokenKind::BlockEnd
            ) {
                self.states.push(State::IndentlessSequenceEntry);
                return self.parse_node(true, false);
            }
            self.state = State::IndentlessSequenceEntry;
            return Ok(empty_scalar(end));
        }
        self.pop_state();
        Ok(Event {
            kind: EventKind::SequenceEnd,
            start,
        })
    }

    fn parse_block_mapping_key(&mut self, first: bool) -> Result<Event> {
        if first {
            let (_, start, _) = self.peek_kind()?;
            self.marks.push(start);
            self.skip_token();
        }
        let (kind, start, end) = self.peek_kind()?;
        if kind == TokenKind::Key {
            self.skip_token();
            let (next, _, _) = self.peek_kind()?;
            if !matches!(
                next,
                TokenKind::Key | TokenKind::Value | TokenKind::BlockEnd
            ) {
                self.states.push(State::BlockMappingValue);
                return self.parse_node(true, true);
            }
            self.state = State::BlockMappingValue;
            return Ok(empty_scalar(end));
        }
        if kind == TokenKind::BlockEnd {
            self.pop_state();
            self.pop_mark();
            self.skip_token();
            return Ok(Event {
                kind: EventKind::MappingEnd,
                start,
            });
        }
        let context = self.pop_mark();
        parser_error_context(context, "did not find expected key", start)
    }

    fn parse_block_mapping_value(&mut self) -> Result<Event> {
        let (kind, start, end) = self.peek_kind()?;
        if kind == TokenKind::Value {
            self.skip_token();
            let (next, _, _) = self.peek_kind()?;
            if !matches!(
                next,
                TokenKind::Key | TokenKind::Value | TokenKind::BlockEnd
            ) {
                self.states.push(State::BlockMappingKey);
                return self.parse_node(true, true);
            }
            self.state = State::BlockMappingKey;
            return Ok(empty_scalar(end));
        }
        self.state = State::BlockMappingKey;
        Ok(empty_scalar(start))
    }

    fn parse_flow_sequence_entry(&mut self, first: bool) -> Result<Event> {
        if first {
            let (_, start, _) = self.peek_kind()?;
            self.marks.push(start);
            self.skip_token();
        }
        let (mut kind, mut start, _) = self.peek_kind()?;
        if kind != TokenKind::FlowSequenceEnd {
            if !first {
                if kind == TokenKind::FlowEntry {
                    self.skip_token();
                    (kind, start, _) = self.peek_kind()?;
                } else {
                    let context = self.pop_mark();
                    let report = if kind == TokenKind::StreamEnd {
                        unclosed
                    } else {
                        parser_error_context
                    };
                    return report(context, "did not find expected ',' or ']'", start);
                }
            }
            if kind == TokenKind::Key {
                self.state = State::FlowSequenceEntryMappingKey;
                self.skip_token();
                return Ok(Event {
                    kind: EventKind::MappingStart {
                        anchor: None,
                        tag: String::new(),
                    },
                    start,
                });
            } else if kind != TokenKind::FlowSequenceEnd {
                self.states.push(State::FlowSequenceEntry);
                return self.parse_node(false, false);
            }
        }
        self.pop_state();
        self.pop_mark();
        self.skip_token();
        Ok(Event {
            kind: EventKind::SequenceEnd,
            start,
        })
    }

    fn parse_flow_sequence_entry_mapping_key(&mut self) -> Result<Event> {
        let (kind, _, end) = self.peek_kind()?;
        if !matches!(
            kind,
            TokenKind::Value | TokenKind::FlowEntry | TokenKind::FlowSequenceEnd
        ) {
            self.states.push(State::FlowSequenceEntryMappingValue);
            return self.parse_node(false, false);
        }
        self.skip_token();
        self.state = State::FlowSequenceEntryMappingValue;
        Ok(empty_scalar(end))
    }

    fn parse_flow_sequence_entry_mapping_value(&mut self) -> Result<Event> {
        let (kind, start, _) = self.peek_kind()?;
        if kind == TokenKind::Value {
            self.skip_token();
            let (next, _, _) = self.peek_kind()?;
            if next != TokenKind::FlowEntry && next != TokenKind::FlowSequenceEnd {
                self.states.push(State::FlowSequenceEntryMappingEnd);
                return self.parse_node(false, false);
            }
        }
        // go-yaml marks this empty value at the ':' it already consumed.
        self.state = State::FlowSequenceEntryMappingEnd;
        Ok(empty_scalar(start))
    }

    fn parse_flow_sequence_entry_mapping_end(&mut self) -> Result<Event> {
        let (_, start, _) = self.peek_kind()?;
        self.state = State::FlowSequenceEntry;
        Ok(Event {
            kind: EventKind::MappingEnd,
            start,
        })
    }

    fn parse_flow_mapping_key(&mut self, first: bool) -> Result<Event> {
        if first {
            let (_, start, _) = self.peek_kind()?;
            self.marks.push(start);
            self.skip_token();
        }
        let (mut kind, mut start, _) = self.peek_kind()?;
        if kind != TokenKind::FlowMappingEnd {
            if !first {
                if kind == TokenKind::FlowEntry {
                    self.skip_token();
                    (kind, start, _) = self.peek_kind()?;
                } else {
                    let context = self.pop_mark();
                    let report = if kind == TokenKind::StreamEnd {
                        unclosed
                    } else {
                        parser_error_context
                    };
                    return report(context, "did not find expected ',' or '}'", start);
                }
            }
            if kind == TokenKind::Key {
                self.skip_token();
                let (next, next_start, _) = self.peek_kind()?;
                if !matches!(
                    next,
                    TokenKind::Value | TokenKind::FlowEntry | TokenKind::FlowMappingEnd
                ) {
                    self.states.push(State::FlowMappingValue);
                    return self.parse_node(false, false);
                }
                self.state = State::FlowMappingValue;
                return Ok(empty_scalar(next_start));
            } else if kind != TokenKind::FlowMappingEnd {
                self.states.push(State::FlowMappingEmptyValue);
                return self.parse_node(false, false);
            }
        }
        self.pop_state();
        self.pop_mark();
        self.skip_token();
        Ok(Event {
            kind: EventKind::MappingEnd,
            start,
        })
    }

    fn parse_flow_mapping_value(&mut self, empty: bool) -> Result<Event> {
        let (kind, start, _) = self.peek_kind()?;
        if empty {
            self.state = State::FlowMappingKey;
            return Ok(empty_scalar(start));
        }
        if kind == TokenKind::Value {
            self.skip_token();
            let (next, next_start, _) = self.peek_kind()?;
            if next != TokenKind::FlowEntry && next != TokenKind::FlowMappingEnd {
                self.states.push(State::FlowMappingKey);
                return self.parse_node(false, false);
            }
            self.state = State::FlowMappingKey;
            return Ok(empty_scalar(next_start));
        }
        self.state = State::FlowMappingKey;
        Ok(empty_scalar(start))
    }

    fn process_directives(&mut self) -> Result<()> {
        let mut version_seen = false;
        loop {
            let (kind, start, _) = self.peek_kind()?;
            match kind {
                TokenKind::VersionDirective { major, minor } => {
                    if version_seen {
                        return parser_error("found duplicate %YAML directive", start);
                    }
                    if major != 1 || minor != 1 {
                        return parser_error("found incompatible YAML document", start);
                    }
                    version_seen = true;
                }
                TokenKind::TagDirective { handle, prefix } => {
                    if self.tag_directives.iter().any(|(h, _)| *h == handle) {
                        return parser_error("found duplicate %TAG directive", start);
                    }
                    self.tag_directives.push((handle, prefix));
                }
                _ => {
                    for (handle, prefix) in [
                        (&b"!"[..], &b"!"[..]),
                        (&b"!!"[..], &b"tag:yaml.org,2002:"[..]),
                    ] {
                        if !self.tag_directives.iter().any(|(h, _)| h == handle) {
                            self.tag_directives.push((handle.to_vec(), prefix.to_vec()));
                        }
                    }
                    return Ok(());
                }
            }
            self.skip_token();
        }
    }
}

fn empty_scalar(mark: Mark) -> Event {
    Event {
        kind: EventKind::Scalar {
            anchor: None,
            tag: String::new(),
            value: String::new(),
            plain_implicit: true,
            style: ScalarStyle::Plain,
        },
        start: mark,
    }
}
