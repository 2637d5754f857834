//! `<Interface>Replica`: the typed static replica (what Qt IF's `backend_qtro` does with repc's
//! `<Interface>Replica`), `<Interface>Event` and `<Interface>Events`.
//!
//! - Acquired with repc's class definition and signature under the qualified interface name.
//! - Unzoned: cached typed getters; `set_<prop>` calls `push<Prop>` and, like Qt IF, does not
//!   touch the cache — the value comes back with the source's change.
//! - Zoned: getters and setters are calls of the getter and setter slots, with a zone;
//!   `available_zones()` calls `availableZones()`.
//! - Operations understand an immediate value, a pending result resolved by
//!   `pendingResultAvailable` (waited for at most the result timeout) and a failed one.
//! - Events: property changes and signals as one generated enum.

use heck::{ToSnakeCase, ToUpperCamelCase};

use super::interface::{Bound, WireArguments, vec_of};
use super::source::write_constants;
use super::text::{Code, Unit, string_literal as lit_str};
use crate::model::TypeKind;

/// Writes `<Interface>Event`, `<Interface>Events` and `<Interface>Replica`.
pub(crate) fn replica(bound: &Bound<'_>, code: &mut Code) {
    let name = bound.type_name("Replica");
    let event = bound.type_name("Event");
    let events = bound.type_name("Events");
    let lookup = &bound.lookup_name;
    let convert = format!("{}_event", bound.snake());

    // The event enum, its arms and the functions that read signal arguments.
    let mut variants = Code::at(2);
    let mut change_arms = Code::at(5);
    let mut signal_arms = Code::at(5);
    let mut signal_fns = Code::at(2);
    for p in &bound.properties {
        let variant = format!("{}Changed", p.property.name.to_upper_camel_case());
        variants.doc(&format!(" `{}` changed.", p.property.name));
        match (p.index, bound.zoned) {
            (Some(index), false) => {
                variants.line(format!("{variant}({}),", p.ty));
                change_arms.line(format!(
                    "{index} => ifw::changed(&value, {event}::{variant}),"
                ));
            }
            _ => {
                let Some(signal) = p.changed else {
                    continue;
                };
                variants.open(&variant);
                variants.doc(" The new value.");
                variants.line(format!("value: {},", p.ty));
                variants.doc(" The zone.");
                variants.line("zone: ifw::String,");
                variants.close(",");
                let fname = format!("changed_{}", p.snake);
                signal_fns.begin(Unit::Item);
                signal_fns.open_fn(
                    &format!("fn {fname}"),
                    &["args: &[ifw::Value]".to_string()],
                    &format!(" -> ifw::Result<{event}>"),
                );
                signal_fns.line("let value = ifw::signal_argument(args, 0)?;");
                signal_fns.line("let zone = ifw::signal_argument(args, 1)?;");
                signal_fns.struct_expr(
                    "ifw::Ok(",
                    &format!("{event}::{variant}"),
                    &["value".to_string(), "zone".to_string()],
                    ")",
                );
                signal_fns.close("");
                signal_fns.end();
                signal_arms.line(format!("{signal} => ifw::Some({fname}(&args)),"));
            }
        }
    }
    for s in &bound.signals {
        let variant = s.signal.name.to_upper_camel_case();
        variants.member_doc(s.signal.comment.as_deref(), "signal", &s.signal.name);
        let mut fields: Vec<(String, String, String)> = s
            .params
            .iter()
            .map(|p| {
                (
                    format!(" `{}`.", p.parameter.name),
                    p.name.clone(),
                    p.ty.clone(),
                )
            })
            .collect();
        if bound.zoned {
            let z = Bound::zone_param(&s.params);
            fields.push((
                " The zone.".to_string(),
                z.to_string(),
                "ifw::String".to_string(),
            ));
        }
        if fields.is_empty() {
            variants.line(format!("{variant},"));
            signal_arms.line(format!(
                "{} => ifw::Some(ifw::Ok({event}::{variant})),",
                s.index
            ));
            continue;
        }
        variants.open(&variant);
        for (doc, field, ty) in &fields {
            variants.doc(doc);
            variants.line(format!("{field}: {ty},"));
        }
        variants.close(",");
        let fname = format!("signal_{}", s.signal.name.to_snake_case());
        signal_fns.begin(Unit::Item);
        signal_fns.open_fn(
            &format!("fn {fname}"),
            &["args: &[ifw::Value]".to_string()],
            &format!(" -> ifw::Result<{event}>"),
        );
        for (i, (_, field, _)) in fields.iter().enumerate() {
            signal_fns.line(format!("let {field} = ifw::signal_argument(args, {i})?;"));
        }
        let names: Vec<String> = fields.iter().map(|(_, f, _)| f.clone()).collect();
        signal_fns.struct_expr("ifw::Ok(", &format!("{event}::{variant}"), &names, ")");
        signal_fns.close("");
        signal_fns.end();
        signal_arms.line(format!("{} => ifw::Some({fname}(&args)),", s.index));
    }

    code.begin(Unit::Item);
    code.doc(&format!(
        " A change seen by a replica of `{lookup}`: a property change or a signal."
    ));
    code.line("#[derive(Debug, Clone, PartialEq)]");
    if variants.is_empty() {
        code.line(format!("pub enum {event} {{}}"));
    } else {
        code.open(format!("pub enum {event}"));
        code.append(variants);
        code.close("");
    }
    code.end();
    code.begin(Unit::Item);
    code.doc(&format!(" The stream of [`{event}`]s of a [`{name}`]."));
    code.line(format!("pub type {events} = ifw::TypedEvents<{event}>;"));
    code.end();

    code.begin(Unit::Item);
    code.doc(" A replica event as the interface's event; `None` for what is not one");
    code.doc(" (`pendingResultAvailable`).");
    code.line("#[allow(clippy::collapsible_match, reason = \"a match per event kind\")]");
    code.open_fn(
        &format!("fn {convert}"),
        &["event: ifw::ReplicaEvent".to_string()],
        &format!(" -> ifw::Option<ifw::Result<{event}>>"),
    );
    code.append(signal_fns);
    code.open("match event");
    if !change_arms.is_empty() {
        code.open("ifw::ReplicaEvent::PropertyChanged { index, value, .. } =>");
        code.open("match index");
        code.append(change_arms);
        code.line("_ => ifw::None,");
        code.close("");
        code.close("");
    }
    if !signal_arms.is_empty() {
        code.open("ifw::ReplicaEvent::Signal { index, args, .. } =>");
        code.open("match index");
        code.append(signal_arms);
        code.line("_ => ifw::None,");
        code.close("");
        code.close("");
    }
    code.line("_ => ifw::None,");
    code.close("");
    code.close("");
    code.end();

    code.begin(Unit::Item);
    code.doc_paragraphs(&format!(
        " A typed replica of `{lookup}` (repc's layout and signature), as Qt IF's QtRO backend uses it. Cheap to clone.\0Property getters give the cached value (an error before the replica was first initialized); setters ask the source, and the cached value changes when the source reports the change."
    ));
    code.line("#[derive(Debug, Clone)]");
    code.open(format!("pub struct {name}"));
    code.line("replica: ifw::Replica,");
    code.line("operations: ifw::Arc<ifw::Operations>,");
    for m in &bound.models {
        let field = super::ident(&m.snake);
        code.line(format!("{field}: ifw::PagingModelReplica<{}>,", m.row));
    }
    code.close("");
    code.end();

    code.begin(Unit::Item);
    code.open(format!("impl {name}"));
    write_constants(bound, code);
    code.lines(ACQUIRE);
    write_acquire_with(bound, code);
    code.lines(STATE);
    for m in &bound.models {
        code.begin(Unit::ImplMember);
        code.member_doc(m.property.comment.as_deref(), "model", &m.property.name);
        code.doc("");
        code.doc(" One paging instance (Qt IF's `QIfPagingModel`): register it, fetch rows, follow changes.");
        code.function(
            &format!("pub fn {}", super::ident(&m.snake)),
            &["&self".to_string()],
            &format!(" -> &ifw::PagingModelReplica<{}>", m.row),
            &[format!("&self.{}", super::ident(&m.snake))],
        );
        code.end();
    }
    code.begin(Unit::ImplMember);
    code.doc(" Property changes and signals from now on.");
    code.open_fn(
        "pub fn subscribe",
        &["&self".to_string()],
        &format!(" -> {events}"),
    );
    code.line(format!("ifw::TypedEvents::new(&self.replica, {convert})"));
    code.close("");
    code.end();
    for p in &bound.properties {
        write_property(bound, p, code);
    }
    if let Some(zones) = bound.zones_method {
        code.begin(Unit::ImplMember);
        code.doc(" Asks the source for its zones (`availableZones()`; the interface's own zone `\"\"` is");
        code.doc(" not among them).");
        code.open("pub async fn available_zones(&self) -> ifw::Result<ifw::Vec<ifw::String>>");
        code.line(format!(
            "let value = self.replica.call_at({zones}, ifw::Vec::new()).await?;"
        ));
        code.line("ifw::FromQtro::from_qtro(&value)");
        code.close("");
        code.end();
    }
    for op in &bound.operations {
        let o = op.operation;
        code.begin(Unit::ImplMember);
        code.member_doc(o.comment.as_deref(), "operation", &o.name);
        let WireArguments { mut params, values } = bound.wire_arguments(&op.params);
        params.insert(0, "&self".to_string());
        code.open_fn(
            &format!("pub async fn {}", super::ident(&o.name.to_snake_case())),
            &params,
            &format!(" -> ifw::Result<{}>", op.ret),
        );
        code.line(format!("let args = {};", vec_of(&values)));
        code.line(format!("let operation = {};", lit_str(&o.name)));
        code.line(format!(
            "let call = self.operations.call(&self.replica, {}, operation, args);",
            op.method
        ));
        if o.ty.kind == TypeKind::Void {
            code.line("call.await?;");
            code.line("ifw::Ok(())");
        } else {
            code.line("let value = call.await?;");
            code.line("ifw::FromQtro::from_qtro(&value)");
        }
        code.close("");
        code.end();
    }
    code.close("");
    code.end();
}

