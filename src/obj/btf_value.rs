//! Map keys and values as JSON, typed by BTF: bytes → JSON (`decode`, `write_json`) and JSON →
//! bytes (`encode`). Pure: no kernel, no I/O. A `Layout` is compiled once per type (typedefs,
//! modifiers and anonymous members resolved), then applied to every element, so a dump of a
//! million entries walks the type graph once.
//!
//! Shapes (the same for decoding and encoding): integers and pointers as JSON numbers (exact to
//! 64 bits; 128-bit integers beyond that as "0x…" strings), `bool` as true/false, enums by name
//! (unknown values as numbers), structs and unions as objects whose anonymous struct/union
//! members are flattened into the parent (as C reads them), arrays as arrays, `char[N]` as a
//! string when it is NUL-terminated printable text (else an array of numbers), bitfields as
//! integers, floats as numbers. Host byte order (BPF maps hold host-endian data).
use serde_json::{Map, Number, Value};

use crate::obj::btf::{Btf, BtfKind, BTF_INT_BOOL, BTF_INT_SIGNED};

/// Nesting bound: BTF from the kernel is trusted to be acyclic for sized types, but a file
/// given with --btf is not.
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone)]
pub enum Node {
    Int {
        size: u32,
        signed: bool,
        boolean: bool,
    },
    Float {
        size: u32,
    },
    Enum {
        size: u32,
        signed: bool,
        values: Vec<(u64, String)>,
    },
    Ptr {
        size: u32,
    },
    Struct {
        size: u32,
        fields: Vec<Field>,
        union: bool,
        name: String,
    },
    Array {
        elem: Box<Node>,
        n: u32,
        elem_size: u32,
        chars: bool,
    },
    /// No usable type (void, forward declaration, …): hex bytes.
    Bytes {
        size: u32,
    },
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    /// `"name":` pre-escaped for the JSON writer.
    key_json: Vec<u8>,
    /// Bit offset from the start of the outermost struct being laid out.
    pub bit_off: u32,
    /// Bitfield width, 0 when the member is not a bitfield.
    pub bits: u32,
    /// Member of a union (named or flattened): may be left out when encoding.
    pub optional: bool,
    pub node: Node,
    /// Printed as a network address ([`Layout::with_addresses`]; `tail` only).
    pub addr: Addr,
}

/// How [`Layout::with_addresses`] prints a field that holds a network address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Addr {
    /// Not an address: as its type says.
    #[default]
    No,
    /// 4 bytes in memory order (network byte order, as `iph->saddr` holds them): `10.0.0.1`.
    V4,
    /// 16 bytes: `2001:db8::1`.
    V6,
    /// A sibling `family` field (2 bytes, at this bit offset of the struct) decides:
    /// AF_INET (2) the first 4 bytes, AF_INET6 (10) 16 bytes; any other family the raw value.
    ByFamily {
        family_bit_off: u32,
        family_size: u32,
    },
}

/// Whether a field's name says it holds an address: `saddr`, `daddr`, `addr`, `src`, `dst`,
/// `ip`, and names ending in `addr`/`_ip` or starting with `saddr`/`daddr` (`saddr_v6`).
fn address_name(n: &str) -> bool {
    let n = n.to_ascii_lowercase();
    matches!(
        n.as_str(),
        "addr" | "saddr" | "daddr" | "src" | "dst" | "ip" | "sip" | "dip"
    ) || n.ends_with("addr")
        || n.ends_with("_ip")
        || n.starts_with("saddr")
        || n.starts_with("daddr")
}

/// The byte size of a node that can hold an address: an integer, or an array of integers
/// (`__u8[16]`, `__u32[4]`, `__be32`).
fn address_size(node: &Node) -> Option<u32> {
    match node {
        Node::Int { size, .. } => Some(*size),
        Node::Array {
            elem, n, elem_size, ..
        } if matches!(**elem, Node::Int { .. }) => Some(n * elem_size),
        _ => None,
    }
}

