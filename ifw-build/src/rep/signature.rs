//! repc's class signature: the SHA1 a static replica and its source compare on connection.
//!
//! repc hashes each declaration when its parser reduces it and stores the hex digest under the
//! declaration's type name (`Name`, or `Class::Name` for class enums, flags and models). A later
//! type that mentions a known name hashes that digest instead of the name, so the result depends
//! on file order: a POD used by a class before the POD is declared hashes as its bare name. Here
//! the same table is rebuilt by replaying the file's declarations in source order.
//!
//! `#include`s and other `.rep` files are never followed: a type the file does not define hashes
//! as its name, exactly as in repc.

use std::collections::HashMap;

use sha1_smol::Sha1;

use super::schema::{Class, Enum, Flag, Function, Pod, RepFile};

/// The signature of `class` as repc computes it for `file` (40 lower-case hex digits).
///
/// Only declarations before the class count, as in repc; `class` need not be one of
/// `file.classes` (its position is taken from its span).
///
/// ```
/// let file = ifw_build::rep::parse("class Empty\n{\n}\n")?;
/// // An empty class hashes only its name.
/// assert_eq!(ifw_build::rep::signature(&file.classes[0], &file), "3159fe421b3221381b3c778dc1c3c26e4540be37");
/// # Ok::<(), ifw_build::rep::RepError>(())
/// ```
pub fn signature(class: &Class, file: &RepFile) -> String {
    let mut table = TypeTable::default();
    table.replay(file, Some(class.span.offset));
    table.class(class)
}

/// The signatures of all classes of `file`, in the order of [`RepFile::classes`].
pub fn signatures(file: &RepFile) -> Vec<String> {
    let mut table = TypeTable::default();
    table.replay(file, None)
}

