//! The few ONNX protobuf messages an export needs, encoded by hand (protobuf's wire format is
//! small: varints and length-delimited fields), so the build needs neither `protoc` nor a
//! generated-code crate. Field numbers are those of `onnx/onnx.proto` (IR version 7).

/// ONNX tensor element types used here (`TensorProto.DataType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElemType {
    Int64 = 7,
    Double = 11,
}

/// A protobuf message being written.
#[derive(Debug, Default, Clone)]
pub struct Message(Vec<u8>);

impl Message {
    pub fn new() -> Self {
        Message::default()
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.0.push((value as u8 & 0x7f) | 0x80);
            value >>= 7;
        }
        self.0.push(value as u8);
    }

    fn key(&mut self, field: u32, wire_type: u8) {
        self.varint(u64::from(field) << 3 | u64::from(wire_type));
    }

    /// An int32, int64 or enum field (negative values take ten bytes, as protobuf requires).
    pub fn int(&mut self, field: u32, value: i64) -> &mut Self {
        self.key(field, 0);
        self.varint(value as u64);
        self
    }

    pub fn bytes(&mut self, field: u32, value: &[u8]) -> &mut Self {
        self.key(field, 2);
        self.varint(value.len() as u64);
        self.0.extend_from_slice(value);
        self
    }

    pub fn string(&mut self, field: u32, value: &str) -> &mut Self {
        self.bytes(field, value.as_bytes())
    }

    pub fn message(&mut self, field: u32, value: &Message) -> &mut Self {
        self.bytes(field, &value.0)
    }
}

/// `TensorProto` holding doubles, in `raw_data` (little-endian).
pub fn double_tensor(name: &str, dims: &[usize], values: &[f64]) -> Message {
    let raw: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    tensor(name, dims, ElemType::Double, &raw)
}

/// `TensorProto` holding int64s, in `raw_data` (little-endian).
pub fn int64_tensor(name: &str, dims: &[usize], values: &[i64]) -> Message {
    let raw: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    tensor(name, dims, ElemType::Int64, &raw)
}

fn tensor(name: &str, dims: &[usize], elem: ElemType, raw: &[u8]) -> Message {
    let mut t = Message::new();
    for &d in dims {
        t.int(1, d as i64);
    }
    t.int(2, elem as i64).string(8, name).bytes(9, raw);
    t
}

/// An attribute of a node.
pub enum Attribute<'a> {
    Int(&'a str, i64),
}

/// `NodeProto`: one operator of the default (`ai.onnx`) domain.
pub fn node(op: &str, inputs: &[&str], outputs: &[&str], attributes: &[Attribute]) -> Message {
    let mut n = Message::new();
    for input in inputs {
        n.string(1, input);
    }
    for output in outputs {
        n.string(2, output);
    }
    n.string(
        3,
        &format!("{op}_{}", outputs.first().copied().unwrap_or("")),
    )
    .string(4, op);
    for attribute in attributes {
        let mut a = Message::new();
        match attribute {
            // AttributeProto: name 1, i 3, type 20 (INT = 2).
            Attribute::Int(name, value) => a.string(1, name).int(3, *value).int(20, 2),
        };
        n.message(5, &a);
    }
    n
}

/// `ValueInfoProto` for a tensor; `None` dimensions are symbolic (`dim_param`).
pub fn value_info(name: &str, elem: ElemType, dims: &[Option<usize>]) -> Message {
    let mut shape = Message::new();
    for d in dims {
        let mut dim = Message::new();
        match d {
            Some(v) => dim.int(1, *v as i64),
            None => dim.string(2, "rows"),
        };
        shape.message(1, &dim);
    }
    let mut tensor_type = Message::new();
    tensor_type.int(1, elem as i64).message(2, &shape);
    let mut type_proto = Message::new();
    type_proto.message(1, &tensor_type);
    let mut info = Message::new();
    info.string(1, name).message(2, &type_proto);
    info
}

/// `ModelProto` around a graph: IR version 7, opset 13 of the default domain, and
/// `metadata_props` key/value pairs.
pub fn model(graph: &Message, metadata: &[(&str, String)]) -> Vec<u8> {
    let mut opset = Message::new();
    opset.string(1, "").int(2, 13);
    let mut m = Message::new();
    m.int(1, 7)
        .string(2, "modelbench")
        .string(3, env!("CARGO_PKG_VERSION"))
        .message(7, graph)
        .message(8, &opset);
    for (key, value) in metadata {
        let mut entry = Message::new();
        entry.string(1, key).string(2, value);
        m.message(14, &entry);
    }
    m.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_keys_follow_the_wire_format() {
        // Field 1, varint 150: key 0x08, then 150 = 0x96 0x01 (the protobuf guide's example).
        let mut m = Message::new();
        m.int(1, 150);
        assert_eq!(m.into_bytes(), vec![0x08, 0x96, 0x01]);
        // Field 2, string "testing": key 0x12, length 7, the bytes.
        let mut m = Message::new();
        m.string(2, "testing");
        assert_eq!(m.into_bytes(), b"\x12\x07testing".to_vec());
        // -1 as int64 takes ten bytes.
        let mut m = Message::new();
        m.int(1, -1);
        assert_eq!(m.into_bytes().len(), 11);
    }
}
