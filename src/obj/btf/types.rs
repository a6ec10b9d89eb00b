//! BTF types: the header, the type table and lookups; both byte orders, hostile input bounded.
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use super::*;

pub(crate) const BTF_MAGIC: u16 = 0xeb9f;
pub(crate) const BTF_VERSION: u8 = 1;
/// Header up to and including `str_len`; newer headers may be longer.
pub(crate) const BTF_HDR_MIN: usize = 24;
/// `struct btf_type`: name_off, info, size/type.
pub(crate) const BTF_TYPE_LEN: usize = 12;
/// BTF.ext header up to and including `line_info_len`.
pub(crate) const BTF_EXT_HDR_MIN: usize = 24;
/// BTF.ext header including `core_relo_off`/`core_relo_len`.
pub(crate) const BTF_EXT_HDR_CORE: usize = 32;
/// libbpf's MAX_RESOLVE_DEPTH; also bounds modifier/typedef chains here.
pub(crate) const MAX_RESOLVE_DEPTH: usize = 32;
/// libbpf's BPF_CORE_SPEC_MAX_LEN.
pub(crate) const CORE_SPEC_MAX_LEN: usize = 64;
/// Elementary steps allowed for one CO-RE resolution. libbpf's recursive
/// matchers are exponential on adversarial graphs; this keeps us bounded.
pub(crate) const CORE_STEP_BUDGET: usize = 1 << 20;
/// Types rendered by one `type_name` call before giving up (same reason).
pub(crate) const NAME_BUDGET: usize = 4096;

/// `BTF_INT_ENCODING` bit: signed integer.
pub const BTF_INT_SIGNED: u8 = 1;
/// `BTF_INT_ENCODING` bit: character type.
pub const BTF_INT_CHAR: u8 = 2;
/// `BTF_INT_ENCODING` bit: boolean.
pub const BTF_INT_BOOL: u8 = 4;

/// Byte order of a BTF blob, detected from its magic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endian {
    Little,
    Big,
}

impl Endian {
    pub fn as_str(self) -> &'static str {
        match self {
            Endian::Little => "little",
            Endian::Big => "big",
        }
    }

    pub(crate) fn u16_from(self, b: [u8; 2]) -> u16 {
        match self {
            Endian::Little => u16::from_le_bytes(b),
            Endian::Big => u16::from_be_bytes(b),
        }
    }

    pub(crate) fn u32_from(self, b: [u8; 4]) -> u32 {
        match self {
            Endian::Little => u32::from_le_bytes(b),
            Endian::Big => u32::from_be_bytes(b),
        }
    }
}

pub(crate) fn read_u16(data: &[u8], off: usize, endian: Endian) -> Option<u16> {
    let b = data.get(off..off.checked_add(2)?)?;
    Some(endian.u16_from(b.try_into().ok()?))
}

pub(crate) fn read_u32(data: &[u8], off: usize, endian: Endian) -> Option<u32> {
    let b = data.get(off..off.checked_add(4)?)?;
    Some(endian.u32_from(b.try_into().ok()?))
}

/// A parse error with a one-line, human readable message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BtfError(String);

impl BtfError {
    pub(crate) fn new(msg: impl Into<String>) -> Self {
        BtfError(msg.into())
    }

    pub fn message(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BtfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BtfError {}

/// BTF type kinds (`BTF_KIND_*`); `Void` is kind 0, only used for type id 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BtfKind {
    Void,
    Int,
    Ptr,
    Array,
    Struct,
    Union,
    Enum,
    Fwd,
    Typedef,
    Volatile,
    Const,
    Restrict,
    Func,
    FuncProto,
    Var,
    Datasec,
    Float,
    DeclTag,
    TypeTag,
    Enum64,
}

impl BtfKind {
    const ALL: [BtfKind; 20] = [
        BtfKind::Void,
        BtfKind::Int,
        BtfKind::Ptr,
        BtfKind::Array,
        BtfKind::Struct,
        BtfKind::Union,
        BtfKind::Enum,
        BtfKind::Fwd,
        BtfKind::Typedef,
        BtfKind::Volatile,
        BtfKind::Const,
        BtfKind::Restrict,
        BtfKind::Func,
        BtfKind::FuncProto,
        BtfKind::Var,
        BtfKind::Datasec,
        BtfKind::Float,
        BtfKind::DeclTag,
        BtfKind::TypeTag,
        BtfKind::Enum64,
    ];

    /// Kind from its `BTF_KIND_*` number.
    pub fn from_raw(kind: u32) -> Option<BtfKind> {
        Self::ALL.get(usize::try_from(kind).ok()?).copied()
    }

    /// The `BTF_KIND_*` number.
    pub fn raw(self) -> u32 {
        self as u32
    }