/// A declaration that adds to the table, in source order.
enum Declaration<'a> {
    Enum(&'a Enum, &'a str),
    Flag(&'a Flag, &'a str),
    Pod(&'a Pod),
    Class(&'a Class),
}

/// repc's `AST::typeSignatures`: type name → hex SHA1.
#[derive(Default)]
struct TypeTable {
    signatures: HashMap<String, String>,
}

impl TypeTable {
    /// Registers every top-level declaration that starts before `limit` (all when `None`), and
    /// returns the signatures of the classes registered, in file order.
    fn replay(&mut self, file: &RepFile, limit: Option<usize>) -> Vec<String> {
        let mut declarations: Vec<(usize, Declaration<'_>)> = Vec::new();
        declarations.extend(
            file.enums
                .iter()
                .map(|e| (e.span.offset, Declaration::Enum(e, ""))),
        );
        declarations.extend(
            file.flags
                .iter()
                .map(|f| (f.span.offset, Declaration::Flag(f, ""))),
        );
        declarations.extend(
            file.pods
                .iter()
                .map(|p| (p.span.offset, Declaration::Pod(p))),
        );
        declarations.extend(
            file.classes
                .iter()
                .map(|c| (c.span.offset, Declaration::Class(c))),
        );
        declarations.sort_by_key(|(offset, _)| *offset);
        let mut classes = Vec::new();
        for (offset, declaration) in declarations {
            if limit.is_some_and(|limit| offset >= limit) {
                break;
            }
            match declaration {
                Declaration::Enum(e, scope) => self.enumeration(e, scope),
                Declaration::Flag(f, scope) => self.flag(f, scope),
                Declaration::Pod(p) => self.pod(p),
                Declaration::Class(c) => classes.push(self.class(c)),
            }
        }
        classes
    }

    fn insert(&mut self, key: String, hasher: &Sha1) -> String {
        let hex = hasher.digest().to_string();
        self.signatures.insert(key, hex.clone());
        hex
    }

    fn get(&self, key: &str) -> &[u8] {
        self.signatures.get(key).map_or(&[], |s| s.as_bytes())
    }

    /// `ASTEnum::signature_impl`: name, `class` if scoped, the underlying type, then each
    /// enumerator's name and decimal value. Class enums are stored as `Class::Enum`.
    fn enumeration(&mut self, e: &Enum, scope: &str) {
        let mut h = Sha1::new();
        h.update(&latin1(&e.name));
        if e.scoped {
            h.update(b"class");
        }
        if let Some(underlying) = e.underlying_type.as_deref().filter(|t| !t.is_empty()) {
            h.update(&latin1(underlying));
        }
        for value in &e.values {
            h.update(&latin1(&value.name));
            h.update(value.value.to_string().as_bytes());
        }
        self.insert(scoped_name(scope, &e.name), &h);
    }

    /// `ASTFlag::signature_impl`: name, then the type data of its enum.
    fn flag(&mut self, f: &Flag, scope: &str) {
        let mut h = Sha1::new();
        h.update(&latin1(&f.name));
        h.update(&self.type_data(&f.enum_name, scope));
        self.insert(scoped_name(scope, &f.name), &h);
    }

    /// `POD::signature_impl`, after the POD's own enums (unscoped, as repc leaves them) and
    /// flags (scoped by the POD).
    fn pod(&mut self, pod: &Pod) {
        let mut inner: Vec<(usize, Declaration<'_>)> = Vec::new();
        inner.extend(
            pod.enums
                .iter()
                .map(|e| (e.span.offset, Declaration::Enum(e, ""))),
        );
        inner.extend(
            pod.flags
                .iter()
                .map(|f| (f.span.offset, Declaration::Flag(f, &pod.name))),
        );
        self.inner(inner);
        let mut h = Sha1::new();
        h.update(&latin1(&pod.name));
        for member in &pod.members {
            h.update(&latin1(&member.name));
            h.update(&self.type_data(&member.type_name, &pod.name));
        }
        self.insert(pod.name.clone(), &h);
    }

    fn inner(&mut self, mut declarations: Vec<(usize, Declaration<'_>)>) {
        declarations.sort_by_key(|(offset, _)| *offset);
        for (_, declaration) in declarations {
            match declaration {
                Declaration::Enum(e, scope) => self.enumeration(e, scope),
                Declaration::Flag(f, scope) => self.flag(f, scope),
                Declaration::Pod(_) | Declaration::Class(_) => {}
            }
        }
    }

    /// `ASTClass::signature_impl`, after the class's enums, flags and models.
    fn class(&mut self, class: &Class) -> String {
        let scope = class.name.as_str();
        let mut inner: Vec<(usize, Declaration<'_>)> = Vec::new();
        inner.extend(
            class
                .enums
                .iter()
                .map(|e| (e.span.offset, Declaration::Enum(e, scope))),
        );
        inner.extend(
            class
                .flags
                .iter()
                .map(|f| (f.span.offset, Declaration::Flag(f, scope))),
        );
        self.inner(inner);
        for model in &class.models {
            // `ASTModel::signature_impl`: the sorted roles joined by `_`.
            let mut roles: Vec<Vec<u8>> = model.roles.iter().map(|r| latin1(r)).collect();
            roles.sort();
            let mut h = Sha1::new();
            h.update(&roles.join(&b'_'));
            self.insert(scoped_name(scope, &model.name), &h);
        }

        let mut h = Sha1::new();
        h.update(&latin1(&class.name));
        let mut models = class.models.iter();
        for (index, property) in class.properties.iter().enumerate() {
            h.update(&latin1(&property.name));
            // repc tests the type text, not the entry kind: any `QAbstractItemModel` property
            // takes the next model's signature.
            if property.type_name == "QAbstractItemModel" {
                let key = models
                    .next()
                    .map(|m| scoped_name(scope, &m.name))
                    .unwrap_or_default();
                h.update(self.get(&key));
            } else if class.sub_classes.iter().any(|s| s.property_index == index) {
                h.update(self.get(&property.type_name));
            } else {
                h.update(&self.type_data(&property.type_name, scope));
            }
            h.update(&property.modifier.signature_value().to_le_bytes());
        }
        h.update(&self.functions_data(&class.signals, scope));
        h.update(&self.functions_data(&class.slots, scope));
        self.insert(class.name.clone(), &h)
    }

    /// `AST::typeData`: what a type contributes to a hash. Templates contribute each name in
    /// them; a name declared in the class scope or globally contributes its signature; an unknown
    /// qualified name is retried without its leading scopes; anything else is its own text.
    fn type_data(&self, type_name: &str, class_name: &str) -> Vec<u8> {
        if type_name.contains('<') {
            return type_name
                .split(|c: char| matches!(c, '<' | '>' | ',') || super::lex::pcre_space(c))
                .filter(|part| !part.is_empty())
                .flat_map(|part| self.type_data(part, class_name))
                .collect();
        }
        let mut name = type_name;
        loop {
            if !class_name.is_empty()
                && let Some(signature) = self.signatures.get(&format!("{class_name}::{name}"))
            {
                return signature.as_bytes().to_vec();
            }
            if let Some(signature) = self.signatures.get(name) {
                return signature.as_bytes().to_vec();
            }
            match name.rfind("::") {
                Some(pos) if pos > 0 => name = &name[pos + 2..],
                _ => return latin1(name),
            }
        }
    }

    /// `AST::functionsData`: per function its name, per parameter its name, type data and
    /// qualifier flags (little-endian `int`), then the return type's data.
    fn functions_data(&self, functions: &[Function], class_name: &str) -> Vec<u8> {
        let mut data = Vec::new();
        for function in functions {
            data.extend(latin1(&function.name));
            for param in &function.params {
                data.extend(latin1(&param.name));
                data.extend(self.type_data(&param.type_name, class_name));
                data.extend(param.variable_type().to_le_bytes());
            }
            data.extend(self.type_data(&function.return_type, class_name));
        }
        data
    }
}

fn scoped_name(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_owned()
    } else {
        format!("{scope}::{name}")
    }
}

/// `QString::toLatin1`: characters above U+00FF become `?`.
fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse;
    use super::*;

    fn sha1_hex(data: &[u8]) -> String {
        Sha1::from(data).digest().to_string()
    }

    #[test]
    fn empty_class_hashes_its_name() -> Result<(), super::super::RepError> {
        let file = parse("class TestInterface\n{\n};\n")?;
        assert_eq!(
            signature(&file.classes[0], &file),
            "f19325e1d3b9b52e20278c42b98bc6489c3663d5"
        );
        assert_eq!(
            sha1_hex(b"TestInterface"),
            "f19325e1d3b9b52e20278c42b98bc6489c3663d5"
        );
        Ok(())
    }

    #[test]
    fn property_layout_of_the_hash() -> Result<(), super::super::RepError> {
        let file = parse(
            "class Car\n{\n    PROP(int speed READONLY)\n    SLOT(bool go(const QString &to))\n}\n",
        )?;
        let mut data = b"Car".to_vec();
        data.extend(b"speed");
        data.extend(b"int");
        data.extend(1i32.to_le_bytes());
        data.extend(b"go");
        data.extend(b"to");
        data.extend(b"QString");
        data.extend(3i32.to_le_bytes());
        data.extend(b"bool");
        assert_eq!(signature(&file.classes[0], &file), sha1_hex(&data));
        Ok(())
    }

    #[test]
    fn types_declared_later_hash_as_names() -> Result<(), super::super::RepError> {
        let before = parse("POD Pt(int i)\nclass Cl\n{\n    PROP(Pt p)\n}\n")?;
        let after = parse("class Cl\n{\n    PROP(Pt p)\n}\nPOD Pt(int i)\n")?;
        let unknown = parse("class Cl\n{\n    PROP(Pt p)\n}\n")?;
        assert_ne!(signatures(&before), signatures(&after));
        assert_eq!(signatures(&after), signatures(&unknown));
        Ok(())
    }

    #[test]
    fn type_data_strips_unknown_scopes_and_splits_templates() {
        let mut table = TypeTable::default();
        table.signatures.insert("E".into(), "e".repeat(40));
        table.signatures.insert("C::F".into(), "f".repeat(40));
        assert_eq!(table.type_data("ns::E", ""), "e".repeat(40).into_bytes());
        assert_eq!(table.type_data("F", "C"), "f".repeat(40).into_bytes());
        assert_eq!(
            table.type_data("QMap<QString, ns::E>", "C"),
            [b"QMapQString".to_vec(), "e".repeat(40).into_bytes()].concat()
        );
        assert_eq!(table.type_data("::X", ""), b"::X".to_vec());
    }
}
