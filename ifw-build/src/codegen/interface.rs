//! An interface bound to its parsed `.rep` class: the QFace members (for Rust types and docs)
//! next to the wire indexes, signatures and class signature repc derives from the same `.rep`
//! text. The `.rep` is emitted from the model ([`rep::emit_interface`]), parsed back with the
//! Rust repc ([`rep::parse`]) and laid out ([`rep::layout`]), so index layout and signature are
//! repc's by construction. Every generator of interface code starts from a [`Bound`].

use heck::{ToSnakeCase, ToUpperCamelCase};

use super::text::{Code, Unit, string_literal as lit_str};
use super::types::{Paths, qt_field_type, qt_type_name, rust_type_text};
use super::{Context, ident};
use crate::diagnostic::Diagnostic;
use crate::model::{Interface, Operation, Parameter, Property, Signal, Symbol, TypeKind, TypeRef};
use crate::rep;

/// The name Qt IF's `pendingResultAvailable` signal has in every interface's `.rep`.
const PENDING_SIGNAL: &str = "pendingResultAvailable";

/// An interface with its `.rep` layout.
pub(crate) struct Bound<'a> {
    pub(crate) interface: &'a Interface,
    /// `@config: {zoned: true}`: per-zone values behind getter/setter slots.
    pub(crate) zoned: bool,
    /// repc's class signature (lowercase hex SHA1).
    pub(crate) signature: String,
    /// The name Qt IF remotes and acquires the object under: the qualified interface name.
    pub(crate) lookup_name: String,
    /// Properties (models are left out, as in the `.rep`).
    pub(crate) properties: Vec<BoundProperty<'a>>,
    /// `model<T>` properties of an unzoned interface: each its own `QIfPagingModel` object.
    pub(crate) models: Vec<BoundModel<'a>>,
    pub(crate) operations: Vec<BoundOperation<'a>>,
    pub(crate) signals: Vec<BoundSignal<'a>>,
    /// The index of `pendingResultAvailable(quint64,bool,QVariant)`.
    pub(crate) pending_signal: usize,
    /// Zoned: the index of the `availableZones()` slot.
    pub(crate) zones_method: Option<usize>,
    /// The statements that build the class definition on a `ClassBuilder` named `c`.
    pub(crate) definition: Vec<Statement>,
}

/// A property and where it lives on the wire.
pub(crate) struct BoundProperty<'a> {
    pub(crate) property: &'a Property,
    /// The Rust type (`ifw::` paths).
    pub(crate) ty: String,
    /// The Rust name in snake case (`string_value`).
    pub(crate) snake: String,
    /// Unzoned: the `PROP` index.
    pub(crate) index: Option<usize>,
    /// Unzoned: the `push<Prop>` method (absent for read-only properties).
    pub(crate) push: Option<usize>,
    /// Zoned: the getter slot.
    pub(crate) getter: Option<usize>,
    /// Zoned: the setter slot (absent for read-only properties).
    pub(crate) setter: Option<usize>,
    /// The change signal.
    pub(crate) changed: Option<usize>,
}

impl BoundProperty<'_> {
    /// Whether replicas may ask to change it.
    pub(crate) fn writable(&self) -> bool {
        self.push.is_some() || self.setter.is_some()
    }
}

/// A `model<T>` property: remoted as Qt IF's `QIfPagingModel` under `<lookup name>.<property>`.
pub(crate) struct BoundModel<'a> {
    pub(crate) property: &'a Property,
    /// The Rust name in snake case.
    pub(crate) snake: String,
    /// The Rust type of a row (`ifw::` paths).
    pub(crate) row: String,
}

/// An operation and its slot.
pub(crate) struct BoundOperation<'a> {
    pub(crate) operation: &'a Operation,
    pub(crate) method: usize,
    /// The Rust return type (`()` for void).
    pub(crate) ret: String,
    pub(crate) params: Vec<BoundParam<'a>>,
}

/// A signal and its index.
pub(crate) struct BoundSignal<'a> {
    pub(crate) signal: &'a Signal,
    pub(crate) index: usize,
    pub(crate) params: Vec<BoundParam<'a>>,
}

/// A parameter with its Rust name and type.
pub(crate) struct BoundParam<'a> {
    pub(crate) parameter: &'a Parameter,
    /// The Rust name.
    pub(crate) name: String,
    /// The Rust type (`ifw::` paths).
    pub(crate) ty: String,
}