    /// Lower-case name as used by libbpf/bpftool ("int", "func_proto", ...).
    pub fn as_str(&self) -> &'static str {
        match self {
            BtfKind::Void => "void",
            BtfKind::Int => "int",
            BtfKind::Ptr => "ptr",
            BtfKind::Array => "array",
            BtfKind::Struct => "struct",
            BtfKind::Union => "union",
            BtfKind::Enum => "enum",
            BtfKind::Fwd => "fwd",
            BtfKind::Typedef => "typedef",
            BtfKind::Volatile => "volatile",
            BtfKind::Const => "const",
            BtfKind::Restrict => "restrict",
            BtfKind::Func => "func",
            BtfKind::FuncProto => "func_proto",
            BtfKind::Var => "var",
            BtfKind::Datasec => "datasec",
            BtfKind::Float => "float",
            BtfKind::DeclTag => "decl_tag",
            BtfKind::TypeTag => "type_tag",
            BtfKind::Enum64 => "enum64",
        }
    }

    /// Bytes following `struct btf_type`: (fixed part, per-vlen element).
    pub(crate) fn layout(self) -> (usize, usize) {
        match self {
            BtfKind::Int | BtfKind::Var | BtfKind::DeclTag => (4, 0),
            BtfKind::Array => (12, 0),
            BtfKind::Struct | BtfKind::Union | BtfKind::Datasec | BtfKind::Enum64 => (0, 12),
            BtfKind::Enum | BtfKind::FuncProto => (0, 8),
            _ => (0, 0),
        }
    }

    /// Kinds whose third header word is a size rather than a type id.
    pub(crate) fn has_size(self) -> bool {
        matches!(
            self,
            BtfKind::Int
                | BtfKind::Struct
                | BtfKind::Union
                | BtfKind::Enum
                | BtfKind::Enum64
                | BtfKind::Datasec
                | BtfKind::Float
        )
    }

    pub(crate) fn is_composite(self) -> bool {
        matches!(self, BtfKind::Struct | BtfKind::Union)
    }

    pub(crate) fn is_any_enum(self) -> bool {
        matches!(self, BtfKind::Enum | BtfKind::Enum64)
    }

    /// Modifiers and typedefs, i.e. what `skip_mods_and_typedefs` follows.
    pub(crate) fn is_mod_or_typedef(self) -> bool {
        matches!(
            self,
            BtfKind::Const
                | BtfKind::Volatile
                | BtfKind::Restrict
                | BtfKind::Typedef
                | BtfKind::TypeTag
        )
    }
}

impl fmt::Display for BtfKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Struct/union member. `bit_offset`/`bitfield_size` are already decoded
/// according to the parent's kind flag (size is 0 for non-bitfields).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub type_id: u32,
    pub bit_offset: u32,
    pub bitfield_size: u32,
}

/// Function prototype parameter; a trailing `type_id == 0` with an empty name
/// marks a variadic prototype.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub type_id: u32,
}

/// Enumerator. `value` is the signed value for signed enums (kind flag set),
/// the zero-extended value for unsigned 32-bit enums, and the raw 64-bit
/// pattern for unsigned enum64 (use [`EnumValue::as_u64`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumValue {
    pub name: String,
    pub value: i64,
}

impl EnumValue {
    pub fn as_u64(&self) -> u64 {
        self.value as u64
    }
}

/// One variable of a datasec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarSecInfo {
    pub type_id: u32,
    pub offset: u32,
    pub size: u32,
}

/// One decoded BTF type. Fields not meaningful for a kind are zero/empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BtfType {
    pub id: u32,
    pub kind: BtfKind,
    pub name: String,
    pub name_off: u32,
    /// int/struct/union/enum/enum64/datasec/float.
    pub size: u32,
    /// ptr/typedef/const/volatile/restrict/type_tag target, func's prototype,
    /// var's type, decl_tag's target, func_proto's return type.
    pub type_id: u32,
    /// Saturated at `u16::MAX`; the element vectors hold the real count.
    pub vlen: u16,
    pub kflag: bool,
    /// `BTF_INT_*` bits.
    pub int_encoding: u8,
    pub int_offset: u8,
    pub int_bits: u8,
    pub members: Vec<Member>,
    pub params: Vec<Param>,
    pub enum_values: Vec<EnumValue>,
    /// (element type, index type, number of elements).
    pub array: Option<(u32, u32, u32)>,
    pub var_linkage: u32,
    pub func_linkage: u32,
    pub datasec_vars: Vec<VarSecInfo>,
    /// decl_tag: -1 for the whole type, else member/parameter index.
    pub component_idx: i32,
}

impl BtfType {
    pub(crate) fn void() -> BtfType {
        BtfType {
            id: 0,
            kind: BtfKind::Void,
            name: String::new(),
            name_off: 0,
            size: 0,
            type_id: 0,
            vlen: 0,
            kflag: false,
            int_encoding: 0,
            int_offset: 0,
            int_bits: 0,
            members: Vec::new(),
            params: Vec::new(),
            enum_values: Vec::new(),
            array: None,
            var_linkage: 0,
            func_linkage: 0,
            datasec_vars: Vec::new(),
            component_idx: 0,
        }
    }

    pub fn is_composite(&self) -> bool {
        self.kind.is_composite()
    }

