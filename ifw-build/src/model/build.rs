//! From syntax trees to the model: names, numbering, default values, inline annotations and the
//! warnings about repeated names.

use std::sync::Arc;

use indexmap::map::Entry;

use super::*;
use crate::annotations::parse_tag_text;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::idl::ast::{self, Definition, Member, Meta, Text, TypeExpr};

/// Adds documents to a [`System`], collecting diagnostics.
pub(crate) struct ModelBuilder<'s> {
    pub(crate) system: &'s mut System,
    pub(crate) diagnostics: &'s mut Diagnostics,
    pub(crate) interner: &'s mut Interner,
}

/// What a run has read before: names (each kept once) and annotation texts (each parsed once).
#[derive(Debug, Default)]
pub(crate) struct Interner {
    names: foldhash::HashSet<Name>,
    tags: foldhash::HashMap<String, Tags>,
}

impl Interner {
    /// The shared copy of `text`.
    pub(crate) fn name(&mut self, text: &str) -> Name {
        if let Some(name) = self.names.get(text) {
            return name.clone();
        }
        let name: Name = Arc::from(text);
        self.names.insert(name.clone());
        name
    }
}

/// The file being added.
struct Ctx<'f> {
    file: &'f Arc<SourceFile>,
    index: usize,
}

impl Ctx<'_> {
    fn origin(&self, name: &Text<'_>) -> Origin {
        Origin::new(self.index, name.span())
    }
}

