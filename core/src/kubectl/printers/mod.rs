//! kubectl's output printers and the Go formatting rules they inherit.
//!
//! Every printer takes objects exactly as `kubectl get -o json` shows them
//! (a single object, or a `List` with `items`) and produces the bytes kubectl
//! writes. Errors carry the text kubectl prints after `error: `, verbatim:
//! kubectl adds a final newline only when the text lacks one.

pub mod custom_columns;
pub mod gofmt;
pub mod gotemplate;
pub mod jsonpath;
pub mod sort_by;
pub mod tabwriter;

/// A printer that failed after writing part of its output, as kubectl's
/// go-template and custom-columns printers can.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintError {
    /// What kubectl wrote to stdout before (and while) reporting the error.
    pub output: String,
    /// What kubectl prints after `error: `.
    pub message: String,
}

impl PrintError {
    pub fn new(output: impl Into<String>, message: impl Into<String>) -> Self {
        PrintError {
            output: output.into(),
            message: message.into(),
        }
    }
}
