//! The wire between nodes: Kafka's requests and responses as the simulation carries them.
//!
//! Messages are modelled at the level Kafka's semantics need: a ProduceRequest carries at
//! most one batch per partition, a Fetch names each partition's fetch offset and last
//! fetched epoch, responses carry Kafka's error codes ([`Error`]). Batches travel as
//! `Rc<BatchData>`: the leader's log, the followers' logs and the request all share one
//! immutable copy, which is what makes replication cheap to simulate.
//!
//! Map: `errors` (codes, exception classes), `messages` (envelopes and bodies),
//! `image` (the controller's metadata image that brokers and clients learn), `tp` (a topic
//! partition).

pub mod errors;
pub mod image;
pub mod messages;
pub mod tp;

pub use errors::{ClientError, Error};
pub use image::{BrokerImage, ClusterImage, PartitionImage};
pub use messages::*;
pub use tp::Tp;
