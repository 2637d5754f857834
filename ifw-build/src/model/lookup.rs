//! Looking symbols up by name, exactly as the reference's `System.lookup` and `Module.lookup` do.

use super::{Module, System, Tags};

/// A symbol of the system, found by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symbol<'a> {
    /// The system itself (the name `system`).
    System,
    /// A module.
    Module(&'a str),
    /// An interface: module name and interface name.
    Interface(&'a str, &'a str),
    /// A struct.
    Struct(&'a str, &'a str),
    /// An enum or flag.
    Enum(&'a str, &'a str),
    /// A member of an interface, struct or enum: the parent and the member's name.
    Member(&'a str, &'a str, MemberKind, &'a str),
}

/// Which collection a [`Symbol::Member`] lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberKind {
    /// An interface property.
    Property,
    /// An interface operation.
    Operation,
    /// An interface signal.
    Signal,
    /// A struct field.
    Field,
    /// An enum member.
    EnumMember,
}

impl System {
    /// The file name (no folder) of the file that declares `module`, for "generated from"
    /// headers; `<memory>` for text parsed without a path.
    pub fn file_name_of(&self, module: &Module) -> String {
        self.files
            .get(module.origin.file())
            .and_then(|f| f.path().file_name())
            .map_or_else(|| "<memory>".into(), |n| n.to_string_lossy().into_owned())
    }

