//! QFace interface → `.rep` text, in two modes ([`RepMode`]).
//!
//! **Qt Interface Framework mode** ([`emit_interface`]) renders the text Qt IF's generator renders
//! from its `common/interface.rep.tpl` (except the comment header, which says ifw made it, and the
//! struct `#include` lines, which come in a fixed order where Qt's order is random). Structs, enums
//! and flags are not declared: they come from the Qt IF frontend library's headers.
//!
//! The mapping (Qt IF's `return_type`/`parameter_type` filters): `int`/`bool` stay, `string` →
//! `QString`, `real` → `qreal`, `var` → `QVariant`, `list<T>` → `QVariantList`, an enum →
//! `<Module>::<Enum>`, a flag → `<Module>::<Flag>s` (or its `@config: {type: …}`), a struct → its
//! name (namespace-prefixed per the module's `@config: {namespace: …}`). Model properties are left
//! out. A zoned interface (`@config: {zoned: true}`) has getter/setter slots and change signals with
//! a zone argument instead of `PROP`s. Every operation is `SLOT(QVariant op(…))`, answered later
//! through `pendingResultAvailable`.
//!
//! **`map<T>`** is where ifw goes beyond Qt's generator, which refuses it: a map is `QVariantMap`
//! (string keys, the values as `QVariant`s; `const QVariantMap &name` as a parameter), the type Qt
//! IF's own frontend streams a map field as, and what the Rust side maps to a string-keyed map.
//! Interface-typed members are still refused, with the member's position.
//!
//! **Self-contained mode** ([`emit_self_contained`]) is for users of plain Qt Remote Objects
//! without Qt IF: no `#include` of Qt IF headers; instead the `.rep` declares every enum, flag and
//! struct the interface needs (the module's own, and those of imported modules it uses,
//! transitively). Enums come first (`ENUM Name {A=0, B=1}`, each flag's enum followed by
//! `FLAG(<Flag>s Name)`), in module order then declaration order, then structs as
//! `POD Name(type a, …)` with every struct after the structs its fields use. repc wraps a file-level
//! `ENUM Name` in a gadget `NameEnum`, so members use `NameEnum::Name` and `NameEnum::<Flag>s`;
//! structs use their plain name. Two types of the same name from different modules are refused
//! (a `.rep` has one namespace).

use std::fmt::Write as _;

use crate::diagnostic::Diagnostic;
use crate::model::{Interface, Module, Parameter, Symbol, System, TypeKind, TypeRef};

/// The `.rep` file name Qt's generator uses for an interface: its name in lower case.
pub fn rep_file_name(interface: &Interface) -> String {
    format!("{}.rep", interface.name.to_lowercase())
}

/// How a `.rep` file is written (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RepMode {
    /// Qt Interface Framework's text: the types come from Qt IF's frontend headers.
    #[default]
    QtInterfaceFramework,
    /// For plain Qt Remote Objects: the `.rep` declares its `ENUM`s, `FLAG`s and `POD`s itself.
    SelfContained,
}

/// The `.rep` text Qt IF's generator renders for `interface` of `module`. `source` names the
/// `.qface` file in the header.
///
/// ```
/// let parsed = ifw_build::Frontend::new().parse_str(
///     "demo.qface",
///     "module org.demo 1.0\ninterface Demo { map<int> presets; }",
/// )?;
/// let module = &parsed.system.modules["org.demo"];
/// let rep = ifw_build::rep::emit_interface(&parsed.system, module, &module.interfaces["Demo"], "demo.qface")
///     .map_err(|d| d.render())?;
/// assert!(rep.contains("PROP(QVariantMap presets )"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn emit_interface(
    system: &System,
    module: &Module,
    interface: &Interface,
    source: &str,
) -> Result<String, Diagnostic> {
    emit(
        RepMode::QtInterfaceFramework,
        system,
        module,
        interface,
        source,
    )
}

