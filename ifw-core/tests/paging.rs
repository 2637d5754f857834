//! `model<T>` over Qt Remote Objects, Rust to Rust: a `PagingModelSource` on a host, replicas on
//! a node registering, fetching in chunks and following changes.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a failing test should fail loudly"
)]

use std::time::Duration;

use ifw_core::Error;
use ifw_core::paging::{ModelChange, PagingModelReplica, PagingModelSource};
use ifw_qtro::{Host, Node};

const DEADLINE: Duration = Duration::from_secs(5);

async fn next(changes: &mut ifw_core::paging::ModelChanges<i32>) -> ModelChange<i32> {
    tokio::time::timeout(DEADLINE, changes.recv())
        .await
        .expect("a change in time")
        .expect("the replica is alive")
        .expect("the change reads")
}

#[tokio::test]
async fn a_replica_reads_and_follows_a_model() {
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    let model = PagingModelSource::new((0..75).collect::<Vec<i32>>()).unwrap();
    model
        .enable_remoting(&host, "demo.Iface.rows")
        .await
        .unwrap();
    let node = Node::connect(&host.url().to_string()).await.unwrap();

    let replica = PagingModelReplica::<i32>::acquire(&node, "demo.Iface.rows");
    // 75 rows arrive in three chunks of at most 30.
    assert_eq!(
        replica.rows(DEADLINE).await.unwrap(),
        (0..75).collect::<Vec<_>>()
    );
    let (rows, more) = replica.fetch(70, 30, DEADLINE).await.unwrap();
    assert_eq!((rows, more), (vec![70, 71, 72, 73, 74], false));
    let (rows, more) = replica.fetch(10, 2, DEADLINE).await.unwrap();
    assert_eq!((rows, more), (vec![10, 11], true));
    let (rows, more) = replica.fetch(500, 3, DEADLINE).await.unwrap();
    assert_eq!((rows, more), (vec![], false));

    let mut changes = replica.changes();
    model.insert(1, 100).await.unwrap();
    assert_eq!(
        next(&mut changes).await,
        ModelChange::Rows {
            start: 1,
            count: 0,
            rows: vec![100]
        }
    );
    assert_eq!(next(&mut changes).await, ModelChange::Count(76));
    assert_eq!(model.remove(0).await.unwrap(), 0);
    assert_eq!(
        next(&mut changes).await,
        ModelChange::Rows {
            start: 0,
            count: 1,
            rows: vec![]
        }
    );
    assert_eq!(next(&mut changes).await, ModelChange::Count(75));
    model.update(2, -2).await.unwrap();
    assert_eq!(
        next(&mut changes).await,
        ModelChange::Rows {
            start: 2,
            count: 1,
            rows: vec![-2]
        }
    );
    // [100, 1, -2, 3, …] with row 0 moved to 2: rows 0..=2 change.
    model.move_row(0, 2).await.unwrap();
    assert_eq!(
        next(&mut changes).await,
        ModelChange::Rows {
            start: 0,
            count: 3,
            rows: vec![1, -2, 100]
        }
    );
    model.reset(vec![7, 8]).await.unwrap();
    assert_eq!(
        next(&mut changes).await,
        ModelChange::Rows {
            start: 0,
            count: 75,
            rows: vec![]
        }
    );
    assert_eq!(next(&mut changes).await, ModelChange::Count(0));
    assert_eq!(
        next(&mut changes).await,
        ModelChange::Rows {
            start: 0,
            count: 0,
            rows: vec![7, 8]
        }
    );
    assert_eq!(next(&mut changes).await, ModelChange::Count(2));

    // A second instance registers on its own and sees the current rows.
    let other = PagingModelReplica::<i32>::acquire(&node, "demo.Iface.rows");
    assert_eq!(other.rows(DEADLINE).await.unwrap(), [7, 8]);
    other.unregister().await.unwrap();

    // Out of range: an error here, nothing on the wire.
    assert!(matches!(
        model.remove(5).await,
        Err(Error::IndexOutOfRange { index: 5, len: 2 })
    ));
    assert!(model.insert(3, 1).await.is_err());
    assert!(model.move_row(0, 9).await.is_err());
    host.shutdown().await;
}

#[tokio::test]
async fn rows_that_do_not_read_as_the_type_are_an_error() {
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    let model = PagingModelSource::new(vec!["a".to_string()]).unwrap();
    model.enable_remoting(&host, "m").await.unwrap();
    let node = Node::connect(&host.url().to_string()).await.unwrap();
    let replica = PagingModelReplica::<bool>::acquire(&node, "m");
    assert!(replica.rows(DEADLINE).await.is_err());
    host.shutdown().await;
}