fn mark_addresses(node: &mut Node) {
    match node {
        Node::Struct { fields, .. } => {
            let family = fields
                .iter()
                .find(|f| {
                    f.bits == 0
                        && (f.name == "family" || f.name.ends_with("_family"))
                        && matches!(
                            f.node,
                            Node::Int { size: 2, .. } | Node::Enum { size: 2, .. }
                        )
                })
                .map(|f| f.bit_off);
            for f in fields.iter_mut() {
                mark_addresses(&mut f.node);
                if f.bits != 0 || !address_name(&f.name) {
                    continue;
                }
                f.addr = match (address_size(&f.node), family) {
                    (Some(4 | 16), Some(b)) => Addr::ByFamily {
                        family_bit_off: b,
                        family_size: 2,
                    },
                    (Some(4), None) => Addr::V4,
                    (Some(16), None) => Addr::V6,
                    _ => Addr::No,
                };
            }
        }
        Node::Array { elem, .. } => mark_addresses(elem),
        _ => {}
    }
}

/// The address a field holds, as text; `None` to print it as its type says.
fn address_text(f: &Field, b: &[u8], struct_off: usize, off: usize) -> Option<String> {
    let size = address_size(&f.node)? as usize;
    let bytes = b.get(off..off + size)?;
    let v4 = |x: &[u8]| std::net::Ipv4Addr::new(x[0], x[1], x[2], x[3]).to_string();
    let v6 = |x: &[u8]| {
        let a: [u8; 16] = x.try_into().ok()?;
        Some(std::net::Ipv6Addr::from(a).to_string())
    };
    match f.addr {
        Addr::No => None,
        Addr::V4 if size == 4 => Some(v4(bytes)),
        Addr::V6 if size == 16 => v6(bytes),
        Addr::ByFamily {
            family_bit_off,
            family_size,
        } => match read_uint(
            b,
            struct_off + (family_bit_off / 8) as usize,
            family_size as usize,
        ) {
            2 => Some(v4(&bytes[..4])),
            10 if size == 16 => v6(bytes),
            _ => None,
        },
        _ => None,
    }
}

/// A compiled type: its size and how to read it.
#[derive(Debug, Clone)]
pub struct Layout {
    pub node: Node,
    pub size: u32,
    pub type_name: String,
}

impl Layout {
    /// Compile `type_id` of `btf`. Fails on types that cannot be a map key or value (void,
    /// functions, unsized types) and on graphs too deep.
    pub fn new(btf: &Btf, type_id: u32) -> Result<Layout, String> {
        let size = btf
            .resolve_size(type_id)
            .ok_or_else(|| format!("BTF type {type_id} has no size"))?;
        let node = build(btf, type_id, 0)?;
        Ok(Layout {
            node,
            size,
            type_name: btf.type_name(type_id),
        })
    }

    /// Address fields (by name and size, or by a `family` sibling: [`Addr`]) print as
    /// addresses in [`Layout::write_json`]. For `tail`'s records; maps keep numbers, which
    /// `--key` takes back.
    pub fn with_addresses(mut self) -> Layout {
        mark_addresses(&mut self.node);
        self
    }

    /// Raw bytes of a fixed size, for maps without BTF.
    pub fn bytes(size: u32) -> Layout {
        Layout {
            node: Node::Bytes { size },
            size,
            type_name: format!("[{size} bytes]"),
        }
    }

    /// Bytes → JSON value. `cpus` holds one or more copies of the value (per-CPU maps):
    /// integer fields are summed (wrapping at 64 bits), everything else is taken from the
    /// first copy.
    pub fn decode_sum(&self, cpus: &[&[u8]]) -> Value {
        decode(&self.node, cpus, 0)
    }

    pub fn decode(&self, b: &[u8]) -> Value {
        decode(&self.node, &[b], 0)
    }

    /// Bytes → JSON text appended to `out` (the fast path: no intermediate value).
    pub fn write_json(&self, b: &[u8], out: &mut Vec<u8>) {
        write(&self.node, b, 0, out)
    }

    /// JSON → bytes into `out` (`self.size` long). With `merge`, `out` holds the current value
    /// and struct objects may name only some fields; without it every field must be given.
    pub fn encode(&self, v: &Value, out: &mut [u8], merge: bool) -> Result<(), String> {
        if out.len() < self.size as usize {
            return Err(format!(
                "buffer of {} bytes for a {}-byte type",
                out.len(),
                self.size
            ));
        }
        if !merge {
            out.iter_mut().for_each(|b| *b = 0);
        }
        encode(&self.node, v, out, 0, 0, merge, "")
    }
}

