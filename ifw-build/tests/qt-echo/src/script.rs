//! The scripted values (placeholder until the typed gadgets land).
