//! Any map as Prometheus samples: the exporter's `--config` (docs/MONITORING.md). A config is
//! checked whole against each map's BTF before the exporter listens; a scrape then reads each
//! map with one batch walk and turns its elements into labelled values.
use std::collections::{BTreeMap, HashMap};
use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;

use serde::Deserialize;

use crate::error::{ErrorKind, X0Error};
use crate::maps::addr::{open_map, ObjRef};
use crate::maps::types::map_types;
use crate::obj::btf_value::{Layout, Node};
use crate::Ctx;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    metric: Vec<MetricConf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MetricConf {
    map: String,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    help: Option<String>,
    value: Option<String>,
    #[serde(default)]
    label: Vec<LabelConf>,
    bucket: Option<String>,
    bucket_unit: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelConf {
    field: Option<String>,
    name: Option<String>,
    decode: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decode {
    Integer,
    Enum,
    Ipv4,
    Ipv6,
    Ifname,
}

/// Where a field lies in a key or value, and how to read it.
#[derive(Debug, Clone)]
struct Slot {
    off: usize,
    size: usize,
    signed: bool,
    enum_names: Vec<(u64, String)>,
}

#[derive(Debug)]
struct Label {
    name: String,
    slot: Slot,
    decode: Decode,
}

/// One configured metric, resolved against its map.
#[derive(Debug)]
pub struct Metric {
    pub name: String,
    pub help: String,
    pub kind: Kind,
    /// The map reference as the config wrote it (for errors).
    pub map: String,
    fd: OwnedFd,
    labels: Vec<Label>,
    value: Slot,
    bucket: Option<Slot>,
    /// Units of a histogram slot per exported unit (1e9 for nanoseconds; 1 for `none`).
    per: f64,
}

/// The samples of one metric in one scrape. Labels are rendered as the exposition writes them
/// (`push_label`): the exporter copies them out as they are, one allocation per series.
pub enum Samples {
    /// (label pairs, value)
    Plain(Vec<(String, f64)>),
    /// (label pairs, per-slot counts, estimated sum)
    Hist(Vec<(String, Vec<u64>, f64)>),
}

/// `v` escaped for the text exposition: backslash and newline, and `"` in label values.
pub fn push_escaped(out: &mut String, v: &str, quote: bool) {
    if !v
        .bytes()
        .any(|b| b == b'\\' || b == b'\n' || (quote && b == b'"'))
    {
        out.push_str(v);
        return;
    }
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '"' if quote => out.push_str("\\\""),
            c => out.push(c),
        }
    }
}

/// The decimal digits of `v`, written into the end of `b` (without `fmt`'s machinery: this
/// runs for every label of every element of a configured map, and for every sample).
pub fn decimal(b: &mut [u8; 20], mut v: u64) -> &[u8] {
    let mut i = b.len();
    loop {
        i -= 1;
        b[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    &b[i..]
}

fn push_u64(out: &mut String, v: u64) {
    for &d in decimal(&mut [0; 20], v) {
        out.push(d as char);
    }
}

fn push_i64(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    push_u64(out, v.unsigned_abs());
}

/// Append `name="value"` (comma-separated from what `out` holds).
pub fn push_label(out: &mut String, name: &str, value: &str) {
    if !out.is_empty() {
        out.push(',');
    }
    out.push_str(name);
    out.push_str("=\"");
    push_escaped(out, value, true);
    out.push('"');
}

fn bad(path: &Path, what: impl Into<String>) -> X0Error {
    X0Error::new(
        ErrorKind::Usage,
        format!("{}: {}", path.display(), what.into()),
    )
    .hint("see docs/MONITORING.md, section \"Any map\"")
}

/// A valid Prometheus metric or label name.
pub fn valid_name(s: &str, colon: bool) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(f) if f.is_ascii_alphabetic() || f == '_' || (colon && f == ':'))
        && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || (colon && ch == ':'))
}

/// The sample names a metric writes.
fn exposed(name: &str, kind: Kind) -> impl Iterator<Item = String> + '_ {
    let suffixes: &[&str] = match kind {
        Kind::Histogram => &["", "_bucket", "_sum", "_count"],
        _ => &[""],
    };
    suffixes.iter().map(move |s| format!("{name}{s}"))
}