fn int_node(btf: &Btf, id: u32) -> Option<(u32, bool, bool)> {
    let t = btf.get(id)?;
    (t.kind == BtfKind::Int).then_some((
        t.size,
        t.int_encoding & BTF_INT_SIGNED != 0,
        t.int_encoding & BTF_INT_BOOL != 0,
    ))
}

fn build(btf: &Btf, type_id: u32, depth: usize) -> Result<Node, String> {
    if depth > MAX_DEPTH {
        return Err("BTF type nesting too deep".into());
    }
    let id = btf.skip_mods_and_typedefs(type_id);
    let t = btf
        .get(id)
        .ok_or_else(|| format!("BTF type {id} does not exist"))?;
    Ok(match t.kind {
        BtfKind::Int => Node::Int {
            size: t.size,
            signed: t.int_encoding & BTF_INT_SIGNED != 0,
            boolean: t.int_encoding & BTF_INT_BOOL != 0,
        },
        BtfKind::Float => Node::Float { size: t.size },
        BtfKind::Ptr => Node::Ptr {
            size: btf.ptr_size(),
        },
        BtfKind::Enum | BtfKind::Enum64 => Node::Enum {
            size: t.size,
            signed: t.kflag,
            values: t
                .enum_values
                .iter()
                .map(|v| (mask(v.as_u64(), t.size * 8), v.name.clone()))
                .collect(),
        },
        BtfKind::Array => {
            let (elem, _, n) = t.array.ok_or("array without element type")?;
            let elem_size = btf
                .resolve_size(elem)
                .ok_or_else(|| format!("array element type {elem} has no size"))?;
            let eid = btf.skip_mods_and_typedefs(elem);
            // As bpftool: only arrays of plain `char` are text candidates.
            let chars = btf
                .get(eid)
                .is_some_and(|e| e.kind == BtfKind::Int && e.size == 1 && e.name == "char");
            Node::Array {
                elem: Box::new(build(btf, elem, depth + 1)?),
                n,
                elem_size,
                chars,
            }
        }
        BtfKind::Struct | BtfKind::Union => {
            let union = t.kind == BtfKind::Union;
            let mut fields = Vec::new();
            flatten(btf, id, 0, union, depth, &mut fields)?;
            Node::Struct {
                size: t.size,
                fields,
                union,
                name: btf.type_name(id),
            }
        }
        _ => Node::Bytes {
            size: btf.resolve_size(id).unwrap_or(0),
        },
    })
}

/// Members of a struct/union, anonymous struct/union members merged into the parent list.
fn flatten(
    btf: &Btf,
    id: u32,
    base_bits: u32,
    in_union: bool,
    depth: usize,
    fields: &mut Vec<Field>,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err("BTF type nesting too deep".into());
    }
    let t = btf.get(id).ok_or("missing BTF type")?;
    for m in &t.members {
        let off = base_bits
            .checked_add(m.bit_offset)
            .ok_or("member offset overflows")?;
        let mid = btf.skip_mods_and_typedefs(m.type_id);
        let mt = btf.get(mid).ok_or("missing member type")?;
        if m.name.is_empty() && matches!(mt.kind, BtfKind::Struct | BtfKind::Union) {
            flatten(
                btf,
                mid,
                off,
                in_union || mt.kind == BtfKind::Union,
                depth + 1,
                fields,
            )?;
            continue;
        }
        let mut bits = m.bitfield_size;
        let mut bit_off = off;
        // Old-style (kflag = 0) bitfields live in the int type's own offset and width.
        if bits == 0 {
            if let Some((size, _, _)) = int_node(btf, mid) {
                if mt.int_bits as u32 != size * 8 || mt.int_offset != 0 {
                    bits = mt.int_bits as u32;
                    bit_off += mt.int_offset as u32;
                }
            }
        }
        let node = build(btf, m.type_id, depth + 1)?;
        let key_json = {
            let mut k = serde_json::to_vec(&m.name).unwrap_or_default();
            k.push(b':');
            k
        };
        fields.push(Field {
            name: m.name.clone(),
            key_json,
            bit_off,
            bits,
            optional: in_union,
            node,
            addr: Addr::No,
        });
    }
    Ok(())
}

