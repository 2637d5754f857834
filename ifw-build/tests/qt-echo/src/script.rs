//! The script both sides follow, as the Qt Remote Objects values that travel: the A values a
//! source starts with, the B values it changes to, the C values a replica pushes, the signals, and
//! the operation calls with how each is answered. `cpp/echo_peer.cpp` holds the same script in C++.
//!
//! How Qt sends them (each checked against a real Qt source by the test): Qt IF's structs are
//! gadgets with typed fields ([`Gadget::typed`]): an enum or flag field is a `quint32`, a `var`
//! field a whole `QVariant`; enum and flag properties and arguments travel as `int` (QtRO's
//! `encodeVariant` turns every enum into an integer of its size).

use ifw_qtro::codec::GadgetDef;
use ifw_qtro::{Gadget, TypeRegistry, Value};

/// The remoted name: `<module>.<Interface>`, as Qt IF's servers remote it.
pub const ECHO_NAME: &str = "org.example.echomodule.Echo";

/// A property's values in the script; `pushed` is `None` for a read-only property.
#[derive(Debug, Clone)]
pub struct Prop {
    /// The property name.
    pub name: &'static str,
    /// The source's initial value.
    pub initial: Value,
    /// What the source changes it to.
    pub changed: Value,
    /// What the replica pushes.
    pub pushed: Option<Value>,
}

/// `Contact` A, B or C.
pub fn contact(set: char) -> Value {
    let (name, age, married, data) = match set {
        'a' => ("Antti", 34, true, Value::Int(7)),
        'b' => ("Bea", 41, false, Value::from("x")),
        _ => ("Cid", 1, true, Value::Invalid),
    };
    Value::Gadget(Gadget::typed(
        "Contact",
        [
            ("name", Value::from(name)),
            ("age", Value::Int(age)),
            ("isMarried", Value::Bool(married)),
            ("additionalData", Value::Variant(Box::new(data))),
        ],
    ))
}

/// `Combo` A (Friday), B (Monday) or C (Wednesday).
pub fn combo(set: char) -> Value {
    let day = match set {
        'a' => 5,
        'b' => 1,
        _ => 3,
    };
    Value::Gadget(Gadget::typed(
        "Combo",
        [("contactInfo", contact(set)), ("day", Value::UInt(day))],
    ))
}

fn only_a_string(s: &str) -> Value {
    Value::Gadget(Gadget::typed(
        "OnlyAStringInAStruct",
        [("myString", Value::from(s))],
    ))
}

fn ints(items: &[i32]) -> Value {
    Value::List(items.iter().map(|i| Value::Int(*i)).collect())
}

/// Every property of `Echo`, in `.rep` order.
pub fn props() -> Vec<Prop> {
    let p = |name, initial, changed, pushed: Option<Value>| Prop {
        name,
        initial,
        changed,
        pushed,
    };
    vec![
        p(
            "lastMessage",
            "hello".into(),
            "last from source".into(),
            None,
        ),
        p(
            "intValue",
            Value::Int(42),
            Value::Int(-7),
            Some(Value::Int(1000)),
        ),
        p(
            "varValue",
            "var-a".into(),
            Value::Int(5),
            Some(Value::Double(2.5)),
        ),
        p(
            "echoEnabled",
            Value::Bool(true),
            Value::Bool(false),
            Some(Value::Bool(true)),
        ),
        p(
            "floatValue1",
            Value::Double(1.5),
            Value::Double(-2.25),
            Some(Value::Double(100.125)),
        ),
        p(
            "floatValue2",
            Value::Double(2.5),
            Value::Double(3.75),
            Some(Value::Double(-0.5)),
        ),
        p(
            "stringValue",
            "str-a".into(),
            "str-b".into(),
            Some("str-c".into()),
        ),
        p("contact", contact('a'), contact('b'), Some(contact('c'))),
        p("combo", combo('a'), combo('b'), Some(combo('c'))),
        p("intList", ints(&[1, 2, 3]), ints(&[]), Some(ints(&[10]))),
        p(
            "comboList",
            Value::List(vec![combo('a'), combo('b')]),
            Value::List(vec![combo('c')]),
            Some(Value::List(vec![])),
        ),
        // DaysOfTheWeek: Tuesday, Thursday, Friday.
        p("weekDay", Value::Int(2), Value::Int(4), Some(Value::Int(5))),
        // TestEnum: SecondEnumValue, FirstEnumValue, SecondEnumValue.
        p(
            "testEnum",
            Value::Int(2),
            Value::Int(1),
            Some(Value::Int(2)),
        ),
        p(
            "UPPERCASEPROPERTY",
            Value::Double(3.5),
            Value::Double(4.5),
            Some(Value::Double(5.5)),
        ),
        p(
            "stringInAStructProperty",
            only_a_string("Hello Qt"),
            only_a_string("changed"),
            Some(only_a_string("pushed")),
        ),
    ]
}

/// The signals a source emits after changing its properties, with their arguments.
pub fn signals() -> Vec<(&'static str, Vec<Value>)> {
    vec![
        (
            "anotherChanged",
            vec![Value::Gadget(Gadget::typed(
                "AnotherStruct",
                [("justANumber", Value::Int(77))],
            ))],
        ),
        ("foobar", vec!["foo!".into()]),
        ("somethingHappened", vec![]),
        ("newValueAvailable", vec!["new-value".into()]),
    ]
}