/// Read and check a config file: every map opened, every field found in its BTF.
pub fn load(ctx: &Ctx, path: &Path) -> Result<Vec<Metric>, X0Error> {
    let text = read_config(path).map_err(|e| {
        X0Error::new(
            ErrorKind::Usage,
            format!("cannot read config {}: {e}", path.display()),
        )
    })?;
    let file: File = toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].lines().count().max(1))
            .unwrap_or(0);
        bad(
            path,
            format!("line {line}: {}", e.message().replace('\n', " ").trim()),
        )
    })?;
    let mut out: Vec<Metric> = Vec::new();
    // Sample names already written, and by which metric.
    let mut taken: std::collections::HashMap<String, String> = Default::default();
    for (i, m) in file.metric.into_iter().enumerate() {
        let at = format!("metric {} ({})", i + 1, m.name);
        if !valid_name(&m.name, true) {
            return Err(bad(
                path,
                format!("{at}: `name` must match [a-zA-Z_:][a-zA-Z0-9_:]*"),
            ));
        }
        if m.name.starts_with("x0bpf_") {
            return Err(bad(
                path,
                format!("{at}: `name` must not start with x0bpf_ (the exporter's own metrics)"),
            ));
        }
        if taken.get(&m.name) == Some(&m.name) {
            return Err(bad(path, format!("{at}: `name` is used twice")));
        }
        let kind = match m.kind.as_str() {
            "counter" => Kind::Counter,
            "gauge" => Kind::Gauge,
            "histogram" => Kind::Histogram,
            k => {
                return Err(bad(
                    path,
                    format!("{at}: `type` {k:?} is not counter, gauge or histogram"),
                ))
            }
        };
        // A histogram also writes NAME_bucket, NAME_sum and NAME_count: another metric with
        // one of those names would make the exposition invalid (Prometheus refuses the scrape).
        if let Some(o) = exposed(&m.name, kind).find_map(|n| taken.get(&n).cloned()) {
            return Err(bad(
                path,
                format!(
                    "{at}: `name` clashes with metric {o:?} (a histogram NAME also writes NAME_bucket, NAME_sum and NAME_count)"
                ),
            ));
        }
        taken.extend(exposed(&m.name, kind).map(|n| (n, m.name.clone())));
        let words: Vec<String> = m.map.split_whitespace().map(String::from).collect();
        let r =
            ObjRef::parse(&words).map_err(|e| bad(path, format!("{at}: `map`: {}", e.message)))?;
        let om = open_map(ctx, &r).map_err(|e| {
            X0Error::new(
                e.kind,
                format!("{}: {at}: `map` {:?}: {}", path.display(), m.map, e.message),
            )
        })?;
        let types = map_types(&om.info, None, None, None)?;
        if !types.typing.btf {
            return Err(X0Error::new(
                ErrorKind::InvalidObject,
                format!(
                    "{}: {at}: map {:?} has no BTF: its fields cannot be named",
                    path.display(),
                    m.map
                ),
            )
            .hint("export maps created with BTF (libbpf does this for BTF-defined maps)"));
        }
        let mut labels = Vec::new();
        for (j, l) in m.label.iter().enumerate() {
            let lat = format!("{at}, label {}", j + 1);
            let slot = field(&types.key, l.field.as_deref())
                .map_err(|e| bad(path, format!("{lat}: `field`: {e} (in the key)")))?;
            let name = l.name.clone().or_else(|| l.field.clone()).ok_or_else(|| {
                bad(
                    path,
                    format!("{lat}: `name` is needed when `field` is omitted"),
                )
            })?;
            if !valid_name(&name, false) || name.starts_with("__") || name == "le" {
                return Err(bad(
                    path,
                    format!("{lat}: `name` {name:?} is not a usable label name ([a-zA-Z_][a-zA-Z0-9_]*, not le)"),
                ));
            }
            if labels.iter().any(|x: &Label| x.name == name) {
                return Err(bad(
                    path,
                    format!("{lat}: label `name` {name:?} is used twice"),
                ));
            }
            let decode = match l.decode.as_deref().unwrap_or("integer") {
                "integer" => Decode::Integer,
                "enum" => Decode::Enum,
                "ipv4" => Decode::Ipv4,
                "ipv6" => Decode::Ipv6,
                "ifname" => Decode::Ifname,
                d => {
                    return Err(bad(
                        path,
                        format!("{lat}: `decode` {d:?} is not integer, enum, ipv4, ipv6 or ifname"),
                    ))
                }
            };
            let fits = match decode {
                Decode::Integer | Decode::Ifname => matches!(slot.size, 1 | 2 | 4 | 8),
                Decode::Enum => !slot.enum_names.is_empty(),
                Decode::Ipv4 => slot.size == 4,
                Decode::Ipv6 => slot.size == 16,
            };
            if !fits {
                return Err(bad(
                    path,
                    format!(
                        "{lat}: `decode` {:?} does not fit the field ({} bytes{})",
                        l.decode.as_deref().unwrap_or("integer"),
                        slot.size,
                        if decode == Decode::Enum {
                            ", not an enum"
                        } else {
                            ""
                        }
                    ),
                ));
            }
            labels.push(Label { name, slot, decode });
        }
        let value = field(&types.value, m.value.as_deref())
            .map_err(|e| bad(path, format!("{at}: `value`: {e} (in the value)")))?;
        if !matches!(value.size, 1 | 2 | 4 | 8) {
            return Err(bad(path, format!("{at}: `value` must be an integer field")));
        }
        let (bucket, per) = match (kind, &m.bucket) {
            (Kind::Histogram, Some(b)) => {
                let s = field(&types.key, Some(b))
                    .map_err(|e| bad(path, format!("{at}: `bucket`: {e} (in the key)")))?;
                if !matches!(s.size, 1 | 2 | 4 | 8) {
                    return Err(bad(
                        path,
                        format!("{at}: `bucket` must be an integer field"),
                    ));
                }
                let per = match m.bucket_unit.as_deref().unwrap_or("nanoseconds") {
                    "seconds" | "none" => 1.0,
                    "milliseconds" => 1e3,
                    "microseconds" => 1e6,
                    "nanoseconds" => 1e9,
                    u => {
                        return Err(bad(
                            path,
                            format!("{at}: `bucket_unit` {u:?} is not seconds, milliseconds, microseconds, nanoseconds or none"),
                        ))
                    }
                };
                (Some(s), per)
            }
            (Kind::Histogram, None) => {
                return Err(bad(
                    path,
                    format!("{at}: a histogram needs `bucket` (the key's log2 slot field)"),
                ))
            }
            _ if m.bucket_unit.is_some() || m.bucket.is_some() => {
                return Err(bad(
                    path,
                    format!("{at}: `bucket` and `bucket_unit` are for histograms"),
                ))
            }
            _ => (None, 1.0),
        };
        out.push(Metric {
            help: m
                .help
                .clone()
                .unwrap_or_else(|| format!("map {} (x0bpf exporter config)", m.map)),
            name: m.name,
            kind,
            map: m.map,
            fd: om.fd,
            labels,
            value,
            bucket,
            per,
        });
    }
    Ok(out)
}