impl<'a> Bound<'a> {
    /// Emits, parses and lays out the interface's `.rep` and binds the model to it.
    pub(crate) fn new(cx: &Context<'a>, interface: &'a Interface) -> Result<Self, Diagnostic> {
        let err = |message: String| cx.error(interface.origin, message);
        let text = rep::emit_interface(cx.system, cx.module, interface, "<ifw>")?;
        let file = rep::parse(&text).map_err(|e| {
            err(format!(
                "ifw-build emitted a .rep for `{}` its repc cannot read (a bug in ifw-build): {e}",
                interface.name
            ))
        })?;
        let class = file.class(&interface.name).ok_or_else(|| {
            err(format!(
                "the .rep of `{}` has no class of that name",
                interface.name
            ))
        })?;
        let signature = rep::signature(class, &file);
        let layout = rep::layout(class);
        let zoned = matches!(
            interface.tags.attribute("config", "zoned"),
            Some(serde_json::Value::Bool(true))
        );
        let method_named = |name: &str| {
            layout
                .methods
                .iter()
                .position(|m| m.pushes.is_none() && function_name(&m.signature) == name)
        };
        let signal_named = |name: &str| {
            layout
                .signals
                .iter()
                .position(|s| s.notifies.is_none() && function_name(&s.signature) == name)
        };

        let mut properties = Vec::new();
        let mut models = Vec::new();
        for p in interface.properties.values() {
            if p.ty.kind == TypeKind::Model {
                // Zoned models (`<name>.<property>.<zone>`) are not generated yet.
                if let (false, Some(row)) = (zoned, p.ty.nested.as_deref()) {
                    let row =
                        rust_type_text(cx, row, Paths::Ifw).map_err(|e| cx.error(p.origin, e))?;
                    models.push(BoundModel {
                        property: p,
                        snake: p.name.to_snake_case(),
                        row,
                    });
                }
                continue;
            }
            let ty = rust_type_text(cx, &p.ty, Paths::Ifw).map_err(|e| cx.error(p.origin, e))?;
            let mut bound = BoundProperty {
                property: p,
                ty,
                snake: p.name.to_snake_case(),
                index: None,
                push: None,
                getter: None,
                setter: None,
                changed: None,
            };
            let changed = format!("{}Changed", p.name);
            if zoned {
                let getter = config_str(p, "getter_name").unwrap_or_else(|| p.name.to_string());
                let setter = config_str(p, "setter_name")
                    .unwrap_or_else(|| format!("set{}", upper_first(&p.name)));
                bound.getter = method_named(&getter);
                bound.setter = method_named(&setter);
                bound.changed = signal_named(&changed);
                if bound.getter.is_none() {
                    return Err(cx.error(
                        p.origin,
                        format!("the .rep has no getter slot `{getter}` for `{}`", p.name),
                    ));
                }
            } else {
                let index = layout
                    .properties
                    .iter()
                    .position(|lp| lp.name == *p.name)
                    .ok_or_else(|| {
                        cx.error(p.origin, format!("the .rep has no PROP `{}`", p.name))
                    })?;
                bound.index = Some(index);
                bound.push = layout.methods.iter().position(|m| m.pushes == Some(index));
                bound.changed = layout
                    .signals
                    .iter()
                    .position(|s| s.notifies == Some(index));
            }
            properties.push(bound);
        }
        let rust_names = properties
            .iter()
            .map(|p| p.snake.clone())
            .chain(models.iter().map(|m| m.snake.clone()));
        unique_names(cx, interface, rust_names, "property")?;

        let mut operations = Vec::new();
        for o in interface.operations.values() {
            let method = method_named(&o.name)
                .ok_or_else(|| cx.error(o.origin, format!("the .rep has no slot `{}`", o.name)))?;
            let ret = match o.ty.kind {
                TypeKind::Void => "()".to_string(),
                _ => rust_type_text(cx, &o.ty, Paths::Ifw).map_err(|e| cx.error(o.origin, e))?,
            };
            let params = params(cx, o.parameters.values(), o.origin)?;
            operations.push(BoundOperation {
                operation: o,
                method,
                ret,
                params,
            });
        }
        let mut signals = Vec::new();
        for s in interface.signals.values() {
            let index = signal_named(&s.name).ok_or_else(|| {
                cx.error(s.origin, format!("the .rep has no signal `{}`", s.name))
            })?;
            let params = params(cx, s.parameters.values(), s.origin)?;
            signals.push(BoundSignal {
                signal: s,
                index,
                params,
            });
        }
        let pending_signal = signal_named(PENDING_SIGNAL)
            .ok_or_else(|| err(format!("the .rep has no `{PENDING_SIGNAL}` signal")))?;
        let zones_method = if zoned {
            Some(
                method_named("availableZones")
                    .ok_or_else(|| err("the .rep has no `availableZones` slot".to_string()))?,
            )
        } else {
            None
        };
        let definition = definition(cx, interface, class, &layout)?;
        Ok(Self {
            interface,
            zoned,
            signature,
            lookup_name: cx.module.qualify(&interface.name),
            properties,
            models,
            operations,
            signals,
            pending_signal,
            zones_method,
            definition,
        })
    }

