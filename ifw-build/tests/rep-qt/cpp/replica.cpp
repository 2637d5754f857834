// The Qt 6 side of tests/qt_replica.rs, built from what Qt's repc generates from rep/parking.rep.
// It prints one line per event and exits on its own after a time limit.
//
//   peer replica <url>   a static ParkingReplica that exercises the source once initialized
//   peer source <url>    a ParkingSimpleSource with initial values, remoted as "Parking"
#include <QtCore>
#include <QtRemoteObjects>
#include <cstdio>
#include "rep_parking_merged.h"

static void say(const QString &line) {
    std::fprintf(stdout, "%s\n", line.toUtf8().constData());
    std::fflush(stdout);
}

static QString spotText(const Spot &s) { return QStringLiteral("%1@%2").arg(s.holder()).arg(s.bay()); }

static QString state(ParkingReplica *r) {
    QStringList spots, vacant, fees;
    for (const Spot &s : r->spots()) spots << spotText(s);
    for (int v : r->vacant()) vacant << QString::number(v);
    const auto f = r->fees();
    for (auto it = f.cbegin(); it != f.cend(); ++it) fees << QStringLiteral("%1:%2").arg(it.key()).arg(it.value());
    return QStringLiteral("level=%1 name=%2 mode=%3 spots=%4 vacant=%5 fees=%6 gates=%7 token=%8 floors=%9 rate=%10")
        .arg(r->level()).arg(r->name()).arg(int(r->mode()))
        .arg(spots.join(QLatin1Char(';')), vacant.join(QLatin1Char(',')), fees.join(QLatin1Char(',')),
             r->gates().join(QLatin1Char(',')), QString::fromLatin1(r->token().toHex()))
        .arg(int(r->floors())).arg(r->rate());
}

class ParkingImpl : public ParkingSimpleSource {
public:
    Spot reserve(QString holder, int bay) override {
        const Spot spot(holder, bay);
        setMode(Mode::Full);
        emit arrived(spot, Mode::Full);
        return spot;
    }
    int total(QList<int> bays) override { int s = 0; for (int b : bays) s += b; return s; }
    void ring() override { say(QStringLiteral("ring")); }
};

static int serve(const QUrl &url) {
    auto *host = new QRemoteObjectHost(url);
    auto *p = new ParkingImpl;
    p->setSpots({Spot(QStringLiteral("ada"), 1), Spot(QStringLiteral("bob"), 2)});
    p->setVacant({3, 4});
    p->setFees({{QStringLiteral("day"), 5}, {QStringLiteral("night"), 2}});
    p->setGates({QStringLiteral("east"), QStringLiteral("west")});
    p->setToken(QByteArray("\x00\xff", 2));
    QObject::connect(p, &ParkingSource::levelChanged, [](int v) { say(QStringLiteral("levelChanged %1").arg(v)); });
    QObject::connect(p, &ParkingSource::nameChanged, [](QString v) { say(QStringLiteral("nameChanged ") + v); });
    QObject::connect(p, &ParkingSource::spotsChanged, [p] {
        QStringList spots;
        for (const Spot &s : p->spots()) spots << spotText(s);
        say(QStringLiteral("spotsChanged ") + spots.join(QLatin1Char(';'))); });
    say(QStringLiteral("ready %1").arg(host->enableRemoting(p)));
    return QCoreApplication::exec();
}

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    if (argc < 3)
        return 2;
    QTimer::singleShot(20000, &app, [] { say(QStringLiteral("time limit")); QCoreApplication::exit(3); });
    if (QString::fromUtf8(argv[1]) == QLatin1String("source"))
        return serve(QUrl(QString::fromUtf8(argv[2])));
    auto *node = new QRemoteObjectNode;
    node->connectToNode(QUrl(QString::fromUtf8(argv[2])));
    auto *r = node->acquire<ParkingReplica>();
    QObject::connect(r, &QRemoteObjectReplica::stateChanged, [](auto s, auto) {
        if (s == QRemoteObjectReplica::SignatureMismatch) say(QStringLiteral("signature mismatch")); });
    QObject::connect(r, &ParkingReplica::levelChanged, [](int v) { say(QStringLiteral("levelChanged %1").arg(v)); });
    QObject::connect(r, &ParkingReplica::nameChanged, [](QString v) { say(QStringLiteral("nameChanged ") + v); });
    QObject::connect(r, &ParkingReplica::modeChanged, [](ParkingReplica::Mode m) { say(QStringLiteral("modeChanged %1").arg(int(m))); });
    QObject::connect(r, &ParkingReplica::spotsChanged, [r] {
        QStringList spots;
        for (const Spot &s : r->spots()) spots << spotText(s);
        say(QStringLiteral("spotsChanged ") + spots.join(QLatin1Char(';'))); });
    QObject::connect(r, &ParkingReplica::arrived, [](Spot s, ParkingReplica::Mode m) {
        say(QStringLiteral("arrived %1 mode=%2").arg(spotText(s)).arg(int(m))); });
    QObject::connect(r, &QRemoteObjectReplica::initialized, [r] {
        say(QStringLiteral("initialized ") + state(r));
        auto *a = new QRemoteObjectPendingCallWatcher(r->reserve(QStringLiteral("cy"), 7));
        QObject::connect(a, &QRemoteObjectPendingCallWatcher::finished, [](QRemoteObjectPendingCallWatcher *w) {
            say(QStringLiteral("reserve -> %1 error=%2").arg(spotText(w->returnValue().value<Spot>())).arg(int(w->error()))); });
        auto *t = new QRemoteObjectPendingCallWatcher(r->total({10, 20, 12}));
        QObject::connect(t, &QRemoteObjectPendingCallWatcher::finished, [](QRemoteObjectPendingCallWatcher *w) {
            say(QStringLiteral("total -> %1 error=%2").arg(w->returnValue().toInt()).arg(int(w->error()))); });
        r->pushLevel(3);
        r->setName(QStringLiteral("north"));
        r->pushSpots({Spot(QStringLiteral("dee"), 9)});
        r->ring();
    });
    return app.exec();
}