/// A regular file of at most 1 MiB, UTF-8: a FIFO or a device named by --config must not hang
/// the exporter's start.
fn read_config(path: &Path) -> std::io::Result<String> {
    use crate::sys::file::{self, ReadError};
    const MAX: u64 = 1 << 20;
    let invalid = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidInput, m);
    let bytes = file::read_regular(path, MAX).map_err(|e| match e {
        ReadError::Open(e) | ReadError::Io(e) => e,
        ReadError::NotRegular(_) => invalid("not a regular file"),
        ReadError::TooLarge => invalid("larger than 1 MiB"),
    })?;
    file::utf8(bytes)
}

/// A named top-level field of a layout (anonymous members are already flattened), or the whole
/// type when `name` is None (it must then be a scalar).
fn field(l: &Layout, name: Option<&str>) -> Result<Slot, String> {
    let scalar = |node: &Node, off: usize| -> Result<Slot, String> {
        match node {
            Node::Int { size, signed, .. } => Ok(Slot {
                off,
                size: *size as usize,
                signed: *signed,
                enum_names: Vec::new(),
            }),
            Node::Enum {
                size,
                signed,
                values,
            } => Ok(Slot {
                off,
                size: *size as usize,
                signed: *signed,
                enum_names: values.clone(),
            }),
            Node::Array {
                n, elem_size: 1, ..
            } => Ok(Slot {
                off,
                size: *n as usize,
                signed: false,
                enum_names: Vec::new(),
            }),
            _ => Err("not an integer, enum or byte array".into()),
        }
    };
    match (name, &l.node) {
        (None, Node::Struct { name, .. }) => {
            Err(format!("the type is struct {name}: name one of its fields"))
        }
        (None, node) => scalar(node, 0),
        (Some(n), Node::Struct { fields, .. }) => {
            let f = fields.iter().find(|f| f.name == n).ok_or_else(|| {
                let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
                format!("no field {n:?} (fields: {})", names.join(", "))
            })?;
            if f.bits != 0 || f.bit_off % 8 != 0 {
                return Err(format!("{n:?} is a bitfield: not supported"));
            }
            scalar(&f.node, (f.bit_off / 8) as usize)
        }
        (Some(n), _) => Err(format!("{n:?}: the type {} is not a struct", l.type_name)),
    }
}

