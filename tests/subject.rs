//! Subject access export, anonymisation and retention.