    /// enum or enum64.
    pub fn is_any_enum(&self) -> bool {
        self.kind.is_any_enum()
    }

    pub fn is_signed_int(&self) -> bool {
        self.kind == BtfKind::Int && self.int_encoding & BTF_INT_SIGNED != 0
    }

    /// Number of variable-length elements actually decoded.
    pub(crate) fn elem_count(&self) -> usize {
        match self.kind {
            BtfKind::Struct | BtfKind::Union => self.members.len(),
            BtfKind::Enum | BtfKind::Enum64 => self.enum_values.len(),
            BtfKind::FuncProto => self.params.len(),
            BtfKind::Datasec => self.datasec_vars.len(),
            _ => 0,
        }
    }
}

/// The BTF header as found in the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BtfHeader {
    pub version: u8,
    pub flags: u8,
    pub hdr_len: u32,
    pub type_off: u32,
    pub type_len: u32,
    pub str_off: u32,
    pub str_len: u32,
}

/// Parsed BTF. Type ids index [`Btf::types`]; id 0 is `void`.
///
/// Split BTF (a kernel module's, on top of vmlinux) shares its base through an
/// `Arc` instead of copying it: `types` and `strings` hold only what the blob
/// itself defines, and lookups below `start_id` (types) or `str_base`
/// (strings) go to the base.
#[derive(Clone)]
pub struct Btf {
    pub endian: Endian,
    pub header: BtfHeader,
    /// This blob's types: from id 0 (`void`) for base BTF, from `start_id`
    /// for split BTF.
    pub(crate) types: Vec<BtfType>,
    /// This blob's string section; offsets below `str_base` are the base's.
    pub(crate) strings: Vec<u8>,
    /// First type id defined by this blob (>1 only for split BTF).
    pub(crate) start_id: u32,
    /// The base BTF of split BTF.
    pub(crate) base: Option<Arc<Btf>>,
    /// Total string-section length of the base (0 without a base).
    pub(crate) str_base: u32,
    pub(crate) ptr_size: u32,
    /// name -> ids, built on first lookup (vmlinux has ~150k types).
    pub(crate) name_index: OnceLock<HashMap<String, Vec<u32>>>,
    /// CO-RE essential name (flavor stripped) -> ids, built on first use.
    pub(crate) essential_index: OnceLock<HashMap<String, Vec<u32>>>,
}

impl fmt::Debug for Btf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Dumping every type would be unreadable for vmlinux.
        f.debug_struct("Btf")
            .field("endian", &self.endian)
            .field("header", &self.header)
            .field("types", &self.types.len())
            .field("start_id", &self.start_id)
            .field("split", &self.base.is_some())
            .field("strings_len", &self.strings.len())
            .finish()
    }
}

/// NUL-terminated string at `off`, lossily decoded (names should be ASCII,
/// but garbage must not fail the whole parse for a cosmetic reason).
pub(crate) fn string_at(strings: &[u8], off: u32) -> Option<String> {
    let rest = strings.get(usize::try_from(off).ok()?..)?;
    let end = rest.iter().position(|&b| b == 0)?;
    let bytes = rest.get(..end)?;
    Some(match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    })
}

/// Type-section cursor that reads words of the data's byte order.
pub(crate) struct TypeReader<'a> {
    data: &'a [u8],
    endian: Endian,
    /// The blob's own strings, at offset `str_base` after the base's.
    strings: &'a [u8],
    base: Option<&'a Btf>,
    str_base: u32,
}

impl TypeReader<'_> {
    pub(crate) fn word(&self, off: usize) -> Result<u32, BtfError> {
        // Lengths were checked beforehand; this only guards against bugs.
        read_u32(self.data, off, self.endian)
            .ok_or_else(|| BtfError::new(format!("BTF type data truncated at offset {off:#x}")))
    }

    /// `what`/`idx` describe the string for the error message only.
    pub(crate) fn name(
        &self,
        off: u32,
        id: u32,
        what: &'static str,
        idx: Option<usize>,
    ) -> Result<String, BtfError> {
        let found = match (self.base, off.checked_sub(self.str_base)) {
            (Some(b), None) => b.str_lossy(off),
            (_, Some(own)) => string_at(self.strings, own),
            (None, None) => None,
        };
        found.ok_or_else(|| {
            let what = match idx {
                Some(i) => format!("{what} #{i} name"),
                None => what.to_owned(),
            };
            BtfError::new(format!(
                "BTF type [{id}] {what} offset {off:#x} is past the end of the string section ({} bytes)",
                self.str_base as usize + self.strings.len()
            ))
        })
    }
}

impl Btf {
    /// Parse raw BTF (a `.BTF` section or `/sys/kernel/btf/vmlinux`).
    ///
    /// Validates like libbpf's btf_sanity_check: string offsets and type
    /// references must be in range. Header bytes past `str_len` (newer
    /// optional fields such as a kind-layout section) are ignored, and kinds
    /// newer than enum64 are rejected.
    pub fn parse(data: &[u8]) -> Result<Btf, BtfError> {
        Self::parse_inner(data, None)
    }