impl Slot {
    fn bytes<'a>(&self, b: &'a [u8]) -> &'a [u8] {
        b.get(self.off..self.off + self.size).unwrap_or(&[])
    }

    fn int(&self, b: &[u8]) -> u64 {
        let s = self.bytes(b);
        let mut buf = [0u8; 8];
        let n = s.len().min(8);
        buf[..n].copy_from_slice(&s[..n]);
        let v = u64::from_ne_bytes(buf);
        if self.signed && n > 0 && n < 8 {
            // sign-extend
            let shift = 64 - 8 * n as u32;
            (((v << shift) as i64) >> shift) as u64
        } else {
            v
        }
    }

    fn signed_f64(&self, b: &[u8]) -> f64 {
        let v = self.int(b);
        if self.signed {
            v as i64 as f64
        } else {
            v as f64
        }
    }
}

/// Append label `l` of `key` to `out` (see `push_label`), without allocating.
fn push_label_value(out: &mut String, l: &Label, key: &[u8], ifnames: &mut BTreeMap<u64, String>) {
    use std::fmt::Write;
    if !out.is_empty() {
        out.push(',');
    }
    out.push_str(&l.name);
    out.push_str("=\"");
    match l.decode {
        Decode::Integer => {
            if l.slot.signed {
                push_i64(out, l.slot.int(key) as i64)
            } else {
                push_u64(out, l.slot.int(key))
            }
        }
        Decode::Enum => {
            let v = l.slot.int(key);
            match l.slot.enum_names.iter().find(|(x, _)| *x == v) {
                Some((_, n)) => push_escaped(out, n, true),
                None => push_u64(out, v),
            }
        }
        Decode::Ipv4 => {
            if let Ok(a) = <[u8; 4]>::try_from(l.slot.bytes(key)) {
                for (i, b) in a.iter().enumerate() {
                    if i > 0 {
                        out.push('.');
                    }
                    push_u64(out, *b as u64);
                }
            }
        }
        Decode::Ipv6 => {
            if let Ok(a) = <[u8; 16]>::try_from(l.slot.bytes(key)) {
                let _ = write!(out, "{}", std::net::Ipv6Addr::from(a));
            }
        }
        Decode::Ifname => {
            let i = l.slot.int(key);
            let n = ifnames.entry(i).or_insert_with(|| {
                u32::try_from(i)
                    .ok()
                    .and_then(crate::sys::ifname)
                    .unwrap_or_else(|| i.to_string())
            });
            push_escaped(out, n, true);
        }
    }
    out.push('"');
}

/// log2 slots a histogram keeps (values past the last go to the last).
pub const HIST_SLOTS: usize = 64;

