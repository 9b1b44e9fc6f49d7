//! Kafka's protocol error codes (`Errors.java`), the exception class the Java client maps
//! each to, and whether that class is retriable. Names are Kafka's, verbatim.

use serde::Serialize;

macro_rules! errors {
    ($( $variant:ident = $code:expr, $name:literal, $class:literal, $retriable:expr, $invalid_metadata:expr; )*) => {
        /// A protocol error code, as a broker answers it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(test, derive(ts_rs::TS), ts(type = "string", rename = "KafkaError"))]
        pub enum Error { $( $variant, )* }

        impl Error {
            /// Kafka's numeric code.
            pub fn code(self) -> i16 { match self { $( Error::$variant => $code, )* } }
            /// The protocol name (`NOT_ENOUGH_REPLICAS`).
            pub fn name(self) -> &'static str { match self { $( Error::$variant => $name, )* } }
            /// The exception class the Java client hands the callback.
            pub fn exception(self) -> &'static str { match self { $( Error::$variant => $class, )* } }
            /// Whether the exception is a `RetriableException`.
            pub fn retriable(self) -> bool { match self { $( Error::$variant => $retriable, )* } }
            /// Whether it is an `InvalidMetadataException` (triggers a metadata refresh).
            pub fn invalid_metadata(self) -> bool { match self { $( Error::$variant => $invalid_metadata, )* } }
            pub const ALL: &'static [Error] = &[ $( Error::$variant, )* ];
        }
    };
}

