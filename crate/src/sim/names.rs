//! Names: how a node id or a partition is printed, without a global.
//!
//! Inside a run a node is a small integer and a partition is a topic index and a number;
//! printed, they are `broker-2` and `orders-0`. A run owns its [`NameTable`], and every
//! place that prints passes it explicitly:
//! - text: [`NameTable::node`], [`NameTable::partition`];
//! - serialized output: [`Named`] wraps any `Serialize` value with a table. `NodeId` and
//!   the layer above's partition type serialize as a marked newtype ([`NODE`],
//!   [`PARTITION`]); [`Named`]'s serializer replaces each marked value by its name and
//!   passes everything else through unchanged, to any serde format (JSON, JS values).
//!   Serialized without a table, a marked value is its bare number.
//!
//! So two runs (or two reports) in one thread can never change what the other prints.

use serde::ser::{self, Impossible, Serialize, Serializer};

use super::NodeId;

/// Marks a serialized node id (a `u64`).
pub const NODE: &str = "\u{0}kplay::node";
/// Marks a serialized partition: `(topic index << 32) | partition`, a `u64`.
pub const PARTITION: &str = "\u{0}kplay::partition";

/// One run's names: nodes by `NodeId.0`, topics by index, and topics with reserved
/// indexes outside the declared ones (the layer above's internal topics).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameTable {
    pub nodes: Vec<String>,
    pub topics: Vec<String>,
    pub reserved_topics: Vec<(u16, String)>,
}

impl NameTable {
    /// The printable name of a node.
    pub fn node(&self, id: NodeId) -> String {
        self.nodes.get(id.index()).cloned().unwrap_or_else(|| format!("node-{}", id.0))
    }

    /// The name of topic `index`.
    pub fn topic(&self, index: u16) -> String {
        if let Some(name) = self.topics.get(index as usize) {
            return name.clone();
        }
        match self.reserved_topics.iter().find(|(i, _)| *i == index) {
            Some((_, name)) => name.clone(),
            None => format!("topic{index}"),
        }
    }

    /// A partition printed the way Kafka's `TopicPartition.toString` does: `orders-0`.
    pub fn partition(&self, topic: u16, partition: u32) -> String {
        format!("{}-{}", self.topic(topic), partition)
    }

    fn resolve(&self, mark: &str, n: u64) -> String {
        if mark == NODE {
            self.node(NodeId(n as u16))
        } else {
            self.partition((n >> 32) as u16, n as u32)
        }
    }
}

impl Serialize for NodeId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(NODE, &u64::from(self.0))
    }
}

/// `value`, serialized with `names`: node ids and partitions print as their names.
pub struct Named<'a, T: ?Sized> {
    pub names: &'a NameTable,
    pub value: &'a T,
}

impl<'a, T: ?Sized> Named<'a, T> {
    pub fn new(names: &'a NameTable, value: &'a T) -> Self {
        Named { names, value }
    }
}

impl<T: Serialize + ?Sized> Serialize for Named<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(NamedSer { s, names: self.names })
    }
}

/// Serializes `value` as JSON with `names`.
pub fn to_json<T: Serialize + ?Sized>(names: &NameTable, value: &T) -> serde_json::Result<String> {
    serde_json::to_string(&Named::new(names, value))
}

/// A serializer passing everything to `s`, names put in for marked values.
struct NamedSer<'a, S> {
    s: S,
    names: &'a NameTable,
}

/// A compound serializer whose elements are [`Named`].
pub struct Wrap<'a, C> {
    c: C,
    names: &'a NameTable,
}

macro_rules! forward {
    ($($f:ident($t:ty)),* $(,)?) => {
        $(fn $f(self, v: $t) -> Result<S::Ok, S::Error> { self.s.$f(v) })*
    };
}

