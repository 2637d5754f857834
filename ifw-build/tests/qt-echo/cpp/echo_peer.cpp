// The Qt 6 side of tests/echo_qt.rs, built with repc from the `echo.rep` ifw emits for Qt IF's
// `org.example.echo.qface`, and with the struct and enum headers the harness generates in Qt IF's
// style (cpp.rs). One line per event on stdout; commands on stdin, so the Rust test sets the pace.
// It exits on "quit", on stdin EOF and after a hard time limit.
//
//   echo_peer replica <url>   acquires `org.example.echomodule.Echo` (repc EchoReplica) and checks it:
//                             at init every property has its A value; stdin "changes": every
//                             property changed to B and every signal came; "push": pushes C to
//                             every writable property and sees it come back; "calls": calls every
//                             operation, immediate, deferred and failing, as Qt IF's backend does.
//                             Prints "check <name> ok <received type>" or "check <name> FAIL <why>",
//                             then "phase <name>" when a step is done.
//   echo_peer source <url>    remotes an EchoSimpleSource holding the A values; stdin "change": sets B
//                             everywhere and emits every signal. Operations answer their first call
//                             at once and later calls deferred through pendingResultAvailable, like
//                             Qt IF's tests/auto/core/ifcodegen/backends/server_qtro/echoservice.cpp.
//   echo_peer model-replica <url>  acquires the `contactList` model (repc QIfPagingModelReplica under
//                             `org.example.echomodule.Echo.contactList`) as Qt IF's frontend does:
//                             registers a UUID, fetches rows 0..30; prints "model count <n>",
//                             "model fetched start=<s> more=<0/1> rows=<names>" and, for changes,
//                             "model changed start=<s> count=<n> rows=<names>".
//   echo_peer model-source <url>   remotes a QIfPagingModelSource holding the contacts A, B, C, as
//                             Qt IF's simulation model backend answers; stdin "insert": inserts
//                             contact C at row 1.
#include <QtCore>
#include <QtRemoteObjects>
#include <cstdio>
#include <functional>
#include <unistd.h>
#include "echomoduletypes.h"
#include "pendingresult.h"
#include "rep_echo_merged.h"
#include "rep_qifpagingmodel_merged.h"

static const QString kName = QStringLiteral("org.example.echomodule.Echo");

static void say(const QString &line)
{
    std::fprintf(stdout, "%s\n", line.toUtf8().constData());
    std::fflush(stdout);
}

// ---- The script: A (initial values), B (set by the source), C (pushed by the replica). ----

static Contact scriptContact(char set)
{
    switch (set) {
    case 'a': return Contact(QStringLiteral("Antti"), 34, true, QVariant(7));
    case 'b': return Contact(QStringLiteral("Bea"), 41, false, QVariant(QStringLiteral("x")));
    default: return Contact(QStringLiteral("Cid"), 1, true, QVariant());
    }
}

static Combo scriptCombo(char set)
{
    switch (set) {
    case 'a': return Combo(scriptContact('a'), Echomodule::Friday);
    case 'b': return Combo(scriptContact('b'), Echomodule::Monday);
    default: return Combo(scriptContact('c'), Echomodule::Wednesday);
    }
}

template <typename T> static QVariant v(const T &value) { return QVariant::fromValue(value); }

struct Prop {
    QByteArray name;
    QVariant a, b, c; // c is invalid for a READONLY property
};

