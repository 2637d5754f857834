//! Qt Remote Objects `.rep` files, read as Qt's `repc` reads them.
//!
//! [`parse`] turns the text of a `.rep` file into a [`RepFile`]: PODs, enums, flags and classes
//! with their properties, signals, slots, models and child classes, in file order. For a class,
//! [`signature`] gives the SHA1 that repc puts in `Q_CLASSINFO("RemoteObject Signature")` (a static
//! replica compares it with its source's), and [`layout`] gives the static index order
//! (`<Class>SourceAPI`) of its properties, signals and methods.
//!
//! The grammar is repc's from Qt 6.7 on (class and POD attributes, `#HEADER`/`#FOOTER`, comments
//! in class and POD bodies); the signature algorithm has not changed since Qt 6.2. Both are checked
//! against repc 6.4.2 on Qt's own `.rep` files and on Qt Interface Framework's generated ones.
//! Like repc, nothing here opens `#include`d headers or other `.rep` files: a type the file does not
//! define enters the signature as its name.
//!
//! ```
//! use ifw_build::rep::{layout, parse, signature};
//!
//! let file = parse(r#"
//! class SimpleSwitch
//! {
//!     PROP(bool currState=false);
//!     SLOT(void server_slot(bool clientState));
//! };
//! "#)?;
//! let switch = file.class("SimpleSwitch").expect("declared above");
//! assert_eq!(signature(switch, &file), "848df11717af2d8be5106a80a701bfc5723baba7");
//! let methods: Vec<String> = layout(switch).methods.iter().map(|m| m.signature.to_string()).collect();
//! assert_eq!(methods, ["pushCurrState(bool)", "server_slot(bool)"]);
//! # Ok::<(), ifw_build::rep::RepError>(())
//! ```

mod emit;
mod error;
mod layout;
mod lex;
mod normalize;
mod parse;
mod schema;
mod signature;

pub use emit::{RepMode, emit_interface, emit_interface_in, emit_self_contained, rep_file_name};
pub use error::{RepError, RepErrorKind};
pub use layout::{
    ApiSignature, Layout, LayoutMethod, LayoutProperty, LayoutSignal, SignaturePart, layout,
};
pub use parse::parse;
pub use schema::{
    Class, Enum, EnumValue, Flag, Function, Model, Modifier, Param, Pod, PodMember, Property,
    PropertyKind, RepFile, RepWarning, Span, SubClass,
};
pub use signature::{signature, signatures};