impl ModelBuilder<'_> {
    /// Adds one document: its header, then its definitions one at a time (each syntax tree is
    /// dropped once its model is built). A module declared before is replaced, as in the
    /// reference.
    pub(crate) fn add_document<'a>(
        &mut self,
        file: &Arc<SourceFile>,
        header: &ast::ModuleDecl<'a>,
        imports: &[ast::Import<'a>],
        definitions: impl Iterator<Item = Definition<'a>>,
    ) {
        let index = self.system.files.len();
        self.system.files.push(file.clone());
        let ctx = Ctx { file, index };
        let name = self.interner.name(header.name.text);
        if let Some(previous) = self.system.modules.get(&*name) {
            let prev_file = self.system.files[previous.origin.file()]
                .path()
                .display()
                .to_string();
            self.diagnostics.push(
                Diagnostic::warning(file, header.name.span(), format!("module `{name}` is declared again; this declaration replaces the whole earlier one"))
                    .with_note(format!("the earlier declaration is in {prev_file}; its contents are dropped, as the reference parser drops them")),
            );
        }
        let mut module = Module {
            name: name.clone(),
            version: header.version.text.to_string(),
            comment: None,
            tags: Tags::default(),
            imports: NameMap::default(),
            interfaces: NameMap::default(),
            structs: NameMap::default(),
            enums: NameMap::default(),
            origin: ctx.origin(&header.name),
        };
        (module.comment, module.tags) = self.meta(&ctx, &header.meta);
        for import in imports {
            let version = import.version.text.to_string();
            let imported = self.interner.name(import.name.text);
            if let Some(old) = module.imports.insert(imported, version) {
                self.diagnostics.push(Diagnostic::warning(
                    file,
                    import.name.span(),
                    format!(
                        "module `{}` is imported twice; the last version counts (was {old})",
                        import.name.text
                    ),
                ));
            }
        }
        for definition in definitions {
            match &definition {
                Definition::Interface(decl) => {
                    let value = self.interface(&ctx, decl);
                    self.insert(&ctx, &mut module.interfaces, &decl.name, "interface", value);
                }
                Definition::Struct(decl) => {
                    let value = self.structure(&ctx, decl);
                    self.insert(&ctx, &mut module.structs, &decl.name, "struct", value);
                }
                Definition::Enum(decl) => {
                    let value = self.enumeration(&ctx, decl);
                    let what = if decl.is_flag { "flag" } else { "enum" };
                    self.insert(&ctx, &mut module.enums, &decl.name, what, value);
                }
            }
        }
        self.system.modules.insert(name, module);
    }

    /// Inserts `value` under `name`: a repeated name keeps its first position and takes the new
    /// content, with a warning.
    fn insert<T>(
        &mut self,
        ctx: &Ctx<'_>,
        map: &mut NameMap<T>,
        name: &Text<'_>,
        what: &str,
        value: T,
    ) {
        match map.entry(self.interner.name(name.text)) {
            Entry::Occupied(mut slot) => {
                self.diagnostics.push(
                    Diagnostic::warning(ctx.file, name.span(), format!("{what} `{}` is declared twice", name.text))
                        .with_label("this declaration replaces the earlier one")
                        .with_note("the reference parser keeps the first position and the last content; rename one of them"),
                );
                slot.insert(value);
            }
            Entry::Vacant(slot) => {
                slot.insert(value);
            }
        }
    }

    /// The doc comment and the inline annotations of a declaration.
    fn meta(&mut self, ctx: &Ctx<'_>, meta: &Meta<'_>) -> (Option<String>, Tags) {
        let comment = meta.doc.map(|d| d.text.to_string());
        if meta.tags.is_empty() {
            return (comment, Tags::default());
        }
        let joined;
        let text = if meta.tags.len() == 1 {
            meta.tags.get(0).map_or("", |t| &t.text[1..])
        } else {
            joined = meta
                .tags
                .iter()
                .map(|t| &t.text[1..])
                .collect::<Vec<_>>()
                .join("\n");
            &joined
        };
        if let Some(tags) = self.interner.tags.get(text) {
            return (comment, tags.clone());
        }
        match parse_tag_text(text) {
            Ok(tags) => {
                self.interner.tags.insert(text.to_string(), tags.clone());
                (comment, tags)
            }
            Err(e) => {
                // The error's line is a line of the joined text, that is one of the `@` lines.
                let Some(line) = meta.tags.get(e.line).or_else(|| meta.tags.get(0)) else {
                    return (comment, Tags::default());
                };
                let offset = line.text[1..]
                    .char_indices()
                    .nth(e.column)
                    .map_or(line.text.len(), |(i, _)| i + 1);
                let at = line.start + offset;
                let end = (line.start + line.text.len()).max(at);
                self.diagnostics.push(
                    Diagnostic::error(ctx.file, at..end, e.message)
                        .with_note("annotation lines are joined and read as one YAML document"),
                );
                (comment, Tags::default())
            }
        }
    }

    fn interface(&mut self, ctx: &Ctx<'_>, decl: &ast::InterfaceDecl<'_>) -> Interface {
        let (comment, tags) = self.meta(ctx, &decl.meta);
        let mut interface = Interface {
            name: self.interner.name(decl.name.text),
            comment,
            tags,
            extends: decl.extends.map(|e| e.text.to_string()),
            properties: NameMap::default(),
            operations: NameMap::default(),
            signals: NameMap::default(),
            origin: ctx.origin(&decl.name),
        };
        for member in &decl.members {
            match member {
                Member::Property(p) => {
                    let (comment, tags) = self.meta(ctx, &p.meta);
                    let value = Property {
                        name: self.interner.name(p.name.text),
                        ty: self.type_ref(&p.ty),
                        readonly: p.modifier == Some(ast::Modifier::Readonly),
                        is_const: p.modifier == Some(ast::Modifier::Const),
                        value: p.value.map(|v| decode_default(v.text)),
                        comment,
                        tags,
                        origin: ctx.origin(&p.name),
                    };
                    self.insert(ctx, &mut interface.properties, &p.name, "property", value);
                }
                Member::Operation(o) => {
                    let (comment, tags) = self.meta(ctx, &o.meta);
                    let value = Operation {
                        name: self.interner.name(o.name.text),
                        ty: match &o.ty {
                            Some(ty) => self.type_ref(ty),
                            None => self.simple_type("void", TypeKind::Void),
                        },
                        is_const: o.is_const,
                        parameters: self.parameters(ctx, &o.params),
                        comment,
                        tags,
                        origin: ctx.origin(&o.name),
                    };
                    self.insert(ctx, &mut interface.operations, &o.name, "operation", value);
                }
                Member::Signal(s) => {
                    let (comment, tags) = self.meta(ctx, &s.meta);
                    let value = Signal {
                        name: self.interner.name(s.name.text),
                        parameters: self.parameters(ctx, &s.params),
                        comment,
                        tags,
                        origin: ctx.origin(&s.name),
                    };
                    self.insert(ctx, &mut interface.signals, &s.name, "signal", value);
                }
            }
        }
        // Growth slack of every member map would otherwise stay for the whole run.
        interface.properties.shrink_to_fit();
        interface.operations.shrink_to_fit();
        interface.signals.shrink_to_fit();
        interface
    }

    fn parameters(&mut self, ctx: &Ctx<'_>, params: &[ast::Param<'_>]) -> NameMap<Parameter> {
        let mut map = NameMap::default();
        for p in params {
            let value = Parameter {
                name: self.interner.name(p.name.text),
                ty: self.type_ref(&p.ty),
            };
            self.insert(ctx, &mut map, &p.name, "parameter", value);
        }
        map
    }

    fn structure(&mut self, ctx: &Ctx<'_>, decl: &ast::StructDecl<'_>) -> Struct {
        let (comment, tags) = self.meta(ctx, &decl.meta);
        let mut fields = NameMap::default();
        for f in &decl.fields {
            let (comment, tags) = self.meta(ctx, &f.meta);
            let value = Field {
                name: self.interner.name(f.name.text),
                ty: self.type_ref(&f.ty),
                value: f.value.map(|v| decode_default(v.text)),
                comment,
                tags,
                origin: ctx.origin(&f.name),
            };
            self.insert(ctx, &mut fields, &f.name, "field", value);
        }
        fields.shrink_to_fit();
        Struct {
            name: self.interner.name(decl.name.text),
            comment,
            tags,
            fields,
            origin: ctx.origin(&decl.name),
        }
    }

    /// A type as written, turned into a [`TypeRef`] (names interned).
    fn type_ref(&mut self, ty: &TypeExpr<'_>) -> TypeRef {
        let (name, kind, nested) = match ty {
            TypeExpr::Primitive(t) => (t.text, TypeKind::Primitive, None),
            TypeExpr::Complex(t) => (t.text, TypeKind::Complex, None),
            TypeExpr::List(n) => ("list", TypeKind::List, Some(n)),
            TypeExpr::Map(n) => ("map", TypeKind::Map, Some(n)),
            TypeExpr::Model(n) => ("model", TypeKind::Model, Some(n)),
        };
        TypeRef {
            name: self.interner.name(name),
            kind,
            nested: nested.map(|n| Box::new(self.type_ref(n))),
        }
    }

    fn simple_type(&mut self, name: &str, kind: TypeKind) -> TypeRef {
        TypeRef {
            name: self.interner.name(name),
            kind,
            nested: None,
        }
    }

    /// Enum numbering as the reference does it: a counter from 0 (enum, `+= 1`) or 1 (flag,
    /// `<<= 1`) advances after every member, and an explicit value sets only its own member.
    fn enumeration(&mut self, ctx: &Ctx<'_>, decl: &ast::EnumDecl<'_>) -> Enum {
        let (comment, tags) = self.meta(ctx, &decl.meta);
        let mut members = NameMap::default();
        let mut counter: i128 = i128::from(decl.is_flag);
        for m in &decl.members {
            let (comment, tags) = self.meta(ctx, &m.meta);
            let value = match m.value {
                Some(text) => match parse_int(text.text) {
                    Ok(v) => v,
                    Err(message) => {
                        self.diagnostics
                            .push(Diagnostic::error(ctx.file, text.span(), message));
                        counter
                    }
                },
                None => counter,
            };
            let member = EnumMember {
                name: self.interner.name(m.name.text),
                value,
                comment,
                tags,
                origin: ctx.origin(&m.name),
            };
            self.insert(ctx, &mut members, &m.name, "enum member", member);
            counter = if decl.is_flag {
                counter.checked_mul(2).unwrap_or(0)
            } else {
                counter.saturating_add(1)
            };
        }
        members.shrink_to_fit();
        Enum {
            name: self.interner.name(decl.name.text),
            is_flag: decl.is_flag,
            comment,
            tags,
            members,
            origin: ctx.origin(&decl.name),
        }
    }
}

