//! End-to-end cases: programs in, GNU bc's output out.
