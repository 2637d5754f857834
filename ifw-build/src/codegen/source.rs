//! `<Interface>Properties` (every property value, for a source's initial state) and
//! `<Interface>Source`: the server-side state holder over an `ifw_qtro::SourceObject` with
//! repc's layout and signature, which a `<Interface>Service` answers for.
//!
//! - Unzoned properties are the object's `PROP`s: typed getters, `set_<prop>` broadcasts.
//! - Zoned interfaces keep one `<Interface>Properties` per zone (zone `""` always exists) and
//!   answer the getter, setter and `availableZones()` slots; changes are the `<prop>Changed(value,
//!   zone)` signals.
//! - Operations call the service: a result ready at the first poll is the answer; otherwise the
//!   answer is a `QIfRemoteObjectsPendingResult` and `pendingResultAvailable` follows, exactly as
//!   Qt IF's `fromPendingReply`.
//! - `var` property values travel as the `QVariant` they are, as a repc `SimpleSource` sends them
//!   (Qt IF's `server_qtro`). Qt IF's simulation adapter wraps them in one more `QVariant`
//!   (`toRemoteObjectVariant`, for QTBUG-75056), but with Qt 6.4 a repc replica's getter returns
//!   that wrapper as it is (`propAsVariant`), so the value would reach Qt as a `QVariant` holding a
//!   `QVariant` (checked by `ifw-build/tests/qt-echo`).

use super::interface::{Bound, BoundProperty, WireArguments, vec_of};
use super::text::{Code, Unit, string_literal as lit_str};

fn prop_doc(code: &mut Code, p: &BoundProperty<'_>) {
    code.member_doc(p.property.comment.as_deref(), "property", &p.property.name);
}

/// Writes `<Interface>Properties`.
pub(crate) fn properties(bound: &Bound<'_>, code: &mut Code) {
    code.begin(Unit::Item);
    if bound.zoned {
        code.doc(&format!(
            " The property values of one zone of `{}`.",
            bound.lookup_name
        ));
    } else {
        code.doc(&format!(" The property values of `{}`.", bound.lookup_name));
    }
    code.line("#[derive(Debug, Clone, PartialEq, Default)]");
    let name = bound.type_name("Properties");
    if bound.properties.is_empty() {
        code.line(format!("pub struct {name} {{}}"));
    } else {
        code.open(format!("pub struct {name}"));
        for p in &bound.properties {
            prop_doc(code, p);
            code.line(format!("pub {}: {},", super::ident(&p.snake), p.ty));
        }
        code.close("");
    }
    code.end();
}