static QList<Prop> props()
{
    using E = Echomodule;
    const auto str = [](const char *s) { return QVariant(QString::fromUtf8(s)); };
    return {
        {"lastMessage", str("hello"), str("last from source"), QVariant()},
        {"intValue", 42, -7, 1000},
        {"varValue", str("var-a"), 5, 2.5},
        {"echoEnabled", true, false, true},
        {"floatValue1", 1.5, -2.25, 100.125},
        {"floatValue2", 2.5, 3.75, -0.5},
        {"stringValue", str("str-a"), str("str-b"), str("str-c")},
        {"contact", v(scriptContact('a')), v(scriptContact('b')), v(scriptContact('c'))},
        {"combo", v(scriptCombo('a')), v(scriptCombo('b')), v(scriptCombo('c'))},
        {"intList", QVariantList{1, 2, 3}, QVariantList{}, QVariantList{10}},
        {"comboList", QVariantList{v(scriptCombo('a')), v(scriptCombo('b'))}, QVariantList{v(scriptCombo('c'))}, QVariantList{}},
        {"weekDay", v(E::DaysOfTheWeek(E::Tuesday)), v(E::DaysOfTheWeek(E::Thursday)), v(E::DaysOfTheWeek(E::Friday))},
        {"testEnum", v(E::SecondEnumValue), v(E::FirstEnumValue), v(E::SecondEnumValue)},
        {"UPPERCASEPROPERTY", 3.5, 4.5, 5.5},
        {"stringInAStructProperty", v(OnlyAStringInAStruct(QStringLiteral("Hello Qt"))),
         v(OnlyAStringInAStruct(QStringLiteral("changed"))), v(OnlyAStringInAStruct(QStringLiteral("pushed")))},
    };
}

// The signals the source emits on "change", with their arguments.
static QList<QPair<QByteArray, QVariant>> signalArgs()
{
    return {
        {"anotherChanged", v(AnotherStruct(77))},
        {"foobar", QVariant(QStringLiteral("foo!"))},
        {"somethingHappened", QVariant(QStringLiteral("(no arguments)"))},
        {"newValueAvailable", QVariant(QStringLiteral("new-value"))},
    };
}

// ---- Comparing and showing values. ----

// The value's bytes as its own QDataStream operator writes them: equal bytes, equal values.
static QByteArray bytes(const QVariant &value)
{
    QByteArray out;
    QDataStream ds(&out, QIODevice::WriteOnly);
    if (value.isValid())
        value.metaType().save(ds, value.constData());
    return out;
}

static QString show(const QVariant &value)
{
    if (!value.isValid())
        return QStringLiteral("<invalid>");
    const QMetaType type = value.metaType();
    if (type == QMetaType::fromType<QVariantList>()) {
        QStringList items;
        for (const QVariant &item : value.toList())
            items << show(item);
        return QStringLiteral("[%1]").arg(items.join(QStringLiteral(", ")));
    }
    if (type.flags() & QMetaType::IsGadget) {
        const QMetaObject *mo = type.metaObject();
        QStringList fields;
        for (int i = 0; i < mo->propertyCount(); ++i)
            fields << QStringLiteral("%1=%2").arg(QString::fromUtf8(mo->property(i).name()),
                                                  show(mo->property(i).readOnGadget(value.constData())));
        return QStringLiteral("%1{%2}").arg(QString::fromUtf8(type.name()), fields.join(QStringLiteral(", ")));
    }
    if (value.canConvert<QString>() && !(type.flags() & QMetaType::IsEnumeration))
        return QStringLiteral("%1(%2)").arg(QString::fromUtf8(type.name()), value.toString());
    return QStringLiteral("%1(0x%2)").arg(QString::fromUtf8(type.name()), QString::fromLatin1(bytes(value).toHex()));
}

static QString showAll(const QList<QVariant> &values)
{
    QStringList out;
    for (const QVariant &value : values)
        out << show(value);
    return out.join(QStringLiteral("; "));
}

static bool same(const QVariant &got, const QVariant &want)
{
    return got.metaType() == want.metaType() && bytes(got) == bytes(want);
}

static void pass(const QString &check, const QVariant &received)
{
    say(QStringLiteral("check %1 ok %2").arg(check, received.isValid() ? QString::fromUtf8(received.typeName())
                                                                        : QStringLiteral("invalid")));
}

static void fail(const QString &check, const QString &why)
{
    say(QStringLiteral("check %1 FAIL %2").arg(check, why));
}

static void check(const QString &name, const QVariant &got, const QVariant &want)
{
    if (same(got, want))
        pass(name, got);
    else
        fail(name, QStringLiteral("got %1, want %2").arg(show(got), show(want)));
}