    /// Looks `name` up as the reference's `System.lookup` does: a module name, `system`, then
    /// `module.Type` or `module.Type#member`.
    pub fn lookup(&self, name: &str) -> Result<Symbol<'_>, String> {
        if let Some((key, _)) = self.modules.get_key_value(name) {
            return Ok(Symbol::Module(key));
        }
        if name == "system" {
            return Ok(Symbol::System);
        }
        let (path, fragment) = match name.rsplit_once('#') {
            Some((path, fragment)) => (path, Some(fragment)),
            None => (name, None),
        };
        let module = path
            .rsplit_once('.')
            .and_then(|(module, _)| self.modules.get(module))
            .ok_or_else(|| format!("not able to look up symbol `{name}`"))?;
        let type_name = path.rsplit_once('.').map_or(path, |(_, t)| t);
        self.lookup_in(module, type_name, fragment)
    }

    /// `Module.lookup`: the module's own interfaces, structs and enums first (in that order), then
    /// the whole system.
    pub fn lookup_in<'a>(
        &'a self,
        module: &'a Module,
        name: &str,
        fragment: Option<&str>,
    ) -> Result<Symbol<'a>, String> {
        let m: &str = &module.name;
        let missing = |parent: &str, f: &str| format!("`{parent}` has no member `{f}`");
        if let Some((key, i)) = module.interfaces.get_key_value(name) {
            let Some(f) = fragment else {
                return Ok(Symbol::Interface(m, key));
            };
            let (member, kind) = if let Some((k, _)) = i.properties.get_key_value(f) {
                (k, MemberKind::Property)
            } else if let Some((k, _)) = i.operations.get_key_value(f) {
                (k, MemberKind::Operation)
            } else if let Some((k, _)) = i.signals.get_key_value(f) {
                (k, MemberKind::Signal)
            } else {
                return Err(missing(key, f));
            };
            return Ok(Symbol::Member(m, key, kind, member));
        }
        if let Some((key, s)) = module.structs.get_key_value(name) {
            let Some(f) = fragment else {
                return Ok(Symbol::Struct(m, key));
            };
            let (member, _) = s.fields.get_key_value(f).ok_or_else(|| missing(key, f))?;
            return Ok(Symbol::Member(m, key, MemberKind::Field, member));
        }
        if let Some((key, e)) = module.enums.get_key_value(name) {
            let Some(f) = fragment else {
                return Ok(Symbol::Enum(m, key));
            };
            let (member, _) = e.members.get_key_value(f).ok_or_else(|| missing(key, f))?;
            return Ok(Symbol::Member(m, key, MemberKind::EnumMember, member));
        }
        self.lookup(name)
    }

    /// What a type name used in `module` refers to (the reference's `TypeSymbol.reference`), if
    /// anything.
    pub fn resolve_type<'a>(&'a self, module: &'a Module, name: &str) -> Option<Symbol<'a>> {
        self.lookup_in(module, name, None).ok()
    }

    /// The qualified name of a symbol, as the reference prints it.
    pub fn qualified_name(&self, symbol: Symbol<'_>) -> String {
        let qualify = |m: &str, n: &str| match self.modules.get(m) {
            Some(module) => module.qualify(n),
            None => format!("{m}.{n}"),
        };
        match symbol {
            Symbol::System => "system".to_string(),
            Symbol::Module(m) => m.to_string(),
            Symbol::Interface(m, n) | Symbol::Struct(m, n) | Symbol::Enum(m, n) => qualify(m, n),
            Symbol::Member(m, p, _, n) => format!("{}#{n}", qualify(m, p)),
        }
    }

    /// The kind word the reference oracle prints for a symbol (`interface`, `struct`, `enum`,
    /// `flag`, `module`, `system`, …).
    pub fn kind_of(&self, symbol: Symbol<'_>) -> &'static str {
        match symbol {
            Symbol::System => "system",
            Symbol::Module(_) => "module",
            Symbol::Interface(..) => "interface",
            Symbol::Struct(..) => "struct",
            Symbol::Enum(m, n) => {
                let is_flag = self
                    .modules
                    .get(m)
                    .and_then(|m| m.enums.get(n))
                    .is_some_and(|e| e.is_flag);
                if is_flag { "flag" } else { "enum" }
            }
            Symbol::Member(_, _, kind, _) => match kind {
                MemberKind::Property => "property",
                MemberKind::Operation => "operation",
                MemberKind::Signal => "signal",
                MemberKind::Field => "field",
                MemberKind::EnumMember => "enummember",
            },
        }
    }

    /// The annotations of a symbol, to merge into.
    pub(crate) fn tags_mut(&mut self, symbol: &OwnedSymbol) -> Option<&mut Tags> {
        match symbol {
            OwnedSymbol::System => Some(&mut self.tags),
            OwnedSymbol::Module(m) => self.modules.get_mut(m.as_str()).map(|m| &mut m.tags),
            OwnedSymbol::Interface(m, n) => Some(
                &mut self
                    .modules
                    .get_mut(m.as_str())?
                    .interfaces
                    .get_mut(n.as_str())?
                    .tags,
            ),
            OwnedSymbol::Struct(m, n) => Some(
                &mut self
                    .modules
                    .get_mut(m.as_str())?
                    .structs
                    .get_mut(n.as_str())?
                    .tags,
            ),
            OwnedSymbol::Enum(m, n) => Some(
                &mut self
                    .modules
                    .get_mut(m.as_str())?
                    .enums
                    .get_mut(n.as_str())?
                    .tags,
            ),
            OwnedSymbol::Member(m, p, kind, n) => {
                let module = self.modules.get_mut(m.as_str())?;
                match kind {
                    MemberKind::Property => Some(
                        &mut module
                            .interfaces
                            .get_mut(p.as_str())?
                            .properties
                            .get_mut(n.as_str())?
                            .tags,
                    ),
                    MemberKind::Operation => Some(
                        &mut module
                            .interfaces
                            .get_mut(p.as_str())?
                            .operations
                            .get_mut(n.as_str())?
                            .tags,
                    ),
                    MemberKind::Signal => Some(
                        &mut module
                            .interfaces
                            .get_mut(p.as_str())?
                            .signals
                            .get_mut(n.as_str())?
                            .tags,
                    ),
                    MemberKind::Field => Some(
                        &mut module
                            .structs
                            .get_mut(p.as_str())?
                            .fields
                            .get_mut(n.as_str())?
                            .tags,
                    ),
                    MemberKind::EnumMember => Some(
                        &mut module
                            .enums
                            .get_mut(p.as_str())?
                            .members
                            .get_mut(n.as_str())?
                            .tags,
                    ),
                }
            }
        }
    }
}

/// A [`Symbol`] that owns its names, so the system can be changed while holding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OwnedSymbol {
    System,
    Module(String),
    Interface(String, String),
    Struct(String, String),
    Enum(String, String),
    Member(String, String, MemberKind, String),
}

impl From<Symbol<'_>> for OwnedSymbol {
    fn from(s: Symbol<'_>) -> Self {
        match s {
            Symbol::System => Self::System,
            Symbol::Module(m) => Self::Module(m.into()),
            Symbol::Interface(m, n) => Self::Interface(m.into(), n.into()),
            Symbol::Struct(m, n) => Self::Struct(m.into(), n.into()),
            Symbol::Enum(m, n) => Self::Enum(m.into(), n.into()),
            Symbol::Member(m, p, k, n) => Self::Member(m.into(), p.into(), k, n.into()),
        }
    }
}