/// Writes `<Interface>Source` and its handler.
pub(crate) fn source(bound: &Bound<'_>, code: &mut Code) {
    let name = bound.type_name("Source");
    let service = bound.type_name("Service");
    let props_ty = bound.type_name("Properties");
    let handler = format!("{name}Handler");
    let shared = format!("{name}Shared");
    let lookup = &bound.lookup_name;

    code.begin(Unit::Item);
    code.doc_paragraphs(&format!(
        " The server side of `{lookup}`: its state (property values{}), signal emission, and the answers of a [`{service}`] to replicas. Cheap to clone; remote it on any number of hosts.\0Setters set a value here, even one replicas cannot write, and tell replicas if it changed; signal emitters emit to every replica.",
        if bound.zoned { " per zone" } else { "" }
    ));
    code.line("#[derive(Clone)]");
    code.open(format!("pub struct {name}"));
    code.line("object: ifw::SourceObject,");
    code.line(format!("shared: ifw::Arc<{shared}>,"));
    code.close("");
    code.end();

    code.begin(Unit::Item);
    code.open(format!("struct {shared}"));
    code.line("ids: ifw::PendingIds,");
    if bound.zoned {
        code.line(format!("zones: ifw::Zones<{props_ty}>,"));
    }
    for m in &bound.models {
        let field = super::ident(&m.snake);
        code.line(format!("{field}: ifw::PagingModelSource<{}>,", m.row));
    }
    code.close("");
    code.end();

    code.begin(Unit::Item);
    code.open(format!("impl ::std::fmt::Debug for {name}"));
    code.open("fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result");
    code.line(format!(
        "ifw::debug_source(f, {}, &self.object)",
        lit_str(&name)
    ));
    code.close("");
    code.close("");
    code.end();

    code.begin(Unit::Item);
    code.open(format!("impl {name}"));
    write_constants(bound, code);
    code.begin(Unit::ImplMember);
    if bound.zoned {
        code.doc(
            " A source of `service` with these zones and their initial values (zone `\"\"`, the",
        );
        code.doc(" interface's own, is added with default values if not given).");
        code.open_fn(
            &format!("pub fn new<S: {service}>"),
            &[
                "service: S".to_string(),
                format!("zones: impl ifw::IntoIterator<Item = (ifw::String, {props_ty})>"),
            ],
            " -> ifw::Result<Self>",
        );
        code.open(format!("let shared = ifw::Arc::new({shared}"));
        code.line("ids: ::std::default::Default::default(),");
        code.line("zones: ifw::Zones::new(zones),");
        code.close(");");
    } else {
        code.doc(" A source of `service` with these initial property values.");
        code.open_fn(
            &format!("pub fn new<S: {service}>"),
            &["service: S".to_string(), format!("properties: {props_ty}")],
            " -> ifw::Result<Self>",
        );
        code.open(format!("let shared = ifw::Arc::new({shared}"));
        code.line("ids: ::std::default::Default::default(),");
        for m in &bound.models {
            let field = super::ident(&m.snake);
            code.line(format!(
                "{field}: ifw::PagingModelSource::new(ifw::Vec::new())?,"
            ));
        }
        code.close(");");
        if !bound.properties.is_empty() {
            let values: Vec<String> = bound
                .properties
                .iter()
                .map(|p| format!("ifw::to_wire(&properties.{})", super::ident(&p.snake)))
                .collect();
            code.list("let values = [", &values, "];");
        }
    }
    code.line("let object = ifw::SourceObject::builder(Self::definition())");
    code.indent_in();
    if !bound.zoned && !bound.properties.is_empty() {
        code.line(".values(ifw::Vec::from(values))");
    }
    code.line(".signature(Self::SIGNATURE)");
    code.open(format!(".handler({handler}"));
    code.line("service: ifw::Arc::new(service),");
    code.line("shared: ifw::Arc::clone(&shared),");
    code.close(")");
    code.line(".build()?;");
    code.indent_out();
    code.line("ifw::Ok(Self { object, shared })");
    code.close("");
    code.end();
    code.lines(ENABLE_REMOTING);
    if bound.models.is_empty() {
        code.lines(ENABLE_REMOTING_AS);
        code.lines(OBJECT);
    } else {
        write_remoting_with_models(bound, code);
    }
    if bound.zoned {
        code.lines(&ZONES.replace("{P}", &props_ty));
    }
    for p in &bound.properties {
        write_accessors(bound, p, code);
    }
    for s in &bound.signals {
        code.begin(Unit::ImplMember);
        let fname = format!("emit_{}", heck::ToSnakeCase::to_snake_case(&*s.signal.name));
        code.doc(&format!(" Emits `{}` to every replica.", s.signal.name));
        code.doc("");
        code.member_doc(s.signal.comment.as_deref(), "signal", &s.signal.name);
        let WireArguments { mut params, values } = bound.wire_arguments(&s.params);
        params.insert(0, "&self".to_string());
        code.open_fn(
            &format!("pub async fn {fname}"),
            &params,
            " -> ifw::Result<()>",
        );
        code.line(format!("let args = {};", vec_of(&values)));
        code.line(format!(
            "ifw::Ok(self.object.emit({}, args).await?)",
            s.index
        ));
        code.close("");
        code.end();
    }
    code.close("");
    code.end();

    write_handler(bound, code);
}

/// The constants and `definition()` a source and a replica both have.
pub(crate) fn write_constants(bound: &Bound<'_>, code: &mut Code) {
    code.begin(Unit::ImplMember);
    code.doc(" The name Qt IF remotes and acquires this interface under: its qualified name.");
    code.line(format!(
        "pub const LOOKUP_NAME: &'static str = {};",
        lit_str(&bound.lookup_name)
    ));
    code.doc(" repc's signature of the class.");
    code.line(format!(
        "pub const SIGNATURE: &'static str = {};",
        lit_str(&bound.signature)
    ));
    code.doc(" The class definition, in repc's index order.");
    code.open("pub fn definition() -> ifw::ClassDefinition");
    code.line(format!("{}()", bound.definition_fn()));
    code.close("");
    code.end();
}

/// `enable_remoting`, which every source has.
const ENABLE_REMOTING: &str = r#"/// Remotes the source on `host` under [`Self::LOOKUP_NAME`].
pub async fn enable_remoting(&self, host: &ifw::Host) -> ifw::Result<()> {
    self.enable_remoting_as(host, Self::LOOKUP_NAME).await
}
"#;

/// `enable_remoting_as` of a source without models.
const ENABLE_REMOTING_AS: &str = r#"/// Remotes the source on `host` under another name.
pub async fn enable_remoting_as(
    &self,
    host: &ifw::Host,
    name: &str,
) -> ifw::Result<()> {
    ifw::Ok(host.enable_remoting(name, self.object.clone()).await?)
}
"#;

/// `object()`, which every source has.
const OBJECT: &str = r#"/// The schema-free source underneath.
pub fn object(&self) -> &ifw::SourceObject {
    &self.object
}
"#;