/// The self-contained `.rep` text for `interface` of `module`: it declares the enums, flags and
/// structs it uses, so plain `repc` needs nothing else.
///
/// ```
/// let parsed = ifw_build::Frontend::new().parse_str(
///     "demo.qface",
///     "module org.demo 1.0\nenum Mode { Off, On }\nstruct Point { int x; Mode mode }\ninterface Demo { Point point; }",
/// )?;
/// let module = &parsed.system.modules["org.demo"];
/// let rep = ifw_build::rep::emit_self_contained(&parsed.system, module, &module.interfaces["Demo"], "demo.qface")
///     .map_err(|d| d.render())?;
/// assert!(rep.contains("ENUM Mode {Off=0, On=1}"));
/// assert!(rep.contains("POD Point(int x, ModeEnum::Mode mode)"));
/// assert!(ifw_build::rep::parse(&rep).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn emit_self_contained(
    system: &System,
    module: &Module,
    interface: &Interface,
    source: &str,
) -> Result<String, Diagnostic> {
    emit(RepMode::SelfContained, system, module, interface, source)
}

/// The `.rep` text for `interface` of `module` in `mode`.
pub fn emit_interface_in(
    mode: RepMode,
    system: &System,
    module: &Module,
    interface: &Interface,
    source: &str,
) -> Result<String, Diagnostic> {
    emit(mode, system, module, interface, source)
}

fn emit(
    mode: RepMode,
    system: &System,
    module: &Module,
    interface: &Interface,
    source: &str,
) -> Result<String, Diagnostic> {
    let types = Types {
        system,
        module,
        mode,
    };
    let zoned = truthy(interface.tags.attribute("config", "zoned"));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// Generated by ifw {} from '{source}': module {}, interface {}{}\n// Do not edit: the build regenerates it.\n",
        env!("CARGO_PKG_VERSION"),
        module.name,
        interface.name,
        if mode == RepMode::SelfContained {
            " (self-contained)"
        } else {
            ""
        }
    );
    match mode {
        RepMode::QtInterfaceFramework => {
            let module_header = format!("{}.h", module_name(module).to_lowercase());
            match module
                .tags
                .attribute("config", "module")
                .as_ref()
                .and_then(|v| v.as_str())
            {
                Some(dir) => {
                    let _ = writeln!(out, "#include <{dir}/{module_header}>");
                }
                None => {
                    let _ = writeln!(out, "#include \"{module_header}\"");
                }
            }
            for include in types.struct_includes(interface) {
                let _ = writeln!(out, "{include}");
            }
        }
        RepMode::SelfContained => types.declarations(interface, &mut out)?,
    }
    let _ = writeln!(out, "\nclass {}\n{{", interface.name);
    for p in interface.properties.values() {
        if p.ty.kind == TypeKind::Model {
            continue;
        }
        let at = |e: String| types.error(p.origin, &e);
        types.check_member(&p.ty, "Properties").map_err(at)?;
        let ty = types.return_type(&p.ty).map_err(at)?.replace(" *", "");
        if zoned {
            let getter = config_str(&p.tags, "getter_name").unwrap_or_else(|| p.name.to_string());
            let param = types.parameter(&p.ty, &p.name).map_err(at)?;
            let _ = writeln!(out, "    SLOT({ty} {getter}(const QString &zone))");
            if !p.readonly {
                let setter = config_str(&p.tags, "setter_name")
                    .unwrap_or_else(|| format!("set{}", upper_first(&p.name)));
                let _ = writeln!(out, "    SLOT(void {setter}({param}, const QString &zone))");
            }
            let _ = writeln!(
                out,
                "    SIGNAL({}Changed({param}, const QString &zone))\n",
                p.name
            );
        } else {
            let keyword = if p.readonly { "READONLY" } else { "" };
            let _ = writeln!(out, "    PROP({ty} {} {keyword})", p.name);
        }
    }
    out.push('\n');
    if zoned {
        out.push_str("    SLOT(QStringList availableZones())\n");
    }
    out.push('\n');
    for o in interface.operations.values() {
        let at = |e: String| types.error(o.origin, &e);
        types.check_member(&o.ty, "Return values").map_err(at)?;
        let params = types
            .join_params(o.parameters.values(), zoned)
            .map_err(at)?;
        let _ = writeln!(out, "    SLOT(QVariant {}({params}))", o.name);
    }
    out.push_str(
        "\n    SIGNAL(pendingResultAvailable(quint64 id, bool isSuccess, const QVariant &value))\n",
    );
    for s in interface.signals.values() {
        let params = types
            .join_params(s.parameters.values(), zoned)
            .map_err(|e| types.error(s.origin, &e))?;
        let _ = writeln!(out, "    SIGNAL({}({params}))", s.name);
    }
    out.push_str("};\n");
    Ok(out)
}