// ---- The replica. ----

// How an operation is expected to answer.
enum class Outcome { Immediate, Deferred, Failed, DeferredFailure };

struct Call {
    QString check;
    QRemoteObjectPendingReply<QVariant> reply;
    Outcome expect;
    QVariant want; // invalid for a void operation
};

// What Qt IF's QIfPendingReply<T>::setSuccess accepts: a value of T, or one that converts to T.
static void verifyResult(const Call &call, const QVariant &value)
{
    if (!call.want.isValid()) {
        if (value.isValid())
            fail(call.check, QStringLiteral("a void operation answered %1").arg(show(value)));
        else
            pass(call.check, value);
        return;
    }
    QVariant converted = value;
    if (converted.metaType() != call.want.metaType() && !converted.convert(call.want.metaType())) {
        fail(call.check, QStringLiteral("%1 does not convert to %2").arg(show(value), QString::fromUtf8(call.want.typeName())));
        return;
    }
    if (!same(converted, call.want)) {
        fail(call.check, QStringLiteral("got %1, want %2").arg(show(value), show(call.want)));
        return;
    }
    pass(call.check, value);
}

class ReplicaScript : public QObject
{
public:
    explicit ReplicaScript(EchoReplica *r) : m_r(r)
    {
        // Every change and signal, recorded by name.
#define WATCH(P) connect(r, &EchoReplica::P##Changed, this, [this](auto value) { m_events[#P] << QVariant::fromValue(value); });
        WATCH(lastMessage) WATCH(intValue) WATCH(varValue) WATCH(echoEnabled) WATCH(floatValue1)
        WATCH(floatValue2) WATCH(stringValue) WATCH(contact) WATCH(combo) WATCH(intList) WATCH(comboList)
        WATCH(weekDay) WATCH(testEnum) WATCH(UPPERCASEPROPERTY) WATCH(stringInAStructProperty)
#undef WATCH
        connect(r, &EchoReplica::anotherChanged, this, [this](AnotherStruct a) { m_events["anotherChanged"] << v(a); });
        connect(r, &EchoReplica::foobar, this, [this](QString foo) { m_events["foobar"] << QVariant(foo); });
        connect(r, &EchoReplica::somethingHappened, this,
                [this] { m_events["somethingHappened"] << QVariant(QStringLiteral("(no arguments)")); });
        connect(r, &EchoReplica::newValueAvailable, this, [this](QVariant value) { m_events["newValueAvailable"] << value; });
        connect(r, &EchoReplica::pendingResultAvailable, this, &ReplicaScript::pendingResultAvailable);
        connect(r, &QRemoteObjectReplica::stateChanged, this, [](auto now, auto was) {
            say(QStringLiteral("state %1 was %2").arg(int(now)).arg(int(was)));
        });
        connect(r, &QRemoteObjectReplica::initialized, this, [this] {
            for (const Prop &p : props())
                check(QStringLiteral("init.%1").arg(QString::fromUtf8(p.name)), m_r->property(p.name), p.a);
            say(QStringLiteral("phase initialized"));
        });
    }

    void command(const QString &word)
    {
        if (word == QLatin1String("changes"))
            expectChanges();
        else if (word == QLatin1String("push"))
            push();
        else if (word == QLatin1String("calls"))
            calls();
    }

private:
    // Waits (polling, bounded) until every name in `names` has an event, then runs `then`.
    void whenSeen(const QList<QByteArray> &names, std::function<void()> then)
    {
        auto *timer = new QTimer(this);
        auto started = std::make_shared<QElapsedTimer>();
        started->start();
        connect(timer, &QTimer::timeout, this, [this, names, then, timer, started] {
            const bool all = std::all_of(names.begin(), names.end(), [this](const QByteArray &n) { return !m_events.value(n).isEmpty(); });
            if (all || started->elapsed() > 10000) {
                timer->deleteLater();
                then();
            }
        });
        timer->start(10);
    }