errors! {
    None = 0, "NONE", "", false, false;
    OffsetOutOfRange = 1, "OFFSET_OUT_OF_RANGE", "OffsetOutOfRangeException", false, false;
    CorruptMessage = 2, "CORRUPT_MESSAGE", "CorruptRecordException", true, false;
    UnknownTopicOrPartition = 3, "UNKNOWN_TOPIC_OR_PARTITION", "UnknownTopicOrPartitionException", true, true;
    LeaderNotAvailable = 5, "LEADER_NOT_AVAILABLE", "LeaderNotAvailableException", true, true;
    NotLeaderOrFollower = 6, "NOT_LEADER_OR_FOLLOWER", "NotLeaderOrFollowerException", true, true;
    RequestTimedOut = 7, "REQUEST_TIMED_OUT", "TimeoutException", true, false;
    MessageTooLarge = 10, "MESSAGE_TOO_LARGE", "RecordTooLargeException", false, false;
    NetworkException = 13, "NETWORK_EXCEPTION", "NetworkException", true, true;
    CoordinatorLoadInProgress = 14, "COORDINATOR_LOAD_IN_PROGRESS", "CoordinatorLoadInProgressException", true, false;
    CoordinatorNotAvailable = 15, "COORDINATOR_NOT_AVAILABLE", "CoordinatorNotAvailableException", true, false;
    NotCoordinator = 16, "NOT_COORDINATOR", "NotCoordinatorException", true, false;
    RecordListTooLarge = 18, "RECORD_LIST_TOO_LARGE", "RecordBatchTooLargeException", false, false;
    NotEnoughReplicas = 19, "NOT_ENOUGH_REPLICAS", "NotEnoughReplicasException", true, false;
    NotEnoughReplicasAfterAppend = 20, "NOT_ENOUGH_REPLICAS_AFTER_APPEND", "NotEnoughReplicasAfterAppendException", true, false;
    InvalidRequiredAcks = 21, "INVALID_REQUIRED_ACKS", "InvalidRequiredAcksException", false, false;
    IllegalGeneration = 22, "ILLEGAL_GENERATION", "IllegalGenerationException", false, false;
    InconsistentGroupProtocol = 23, "INCONSISTENT_GROUP_PROTOCOL", "InconsistentGroupProtocolException", false, false;
    UnknownMemberId = 25, "UNKNOWN_MEMBER_ID", "UnknownMemberIdException", false, false;
    InvalidSessionTimeout = 26, "INVALID_SESSION_TIMEOUT", "InvalidSessionTimeoutException", false, false;
    RebalanceInProgress = 27, "REBALANCE_IN_PROGRESS", "RebalanceInProgressException", false, false;
    InvalidTimestamp = 32, "INVALID_TIMESTAMP", "InvalidTimestampException", false, false;
    OutOfOrderSequenceNumber = 45, "OUT_OF_ORDER_SEQUENCE_NUMBER", "OutOfOrderSequenceException", false, false;
    DuplicateSequenceNumber = 46, "DUPLICATE_SEQUENCE_NUMBER", "DuplicateSequenceException", false, false;
    InvalidProducerEpoch = 47, "INVALID_PRODUCER_EPOCH", "InvalidProducerEpochException", false, false;
    InvalidTxnState = 48, "INVALID_TXN_STATE", "InvalidTxnStateException", false, false;
    InvalidTransactionTimeout = 50, "INVALID_TRANSACTION_TIMEOUT", "InvalidTxnTimeoutException", false, false;
    ConcurrentTransactions = 51, "CONCURRENT_TRANSACTIONS", "ConcurrentTransactionsException", true, false;
    KafkaStorageError = 56, "KAFKA_STORAGE_ERROR", "KafkaStorageException", true, true;
    UnknownProducerId = 59, "UNKNOWN_PRODUCER_ID", "UnknownProducerIdException", false, false;
    InvalidRecord = 87, "INVALID_RECORD", "InvalidRecordException", false, false;
    DuplicateBrokerRegistration = 101, "DUPLICATE_BROKER_REGISTRATION", "DuplicateBrokerRegistrationException", false, false;
    MemberIdRequired = 79, "MEMBER_ID_REQUIRED", "MemberIdRequiredException", false, false;
    FencedInstanceId = 82, "FENCED_INSTANCE_ID", "FencedInstanceIdException", false, false;
    FencedMemberEpoch = 110, "FENCED_MEMBER_EPOCH", "FencedMemberEpochException", false, false;
    UnreleasedInstanceId = 111, "UNRELEASED_INSTANCE_ID", "UnreleasedInstanceIdException", false, false;
    StaleMemberEpoch = 113, "STALE_MEMBER_EPOCH", "StaleMemberEpochException", false, false;
    FencedLeaderEpoch = 74, "FENCED_LEADER_EPOCH", "FencedLeaderEpochException", true, true;
    UnknownLeaderEpoch = 75, "UNKNOWN_LEADER_EPOCH", "UnknownLeaderEpochException", true, false;
    ProducerFenced = 90, "PRODUCER_FENCED", "ProducerFencedException", false, false;
    IneligibleReplica = 107, "INELIGIBLE_REPLICA", "IneligibleReplicaException", false, false;
    InvalidUpdateVersion = 108, "INVALID_UPDATE_VERSION", "InvalidUpdateVersionException", false, false;
    UnstableOffsetCommit = 88, "UNSTABLE_OFFSET_COMMIT", "UnstableOffsetCommitException", true, false;
    TransactionAbortable = 120, "TRANSACTION_ABORTABLE", "TransactionAbortableException", false, false;
}