/// Type mapping in the context of one module.
struct Types<'a> {
    system: &'a System,
    module: &'a Module,
    mode: RepMode,
}

/// What a complex type refers to.
enum Referent<'a> {
    Enum {
        module: &'a Module,
        name: &'a str,
        flag_type: Option<String>,
    },
    Struct {
        module: &'a Module,
        name: &'a str,
    },
    Interface,
    Other,
}

impl<'a> Types<'a> {
    fn error(&self, origin: crate::model::Origin, message: &str) -> Diagnostic {
        match self.system.files.get(origin.file()) {
            Some(file) => Diagnostic::error(file, origin.span(), message),
            None => Diagnostic::global(crate::Severity::Error, message),
        }
    }

    fn referent(&self, name: &str) -> Referent<'a> {
        match self.system.resolve_type(self.module, name) {
            Some(Symbol::Enum(m, n)) => {
                let Some(module) = self.system.modules.get(m) else {
                    return Referent::Other;
                };
                let Some((key, e)) = module.enums.get_key_value(n) else {
                    return Referent::Other;
                };
                let flag_type = e
                    .is_flag
                    .then(|| config_str(&e.tags, "type").unwrap_or_else(|| format!("{}s", e.name)));
                Referent::Enum {
                    module,
                    name: key,
                    flag_type,
                }
            }
            Some(Symbol::Struct(m, n)) => {
                let Some(module) = self.system.modules.get(m) else {
                    return Referent::Other;
                };
                let Some((key, _)) = module.structs.get_key_value(n) else {
                    return Referent::Other;
                };
                Referent::Struct { module, name: key }
            }
            Some(Symbol::Interface(..)) => Referent::Interface,
            _ => Referent::Other,
        }
    }

    /// Refuses interface-typed members, as Qt's generator does (`map<…>`, which Qt's generator
    /// also refuses, is a `QVariantMap` here).
    fn check_member(&self, ty: &TypeRef, what: &str) -> Result<(), String> {
        match ty.kind {
            TypeKind::Complex if matches!(self.referent(&ty.name), Referent::Interface) => {
                Err(format!(
                    "{what} of type 'interface' (`{}`) are not supported over Qt Remote Objects (Qt's generator refuses them too)",
                    ty.name
                ))
            }
            _ => Ok(()),
        }
    }

    /// Qt IF's `return_type`.
    fn return_type(&self, ty: &TypeRef) -> Result<String, String> {
        Ok(match ty.kind {
            TypeKind::Void => "void".to_string(),
            TypeKind::Primitive => match &*ty.name {
                "string" => "QString".to_string(),
                "var" => "QVariant".to_string(),
                "real" => "qreal".to_string(),
                other => other.to_string(),
            },
            TypeKind::List => "QVariantList".to_string(),
            TypeKind::Map => "QVariantMap".to_string(),
            TypeKind::Model => match ty.nested.as_deref().map(|n| n.kind) {
                Some(TypeKind::Primitive) => {
                    format!("{}VariantModel *", namespace_prefix(self.module))
                }
                _ => "QIfPagingModel *".to_string(),
            },
            TypeKind::Complex => match self.referent(&ty.name) {
                Referent::Enum {
                    name, flag_type, ..
                } if self.mode == RepMode::SelfContained => {
                    format!(
                        "{name}Enum::{}",
                        flag_type.unwrap_or_else(|| name.to_string())
                    )
                }
                Referent::Struct { name, .. } if self.mode == RepMode::SelfContained => {
                    name.to_string()
                }
                Referent::Enum {
                    module,
                    name,
                    flag_type,
                    ..
                } => format!(
                    "{}{}::{}",
                    namespace_prefix(module),
                    upper_first(module_name(module)),
                    flag_type.unwrap_or_else(|| name.to_string())
                ),
                Referent::Struct { module, name } => format!("{}{name}", namespace_prefix(module)),
                Referent::Interface => {
                    return Err(format!(
                        "interface-typed `{}` is not supported over Qt Remote Objects",
                        ty.name
                    ));
                }
                Referent::Other => return Err(format!("unknown type `{}`", ty.name)),
            },
        })
    }

    /// Qt IF's `parameter_type`: the type and the name as a C++ parameter.
    fn parameter(&self, ty: &TypeRef, name: &str) -> Result<String, String> {
        Ok(match ty.kind {
            TypeKind::Primitive => match &*ty.name {
                "string" => format!("const QString &{name}"),
                "var" => format!("const QVariant &{name}"),
                "real" => format!("qreal {name}"),
                other => format!("{other} {name}"),
            },
            TypeKind::List => format!("const QVariantList &{name}"),
            TypeKind::Map => format!("const QVariantMap &{name}"),
            TypeKind::Model => format!("{}{name}", self.return_type(ty)?),
            TypeKind::Complex => match self.referent(&ty.name) {
                Referent::Enum { .. } => format!("{} {name}", self.return_type(ty)?),
                Referent::Struct { .. } => format!("const {} &{name}", self.return_type(ty)?),
                _ => return Err(self.return_type(ty).err().unwrap_or_default()),
            },
            TypeKind::Void => format!("{} {name}", self.return_type(ty)?),
        })
    }

    /// Qt IF's `join_params` macro.
    fn join_params<'p>(
        &self,
        params: impl Iterator<Item = &'p Parameter>,
        zoned: bool,
    ) -> Result<String, String> {
        let mut parts = Vec::new();
        for p in params {
            self.check_member(&p.ty, "Parameters")?;
            parts.push(self.parameter(&p.ty, &p.name)?);
        }
        if zoned {
            parts.push("const QString &zone".to_string());
        }
        Ok(parts.join(", "))
    }

    /// Self-contained mode: the `ENUM`, `FLAG` and `POD` declarations of every type `interface`
    /// uses (see the module docs for the order), each line ending in a newline.
    fn declarations(&self, interface: &Interface, out: &mut String) -> Result<(), Diagnostic> {
        let mut walk = Walk::default();
        for e in self.module.enums.values() {
            walk.enumeration(self, self.module, e)?;
        }
        for s in self.module.structs.values() {
            walk.structure(self, self.module, s)?;
        }
        let mut used: Vec<&TypeRef> = interface.properties.values().map(|p| &p.ty).collect();
        for o in interface.operations.values() {
            used.extend(o.parameters.values().map(|p| &p.ty));
            used.push(&o.ty);
        }
        for s in interface.signals.values() {
            used.extend(s.parameters.values().map(|p| &p.ty));
        }
        for ty in used {
            walk.uses(self, self.module, ty)?;
        }
        if !walk.enums.is_empty() || !walk.pods.is_empty() {
            out.push('\n');
        }
        for line in walk.enums.iter().chain(&walk.pods) {
            out.push_str(line);
            out.push('\n');
        }
        Ok(())
    }

    /// Qt IF's `struct_includes`: one `#include "<struct>.h"` (lower case) per struct used directly
    /// by a property, an operation (parameters and result) or a signal — here in first-use order.
    fn struct_includes(&self, interface: &Interface) -> Vec<String> {
        let mut types: Vec<&TypeRef> = interface.properties.values().map(|p| &p.ty).collect();
        for o in interface.operations.values() {
            types.extend(o.parameters.values().map(|p| &p.ty));
            types.push(&o.ty);
        }
        for s in interface.signals.values() {
            types.extend(s.parameters.values().map(|p| &p.ty));
        }
        let mut includes: Vec<String> = Vec::new();
        for ty in types {
            if ty.kind != TypeKind::Complex {
                continue;
            }
            if let Referent::Struct { name, .. } = self.referent(&ty.name) {
                let line = format!("#include \"{name}.h\"").to_lowercase();
                if !includes.contains(&line) {
                    includes.push(line);
                }
            }
        }
        includes
    }
}