    void expectChanges()
    {
        QList<QByteArray> names;
        for (const Prop &p : props())
            names << p.name;
        for (const auto &s : signalArgs())
            names << s.first;
        whenSeen(names, [this] {
            for (const Prop &p : props()) {
                const QString name = QStringLiteral("change.%1").arg(QString::fromUtf8(p.name));
                QList<QVariant> seen = m_events.value(p.name);
                // A repc replica announces its initial values as changes too, after `initialized`.
                if (!seen.isEmpty() && same(seen.first(), p.a))
                    seen.removeFirst();
                if (seen.size() != 1)
                    fail(name, QStringLiteral("%1 change signals, want 1: %2").arg(seen.size()).arg(showAll(seen)));
                else if (!same(m_r->property(p.name), p.b))
                    fail(name, QStringLiteral("property is %1, want %2").arg(show(m_r->property(p.name)), show(p.b)));
                else
                    check(name, seen.first(), p.b);
            }
            for (const auto &s : signalArgs()) {
                const QString name = QStringLiteral("signal.%1").arg(QString::fromUtf8(s.first));
                const QList<QVariant> seen = m_events.value(s.first);
                if (seen.size() != 1)
                    fail(name, QStringLiteral("emitted %1 times, want 1").arg(seen.size()));
                else
                    check(name, seen.first(), s.second);
            }
            m_events.clear();
            say(QStringLiteral("phase changes"));
        });
    }

    void push()
    {
        QList<QByteArray> names;
        for (const Prop &p : props()) {
            if (!p.c.isValid())
                continue;
            names << p.name;
            const QByteArray method = "push" + p.name.left(1).toUpper() + p.name.mid(1);
            const QMetaObject *mo = m_r->metaObject();
            const int index = mo->indexOfMethod(QMetaObject::normalizedSignature(
                (method + "(" + mo->property(mo->indexOfProperty(p.name)).typeName() + ")").constData()));
            if (index < 0) {
                fail(QStringLiteral("push.%1").arg(QString::fromUtf8(p.name)), QStringLiteral("no method %1").arg(QString::fromUtf8(method)));
                continue;
            }
            const QMetaMethod m = mo->method(index);
            QVariant arg = p.c;
            bool ok;
            if (m.parameterMetaType(0) == QMetaType::fromType<QVariant>())
                ok = m.invoke(m_r, Q_ARG(QVariant, arg));
            else
                ok = arg.convert(m.parameterMetaType(0)) && m.invoke(m_r, QGenericArgument(m.parameterTypeName(0).constData(), arg.constData()));
            if (!ok)
                fail(QStringLiteral("push.%1").arg(QString::fromUtf8(p.name)), QStringLiteral("cannot invoke %1").arg(QString::fromUtf8(m.methodSignature())));
        }
        whenSeen(names, [this] {
            for (const Prop &p : props()) {
                if (!p.c.isValid())
                    continue;
                const QString name = QStringLiteral("push.%1").arg(QString::fromUtf8(p.name));
                const QList<QVariant> seen = m_events.value(p.name);
                if (seen.size() != 1)
                    fail(name, QStringLiteral("%1 change signals after the push, want 1").arg(seen.size()));
                else
                    check(name, seen.first(), p.c);
            }
            m_events.clear();
            say(QStringLiteral("phase pushed"));
        });
    }