fn mask(v: u64, bits: u32) -> u64 {
    if bits >= 64 {
        v
    } else {
        v & ((1u64 << bits) - 1)
    }
}

/// Little-endian read of up to 16 bytes at `off` (missing bytes read as zero: a short buffer
/// is the caller's bug, never a panic).
fn read_uint(b: &[u8], off: usize, size: usize) -> u128 {
    let mut buf = [0u8; 16];
    let n = size.min(16);
    if let Some(src) = b.get(off..off + n) {
        buf[..n].copy_from_slice(src);
    } else if let Some(src) = b.get(off..) {
        let k = src.len().min(n);
        buf[..k].copy_from_slice(&src[..k]);
    }
    u128::from_le_bytes(buf)
}

fn sign_extend(v: u128, bits: u32) -> i128 {
    if bits == 0 || bits >= 128 {
        return v as i128;
    }
    let shift = 128 - bits;
    ((v << shift) as i128) >> shift
}

/// Read a bitfield: `bits` bits starting `bit_off` bits into `b`.
fn read_bits(b: &[u8], bit_off: u32, bits: u32) -> u128 {
    let byte = (bit_off / 8) as usize;
    let shift = bit_off % 8;
    let nbytes = ((shift + bits).div_ceil(8)) as usize;
    let raw = read_uint(b, byte, nbytes.min(16));
    let v = raw >> shift;
    if bits >= 128 {
        v
    } else {
        v & ((1u128 << bits) - 1)
    }
}

fn int_value(v: i128) -> Value {
    if let Ok(u) = u64::try_from(v) {
        Value::Number(u.into())
    } else if let Ok(i) = i64::try_from(v) {
        Value::Number(i.into())
    } else {
        Value::String(format!("{:#x}", v as u128))
    }
}

/// The integer at a leaf, as a signed 128-bit value of the right sign.
fn leaf_int(b: &[u8], off: usize, size: u32, signed: bool) -> i128 {
    let raw = read_uint(b, off, size as usize);
    if signed {
        sign_extend(raw, size * 8)
    } else {
        raw as i128
    }
}

fn decode(node: &Node, cpus: &[&[u8]], off: usize) -> Value {
    let b = cpus.first().copied().unwrap_or(&[]);
    match node {
        Node::Int {
            size,
            signed,
            boolean,
        } => {
            if *boolean {
                return Value::Bool(read_uint(b, off, *size as usize) != 0);
            }
            if cpus.len() <= 1 {
                return int_value(leaf_int(b, off, *size, *signed));
            }
            sum_ints(
                cpus.iter().map(|c| leaf_int(c, off, *size, *signed)),
                *signed,
            )
        }
        Node::Float { size } => float_value(b, off, *size),
        Node::Enum { size, values, .. } => {
            enum_value(read_uint(b, off, *size as usize) as u64, *size, values)
        }
        Node::Ptr { size } => int_value(read_uint(b, off, *size as usize) as i128),
        Node::Bytes { size } => Value::String(hex(b.get(off..off + *size as usize).unwrap_or(&[]))),
        Node::Array {
            elem,
            n,
            elem_size,
            chars,
        } => {
            if *chars {
                if let Some(s) = c_string(b.get(off..off + *n as usize).unwrap_or(&[])) {
                    return Value::String(s.to_string());
                }
            }
            Value::Array(
                (0..*n as usize)
                    .map(|i| decode(elem, cpus, off + i * *elem_size as usize))
                    .collect(),
            )
        }
        Node::Struct { fields, .. } => {
            let mut m = Map::new();
            for f in fields {
                let v = if f.bits > 0 {
                    bitfield_value(f, cpus, off)
                } else {
                    decode(&f.node, cpus, off + (f.bit_off / 8) as usize)
                };
                m.insert(f.name.clone(), v);
            }
            Value::Object(m)
        }
    }
}

fn sum_ints(vals: impl Iterator<Item = i128>, signed: bool) -> Value {
    let mut acc: u64 = 0;
    for v in vals {
        acc = acc.wrapping_add(v as u64);
    }
    if signed {
        Value::Number((acc as i64).into())
    } else {
        Value::Number(acc.into())
    }
}

