//! Runtime shared by all code that `ifw-build` generates: values, errors, pending replies,
//! property state and watches, signals, service settings and the simulation engine.
//!
//! Nothing lives here yet; the QFace front end (`ifw-build`) comes first.