    void calls()
    {
        using E = Echomodule;
        const QVariant none;
        const QVariant flags1 = v(E::AirflowDirections(E::Dashboard | E::Floor));
        const QVariant flags2 = v(E::AirflowDirections(E::Windshield));
        m_calls = {
            {QStringLiteral("call.echo.immediate"), m_r->echo(QStringLiteral("ping-1")), Outcome::Immediate, QVariant(QStringLiteral("ping-1"))},
            {QStringLiteral("call.echo.deferred"), m_r->echo(QStringLiteral("ping-2")), Outcome::Deferred, QVariant(QStringLiteral("ping-2"))},
            {QStringLiteral("call.id.immediate"), m_r->id(), Outcome::Immediate, QVariant(QStringLiteral("id123"))},
            {QStringLiteral("call.id.deferred"), m_r->id(), Outcome::Deferred, QVariant(QStringLiteral("id123"))},
            {QStringLiteral("call.getCombo.immediate"), m_r->getCombo(), Outcome::Immediate, v(scriptCombo('a'))},
            {QStringLiteral("call.getCombo.deferred"), m_r->getCombo(), Outcome::Deferred, v(scriptCombo('a'))},
            {QStringLiteral("call.voidSlot.immediate"), m_r->voidSlot(), Outcome::Immediate, none},
            {QStringLiteral("call.voidSlot.deferred"), m_r->voidSlot(), Outcome::Deferred, none},
            {QStringLiteral("call.voidSlot2.immediate"), m_r->voidSlot2(5), Outcome::Immediate, none},
            {QStringLiteral("call.voidSlot2.deferred"), m_r->voidSlot2(6), Outcome::Deferred, none},
            {QStringLiteral("call.voidSlot2.failed"), m_r->voidSlot2(-1), Outcome::Failed, none},
            {QStringLiteral("call.timer.deferred"), m_r->timer(20), Outcome::Deferred, none},
            {QStringLiteral("call.timer.failed"), m_r->timer(-1), Outcome::DeferredFailure, none},
            {QStringLiteral("call.flagMethod.immediate"), m_r->flagMethod(E::AirflowDirections(E::Dashboard | E::Floor)), Outcome::Immediate, flags1},
            {QStringLiteral("call.flagMethod.deferred"), m_r->flagMethod(E::AirflowDirections(E::Windshield)), Outcome::Deferred, flags2},
            {QStringLiteral("call.enumMethod.immediate"), m_r->enumMethod(E::SecondEnumValue), Outcome::Immediate, v(E::SecondEnumValue)},
            {QStringLiteral("call.enumMethod.deferred"), m_r->enumMethod(E::FirstEnumValue), Outcome::Deferred, v(E::FirstEnumValue)},
        };
        m_open = m_calls.size();
        for (int i = 0; i < m_calls.size(); ++i) {
            auto *watcher = new QRemoteObjectPendingCallWatcher(m_calls[i].reply, this);
            connect(watcher, &QRemoteObjectPendingCallWatcher::finished, this, [this, i](QRemoteObjectPendingCallWatcher *w) {
                w->deleteLater();
                answered(i, w);
            });
        }
        QTimer::singleShot(10000, this, [this] {
            for (const Call &call : std::as_const(m_calls))
                if (!call.check.isEmpty())
                    fail(call.check, QStringLiteral("no answer within 10 s"));
        });
    }

    // As QIfRemoteObjectsReplicaHelper::toQIfPendingReply reads a reply.
    void answered(int i, QRemoteObjectPendingCallWatcher *w)
    {
        Call &call = m_calls[i];
        if (w->error() != QRemoteObjectPendingCall::NoError) {
            fail(call.check, QStringLiteral("the call failed: error %1").arg(int(w->error())));
            done(i);
            return;
        }
        const QVariant value = w->returnValue();
        if (!value.canConvert<QIfRemoteObjectsPendingResult>()) {
            if (call.expect == Outcome::Immediate)
                verifyResult(call, value);
            else
                fail(call.check, QStringLiteral("answered at once with %1").arg(show(value)));
            done(i);
            return;
        }
        const auto pending = value.value<QIfRemoteObjectsPendingResult>();
        if (pending.failed()) {
            if (call.expect == Outcome::Failed)
                pass(call.check, value);
            else
                fail(call.check, QStringLiteral("failed at once (pending result %1)").arg(pending.id()));
            done(i);
            return;
        }
        if (call.expect != Outcome::Deferred && call.expect != Outcome::DeferredFailure) {
            fail(call.check, QStringLiteral("deferred as pending result %1").arg(pending.id()));
            done(i);
            return;
        }
        m_pending.insert(pending.id(), i);
    }

