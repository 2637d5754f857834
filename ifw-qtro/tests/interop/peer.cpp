// The Qt 6 side of tests/interop_qt.rs: a repc CarSimpleSource, a repc CarReplica (static, signature
// checked) or a dynamic replica of "Car". It prints one line per event on stdout and takes
// commands on stdin, so the Rust test drives the order of things. It exits on "quit", on stdin
// EOF (the test went away) and after a hard time limit.
//
//   peer source  <url>            remotes Car; stdin: "speed N", "pos X Y", "honk", "quit"
//   peer replica <url> <heartbeat-ms>   acquires Car statically and exercises it once initialized
//   peer dynamic <url>            acquires Car dynamically and prints its class
//   peer registry-source <url> <registry-url> [speed]   remotes Car on a host that uses a registry
//   peer registry-client <registry-url>         finds Car through a registry, acquires it dynamically,
//                                               prints its state changes (it follows Car's moves)
//   peer rich-source <url>        remotes Rich (rich.rep: enum class, containers, PODs in lists)
//   peer rich-replica <url>       acquires Rich statically, prints it, calls and writes it
#include <QtCore>
#include <QtRemoteObjects>
#include <cstdio>
#include <unistd.h>
#include "rep_car_merged.h"
#include "rep_rich_merged.h"

static void say(const QString &line) {
    std::fprintf(stdout, "%s\n", line.toUtf8().constData());
    std::fflush(stdout);
}

class Car : public CarSimpleSource {
public:
    int add(int a, int b) override { return a + b; }
    void honk() override { emit crashed(3, QStringLiteral("honk")); }
    void drive(int speed) { setSpeed(speed); }
};

class RichImpl : public RichSimpleSource {
public:
    Mode toggle(Mode m) override {
        const Mode next = m == Mode::Sport ? Mode::Eco : Mode::Sport;
        emit alarm(next, QStringLiteral("toggled"));
        return next;
    }
    int sum(QList<int> values) override { int s = 0; for (int v : values) s += v; return s; }
};

static QString posText(const Pos &p) { return QStringLiteral("%1,%2").arg(p.x()).arg(p.y()); }

