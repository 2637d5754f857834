//! The code `compile_rep` generated from `rep/parking.rep` against what Qt 6's repc generates
//! from the same file (`cpp/replica.cpp`, built with repc, moc and g++ into a temp dir and run as
//! a child process killed on drop), both ways:
//!
//! - the generated Source, served by an ifw-qtro Host to a static `ParkingReplica`: Qt accepts
//!   the signature, reads every initial value (a POD list, an `enum class : qint16`, `QList<int>`,
//!   `QMap<QString,int>`, `QStringList`, `QByteArray`, a `CONSTANT quint8`), gets slot answers of
//!   their declared types (a POD, an `int`), and its push (READPUSH), write (READWRITE), POD-list
//!   push and void call reach the generated service; changes and a signal with a POD and an enum
//!   come back to it;
//! - the generated Replica over an ifw-qtro Node, acquiring Qt's `ParkingSimpleSource`: the same
//!   values, calls, pushes, writes and events, seen from Rust.
//!
//! Needs `qt6-remoteobjects-dev`, `libqt6remoteobjects6-bin`, `g++` and `pkg-config`; the Qt tool
//! directory can be overridden with `QT_LIBEXEC` (default `/usr/lib/qt6/libexec`).

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a failing test should fail loudly"
)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ifw_core::Error;
use ifw_qtro::{Host, Node};
use ifw_rep_qt::parking::{
    ParkingEvent, ParkingMode, ParkingProperties, ParkingReplica, ParkingService, ParkingSource,
    Spot,
};
use ifw_testkit::peer::LinePeer;

const DEADLINE: Duration = Duration::from_secs(20);

const SOURCES: [(&str, &str); 2] = [
    ("parking.rep", include_str!("../rep/parking.rep")),
    ("replica.cpp", include_str!("../cpp/replica.cpp")),
];

/// Builds the peer with repc, moc and g++ (reused until its sources change); returns its path.
fn build_peer() -> Result<PathBuf, String> {
    ifw_testkit::qt::build("peer", &SOURCES, "-O1").map_err(|e| e.to_string())
}

struct Park {
    rang: Arc<AtomicBool>,
}

impl ParkingService for Park {
    async fn reserve(
        &self,
        source: &ParkingSource,
        holder: String,
        bay: i32,
    ) -> Result<Spot, Error> {
        let spot = Spot { holder, bay };
        source.set_mode(ParkingMode::Full).await?;
        source.emit_arrived(spot.clone(), ParkingMode::Full).await?;
        Ok(spot)
    }

    async fn total(&self, _source: &ParkingSource, bays: Vec<i32>) -> Result<i32, Error> {
        Ok(bays.iter().sum())
    }

    async fn ring(&self, _source: &ParkingSource) -> Result<(), Error> {
        self.rang.store(true, Ordering::SeqCst);
        Ok(())
    }
}

#[tokio::test]
async fn a_qt_repc_replica_uses_the_generated_source() {
    let peer = tokio::task::spawn_blocking(build_peer).await.unwrap();
    let peer = peer.unwrap_or_else(|e| panic!("cannot build the Qt replica: {e}"));

    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    let rang = Arc::new(AtomicBool::new(false));
    let properties = ParkingProperties {
        spots: vec![
            Spot {
                holder: "ada".into(),
                bay: 1,
            },
            Spot {
                holder: "bob".into(),
                bay: 2,
            },
        ],
        vacant: vec![3, 4],
        fees: BTreeMap::from([("day".into(), 5), ("night".into(), 2)]),
        gates: vec!["east".into(), "west".into()],
        token: vec![0x00, 0xff],
        ..ParkingProperties::default()
    };
    let source = ParkingSource::new(Park { rang: rang.clone() }, properties).unwrap();
    source.enable_remoting(&host).await.unwrap();

    let mut peer = LinePeer::spawn(&peer, &["replica", &host.url().to_string()]).unwrap();
    let expected = [
        "initialized level=1 name=south mode=1 spots=ada@1;bob@2 vacant=3,4 fees=day:5,night:2 \
         gates=east,west token=00ff floors=4 rate=1.5",
        "reserve -> cy@7 error=0",
        "total -> 42 error=0",
        "levelChanged 3",
        "nameChanged north",
        "modeChanged 2",
        "arrived cy@7 mode=2",
        "spotsChanged dee@9",
    ];
    wait_all(&mut peer, &expected, "replica").await;
    assert_eq!(source.level().await.unwrap(), 3);
    assert_eq!(source.name().await.unwrap(), "north");
    assert_eq!(
        source.spots().await.unwrap(),
        [Spot {
            holder: "dee".into(),
            bay: 9
        }]
    );
    assert_eq!(source.mode().await.unwrap(), ParkingMode::Full);
    assert!(
        rang.load(Ordering::SeqCst),
        "the void slot reached the service"
    );
    drop(peer);
    host.shutdown().await;
}