/// A property's getter and setter on the replica.
fn write_property(bound: &Bound<'_>, p: &super::interface::BoundProperty<'_>, code: &mut Code) {
    let f = super::ident(&p.snake);
    let setter = format!("pub async fn set_{}", p.snake);
    let ty = &p.ty;
    let qname = &p.property.name;
    let value = format!("value: {ty}");
    if let (Some(index), false) = (p.index, bound.zoned) {
        code.begin(Unit::ImplMember);
        code.member_doc(p.property.comment.as_deref(), "property", qname);
        code.function(
            &format!("pub fn {f}"),
            &["&self".into()],
            &format!(" -> ifw::Result<{ty}>"),
            &[format!("ifw::cached(&self.replica, {index})")],
        );
        code.end();
        if let Some(push) = p.push {
            code.begin(Unit::ImplMember);
            code.doc(&format!(" Asks the source to set `{qname}`."));
            code.function(
                &setter,
                &["&self".into(), value],
                " -> ifw::Result<()>",
                &[format!(
                    "ifw::push_value(&self.replica, {push}, &value).await"
                )],
            );
            code.end();
        }
        return;
    }
    if let Some(getter) = p.getter {
        code.begin(Unit::ImplMember);
        code.doc(&format!(" Asks the source for `{qname}` in `zone`."));
        code.doc("");
        code.member_doc(p.property.comment.as_deref(), "property", qname);
        code.function(
            &format!("pub async fn {f}"),
            &["&self".into(), "zone: &str".into()],
            &format!(" -> ifw::Result<{ty}>"),
            &[
                "let args = ifw::Vec::from([ifw::Value::from(zone)]);".into(),
                format!("let value = self.replica.call_at({getter}, args).await?;"),
                "ifw::FromQtro::from_qtro(&value)".into(),
            ],
        );
        code.end();
    }
    if let Some(slot) = p.setter {
        code.begin(Unit::ImplMember);
        code.doc(&format!(
            " Asks the source to set `{qname}` in `zone`; a change comes back as an event."
        ));
        code.function(
            &setter,
            &["&self".into(), value, "zone: &str".into()],
            " -> ifw::Result<()>",
            &[
                "let args = ifw::zoned_args(ifw::to_wire(&value), zone);".into(),
                format!("self.replica.call_at({slot}, args).await?;"),
                "ifw::Ok(())".into(),
            ],
        );
        code.end();
    }
}