impl Metric {
    /// Read the map (one batch walk) and turn its elements into samples. Elements whose labels
    /// are equal are summed (a duplicate series is an invalid exposition); series come in the
    /// map's order. Per element: the labels rendered into one reused buffer and one hash lookup;
    /// a new series costs one allocation, its label string.
    pub fn read(&self) -> std::io::Result<Samples> {
        let e = crate::maps::batch::read_all(self.fd.as_fd())?;
        let mut ifnames = BTreeMap::new();
        let mut index: HashMap<String, usize> = HashMap::with_capacity(e.len);
        let mut buf = String::with_capacity(128);
        let step = crate::sys::map::round8(e.value_size);
        // Values by series, in the order their labels were first seen.
        let mut plain: Vec<f64> = Vec::new();
        let mut hist: Vec<(Vec<u64>, f64)> = Vec::new();
        for i in 0..e.len {
            let key = e.key(i);
            buf.clear();
            for l in &self.labels {
                push_label_value(&mut buf, l, key, &mut ifnames);
            }
            // Summed over CPUs for a per-CPU map (each CPU's copy is 8-byte aligned).
            let v: f64 = if e.percpu {
                e.value(i)
                    .chunks(step)
                    .map(|c| self.value.signed_f64(c))
                    .sum()
            } else {
                self.value.signed_f64(e.value(i))
            };
            let at = match index.get(buf.as_str()) {
                Some(&at) => at,
                None => {
                    let at = index.len();
                    index.insert(buf.clone(), at);
                    match self.bucket {
                        None => plain.push(0.0),
                        Some(_) => hist.push((vec![0; HIST_SLOTS], 0.0)),
                    }
                    at
                }
            };
            match &self.bucket {
                None => plain[at] += v,
                Some(b) => {
                    let slot = (b.int(key) as usize).min(HIST_SLOTS - 1);
                    let h = &mut hist[at];
                    let n = v.max(0.0) as u64;
                    h.0[slot] = h.0[slot].saturating_add(n);
                    // The sum is estimated from each slot's lower edge.
                    let low = if slot == 0 {
                        0.0
                    } else {
                        (1u64 << slot) as f64
                    };
                    h.1 += n as f64 * low / self.per;
                }
            }
        }
        // The index owns the label strings: moved out in first-seen order (no second copy).
        let mut labels = vec![String::new(); index.len()];
        for (k, at) in index {
            labels[at] = k;
        }
        Ok(match self.bucket {
            None => Samples::Plain(labels.into_iter().zip(plain).collect()),
            Some(_) => Samples::Hist(
                labels
                    .into_iter()
                    .zip(hist)
                    .map(|(l, (slots, sum))| (l, slots, sum))
                    .collect(),
            ),
        })
    }

    pub fn per(&self) -> f64 {
        self.per
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(valid_name("a_b:c", true));
        assert!(!valid_name("a_b:c", false));
        assert!(!valid_name("1abc", true));
        assert!(!valid_name("", true));
        assert!(!valid_name("a-b", true));
    }

    #[test]
    fn decimals_and_escapes() {
        let mut b = [0; 20];
        assert_eq!(decimal(&mut b, 0), b"0");
        assert_eq!(decimal(&mut b, 10), b"10");
        assert_eq!(decimal(&mut b, u64::MAX), u64::MAX.to_string().as_bytes());
        let mut s = String::new();
        push_i64(&mut s, i64::MIN);
        assert_eq!(s, i64::MIN.to_string());
        let mut s = String::new();
        push_label(&mut s, "a", "x\"y\\z\n");
        push_label(&mut s, "b", "");
        assert_eq!(s, r#"a="x\"y\\z\n",b="""#);
    }

    #[test]
    fn sign_extension() {
        let s = Slot {
            off: 0,
            size: 2,
            signed: true,
            enum_names: vec![],
        };
        assert_eq!(s.int(&(-3i16).to_ne_bytes()) as i64, -3);
        assert_eq!(s.signed_f64(&(-3i16).to_ne_bytes()), -3.0);
        let u = Slot { signed: false, ..s };
        assert_eq!(u.int(&(65533u16).to_ne_bytes()), 65533);
    }
}
