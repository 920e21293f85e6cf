//! Golden tests of the table printers.
