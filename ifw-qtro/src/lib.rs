//! Qt Remote Objects 2.0 for ifw: the QDataStream/QVariant codec, the packets, the host (source
//! side), the node (replica side) and the registry, byte-compatible with Qt 6.