    void pendingResultAvailable(quint64 id, bool isSuccess, const QVariant &value)
    {
        if (!m_pending.contains(id))
            return; // Qt IF ignores unknown ids too
        const int i = m_pending.take(id);
        const Call &call = m_calls[i];
        if (call.expect == Outcome::DeferredFailure) {
            if (isSuccess)
                fail(call.check, QStringLiteral("succeeded with %1").arg(show(value)));
            else
                pass(call.check, value);
        } else if (!isSuccess) {
            fail(call.check, QStringLiteral("pending result %1 failed").arg(id));
        } else {
            verifyResult(call, value);
        }
        done(i);
    }

    void done(int i)
    {
        m_calls[i].check.clear();
        if (--m_open == 0)
            say(QStringLiteral("phase calls"));
    }

    EchoReplica *m_r;
    QHash<QByteArray, QList<QVariant>> m_events;
    QList<Call> m_calls;
    QHash<quint64, int> m_pending;
    int m_open = 0;
};

// ---- The source. ----

class EchoService : public EchoSimpleSource
{
public:
    EchoService()
    {
        for (const Prop &p : props())
            set(p.name, p.a);
    }

    void set(const QByteArray &name, const QVariant &value)
    {
        if (name == "lastMessage")
            setLastMessage(value.toString());
        else if (!setProperty(name.constData(), value))
            say(QStringLiteral("error cannot set %1").arg(QString::fromUtf8(name)));
    }

    void change()
    {
        for (const Prop &p : props())
            set(p.name, p.b);
        emit anotherChanged(AnotherStruct(77));
        emit foobar(QStringLiteral("foo!"));
        emit somethingHappened();
        emit newValueAvailable(QStringLiteral("new-value"));
    }

    QVariant echo(const QString &msg) override { return answer("echo", msg); }
    QVariant id() override { return answer("id", QStringLiteral("id123")); }
    QVariant getCombo() override { return answer("getCombo", v(scriptCombo('a'))); }
    QVariant voidSlot() override { return answer("voidSlot", QVariant()); }
    QVariant voidSlot2(int param) override
    {
        say(QStringLiteral("called voidSlot2 %1").arg(param));
        if (param < 0)
            return v(QIfRemoteObjectsPendingResult(m_next++, true));
        return answer("voidSlot2", QVariant());
    }
    QVariant timer(int interval) override
    {
        return later(QVariant(), interval >= 0, qMax(interval, 10));
    }
    QVariant flagMethod(Echomodule::AirflowDirections direction) override { return answer("flagMethod", v(direction)); }
    QVariant enumMethod(Echomodule::TestEnum testEnum) override { return answer("enumMethod", v(testEnum)); }

private:
    // The first call of an operation is answered at once, later ones through a pending result.
    QVariant answer(const QByteArray &op, const QVariant &value)
    {
        if (m_calls[op]++ == 0)
            return value;
        return later(value, true, 10);
    }

    QVariant later(const QVariant &value, bool isSuccess, int ms)
    {
        const QIfRemoteObjectsPendingResult pending(m_next++, false);
        QTimer::singleShot(ms, this, [this, pending, isSuccess, value] {
            emit pendingResultAvailable(pending.id(), isSuccess, value);
        });
        return v(pending);
    }

    QHash<QByteArray, int> m_calls;
    quint64 m_next = 0;
};

// ---- The contactList model, both sides. ----

static const QString kModel = QStringLiteral("org.example.echomodule.Echo.contactList");

static QString names(const QList<QVariant> &rows)
{
    QStringList out;
    for (const QVariant &row : rows)
        out << (row.canConvert<Contact>() ? row.value<Contact>().name() : show(row));
    return out.join(QLatin1Char(','));
}