impl<'a, S: Serializer> Serializer for NamedSer<'a, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Wrap<'a, S::SerializeSeq>;
    type SerializeTuple = Wrap<'a, S::SerializeTuple>;
    type SerializeTupleStruct = Wrap<'a, S::SerializeTupleStruct>;
    type SerializeTupleVariant = Wrap<'a, S::SerializeTupleVariant>;
    type SerializeMap = Wrap<'a, S::SerializeMap>;
    type SerializeStruct = Wrap<'a, S::SerializeStruct>;
    type SerializeStructVariant = Wrap<'a, S::SerializeStructVariant>;

    forward!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_unit_struct(&'static str),
    );

    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.s.serialize_none()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<S::Ok, S::Error> {
        self.s.serialize_some(&Named::new(self.names, v))
    }
    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.s.serialize_unit()
    }
    fn serialize_unit_variant(self, name: &'static str, i: u32, variant: &'static str) -> Result<S::Ok, S::Error> {
        self.s.serialize_unit_variant(name, i, variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, v: &T) -> Result<S::Ok, S::Error> {
        if name == NODE || name == PARTITION {
            let n = v.serialize(Capture).map_err(|_| <S::Error as ser::Error>::custom("a marked name is not a u64"))?;
            return self.s.serialize_str(&self.names.resolve(name, n));
        }
        self.s.serialize_newtype_struct(name, &Named::new(self.names, v))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        i: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<S::Ok, S::Error> {
        self.s.serialize_newtype_variant(name, i, variant, &Named::new(self.names, v))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        Ok(Wrap { c: self.s.serialize_seq(len)?, names: self.names })
    }
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        Ok(Wrap { c: self.s.serialize_tuple(len)?, names: self.names })
    }
    fn serialize_tuple_struct(self, name: &'static str, len: usize) -> Result<Self::SerializeTupleStruct, S::Error> {
        Ok(Wrap { c: self.s.serialize_tuple_struct(name, len)?, names: self.names })
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        i: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        Ok(Wrap { c: self.s.serialize_tuple_variant(name, i, variant, len)?, names: self.names })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        Ok(Wrap { c: self.s.serialize_map(len)?, names: self.names })
    }
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Self::SerializeStruct, S::Error> {
        Ok(Wrap { c: self.s.serialize_struct(name, len)?, names: self.names })
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        i: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        Ok(Wrap { c: self.s.serialize_struct_variant(name, i, variant, len)?, names: self.names })
    }
    fn is_human_readable(&self) -> bool {
        self.s.is_human_readable()
    }
}

/// The compound serializers whose elements are values: each element is [`Named`].
macro_rules! wrap_values {
    ($($tr:ident :: $f:ident),*) => {$(
        impl<C: ser::$tr> ser::$tr for Wrap<'_, C> {
            type Ok = C::Ok;
            type Error = C::Error;
            fn $f<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), C::Error> {
                self.c.$f(&Named::new(self.names, v))
            }
            fn end(self) -> Result<C::Ok, C::Error> {
                self.c.end()
            }
        }
    )*};
}
wrap_values!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// The compound serializers whose elements are named fields.
macro_rules! wrap_fields {
    ($($tr:ident),*) => {$(
        impl<C: ser::$tr> ser::$tr for Wrap<'_, C> {
            type Ok = C::Ok;
            type Error = C::Error;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result<(), C::Error> {
                self.c.serialize_field(key, &Named::new(self.names, v))
            }
            fn skip_field(&mut self, key: &'static str) -> Result<(), C::Error> {
                self.c.skip_field(key)
            }
            fn end(self) -> Result<C::Ok, C::Error> {
                self.c.end()
            }
        }
    )*};
}
wrap_fields!(SerializeStruct, SerializeStructVariant);

impl<C: ser::SerializeMap> ser::SerializeMap for Wrap<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), C::Error> {
        self.c.serialize_key(&Named::new(self.names, k))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), C::Error> {
        self.c.serialize_value(&Named::new(self.names, v))
    }
    fn serialize_entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(&mut self, k: &K, v: &V) -> Result<(), C::Error> {
        self.c.serialize_entry(&Named::new(self.names, k), &Named::new(self.names, v))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.c.end()
    }
}

