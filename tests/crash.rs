//! Crash safety: a child saving in a loop is killed at random moments; nothing acknowledged is lost.
