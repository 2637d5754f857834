//! The schema-free Qt Remote Objects class of a `.rep` class, in repc's static layout (what a
//! repc replica of it expects on the wire), with its repc signature.

use ifw_build::rep::{self, RepFile};
use ifw_qtro::ClassDefinition;
use ifw_qtro::codec::{MethodDef, PropertyDef, SignalDef};

/// The class named `name` of `file` as a [`ClassDefinition`] in repc's static index order,
/// and its signature.
pub fn definition(file: &RepFile, name: &str) -> Result<(ClassDefinition, String), String> {
    let class = file
        .class(name)
        .ok_or_else(|| format!("no class {name} in the .rep"))?;
    let layout = rep::layout(class);
    let notify = |index: usize| {
        layout
            .signals
            .iter()
            .find(|s| s.notifies == Some(index))
            .map(|s| s.signature.resolve(name))
    };
    let properties = layout
        .properties
        .iter()
        .enumerate()
        .map(|(i, p)| PropertyDef {
            name: p.name.clone(),
            type_name: p.type_name.clone(),
            notify_signature: notify(i),
        })
        .collect();
    let mut custom = class.signals.iter();
    let signals = layout
        .signals
        .iter()
        .map(|s| SignalDef {
            signature: s.signature.resolve(name),
            parameter_names: match s.notifies {
                Some(p) => vec![class.properties[p].name.clone()],
                None => custom.next().map_or_else(Vec::new, |f| {
                    f.params.iter().map(|p| p.plain_name().to_owned()).collect()
                }),
            },
        })
        .collect();
    let mut slots = class.slots.iter();
    let methods = layout
        .methods
        .iter()
        .map(|m| MethodDef {
            signature: m.signature.resolve(name),
            return_type: m.return_type.resolve(name),
            parameter_names: match m.pushes {
                Some(p) => vec![class.properties[p].name.clone()],
                None => slots.next().map_or_else(Vec::new, |f| {
                    f.params.iter().map(|p| p.plain_name().to_owned()).collect()
                }),
            },
        })
        .collect();
    let definition = ClassDefinition {
        type_name: Some(name.to_owned()),
        signals,
        methods,
        properties,
        ..ClassDefinition::default()
    };
    Ok((definition, rep::signature(class, file)))
}
