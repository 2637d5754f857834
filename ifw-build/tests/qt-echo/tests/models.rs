//! The `contactList` model property of Qt IF's `org.example.echo.qface` with a real Qt 6 on the
//! other side, as Qt IF carries models: a `QIfPagingModel` object beside the interface, remoted
//! under `org.example.echomodule.Echo.contactList`.
//!
//! - The generated `EchoSource`'s model, read by a repc `QIfPagingModelReplica` the way Qt IF's
//!   frontend pages a model (register a UUID, fetch rows), and followed through an insert.
//! - The generated `EchoReplica`'s model handle against a C++ `QIfPagingModelSource` answering as
//!   Qt IF's simulation model backend does.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    missing_docs,
    reason = "a failing test should fail loudly"
)]

mod support;

use std::time::Duration;

use ifw_core::FromQtro;
use ifw_core::paging::ModelChange;
use ifw_qt_echo::org_example_echomodule::{
    Contact, EchoProperties, EchoReplica, EchoService, EchoSource,
};
use ifw_qt_echo::script;
use ifw_qtro::{Host, Node};
use support::*;

const WAIT: Duration = Duration::from_secs(20);

fn contact(set: char) -> Contact {
    Contact::from_qtro(&script::contact(set)).unwrap()
}

/// A service with every default: the model needs none.
struct Defaults;

impl EchoService for Defaults {}

#[tokio::test]
async fn a_qt_model_replica_pages_the_generated_model() {
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    let source = EchoSource::new(Defaults, EchoProperties::default()).unwrap();
    let model = source.contact_list();
    model
        .reset(vec![contact('a'), contact('b'), contact('c')])
        .await
        .unwrap();
    source.enable_remoting(&host).await.unwrap();

    let mut peer = Peer::start(&["model-replica", &host.url().to_string()]).await;
    peer.phase_line("model count 3").await;
    peer.phase_line("model fetched start=0 more=0 rows=Antti,Bea,Cid")
        .await;
    model.insert(1, contact('c')).await.unwrap();
    peer.phase_line("model changed start=1 count=0 rows=Cid")
        .await;
    peer.phase_line("model count 4").await;
    model.remove(0).await.unwrap();
    peer.phase_line("model changed start=0 count=1 rows=").await;
    peer.phase_line("model count 3").await;
    host.shutdown().await;
}

#[tokio::test]
async fn the_generated_replica_pages_a_qt_model() {
    let url = free_tcp_url();
    let mut peer = Peer::start(&["model-source", &url]).await;
    peer.phase_line("enableRemoting 1").await;
    let node = Node::connect(&url).await.unwrap();
    // The interface itself is not remoted here: its model is on its own.
    let replica = EchoReplica::acquire(&node);
    let model = replica.contact_list();
    assert_eq!(
        model.rows(WAIT).await.unwrap(),
        [contact('a'), contact('b'), contact('c')]
    );
    let mut changes = model.changes();
    peer.send("insert").await;
    let mut next = async || {
        tokio::time::timeout(WAIT, changes.recv())
            .await
            .expect("a change in time")
            .expect("the replica is alive")
            .expect("the change reads")
    };
    assert_eq!(
        next().await,
        ModelChange::Rows {
            start: 1,
            count: 0,
            rows: vec![contact('c')]
        }
    );
    assert_eq!(next().await, ModelChange::Count(4));
}