/// The declarations of a self-contained `.rep`, collected depth first.
#[derive(Default)]
struct Walk {
    /// Qualified names of the types visited.
    seen: std::collections::HashSet<String>,
    /// `.rep` name → qualified name, to refuse two types of one name.
    names: std::collections::HashMap<String, String>,
    /// `ENUM`/`FLAG` lines.
    enums: Vec<String>,
    /// `POD` lines, every struct after the structs it uses.
    pods: Vec<String>,
}

impl Walk {
    /// Marks a type as visited; `false` if it was already.
    fn visit(
        &mut self,
        types: &Types<'_>,
        module: &Module,
        name: &str,
        origin: crate::model::Origin,
    ) -> Result<bool, Diagnostic> {
        let qualified = module.qualify(name);
        if !self.seen.insert(qualified.clone()) {
            return Ok(false);
        }
        if let Some(other) = self.names.insert(name.to_string(), qualified.clone()) {
            return Err(types.error(
                origin,
                &format!(
                    "`{qualified}` and `{other}` would both be `{name}` in a self-contained .rep file (it has one namespace)"
                ),
            ));
        }
        Ok(true)
    }

    fn enumeration(
        &mut self,
        types: &Types<'_>,
        module: &Module,
        e: &crate::model::Enum,
    ) -> Result<(), Diagnostic> {
        if !self.visit(types, module, &e.name, e.origin)? {
            return Ok(());
        }
        if e.members.is_empty() {
            return Err(types.error(e.origin, &format!("enum `{}` has no members", e.name)));
        }
        let members: Vec<String> = e
            .members
            .values()
            .map(|m| format!("{}={}", m.name, m.value))
            .collect();
        self.enums
            .push(format!("ENUM {} {{{}}}", e.name, members.join(", ")));
        if e.is_flag {
            let flag = config_str(&e.tags, "type").unwrap_or_else(|| format!("{}s", e.name));
            self.enums.push(format!("FLAG({flag} {})", e.name));
        }
        Ok(())
    }

