//! MQTT transport for ifw: a client backend and a service adapter on rumqttc, with topics taken
//! from `@config_mqtt` annotations, wire-compatible with Qt Interface Framework's `backend_mqtt`.
//!
//! Nothing lives here yet.