static QString richText(RichReplica *r) {
    QStringList points, numbers, scores;
    for (const Point &p : r->points()) points << QStringLiteral("%1,%2").arg(p.x()).arg(p.y());
    for (int n : r->numbers()) numbers << QString::number(n);
    for (auto it = r->scores().cbegin(); it != r->scores().cend(); ++it)
        scores << QStringLiteral("%1:%2").arg(it.key()).arg(it.value());
    QStringList mixed;
    for (const QVariant &v : r->mixed()) mixed << QString::fromUtf8(v.typeName()) + QLatin1Char('=') + v.toString();
    return QStringLiteral("mode=%1 points=%2 numbers=%3 scores=%4 mixed=%5 blob=%6 ratio=%7 names=%8")
        .arg(int(r->mode())).arg(points.join(QLatin1Char(';')), numbers.join(QLatin1Char(',')),
             scores.join(QLatin1Char(',')), mixed.join(QLatin1Char(',')),
             QString::fromLatin1(r->blob().toHex())).arg(r->ratio()).arg(r->names().join(QLatin1Char(',')));
}

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    if (argc < 3)
        return 2;
    const QString mode = QString::fromUtf8(argv[1]);
    const QUrl url(QString::fromUtf8(argv[2]));
    QTimer::singleShot(60000, &app, [] { say(QStringLiteral("timeout")); ::_exit(3); });

    QSocketNotifier stdinNotifier(STDIN_FILENO, QSocketNotifier::Read);
    QFile in;
    in.open(stdin, QIODevice::ReadOnly);
    std::function<void(const QStringList &)> command = [](const QStringList &) {};
    QObject::connect(&stdinNotifier, &QSocketNotifier::activated, [&] {
        const QByteArray line = in.readLine();
        if (line.isEmpty()) { ::_exit(0); }
        const QStringList words = QString::fromUtf8(line).trimmed().split(QLatin1Char(' '));
        if (words.value(0) == QLatin1String("quit")) { ::_exit(0); }
        command(words);
    });

    if (mode == QLatin1String("source")) {
        auto *host = new QRemoteObjectHost(url);
        auto *car = new Car;
        car->setPos(Pos(3, 4));
        QObject::connect(car, &CarSource::labelChanged, [](QString l) { say(QStringLiteral("label ") + l); });
        QObject::connect(car, &CarSource::gearNoChanged, [](int g) { say(QStringLiteral("gearNo %1").arg(g)); });
        QObject::connect(car, &CarSource::posChanged, [](Pos p) { say(QStringLiteral("pos ") + posText(p)); });
        command = [car](const QStringList &w) {
            if (w.value(0) == QLatin1String("speed")) car->drive(w.value(1).toInt());
            else if (w.value(0) == QLatin1String("pos")) car->setPos(Pos(w.value(1).toInt(), w.value(2).toInt()));
            else if (w.value(0) == QLatin1String("honk")) car->honk();
            say(QStringLiteral("done ") + w.join(QLatin1Char(' ')));
        };
        say(QStringLiteral("enableRemoting %1").arg(host->enableRemoting(car, QStringLiteral("Car"))));
        return app.exec();
    }

    if (mode == QLatin1String("rich-source")) {
        auto *host = new QRemoteObjectHost(url);
        auto *rich = new RichImpl;
        rich->setPoints({Point(1, 2), Point(3, 4)});
        rich->setNumbers({1, 2, 3});
        rich->setScores({{QStringLiteral("a"), 1}, {QStringLiteral("b"), 2}});
        rich->setMixed({1, QStringLiteral("two"), 3.0});
        rich->setBlob(QByteArray("\x00\x01\xff", 3));
        rich->setNames({QStringLiteral("x"), QStringLiteral("y")});
        QObject::connect(rich, &RichSource::modeChanged, [](RichSource::Mode m) { say(QStringLiteral("mode %1").arg(int(m))); });
        say(QStringLiteral("enableRemoting %1").arg(host->enableRemoting(rich, QStringLiteral("Rich"))));
        return app.exec();
    }
    if (mode == QLatin1String("rich-replica")) {
        auto *node = new QRemoteObjectNode;
        node->connectToNode(url);
        auto *r = node->acquire<RichReplica>(QStringLiteral("Rich"));
        QObject::connect(r, &QRemoteObjectReplica::stateChanged, [](auto s, auto o) {
            say(QStringLiteral("state %1 was %2").arg(int(s)).arg(int(o))); });
        QObject::connect(r, &RichReplica::alarm, [](RichReplica::Mode m, QString t) {
            say(QStringLiteral("alarm %1 %2").arg(int(m)).arg(t)); });
        QObject::connect(r, &RichReplica::modeChanged, [](RichReplica::Mode m) { say(QStringLiteral("modeChanged %1").arg(int(m))); });
        QObject::connect(r, &RichReplica::pointsChanged, [r] { say(QStringLiteral("pointsChanged ") + richText(r)); });
        QObject::connect(r, &QRemoteObjectReplica::initialized, [r] {
            say(QStringLiteral("initialized ") + richText(r));
            auto *t = new QRemoteObjectPendingCallWatcher(r->toggle(RichReplica::Mode::Eco));
            QObject::connect(t, &QRemoteObjectPendingCallWatcher::finished, [](QRemoteObjectPendingCallWatcher *w) {
                say(QStringLiteral("toggle -> %1 error=%2").arg(w->returnValue().value<RichReplica::Mode>() == RichReplica::Mode::Sport ? QStringLiteral("Sport") : w->returnValue().toString()).arg(int(w->error()))); });
            auto *s = new QRemoteObjectPendingCallWatcher(r->sum({10, 20, 12}));
            QObject::connect(s, &QRemoteObjectPendingCallWatcher::finished, [](QRemoteObjectPendingCallWatcher *w) {
                say(QStringLiteral("sum -> %1 error=%2").arg(w->returnValue().toInt()).arg(int(w->error()))); });
            r->setMode(RichReplica::Mode::Off);
            r->pushPoints({Point(5, 6)});
        });
        return app.exec();
    }
    if (mode == QLatin1String("registry-source")) {
        auto *host = new QRemoteObjectHost(url, QUrl(QString::fromUtf8(argv[3])));
        auto *car = new Car;
        car->setPos(Pos(3, 4));
        if (argc > 4) car->drive(QString::fromUtf8(argv[4]).toInt());
        say(QStringLiteral("enableRemoting %1").arg(host->enableRemoting(car, QStringLiteral("Car"))));
        return app.exec();
    }
    if (mode == QLatin1String("registry-client")) {
        auto *node = new QRemoteObjectNode(url);
        QObject::connect(node->registry(), &QRemoteObjectRegistry::remoteObjectAdded,
                         [](const QRemoteObjectSourceLocation &l) {
            say(QStringLiteral("added %1 %2").arg(l.first, l.second.hostUrl.toString())); });
        auto *r = node->acquireDynamic(QStringLiteral("Car"));
        QObject::connect(r, &QRemoteObjectReplica::initialized, [r] {
            say(QStringLiteral("registry dynamic speed=%1").arg(r->property("speed").toInt())); });
        QObject::connect(r, &QRemoteObjectReplica::stateChanged, [r](auto s, auto) {
            say(QStringLiteral("registry state %1 speed=%2").arg(int(s)).arg(r->property("speed").toInt())); });
        return app.exec();
    }

    auto *node = new QRemoteObjectNode;
    if (mode == QLatin1String("replica"))
        node->setHeartbeatInterval(QString::fromUtf8(argv[3]).toInt());
    node->connectToNode(url);
    if (mode == QLatin1String("replica")) {
        auto *r = node->acquire<CarReplica>(QStringLiteral("Car"));
        QObject::connect(r, &QRemoteObjectReplica::stateChanged, [](auto s, auto o) {
            say(QStringLiteral("state %1 was %2").arg(int(s)).arg(int(o))); });
        QObject::connect(r, &CarReplica::crashed, [](int s, QString w) { say(QStringLiteral("crashed %1 %2").arg(s).arg(w)); });
        QObject::connect(r, &CarReplica::speedChanged, [](int v) { say(QStringLiteral("speedChanged %1").arg(v)); });
        QObject::connect(r, &CarReplica::labelChanged, [](QString v) { say(QStringLiteral("labelChanged ") + v); });
        QObject::connect(r, &CarReplica::gearNoChanged, [](int v) { say(QStringLiteral("gearNoChanged %1").arg(v)); });
        QObject::connect(r, &CarReplica::posChanged, [](Pos p) { say(QStringLiteral("posChanged ") + posText(p)); });
        QObject::connect(r, &QRemoteObjectReplica::initialized, [r] {
            say(QStringLiteral("initialized speed=%1 label=%2 gearNo=%3 pos=%4")
                    .arg(r->speed()).arg(r->label()).arg(r->gearNo()).arg(posText(r->pos())));
        });
        command = [r](const QStringList &w) {
            if (w.value(0) == QLatin1String("add")) {
                auto *watcher = new QRemoteObjectPendingCallWatcher(r->add(w.value(1).toInt(), w.value(2).toInt()));
                QObject::connect(watcher, &QRemoteObjectPendingCallWatcher::finished, [](QRemoteObjectPendingCallWatcher *w) {
                    say(QStringLiteral("add -> %1 error=%2").arg(w->returnValue().toInt()).arg(int(w->error())));
                    w->deleteLater();
                });
            } else if (w.value(0) == QLatin1String("honk")) r->honk();
            else if (w.value(0) == QLatin1String("pushGearNo")) r->pushGearNo(w.value(1).toInt());
            else if (w.value(0) == QLatin1String("pushPos")) r->pushPos(Pos(w.value(1).toInt(), w.value(2).toInt()));
            else if (w.value(0) == QLatin1String("setLabel")) r->setLabel(w.value(1));
        };
        return app.exec();
    }

    auto *r = node->acquireDynamic(QStringLiteral("Car"));
    QObject::connect(r, &QRemoteObjectReplica::initialized, [r] {
        const QMetaObject *mo = r->metaObject();
        say(QStringLiteral("dynamic class=%1").arg(QString::fromUtf8(mo->className())));
        for (int i = mo->propertyOffset(); i < mo->propertyCount(); ++i) {
            const QMetaProperty p = mo->property(i);
            const QVariant v = p.read(r);
            QString text = v.toString();
            if (v.metaType().flags() & QMetaType::IsGadget) {
                const QMetaObject *gm = v.metaType().metaObject();
                QStringList fields;
                for (int j = 0; j < gm->propertyCount(); ++j)
                    fields << QStringLiteral("%1=%2").arg(QString::fromUtf8(gm->property(j).name()),
                                                         gm->property(j).readOnGadget(v.constData()).toString());
                text = fields.join(QLatin1Char(','));
            }
            say(QStringLiteral("prop %1 %2 %3").arg(QString::fromUtf8(p.name()), QString::fromUtf8(p.typeName()), text));
        }
        for (int i = mo->enumeratorOffset(); i < mo->enumeratorCount(); ++i) {
            const QMetaEnum e = mo->enumerator(i);
            QStringList keys;
            for (int k = 0; k < e.keyCount(); ++k)
                keys << QStringLiteral("%1=%2").arg(QString::fromUtf8(e.key(k))).arg(e.value(k));
            say(QStringLiteral("enum %1 %2").arg(QString::fromUtf8(e.name()), keys.join(QLatin1Char(','))));
        }
        for (int i = mo->methodOffset(); i < mo->methodCount(); ++i)
            say(QStringLiteral("method %1 %2").arg(QString::fromUtf8(mo->method(i).methodSignature()),
                                                   QString::fromUtf8(mo->method(i).typeName())));
        const int add = mo->indexOfMethod("add(int,int)");
        if (add >= 0) {
            QRemoteObjectPendingCall call;
            mo->method(add).invoke(r, Qt::DirectConnection, Q_RETURN_ARG(QRemoteObjectPendingCall, call), Q_ARG(int, 5), Q_ARG(int, 6));
            auto *watcher = new QRemoteObjectPendingCallWatcher(call);
            QObject::connect(watcher, &QRemoteObjectPendingCallWatcher::finished, [](QRemoteObjectPendingCallWatcher *w) {
                say(QStringLiteral("dynamic add -> %1").arg(w->returnValue().toInt()));
            });
        }
        // A property write from a dynamic replica (WriteProperty).
        r->setProperty("label", QStringLiteral("dynamic-write"));
    });
    return app.exec();
}
