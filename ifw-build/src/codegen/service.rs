//! `<Interface>Service`: the trait a server author implements — one method per operation and a
//! setter policy per writable property.
//!
//! Methods return `impl Future<Output = Result<T, ifw_core::Error>> + Send` (no `async_trait`).
//! Defaults: an operation answers [`Error::NotImplemented`]; a setter policy accepts the value and
//! stores it through the source (which tells every replica when it changed). Each method gets the
//! `<Interface>Source` it serves, to read state, set properties and emit signals.
//!
//! [`Error::NotImplemented`]: https://docs.rs/ifw-core

use super::Context;
use super::interface::Bound;
use super::text::{Code, Unit, string_literal as lit_str};
use crate::diagnostic::Diagnostic;

/// Writes the service trait of `bound`.
pub(crate) fn service(
    cx: &Context<'_>,
    bound: &Bound<'_>,
    code: &mut Code,
) -> Result<(), Diagnostic> {
    let name = bound.type_name("Service");
    let source = bound.type_name("Source");
    let iface = &bound.interface.name;
    let attributes = cx
        .options
        .trait_attribute_text_for(&cx.module.qualify(iface))
        .map_err(|e| cx.error(bound.interface.origin, e))?;
    code.begin(Unit::Item);
    code.doc_paragraphs(&format!(
        " What a server of `{}` implements: its operations, and the policy for property changes replicas ask for. Every method has a default; serve it with [`{source}`].\0The default of a setter policy (`set_<property>`) stores the value through the source, which tells every replica if it changed (Qt IF's replicas do not update themselves; they wait for that change).",
        bound.lookup_name
    ));
    for a in &attributes {
        code.line(a);
    }
    code.open(format!("pub trait {name}: ifw::Send + ifw::Sync + 'static"));
    let future =
        |ret: &str| format!(" -> impl ifw::Future<Output = ifw::Result<{ret}>> + ifw::Send");
    for op in &bound.operations {
        let o = op.operation;
        code.begin(Unit::TraitMember);
        code.member_doc(o.comment.as_deref(), "operation", &o.name);
        code.doc("");
        code.doc(" Default: fails with `Error::NotImplemented` (Qt IF's simulation backend answers the type's default instead).");
        let mut params = vec!["&self".to_string(), format!("source: &{source}")];
        let mut names = vec!["source".to_string()];
        for p in &op.params {
            params.push(format!("{}: {}", p.name, p.ty));
            names.push(p.name.clone());
        }
        if bound.zoned {
            let z = Bound::zone_param(&op.params);
            params.push(format!("{z}: ifw::String"));
            names.push(z.to_string());
        }
        let fname = super::ident(&heck::ToSnakeCase::to_snake_case(&*o.name));
        code.open_fn(&format!("fn {fname}"), &params, &future(&op.ret));
        if names.len() == 1 {
            code.line("let _ = (source,);");
        } else {
            code.line(format!("let _ = ({});", names.join(", ")));
        }
        code.open("async");
        code.open("ifw::Err(ifw::Error::NotImplemented");
        code.line(format!("operation: {},", lit_str(&o.name)));
        code.close(")");
        code.close("");
        code.close("");
        code.end();
    }
    for p in bound.properties.iter().filter(|p| p.writable()) {
        let setter = format!("set_{}", p.snake);
        code.begin(Unit::TraitMember);
        code.doc(&format!(
            " Whether and how `{}` changes when a replica asks for `value`.",
            p.property.name
        ));
        let mut params = vec![
            "&self".to_string(),
            format!("source: &{source}"),
            format!("value: {}", p.ty),
        ];
        if bound.zoned {
            params.push("zone: ifw::String".to_string());
        }
        code.open_fn(&format!("fn {setter}"), &params, &future("()"));
        if bound.zoned {
            code.line(format!(
                "async move {{ source.{setter}(value, &zone).await }}"
            ));
        } else {
            code.line(format!("source.{setter}(value)"));
        }
        code.close("");
        code.end();
    }
    code.close("");
    code.end();
    Ok(())
}