/// How a source answers a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The value in the reply.
    Immediate,
    /// A pending result in the reply, then `pendingResultAvailable(id, true, value)`.
    Deferred,
    /// A failed pending result in the reply.
    Failed,
    /// A pending result in the reply, then `pendingResultAvailable(id, false, …)`.
    DeferredFailure,
}

/// One call of the script: a check name, the operation, its arguments, how it is answered and
/// the value (invalid for `void`).
#[derive(Debug, Clone)]
pub struct ScriptCall {
    /// The check's name, `call.<op>.<how>`.
    pub check: &'static str,
    /// The operation.
    pub op: &'static str,
    /// The arguments.
    pub args: Vec<Value>,
    /// How the source answers.
    pub outcome: Outcome,
    /// The result.
    pub value: Value,
}

/// The calls a replica makes, in order. A source answers the first call of an operation at
/// once and later ones deferred; `voidSlot2` with a negative argument fails at once; `timer` is
/// always deferred and fails for a negative interval.
pub fn calls() -> Vec<ScriptCall> {
    use Outcome::{Deferred, DeferredFailure, Failed, Immediate};
    let c = |check, op, args: Vec<Value>, outcome, value| ScriptCall {
        check,
        op,
        args,
        outcome,
        value,
    };
    vec![
        c(
            "call.echo.immediate",
            "echo",
            vec!["ping-1".into()],
            Immediate,
            "ping-1".into(),
        ),
        c(
            "call.echo.deferred",
            "echo",
            vec!["ping-2".into()],
            Deferred,
            "ping-2".into(),
        ),
        c("call.id.immediate", "id", vec![], Immediate, "id123".into()),
        c("call.id.deferred", "id", vec![], Deferred, "id123".into()),
        c(
            "call.getCombo.immediate",
            "getCombo",
            vec![],
            Immediate,
            combo('a'),
        ),
        c(
            "call.getCombo.deferred",
            "getCombo",
            vec![],
            Deferred,
            combo('a'),
        ),
        c(
            "call.voidSlot.immediate",
            "voidSlot",
            vec![],
            Immediate,
            Value::Invalid,
        ),
        c(
            "call.voidSlot.deferred",
            "voidSlot",
            vec![],
            Deferred,
            Value::Invalid,
        ),
        c(
            "call.voidSlot2.immediate",
            "voidSlot2",
            vec![Value::Int(5)],
            Immediate,
            Value::Invalid,
        ),
        c(
            "call.voidSlot2.deferred",
            "voidSlot2",
            vec![Value::Int(6)],
            Deferred,
            Value::Invalid,
        ),
        c(
            "call.voidSlot2.failed",
            "voidSlot2",
            vec![Value::Int(-1)],
            Failed,
            Value::Invalid,
        ),
        c(
            "call.timer.deferred",
            "timer",
            vec![Value::Int(20)],
            Deferred,
            Value::Invalid,
        ),
        c(
            "call.timer.failed",
            "timer",
            vec![Value::Int(-1)],
            DeferredFailure,
            Value::Invalid,
        ),
        // AirflowDirections: Dashboard | Floor, then Windshield.
        c(
            "call.flagMethod.immediate",
            "flagMethod",
            vec![Value::Int(6)],
            Immediate,
            Value::Int(6),
        ),
        c(
            "call.flagMethod.deferred",
            "flagMethod",
            vec![Value::Int(1)],
            Deferred,
            Value::Int(1),
        ),
        // TestEnum: SecondEnumValue, then FirstEnumValue.
        c(
            "call.enumMethod.immediate",
            "enumMethod",
            vec![Value::Int(2)],
            Immediate,
            Value::Int(2),
        ),
        c(
            "call.enumMethod.deferred",
            "enumMethod",
            vec![Value::Int(1)],
            Deferred,
            Value::Int(1),
        ),
    ]
}

/// The name of the pending-result gadget Qt IF's operations answer when they defer.
pub const PENDING_RESULT: &str = "QIfRemoteObjectsPendingResult";

/// A pending result `{id, failed}`: a repc-style gadget (one `QVariant` per field).
pub fn pending_result(id: u64, failed: bool) -> Value {
    Value::Gadget(Gadget::new(
        PENDING_RESULT,
        [
            ("id", Value::ULongLong(id)),
            ("failed", Value::Bool(failed)),
        ],
    ))
}

/// The gadgets a node or host of `Echo` must know to decode what travels.
pub fn types() -> TypeRegistry {
    let mut types = TypeRegistry::new();
    types
        .register_gadget(GadgetDef::typed(
            "Contact",
            [
                ("name", "QString"),
                ("age", "int"),
                ("isMarried", "bool"),
                ("additionalData", "QVariant"),
            ],
        ))
        .register_gadget(GadgetDef::typed(
            "Combo",
            [("contactInfo", "Contact"), ("day", "quint32")],
        ))
        .register_gadget(GadgetDef::typed("AnotherStruct", [("justANumber", "int")]))
        .register_gadget(GadgetDef::typed(
            "OnlyAStringInAStruct",
            [("myString", "QString")],
        ))
        .register_gadget(GadgetDef::new(
            PENDING_RESULT,
            [("id", "quint64"), ("failed", "bool")],
        ));
    types
}