    /// A Rust type name for this interface with a suffix: `EchoSource`.
    pub(crate) fn type_name(&self, suffix: &str) -> String {
        format!("{}{suffix}", self.interface.name.to_upper_camel_case())
    }

    /// The interface's name in snake case, the stem of its private functions.
    pub(crate) fn snake(&self) -> String {
        self.interface.name.to_snake_case()
    }

    /// The name of the private function that builds the class definition.
    pub(crate) fn definition_fn(&self) -> String {
        format!("{}_class_definition", self.snake())
    }

    /// The private function that builds the class definition (shared by source and replica).
    pub(crate) fn write_definition(&self, code: &mut Code) {
        code.begin(Unit::Item);
        code.doc(&format!(
            " The class definition of `{}`, in repc's index order.",
            self.lookup_name
        ));
        code.open(format!(
            "fn {}() -> ifw::ClassDefinition",
            self.definition_fn()
        ));
        for statement in &self.definition {
            match statement {
                Statement::Line(line) => code.line(line),
                Statement::Call(callee, args) => code.list(&format!("{callee}("), args, ");"),
            }
        }
        code.close("");
        code.end();
    }

    /// What a typed method that sends a member's arguments needs: its parameters
    /// (`name: Type`, then `zone: &str` for a zoned interface) and the wire values in order.
    pub(crate) fn wire_arguments(&self, params: &[BoundParam<'_>]) -> WireArguments {
        let mut declared: Vec<String> = params
            .iter()
            .map(|p| format!("{}: {}", p.name, p.ty))
            .collect();
        let mut values: Vec<String> = params
            .iter()
            .map(|p| format!("ifw::to_wire(&{})", p.name))
            .collect();
        if self.zoned {
            let z = Self::zone_param(params);
            declared.push(format!("{z}: &str"));
            values.push(format!("ifw::Value::from({z})"));
        }
        WireArguments {
            params: declared,
            values,
        }
    }

    /// The identifier of the trailing zone parameter: `zone`, or `in_zone` if a parameter of
    /// the member already has that name.
    pub(crate) fn zone_param(params: &[BoundParam<'_>]) -> &'static str {
        if params.iter().any(|p| p.name == "zone") {
            "in_zone"
        } else {
            "zone"
        }
    }
}

/// A statement of generated code: a line as it is, or a call whose arguments break over lines
/// when it does not fit.
pub(crate) enum Statement {
    /// A whole statement.
    Line(String),
    /// `callee(args…);`.
    Call(String, Vec<String>),
}

impl Statement {
    /// The statement on one line.
    pub(crate) fn text(&self) -> String {
        match self {
            Self::Line(line) => line.clone(),
            Self::Call(callee, args) => format!("{callee}({});", args.join(", ")),
        }
    }
}

/// The parameters and wire values of a typed method ([`Bound::wire_arguments`]).
pub(crate) struct WireArguments {
    /// `name: Type`, and the trailing `zone: &str` of a zoned interface.
    pub(crate) params: Vec<String>,
    /// The arguments as wire values, in order.
    pub(crate) values: Vec<String>,
}

/// `ifw::Vec::from([values])`, or `ifw::Vec::new()` without values.
pub(crate) fn vec_of(values: &[String]) -> String {
    if values.is_empty() {
        "ifw::Vec::new()".to_string()
    } else {
        format!("ifw::Vec::from([{}])", values.join(", "))
    }
}

/// The parameters of an operation or signal.
fn params<'a>(
    cx: &Context<'_>,
    parameters: impl Iterator<Item = &'a Parameter>,
    origin: crate::model::Origin,
) -> Result<Vec<BoundParam<'a>>, Diagnostic> {
    let mut out: Vec<BoundParam<'a>> = Vec::new();
    for p in parameters {
        let name = ident(&p.name.to_snake_case()).to_string();
        if out.iter().any(|o| o.name == name) {
            return Err(cx.error(
                origin,
                format!(
                    "parameter `{}` becomes `{name}` in Rust, like another one",
                    p.name
                ),
            ));
        }
        let ty = rust_type_text(cx, &p.ty, Paths::Ifw).map_err(|e| cx.error(origin, e))?;
        out.push(BoundParam {
            parameter: p,
            name,
            ty,
        });
    }
    Ok(out)
}

fn unique_names(
    cx: &Context<'_>,
    interface: &Interface,
    names: impl Iterator<Item = String>,
    what: &str,
) -> Result<(), Diagnostic> {
    let mut seen = std::collections::HashSet::new();
    for name in names {
        if !seen.insert(name.clone()) {
            return Err(cx.error(
                interface.origin,
                format!("two {what} names become `{name}` in Rust"),
            ));
        }
    }
    Ok(())
}

/// The name part of a signature (`echo` of `echo(QString)`).
fn function_name(signature: &rep::ApiSignature) -> String {
    let text = signature.to_string();
    text.split('(').next().unwrap_or_default().to_string()
}

fn config_str(p: &Property, key: &str) -> Option<String> {
    match p.tags.attribute("config", key) {
        Some(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The statements that build the `ClassDefinition` of the class (repc's index order), with the
/// gadgets of every struct the interface uses (nested ones too) and the module enums, as a
/// dynamic replica would need them.
fn definition(
    cx: &Context<'_>,
    interface: &Interface,
    class: &rep::Class,
    layout: &rep::Layout,
) -> Result<Vec<Statement>, Diagnostic> {
    let scope = &class.name;
    let rows = class_rows(class, layout, str::to_owned);
    let mut out = vec![Statement::Line(format!(
        "let mut c = ifw::ClassBuilder::new({});",
        lit_str(scope)
    ))];
    used_gadgets(cx, interface, &mut out)?;
    rows.statements(&mut out, "ifw");
    out.push(Statement::Line("c.build()".to_string()));
    Ok(out)
}

/// The signal, method and property rows of a class definition, in repc's index order (notify
/// signals and push methods name their property; other members their parameters). Shared by the
/// QFace and the hand-written `.rep` paths; `property_type` gives a property's Qt type name.
pub(crate) fn class_rows(
    class: &rep::Class,
    layout: &rep::Layout,
    property_type: impl Fn(&str) -> String,
) -> ClassRows {
    let scope = &class.name;
    // The parameter names of the member that `signature` names in `list`.
    let names_of = |list: &[rep::Function], signature: &str| -> Vec<String> {
        list.iter()
            .find(|f| signature.split('(').next() == Some(&f.name))
            .map(|f| {
                f.params
                    .iter()
                    .map(|p| p.plain_name().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let property_name = |p: usize| -> Vec<String> {
        class
            .properties
            .get(p)
            .map(|p| vec![p.name.clone()])
            .unwrap_or_default()
    };
    let signals = layout
        .signals
        .iter()
        .map(|s| {
            let signature = s.signature.resolve(scope);
            let names = match s.notifies {
                Some(p) => property_name(p),
                None => names_of(&class.signals, &signature),
            };
            (signature, names)
        })
        .collect();
    let methods = layout
        .methods
        .iter()
        .map(|m| {
            let signature = m.signature.resolve(scope);
            let names = match m.pushes {
                Some(p) => property_name(p),
                None => names_of(&class.slots, &signature),
            };
            (signature, m.return_type.resolve(scope), names)
        })
        .collect();
    let properties = layout
        .properties
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let notify = layout
                .signals
                .iter()
                .find(|s| s.notifies == Some(i))
                .map(|s| s.signature.resolve(scope));
            (p.name.clone(), property_type(&p.type_name), notify)
        })
        .collect();
    ClassRows {
        signals,
        methods,
        properties,
    }
}

/// A class definition's rows ([`class_rows`]), as `ifw_core::codegen::ClassBuilder` takes them.
pub(crate) struct ClassRows {
    /// `(signature, parameter names)`.
    signals: Vec<(String, Vec<String>)>,
    /// `(signature, return type, parameter names)`.
    methods: Vec<(String, String, Vec<String>)>,
    /// `(name, Qt type name, notify signature)`.
    properties: Vec<(String, String, Option<String>)>,
}

impl ClassRows {
    /// One statement per row on a `ClassBuilder` named `c`; `runtime` is the path of
    /// `ifw_core::codegen` where the code stands.
    pub(crate) fn statements(&self, out: &mut Vec<Statement>, runtime: &str) {
        let names = |names: &[String]| {
            let names: Vec<String> = names.iter().map(|n| lit_str(n)).collect();
            format!("&[{}]", names.join(", "))
        };
        let call = |callee: &str, args: Vec<String>| Statement::Call(callee.to_string(), args);
        for (signature, params) in &self.signals {
            out.push(call("c.signal", vec![lit_str(signature), names(params)]));
        }
        for (signature, return_type, params) in &self.methods {
            out.push(call(
                "c.method",
                vec![lit_str(signature), lit_str(return_type), names(params)],
            ));
        }
        for (name, type_name, notify) in &self.properties {
            let notify = match notify {
                Some(n) => format!("{runtime}::Some({})", lit_str(n)),
                None => format!("{runtime}::None"),
            };
            out.push(call(
                "c.property",
                vec![lit_str(name), lit_str(type_name), notify],
            ));
        }
    }
}

/// Statements adding gadget definitions for the structs the interface uses, transitively, in
/// first-use order, then `QIfRemoteObjectsPendingResult`, then one enum-only gadget per module
/// whose enums the interface uses (`Echomodule` holding `TestEnum`), which is how an enum inside a
/// `QVariantList` is known by its size.
fn used_gadgets(
    cx: &Context<'_>,
    interface: &Interface,
    out: &mut Vec<Statement>,
) -> Result<(), Diagnostic> {
    let mut types: Vec<(&TypeRef, &crate::model::Module)> = Vec::new();
    for p in interface.properties.values() {
        types.push((&p.ty, cx.module));
    }
    for o in interface.operations.values() {
        types.push((&o.ty, cx.module));
        types.extend(o.parameters.values().map(|p| (&p.ty, cx.module)));
    }
    for s in interface.signals.values() {
        types.extend(s.parameters.values().map(|p| (&p.ty, cx.module)));
    }
    let mut structs: Vec<(String, String)> = Vec::new();
    let mut enum_modules: Vec<String> = Vec::new();
    while let Some((ty, module)) = types.pop() {
        if let Some(nested) = ty.nested.as_deref() {
            types.push((nested, module));
        }
        if ty.kind != TypeKind::Complex {
            continue;
        }
        let cx = Context { module, ..*cx };
        match cx.system.resolve_type(module, &ty.name) {
            Some(Symbol::Struct(m, n)) => {
                let key = (m.to_string(), n.to_string());
                if structs.contains(&key) {
                    continue;
                }
                structs.push(key);
                let Some(owner) = cx.system.modules.get(m) else {
                    continue;
                };
                let Some(s) = owner.structs.get(n) else {
                    continue;
                };
                let owner_cx = Context {
                    module: owner,
                    ..cx
                };
                let name = lit_str(&qt_type_name(&owner_cx, n));
                out.push(Statement::Call("c.gadget".into(), vec![name]));
                for f in s.fields.values() {
                    let field = lit_str(&f.name);
                    let ty = lit_str(&qt_field_type(&owner_cx, &f.ty));
                    out.push(Statement::Call("c.field".into(), vec![field, ty]));
                    types.push((&f.ty, owner));
                }
            }
            Some(Symbol::Enum(m, _)) if !enum_modules.iter().any(|e| e == m) => {
                enum_modules.push(m.to_string());
            }
            _ => {}
        }
    }
    out.push(Statement::Line(
        "c.gadget_def(ifw::PendingResult::gadget_def());".to_string(),
    ));
    for m in &enum_modules {
        let Some(module) = cx.system.modules.get(m.as_str()) else {
            continue;
        };
        let owner_cx = Context { module, ..*cx };
        let last = module.name.rsplit('.').next().unwrap_or(&module.name);
        let class = qt_type_name(&owner_cx, &upper_first(last));
        out.push(Statement::Call(
            "c.enum_gadget".into(),
            vec![lit_str(&class)],
        ));
        for e in module.enums.values() {
            let name = if e.is_flag {
                match e.tags.attribute("config", "type") {
                    Some(serde_json::Value::String(t)) => t,
                    _ => format!("{}s", e.name),
                }
            } else {
                e.name.to_string()
            };
            let args = vec![lit_str(&name), e.is_flag.to_string()];
            out.push(Statement::Call("c.gadget_enum".into(), args));
            for k in e.members.values() {
                let value = i32::try_from(k.value).unwrap_or_default();
                let args = vec![lit_str(&k.name), value.to_string()];
                out.push(Statement::Call("c.key".into(), args));
            }
        }
    }
    Ok(())
}