    /// Parse split BTF (e.g. `/sys/kernel/btf/<module>`) on top of `base`
    /// (normally vmlinux). Ids and string offsets continue where the base's
    /// end, as in the kernel. This copies `base`; to parse many modules over
    /// one vmlinux, share it with [`Btf::parse_split_shared`].
    pub fn parse_split(data: &[u8], base: &Btf) -> Result<Btf, BtfError> {
        Self::parse_inner(data, Some(&Arc::new(base.clone())))
    }

    /// [`Btf::parse_split`] over a shared base, which is not copied.
    pub fn parse_split_shared(data: &[u8], base: &Arc<Btf>) -> Result<Btf, BtfError> {
        Self::parse_inner(data, Some(base))
    }

    pub(crate) fn parse_inner(data: &[u8], base: Option<&Arc<Btf>>) -> Result<Btf, BtfError> {
        let (endian, header) = parse_header(data)?;
        if let Some(b) = base {
            if b.endian != endian {
                return Err(BtfError::new(format!(
                    "split BTF is {}-endian but its base BTF is {}-endian",
                    endian.as_str(),
                    b.endian.as_str()
                )));
            }
        }
        let hdr_len = header.hdr_len as usize;
        // parse_header checked these ranges against the data length.
        let type_start = hdr_len + header.type_off as usize;
        let type_end = type_start + header.type_len as usize;
        let str_start = hdr_len + header.str_off as usize;
        let str_end = str_start + header.str_len as usize;
        let tdata = data
            .get(type_start..type_end)
            .ok_or_else(|| BtfError::new("BTF type section is out of bounds"))?;
        let strings = data
            .get(str_start..str_end)
            .ok_or_else(|| BtfError::new("BTF string section is out of bounds"))?;
        match (strings.first(), strings.last()) {
            // Split BTF may add no strings at all.
            (None, _) if base.is_some() => {}
            (None, _) => {
                return Err(BtfError::new(
                    "BTF string section is empty (it must at least hold the empty string)",
                ))
            }
            (Some(_), Some(&last)) if last != 0 => {
                return Err(BtfError::new("BTF string section is not NUL-terminated"));
            }
            (Some(&first), _) if first != 0 && base.is_none() => {
                return Err(BtfError::new(
                    "BTF string section does not start with the empty string (split BTF needs its base BTF)",
                ));
            }
            _ => {}
        }

        let (mut types, start_id, str_base, ptr_size) = match base {
            Some(b) => {
                let start = u32::try_from(b.len())
                    .map_err(|_| BtfError::new("base BTF has too many types"))?;
                let sb = u32::try_from(b.str_len())
                    .map_err(|_| BtfError::new("base BTF strings are too long"))?;
                (Vec::new(), start, sb, Some(b.ptr_size))
            }
            None => (vec![BtfType::void()], 1, 0, None),
        };
        let strtab = strings.to_vec();
        let rd = TypeReader {
            data: tdata,
            endian,
            strings: &strtab,
            base: base.map(|b| &**b),
            str_base,
        };
        // Every type takes at least 12 bytes, which caps the preallocation.
        types.reserve(tdata.len() / BTF_TYPE_LEN);
        let mut off = 0usize;
        while off < tdata.len() {
            let id = u32::try_from(types.len())
                .ok()
                .and_then(|n| n.checked_add(if base.is_some() { start_id } else { 0 }))
                .ok_or_else(|| BtfError::new("BTF has more than 2^32 types"))?;
            let (t, len) = parse_type(&rd, off, id)?;
            types.push(t);
            off = off
                .checked_add(len)
                .ok_or_else(|| BtfError::new("BTF type offset overflow"))?;
        }

        let mut btf = Btf {
            endian,
            header,
            types,
            strings: strtab,
            start_id,
            base: base.cloned(),
            str_base,
            ptr_size: 8,
            name_index: OnceLock::new(),
            essential_index: OnceLock::new(),
        };
        btf.validate_refs()?;
        btf.ptr_size = ptr_size.unwrap_or_else(|| btf.determine_ptr_size());
        Ok(btf)
    }

