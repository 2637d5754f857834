//! ifw-build: the QFace front end (placeholder during setup).
