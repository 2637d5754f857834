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

use car::{CAR_SIGNATURE, DEADLINE, car_definition, car_source, free_tcp_url, within};
use ifw_qtro::registry::registry_definition;
use ifw_qtro::{
    Host, HostOptions, Node, NodeOptions, Registry, RegistryHost, SourceLocation, Value,
};

fn fast() -> NodeOptions {
    NodeOptions::default().retry_interval(Duration::from_millis(20))
}

async fn registered_host(registry: &str, speed: i32) -> Host {
    let host = Host::listen_with(
        "tcp://127.0.0.1:0",
        HostOptions::default().registry(registry),
    )
    .await
    .unwrap();
    host.enable_remoting("Car", car_source(speed))
        .await
        .unwrap();
    host
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