/// The remoting methods of a source with `model<T>` properties: each model is remoted beside it,
/// under `<name>.<property>` (Qt IF's `QIfPagingModel` naming); and the models' accessors.
fn write_remoting_with_models(bound: &Bound<'_>, code: &mut Code) {
    code.begin(Unit::ImplMember);
    code.doc(" Remotes the source on `host` under another name, and its models under");
    code.doc(" `<name>.<model property>`.");
    let mut body = vec!["host.enable_remoting(name, self.object.clone()).await?;".to_string()];
    for m in &bound.models {
        body.push(format!(
            "let model = ::std::format!(\"{{name}}.{}\");",
            m.property.name
        ));
        body.push(format!(
            "self.shared.{}.enable_remoting(host, &model).await?;",
            super::ident(&m.snake)
        ));
    }
    body.push("ifw::Ok(())".to_string());
    code.function(
        "pub async fn enable_remoting_as",
        &[
            "&self".to_string(),
            "host: &ifw::Host".to_string(),
            "name: &str".to_string(),
        ],
        " -> ifw::Result<()>",
        &body,
    );
    code.end();
    code.lines(OBJECT);
    for m in &bound.models {
        code.begin(Unit::ImplMember);
        code.member_doc(m.property.comment.as_deref(), "model", &m.property.name);
        code.doc("");
        code.doc(" Its rows, changed here and followed by every replica.");
        code.function(
            &format!("pub fn {}", super::ident(&m.snake)),
            &["&self".to_string()],
            &format!(" -> &ifw::PagingModelSource<{}>", m.row),
            &[format!("&self.shared.{}", super::ident(&m.snake))],
        );
        code.end();
    }
}

/// The zone methods of a zoned source (`{P}`: its properties type).
const ZONES: &str = r#"/// The zones `availableZones()` reports: every zone but `""`, in the order given.
pub fn zones(&self) -> ifw::Vec<ifw::String> {
    self.shared.zones.names()
}
/// The values of `zone`.
pub fn zone(&self, zone: &str) -> ifw::Option<{P}> {
    self.shared.zones.get(zone)
}
"#;

/// A property's getter and setter on the source.
fn write_accessors(bound: &Bound<'_>, p: &BoundProperty<'_>, code: &mut Code) {
    let f = super::ident(&p.snake);
    let ty = &p.ty;
    let qname = &p.property.name;
    let mut setter_params = vec!["&self".to_string(), format!("value: {ty}")];
    let setter_body: Vec<String>;
    code.begin(Unit::ImplMember);
    if let (Some(index), false) = (p.index, bound.zoned) {
        prop_doc(code, p);
        code.function(
            &format!("pub async fn {f}"),
            &["&self".into()],
            &format!(" -> {ty}"),
            &[format!("ifw::property(&self.object, {index}).await")],
        );
        setter_body = vec![format!(
            "ifw::set_property(&self.object, {index}, &value).await"
        )];
    } else {
        code.doc(&format!(
            " `{qname}` in `zone`, or `None` for a zone the source does not have."
        ));
        code.doc("");
        prop_doc(code, p);
        code.function(
            &format!("pub fn {f}"),
            &["&self".into(), "zone: &str".into()],
            &format!(" -> ifw::Option<{ty}>"),
            &[format!(
                "self.shared.zones.read(zone, |z| ::std::clone::Clone::clone(&z.{f}))"
            )],
        );
        setter_params.push("zone: &str".into());
        let set = format!("self.shared.zones.set(zone, &value, |z| &mut z.{f})?");
        setter_body = match p.changed {
            Some(signal) => vec![
                format!("if {set} {{"),
                "let args = ifw::zoned_args(ifw::to_wire(&value), zone);".into(),
                format!("self.object.emit({signal}, args).await?;"),
                "}".into(),
                "ifw::Ok(())".into(),
            ],
            None => vec![format!("{set};"), "ifw::Ok(())".into()],
        };
    }
    code.end();
    code.begin(Unit::ImplMember);
    code.doc(&format!(
        " Sets `{qname}`; replicas are told if it changed."
    ));
    code.function(
        &format!("pub async fn set_{}", p.snake),
        &setter_params,
        " -> ifw::Result<()>",
        &setter_body,
    );
    code.end();
}

