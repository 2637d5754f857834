//! Composer and resolver: PyYAML's composer (one document, anchors and aliases, node tags).

use std::collections::HashMap;

use super::events::{Ev, Spanned, Style};
use super::resolve::{TAG_MAP, TAG_SEQ, TAG_STR, resolve_implicit};
use super::source::Source;
use super::value::YamlError;

/// A node of the composed document (PyYAML's `ScalarNode`/`SequenceNode`/`MappingNode`).
#[derive(Debug)]
pub(super) struct Node {
    pub(super) tag: String,
    /// Character index of the node's start (its properties, if any).
    pub(super) start: usize,
    pub(super) data: NodeData,
}

#[derive(Debug)]
pub(super) enum NodeData {
    Scalar(String),
    Seq(Vec<usize>),
    Map(Vec<(usize, usize)>),
}

impl NodeData {
    /// PyYAML's `node.id`.
    pub(super) fn kind(&self) -> &'static str {
        match self {
            NodeData::Scalar(_) => "scalar",
            NodeData::Seq(_) => "sequence",
            NodeData::Map(_) => "mapping",
        }
    }
}

/// An open collection while composing, with a key waiting for its value.
struct Frame {
    node: usize,
    pending_key: Option<usize>,
}

/// Composes the single document of the stream into nodes; `None` for an empty stream.
pub(super) fn compose(
    src: &Source,
    events: &[Spanned],
) -> Result<Option<(Vec<Node>, usize)>, YamlError> {
    let mut nodes: Vec<Node> = Vec::new();
    let mut anchors: HashMap<usize, usize> = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut root = None;
    let mut documents = 0;
    for event in events {
        let finished = match &event.ev {
            Ev::StreamStart | Ev::DocEnd => None,
            Ev::StreamEnd => break,
            Ev::DocStart => {
                documents += 1;
                if documents > 1 {
                    return Err(src.error(
                        event.start,
                        "expected a single document in the stream, but found another document",
                    ));
                }
                None
            }
            Ev::Alias(id) => match anchors.get(id) {
                Some(&node) => Some(node),
                None => return Err(src.error(event.start, "found undefined alias")),
            },
            Ev::Scalar {
                value,
                style,
                anchor,
                tag,
            } => {
                let tag = scalar_tag(value, *style, tag.as_deref());
                let mut value = value.clone();
                if *style == Style::Block
                    && ends_in_partial_line(src, event.end)
                    && value.ends_with('\n')
                {
                    // libyaml adds the final line break only when the line has one (saphyr
                    // adds it at the end of the stream too).
                    value.pop();
                }
                nodes.push(Node {
                    tag,
                    start: event.start,
                    data: NodeData::Scalar(value),
                });
                let index = nodes.len() - 1;
                if *anchor != 0 {
                    anchors.insert(*anchor, index);
                }
                Some(index)
            }
            Ev::SeqStart { anchor, tag } | Ev::MapStart { anchor, tag } => {
                let is_seq = matches!(event.ev, Ev::SeqStart { .. });
                let (default, data) = if is_seq {
                    (TAG_SEQ, NodeData::Seq(Vec::new()))
                } else {
                    (TAG_MAP, NodeData::Map(Vec::new()))
                };
                let tag = match tag.as_deref() {
                    None | Some("!") => default.to_string(),
                    Some(tag) => tag.to_string(),
                };
                nodes.push(Node {
                    tag,
                    start: event.start,
                    data,
                });
                let index = nodes.len() - 1;
                // Registered before the children, like PyYAML's composer.
                if *anchor != 0 {
                    anchors.insert(*anchor, index);
                }
                stack.push(Frame {
                    node: index,
                    pending_key: None,
                });
                None
            }
            Ev::SeqEnd | Ev::MapEnd => stack.pop().map(|frame| frame.node),
        };
        if let Some(child) = finished {
            attach(&mut nodes, &mut stack, &mut root, child);
        }
    }
    Ok(root.map(|root| (nodes, root)))
}

/// True when `end` is the end of a text whose last line has no line break.
fn ends_in_partial_line(src: &Source, end: usize) -> bool {
    let len = src.chars.len();
    end >= len
        && src
            .at(len.wrapping_sub(1))
            .is_some_and(|c| c != '\n' && c != '\r')
}

/// Adds a finished node to the open collection, or makes it the root.
fn attach(nodes: &mut [Node], stack: &mut [Frame], root: &mut Option<usize>, child: usize) {
    let Some(frame) = stack.last_mut() else {
        *root = Some(child);
        return;
    };
    let Some(parent) = nodes.get_mut(frame.node) else {
        return;
    };
    match &mut parent.data {
        NodeData::Seq(items) => items.push(child),
        NodeData::Map(pairs) => match frame.pending_key.take() {
            None => frame.pending_key = Some(child),
            Some(key) => pairs.push((key, child)),
        },
        NodeData::Scalar(_) => {}
    }
}

/// The tag of a scalar node: libyaml marks a scalar "plain implicit" when it is plain and
/// untagged or tagged with the non-specific `!`; those go through the implicit resolvers.
fn scalar_tag(value: &str, style: Style, tag: Option<&str>) -> String {
    match tag {
        // An empty node with properties is no scalar token: libyaml does not mark it
        // implicit, so `!` alone gives the empty string.
        Some("!") if value.is_empty() && style == Style::Plain => TAG_STR.to_string(),
        Some("!") => resolve_implicit(value).to_string(),
        None if style == Style::Plain => resolve_implicit(value).to_string(),
        None => TAG_STR.to_string(),
        Some(tag) => tag.to_string(),
    }
}