/// `acquire` and `acquire_as`, which every replica has.
const ACQUIRE: &str = "/// Acquires the interface from `node` under [`Self::LOOKUP_NAME`].
pub fn acquire(node: &ifw::Node) -> Self {
    Self::acquire_as(node, Self::LOOKUP_NAME)
}
/// Acquires the interface from `node` under another name.
pub fn acquire_as(node: &ifw::Node, name: &str) -> Self {
    Self::acquire_with(node, name, ifw::DEFAULT_RESULT_TIMEOUT)
}
";

/// The state methods every replica has.
const STATE: &str = "/// The schema-free replica underneath.
pub fn replica(&self) -> &ifw::Replica {
    &self.replica
}
/// Where the replica stands.
pub fn state(&self) -> ifw::ReplicaState {
    self.replica.state()
}
/// Waits until the replica is initialized, at most `timeout`.
pub async fn wait_ready(&self, timeout: ifw::Duration) -> ifw::Result<()> {
    ifw::Ok(self.replica.wait_ready(timeout).await?)
}
";

/// `acquire_with`: the replica, its operations, and a paging model replica per `model<T>`
/// property (under `<name>.<property>`).
fn write_acquire_with(bound: &Bound<'_>, code: &mut Code) {
    code.begin(Unit::ImplMember);
    code.doc(
        " Acquires the interface under `name`; operations wait at most `result_timeout` for a",
    );
    code.doc(" deferred result.");
    let mut body = vec![
        "let signature = ifw::Some(Self::SIGNATURE);".to_string(),
        "let replica = node.acquire(name, Self::definition(), signature);".to_string(),
        format!(
            "let operations = ifw::Operations::new({}, result_timeout);",
            bound.pending_signal
        ),
    ];
    let mut fields = vec![
        "replica,".to_string(),
        "operations: ifw::Arc::new(operations),".to_string(),
    ];
    for m in &bound.models {
        let name = format!("{}_name", m.snake);
        body.push(format!(
            "let {name} = ::std::format!(\"{{name}}.{}\");",
            m.property.name
        ));
        let field = super::ident(&m.snake);
        body.push(format!(
            "let {field} = ifw::PagingModelReplica::acquire(node, &{name});"
        ));
        fields.push(format!("{field},"));
    }
    body.push("Self {".to_string());
    body.extend(fields);
    body.push("}".to_string());
    code.function(
        "pub fn acquire_with",
        &[
            "node: &ifw::Node".to_string(),
            "name: &str".to_string(),
            "result_timeout: ifw::Duration".to_string(),
        ],
        " -> Self",
        &body,
    );
    code.end();
}