/// The handler that answers replicas through the service, and its dispatch function.
fn write_handler(bound: &Bound<'_>, code: &mut Code) {
    let name = bound.type_name("Source");
    let service = bound.type_name("Service");
    let handler = format!("{name}Handler");
    let shared = format!("{name}Shared");
    let lookup = &bound.lookup_name;
    let answer = format!("{}_answer", bound.snake());

    code.begin(Unit::Item);
    code.doc(&format!(
        " Answers replicas of `{lookup}` with a [`{service}`]."
    ));
    code.open(format!("struct {handler}<S>"));
    code.line("service: ifw::Arc<S>,");
    code.line(format!("shared: ifw::Arc<{shared}>,"));
    code.close("");
    code.end();

    code.begin(Unit::Item);
    code.open(format!(
        "impl<S: {service}> ifw::SourceHandler for {handler}<S>"
    ));
    code.lines(CALL_HEAD);
    code.open(format!("let source = {name}"));
    code.line("object: object.clone(),");
    code.line("shared: ifw::Arc::clone(&self.shared),");
    code.close(";");
    code.line("let service = ifw::Arc::clone(&self.service);");
    code.line(format!(
        "::std::boxed::Box::pin({answer}(service, source, method, args))"
    ));
    code.close("");
    code.lines(WRITE_PROPERTY);
    code.close("");
    code.end();

    // The arms stand inside the module, the function and the match.
    let mut arms = Code::at(3);
    for p in &bound.properties {
        let setter = format!("set_{}", p.snake);
        let qname = lit_str(&p.property.name);
        if let (Some(push), false) = (p.push, bound.zoned) {
            arms.line(format!(
                "{push} => ifw::push({qname}, &args, |v| svc.{setter}(&src, v)).await,"
            ));
        }
        if let (Some(getter), true) = (p.getter, bound.zoned) {
            let f = super::ident(&p.snake);
            arms.line(format!(
                "{getter} => src.shared.zones.answer(&args, |z| ifw::to_wire(&z.{f})),"
            ));
        }
        if let (Some(slot), true) = (p.setter, bound.zoned) {
            arms.line(format!(
                "{slot} => ifw::zoned_push({qname}, &args, |v, zone| svc.{setter}(&src, v, zone)).await,"
            ));
        }
    }
    if let Some(zones) = bound.zones_method {
        arms.line(format!("{zones} => ifw::zone_names(src.zones()),"));
    }
    for op in &bound.operations {
        let fname = super::ident(&heck::ToSnakeCase::to_snake_case(&*op.operation.name));
        arms.open(format!("{} =>", op.method));
        arms.line("let inner = src.clone();");
        arms.open("let result = async move");
        let mut names: Vec<String> = vec!["&inner".to_string()];
        for (i, p) in op.params.iter().enumerate() {
            arms.line(format!(
                "let {}: {} = ifw::argument(&args, {i})?;",
                p.name, p.ty
            ));
            names.push(p.name.clone());
        }
        if bound.zoned {
            let z = Bound::zone_param(&op.params);
            arms.line(format!(
                "let {z}: ifw::String = ifw::argument(&args, {})?;",
                op.params.len()
            ));
            names.push(z.to_string());
        }
        let map = if op.operation.ty.kind == crate::model::TypeKind::Void {
            "map(|()| ifw::Value::Invalid)"
        } else {
            "map(|v| ifw::to_wire(&v))"
        };
        arms.line(format!(
            "let value = svc.{fname}({}).await;",
            names.join(", ")
        ));
        arms.line(format!("value.{map}"));
        arms.close(";");
        arms.line(format!("let operation = {};", lit_str(&op.operation.name)));
        arms.line(format!(
            "ifw::answer(&src.object, &src.shared.ids, {}, operation, result).await",
            bound.pending_signal
        ));
        arms.close("");
    }
    let has_arms = !arms.is_empty();
    let uses_service =
        !bound.operations.is_empty() || bound.properties.iter().any(BoundProperty::writable);
    code.begin(Unit::Item);
    code.doc(&format!(
        " Answers a call of method `method` by a replica of `{lookup}`."
    ));
    code.open_fn(
        &format!("async fn {answer}<S: {service}>"),
        &[
            format!("{}: ifw::Arc<S>", if uses_service { "svc" } else { "_svc" }),
            format!("{}: {name}", if has_arms { "src" } else { "_src" }),
            "method: usize".to_string(),
            format!(
                "{}: ifw::Vec<ifw::Value>",
                if has_arms { "args" } else { "_args" }
            ),
        ],
        " -> ifw::Value",
    );
    code.open("match method");
    code.append(arms);
    code.line("_ => ifw::Value::Invalid,");
    code.close("");
    code.close("");
    code.end();
}

/// The start of `SourceHandler::call`, up to its body.
const CALL_HEAD: &str = "fn call<'a>(
    &'a self,
    object: &'a ifw::SourceObject,
    method: usize,
    args: ifw::Vec<ifw::Value>,
) -> ifw::BoxFuture<'a, ifw::Value> {
";

/// `SourceHandler::write_property`: Qt IF's properties are READPUSH, replicas ask through push
/// methods instead.
const WRITE_PROPERTY: &str = "fn write_property<'a>(
    &'a self,
    _object: &'a ifw::SourceObject,
    _property: usize,
    _value: ifw::Value,
) -> ifw::BoxFuture<'a, ()> {
    ::std::boxed::Box::pin(async {})
}
";