fn bitfield_read(f: &Field, b: &[u8], off: usize) -> (u128, bool) {
    let raw = read_bits(b, (off as u32) * 8 + f.bit_off, f.bits);
    let signed = matches!(
        f.node,
        Node::Int { signed: true, .. } | Node::Enum { signed: true, .. }
    );
    (raw, signed)
}

fn bitfield_value(f: &Field, cpus: &[&[u8]], off: usize) -> Value {
    let b = cpus.first().copied().unwrap_or(&[]);
    let (raw, signed) = bitfield_read(f, b, off);
    match &f.node {
        Node::Enum { size, values, .. } => enum_value(raw as u64, *size, values),
        Node::Int { boolean: true, .. } => Value::Bool(raw != 0),
        _ if cpus.len() > 1 => sum_ints(
            cpus.iter().map(|c| {
                let (r, s) = bitfield_read(f, c, off);
                if s {
                    sign_extend(r, f.bits)
                } else {
                    r as i128
                }
            }),
            signed,
        ),
        _ => int_value(if signed {
            sign_extend(raw, f.bits)
        } else {
            raw as i128
        }),
    }
}

fn float_value(b: &[u8], off: usize, size: u32) -> Value {
    let raw = read_uint(b, off, size as usize);
    let f = match size {
        4 => f32::from_bits(raw as u32) as f64,
        8 => f64::from_bits(raw as u64),
        _ => return Value::String(hex(b.get(off..off + size as usize).unwrap_or(&[]))),
    };
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

fn enum_value(raw: u64, size: u32, values: &[(u64, String)]) -> Value {
    let raw = mask(raw, size * 8);
    match values.iter().find(|(v, _)| *v == raw) {
        Some((_, name)) => Value::String(name.clone()),
        None => Value::Number(raw.into()),
    }
}

/// The text of a `char[]` when it is NUL-terminated printable ASCII (bpftool's rule).
fn c_string(b: &[u8]) -> Option<&str> {
    let end = b.iter().position(|&c| c == 0)?;
    let s = &b[..end];
    if s.iter().all(|&c| (0x20..0x7f).contains(&c)) {
        std::str::from_utf8(s).ok()
    } else {
        None
    }
}

pub fn hex(b: &[u8]) -> String {
    const H: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(b.len() * 2);
    for &x in b {
        s.push(H[(x >> 4) as usize] as char);
        s.push(H[(x & 15) as usize] as char);
    }
    s
}

/// Parse hex bytes: "0a 0b", "0a0b", "0x0a 0x0b".
pub fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    for tok in s.split(|c: char| c.is_whitespace() || c == ',') {
        let tok = tok.trim_start_matches("0x").trim_start_matches("0X");
        if tok.is_empty() {
            continue;
        }
        if tok.len() % 2 != 0 {
            return Err(format!("hex bytes: odd number of digits in {tok:?}"));
        }
        for i in (0..tok.len()).step_by(2) {
            let byte = tok
                .get(i..i + 2)
                .and_then(|d| u8::from_str_radix(d, 16).ok())
                .ok_or_else(|| format!("hex bytes: {tok:?} is not hexadecimal"))?;
            out.push(byte);
        }
    }
    Ok(out)
}

// ---- the fast writer ----

fn push_num<T: std::fmt::Display>(out: &mut Vec<u8>, v: T) {
    use std::io::Write;
    let _ = write!(out, "{v}");
}

fn write_int(out: &mut Vec<u8>, v: i128) {
    if let Ok(u) = u64::try_from(v) {
        push_num(out, u);
    } else if let Ok(i) = i64::try_from(v) {
        push_num(out, i);
    } else {
        out.extend_from_slice(format!("\"{:#x}\"", v as u128).as_bytes());
    }
}

fn write_str(out: &mut Vec<u8>, s: &str) {
    let _ = serde_json::to_writer(&mut *out, s);
}