impl Error {
    pub fn is_none(self) -> bool {
        self == Error::None
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// What the Java producer hands a send's callback when it fails: the exception class.
/// Broker errors map through [`Error::exception`]; the rest arise in the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ClientError {
    /// A broker error that ended the batch (not retried, or not retriable).
    Broker(Error),
    /// `delivery.timeout.ms` passed (in the accumulator or in flight), or the metadata
    /// wait in `send()` exceeded `max.block.ms`: `TimeoutException`.
    Timeout,
    /// No buffer memory within `max.block.ms`: `BufferExhaustedException` (a TimeoutException).
    BufferExhausted,
    /// The record is larger than `max.request.size` or `buffer.memory`: `RecordTooLargeException`.
    RecordTooLarge,
    /// The transaction was aborted before the batch was sent: `TransactionAbortedException`.
    TransactionAborted,
    /// A newer instance with the same transactional.id exists: `ProducerFencedException`.
    ProducerFenced,
    /// The producer is in an error state from an earlier failure (`KafkaException`).
    Kafka,
    /// A call made in the wrong state, e.g. `send()` outside a transaction on a
    /// transactional producer (`IllegalStateException`).
    IllegalState,
    /// `send()` threw `IllegalArgumentException`: a new batch needs more than all of
    /// `buffer.memory` (`BufferPool.allocate`: "Attempt to allocate N bytes, but there is a
    /// hard limit of M on memory allocations.").
    IllegalArgument,
    /// TxnOffsetCommit found the consumer's group metadata out of date (UNKNOWN_MEMBER_ID,
    /// ILLEGAL_GENERATION): `CommitFailedException`, an abortable error.
    CommitFailed,
}

impl ClientError {
    pub fn exception(self) -> &'static str {
        match self {
            ClientError::Broker(e) => e.exception(),
            ClientError::Timeout => "TimeoutException",
            ClientError::BufferExhausted => "BufferExhaustedException",
            ClientError::RecordTooLarge => "RecordTooLargeException",
            ClientError::TransactionAborted => "TransactionAbortedException",
            ClientError::ProducerFenced => "ProducerFencedException",
            ClientError::Kafka => "KafkaException",
            ClientError::IllegalState => "IllegalStateException",
            ClientError::IllegalArgument => "IllegalArgumentException",
            ClientError::CommitFailed => "CommitFailedException",
        }
    }

    /// Whether `send()` throws it to the caller instead of handing it to the callback
    /// (not an `ApiException`): Kafka counts such records in no error metric.
    pub fn thrown_by_send(self) -> bool {
        matches!(self, ClientError::IllegalArgument | ClientError::IllegalState)
    }

    /// Whether it is an `ApiException` raised inside `send()` itself (`doSend` hands it to
    /// the callback and calls `maybeTransitionToErrorState`); `KafkaException` from an
    /// earlier error state is not one.
    pub fn api_exception(self) -> bool {
        matches!(
            self,
            ClientError::Broker(_)
                | ClientError::Timeout
                | ClientError::BufferExhausted
                | ClientError::RecordTooLarge
                | ClientError::ProducerFenced
        )
    }
}

/// The superclasses of an exception class, nearest first, as in `org.apache.kafka.common.errors`.
/// `errors.TimeoutException` in an expectation counts its subclasses too.
pub fn superclasses(class: &str) -> &'static [&'static str] {
    match class {
        "BufferExhaustedException" => &["TimeoutException", "RetriableException", "ApiException"],
        "TimeoutException"
        | "NotEnoughReplicasException"
        | "NotEnoughReplicasAfterAppendException"
        | "CorruptRecordException"
        | "ConcurrentTransactionsException"
        | "CoordinatorNotAvailableException"
        | "NotCoordinatorException"
        | "CoordinatorLoadInProgressException"
        | "UnknownLeaderEpochException" => &["RetriableException", "ApiException"],
        "NotLeaderOrFollowerException"
        | "LeaderNotAvailableException"
        | "UnknownTopicOrPartitionException"
        | "NetworkException"
        | "KafkaStorageException"
        | "FencedLeaderEpochException" => &["InvalidMetadataException", "RetriableException", "ApiException"],
        "UnknownProducerIdException" => &["OutOfOrderSequenceException", "ApiException"],
        "" | "IllegalStateException" | "IllegalArgumentException" | "KafkaException" => &[],
        _ => &["ApiException"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_classes_match_kafka() {
        assert_eq!(Error::NotEnoughReplicas.code(), 19);
        assert_eq!(Error::NotEnoughReplicasAfterAppend.code(), 20);
        assert_eq!(Error::OutOfOrderSequenceNumber.code(), 45);
        assert_eq!(Error::ProducerFenced.code(), 90);
        assert!(Error::NotEnoughReplicasAfterAppend.retriable());
        assert!(!Error::OutOfOrderSequenceNumber.retriable());
        assert!(Error::NotLeaderOrFollower.invalid_metadata());
        assert_eq!(ClientError::BufferExhausted.exception(), "BufferExhaustedException");
        assert_eq!(superclasses("BufferExhaustedException")[0], "TimeoutException");
    }
}
