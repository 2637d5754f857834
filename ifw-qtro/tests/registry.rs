//! The registry: hosts register their sources, clients find and acquire them; a registry that
//! starts late, a host that goes away, a duplicate name, sources on the registry node itself.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a failing test should fail loudly"
)]

#[path = "support/car.rs"]
mod car;

use std::time::Duration;

use car::{
    CAR_SIGNATURE, DEADLINE, car_definition, car_source, free_tcp_url, registered_host, within,
};
use ifw_qtro::registry::registry_definition;
use ifw_qtro::{
    Host, HostOptions, Node, NodeOptions, Registry, RegistryHost, ReplicaEvent, ReplicaState,
    SourceLocation, Value,
};

fn fast() -> NodeOptions {
    NodeOptions::default().retry_interval(Duration::from_millis(20))
}

async fn registry_lists(registry: &Registry, names: &[&str]) {
    let mut rx = registry.location_changes();
    within("the registry's list", async {
        rx.wait_for(|all| {
            let mut got: Vec<&str> = all.iter().map(|l| &l.name[..]).collect();
            got.sort_unstable();
            got == names
        })
        .await
        .unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_client_finds_a_source_through_the_registry() {
    let registry_host = RegistryHost::listen("tcp://127.0.0.1:0").await.unwrap();
    let registry_url = registry_host.host().url().to_string();
    let host = registered_host(&registry_url, 21).await;

    let registry = Registry::connect_with(&registry_url, fast()).await.unwrap();
    let location = registry.wait_for("Car", DEADLINE).await.unwrap();
    assert_eq!(
        location,
        SourceLocation {
            name: "Car".into(),
            type_name: Some("Car".into()),
            host_url: host.url().to_string(),
        }
    );
    let car = registry.acquire_dynamic("Car", DEADLINE).await.unwrap();
    car.wait_ready(DEADLINE).await.unwrap();
    assert_eq!(car.property("speed").unwrap(), Value::Int(21));
    let typed = registry
        .acquire("Car", car_definition(), Some(CAR_SIGNATURE), DEADLINE)
        .await
        .unwrap();
    typed.wait_ready(DEADLINE).await.unwrap();
    assert_eq!(
        typed.call("add", vec![1.into(), 2.into()]).await.unwrap(),
        Value::Int(3)
    );
    assert_eq!(registry_host.locations().await, vec![location]);

    // A static replica of the Registry itself sees the same table.
    let node = Node::connect(&registry_url).await.unwrap();
    let raw = node.acquire("Registry", registry_definition(), None);
    raw.wait_ready(DEADLINE).await.unwrap();
    let Value::Associative(table) = raw.property("sourceLocations").unwrap() else {
        panic!("a QHash expected");
    };
    assert_eq!(table.entries.len(), 1);

    // Disabling remoting unregisters the source.
    assert!(host.disable_remoting("Car").await);
    registry_lists(&registry, &[]).await;
    node.shutdown().await;
    registry.shutdown().await;
    host.shutdown().await;
    registry_host.shutdown().await;
}

#[tokio::test]
async fn a_registry_that_starts_after_hosts_and_clients() {
    let registry_url = free_tcp_url();
    let host = registered_host(&registry_url, 5).await;
    let registry = Registry::connect_with(&registry_url, fast()).await.unwrap();
    let pending = {
        let registry = &registry;
        async move { registry.acquire_dynamic("Car", DEADLINE).await }
    };
    let (car, registry_host) = tokio::join!(pending, async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        RegistryHost::listen(&registry_url).await.unwrap()
    });
    let car = car.unwrap();
    car.wait_ready(DEADLINE).await.unwrap();
    assert_eq!(car.property("speed").unwrap(), Value::Int(5));
    registry.shutdown().await;
    host.shutdown().await;
    registry_host.shutdown().await;
}

#[tokio::test]
async fn a_host_that_goes_away_is_unregistered() {
    let registry_host = RegistryHost::listen("tcp://127.0.0.1:0").await.unwrap();
    let registry_url = registry_host.host().url().to_string();
    let registry = Registry::connect_with(&registry_url, fast()).await.unwrap();
    let host = registered_host(&registry_url, 1).await;
    let other = Host::listen_with(
        "tcp://127.0.0.1:0",
        HostOptions::default().registry(&registry_url),
    )
    .await
    .unwrap();
    other.enable_remoting("Bus", car_source(2)).await.unwrap();
    // A second "Car" from another host is ignored: the first registration wins.
    other.enable_remoting("Car", car_source(3)).await.unwrap();
    registry_lists(&registry, &["Bus", "Car"]).await;
    let car = registry.wait_for("Car", DEADLINE).await.unwrap();
    assert_eq!(car.host_url, host.url().to_string());

    drop(host);
    registry_lists(&registry, &["Bus"]).await;
    assert_eq!(registry_host.locations().await.len(), 1);
    registry.shutdown().await;
    other.shutdown().await;
    registry_host.shutdown().await;
}

#[tokio::test]
async fn sources_on_the_registry_node_itself() {
    let registry_host = RegistryHost::listen("tcp://127.0.0.1:0").await.unwrap();
    registry_host
        .enable_remoting("Car", car_source(8))
        .await
        .unwrap();
    let registry_url = registry_host.host().url().to_string();
    let registry = Registry::connect_with(&registry_url, fast()).await.unwrap();
    let car = registry.acquire_dynamic("Car", DEADLINE).await.unwrap();
    car.wait_ready(DEADLINE).await.unwrap();
    assert_eq!(car.property("speed").unwrap(), Value::Int(8));
    assert!(registry_host.disable_remoting("Car").await);
    assert!(!registry_host.disable_remoting("Registry").await);
    registry_lists(&registry, &[]).await;
    registry.shutdown().await;
    registry_host.shutdown().await;
}

/// Checklist item 15: the host of a source goes away (the replica is Suspect), the source is
/// remoted again by another host at another URL, with a value changed meanwhile; the registry
/// client's replicas (dynamic and static) follow it and become ready with the new value.
#[tokio::test]
async fn a_source_that_moves_to_another_host_is_followed() {
    let registry_host = RegistryHost::listen("tcp://127.0.0.1:0").await.unwrap();
    let registry_url = registry_host.host().url().to_string();
    let first = registered_host(&registry_url, 1).await;
    let first_url = first.url().to_string();
    let registry = Registry::connect_with(&registry_url, fast()).await.unwrap();
    let car = registry.acquire_dynamic("Car", DEADLINE).await.unwrap();
    let typed = registry
        .acquire("Car", car_definition(), Some(CAR_SIGNATURE), DEADLINE)
        .await
        .unwrap();
    car.wait_ready(DEADLINE).await.unwrap();
    typed.wait_ready(DEADLINE).await.unwrap();
    assert_eq!(car.property("speed").unwrap(), Value::Int(1));
    let mut events = car.subscribe();

    first.shutdown().await;
    car.wait_for_state(DEADLINE, |s| *s == ReplicaState::Disconnected)
        .await
        .unwrap();
    registry_lists(&registry, &[]).await;

    // Another host, another URL, and the value moved on meanwhile.
    let second = registered_host(&registry_url, 2).await;
    assert_ne!(second.url().to_string(), first_url);
    car.wait_ready(DEADLINE).await.unwrap();
    typed.wait_ready(DEADLINE).await.unwrap();
    assert_eq!(car.property("speed").unwrap(), Value::Int(2));
    assert_eq!(typed.property("speed").unwrap(), Value::Int(2));
    // The re-initialization reports what changed.
    let event = within("the change to be reported", events.recv()).await;
    assert!(matches!(
        event,
        Some(ReplicaEvent::PropertyChanged { ref name, value: Value::Int(2), .. }) if name == "speed"
    ));
    // Calls and pushes go to the new host.
    assert_eq!(
        typed.call("add", vec![2.into(), 3.into()]).await.unwrap(),
        Value::Int(5)
    );
    typed.set_property("speed", 7).await.unwrap();
    within("the write to come back", async {
        while car.property("speed").unwrap() != Value::Int(7) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    registry.shutdown().await;
    second.shutdown().await;
    registry_host.shutdown().await;
}
