//! The canonical JSON dump of a model: the same keys, values and list order as the reference
//! oracle (`shared/oracle/dump.py --resolve`), so the two can be compared file by file.

use serde_json::{Map, Number, Value, json};

use super::{Module, NameMap, Parameter, System, Tags, TypeKind, TypeRef};

/// The whole system as the oracle prints it: `{"modules": [...], "tags": {...}}`.
pub fn dump(system: &System) -> Value {
    let modules: Vec<Value> = system.modules.values().map(|m| module(system, m)).collect();
    json!({ "modules": modules, "tags": system.tags.to_json() })
}

fn module(system: &System, m: &Module) -> Value {
    let ty = |t: &TypeRef| type_ref(system, m, t);
    let params = |ps: &NameMap<Parameter>| -> Vec<Value> {
        ps.values()
            .map(|p| json!({ "name": &*p.name, "type": ty(&p.ty) }))
            .collect()
    };
    let interfaces: Vec<Value> = m
        .interfaces
        .values()
        .map(|i| {
            let properties: Vec<Value> = i
                .properties
                .values()
                .map(|p| {
                    let mut o = base(&p.name, &p.comment, &p.tags);
                    o.insert("type".into(), ty(&p.ty));
                    o.insert("readonly".into(), p.readonly.into());
                    o.insert("const".into(), p.is_const.into());
                    o.insert("value".into(), json!(p.value));
                    Value::Object(o)
                })
                .collect();
            let operations: Vec<Value> = i
                .operations
                .values()
                .map(|op| {
                    let mut o = base(&op.name, &op.comment, &op.tags);
                    o.insert("type".into(), ty(&op.ty));
                    o.insert("const".into(), op.is_const.into());
                    o.insert("parameters".into(), params(&op.parameters).into());
                    Value::Object(o)
                })
                .collect();
            let signals: Vec<Value> = i
                .signals
                .values()
                .map(|s| {
                    let mut o = base(&s.name, &s.comment, &s.tags);
                    o.insert("parameters".into(), params(&s.parameters).into());
                    Value::Object(o)
                })
                .collect();
            let mut o = base(&i.name, &i.comment, &i.tags);
            o.insert("qualified_name".into(), m.qualify(&i.name).into());
            o.insert("extends".into(), json!(i.extends));
            o.insert("properties".into(), properties.into());
            o.insert("operations".into(), operations.into());
            o.insert("signals".into(), signals.into());
            Value::Object(o)
        })
        .collect();
    let structs: Vec<Value> = m
        .structs
        .values()
        .map(|s| {
            let fields: Vec<Value> = s
                .fields
                .values()
                .map(|f| {
                    let mut o = base(&f.name, &f.comment, &f.tags);
                    o.insert("type".into(), ty(&f.ty));
                    o.insert("value".into(), json!(f.value));
                    Value::Object(o)
                })
                .collect();
            let mut o = base(&s.name, &s.comment, &s.tags);
            o.insert("qualified_name".into(), m.qualify(&s.name).into());
            o.insert("fields".into(), fields.into());
            Value::Object(o)
        })
        .collect();
    let enums: Vec<Value> = m
        .enums
        .values()
        .map(|e| {
            let members: Vec<Value> = e
                .members
                .values()
                .map(|mem| {
                    let mut o = base(&mem.name, &mem.comment, &mem.tags);
                    o.insert("value".into(), integer(mem.value));
                    Value::Object(o)
                })
                .collect();
            let mut o = base(&e.name, &e.comment, &e.tags);
            o.insert("qualified_name".into(), m.qualify(&e.name).into());
            o.insert(
                "kind".into(),
                if e.is_flag { "flag" } else { "enum" }.into(),
            );
            o.insert("members".into(), members.into());
            Value::Object(o)
        })
        .collect();
    let imports: Vec<Value> = m
        .imports
        .iter()
        .map(|(name, version)| json!({ "name": &**name, "version": version }))
        .collect();
    let mut o = base(&m.name, &m.comment, &m.tags);
    o.insert("version".into(), m.version.clone().into());
    o.insert("imports".into(), imports.into());
    o.insert("interfaces".into(), interfaces.into());
    o.insert("structs".into(), structs.into());
    o.insert("enums".into(), enums.into());
    Value::Object(o)
}

/// `name`, `comment` (raw text or null) and `tags`.
fn base(name: &str, comment: &Option<String>, tags: &Tags) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert("name".into(), name.into());
    o.insert(
        "comment".into(),
        comment.as_deref().filter(|c| !c.is_empty()).into(),
    );
    o.insert("tags".into(), tags.to_json());
    o
}

/// `{name, kind, nested?, ref?}`; `ref` only for complex types.
fn type_ref(system: &System, module: &Module, t: &TypeRef) -> Value {
    let kind = match t.kind {
        TypeKind::Void => "void",
        TypeKind::Primitive => "primitive",
        TypeKind::Complex => "complex",
        TypeKind::List => "list",
        TypeKind::Map => "map",
        TypeKind::Model => "model",
    };
    let mut o = Map::new();
    o.insert("name".into(), t.name.as_ref().into());
    o.insert("kind".into(), kind.into());
    if let Some(nested) = &t.nested {
        o.insert("nested".into(), type_ref(system, module, nested));
    }
    if t.kind == TypeKind::Complex {
        let reference = system.resolve_type(module, &t.name).map(
            |s| json!({ "qualified_name": system.qualified_name(s), "kind": system.kind_of(s) }),
        );
        o.insert("ref".into(), reference.unwrap_or(Value::Null));
    }
    Value::Object(o)
}

/// An integer of any size as a JSON number.
fn integer(v: i128) -> Value {
    if let Ok(small) = i64::try_from(v) {
        return small.into();
    }
    v.to_string()
        .parse::<Number>()
        .map_or(Value::Null, Value::Number)
}