/// An enum value as Python's `int(text, 0)` reads it: decimal with an optional sign, or `0x`
/// hexadecimal; a decimal with a leading zero (`010`) is refused.
pub(crate) fn parse_int(text: &str) -> Result<i128, String> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let magnitude = if let Some(hex) = digits.strip_prefix("0x") {
        i128::from_str_radix(hex, 16)
    } else {
        if digits.len() > 1 && digits.starts_with('0') && digits.bytes().any(|b| b != b'0') {
            return Err(format!(
                "`{text}`: a decimal value cannot start with 0 (the reference parser silently drops the whole file); write `{}`, or `0x…` for hexadecimal",
                digits.trim_start_matches('0')
            ));
        }
        digits.parse::<i128>()
    };
    let magnitude = magnitude.map_err(|_| format!("`{text}` does not fit in 128 bits"))?;
    Ok(if negative { -magnitude } else { magnitude })
}

/// A default value's string token decoded as the reference decodes it (`unicode_escape` of the
/// text between the quotes): `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t` become their characters,
/// `\/` stays as it is. Non-ASCII text is kept as written (the reference turns it into Latin-1
/// mojibake; that is a deliberate difference).
pub(crate) fn decode_default(token: &str) -> String {
    let inner = &token[1..token.len().saturating_sub(1).max(1)];
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_reads_like_python_int_base_0() {
        assert_eq!(parse_int("5"), Ok(5));
        assert_eq!(parse_int("+2"), Ok(2));
        assert_eq!(parse_int("-1"), Ok(-1));
        assert_eq!(parse_int("00"), Ok(0));
        assert_eq!(parse_int("0x1F"), Ok(31));
        assert_eq!(
            parse_int("0xFFFFFFFFFFFFFFFFFFFF"),
            Ok(0xFFFF_FFFF_FFFF_FFFF_FFFF)
        );
        assert!(parse_int("010").is_err());
        assert!(parse_int("-010").is_err());
    }

    #[test]
    fn defaults_decode_the_grammar_escapes() {
        assert_eq!(decode_default(r#""a\"b\\c""#), "a\"b\\c");
        assert_eq!(decode_default(r#""\/""#), "\\/");
        assert_eq!(decode_default("'x\\ny'"), "x\ny");
        assert_eq!(decode_default("\"\\b\\f\\r\\t\""), "\u{8}\u{c}\r\t");
        assert_eq!(decode_default("\"\""), "");
        assert_eq!(decode_default("\"multi\nline\""), "multi\nline");
    }
}