    /// Every referenced type id must exist (like libbpf's btf_sanity_check),
    /// so that later walks only meet ids that `get` can answer.
    pub(crate) fn validate_refs(&self) -> Result<(), BtfError> {
        let n = self.len();
        // `what` is only built on failure: this runs for every member of vmlinux.
        let check = |t: &BtfType, id: u32, what: &dyn Fn() -> String| -> Result<(), BtfError> {
            if (id as usize) < n {
                return Ok(());
            }
            Err(BtfError::new(format!(
                "BTF type [{}] ({} '{}') {} references type [{id}], but there are only {n} types",
                t.id,
                t.kind,
                t.name,
                what()
            )))
        };
        // Base types (split BTF) were validated when the base was parsed.
        for t in self.own_types() {
            match t.kind {
                BtfKind::Ptr
                | BtfKind::Typedef
                | BtfKind::Volatile
                | BtfKind::Const
                | BtfKind::Restrict
                | BtfKind::Var
                | BtfKind::DeclTag
                | BtfKind::TypeTag => check(t, t.type_id, &|| "target".into())?,
                BtfKind::Array => {
                    if let Some((elem, index, _)) = t.array {
                        check(t, elem, &|| "element type".into())?;
                        check(t, index, &|| "index type".into())?;
                    }
                }
                BtfKind::Struct | BtfKind::Union => {
                    for (i, m) in t.members.iter().enumerate() {
                        check(t, m.type_id, &|| format!("member #{i} '{}'", m.name))?;
                    }
                }
                BtfKind::FuncProto => {
                    check(t, t.type_id, &|| "return type".into())?;
                    for (i, p) in t.params.iter().enumerate() {
                        check(t, p.type_id, &|| format!("parameter #{i}"))?;
                    }
                }
                BtfKind::Datasec => {
                    for (i, v) in t.datasec_vars.iter().enumerate() {
                        check(t, v.type_id, &|| format!("variable #{i}"))?;
                    }
                }
                BtfKind::Func => {
                    check(t, t.type_id, &|| "prototype".into())?;
                    let proto = self.get(t.type_id).map(|p| p.kind);
                    if proto != Some(BtfKind::FuncProto) {
                        return Err(BtfError::new(format!(
                            "BTF func [{}] '{}' must reference a func_proto, but type [{}] is a {}",
                            t.id,
                            t.name,
                            t.type_id,
                            proto.unwrap_or(BtfKind::Void)
                        )));
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Pointer size as libbpf guesses it: the size of a "long" int, else 8.
    pub(crate) fn determine_ptr_size(&self) -> u32 {
        const LONG_ALIASES: [&str; 11] = [
            "long",
            "long int",
            "int long",
            "unsigned long",
            "long unsigned",
            "unsigned long int",
            "unsigned int long",
            "long unsigned int",
            "long int unsigned",
            "int unsigned long",
            "int long unsigned",
        ];
        self.types
            .iter()
            .find(|t| {
                t.kind == BtfKind::Int
                    && (t.size == 4 || t.size == 8)
                    && LONG_ALIASES.contains(&t.name.as_str())
            })
            .map_or(8, |t| t.size)
    }

    /// Number of types including `void` at id 0 (and the base's, for split
    /// BTF).
    pub fn len(&self) -> usize {
        self.first_id() as usize + self.types.len()
    }

    /// Id of `types[0]`: 0 for base BTF (void), `start_id` for split BTF.
    fn first_id(&self) -> u32 {
        if self.base.is_some() {
            self.start_id
        } else {
            0
        }
    }

    /// The types this blob defines itself, without `void` and without the
    /// base's (for a module: the module's own types).
    pub fn own_types(&self) -> std::slice::Iter<'_, BtfType> {
        let skip = if self.base.is_some() { 0 } else { 1 };
        self.types.get(skip..).unwrap_or(&[]).iter()
    }

    /// The base BTF of split BTF.
    pub fn base(&self) -> Option<&Arc<Btf>> {
        self.base.as_ref()
    }

    /// Length of the whole string table (the base's included).
    pub fn str_len(&self) -> usize {
        self.str_base as usize + self.strings.len()
    }

    /// Lossily decoded string at `off` (base strings included).
    pub(crate) fn str_lossy(&self, off: u32) -> Option<String> {
        match (&self.base, off.checked_sub(self.str_base)) {
            (Some(b), None) => b.str_lossy(off),
            (_, Some(own)) => string_at(&self.strings, own),
            (None, None) => None,
        }
    }

    /// First type id defined by this blob: 1, or the base's `len()` for
    /// split BTF.
    pub fn start_id(&self) -> u32 {
        self.start_id
    }

    /// True when there are no types besides `void`.
    pub fn is_empty(&self) -> bool {
        self.len() <= 1
    }

    /// All types in id order, starting with `void` (id 0); for split BTF the
    /// base's first.
    pub fn types(&self) -> Box<dyn Iterator<Item = &BtfType> + '_> {
        match &self.base {
            Some(b) => Box::new(b.types().chain(self.types.iter())),
            None => Box::new(self.types.iter()),
        }
    }

    pub fn get(&self, id: u32) -> Option<&BtfType> {
        let first = self.first_id();
        if id < first {
            return self.base.as_ref()?.get(id);
        }
        self.types.get(usize::try_from(id - first).ok()?)
    }

    /// Pointer size in bytes used by `resolve_size` (libbpf heuristics).
    pub fn ptr_size(&self) -> u32 {
        self.ptr_size
    }

    /// The raw string section of this blob (without the base's for split
    /// BTF: its offset 0 is string offset `str_len() - strings().len()`).
    pub fn strings(&self) -> &[u8] {
        &self.strings
    }

    /// String-section lookup; `None` if out of range or not UTF-8.
    pub fn str_at(&self, off: u32) -> Option<&str> {
        let off = match (&self.base, off.checked_sub(self.str_base)) {
            (Some(b), None) => return b.str_at(off),
            (_, Some(own)) => own,
            (None, None) => return None,
        };
        let rest = self.strings.get(usize::try_from(off).ok()?..)?;
        let end = rest.iter().position(|&b| b == 0)?;
        std::str::from_utf8(rest.get(..end)?).ok()
    }

    /// Follow const/volatile/restrict/typedef/type_tag. Stops after a bounded
    /// number of steps (cycles) or at an id that does not exist.
    pub fn skip_mods_and_typedefs(&self, mut id: u32) -> u32 {
        for _ in 0..MAX_RESOLVE_DEPTH * 2 {
            match self.get(id) {
                Some(t) if t.kind.is_mod_or_typedef() => id = t.type_id,
                _ => break,
            }
        }
        id
    }

    /// Size in bytes like libbpf's `btf__resolve_size`: follows typedefs,
    /// modifiers, vars and decl tags, multiplies array dimensions. `None` for
    /// void, functions, forward declarations, cycles and overflow.
    pub fn resolve_size(&self, id: u32) -> Option<u32> {
        let mut nelems: u32 = 1;
        let mut id = id;
        for _ in 0..MAX_RESOLVE_DEPTH {
            let t = self.get(id)?;
            match t.kind {
                BtfKind::Int
                | BtfKind::Struct
                | BtfKind::Union
                | BtfKind::Enum
                | BtfKind::Enum64
                | BtfKind::Datasec
                | BtfKind::Float => return nelems.checked_mul(t.size),
                BtfKind::Ptr => return nelems.checked_mul(self.ptr_size),
                BtfKind::Typedef
                | BtfKind::Volatile
                | BtfKind::Const
                | BtfKind::Restrict
                | BtfKind::Var
                | BtfKind::DeclTag
                | BtfKind::TypeTag => id = t.type_id,
                BtfKind::Array => {
                    let (elem, _, n) = t.array?;
                    nelems = nelems.checked_mul(n)?;
                    id = elem;
                }
                _ => return None,
            }
        }
        None
    }

    /// C-like rendering: "struct task_struct", "unsigned int", "int *",
    /// "char[16]", "const char *", "int (*)(int, char *)"; typedef names as
    /// is; functions as "int name(params)". Bounded on cyclic graphs.
    pub fn type_name(&self, id: u32) -> String {
        let mut namer = Namer {
            btf: self,
            budget: NAME_BUDGET,
        };
        namer.decl(id, "", 0)
    }

    /// All type ids whose name is exactly `name` (anonymous types excluded;
    /// the base's too, for split BTF).
    pub fn find_by_name(&self, name: &str) -> Vec<u32> {
        let index = self.name_index.get_or_init(|| {
            let mut map: HashMap<String, Vec<u32>> = HashMap::new();
            for t in self.types.iter().filter(|t| !t.name.is_empty()) {
                map.entry(t.name.clone()).or_default().push(t.id);
            }
            map
        });
        let mut ids = self
            .base
            .as_ref()
            .map(|b| b.find_by_name(name))
            .unwrap_or_default();
        ids.extend(index.get(name).into_iter().flatten());
        ids
    }

    /// Ids of types whose essential name (flavor suffix stripped) is `ess`.
    /// For split BTF only the blob's own types are indexed, like libbpf's
    /// candidate search in module BTF (which starts at the module's first id).
    pub(crate) fn by_essential_name(&self, ess: &str) -> &[u32] {
        let index = self.essential_index.get_or_init(|| {
            let mut map: HashMap<String, Vec<u32>> = HashMap::new();
            for t in self.types.iter().filter(|t| !t.name.is_empty()) {
                map.entry(essential_name(&t.name).to_owned())
                    .or_default()
                    .push(t.id);
            }
            map
        });
        index.get(ess).map_or(&[], Vec::as_slice)
    }
}

pub(crate) fn parse_header(data: &[u8]) -> Result<(Endian, BtfHeader), BtfError> {
    if data.len() < BTF_HDR_MIN {
        return Err(BtfError::new(format!(
            "BTF data is too short for a header ({} bytes, need at least {BTF_HDR_MIN})",
            data.len()
        )));
    }
    let endian = match data.get(..2) {
        Some([0x9f, 0xeb]) => Endian::Little,
        Some([0xeb, 0x9f]) => Endian::Big,
        Some([a, b]) => {
            return Err(BtfError::new(format!(
                "bad BTF magic bytes {a:02x} {b:02x} (expected 0xeb9f in either byte order)"
            )))
        }
        _ => return Err(BtfError::new("BTF data is too short for a header")),
    };
    let word = |off: usize| {
        read_u32(data, off, endian).ok_or_else(|| BtfError::new("BTF header is truncated"))
    };
    let hdr = BtfHeader {
        version: data.get(2).copied().unwrap_or(0),
        flags: data.get(3).copied().unwrap_or(0),
        hdr_len: word(4)?,
        type_off: word(8)?,
        type_len: word(12)?,
        str_off: word(16)?,
        str_len: word(20)?,
    };
    if hdr.version != BTF_VERSION {
        return Err(BtfError::new(format!(
            "unsupported BTF version {} (only version {BTF_VERSION} is known)",
            hdr.version
        )));
    }
    let len = data.len() as u64;
    if (hdr.hdr_len as usize) < BTF_HDR_MIN {
        return Err(BtfError::new(format!(
            "BTF header length {} is below the minimum of {BTF_HDR_MIN} bytes",
            hdr.hdr_len
        )));
    }
    if u64::from(hdr.hdr_len) > len {
        return Err(BtfError::new(format!(
            "BTF header length {} is past the end of the data ({len} bytes)",
            hdr.hdr_len
        )));
    }
    // u64 arithmetic: the sum of three u32 cannot overflow it.
    let base = u64::from(hdr.hdr_len);
    if base + u64::from(hdr.str_off) + u64::from(hdr.str_len) > len {
        return Err(BtfError::new(format!(
            "BTF string section offset {:#x} (length {}) is past the end of the data ({len} bytes)",
            hdr.str_off, hdr.str_len
        )));
    }
    if base + u64::from(hdr.type_off) + u64::from(hdr.type_len) > len {
        return Err(BtfError::new(format!(
            "BTF type section offset {:#x} (length {}) is past the end of the data ({len} bytes)",
            hdr.type_off, hdr.type_len
        )));
    }
    if u64::from(hdr.type_off) + u64::from(hdr.type_len) > u64::from(hdr.str_off) {
        return Err(BtfError::new(format!(
            "BTF type section (offset {:#x}, length {}) overlaps the string section at offset {:#x}",
            hdr.type_off, hdr.type_len, hdr.str_off
        )));
    }
    if hdr.type_off % 4 != 0 {
        return Err(BtfError::new(format!(
            "BTF type section offset {:#x} is not 4-byte aligned",
            hdr.type_off
        )));
    }
    Ok((endian, hdr))
}

/// Decode the type starting at `off`; returns it and its encoded length.
pub(crate) fn parse_type(
    rd: &TypeReader<'_>,
    off: usize,
    id: u32,
) -> Result<(BtfType, usize), BtfError> {
    let remaining = rd.data.len().saturating_sub(off);
    if remaining < BTF_TYPE_LEN {
        return Err(BtfError::new(format!(
            "BTF type [{id}] is truncated: only {remaining} bytes left in the type section"
        )));
    }
    let name_off = rd.word(off)?;
    let info = rd.word(off + 4)?;
    let size_or_type = rd.word(off + 8)?;
    let raw_kind = (info >> 24) & 0x7f;
    let vlen = info & 0x00ff_ffff;
    let kflag = info >> 31 == 1;
    let kind = match BtfKind::from_raw(raw_kind) {
        Some(BtfKind::Void) | None => {
            return Err(BtfError::new(format!(
                "BTF type [{id}] at type-section offset {off:#x} has unknown kind {raw_kind}"
            )))
        }
        Some(k) => k,
    };
    let (fixed, elem) = kind.layout();
    let need = BTF_TYPE_LEN as u64 + fixed as u64 + u64::from(vlen) * elem as u64;
    if need > remaining as u64 {
        return Err(BtfError::new(format!(
            "BTF type [{id}] ({kind}, vlen {vlen}) needs {need} bytes but only {remaining} remain in the type section"
        )));
    }
    // Bounded by `remaining`, so it fits in usize and allocations stay capped.
    let need = need as usize;
    let body = off + BTF_TYPE_LEN;
    let n = if elem == 0 { 0 } else { vlen as usize };

    let mut t = BtfType::void();
    t.id = id;
    t.kind = kind;
    t.name_off = name_off;
    t.name = rd.name(name_off, id, "name", None)?;
    t.vlen = u16::try_from(vlen).unwrap_or(u16::MAX);
    t.kflag = kflag;
    if kind.has_size() {
        t.size = size_or_type;
    } else if !matches!(kind, BtfKind::Fwd | BtfKind::Array) {
        t.type_id = size_or_type;
    }

    match kind {
        BtfKind::Int => {
            let v = rd.word(body)?;
            t.int_encoding = ((v >> 24) & 0x0f) as u8;
            t.int_offset = ((v >> 16) & 0xff) as u8;
            t.int_bits = (v & 0xff) as u8;
        }
        BtfKind::Array => {
            t.array = Some((rd.word(body)?, rd.word(body + 4)?, rd.word(body + 8)?));
        }
        BtfKind::Struct | BtfKind::Union => {
            t.members = Vec::with_capacity(n);
            for i in 0..n {
                let p = body + i * 12;
                let moff = rd.word(p + 8)?;
                let (bit_offset, bitfield_size) = if kflag {
                    (moff & 0x00ff_ffff, moff >> 24)
                } else {
                    (moff, 0)
                };
                t.members.push(Member {
                    name: rd.name(rd.word(p)?, id, "member", Some(i))?,
                    type_id: rd.word(p + 4)?,
                    bit_offset,
                    bitfield_size,
                });
            }
        }
        BtfKind::Enum => {
            t.enum_values = Vec::with_capacity(n);
            for i in 0..n {
                let p = body + i * 8;
                let raw = rd.word(p + 4)?;
                // Signedness lives in the kind flag (kernel >= 6.0).
                let value = if kflag {
                    i64::from(raw as i32)
                } else {
                    i64::from(raw)
                };
                t.enum_values.push(EnumValue {
                    name: rd.name(rd.word(p)?, id, "enumerator", Some(i))?,
                    value,
                });
            }
        }
        BtfKind::Enum64 => {
            t.enum_values = Vec::with_capacity(n);
            for i in 0..n {
                let p = body + i * 12;
                let lo = u64::from(rd.word(p + 4)?);
                let hi = u64::from(rd.word(p + 8)?);
                t.enum_values.push(EnumValue {
                    name: rd.name(rd.word(p)?, id, "enumerator", Some(i))?,
                    value: ((hi << 32) | lo) as i64,
                });
            }
        }
        BtfKind::FuncProto => {
            t.params = Vec::with_capacity(n);
            for i in 0..n {
                let p = body + i * 8;
                t.params.push(Param {
                    name: rd.name(rd.word(p)?, id, "parameter", Some(i))?,
                    type_id: rd.word(p + 4)?,
                });
            }
        }
        BtfKind::Func => t.func_linkage = vlen,
        BtfKind::Var => t.var_linkage = rd.word(body)?,
        BtfKind::Datasec => {
            t.datasec_vars = Vec::with_capacity(n);
            for i in 0..n {
                let p = body + i * 12;
                t.datasec_vars.push(VarSecInfo {
                    type_id: rd.word(p)?,
                    offset: rd.word(p + 4)?,
                    size: rd.word(p + 8)?,
                });
            }
        }
        BtfKind::DeclTag => t.component_idx = rd.word(body)? as i32,
        _ => {}
    }
    Ok((t, need))
}

/// Type names and kinds of one (non-split) BTF blob, found without decoding members,
/// parameters or enumerators. `feature` needs only the number of types and a few ids by
/// name from vmlinux (~150 000 types): decoding all of it into [`Btf`] took ~50 MB.
pub struct BtfNames {
    data: Vec<u8>,
    strings: std::ops::Range<usize>,
    /// (name offset, kind) of type id i + 1.
    index: Vec<(u32, u8)>,
}

impl BtfNames {
    /// Walk the type headers once. Checks lengths (every type must fit in the section)
    /// but not references: an id found here is for the kernel to judge, as with libbpf.
    pub fn scan(data: Vec<u8>) -> Result<BtfNames, BtfError> {
        let (endian, header) = parse_header(&data)?;
        // parse_header checked both sections against the data length.
        let at = |off: u32, len: u32| {
            let start = header.hdr_len as usize + off as usize;
            start..start + len as usize
        };
        let types = at(header.type_off, header.type_len);
        let strings = at(header.str_off, header.str_len);
        if data.get(types.clone()).is_none() || data.get(strings.clone()).is_none() {
            return Err(BtfError::new("BTF sections are out of bounds"));
        }
        let mut index = Vec::with_capacity(header.type_len as usize / BTF_TYPE_LEN);
        let mut off = types.start;
        while off < types.end {
            if types.end - off < BTF_TYPE_LEN {
                return Err(BtfError::new("BTF type section ends inside a type"));
            }
            let word = |o: usize| read_u32(&data, o, endian).unwrap_or(0);
            let name_off = word(off);
            let info = word(off + 4);
            let raw_kind = (info >> 24) & 0x7f;
            let kind = match BtfKind::from_raw(raw_kind) {
                Some(BtfKind::Void) | None => {
                    return Err(BtfError::new(format!(
                        "BTF type [{}] has unknown kind {raw_kind}",
                        index.len() + 1
                    )))
                }
                Some(k) => k,
            };
            let (fixed, elem) = kind.layout();
            let len =
                BTF_TYPE_LEN as u64 + fixed as u64 + u64::from(info & 0x00ff_ffff) * elem as u64;
            if len > (types.end - off) as u64 {
                return Err(BtfError::new(format!(
                    "BTF type [{}] runs past the type section",
                    index.len() + 1
                )));
            }
            index.push((name_off, raw_kind as u8));
            off += len as usize;
        }
        Ok(BtfNames {
            data,
            strings,
            index,
        })
    }

    /// Number of types, not counting void.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The first type named `name` (of `kind`, if given).
    pub fn find(&self, name: &str, kind: Option<BtfKind>) -> Option<u32> {
        let strings = &self.data[self.strings.clone()];
        let want = name.as_bytes();
        self.index
            .iter()
            .position(|&(off, k)| {
                kind.is_none_or(|kind| kind.raw() == u32::from(k))
                    && strings
                        .get(off as usize..)
                        .is_some_and(|s| s.starts_with(want) && s.get(want.len()) == Some(&0))
            })
            .map(|i| i as u32 + 1)
    }
}
