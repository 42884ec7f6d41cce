//! Property tests: every parser and validator, with domain-aware generators, many cases, never a panic.
