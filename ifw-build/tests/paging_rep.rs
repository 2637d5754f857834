//! The fixed `QIfPagingModel` class `ifw-core` uses for `model<T>` properties is the one the Rust
//! repc reads from its `.rep`: the same signature and the same signal and method rows.

use ifw_build::rep;
use ifw_core::paging::{
    PAGING_MODEL_CLASS, PAGING_MODEL_REP, PAGING_MODEL_SIGNATURE, paging_model_definition,
};

#[test]
fn the_paging_model_class_is_what_repc_reads() {
    let file = rep::parse(PAGING_MODEL_REP).expect("the .rep parses");
    let class = file.class(PAGING_MODEL_CLASS).expect("the class");
    assert_eq!(rep::signature(class, &file), PAGING_MODEL_SIGNATURE);
    let layout = rep::layout(class);
    let definition = paging_model_definition();
    let signals: Vec<String> = layout
        .signals
        .iter()
        .map(|s| s.signature.resolve(&class.name))
        .collect();
    let ours: Vec<&str> = definition
        .signals
        .iter()
        .map(|s| s.signature.as_str())
        .collect();
    assert_eq!(signals, ours);
    let methods: Vec<String> = layout
        .methods
        .iter()
        .map(|m| m.signature.resolve(&class.name))
        .collect();
    let ours: Vec<&str> = definition
        .methods
        .iter()
        .map(|m| m.signature.as_str())
        .collect();
    assert_eq!(methods, ours);
    assert!(definition.properties.is_empty());
}
