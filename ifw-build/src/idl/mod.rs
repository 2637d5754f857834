//! The QFace language: tokens, syntax tree, lexer and parser.

pub mod ast;
pub mod lexer;
pub mod parser;
pub mod token;