static void followModel(QIfPagingModelReplica *model)
{
    const QUuid id = QUuid::createUuid();
    QObject::connect(model, &QIfPagingModelReplica::countChanged, [id](const QUuid &who, int n) {
        if (who == id || who.isNull())
            say(QStringLiteral("model count %1").arg(n));
    });
    QObject::connect(model, &QIfPagingModelReplica::dataFetched,
                     [id](const QUuid &who, const QList<QVariant> &rows, int start, bool more) {
        if (who == id)
            say(QStringLiteral("model fetched start=%1 more=%2 rows=%3").arg(start).arg(more).arg(names(rows)));
    });
    QObject::connect(model, &QIfPagingModelReplica::dataChanged,
                     [id](const QUuid &who, const QList<QVariant> &rows, int start, int count) {
        if (who == id || who.isNull())
            say(QStringLiteral("model changed start=%1 count=%2 rows=%3").arg(start).arg(count).arg(names(rows)));
    });
    QObject::connect(model, &QRemoteObjectReplica::initialized, [model, id] {
        model->registerInstance(id);
        model->fetchData(id, 0, 30);
    });
}

// What Qt IF's simulation model backend does (common/pagingmodel_simulation.cpp.tpl).
class ContactModel : public QIfPagingModelSource
{
public:
    QList<Contact> rows{scriptContact('a'), scriptContact('b'), scriptContact('c')};

    void registerInstance(const QUuid &identifier) override { emit countChanged(identifier, int(rows.size())); }
    void unregisterInstance(const QUuid &) override {}
    void fetchData(const QUuid &identifier, int start, int count) override
    {
        QList<QVariant> out;
        const int end = qMin(start + count, int(rows.size()));
        for (int i = start; i < end; ++i)
            out << QVariant::fromValue(rows.at(i));
        emit dataFetched(identifier, out, start, end < rows.size());
    }
    void insert(int index, const Contact &row)
    {
        rows.insert(index, row);
        emit dataChanged(QUuid(), {QVariant::fromValue(row)}, index, 0);
        emit countChanged(QUuid(), int(rows.size()));
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 3)
        return 2;
    Echomodule::registerTypes();
    qRegisterMetaType<QIfRemoteObjectsPendingResult>();
    const QString mode = QString::fromUtf8(argv[1]);
    const QUrl url(QString::fromUtf8(argv[2]));
    QTimer::singleShot(60000, &app, [] { say(QStringLiteral("timeout")); ::_exit(3); });

    QSocketNotifier stdinNotifier(STDIN_FILENO, QSocketNotifier::Read);
    QFile in;
    in.open(stdin, QIODevice::ReadOnly);
    std::function<void(const QString &)> command = [](const QString &) {};
    QObject::connect(&stdinNotifier, &QSocketNotifier::activated, [&] {
        const QByteArray line = in.readLine();
        if (line.isEmpty())
            ::_exit(0);
        const QString word = QString::fromUtf8(line).trimmed();
        if (word == QLatin1String("quit"))
            ::_exit(0);
        command(word);
    });

    if (mode == QLatin1String("source")) {
        auto *host = new QRemoteObjectHost(url);
        auto *echo = new EchoService;
        command = [echo](const QString &word) {
            if (word == QLatin1String("change")) {
                echo->change();
                say(QStringLiteral("phase changed"));
            }
        };
        say(QStringLiteral("enableRemoting %1").arg(host->enableRemoting(echo, kName)));
        return app.exec();
    }
    if (mode == QLatin1String("model-replica")) {
        auto *node = new QRemoteObjectNode;
        node->connectToNode(url);
        followModel(node->acquire<QIfPagingModelReplica>(kModel));
        return app.exec();
    }
    if (mode == QLatin1String("model-source")) {
        auto *host = new QRemoteObjectHost(url);
        auto *model = new ContactModel;
        command = [model](const QString &word) {
            if (word == QLatin1String("insert"))
                model->insert(1, scriptContact('c'));
        };
        say(QStringLiteral("enableRemoting %1").arg(host->enableRemoting(model, kModel)));
        return app.exec();
    }
    if (mode == QLatin1String("replica")) {
        auto *node = new QRemoteObjectNode;
        node->connectToNode(url);
        auto *replica = node->acquire<EchoReplica>(kName);
        auto *script = new ReplicaScript(replica);
        command = [script](const QString &word) { script->command(word); };
        return app.exec();
    }
    return 2;
}