/// Waits until the Qt `side` has printed every line of `wanted`, in any order.
async fn wait_all(peer: &mut LinePeer, wanted: &[&str], side: &str) {
    let done = |seen: &[String]| wanted.iter().all(|w| seen.iter().any(|l| l == w));
    assert!(
        peer.wait_until(DEADLINE, done).await,
        "the Qt {side} printed {:#?}, expected {wanted:#?}",
        peer.seen()
    );
}

/// A free TCP port on 127.0.0.1 for the Qt host.
fn free_tcp_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    format!("tcp://127.0.0.1:{port}")
}

#[tokio::test]
async fn the_generated_replica_uses_a_qt_repc_source() {
    let peer = tokio::task::spawn_blocking(build_peer).await.unwrap();
    let peer = peer.unwrap_or_else(|e| panic!("cannot build the Qt peer: {e}"));
    let url = free_tcp_url();
    let mut peer = LinePeer::spawn(&peer, &["source", &url]).unwrap();
    wait_all(&mut peer, &["ready 1"], "source").await;

    let node = Node::connect(&url).await.unwrap();
    let replica = ParkingReplica::acquire(&node);
    replica.wait_ready(DEADLINE).await.unwrap();
    assert_eq!(replica.level().unwrap(), 1);
    assert_eq!(replica.name().unwrap(), "south");
    assert_eq!(replica.mode().unwrap(), ParkingMode::Open);
    let spot = |holder: &str, bay| Spot {
        holder: holder.into(),
        bay,
    };
    assert_eq!(replica.spots().unwrap(), [spot("ada", 1), spot("bob", 2)]);
    assert_eq!(replica.vacant().unwrap(), [3, 4]);
    assert_eq!(
        replica.fees().unwrap(),
        BTreeMap::from([("day".into(), 5), ("night".into(), 2)])
    );
    assert_eq!(replica.gates().unwrap(), ["east", "west"]);
    assert_eq!(replica.token().unwrap(), [0x00, 0xff]);
    assert_eq!(replica.floors().unwrap(), 4);
    assert!((replica.rate().unwrap() - 1.5).abs() < f64::EPSILON);

    let mut events = replica.subscribe();
    let mut next = async || {
        tokio::time::timeout(DEADLINE, events.recv())
            .await
            .expect("an event in time")
            .expect("the replica lives")
            .expect("the event reads")
    };
    assert_eq!(
        replica.reserve("cy".into(), 7).await.unwrap(),
        spot("cy", 7)
    );
    assert_eq!(next().await, ParkingEvent::ModeChanged(ParkingMode::Full));
    assert_eq!(
        next().await,
        ParkingEvent::Arrived {
            spot: spot("cy", 7),
            mode: ParkingMode::Full
        }
    );
    assert_eq!(replica.total(vec![10, 20, 12]).await.unwrap(), 42);
    replica.set_level(3).await.unwrap();
    assert_eq!(next().await, ParkingEvent::LevelChanged(3));
    replica.set_name("north".into()).await.unwrap();
    assert_eq!(next().await, ParkingEvent::NameChanged("north".into()));
    replica.set_spots(vec![spot("dee", 9)]).await.unwrap();
    assert_eq!(
        next().await,
        ParkingEvent::SpotsChanged(vec![spot("dee", 9)])
    );
    replica.ring().await.unwrap();
    let wanted = [
        "levelChanged 3",
        "nameChanged north",
        "spotsChanged dee@9",
        "ring",
    ];
    wait_all(&mut peer, &wanted, "source").await;
    drop(peer);
}