fn write(node: &Node, b: &[u8], off: usize, out: &mut Vec<u8>) {
    match node {
        Node::Int {
            size,
            signed,
            boolean,
        } => {
            if *boolean {
                out.extend_from_slice(if read_uint(b, off, *size as usize) != 0 {
                    b"true"
                } else {
                    b"false"
                });
            } else if *size <= 8 && !*signed {
                // The common case without 128-bit arithmetic.
                let mut buf = [0u8; 8];
                let n = *size as usize;
                if let Some(src) = b.get(off..off + n) {
                    buf[..n].copy_from_slice(src);
                }
                push_num(out, u64::from_le_bytes(buf));
            } else {
                write_int(out, leaf_int(b, off, *size, *signed));
            }
        }
        Node::Array {
            elem,
            n,
            elem_size,
            chars,
        } => {
            if *chars {
                if let Some(s) = c_string(b.get(off..off + *n as usize).unwrap_or(&[])) {
                    write_str(out, s);
                    return;
                }
            }
            out.push(b'[');
            for i in 0..*n as usize {
                if i > 0 {
                    out.push(b',');
                }
                write(elem, b, off + i * *elem_size as usize, out);
            }
            out.push(b']');
        }
        Node::Struct { fields, .. } => {
            out.push(b'{');
            for (i, f) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(&f.key_json);
                let field_off = off + (f.bit_off / 8) as usize;
                if f.addr != Addr::No {
                    if let Some(t) = address_text(f, b, off, field_off) {
                        write_str(out, &t);
                        continue;
                    }
                }
                if f.bits > 0 {
                    let v = bitfield_value(f, &[b], off);
                    let _ = serde_json::to_writer(&mut *out, &v);
                } else {
                    write(&f.node, b, off + (f.bit_off / 8) as usize, out);
                }
            }
            out.push(b'}');
        }
        other => {
            let v = decode(other, &[b], off);
            let _ = serde_json::to_writer(&mut *out, &v);
        }
    }
}

// ---- encoding ----

fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" at {path}")
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A JSON integer (or a decimal/hex string of one) as i128.
fn json_int(v: &Value, path: &str) -> Result<i128, String> {
    match v {
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                Ok(u as i128)
            } else if let Some(i) = n.as_i64() {
                Ok(i as i128)
            } else {
                // A literal with a fraction or an exponent (1.0, 1e3) is not an integer, even
                // when its value is whole. (Integer literals beyond 64 bits come as their
                // digits, a string: `crate::maps::json_in`.)
                Err(format!(
                    "expected an integer{}, got the number {n} (written with a fraction or an exponent)",
                    at(path)
                ))
            }
        }
        Value::String(s) => {
            let t = s.trim();
            let (neg, t) = match t.strip_prefix('-') {
                Some(r) => (true, r),
                None => (false, t),
            };
            let parsed = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                u128::from_str_radix(h, 16).ok()
            } else {
                t.parse::<u128>().ok()
            };
            let u = parsed
                .and_then(|u| i128::try_from(u).ok())
                .ok_or_else(|| format!("expected an integer{}, got {s:?}", at(path)))?;
            Ok(if neg { -u } else { u })
        }
        other => Err(format!(
            "expected an integer{}, got {}",
            at(path),
            json_kind(other)
        )),
    }
}

fn check_range(v: i128, bits: u32, signed: bool, path: &str) -> Result<u128, String> {
    let (lo, hi): (i128, i128) = if bits >= 128 {
        (i128::MIN, i128::MAX)
    } else if signed {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    } else {
        (0, (1i128 << bits) - 1)
    };
    if v < lo || v > hi {
        return Err(format!(
            "{v} is out of range{} ({} {bits}-bit integer: {lo}..={hi})",
            at(path),
            if signed { "signed" } else { "unsigned" }
        ));
    }
    Ok(v as u128)
}

fn write_uint(out: &mut [u8], off: usize, size: usize, v: u128) -> Result<(), String> {
    let bytes = v.to_le_bytes();
    let dst = out
        .get_mut(off..off + size)
        .ok_or("value does not fit the buffer")?;
    dst.copy_from_slice(&bytes[..size]);
    Ok(())
}

fn write_bits(out: &mut [u8], bit_off: u32, bits: u32, v: u128) -> Result<(), String> {
    for i in 0..bits {
        let pos = bit_off + i;
        let byte = out
            .get_mut((pos / 8) as usize)
            .ok_or("bitfield does not fit the buffer")?;
        let m = 1u8 << (pos % 8);
        if (v >> i) & 1 == 1 {
            *byte |= m;
        } else {
            *byte &= !m;
        }
    }
    Ok(())
}