    fn structure(
        &mut self,
        types: &Types<'_>,
        module: &Module,
        s: &crate::model::Struct,
    ) -> Result<(), Diagnostic> {
        if !self.visit(types, module, &s.name, s.origin)? {
            return Ok(());
        }
        let here = Types { module, ..*types };
        let mut members = Vec::new();
        for f in s.fields.values() {
            let at = |e: String| here.error(f.origin, &e);
            here.check_member(&f.ty, "Fields").map_err(at)?;
            self.uses(&here, module, &f.ty)?;
            let ty = match f.ty.kind {
                TypeKind::Model => "QVariantList".to_string(),
                _ => here.return_type(&f.ty).map_err(at)?,
            };
            members.push(format!("{ty} {}", f.name));
        }
        self.pods
            .push(format!("POD {}({})", s.name, members.join(", ")));
        Ok(())
    }

    /// Visits the enum, flag or struct `ty` names (or contains), as seen from `module`.
    fn uses(&mut self, types: &Types<'_>, module: &Module, ty: &TypeRef) -> Result<(), Diagnostic> {
        if let Some(nested) = ty.nested.as_deref() {
            return self.uses(types, module, nested);
        }
        if ty.kind != TypeKind::Complex {
            return Ok(());
        }
        match types.system.resolve_type(module, &ty.name) {
            Some(Symbol::Enum(m, n)) => {
                if let Some((module, e)) = types
                    .system
                    .modules
                    .get(m)
                    .and_then(|module| Some((module, module.enums.get(n)?)))
                {
                    self.enumeration(types, module, e)?;
                }
            }
            Some(Symbol::Struct(m, n)) => {
                if let Some((module, s)) = types
                    .system
                    .modules
                    .get(m)
                    .and_then(|module| Some((module, module.structs.get(n)?)))
                {
                    self.structure(types, module, s)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// The last segment of a module's name (Qt IF's `module_name`).
fn module_name(module: &Module) -> &str {
    module.name.rsplit('.').next().unwrap_or(&module.name)
}

/// `::ns::` from the module's `@config: {namespace: …}` (`module` means the module name with
/// `::`; `qt` means none).
fn namespace_prefix(module: &Module) -> String {
    let ns = match module.tags.attribute("config", "namespace") {
        Some(serde_json::Value::String(ns)) if ns == "qt" || ns.is_empty() => String::new(),
        Some(serde_json::Value::String(ns)) if ns == "module" => module.name.replace('.', "::"),
        Some(serde_json::Value::String(ns)) => ns,
        _ => String::new(),
    };
    if ns.is_empty() {
        ns
    } else {
        format!("::{ns}::")
    }
}

fn config_str(tags: &crate::model::Tags, key: &str) -> Option<String> {
    match tags.attribute("config", key) {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(other) if !other.is_null() => Some(other.to_string()),
        _ => None,
    }
}

/// Python truthiness of an annotation value.
fn truthy(v: Option<serde_json::Value>) -> bool {
    match v {
        None | Some(serde_json::Value::Null) => false,
        Some(serde_json::Value::Bool(b)) => b,
        Some(serde_json::Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(serde_json::Value::String(s)) => !s.is_empty(),
        Some(serde_json::Value::Array(a)) => !a.is_empty(),
        Some(serde_json::Value::Object(o)) => !o.is_empty(),
    }
}

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
