//! The shell's syntax tree.

use std::cell::OnceCell;
use std::rc::Rc;

/// A list of and-or lists, each ended by `;`, `&` or a newline.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct List(pub Vec<Item>);

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub and_or: AndOr,
    pub background: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AndOr {
    pub first: Pipeline,
    pub rest: Vec<(Connector, Pipeline)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connector {
    And,
    Or,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pipeline {
    pub bang: bool,
    pub commands: Vec<Command>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Simple(Simple),
    Compound(Box<Compound>, Vec<Redir>),
    FuncDef(String, Rc<Command>),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Simple {
    pub assigns: Vec<(String, Word)>,
    pub words: Vec<Word>,
    pub redirs: Vec<Redir>,
    /// Source line (for `line N:` in error messages and `$LINENO`).
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Compound {
    Group(List),
    Subshell(List),
    If {
        branches: Vec<(List, List)>,
        otherwise: Option<List>,
    },
    Loop {
        until: bool,
        cond: List,
        body: List,
    },
    For {
        var: String,
        words: Option<Vec<Word>>,
        body: List,
    },
    Case {
        word: Word,
        arms: Vec<CaseArm>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct CaseArm {
    pub patterns: Vec<Word>,
    pub body: List,
}

/// A word: pieces that expand and concatenate.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Word(pub Vec<Part>);

#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    /// Literal text; `quoted` text is exempt from globbing.
    Lit {
        text: String,
        quoted: bool,
    },
    Param {
        exp: Box<Param>,
        quoted: bool,
    },
    Cmd {
        list: Rc<List>,
        quoted: bool,
    },
    Arith {
        expr: Word,
        quoted: bool,
    },
    /// `~` or `~user` at the start of a word.
    Tilde(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub op: ParamOp,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ParamOp {
    Plain,
    Length,
    /// `-`, `=`, `+`, `?`, with `colon` for the `:` forms.
    Default {
        colon: bool,
        word: Word,
    },
    Assign {
        colon: bool,
        word: Word,
    },
    Alt {
        colon: bool,
        word: Word,
    },
    Error {
        colon: bool,
        word: Word,
    },
    /// `%`/`%%` (suffix) and `#`/`##` (prefix); `longest` for the doubled forms.
    Trim {
        suffix: bool,
        longest: bool,
        pattern: Word,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Redir {
    pub fd: Option<u32>,
    pub op: RedirOp,
    pub target: RedirTarget,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedirOp {
    /// `<`
    In,
    /// `>` and `>|`
    Out,
    /// `>>`
    Append,
    /// `<>`
    ReadWrite,
    /// `<&`
    DupIn,
    /// `>&`
    DupOut,
    /// `&>`: stdout and stderr to a file (bash syntax ash accepts).
    OutErr,
    /// `<<` and `<<-`
    Here,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RedirTarget {
    Word(Word),
    Here(Rc<HereDoc>),
}

/// A heredoc; its body is read after the line that names it.
#[derive(Debug, PartialEq)]
pub struct HereDoc {
    pub delimiter: String,
    pub strip_tabs: bool,
    /// False for `<<'EOF'`: the body is taken literally.
    pub expand: bool,
    pub body: OnceCell<Word>,
}