fn enum_encode(
    v: &Value,
    size: u32,
    signed: bool,
    values: &[(u64, String)],
    path: &str,
) -> Result<u128, String> {
    if let Value::String(s) = v {
        if let Some((n, _)) = values.iter().find(|(_, name)| name == s) {
            return Ok(*n as u128);
        }
        if json_int(v, path).is_err() {
            let names: Vec<&str> = values.iter().take(8).map(|(_, n)| n.as_str()).collect();
            return Err(format!(
                "unknown enum name {s:?}{} (known: {}{})",
                at(path),
                names.join(", "),
                if values.len() > 8 { ", …" } else { "" }
            ));
        }
    }
    let n = json_int(v, path)?;
    // Enums accept any value of their width: unknown values print as numbers too.
    let bits = size * 8;
    if check_range(n, bits, signed, path).is_err() && check_range(n, bits, !signed, path).is_err() {
        return Err(format!(
            "enum value {n} does not fit {size} bytes{}",
            at(path)
        ));
    }
    Ok((n as u128)
        & if bits >= 128 {
            u128::MAX
        } else {
            (1u128 << bits) - 1
        })
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

fn encode(
    node: &Node,
    v: &Value,
    out: &mut [u8],
    off: usize,
    depth: usize,
    merge: bool,
    path: &str,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err("JSON nesting too deep".into());
    }
    match node {
        Node::Int {
            size,
            signed,
            boolean,
        } => {
            if *boolean {
                let b = match v {
                    Value::Bool(b) => *b,
                    Value::Number(n) if n.as_u64() == Some(0) || n.as_u64() == Some(1) => {
                        n.as_u64() == Some(1)
                    }
                    other => {
                        return Err(format!(
                            "expected true or false{}, got {}",
                            at(path),
                            json_kind(other)
                        ))
                    }
                };
                return write_uint(out, off, *size as usize, b as u128);
            }
            let n = json_int(v, path)?;
            let u = check_range(n, size * 8, *signed, path)?;
            write_uint(out, off, *size as usize, u)
        }
        Node::Ptr { size } => {
            let n = json_int(v, path)?;
            let u = check_range(n, size * 8, false, path)?;
            write_uint(out, off, *size as usize, u)
        }
        Node::Float { size } => {
            // An integer literal beyond 64 bits arrives as its digits (a string).
            let f = v
                .as_f64()
                .or_else(|| {
                    v.as_str()
                        .filter(|s| s.bytes().all(|c| c.is_ascii_digit() || c == b'-'))
                        .and_then(|s| s.parse::<f64>().ok())
                })
                .ok_or_else(|| format!("expected a number{}, got {}", at(path), json_kind(v)))?;
            match size {
                4 => write_uint(out, off, 4, (f as f32).to_bits() as u128),
                8 => write_uint(out, off, 8, f.to_bits() as u128),
                _ => Err(format!("{size}-byte floats are not supported{}", at(path))),
            }
        }
        Node::Enum {
            size,
            signed,
            values,
        } => {
            let u = enum_encode(v, *size, *signed, values, path)?;
            write_uint(out, off, *size as usize, u)
        }
        Node::Bytes { size } => {
            let s = v.as_str().ok_or_else(|| {
                format!(
                    "expected hex bytes as a string{}, got {}",
                    at(path),
                    json_kind(v)
                )
            })?;
            let bytes = parse_hex(s)?;
            if bytes.len() != *size as usize {
                return Err(format!(
                    "expected {size} bytes{}, got {}",
                    at(path),
                    bytes.len()
                ));
            }
            out.get_mut(off..off + bytes.len())
                .ok_or("value does not fit the buffer")?
                .copy_from_slice(&bytes);
            Ok(())
        }
        Node::Array {
            elem,
            n,
            elem_size,
            chars,
        } => {
            let n = *n as usize;
            if let (true, Value::String(s)) = (*chars, v) {
                let b = s.as_bytes();
                if b.len() >= n {
                    return Err(format!(
                        "string too long{}: {} bytes, at most {} fit with the terminating NUL",
                        at(path),
                        b.len(),
                        n.saturating_sub(1)
                    ));
                }
                if b.contains(&0) {
                    return Err(format!("string contains a NUL byte{}", at(path)));
                }
                let dst = out
                    .get_mut(off..off + n)
                    .ok_or("value does not fit the buffer")?;
                dst.iter_mut().for_each(|x| *x = 0);
                dst[..b.len()].copy_from_slice(b);
                return Ok(());
            }
            let arr = v.as_array().ok_or_else(|| {
                format!(
                    "expected an array of {n}{}{}, got {}",
                    if *chars { " (or a string)" } else { "" },
                    at(path),
                    json_kind(v)
                )
            })?;
            if arr.len() != n {
                return Err(format!(
                    "expected {n} elements{}, got {}",
                    at(path),
                    arr.len()
                ));
            }
            for (i, e) in arr.iter().enumerate() {
                encode(
                    elem,
                    e,
                    out,
                    off + i * *elem_size as usize,
                    depth + 1,
                    merge,
                    &format!("{path}[{i}]"),
                )?;
            }
            Ok(())
        }
        Node::Struct {
            fields,
            union,
            name,
            ..
        } => {
            let obj = v.as_object().ok_or_else(|| {
                format!(
                    "expected an object for {name}{}, got {}",
                    at(path),
                    json_kind(v)
                )
            })?;
            for k in obj.keys() {
                if !fields.iter().any(|f| &f.name == k) {
                    let known: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
                    return Err(format!(
                        "unknown field {k:?}{} in {name} (fields: {})",
                        at(path),
                        known.join(", ")
                    ));
                }
            }
            if !merge && !union {
                let missing: Vec<&str> = fields
                    .iter()
                    .filter(|f| !f.optional && !obj.contains_key(&f.name))
                    .map(|f| f.name.as_str())
                    .collect();
                if !missing.is_empty() {
                    return Err(format!(
                        "partial value for {name}{}: missing {} (give every field, or --merge to keep the current ones)",
                        at(path),
                        missing.join(", ")
                    ));
                }
            }
            if *union && obj.is_empty() {
                return Err(format!("empty object for {name}{}", at(path)));
            }
            for f in fields {
                let Some(fv) = obj.get(&f.name) else { continue };
                let p = join(path, &f.name);
                if f.bits > 0 {
                    let u = match &f.node {
                        Node::Enum {
                            size,
                            signed,
                            values,
                        } => enum_encode(fv, *size, *signed, values, &p)?,
                        Node::Int { boolean: true, .. } => match fv {
                            Value::Bool(b) => *b as u128,
                            _ => check_range(json_int(fv, &p)?, 1, false, &p)?,
                        },
                        Node::Int { signed, .. } => {
                            check_range(json_int(fv, &p)?, f.bits, *signed, &p)?
                        }
                        _ => check_range(json_int(fv, &p)?, f.bits, false, &p)?,
                    };
                    let masked = u & ((1u128 << f.bits.min(127)) - 1);
                    write_bits(out, off as u32 * 8 + f.bit_off, f.bits, masked)?;
                } else {
                    encode(
                        &f.node,
                        fv,
                        out,
                        off + (f.bit_off / 8) as usize,
                        depth + 1,
                        merge,
                        &p,
                    )?;
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_roundtrip() {
        assert_eq!(parse_hex("0a 0B").unwrap(), vec![10, 11]);
        assert_eq!(parse_hex("0x0a0b").unwrap(), vec![10, 11]);
        assert!(parse_hex("0a0").is_err());
        assert!(parse_hex("zz").is_err());
        assert_eq!(hex(&[1, 0xff]), "01ff");
    }

    #[test]
    fn bits_roundtrip() {
        let mut b = [0u8; 4];
        write_bits(&mut b, 3, 5, 0b10110).unwrap();
        assert_eq!(read_bits(&b, 3, 5), 0b10110);
        assert_eq!(sign_extend(0b11111, 5), -1);
    }

    #[test]
    fn ranges() {
        assert!(check_range(256, 8, false, "").is_err());
        assert!(check_range(-1, 8, false, "").is_err());
        assert!(check_range(-128, 8, true, "").is_ok());
        assert!(check_range(u64::MAX as i128, 64, false, "").is_ok());
    }

    #[test]
    fn c_strings() {
        assert_eq!(c_string(b"abc\0\0"), Some("abc"));
        assert_eq!(c_string(b"abc"), None);
        assert_eq!(c_string(b"a\x01c\0"), None);
    }
}
