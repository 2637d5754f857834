// The C++ Qt pair of `benches/benches/qtro.rs`: a repc BenchSimpleSource and a repc BenchReplica,
// in two processes, measuring what the Rust bench measures for ifw.
//
//   qtro_bench source  <url>    remotes Bench; prints "ready"; exits on stdin EOF
//   qtro_bench replica <url> <warmup> <calls> <changes> <signals>
//       acquires Bench statically, then prints
//         "calls N p50_ns p99_ns"   sequential add(int,int) round trips (each waits for its reply)
//         "changes N ns"            fireChanges(from, N): from the call to the last valueChanged
//         "signals N ns"            fireSignals(N): from the call to the last tick
//       and exits. A hard time limit ends either side.
#include <QtCore>
#include <QtRemoteObjects>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <unistd.h>
#include <vector>
#include "rep_bench_merged.h"

static void say(const QByteArray &line) {
    std::fprintf(stdout, "%s\n", line.constData());
    std::fflush(stdout);
}

class BenchImpl : public BenchSimpleSource {
public:
    int add(int a, int b) override { return a + b; }
    void fireChanges(int from, int count) override {
        for (int i = 0; i < count; ++i)
            setValue(from + i);
    }
    void fireSignals(int count) override {
        for (int i = 0; i < count; ++i)
            emit tick(i);
    }
};

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    if (argc < 3)
        return 2;
    const QByteArray mode(argv[1]);
    const QUrl url(QString::fromUtf8(argv[2]));
    QTimer::singleShot(120000, &app, [] { say("timeout"); ::_exit(3); });

    if (mode == "source") {
        QSocketNotifier stdinNotifier(STDIN_FILENO, QSocketNotifier::Read);
        QObject::connect(&stdinNotifier, &QSocketNotifier::activated, [] {
            char buf[64];
            if (::read(STDIN_FILENO, buf, sizeof buf) <= 0)
                ::_exit(0);
        });
        QRemoteObjectHost host(url);
        BenchImpl bench;
        if (!host.enableRemoting(&bench, QStringLiteral("Bench")))
            return 4;
        say("ready");
        return app.exec();
    }
    if (mode != "replica" || argc < 7)
        return 2;
    const int warmup = QByteArray(argv[3]).toInt();
    const int calls = QByteArray(argv[4]).toInt();
    const int changes = QByteArray(argv[5]).toInt();
    const int signalCount = QByteArray(argv[6]).toInt();

    QRemoteObjectNode node;
    node.connectToNode(url);
    BenchReplica *r = node.acquire<BenchReplica>(QStringLiteral("Bench"));
    QElapsedTimer clock;
    clock.start();
    std::vector<qint64> rtts;
    rtts.reserve(calls);
    qint64 started = 0;
    int done = 0;
    std::function<void()> next;
    std::function<void()> measureChanges;
    std::function<void()> measureSignals;

    next = [&] {
        if (done == warmup + calls) {
            std::sort(rtts.begin(), rtts.end());
            say(QByteArray("calls ") + QByteArray::number(calls) + ' '
                + QByteArray::number(rtts[rtts.size() / 2]) + ' '
                + QByteArray::number(rtts[std::min(rtts.size() - 1, rtts.size() * 99 / 100)]));
            measureChanges();
            return;
        }
        started = clock.nsecsElapsed();
        auto *w = new QRemoteObjectPendingCallWatcher(r->add(done, 1));
        QObject::connect(w, &QRemoteObjectPendingCallWatcher::finished, [&](QRemoteObjectPendingCallWatcher *w) {
            const qint64 took = clock.nsecsElapsed() - started;
            if (w->error() != QRemoteObjectPendingCall::NoError || w->returnValue().toInt() != done + 1) {
                say("call failed");
                ::_exit(5);
            }
            if (done >= warmup)
                rtts.push_back(took);
            ++done;
            w->deleteLater();
            next();
        });
    };
    const int from = 1;
    measureChanges = [&] {
        const int last = from + changes - 1;
        QObject::connect(r, &BenchReplica::valueChanged, [&, last](int v) {
            if (v == last) {
                say(QByteArray("changes ") + QByteArray::number(changes) + ' '
                    + QByteArray::number(clock.nsecsElapsed() - started));
                QObject::disconnect(r, &BenchReplica::valueChanged, nullptr, nullptr);
                measureSignals();
            }
        });
        started = clock.nsecsElapsed();
        r->fireChanges(from, changes);
    };
    measureSignals = [&] {
        QObject::connect(r, &BenchReplica::tick, [&](int i) {
            if (i == signalCount - 1) {
                say(QByteArray("signals ") + QByteArray::number(signalCount) + ' '
                    + QByteArray::number(clock.nsecsElapsed() - started));
                ::_exit(0);
            }
        });
        started = clock.nsecsElapsed();
        r->fireSignals(signalCount);
    };
    QObject::connect(r, &QRemoteObjectReplica::initialized, [&] { next(); });
    return app.exec();
}
