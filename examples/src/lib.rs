//! Runnable ifw examples.