/// `Serialize` for a type that holds its run's names in a field `names` and derives its
/// fields' serialization with `#[serde(remote = "Self")]` (which makes that an inherent
/// function): the fields serialize through [`Named`] with those names.
#[macro_export]
macro_rules! serialize_with_names {
    ($t:ty) => {
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                struct Fields<'a>(&'a $t);
                impl serde::Serialize for Fields<'_> {
                    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                        <$t>::serialize(self.0, s)
                    }
                }
                $crate::sim::Named::new(&self.names, &Fields(self)).serialize(s)
            }
        }
    };
}

/// Reads the `u64` inside a marked newtype; anything else is an error.
struct Capture;

#[derive(Debug)]
struct NotU64;

impl std::fmt::Display for NotU64 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a u64")
    }
}
impl std::error::Error for NotU64 {}
impl ser::Error for NotU64 {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        NotU64
    }
}

macro_rules! refuse {
    ($($f:ident($($t:ty),*)),* $(,)?) => {
        $(fn $f(self, $(_: $t),*) -> Result<u64, NotU64> { Err(NotU64) })*
    };
}

impl Serializer for Capture {
    type Ok = u64;
    type Error = NotU64;
    type SerializeSeq = Impossible<u64, NotU64>;
    type SerializeTuple = Impossible<u64, NotU64>;
    type SerializeTupleStruct = Impossible<u64, NotU64>;
    type SerializeTupleVariant = Impossible<u64, NotU64>;
    type SerializeMap = Impossible<u64, NotU64>;
    type SerializeStruct = Impossible<u64, NotU64>;
    type SerializeStructVariant = Impossible<u64, NotU64>;

    fn serialize_u64(self, v: u64) -> Result<u64, NotU64> {
        Ok(v)
    }
    refuse!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    );
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<u64, NotU64> {
        Err(NotU64)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, _: &T) -> Result<u64, NotU64> {
        Err(NotU64)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<u64, NotU64> {
        Err(NotU64)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotU64> {
        Err(NotU64)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotU64> {
        Err(NotU64)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, NotU64> {
        Err(NotU64)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotU64> {
        Err(NotU64)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotU64> {
        Err(NotU64)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, NotU64> {
        Err(NotU64)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotU64> {
        Err(NotU64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Ev {
        from: NodeId,
        to: Option<NodeId>,
        by: crate::sim::VecMap<NodeId, u32>,
    }

    fn table(first: &str) -> NameTable {
        NameTable { nodes: vec!["controller".into(), first.into()], topics: vec![], reserved_topics: vec![] }
    }

    #[test]
    fn a_value_prints_with_the_table_it_is_given_and_no_other() {
        let mut by = crate::sim::VecMap::new();
        by.insert(NodeId(1), 3);
        let ev = Ev { from: NodeId(1), to: Some(NodeId(7)), by };
        let a = table("orders-app");
        let b = table("payments-app");
        let ja = to_json(&a, &ev).unwrap();
        assert_eq!(ja, r#"{"from":"orders-app","to":"node-7","by":{"orders-app":3}}"#);
        // Serializing with another table in between changes nothing of the first.
        assert!(to_json(&b, &ev).unwrap().contains("payments-app"));
        assert_eq!(to_json(&a, &ev).unwrap(), ja);
        // Without a table a node is its number.
        assert_eq!(serde_json::to_string(&ev.from).unwrap(), "1");
    }

    #[test]
    fn partitions_print_as_kafka_does() {
        let t = NameTable {
            nodes: vec![],
            topics: vec!["orders".into()],
            reserved_topics: vec![(u16::MAX, "__consumer_offsets".into())],
        };
        assert_eq!(t.partition(0, 3), "orders-3");
        assert_eq!(t.partition(u16::MAX, 12), "__consumer_offsets-12");
        assert_eq!(t.partition(4, 0), "topic4-0");
    }
}
