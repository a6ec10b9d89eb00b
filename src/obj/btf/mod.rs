//! BPF Type Format (BTF) and BTF.ext parsing, plus CO-RE relocation
//! description and resolution.
//!
//! Input may be hostile (truncated, bit-flipped, garbage), so every read is
//! bounds-checked, arithmetic on values taken from the data is checked,
//! allocations are capped by the bytes actually present, and every walk over
//! the type graph (typedef chains, arrays, anonymous members, prototypes) is
//! bounded so that cyclic graphs terminate. Both byte orders are supported;
//! the BTF magic tells which one the data uses.
//!
//! BTF.ext instruction offsets, stored in bytes in ELF objects, are exposed
//! as instruction indices (divided by 8). CO-RE resolution mirrors libbpf's
//! `bpf_core_calc_relo_insn` so that results match what libbpf would patch.
//!
//! References: the kernel's `Documentation/bpf/btf.rst` and
//! `include/uapi/linux/btf.h`, libbpf's `btf.c`, `relo_core.c` and
//! `libbpf_internal.h` (BTF.ext layouts).

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

const BTF_MAGIC: u16 = 0xeb9f;
const BTF_VERSION: u8 = 1;
/// Header up to and including `str_len`; newer headers may be longer.
const BTF_HDR_MIN: usize = 24;
/// `struct btf_type`: name_off, info, size/type.
const BTF_TYPE_LEN: usize = 12;
/// BTF.ext header up to and including `line_info_len`.
const BTF_EXT_HDR_MIN: usize = 24;
/// BTF.ext header including `core_relo_off`/`core_relo_len`.
const BTF_EXT_HDR_CORE: usize = 32;
/// libbpf's MAX_RESOLVE_DEPTH; also bounds modifier/typedef chains here.
const MAX_RESOLVE_DEPTH: usize = 32;
/// libbpf's BPF_CORE_SPEC_MAX_LEN.
const CORE_SPEC_MAX_LEN: usize = 64;
/// Elementary steps allowed for one CO-RE resolution. libbpf's recursive
/// matchers are exponential on adversarial graphs; this keeps us bounded.
const CORE_STEP_BUDGET: usize = 1 << 20;
/// Types rendered by one `type_name` call before giving up (same reason).
const NAME_BUDGET: usize = 4096;

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

    fn u16_from(self, b: [u8; 2]) -> u16 {
        match self {
            Endian::Little => u16::from_le_bytes(b),
            Endian::Big => u16::from_be_bytes(b),
        }
    }

    fn u32_from(self, b: [u8; 4]) -> u32 {
        match self {
            Endian::Little => u32::from_le_bytes(b),
            Endian::Big => u32::from_be_bytes(b),
        }
    }
}

fn read_u16(data: &[u8], off: usize, endian: Endian) -> Option<u16> {
    let b = data.get(off..off.checked_add(2)?)?;
    Some(endian.u16_from(b.try_into().ok()?))
}

fn read_u32(data: &[u8], off: usize, endian: Endian) -> Option<u32> {
    let b = data.get(off..off.checked_add(4)?)?;
    Some(endian.u32_from(b.try_into().ok()?))
}

/// A parse error with a one-line, human readable message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BtfError(String);

impl BtfError {
    fn new(msg: impl Into<String>) -> Self {
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
    fn layout(self) -> (usize, usize) {
        match self {
            BtfKind::Int | BtfKind::Var | BtfKind::DeclTag => (4, 0),
            BtfKind::Array => (12, 0),
            BtfKind::Struct | BtfKind::Union | BtfKind::Datasec | BtfKind::Enum64 => (0, 12),
            BtfKind::Enum | BtfKind::FuncProto => (0, 8),
            _ => (0, 0),
        }
    }

    /// Kinds whose third header word is a size rather than a type id.
    fn has_size(self) -> bool {
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

    fn is_composite(self) -> bool {
        matches!(self, BtfKind::Struct | BtfKind::Union)
    }

    fn is_any_enum(self) -> bool {
        matches!(self, BtfKind::Enum | BtfKind::Enum64)
    }

    /// Modifiers and typedefs, i.e. what `skip_mods_and_typedefs` follows.
    fn is_mod_or_typedef(self) -> bool {
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
    fn void() -> BtfType {
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
    fn elem_count(&self) -> usize {
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
#[derive(Clone)]
pub struct Btf {
    pub endian: Endian,
    pub header: BtfHeader,
    types: Vec<BtfType>,
    /// String table; for split BTF the base's strings come first, so string
    /// offsets index it directly.
    strings: Vec<u8>,
    /// First type id defined by this blob (>1 only for split BTF).
    start_id: u32,
    ptr_size: u32,
    /// name -> ids, built on first lookup (vmlinux has ~150k types).
    name_index: OnceLock<HashMap<String, Vec<u32>>>,
    /// CO-RE essential name (flavor stripped) -> ids, built on first use.
    essential_index: OnceLock<HashMap<String, Vec<u32>>>,
}

impl fmt::Debug for Btf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Dumping every type would be unreadable for vmlinux.
        f.debug_struct("Btf")
            .field("endian", &self.endian)
            .field("header", &self.header)
            .field("types", &self.types.len())
            .field("start_id", &self.start_id)
            .field("strings_len", &self.strings.len())
            .finish()
    }
}

/// NUL-terminated string at `off`, lossily decoded (names should be ASCII,
/// but garbage must not fail the whole parse for a cosmetic reason).
fn string_at(strings: &[u8], off: u32) -> Option<String> {
    let rest = strings.get(usize::try_from(off).ok()?..)?;
    let end = rest.iter().position(|&b| b == 0)?;
    let bytes = rest.get(..end)?;
    Some(match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    })
}

/// Type-section cursor that reads words of the data's byte order.
struct TypeReader<'a> {
    data: &'a [u8],
    endian: Endian,
    strings: &'a [u8],
}

impl TypeReader<'_> {
    fn word(&self, off: usize) -> Result<u32, BtfError> {
        // Lengths were checked beforehand; this only guards against bugs.
        read_u32(self.data, off, self.endian)
            .ok_or_else(|| BtfError::new(format!("BTF type data truncated at offset {off:#x}")))
    }

    /// `what`/`idx` describe the string for the error message only.
    fn name(
        &self,
        off: u32,
        id: u32,
        what: &'static str,
        idx: Option<usize>,
    ) -> Result<String, BtfError> {
        string_at(self.strings, off).ok_or_else(|| {
            let what = match idx {
                Some(i) => format!("{what} #{i} name"),
                None => what.to_owned(),
            };
            BtfError::new(format!(
                "BTF type [{id}] {what} offset {off:#x} is past the end of the string section ({} bytes)",
                self.strings.len()
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
    /// (normally vmlinux). The result holds the base types too: ids and
    /// string offsets continue where the base's end, as in the kernel.
    pub fn parse_split(data: &[u8], base: &Btf) -> Result<Btf, BtfError> {
        Self::parse_inner(data, Some(base))
    }

    fn parse_inner(data: &[u8], base: Option<&Btf>) -> Result<Btf, BtfError> {
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

        let (mut types, mut strtab, ptr_size) = match base {
            Some(b) => (b.types.clone(), b.strings.clone(), Some(b.ptr_size)),
            None => (vec![BtfType::void()], Vec::new(), None),
        };
        strtab.extend_from_slice(strings);
        let start_id =
            u32::try_from(types.len()).map_err(|_| BtfError::new("base BTF has too many types"))?;
        let rd = TypeReader {
            data: tdata,
            endian,
            strings: &strtab,
        };
        // Every type takes at least 12 bytes, which caps the preallocation.
        types.reserve(tdata.len() / BTF_TYPE_LEN);
        let mut off = 0usize;
        while off < tdata.len() {
            let id = u32::try_from(types.len())
                .map_err(|_| BtfError::new("BTF has more than 2^32 types"))?;
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
    fn validate_refs(&self) -> Result<(), BtfError> {
        let n = self.types.len();
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
        for t in self.types.iter().skip(self.start_id as usize) {
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
                    let proto = self.types.get(t.type_id as usize).map(|p| p.kind);
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
    fn determine_ptr_size(&self) -> u32 {
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

    /// Number of types including `void` at id 0.
    pub fn len(&self) -> usize {
        self.types.len()
    }

    /// First type id defined by this blob: 1, or the base's `len()` for
    /// split BTF.
    pub fn start_id(&self) -> u32 {
        self.start_id
    }

    /// True when there are no types besides `void`.
    pub fn is_empty(&self) -> bool {
        self.types.len() <= 1
    }

    /// All types in id order, starting with `void` (id 0).
    pub fn types(&self) -> std::slice::Iter<'_, BtfType> {
        self.types.iter()
    }

    pub fn get(&self, id: u32) -> Option<&BtfType> {
        self.types.get(usize::try_from(id).ok()?)
    }

    /// Pointer size in bytes used by `resolve_size` (libbpf heuristics).
    pub fn ptr_size(&self) -> u32 {
        self.ptr_size
    }

    /// The raw string section.
    pub fn strings(&self) -> &[u8] {
        &self.strings
    }

    /// String-section lookup; `None` if out of range or not UTF-8.
    pub fn str_at(&self, off: u32) -> Option<&str> {
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

    /// All type ids whose name is exactly `name` (anonymous types excluded).
    pub fn find_by_name(&self, name: &str) -> Vec<u32> {
        let index = self.name_index.get_or_init(|| {
            let mut map: HashMap<String, Vec<u32>> = HashMap::new();
            for t in self.types.iter().filter(|t| !t.name.is_empty()) {
                map.entry(t.name.clone()).or_default().push(t.id);
            }
            map
        });
        index.get(name).cloned().unwrap_or_default()
    }

    /// Ids of types whose essential name (flavor suffix stripped) is `ess`.
    fn by_essential_name(&self, ess: &str) -> &[u32] {
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

fn parse_header(data: &[u8]) -> Result<(Endian, BtfHeader), BtfError> {
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
fn parse_type(rd: &TypeReader<'_>, off: usize, id: u32) -> Result<(BtfType, usize), BtfError> {
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

/// Renders C declarations; `budget` bounds work on adversarial graphs.
struct Namer<'a> {
    btf: &'a Btf,
    budget: usize,
}

/// "base" + declarator, with C spacing ("char[16]", "int *p", "int (*)(void)").
fn join_decl(base: &str, inner: &str) -> String {
    if inner.is_empty() {
        base.to_owned()
    } else if inner.starts_with('[') {
        format!("{base}{inner}")
    } else {
        format!("{base} {inner}")
    }
}

fn or_anon(name: &str) -> &str {
    if name.is_empty() {
        "(anon)"
    } else {
        name
    }
}

impl Namer<'_> {
    /// Declaration of type `id` around declarator `inner` (may be empty).
    fn decl(&mut self, id: u32, inner: &str, depth: usize) -> String {
        if self.budget == 0 || depth > MAX_RESOLVE_DEPTH {
            return join_decl("...", inner);
        }
        self.budget -= 1;
        let btf = self.btf;
        let Some(t) = btf.get(id) else {
            return join_decl(&format!("<invalid type {id}>"), inner);
        };
        let d = depth + 1;
        match t.kind {
            BtfKind::Void => join_decl("void", inner),
            BtfKind::Int | BtfKind::Float | BtfKind::Typedef => join_decl(or_anon(&t.name), inner),
            BtfKind::Struct | BtfKind::Union | BtfKind::Enum | BtfKind::Enum64 | BtfKind::Fwd => {
                let tag = match t.kind {
                    BtfKind::Union => "union",
                    BtfKind::Fwd if t.kflag => "union",
                    BtfKind::Fwd | BtfKind::Struct => "struct",
                    _ => "enum",
                };
                join_decl(&format!("{tag} {}", or_anon(&t.name)), inner)
            }
            BtfKind::Ptr => self.decl(t.type_id, &format!("*{inner}"), d),
            BtfKind::Const | BtfKind::Volatile | BtfKind::Restrict => {
                let q = t.kind.as_str();
                let target = btf.get(btf.skip_type_tags(t.type_id)).map(|x| x.kind);
                if target == Some(BtfKind::Ptr) {
                    // Qualified pointer: "char *const".
                    let inner = if inner.is_empty() {
                        q.to_owned()
                    } else {
                        format!("{q} {inner}")
                    };
                    self.decl(t.type_id, &inner, d)
                } else {
                    format!("{q} {}", self.decl(t.type_id, inner, d))
                }
            }
            BtfKind::TypeTag => self.decl(t.type_id, inner, d),
            BtfKind::Array => {
                let (elem, _, n) = t.array.unwrap_or_default();
                let inner = if inner.starts_with('*') {
                    format!("({inner})")
                } else {
                    inner.to_owned()
                };
                self.decl(elem, &format!("{inner}[{n}]"), d)
            }
            BtfKind::FuncProto => {
                let inner = if inner.starts_with('*') {
                    format!("({inner})")
                } else {
                    inner.to_owned()
                };
                let mut params = Vec::with_capacity(t.params.len());
                for (i, p) in t.params.iter().enumerate() {
                    if p.type_id == 0 && p.name.is_empty() && i + 1 == t.params.len() {
                        params.push("...".to_owned());
                    } else {
                        params.push(self.decl(p.type_id, &p.name, d));
                    }
                }
                let params = if params.is_empty() {
                    "void".to_owned()
                } else {
                    params.join(", ")
                };
                self.decl(t.type_id, &format!("{inner}({params})"), d)
            }
            BtfKind::Func => {
                let is_proto = btf.get(t.type_id).map(|p| p.kind) == Some(BtfKind::FuncProto);
                if is_proto {
                    self.decl(t.type_id, &t.name, d)
                } else {
                    t.name.clone()
                }
            }
            BtfKind::Var => self.decl(t.type_id, &t.name, d),
            BtfKind::Datasec | BtfKind::DeclTag => t.name.clone(),
        }
    }
}

impl Btf {
    fn skip_type_tags(&self, mut id: u32) -> u32 {
        for _ in 0..MAX_RESOLVE_DEPTH {
            match self.get(id) {
                Some(t) if t.kind == BtfKind::TypeTag => id = t.type_id,
                _ => break,
            }
        }
        id
    }
}

// ---------------------------------------------------------------------------
// BTF.ext
// ---------------------------------------------------------------------------

/// A `bpf_func_info` record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuncInfo {
    /// Instruction index within the section: the ELF stores a byte offset,
    /// which is divided by 8 (the size of one BPF instruction).
    pub insn_off: u32,
    pub type_id: u32,
}

/// A `bpf_line_info` record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineInfo {
    /// Instruction index (byte offset in the ELF divided by 8).
    pub insn_off: u32,
    pub file_name: String,
    pub line_text: String,
    pub line: u32,
    pub col: u32,
}

/// `enum bpf_core_relo_kind`; unknown numbers are kept in `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CoreReloKind {
    FieldByteOffset,
    FieldByteSize,
    FieldExists,
    FieldSigned,
    FieldLshiftU64,
    FieldRshiftU64,
    TypeIdLocal,
    TypeIdTarget,
    TypeExists,
    TypeSize,
    EnumvalExists,
    EnumvalValue,
    TypeMatches,
    Unknown(u32),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ReloClass {
    Field,
    Type,
    Enumval,
    Unknown,
}

impl CoreReloKind {
    pub fn from_raw(kind: u32) -> CoreReloKind {
        match kind {
            0 => CoreReloKind::FieldByteOffset,
            1 => CoreReloKind::FieldByteSize,
            2 => CoreReloKind::FieldExists,
            3 => CoreReloKind::FieldSigned,
            4 => CoreReloKind::FieldLshiftU64,
            5 => CoreReloKind::FieldRshiftU64,
            6 => CoreReloKind::TypeIdLocal,
            7 => CoreReloKind::TypeIdTarget,
            8 => CoreReloKind::TypeExists,
            9 => CoreReloKind::TypeSize,
            10 => CoreReloKind::EnumvalExists,
            11 => CoreReloKind::EnumvalValue,
            12 => CoreReloKind::TypeMatches,
            n => CoreReloKind::Unknown(n),
        }
    }

    /// The numeric `bpf_core_relo_kind`.
    pub fn raw(self) -> u32 {
        match self {
            CoreReloKind::FieldByteOffset => 0,
            CoreReloKind::FieldByteSize => 1,
            CoreReloKind::FieldExists => 2,
            CoreReloKind::FieldSigned => 3,
            CoreReloKind::FieldLshiftU64 => 4,
            CoreReloKind::FieldRshiftU64 => 5,
            CoreReloKind::TypeIdLocal => 6,
            CoreReloKind::TypeIdTarget => 7,
            CoreReloKind::TypeExists => 8,
            CoreReloKind::TypeSize => 9,
            CoreReloKind::EnumvalExists => 10,
            CoreReloKind::EnumvalValue => 11,
            CoreReloKind::TypeMatches => 12,
            CoreReloKind::Unknown(n) => n,
        }
    }

    /// libbpf's names ("byte_off", "field_exists", ...), "unknown" otherwise.
    pub fn as_str(&self) -> &'static str {
        match self {
            CoreReloKind::FieldByteOffset => "byte_off",
            CoreReloKind::FieldByteSize => "byte_sz",
            CoreReloKind::FieldExists => "field_exists",
            CoreReloKind::FieldSigned => "signed",
            CoreReloKind::FieldLshiftU64 => "lshift_u64",
            CoreReloKind::FieldRshiftU64 => "rshift_u64",
            CoreReloKind::TypeIdLocal => "local_type_id",
            CoreReloKind::TypeIdTarget => "target_type_id",
            CoreReloKind::TypeExists => "type_exists",
            CoreReloKind::TypeSize => "type_size",
            CoreReloKind::EnumvalExists => "enumval_exists",
            CoreReloKind::EnumvalValue => "enumval_value",
            CoreReloKind::TypeMatches => "type_matches",
            CoreReloKind::Unknown(_) => "unknown",
        }
    }

    fn class(self) -> ReloClass {
        match self {
            CoreReloKind::FieldByteOffset
            | CoreReloKind::FieldByteSize
            | CoreReloKind::FieldExists
            | CoreReloKind::FieldSigned
            | CoreReloKind::FieldLshiftU64
            | CoreReloKind::FieldRshiftU64 => ReloClass::Field,
            CoreReloKind::TypeIdLocal
            | CoreReloKind::TypeIdTarget
            | CoreReloKind::TypeExists
            | CoreReloKind::TypeSize
            | CoreReloKind::TypeMatches => ReloClass::Type,
            CoreReloKind::EnumvalExists | CoreReloKind::EnumvalValue => ReloClass::Enumval,
            CoreReloKind::Unknown(_) => ReloClass::Unknown,
        }
    }
}

impl fmt::Display for CoreReloKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `bpf_core_relo` record with its strings resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreRelo {
    /// Instruction index (byte offset in the ELF divided by 8).
    pub insn_off: u32,
    /// Local (program BTF) root type id.
    pub type_id: u32,
    /// Access specification, e.g. "0:1:2".
    pub access_str: String,
    pub kind: CoreReloKind,
}

/// Records of one ELF section (program), as grouped in BTF.ext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecRecords<T> {
    pub sec_name: String,
    pub records: Vec<T>,
}

/// Parsed `.BTF.ext`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BtfExt {
    pub func_info: Vec<SecRecords<FuncInfo>>,
    pub line_info: Vec<SecRecords<LineInfo>>,
    pub core_relos: Vec<SecRecords<CoreRelo>>,
}

struct ExtReader<'a> {
    data: &'a [u8],
    endian: Endian,
    hdr_len: usize,
    btf: &'a Btf,
}

impl ExtReader<'_> {
    /// `what` describes the string for the error message; built lazily
    /// because this runs for every record.
    fn string(&self, off: u32, what: impl FnOnce() -> String) -> Result<String, BtfError> {
        string_at(&self.btf.strings, off).ok_or_else(|| {
            BtfError::new(format!(
                "BTF.ext {} offset {off:#x} is past the end of the BTF string section ({} bytes)",
                what(),
                self.btf.strings.len()
            ))
        })
    }

    /// Parse one info subsection: `u32 rec_size` followed by
    /// `{sec_name_off, num_info, records[num_info]}` groups (libbpf's
    /// btf_ext_parse_sec_info). Records longer than `min_rec` have their
    /// unknown tail skipped.
    fn subsection<T>(
        &self,
        what: &str,
        (off, len): (u32, u32),
        min_rec: usize,
        decode: impl Fn(&[u8], &str) -> Result<T, BtfError>,
    ) -> Result<Vec<SecRecords<T>>, BtfError> {
        if len == 0 {
            return Ok(Vec::new());
        }
        if off % 4 != 0 {
            return Err(BtfError::new(format!(
                "BTF.ext {what} subsection offset {off:#x} is not 4-byte aligned"
            )));
        }
        let start = self.hdr_len as u64 + u64::from(off);
        let end = start + u64::from(len);
        if end > self.data.len() as u64 {
            return Err(BtfError::new(format!(
                "BTF.ext {what} subsection (offset {off:#x}, length {len}) is past the end of the data ({} bytes)",
                self.data.len()
            )));
        }
        // Bounded by data.len() just above.
        let sec = self
            .data
            .get(start as usize..end as usize)
            .ok_or_else(|| BtfError::new(format!("BTF.ext {what} subsection out of bounds")))?;
        let rec_size = read_u32(sec, 0, self.endian).ok_or_else(|| {
            BtfError::new(format!(
                "BTF.ext {what} subsection is too short for its record size"
            ))
        })?;
        if (rec_size as usize) < min_rec || rec_size % 4 != 0 {
            return Err(BtfError::new(format!(
                "BTF.ext {what} record size {rec_size} is invalid (must be a multiple of 4 and at least {min_rec})"
            )));
        }
        let rec_size = rec_size as usize;
        let mut pos = 4usize;
        if pos == sec.len() {
            return Err(BtfError::new(format!(
                "BTF.ext {what} subsection has no records"
            )));
        }
        let mut out = Vec::new();
        while pos < sec.len() {
            let idx = out.len();
            let left = sec.len() - pos;
            let (Some(name_off), Some(num)) = (
                read_u32(sec, pos, self.endian),
                read_u32(sec, pos + 4, self.endian),
            ) else {
                return Err(BtfError::new(format!(
                    "BTF.ext {what} section #{idx} header is truncated ({left} bytes left)"
                )));
            };
            if num == 0 {
                return Err(BtfError::new(format!(
                    "BTF.ext {what} section #{idx} has no records"
                )));
            }
            let total = u64::from(num) * rec_size as u64;
            if 8 + total > left as u64 {
                return Err(BtfError::new(format!(
                    "BTF.ext {what} section #{idx} declares {num} records of {rec_size} bytes but only {} bytes remain",
                    left - 8
                )));
            }
            let sec_name = self.string(name_off, || format!("{what} section #{idx} name"))?;
            pos += 8;
            // Capped by the bytes present, checked just above.
            let mut records = Vec::with_capacity(num as usize);
            for _ in 0..num {
                let rec = sec
                    .get(pos..pos + rec_size)
                    .ok_or_else(|| BtfError::new(format!("BTF.ext {what} record out of bounds")))?;
                records.push(decode(rec, &sec_name)?);
                pos += rec_size;
            }
            out.push(SecRecords { sec_name, records });
        }
        Ok(out)
    }
}

/// Parse `.BTF.ext` using the strings (and byte order) of its `.BTF`.
/// Instruction offsets, stored in bytes in ELF objects, are converted to
/// instruction indices (divided by 8).
pub fn parse_ext(data: &[u8], btf: &Btf) -> Result<BtfExt, BtfError> {
    let endian = btf.endian;
    let magic = read_u16(data, 0, endian)
        .filter(|_| data.len() >= 8)
        .ok_or_else(|| {
            BtfError::new(format!(
                "BTF.ext data is too short for a header ({} bytes)",
                data.len()
            ))
        })?;
    if magic != BTF_MAGIC {
        if magic.swap_bytes() == BTF_MAGIC {
            return Err(BtfError::new(format!(
                "BTF.ext byte order differs from its BTF ({}-endian)",
                endian.as_str()
            )));
        }
        return Err(BtfError::new(format!(
            "bad BTF.ext magic {magic:#06x} (expected 0xeb9f)"
        )));
    }
    let version = data.get(2).copied().unwrap_or(0);
    let flags = data.get(3).copied().unwrap_or(0);
    if version != BTF_VERSION {
        return Err(BtfError::new(format!(
            "unsupported BTF.ext version {version} (only version {BTF_VERSION} is known)"
        )));
    }
    if flags != 0 {
        return Err(BtfError::new(format!(
            "unsupported BTF.ext flags {flags:#x}"
        )));
    }
    let hdr_len = read_u32(data, 4, endian).unwrap_or(0) as usize;
    if hdr_len < BTF_EXT_HDR_MIN {
        return Err(BtfError::new(format!(
            "BTF.ext header length {hdr_len} is below the minimum of {BTF_EXT_HDR_MIN} bytes"
        )));
    }
    if hdr_len > data.len() {
        return Err(BtfError::new(format!(
            "BTF.ext header length {hdr_len} is past the end of the data ({} bytes)",
            data.len()
        )));
    }
    let word = |off: usize| read_u32(data, off, endian).unwrap_or(0);
    let rd = ExtReader {
        data,
        endian,
        hdr_len,
        btf,
    };

    let func_info = rd.subsection("func_info", (word(8), word(12)), 8, |r, _| {
        Ok(FuncInfo {
            insn_off: read_u32(r, 0, endian).unwrap_or(0) / 8,
            type_id: read_u32(r, 4, endian).unwrap_or(0),
        })
    })?;
    let line_info = rd.subsection("line_info", (word(16), word(20)), 16, |r, sec| {
        let line_col = read_u32(r, 12, endian).unwrap_or(0);
        Ok(LineInfo {
            insn_off: read_u32(r, 0, endian).unwrap_or(0) / 8,
            file_name: rd.string(read_u32(r, 4, endian).unwrap_or(0), || {
                format!("line_info file name in section '{sec}'")
            })?,
            line_text: rd.string(read_u32(r, 8, endian).unwrap_or(0), || {
                format!("line_info line text in section '{sec}'")
            })?,
            line: line_col >> 10,
            col: line_col & 0x3ff,
        })
    })?;
    // hdr_len 24 predates CO-RE relocations.
    let core_relos = if hdr_len >= BTF_EXT_HDR_CORE {
        rd.subsection("core_relo", (word(24), word(28)), 16, |r, sec| {
            Ok(CoreRelo {
                insn_off: read_u32(r, 0, endian).unwrap_or(0) / 8,
                type_id: read_u32(r, 4, endian).unwrap_or(0),
                access_str: rd.string(read_u32(r, 8, endian).unwrap_or(0), || {
                    format!("core_relo access string in section '{sec}'")
                })?,
                kind: CoreReloKind::from_raw(read_u32(r, 12, endian).unwrap_or(0)),
            })
        })?
    } else {
        Vec::new()
    };
    Ok(BtfExt {
        func_info,
        line_info,
        core_relos,
    })
}

// ---------------------------------------------------------------------------
// CO-RE
// ---------------------------------------------------------------------------

/// Outcome of resolving one CO-RE relocation against a target BTF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoreResolution {
    /// `value` is what libbpf would patch into the instruction.
    Resolved {
        target_type_id: u32,
        value: u64,
        description: String,
    },
    NotFound {
        reason: String,
    },
    /// Several candidates matched but disagree (libbpf refuses to load).
    Ambiguous {
        reason: String,
    },
}

/// libbpf's `bpf_core_essential_name_len`: drop the last `___flavor` suffix
/// (an `X___Y` pattern where X and Y are not underscores).
pub fn essential_name(name: &str) -> &str {
    let b = name.as_bytes();
    let Some(last) = b.len().checked_sub(5) else {
        return name;
    };
    for i in (0..=last).rev() {
        if let Some(&[x, b'_', b'_', b'_', y]) = b.get(i..i + 5) {
            if x != b'_' && y != b'_' {
                return name.get(..=i).unwrap_or(name);
            }
        }
    }
    name
}

/// Bounds the work of one resolution.
struct Budget(usize);

impl Budget {
    fn step(&mut self) -> Result<(), String> {
        if self.0 == 0 {
            return Err("type graph too complex (step budget exhausted)".to_owned());
        }
        self.0 -= 1;
        Ok(())
    }
}

/// High-level accessor (libbpf's bpf_core_accessor): a named field or an
/// array index.
#[derive(Clone, Debug)]
struct Accessor<'a> {
    type_id: u32,
    idx: u32,
    name: Option<&'a str>,
}

/// libbpf's bpf_core_spec.
#[derive(Clone, Debug)]
struct Spec<'a> {
    btf: &'a Btf,
    root_type_id: u32,
    raw: Vec<u32>,
    acc: Vec<Accessor<'a>>,
    bit_offset: u64,
}

impl<'a> Spec<'a> {
    fn new(btf: &'a Btf, root_type_id: u32) -> Self {
        Spec {
            btf,
            root_type_id,
            raw: Vec::new(),
            acc: Vec::new(),
            bit_offset: 0,
        }
    }

    fn add_bits(&mut self, idx: u32, elem_size: u32) -> Result<(), String> {
        let bits = u64::from(idx)
            .checked_mul(u64::from(elem_size))
            .and_then(|v| v.checked_mul(8))
            .and_then(|v| v.checked_add(self.bit_offset))
            .ok_or("field bit offset overflows")?;
        self.bit_offset = bits;
        Ok(())
    }
}

fn type_of<'a>(btf: &'a Btf, id: u32, side: &str) -> Result<&'a BtfType, String> {
    btf.get(id)
        .ok_or_else(|| format!("{side} type [{id}] does not exist"))
}

/// libbpf's is_flex_arr: a zero-sized array that is the last member of the
/// struct the previous accessor points into.
fn is_flex_arr(btf: &Btf, prev: Option<&Accessor<'_>>, nelems: u32) -> bool {
    let Some(acc) = prev else { return false };
    if acc.name.is_none() || nelems > 0 {
        return false;
    }
    btf.get(acc.type_id)
        .is_some_and(|t| t.elem_count() > 0 && acc.idx as usize == t.elem_count() - 1)
}

fn parse_access(s: &str) -> Result<Vec<u32>, String> {
    if s.is_empty() || s.starts_with(':') {
        return Err(format!("invalid access string '{s}'"));
    }
    let mut raw = Vec::new();
    for part in s.split(':') {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("invalid access string '{s}'"));
        }
        // libbpf parses with %d and rejects negatives.
        let v: u32 = part
            .parse()
            .ok()
            .filter(|v| i32::try_from(*v).is_ok())
            .ok_or_else(|| format!("access index '{part}' out of range in '{s}'"))?;
        if raw.len() == CORE_SPEC_MAX_LEN {
            return Err(format!("access string '{s}' is too long"));
        }
        raw.push(v);
    }
    Ok(raw)
}

/// libbpf's bpf_core_parse_spec for the local side.
fn parse_spec<'a>(btf: &'a Btf, relo: &CoreRelo, budget: &mut Budget) -> Result<Spec<'a>, String> {
    let class = relo.kind.class();
    let mut spec = Spec::new(btf, relo.type_id);
    if class == ReloClass::Type {
        if relo.access_str != "0" {
            return Err(format!(
                "type relocation needs access string '0', got '{}'",
                relo.access_str
            ));
        }
        return Ok(spec);
    }
    spec.raw = parse_access(&relo.access_str)?;
    let first = *spec.raw.first().ok_or("empty access string")?;
    let mut id = btf.skip_mods_and_typedefs(relo.type_id);
    let t = type_of(btf, id, "local")?;
    spec.acc.push(Accessor {
        type_id: id,
        idx: first,
        name: None,
    });

    if class == ReloClass::Enumval {
        if !t.is_any_enum() {
            return Err(format!("{} is not an enum", btf.type_name(id)));
        }
        if spec.raw.len() > 1 {
            return Err(format!(
                "enum value access string '{}' has more than one index",
                relo.access_str
            ));
        }
        let e = t.enum_values.get(first as usize).ok_or_else(|| {
            format!(
                "enumerator #{first} out of range for {} ({} values)",
                btf.type_name(id),
                t.enum_values.len()
            )
        })?;
        if let Some(acc) = spec.acc.first_mut() {
            acc.name = Some(e.name.as_str());
        }
        return Ok(spec);
    }
    if class != ReloClass::Field {
        return Err(format!("unknown relocation kind {}", relo.kind.raw()));
    }

    let sz = btf
        .resolve_size(id)
        .ok_or_else(|| format!("cannot determine size of {}", btf.type_name(id)))?;
    spec.add_bits(first, sz)?;

    for i in 1..spec.raw.len() {
        budget.step()?;
        id = btf.skip_mods_and_typedefs(id);
        let t = type_of(btf, id, "local")?;
        let idx = spec.raw.get(i).copied().unwrap_or(0);
        if t.is_composite() {
            let m = t.members.get(idx as usize).ok_or_else(|| {
                format!(
                    "member #{idx} out of range for {} ({} members)",
                    btf.type_name(id),
                    t.members.len()
                )
            })?;
            spec.bit_offset = spec
                .bit_offset
                .checked_add(u64::from(m.bit_offset))
                .ok_or("field bit offset overflows")?;
            if m.name.is_empty() {
                // Anonymous members are only part of the low-level spec.
            } else {
                spec.acc.push(Accessor {
                    type_id: id,
                    idx,
                    name: Some(m.name.as_str()),
                });
            }
            id = m.type_id;
        } else if let Some((elem, _, nelems)) = t.array {
            id = btf.skip_mods_and_typedefs(elem);
            type_of(btf, id, "local")?;
            let flex = is_flex_arr(btf, spec.acc.last(), nelems);
            if !flex && idx >= nelems {
                return Err(format!(
                    "array index {idx} out of bounds for {} ({nelems} elements)",
                    btf.type_name(t.id)
                ));
            }
            spec.acc.push(Accessor {
                type_id: id,
                idx,
                name: None,
            });
            let sz = btf
                .resolve_size(id)
                .ok_or_else(|| format!("cannot determine size of {}", btf.type_name(id)))?;
            spec.add_bits(idx, sz)?;
        } else {
            return Err(format!(
                "access index #{i} ({idx}) applies to {} which is neither struct/union nor array",
                btf.type_name(id)
            ));
        }
    }
    Ok(spec)
}

/// libbpf's btf_kind_core_compat.
fn kind_core_compat(a: BtfKind, b: BtfKind) -> bool {
    a == b || (a.is_any_enum() && b.is_any_enum())
}

fn names_essentially_equal(a: &str, b: &str) -> bool {
    essential_name(a) == essential_name(b)
}

/// libbpf's bpf_core_fields_are_compat.
fn fields_are_compat(
    local: &Btf,
    mut lid: u32,
    targ: &Btf,
    mut tid: u32,
    budget: &mut Budget,
) -> Result<bool, String> {
    for _ in 0..MAX_RESOLVE_DEPTH {
        budget.step()?;
        lid = local.skip_mods_and_typedefs(lid);
        tid = targ.skip_mods_and_typedefs(tid);
        let lt = type_of(local, lid, "local")?;
        let tt = type_of(targ, tid, "target")?;
        if lt.is_composite() && tt.is_composite() {
            return Ok(true);
        }
        if !kind_core_compat(lt.kind, tt.kind) {
            return Ok(false);
        }
        match lt.kind {
            BtfKind::Ptr | BtfKind::Float => return Ok(true),
            BtfKind::Fwd | BtfKind::Enum | BtfKind::Enum64 => {
                let (ln, tn) = (essential_name(&lt.name), essential_name(&tt.name));
                return Ok(ln.is_empty() || tn.is_empty() || ln == tn);
            }
            // Deprecated bitfield-like ints are rejected; others are compatible.
            BtfKind::Int => return Ok(lt.int_offset == 0 && tt.int_offset == 0),
            BtfKind::Array => {
                lid = lt.array.map_or(0, |a| a.0);
                tid = tt.array.map_or(0, |a| a.0);
            }
            _ => return Ok(false),
        }
    }
    Err("array nesting too deep".to_owned())
}

/// libbpf's __bpf_core_types_are_compat (TYPE_EXISTS/SIZE/ID_TARGET).
fn types_are_compat(
    local: &Btf,
    mut lid: u32,
    targ: &Btf,
    mut tid: u32,
    level: u32,
    budget: &mut Budget,
) -> Result<bool, String> {
    let lt = type_of(local, lid, "local")?;
    let tt = type_of(targ, tid, "target")?;
    if !kind_core_compat(lt.kind, tt.kind) {
        return Ok(false);
    }
    for _ in 0..MAX_RESOLVE_DEPTH {
        budget.step()?;
        lid = local.skip_mods_and_typedefs(lid);
        tid = targ.skip_mods_and_typedefs(tid);
        let lt = type_of(local, lid, "local")?;
        let tt = type_of(targ, tid, "target")?;
        if !kind_core_compat(lt.kind, tt.kind) {
            return Ok(false);
        }
        match lt.kind {
            BtfKind::Void
            | BtfKind::Struct
            | BtfKind::Union
            | BtfKind::Enum
            | BtfKind::Fwd
            | BtfKind::Enum64 => return Ok(true),
            BtfKind::Int => return Ok(lt.int_offset == 0 && tt.int_offset == 0),
            BtfKind::Ptr => {
                lid = lt.type_id;
                tid = tt.type_id;
            }
            BtfKind::Array => {
                lid = lt.array.map_or(0, |a| a.0);
                tid = tt.array.map_or(0, |a| a.0);
            }
            BtfKind::FuncProto => {
                if lt.params.len() != tt.params.len() {
                    return Ok(false);
                }
                for (lp, tp) in lt.params.iter().zip(&tt.params) {
                    if level == 0 {
                        return Err("function prototypes nested too deeply".to_owned());
                    }
                    let l = local.skip_mods_and_typedefs(lp.type_id);
                    let t = targ.skip_mods_and_typedefs(tp.type_id);
                    if !types_are_compat(local, l, targ, t, level - 1, budget)? {
                        return Ok(false);
                    }
                }
                lid = lt.type_id;
                tid = tt.type_id;
            }
            _ => return Ok(false),
        }
    }
    Err("type nesting too deep".to_owned())
}

/// libbpf's bpf_core_names_match (used by TYPE_MATCHES).
fn names_match_for_types(local: &str, targ: &str) -> bool {
    if targ.is_empty() {
        return local.is_empty();
    }
    names_essentially_equal(local, targ)
}

/// libbpf's __bpf_core_types_match (TYPE_MATCHES).
fn types_match(
    local: &Btf,
    mut lid: u32,
    targ: &Btf,
    mut tid: u32,
    mut behind_ptr: bool,
    level: u32,
    budget: &mut Budget,
) -> Result<bool, String> {
    if level == 0 {
        return Err("types nested too deeply".to_owned());
    }
    for _ in 0..MAX_RESOLVE_DEPTH {
        budget.step()?;
        lid = local.skip_mods_and_typedefs(lid);
        tid = targ.skip_mods_and_typedefs(tid);
        let lt = type_of(local, lid, "local")?;
        let tt = type_of(targ, tid, "target")?;
        if !names_match_for_types(&lt.name, &tt.name) {
            return Ok(false);
        }
        let (lk, tk) = (lt.kind, tt.kind);
        match lk {
            BtfKind::Void => return Ok(lk == tk),
            BtfKind::Fwd => {
                if behind_ptr {
                    if lk == tk {
                        return Ok(lt.kflag == tt.kflag);
                    }
                    // For forward declarations kflag says struct (0) or union (1).
                    return Ok(
                        (tk == BtfKind::Struct && !lt.kflag) || (tk == BtfKind::Union && lt.kflag)
                    );
                }
                return Ok(lk == tk && lt.kflag == tt.kflag);
            }
            BtfKind::Enum | BtfKind::Enum64 => {
                if !tt.is_any_enum() || lt.size != tt.size {
                    return Ok(false);
                }
                // Every local enumerator needs a same-named target one.
                for le in &lt.enum_values {
                    let mut found = false;
                    for te in &tt.enum_values {
                        budget.step()?;
                        if names_match_for_types(&le.name, &te.name) {
                            found = true;
                            break;
                        }
                    }
                    if !found {
                        return Ok(false);
                    }
                }
                return Ok(true);
            }
            BtfKind::Struct | BtfKind::Union => {
                if behind_ptr {
                    if lk == tk {
                        return Ok(true);
                    }
                    return Ok(tk == BtfKind::Fwd && (lk == BtfKind::Union) == tt.kflag);
                }
                if lk != tk || lt.members.len() > tt.members.len() {
                    return Ok(false);
                }
                for lm in &lt.members {
                    let mut matched = false;
                    for tm in &tt.members {
                        // Quadratic in member counts: charge every comparison.
                        budget.step()?;
                        if !names_match_for_types(&lm.name, &tm.name) {
                            continue;
                        }
                        if types_match(
                            local,
                            lm.type_id,
                            targ,
                            tm.type_id,
                            behind_ptr,
                            level - 1,
                            budget,
                        )? {
                            matched = true;
                            break;
                        }
                    }
                    if !matched {
                        return Ok(false);
                    }
                }
                return Ok(true);
            }
            BtfKind::Int => {
                return Ok(lk == tk
                    && lt.size == tt.size
                    && (lt.int_encoding & BTF_INT_SIGNED) == (tt.int_encoding & BTF_INT_SIGNED));
            }
            BtfKind::Ptr => {
                if lk != tk {
                    return Ok(false);
                }
                behind_ptr = true;
                lid = lt.type_id;
                tid = tt.type_id;
            }
            BtfKind::Array => {
                let (Some(la), Some(ta)) = (lt.array, tt.array) else {
                    return Ok(false);
                };
                if lk != tk || la.2 != ta.2 {
                    return Ok(false);
                }
                lid = la.0;
                tid = ta.0;
            }
            BtfKind::FuncProto => {
                if lk != tk || lt.params.len() != tt.params.len() {
                    return Ok(false);
                }
                for (lp, tp) in lt.params.iter().zip(&tt.params) {
                    if !types_match(
                        local,
                        lp.type_id,
                        targ,
                        tp.type_id,
                        behind_ptr,
                        level - 1,
                        budget,
                    )? {
                        return Ok(false);
                    }
                }
                lid = lt.type_id;
                tid = tt.type_id;
            }
            _ => return Ok(false),
        }
    }
    Err("type nesting too deep".to_owned())
}

enum MemberMatch {
    /// Found; carries the target member's type id.
    Found(u32),
    /// Not found; carries a reason when a same-named member was incompatible.
    Missing(Option<String>),
}

/// libbpf's bpf_core_match_member: find the local named member in target
/// type `targ_id`, descending into anonymous struct/union members.
fn match_member<'t>(
    local: &Btf,
    local_acc: &Accessor<'_>,
    targ: &'t Btf,
    targ_id: u32,
    spec: &mut Spec<'t>,
    budget: &mut Budget,
) -> Result<MemberMatch, String> {
    budget.step()?;
    let tid = targ.skip_mods_and_typedefs(targ_id);
    let tt = type_of(targ, tid, "target")?;
    if !tt.is_composite() {
        return Ok(MemberMatch::Missing(None));
    }
    let lt = type_of(local, local_acc.type_id, "local")?;
    let lm = lt
        .members
        .get(local_acc.idx as usize)
        .ok_or("local member index out of range")?;
    let mut reason = None;
    for (i, m) in tt.members.iter().enumerate() {
        budget.step()?;
        if spec.raw.len() >= CORE_SPEC_MAX_LEN {
            return Err("struct/union/array nesting too deep".to_owned());
        }
        let saved_bits = spec.bit_offset;
        // Speculate that this member is the one.
        spec.bit_offset = spec
            .bit_offset
            .checked_add(u64::from(m.bit_offset))
            .ok_or("field bit offset overflows")?;
        spec.raw.push(i as u32);
        if m.name.is_empty() {
            match match_member(local, local_acc, targ, m.type_id, spec, budget)? {
                MemberMatch::Found(next) => return Ok(MemberMatch::Found(next)),
                MemberMatch::Missing(r) => reason = reason.or(r),
            }
        } else if m.name == lm.name {
            if fields_are_compat(local, lm.type_id, targ, m.type_id, budget)? {
                spec.acc.push(Accessor {
                    type_id: tid,
                    idx: i as u32,
                    name: Some(m.name.as_str()),
                });
                return Ok(MemberMatch::Found(m.type_id));
            }
            spec.bit_offset = saved_bits;
            spec.raw.pop();
            return Ok(MemberMatch::Missing(Some(format!(
                "member '{}' of {} has incompatible type {} (local type {})",
                m.name,
                targ.type_name(tid),
                targ.type_name(m.type_id),
                local.type_name(lm.type_id)
            ))));
        }
        spec.bit_offset = saved_bits;
        spec.raw.pop();
    }
    Ok(MemberMatch::Missing(reason))
}

enum SpecMatch<'t> {
    Yes(Spec<'t>),
    No(String),
}

/// libbpf's bpf_core_spec_match: map the local spec onto candidate `targ_id`.
fn spec_match<'t>(
    local_spec: &Spec<'_>,
    kind: CoreReloKind,
    targ: &'t Btf,
    targ_id: u32,
    budget: &mut Budget,
) -> Result<SpecMatch<'t>, String> {
    let local = local_spec.btf;
    let mut ts = Spec::new(targ, targ_id);
    match kind.class() {
        ReloClass::Type => {
            let ok = if kind == CoreReloKind::TypeMatches {
                types_match(
                    local,
                    local_spec.root_type_id,
                    targ,
                    targ_id,
                    false,
                    32,
                    budget,
                )?
            } else {
                types_are_compat(local, local_spec.root_type_id, targ, targ_id, 32, budget)?
            };
            return Ok(if ok {
                SpecMatch::Yes(ts)
            } else {
                SpecMatch::No(format!(
                    "{} does not {} {}",
                    targ.type_name(targ_id),
                    if kind == CoreReloKind::TypeMatches {
                        "match"
                    } else {
                        "have a layout compatible with"
                    },
                    local.type_name(local_spec.root_type_id)
                ))
            });
        }
        ReloClass::Enumval => {
            let tid = targ.skip_mods_and_typedefs(targ_id);
            let tt = type_of(targ, tid, "target")?;
            let lname = local_spec.acc.first().and_then(|a| a.name).unwrap_or("");
            if !tt.is_any_enum() {
                return Ok(SpecMatch::No(format!(
                    "{} is not an enum",
                    targ.type_name(tid)
                )));
            }
            let lname_ess = essential_name(lname);
            for (i, e) in tt.enum_values.iter().enumerate() {
                if essential_name(&e.name) == lname_ess {
                    ts.acc.push(Accessor {
                        type_id: tid,
                        idx: i as u32,
                        name: Some(e.name.as_str()),
                    });
                    ts.raw.push(i as u32);
                    return Ok(SpecMatch::Yes(ts));
                }
            }
            return Ok(SpecMatch::No(format!(
                "no enumerator '{lname}' in {}",
                targ.type_name(tid)
            )));
        }
        ReloClass::Field => {}
        ReloClass::Unknown => return Err(format!("unknown relocation kind {}", kind.raw())),
    }

    let mut tid = targ_id;
    for (i, lacc) in local_spec.acc.iter().enumerate() {
        budget.step()?;
        tid = targ.skip_mods_and_typedefs(tid);
        let tt = type_of(targ, tid, "target")?;
        if lacc.name.is_some() {
            match match_member(local, lacc, targ, tid, &mut ts, budget)? {
                MemberMatch::Found(next) => tid = next,
                MemberMatch::Missing(reason) => {
                    return Ok(SpecMatch::No(reason.unwrap_or_else(|| {
                        format!(
                            "no member '{}' in {}",
                            lacc.name.unwrap_or(""),
                            targ.type_name(tid)
                        )
                    })));
                }
            }
        } else {
            // For i == 0 the root itself is the "array element".
            if i > 0 {
                let Some((elem, _, nelems)) = tt.array else {
                    return Ok(SpecMatch::No(format!(
                        "{} is not an array",
                        targ.type_name(tid)
                    )));
                };
                let flex = is_flex_arr(targ, ts.acc.last(), nelems);
                if !flex && lacc.idx >= nelems {
                    return Ok(SpecMatch::No(format!(
                        "array index {} out of bounds for {} ({nelems} elements)",
                        lacc.idx,
                        targ.type_name(tid)
                    )));
                }
                tid = targ.skip_mods_and_typedefs(elem);
                type_of(targ, tid, "target")?;
            }
            if ts.raw.len() >= CORE_SPEC_MAX_LEN {
                return Err("struct/union/array nesting too deep".to_owned());
            }
            ts.acc.push(Accessor {
                type_id: tid,
                idx: lacc.idx,
                name: None,
            });
            ts.raw.push(lacc.idx);
            let sz = targ
                .resolve_size(tid)
                .ok_or_else(|| format!("cannot determine size of {}", targ.type_name(tid)))?;
            ts.add_bits(lacc.idx, sz)?;
        }
    }
    Ok(SpecMatch::Yes(ts))
}

/// A computed relocation value, or libbpf's "poison the instruction".
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Calc {
    Val(u64),
    Poison,
}

/// libbpf's bpf_core_calc_field_relo (value part only).
fn calc_field(kind: CoreReloKind, spec: Option<&Spec<'_>>) -> Result<Calc, String> {
    if kind == CoreReloKind::FieldExists {
        return Ok(Calc::Val(u64::from(spec.is_some())));
    }
    let Some(spec) = spec else {
        return Ok(Calc::Poison);
    };
    let btf = spec.btf;
    let acc = spec.acc.last().ok_or("empty field specification")?;
    if acc.name.is_none() {
        // The last step is an array index: a[n].
        return match kind {
            CoreReloKind::FieldByteOffset => Ok(Calc::Val(spec.bit_offset / 8)),
            CoreReloKind::FieldByteSize => btf
                .resolve_size(acc.type_id)
                .map(|s| Calc::Val(u64::from(s)))
                .ok_or_else(|| format!("cannot determine size of {}", btf.type_name(acc.type_id))),
            _ => Err(format!(
                "relocation {} can't be applied to an array element access",
                kind.as_str()
            )),
        };
    }
    let t = type_of(btf, acc.type_id, "field parent")?;
    let m = t
        .members
        .get(acc.idx as usize)
        .ok_or("member index out of range")?;
    let field_type_id = btf.skip_mods_and_typedefs(m.type_id);
    let mt = type_of(btf, field_type_id, "field")?;
    let bit_off = spec.bit_offset;
    let mut bit_sz = u64::from(m.bitfield_size);
    let bitfield = bit_sz > 0;
    let (byte_off, byte_sz) = if bitfield {
        let mut byte_sz = u64::from(mt.size);
        if byte_sz == 0 {
            return Err(format!(
                "bitfield '{}' has a zero-sized type {}",
                m.name,
                btf.type_name(field_type_id)
            ));
        }
        let mut byte_off = bit_off / 8 / byte_sz * byte_sz;
        // Smallest load size that covers the whole bitfield.
        while bit_off + bit_sz - byte_off * 8 > byte_sz * 8 {
            if byte_sz >= 8 {
                return Err(format!(
                    "bitfield '{}' can't be read with a 64-bit load",
                    m.name
                ));
            }
            byte_sz *= 2;
            byte_off = bit_off / 8 / byte_sz * byte_sz;
        }
        (byte_off, byte_sz)
    } else {
        let sz = btf.resolve_size(field_type_id).ok_or_else(|| {
            format!(
                "cannot determine size of field '{}' ({})",
                m.name,
                btf.type_name(field_type_id)
            )
        })?;
        bit_sz = u64::from(sz) * 8;
        (bit_off / 8, u64::from(sz))
    };
    // libbpf computes these in u32 arithmetic; mirror its wrap-around.
    let wrap32 = |v: u64| u64::from(v as u32);
    let val = match kind {
        CoreReloKind::FieldByteOffset => byte_off,
        CoreReloKind::FieldByteSize => byte_sz,
        CoreReloKind::FieldSigned => u64::from(
            (mt.is_any_enum() && mt.kflag)
                || (mt.kind == BtfKind::Int && mt.int_encoding & BTF_INT_SIGNED != 0),
        ),
        // Shifts depend on the byte order of the machine running the program.
        CoreReloKind::FieldLshiftU64 => match btf.endian {
            Endian::Little => wrap32(64u64.wrapping_sub(bit_off + bit_sz - byte_off * 8)),
            Endian::Big => wrap32(
                (8u64.wrapping_sub(byte_sz))
                    .wrapping_mul(8)
                    .wrapping_add(bit_off - byte_off * 8),
            ),
        },
        CoreReloKind::FieldRshiftU64 => wrap32(64u64.wrapping_sub(bit_sz)),
        _ => return Err(format!("unsupported field relocation {}", kind.as_str())),
    };
    Ok(Calc::Val(val))
}

/// libbpf's bpf_core_calc_type_relo.
fn calc_type(kind: CoreReloKind, spec: Option<&Spec<'_>>) -> Result<Calc, String> {
    let Some(spec) = spec else {
        return Ok(Calc::Val(0));
    };
    match kind {
        CoreReloKind::TypeIdTarget | CoreReloKind::TypeIdLocal => {
            Ok(Calc::Val(u64::from(spec.root_type_id)))
        }
        CoreReloKind::TypeExists | CoreReloKind::TypeMatches => Ok(Calc::Val(1)),
        CoreReloKind::TypeSize => spec
            .btf
            .resolve_size(spec.root_type_id)
            .map(|s| Calc::Val(u64::from(s)))
            .ok_or_else(|| {
                format!(
                    "cannot determine size of {}",
                    spec.btf.type_name(spec.root_type_id)
                )
            }),
        _ => Err(format!("unsupported type relocation {}", kind.as_str())),
    }
}

/// libbpf's bpf_core_calc_enumval_relo.
fn calc_enumval(kind: CoreReloKind, spec: Option<&Spec<'_>>) -> Result<Calc, String> {
    match kind {
        CoreReloKind::EnumvalExists => Ok(Calc::Val(u64::from(spec.is_some()))),
        CoreReloKind::EnumvalValue => {
            let Some(spec) = spec else {
                return Ok(Calc::Poison);
            };
            let acc = spec.acc.first().ok_or("empty enum specification")?;
            let t = type_of(spec.btf, acc.type_id, "enum")?;
            let e = t
                .enum_values
                .get(acc.idx as usize)
                .ok_or("enumerator index out of range")?;
            Ok(Calc::Val(if t.kind == BtfKind::Enum {
                // libbpf widens the s32 value, i.e. sign-extends it.
                i64::from(e.value as u32 as i32) as u64
            } else {
                e.as_u64()
            }))
        }
        _ => Err(format!("unsupported enum relocation {}", kind.as_str())),
    }
}

fn calc(kind: CoreReloKind, spec: Option<&Spec<'_>>) -> Result<Calc, String> {
    match kind.class() {
        ReloClass::Field => calc_field(kind, spec),
        ReloClass::Type => calc_type(kind, spec),
        ReloClass::Enumval => calc_enumval(kind, spec),
        ReloClass::Unknown => Err(format!("unknown relocation kind {}", kind.raw())),
    }
}

/// libbpf-style rendering of a matched spec:
/// "[id] struct foo.a[3] (0:1:3 @ offset 12)".
fn format_spec(spec: &Spec<'_>, kind: CoreReloKind) -> String {
    let btf = spec.btf;
    let mut s = format!(
        "[{}] {}",
        spec.root_type_id,
        btf.type_name(spec.root_type_id)
    );
    match kind.class() {
        ReloClass::Enumval => {
            if let Some(name) = spec.acc.first().and_then(|a| a.name) {
                s.push_str("::");
                s.push_str(name);
            }
        }
        ReloClass::Field => {
            for (i, a) in spec.acc.iter().enumerate() {
                match a.name {
                    Some(n) => {
                        s.push('.');
                        s.push_str(n);
                    }
                    None if i > 0 || a.idx > 0 => s.push_str(&format!("[{}]", a.idx)),
                    None => {}
                }
            }
            let raw: Vec<String> = spec.raw.iter().map(u32::to_string).collect();
            let off = if spec.bit_offset % 8 != 0 {
                format!("{}.{}", spec.bit_offset / 8, spec.bit_offset % 8)
            } else {
                (spec.bit_offset / 8).to_string()
            };
            s.push_str(&format!(" ({} @ offset {off})", raw.join(":")));
        }
        _ => {}
    }
    s
}

/// Human path of a local field spec without "struct": "task_struct.a[3].b".
fn field_path(spec: &Spec<'_>, root_name: &str) -> String {
    let mut s = root_name.to_owned();
    for (i, a) in spec.acc.iter().enumerate() {
        match a.name {
            Some(n) => {
                s.push('.');
                s.push_str(n);
            }
            None if i > 0 || a.idx > 0 => s.push_str(&format!("[{}]", a.idx)),
            None => {}
        }
    }
    s
}

/// Describe a relocation in C-ish terms from the local BTF, like libbpf's
/// logs: "struct task_struct.pid", "struct sk_buff.__anon.len",
/// "struct foo.arr[3]", "struct foo", "enum bar::VALUE". Invalid pieces are
/// rendered as "?"; never panics.
pub fn core_spec_string(btf: &Btf, relo: &CoreRelo) -> String {
    let root = btf.type_name(relo.type_id);
    match relo.kind.class() {
        ReloClass::Type => root,
        ReloClass::Unknown => format!("{root} (access {})", relo.access_str),
        ReloClass::Enumval => {
            let t = btf.get(btf.skip_mods_and_typedefs(relo.type_id));
            let name = relo
                .access_str
                .parse::<usize>()
                .ok()
                .and_then(|i| t?.enum_values.get(i))
                .map_or("?", |e| e.name.as_str());
            format!("{root}::{name}")
        }
        ReloClass::Field => {
            let mut s = root;
            let mut parts = relo.access_str.split(':');
            match parts.next().map(str::parse::<u32>) {
                Some(Ok(0)) => {}
                Some(Ok(n)) => s.push_str(&format!("[{n}]")),
                _ => s.push_str("[?]"),
            }
            let mut id = Some(relo.type_id);
            for part in parts {
                let idx = part.parse::<u32>().ok();
                let t = id.and_then(|i| btf.get(btf.skip_mods_and_typedefs(i)));
                match (t, idx) {
                    (Some(t), Some(idx)) if t.is_composite() => match t.members.get(idx as usize) {
                        Some(m) if m.name.is_empty() => {
                            s.push_str(".__anon");
                            id = Some(m.type_id);
                        }
                        Some(m) => {
                            s.push('.');
                            s.push_str(&m.name);
                            id = Some(m.type_id);
                        }
                        None => {
                            s.push_str(".?");
                            id = None;
                        }
                    },
                    (Some(BtfType { array: Some(a), .. }), Some(idx)) => {
                        s.push_str(&format!("[{idx}]"));
                        id = Some(a.0);
                    }
                    _ => {
                        s.push_str(".?");
                        id = None;
                    }
                }
            }
            s
        }
    }
}

/// Resolve one CO-RE relocation of `local` BTF against `target` BTF the way
/// libbpf's bpf_core_calc_relo_insn does: candidates are target types of a
/// compatible kind with the same essential name; each candidate is matched
/// field by field (by name, through anonymous members); all matching
/// candidates must agree. Existence-style relocations (field_exists,
/// type_exists, type_matches, enumval_exists) resolve to 0 when absent.
pub fn resolve_core_relo(local: &Btf, relo: &CoreRelo, target: &Btf) -> CoreResolution {
    let not_found = |reason: String| CoreResolution::NotFound { reason };
    let kind = relo.kind;
    let class = kind.class();
    if class == ReloClass::Unknown {
        return not_found(format!("unknown CO-RE relocation kind {}", kind.raw()));
    }
    let Some(local_t) = local.get(relo.type_id) else {
        return not_found(format!(
            "relocation refers to local type [{}], which does not exist ({} types)",
            relo.type_id,
            local.len()
        ));
    };
    let mut budget = Budget(CORE_STEP_BUDGET);
    let local_spec = match parse_spec(local, relo, &mut budget) {
        Ok(s) => s,
        Err(e) => {
            return not_found(format!(
                "invalid local relocation {} + '{}': {e}",
                core_spec_string(local, relo),
                relo.access_str
            ))
        }
    };
    if kind == CoreReloKind::TypeIdLocal {
        // Needs no target lookup: the value is the local id itself.
        return CoreResolution::Resolved {
            target_type_id: relo.type_id,
            value: u64::from(relo.type_id),
            description: format!(
                "{kind}: [{}] {} (local type id, no target lookup)",
                relo.type_id,
                local.type_name(relo.type_id)
            ),
        };
    }
    let local_val = match calc(kind, Some(&local_spec)) {
        Ok(Calc::Val(v)) => v,
        Ok(Calc::Poison) => 0,
        Err(e) => {
            return not_found(format!(
                "invalid local relocation {}: {e}",
                core_spec_string(local, relo)
            ))
        }
    };
    if local_t.name.is_empty() {
        return not_found(format!(
            "local type [{}] {} is anonymous; CO-RE needs a named type to find candidates",
            relo.type_id,
            local.type_name(relo.type_id)
        ));
    }
    let ess = essential_name(&local_t.name);
    let what = match class {
        ReloClass::Field => format!("field {}", field_path(&local_spec, &local_t.name)),
        ReloClass::Enumval => format!("enumerator {}", core_spec_string(local, relo)),
        _ => format!("type {}", local.type_name(relo.type_id)),
    };

    let mut first: Option<(Spec<'_>, Calc)> = None;
    let mut matched = 0usize;
    let mut first_reason = None;
    let mut n_cands = 0usize;
    for &cand in target.by_essential_name(ess) {
        let Some(ct) = target.get(cand) else { continue };
        if !kind_core_compat(ct.kind, local_t.kind) {
            continue;
        }
        n_cands += 1;
        let cand_spec = match spec_match(&local_spec, kind, target, cand, &mut budget) {
            Ok(SpecMatch::Yes(s)) => s,
            Ok(SpecMatch::No(reason)) => {
                first_reason.get_or_insert(reason);
                continue;
            }
            Err(e) => {
                return not_found(format!(
                    "error matching {what} against candidate [{cand}] {}: {e}",
                    target.type_name(cand)
                ))
            }
        };
        let val = match calc(kind, Some(&cand_spec)) {
            Ok(v) => v,
            Err(e) => {
                return not_found(format!(
                    "{what}: candidate {}: {e}",
                    format_spec(&cand_spec, kind)
                ))
            }
        };
        matched += 1;
        match &first {
            None => first = Some((cand_spec, val)),
            Some((fs, fv)) => {
                if class == ReloClass::Field && fs.bit_offset != cand_spec.bit_offset {
                    return CoreResolution::Ambiguous {
                        reason: format!(
                            "{what}: field offset ambiguity between candidates {} and {}",
                            format_spec(fs, kind),
                            format_spec(&cand_spec, kind)
                        ),
                    };
                }
                if *fv != val {
                    return CoreResolution::Ambiguous {
                        reason: format!(
                            "{what}: candidates {} and {} give different {kind} values ({} vs {})",
                            format_spec(fs, kind),
                            format_spec(&cand_spec, kind),
                            calc_str(*fv),
                            calc_str(val)
                        ),
                    };
                }
            }
        }
    }

    if let Some((spec, Calc::Val(value))) = first {
        let agreed = if matched > 1 {
            format!(", {matched} candidates agree")
        } else {
            String::new()
        };
        return CoreResolution::Resolved {
            target_type_id: spec.root_type_id,
            value,
            description: format!(
                "{kind}: {} = {value} (local {local_val}{agreed})",
                format_spec(&spec, kind)
            ),
        };
    }

    let why = match first_reason {
        Some(r) if n_cands > 1 => format!("{r}; {n_cands} candidates checked"),
        Some(r) => r,
        None => format!(
            "no {} named '{ess}' in target BTF",
            match local_t.kind {
                BtfKind::Enum | BtfKind::Enum64 => "enum",
                k => k.as_str(),
            }
        ),
    };
    match kind {
        CoreReloKind::FieldExists
        | CoreReloKind::TypeExists
        | CoreReloKind::TypeMatches
        | CoreReloKind::EnumvalExists => CoreResolution::Resolved {
            target_type_id: 0,
            value: 0,
            description: format!(
                "{kind}: {what} is absent in target BTF ({why}) = 0 (local {local_val})"
            ),
        },
        _ => not_found(format!("{what} not found in target BTF ({why})")),
    }
}

fn calc_str(c: Calc) -> String {
    match c {
        Calc::Val(v) => v.to_string(),
        Calc::Poison => "poison".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;
    use std::time::Instant;

    /// Assembles little-endian BTF in memory.
    struct Builder {
        strs: Vec<u8>,
        /// Offset of `strs` in the combined string table (split BTF).
        str_base: u32,
        words: Vec<u32>,
        next_id: u32,
    }

    impl Builder {
        fn new() -> Self {
            Builder {
                strs: vec![0],
                str_base: 0,
                words: Vec::new(),
                next_id: 1,
            }
        }

        /// Split BTF continuing `base`'s type ids and string offsets.
        fn split(base: &Btf) -> Self {
            Builder {
                strs: Vec::new(),
                str_base: base.strings().len() as u32,
                words: Vec::new(),
                next_id: base.len() as u32,
            }
        }

        fn s(&mut self, s: &str) -> u32 {
            if s.is_empty() {
                return 0;
            }
            let off = self.str_base + self.strs.len() as u32;
            self.strs.extend_from_slice(s.as_bytes());
            self.strs.push(0);
            off
        }

        fn add(
            &mut self,
            name: &str,
            kind: BtfKind,
            vlen: u32,
            kflag: bool,
            st: u32,
            extra: &[u32],
        ) -> u32 {
            let name_off = self.s(name);
            let info = (u32::from(kflag) << 31) | (kind.raw() << 24) | vlen;
            self.words.extend_from_slice(&[name_off, info, st]);
            self.words.extend_from_slice(extra);
            self.next_id += 1;
            self.next_id - 1
        }

        fn int(&mut self, name: &str, size: u32, enc: u32) -> u32 {
            self.add(
                name,
                BtfKind::Int,
                0,
                false,
                size,
                &[(enc << 24) | (size * 8)],
            )
        }

        fn reference(&mut self, kind: BtfKind, name: &str, target: u32) -> u32 {
            self.add(name, kind, 0, false, target, &[])
        }

        /// Members as (name, type, bit offset, bitfield size).
        fn composite(
            &mut self,
            kind: BtfKind,
            name: &str,
            size: u32,
            members: &[(&str, u32, u32, u32)],
        ) -> u32 {
            let kflag = members.iter().any(|m| m.3 != 0);
            let mut extra = Vec::new();
            for &(n, ty, off, bits) in members {
                let off = if kflag { (bits << 24) | off } else { off };
                extra.extend_from_slice(&[self.s(n), ty, off]);
            }
            self.add(name, kind, members.len() as u32, kflag, size, &extra)
        }

        fn enumeration(&mut self, name: &str, signed: bool, vals: &[(&str, i32)]) -> u32 {
            let mut extra = Vec::new();
            for &(n, v) in vals {
                extra.extend_from_slice(&[self.s(n), v as u32]);
            }
            self.add(name, BtfKind::Enum, vals.len() as u32, signed, 4, &extra)
        }

        fn build(&self) -> Vec<u8> {
            let type_len = (self.words.len() * 4) as u32;
            let mut out = Vec::new();
            out.extend_from_slice(&BTF_MAGIC.to_le_bytes());
            out.extend_from_slice(&[1, 0]);
            for w in [24, 0, type_len, type_len, self.strs.len() as u32] {
                out.extend_from_slice(&w.to_le_bytes());
            }
            for w in &self.words {
                out.extend_from_slice(&w.to_le_bytes());
            }
            out.extend_from_slice(&self.strs);
            out
        }
    }

    fn swap_words(out: &mut [u8], range: std::ops::Range<usize>) {
        for w in out[range].chunks_exact_mut(4) {
            w.reverse();
        }
    }

    /// Little- to big-endian BTF: every header and type-section field is a
    /// u32 except the magic; strings are byte strings.
    fn btf_to_big_endian(le: &[u8]) -> Vec<u8> {
        let word = |o: usize| u32::from_le_bytes(le[o..o + 4].try_into().unwrap()) as usize;
        let (hdr_len, type_off, type_len) = (word(4), word(8), word(12));
        let mut out = le.to_vec();
        out.swap(0, 1);
        swap_words(&mut out, 4..hdr_len);
        let start = hdr_len + type_off;
        swap_words(&mut out, start..start + type_len);
        out
    }

    /// Little- to big-endian BTF.ext: everything after the magic and the
    /// version/flags bytes is a u32.
    fn ext_to_big_endian(le: &[u8]) -> Vec<u8> {
        let mut out = le.to_vec();
        out.swap(0, 1);
        let end = out.len() / 4 * 4;
        swap_words(&mut out, 4..end);
        out
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len() / 2)
            .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
            .collect()
    }

    fn parse_err(data: &[u8]) -> String {
        match Btf::parse(data) {
            Ok(_) => panic!("expected a parse error"),
            Err(e) => e.to_string(),
        }
    }

    /// One of each kind, plus C-declarator corner cases.
    fn sample_btf() -> Vec<u8> {
        let mut b = Builder::new();
        let int = b.int("int", 4, 1); // 1
        let ch = b.int("char", 1, 3); // 2
        let pch = b.reference(BtfKind::Ptr, "", ch); // 3
        let cch = b.reference(BtfKind::Const, "", ch); // 4
        let pcch = b.reference(BtfKind::Ptr, "", cch); // 5
        let arr = b.add("", BtfKind::Array, 0, false, 0, &[ch, int, 16]); // 6
                                                                          // 7: struct foo { int a; int b:3; char name[16]; union { ... }; }
        let foo = b.composite(
            BtfKind::Struct,
            "foo",
            28,
            &[
                ("a", int, 0, 0),
                ("b", int, 32, 3),
                ("name", arr, 64, 0),
                ("", 8, 192, 0),
            ],
        );
        let uint = 9;
        let un = b.composite(
            BtfKind::Union,
            "",
            4,
            &[("x", int, 0, 0), ("y", uint, 0, 0)],
        ); // 8
        assert_eq!(un, 8);
        assert_eq!(b.int("unsigned int", 4, 0), uint); // 9
        b.enumeration("color", false, &[("RED", 0), ("BLUE", -1)]); // 10
        b.enumeration("sgn", true, &[("NEG", -1)]); // 11
        let big = b.s("HUGE");
        b.add("big", BtfKind::Enum64, 1, false, 8, &[big, 1, 0xffff_ffff]); // 12
        let td = b.reference(BtfKind::Typedef, "foo_t", foo); // 13
        b.reference(BtfKind::Volatile, "", td); // 14
        let rp = b.reference(BtfKind::Restrict, "", pcch); // 15
        let (pa, ps) = (b.s("a"), b.s("s"));
        let proto = b.add(
            "",
            BtfKind::FuncProto,
            3,
            false,
            int,
            &[pa, int, ps, rp, 0, 0],
        ); // 16
        b.add("do_it", BtfKind::Func, 1, false, proto, &[]); // 17
        let var = b.add("counter", BtfKind::Var, 0, false, int, &[1]); // 18
        b.add(".data", BtfKind::Datasec, 1, false, 4, &[var, 0, 4]); // 19
        b.add("double", BtfKind::Float, 0, false, 8, &[]); // 20
        b.add("tag1", BtfKind::DeclTag, 0, false, foo, &[1]); // 21
        let tt = b.reference(BtfKind::TypeTag, "user", int); // 22
        b.reference(BtfKind::Ptr, "", tt); // 23
        b.add("opaque", BtfKind::Fwd, 0, true, 0, &[]); // 24
        b.reference(BtfKind::Ptr, "", proto); // 25
        b.add("", BtfKind::Array, 0, false, 0, &[arr, int, 2]); // 26
        b.reference(BtfKind::Ptr, "", arr); // 27
        b.reference(BtfKind::Const, "", pch); // 28
        b.int("long", 8, 1); // 29
        b.build()
    }

    #[test]
    fn parses_every_kind() {
        let btf = Btf::parse(&sample_btf()).unwrap();
        assert_eq!(btf.endian, Endian::Little);
        assert_eq!(btf.len(), 30);
        assert!(!btf.is_empty());
        assert_eq!(btf.ptr_size(), 8);
        let t = |id| btf.get(id).unwrap();
        assert_eq!(t(0).kind, BtfKind::Void);
        assert_eq!(t(1).kind, BtfKind::Int);
        assert!(t(1).is_signed_int());
        assert_eq!((t(1).int_bits, t(1).int_offset), (32, 0));
        assert_eq!(t(2).int_encoding, BTF_INT_SIGNED | BTF_INT_CHAR);
        assert_eq!(t(6).array, Some((2, 1, 16)));
        let foo = t(7);
        assert_eq!(
            (foo.kind, foo.name.as_str(), foo.size),
            (BtfKind::Struct, "foo", 28)
        );
        assert!(foo.kflag);
        assert_eq!(foo.vlen, 4);
        assert_eq!(foo.members[1].name, "b");
        assert_eq!(
            (foo.members[1].bit_offset, foo.members[1].bitfield_size),
            (32, 3)
        );
        assert_eq!(foo.members[3].name, "");
        assert_eq!(t(8).kind, BtfKind::Union);
        assert_eq!(t(10).enum_values[1].value, 0xffff_ffff);
        assert_eq!(t(11).enum_values[0].value, -1);
        assert_eq!(t(12).kind, BtfKind::Enum64);
        assert_eq!(t(12).enum_values[0].as_u64(), 0xffff_ffff_0000_0001);
        assert_eq!(t(16).params.len(), 3);
        assert_eq!(t(16).type_id, 1);
        assert_eq!((t(17).func_linkage, t(17).type_id), (1, 16));
        assert_eq!(t(18).var_linkage, 1);
        assert_eq!(
            t(19).datasec_vars,
            vec![VarSecInfo {
                type_id: 18,
                offset: 0,
                size: 4
            }]
        );
        assert_eq!(t(20).kind, BtfKind::Float);
        assert_eq!((t(21).component_idx, t(21).type_id), (1, 7));
        assert_eq!(t(22).kind, BtfKind::TypeTag);
        assert!(t(24).kflag);

        let kinds: Vec<&str> = btf.types().map(|t| t.kind.as_str()).collect();
        for k in [
            "void", "int", "ptr", "array", "struct", "union", "enum", "fwd",
        ] {
            assert!(kinds.contains(&k), "{k}");
        }
        for k in [
            "typedef",
            "volatile",
            "const",
            "restrict",
            "func",
            "func_proto",
        ] {
            assert!(kinds.contains(&k), "{k}");
        }
        for k in ["var", "datasec", "float", "decl_tag", "type_tag", "enum64"] {
            assert!(kinds.contains(&k), "{k}");
        }
    }

    #[test]
    fn renders_c_names_and_sizes() {
        let btf = Btf::parse(&sample_btf()).unwrap();
        let names = [
            (0, "void"),
            (1, "int"),
            (3, "char *"),
            (5, "const char *"),
            (6, "char[16]"),
            (7, "struct foo"),
            (8, "union (anon)"),
            (9, "unsigned int"),
            (10, "enum color"),
            (12, "enum big"),
            (13, "foo_t"),
            (14, "volatile foo_t"),
            (15, "const char *restrict"),
            (16, "int (int a, const char *restrict s, ...)"),
            (17, "int do_it(int a, const char *restrict s, ...)"),
            (18, "int counter"),
            (19, ".data"),
            (23, "int *"),
            (24, "union opaque"),
            (25, "int (*)(int a, const char *restrict s, ...)"),
            (26, "char[2][16]"),
            (27, "char (*)[16]"),
            (28, "char *const"),
            (999, "<invalid type 999>"),
        ];
        for (id, want) in names {
            assert_eq!(btf.type_name(id), want, "type [{id}]");
        }
        let sizes = [
            (0, None),
            (1, Some(4)),
            (3, Some(8)),
            (6, Some(16)),
            (7, Some(28)),
            (13, Some(28)),
            (14, Some(28)),
            (16, None),
            (18, Some(4)),
            (24, None),
            (26, Some(32)),
            (999, None),
        ];
        for (id, want) in sizes {
            assert_eq!(btf.resolve_size(id), want, "type [{id}]");
        }
        assert_eq!(btf.skip_mods_and_typedefs(14), 7);
        assert_eq!(btf.skip_mods_and_typedefs(23), 23);
        assert_eq!(btf.skip_mods_and_typedefs(22), 1);
        assert_eq!(btf.find_by_name("foo"), vec![7]);
        assert_eq!(btf.find_by_name("nope"), Vec::<u32>::new());
        assert_eq!(btf.find_by_name(""), Vec::<u32>::new());
        assert_eq!(btf.str_at(1), Some("int"));
        assert_eq!(btf.str_at(0), Some(""));
        assert_eq!(btf.str_at(100_000), None);
    }

    #[test]
    fn big_endian_parses_identically() {
        let le = sample_btf();
        let be = btf_to_big_endian(&le);
        assert_eq!(&be[..2], &[0xeb, 0x9f]);
        let (a, b) = (Btf::parse(&le).unwrap(), Btf::parse(&be).unwrap());
        assert_eq!(b.endian, Endian::Big);
        assert_eq!(a.header, b.header);
        assert!(a.types().eq(b.types()));
    }

    #[test]
    fn split_btf_extends_its_base() {
        let base = Btf::parse(&sample_btf()).unwrap();
        let mut b = Builder::split(&base);
        // Refers to base types (int = 1, struct foo = 7) and base strings.
        let foo_name = base.get(7).unwrap().name_off;
        let ptr = b.reference(BtfKind::Ptr, "", 7);
        assert_eq!(ptr, 30);
        let m = b.composite(
            BtfKind::Struct,
            "mod_s",
            16,
            &[("f", ptr, 0, 0), ("n", 1, 64, 0)],
        );
        b.add("", BtfKind::Typedef, 0, false, 7, &[]);
        let data = b.build();
        // Only the split blob: its own string section does not start with NUL.
        assert!(Btf::parse(&data).is_err());
        let btf = Btf::parse_split(&data, &base).unwrap();
        assert_eq!((btf.start_id(), btf.len()), (30, 33));
        assert_eq!(btf.type_name(m), "struct mod_s");
        assert_eq!(btf.type_name(ptr), "struct foo *");
        assert_eq!(btf.resolve_size(m), Some(16));
        assert_eq!(btf.get(m).unwrap().members[1].name, "n");
        assert_eq!(btf.str_at(foo_name), Some("foo"));
        assert_eq!(btf.find_by_name("mod_s"), vec![m]);
        assert_eq!(btf.find_by_name("foo"), vec![7]);
        // Byte order must match the base.
        let be = btf_to_big_endian(&data);
        assert!(Btf::parse_split(&be, &base)
            .unwrap_err()
            .to_string()
            .contains("endian"));
        // A dangling reference past the split types is still caught.
        let mut b = Builder::split(&base);
        b.reference(BtfKind::Ptr, "", 31);
        assert!(Btf::parse_split(&b.build(), &base).is_err());
    }

    #[test]
    fn duplicate_names_are_all_found() {
        let mut b = Builder::new();
        b.int("int", 4, 1);
        b.composite(BtfKind::Struct, "dup", 4, &[("a", 1, 0, 0)]);
        b.add("dup", BtfKind::Fwd, 0, false, 0, &[]);
        b.composite(BtfKind::Struct, "dup___2", 4, &[("a", 1, 0, 0)]);
        let btf = Btf::parse(&b.build()).unwrap();
        assert_eq!(btf.find_by_name("dup"), vec![2, 3]);
        assert_eq!(btf.by_essential_name("dup"), &[2, 3, 4]);
        assert_eq!(essential_name("dup___2"), "dup");
        assert_eq!(essential_name("a___b___c"), "a___b");
        assert_eq!(essential_name("__x___"), "__x___");
        assert_eq!(essential_name("x____y"), "x____y");
        assert_eq!(essential_name(""), "");
    }

    #[test]
    fn reports_clear_errors() {
        let good = sample_btf();
        assert!(parse_err(&[]).contains("too short"));
        assert!(parse_err(&good[..20]).contains("too short"));
        let mut d = good.clone();
        d[0] = 0x12;
        assert!(parse_err(&d).contains("magic"));
        let mut d = good.clone();
        d[2] = 2;
        assert!(parse_err(&d).contains("version 2"));
        let mut d = good.clone();
        d[16..20].copy_from_slice(&0x1234u32.to_le_bytes());
        let e = parse_err(&d);
        assert!(
            e.contains("string section offset 0x1234") && e.contains("past the end of the data"),
            "{e}"
        );
        let mut d = good.clone();
        d[4..8].copy_from_slice(&100_000u32.to_le_bytes());
        assert!(parse_err(&d).contains("header length 100000"));
        // Last string byte not NUL.
        let mut d = good.clone();
        *d.last_mut().unwrap() = b'x';
        assert!(parse_err(&d).contains("NUL-terminated"));

        let mut b = Builder::new();
        b.add("", BtfKind::Ptr, 0, false, 999, &[]);
        let e = parse_err(&b.build());
        assert!(e.contains("references type [999]"), "{e}");

        let mut b = Builder::new();
        b.int("int", 4, 1);
        b.add("f", BtfKind::Func, 0, false, 1, &[]);
        assert!(parse_err(&b.build()).contains("must reference a func_proto"));

        let mut b = Builder::new();
        b.words.extend_from_slice(&[0, 25 << 24, 0]);
        let e = parse_err(&b.build());
        assert!(e.contains("unknown kind 25"), "{e}");

        let mut b = Builder::new();
        b.words.extend_from_slice(&[0, (4 << 24) | 1000, 4]);
        let e = parse_err(&b.build());
        assert!(e.contains("needs 12012 bytes"), "{e}");

        let mut b = Builder::new();
        b.words.extend_from_slice(&[0xdead, 1 << 24, 4, 32]);
        let e = parse_err(&b.build());
        assert!(e.contains("name offset 0xdead"), "{e}");

        // Trailing bytes in the type section that cannot hold a type.
        let mut b = Builder::new();
        b.int("int", 4, 1);
        b.words.push(0);
        assert!(parse_err(&b.build()).contains("truncated"));
    }

    #[test]
    fn cycles_terminate() {
        let mut b = Builder::new();
        b.reference(BtfKind::Typedef, "a", 2); // 1
        b.reference(BtfKind::Typedef, "b", 1); // 2
        b.add("", BtfKind::Array, 0, false, 0, &[3, 3, 2]); // 3: array of itself
        b.reference(BtfKind::Const, "", 5); // 4
        b.reference(BtfKind::Ptr, "", 4); // 5: const -> ptr -> const ...
        b.composite(BtfKind::Struct, "s", 4, &[("", 6, 0, 0), ("x", 1, 0, 0)]); // 6
        b.add("", BtfKind::FuncProto, 2, false, 7, &[0, 8, 0, 8]); // 7
        b.reference(BtfKind::Ptr, "", 7); // 8
        let btf = Btf::parse(&b.build()).unwrap();
        for id in 0..btf.len() as u32 + 2 {
            let _ = btf.skip_mods_and_typedefs(id);
            if id <= 3 {
                assert_eq!(btf.resolve_size(id), None);
            }
            let name = btf.type_name(id);
            assert!(name.len() < 1_000_000);
        }
        assert!(btf.type_name(1).contains("a") || btf.type_name(1).contains("b"));
        assert!(btf.type_name(3).contains("..."));
        // CO-RE walks over the cyclic anonymous member must terminate too.
        let relo = CoreRelo {
            insn_off: 0,
            type_id: 6,
            access_str: "0:1".into(),
            kind: CoreReloKind::FieldByteOffset,
        };
        let _ = resolve_core_relo(&btf, &relo, &btf);
        let _ = core_spec_string(&btf, &relo);
        for kind in [CoreReloKind::TypeMatches, CoreReloKind::TypeSize] {
            let relo = CoreRelo {
                insn_off: 0,
                type_id: 2,
                access_str: "0".into(),
                kind,
            };
            let _ = resolve_core_relo(&btf, &relo, &btf);
        }
    }

    /// (record size in words, [(section name offset, records)]).
    type ExtSubsection = (u32, Vec<(u32, Vec<Vec<u32>>)>);

    /// Builds a BTF.ext blob; records are u32 words, padded to `rec_words`.
    fn build_ext(hdr_len: u32, subsections: &[ExtSubsection]) -> Vec<u8> {
        let mut body: Vec<u32> = Vec::new();
        let mut offsets = Vec::new();
        for (rec_words, secs) in subsections {
            let start = body.len() * 4;
            if !secs.is_empty() {
                body.push(rec_words * 4);
                for (name_off, recs) in secs {
                    body.extend_from_slice(&[*name_off, recs.len() as u32]);
                    for r in recs {
                        let mut r = r.clone();
                        r.resize(*rec_words as usize, 0xdead_beef);
                        body.extend_from_slice(&r);
                    }
                }
            }
            offsets.push((start as u32, (body.len() * 4 - start) as u32));
        }
        let mut out = Vec::new();
        out.extend_from_slice(&BTF_MAGIC.to_le_bytes());
        out.extend_from_slice(&[1, 0]);
        out.extend_from_slice(&hdr_len.to_le_bytes());
        let mut hdr_words = Vec::new();
        for (off, len) in offsets {
            hdr_words.extend_from_slice(&[off, len]);
        }
        hdr_words.resize((hdr_len as usize - 8) / 4, 0);
        for w in hdr_words {
            out.extend_from_slice(&w.to_le_bytes());
        }
        for w in body {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out
    }

    fn ext_sample(b: &mut Builder) -> Vec<u8> {
        let (sec, file, line, acc) = (b.s("kprobe/x"), b.s("x.c"), b.s("int x;"), b.s("0:1"));
        build_ext(
            32,
            &[
                (3, vec![(sec, vec![vec![16, 1]])]),
                (5, vec![(sec, vec![vec![0, file, line, (7 << 10) | 3]])]),
                (
                    5,
                    vec![(sec, vec![vec![8, 1, acc, 0], vec![24, 1, acc, 99]])],
                ),
            ],
        )
    }

    #[test]
    fn parses_btf_ext_both_byte_orders() {
        let mut b = Builder::new();
        b.int("int", 4, 1);
        let ext = ext_sample(&mut b);
        let btf_le = b.build();
        for (btf_data, ext_data) in [
            (btf_le.clone(), ext.clone()),
            (btf_to_big_endian(&btf_le), ext_to_big_endian(&ext)),
        ] {
            let btf = Btf::parse(&btf_data).unwrap();
            let e = parse_ext(&ext_data, &btf).unwrap();
            assert_eq!(e.func_info.len(), 1);
            assert_eq!(e.func_info[0].sec_name, "kprobe/x");
            assert_eq!(
                e.func_info[0].records,
                vec![FuncInfo {
                    insn_off: 2,
                    type_id: 1
                }]
            );
            let li = &e.line_info[0].records[0];
            assert_eq!(
                (
                    li.file_name.as_str(),
                    li.line_text.as_str(),
                    li.line,
                    li.col
                ),
                ("x.c", "int x;", 7, 3)
            );
            let cr = &e.core_relos[0].records;
            assert_eq!(cr.len(), 2);
            assert_eq!(cr[0].insn_off, 1);
            assert_eq!(cr[0].access_str, "0:1");
            assert_eq!(cr[0].kind, CoreReloKind::FieldByteOffset);
            assert_eq!(cr[1].kind, CoreReloKind::Unknown(99));
            assert_eq!(cr[1].kind.raw(), 99);
            assert_eq!(cr[1].kind.as_str(), "unknown");
        }
        // Byte order mismatch between .BTF and .BTF.ext.
        let btf = Btf::parse(&btf_le).unwrap();
        let err = parse_ext(&ext_to_big_endian(&ext), &btf).unwrap_err();
        assert!(err.to_string().contains("byte order"), "{err}");
    }

    #[test]
    fn btf_ext_header_without_core_relos() {
        let mut b = Builder::new();
        b.int("int", 4, 1);
        let sec = b.s("tc");
        let ext = build_ext(24, &[(2, vec![(sec, vec![vec![0, 1]])]), (4, vec![])]);
        let btf = Btf::parse(&b.build()).unwrap();
        let e = parse_ext(&ext, &btf).unwrap();
        assert_eq!(e.func_info[0].records.len(), 1);
        assert!(e.line_info.is_empty() && e.core_relos.is_empty());
    }

    #[test]
    fn btf_ext_errors() {
        let mut b = Builder::new();
        b.int("int", 4, 1);
        let sec = b.s("s");
        let btf = Btf::parse(&b.build()).unwrap();
        let err = |d: &[u8]| parse_ext(d, &btf).unwrap_err().to_string();
        assert!(err(&[0x9f]).contains("too short"));
        assert!(err(&[0u8; 32]).contains("magic"));
        // Record size below the minimum.
        let e = err(&build_ext(32, &[(1, vec![(sec, vec![vec![0]])])]));
        assert!(e.contains("record size 4"), "{e}");
        // More records declared than present.
        let mut d = build_ext(32, &[(2, vec![(sec, vec![vec![0, 1]])])]);
        let n = 32 + 8;
        d[n..n + 4].copy_from_slice(&1000u32.to_le_bytes());
        let e = err(&d);
        assert!(e.contains("declares 1000 records"), "{e}");
        d[n..n + 4].copy_from_slice(&0u32.to_le_bytes());
        assert!(err(&d).contains("no records"));
        // Bad section name offset.
        let e = err(&build_ext(32, &[(2, vec![(0x7777, vec![vec![0, 1]])])]));
        assert!(e.contains("offset 0x7777"), "{e}");
        // Subsection past the end.
        let mut d = build_ext(32, &[(2, vec![(sec, vec![vec![0, 1]])])]);
        d[12..16].copy_from_slice(&4096u32.to_le_bytes());
        assert!(err(&d).contains("past the end"));
    }

    /// Local and target BTF for CO-RE tests.
    fn core_pair() -> (Btf, Btf) {
        // Local: struct s { int a; union { int b; char c; }; int arr[4];
        //                   int gone; unsigned int bf:5; };
        //        enum e { X = 1, Y = 2 }; struct nothere { int q; };
        let mut l = Builder::new();
        let int = l.int("int", 4, 1); // 1
        let ch = l.int("char", 1, 1); // 2
        let un = l.composite(BtfKind::Union, "", 4, &[("b", int, 0, 0), ("c", ch, 0, 0)]); // 3
        let arr = l.add("", BtfKind::Array, 0, false, 0, &[int, int, 4]); // 4
        let uint = l.int("unsigned int", 4, 0); // 5
        l.composite(
            BtfKind::Struct,
            "s",
            32,
            &[
                ("a", int, 0, 0),
                ("", un, 32, 0),
                ("arr", arr, 64, 0),
                ("gone", int, 192, 0),
                ("bf", uint, 224, 5),
            ],
        ); // 6
        l.enumeration("e", false, &[("X", 1), ("Y", 2)]); // 7
        l.composite(BtfKind::Struct, "nothere", 4, &[("q", int, 0, 0)]); // 8
        l.reference(BtfKind::Typedef, "s_t", 6); // 9

        // Target: struct s { long pad; union { int b; char c; }; int a;
        //                    int arr[8]; unsigned int bf:5; }; enum e___2 { Y = 7 };
        let mut t = Builder::new();
        let int = t.int("int", 4, 1); // 1
        let ch = t.int("char", 1, 1); // 2
        let long = t.int("long", 8, 1); // 3
        let un = t.composite(BtfKind::Union, "", 4, &[("c", ch, 0, 0), ("b", int, 0, 0)]); // 4
        let arr = t.add("", BtfKind::Array, 0, false, 0, &[int, int, 8]); // 5
        let uint = t.int("unsigned int", 4, 0); // 6
        t.composite(
            BtfKind::Struct,
            "s",
            56,
            &[
                ("pad", long, 0, 0),
                ("", un, 64, 0),
                ("a", int, 96, 0),
                ("arr", arr, 128, 0),
                ("bf", uint, 390, 5),
            ],
        ); // 7
        t.enumeration("e___2", false, &[("Y", 7)]); // 8
        (
            Btf::parse(&l.build()).unwrap(),
            Btf::parse(&t.build()).unwrap(),
        )
    }

    fn relo(type_id: u32, access: &str, kind: CoreReloKind) -> CoreRelo {
        CoreRelo {
            insn_off: 0,
            type_id,
            access_str: access.into(),
            kind,
        }
    }

    fn resolved(r: CoreResolution) -> (u32, u64, String) {
        match r {
            CoreResolution::Resolved {
                target_type_id,
                value,
                description,
            } => (target_type_id, value, description),
            other => panic!("expected Resolved, got {other:?}"),
        }
    }

    #[test]
    fn core_field_relocations() {
        use CoreReloKind as K;
        let (local, target) = core_pair();
        let check = |access: &str, kind, want: u64| {
            let (tid, v, desc) =
                resolved(resolve_core_relo(&local, &relo(6, access, kind), &target));
            assert_eq!((tid, v), (7, want), "{access} {kind}: {desc}");
        };
        check("0:0", K::FieldByteOffset, 12);
        check("0:0", K::FieldByteSize, 4);
        check("0:0", K::FieldSigned, 1);
        check("0:0", K::FieldExists, 1);
        check("0:1:1", K::FieldByteOffset, 8);
        check("0:1:0", K::FieldByteOffset, 8);
        check("0:2:2", K::FieldByteOffset, 16 + 8);
        check("0:2", K::FieldByteSize, 32);
        // Bitfield at bit 390 in the target: 4-byte load at byte 48.
        check("0:4", K::FieldByteOffset, 48);
        check("0:4", K::FieldByteSize, 4);
        check("0:4", K::FieldSigned, 0);
        check("0:4", K::FieldLshiftU64, 64 - (390 + 5 - 48 * 8));
        check("0:4", K::FieldRshiftU64, 59);
        // A typedef root looks for same-named typedefs, as in libbpf.
        match resolve_core_relo(&local, &relo(9, "0:0", K::FieldByteOffset), &target) {
            CoreResolution::NotFound { reason } => {
                assert!(reason.contains("no typedef named 's_t'"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        let (tid, v, desc) = resolved(resolve_core_relo(
            &local,
            &relo(6, "0:3", K::FieldExists),
            &target,
        ));
        assert_eq!((tid, v), (0, 0));
        assert!(desc.contains("absent"), "{desc}");
        match resolve_core_relo(&local, &relo(6, "0:3", K::FieldByteOffset), &target) {
            CoreResolution::NotFound { reason } => assert_eq!(
                reason,
                "field s.gone not found in target BTF (no member 'gone' in struct s)"
            ),
            other => panic!("{other:?}"),
        }
        // Index 3 is past local arr[4]? No, but 5 is.
        match resolve_core_relo(&local, &relo(6, "0:2:5", K::FieldByteOffset), &target) {
            CoreResolution::NotFound { reason } => {
                assert!(reason.contains("invalid local relocation"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        for bad in ["", ":0", "0::1", "0:x", "0:99", "0:1:7", "-1"] {
            let r = resolve_core_relo(&local, &relo(6, bad, K::FieldByteOffset), &target);
            assert!(matches!(r, CoreResolution::NotFound { .. }), "{bad}: {r:?}");
        }
        assert!(matches!(
            resolve_core_relo(&local, &relo(6, "0:0", K::Unknown(42)), &target),
            CoreResolution::NotFound { .. }
        ));
    }

    #[test]
    fn core_type_and_enum_relocations() {
        use CoreReloKind as K;
        let (local, target) = core_pair();
        let r = |id, acc: &str, kind| resolve_core_relo(&local, &relo(id, acc, kind), &target);
        assert_eq!(resolved(r(6, "0", K::TypeExists)).1, 1);
        assert_eq!(resolved(r(6, "0", K::TypeSize)).1, 56);
        assert_eq!(resolved(r(6, "0", K::TypeIdTarget)).1, 7);
        assert_eq!(resolved(r(6, "0", K::TypeIdLocal)).1, 6);
        // Same name and kind, but arr[4] vs arr[8] does not "match".
        assert_eq!(resolved(r(6, "0", K::TypeMatches)).1, 0);
        assert_eq!(resolved(r(1, "0", K::TypeMatches)).1, 1);
        assert_eq!(
            resolved(r(8, "0", K::TypeExists)),
            (0, 0, resolved(r(8, "0", K::TypeExists)).2)
        );
        assert!(matches!(
            r(8, "0", K::TypeSize),
            CoreResolution::NotFound { .. }
        ));
        assert!(matches!(
            r(6, "1", K::TypeSize),
            CoreResolution::NotFound { .. }
        ));
        // Enum flavors: local "e" matches target "e___2".
        let (tid, v, _) = resolved(r(7, "1", K::EnumvalValue));
        assert_eq!((tid, v), (8, 7));
        assert_eq!(resolved(r(7, "1", K::EnumvalExists)).1, 1);
        assert_eq!(resolved(r(7, "0", K::EnumvalExists)).1, 0);
        match r(7, "0", K::EnumvalValue) {
            CoreResolution::NotFound { reason } => assert!(reason.contains("'X'"), "{reason}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            r(7, "5", K::EnumvalValue),
            CoreResolution::NotFound { .. }
        ));
        assert!(matches!(
            r(999, "0", K::TypeExists),
            CoreResolution::NotFound { .. }
        ));
        // Anonymous local type: no candidate search possible.
        assert!(matches!(
            r(3, "0", K::TypeExists),
            CoreResolution::NotFound { .. }
        ));
    }

    #[test]
    fn core_ambiguity() {
        let mut b = Builder::new();
        let int = b.int("int", 4, 1);
        b.composite(BtfKind::Struct, "s", 8, &[("a", int, 0, 0)]);
        b.composite(
            BtfKind::Struct,
            "s___v2",
            8,
            &[("x", int, 0, 0), ("a", int, 32, 0)],
        );
        b.composite(BtfKind::Struct, "s___v3", 8, &[("a", int, 0, 0)]);
        let target = Btf::parse(&b.build()).unwrap();
        let (local, _) = core_pair();
        let r = resolve_core_relo(
            &local,
            &relo(6, "0:0", CoreReloKind::FieldByteOffset),
            &target,
        );
        match r {
            CoreResolution::Ambiguous { reason } => assert!(reason.contains("s___v2"), "{reason}"),
            other => panic!("{other:?}"),
        }
        // Candidates that agree are fine.
        let mut b = Builder::new();
        let int = b.int("int", 4, 1);
        b.composite(BtfKind::Struct, "s", 8, &[("a", int, 0, 0)]);
        b.composite(BtfKind::Struct, "s___v3", 8, &[("a", int, 0, 0)]);
        let target = Btf::parse(&b.build()).unwrap();
        let r = resolve_core_relo(
            &local,
            &relo(6, "0:0", CoreReloKind::FieldByteOffset),
            &target,
        );
        let (tid, v, desc) = resolved(r);
        assert_eq!((tid, v), (2, 0));
        assert!(desc.contains("2 candidates agree"), "{desc}");
    }

    #[test]
    fn core_spec_strings() {
        use CoreReloKind as K;
        let (local, _) = core_pair();
        let s = |id, acc: &str, kind| core_spec_string(&local, &relo(id, acc, kind));
        assert_eq!(s(6, "0:0", K::FieldByteOffset), "struct s.a");
        assert_eq!(s(6, "0:1:1", K::FieldByteOffset), "struct s.__anon.c");
        assert_eq!(s(6, "0:2:3", K::FieldByteOffset), "struct s.arr[3]");
        assert_eq!(s(6, "2:0", K::FieldByteOffset), "struct s[2].a");
        assert_eq!(s(6, "0:42", K::FieldByteOffset), "struct s.?");
        assert_eq!(s(6, "0:0:1", K::FieldByteOffset), "struct s.a.?");
        assert_eq!(s(6, "zz", K::FieldExists), "struct s[?]");
        assert_eq!(s(6, "0", K::TypeSize), "struct s");
        assert_eq!(s(7, "1", K::EnumvalValue), "enum e::Y");
        assert_eq!(s(7, "9", K::EnumvalValue), "enum e::?");
        assert_eq!(s(9, "0:0", K::FieldByteOffset), "s_t.a");
        assert_eq!(s(999, "0:0", K::FieldByteOffset), "<invalid type 999>.?");
    }

    // Extracted with `llvm-objcopy --dump-section .BTF=... --dump-section
    // .BTF.ext=...` from `clang -target bpf -g -O2 -c prog.c` (clang 14) of:
    //
    //   typedef int pid_t;
    //   typedef unsigned long long u64;
    //   #define __pai __attribute__((preserve_access_index))
    //   #define SEC(n) __attribute__((section(n), used))
    //   struct task_struct { pid_t pid; pid_t tgid; char comm[16];
    //           struct task_struct *real_parent; int nonexistent_field; } __pai;
    //   struct task_struct___old { long state; } __pai;
    //   struct anon_holder { int x; union { int a; unsigned int b : 5; }; } __pai;
    //   enum pid_type { PIDTYPE_PID, PIDTYPE_TGID, PIDTYPE_NOPE };
    //   int counter = 0;
    //   char LICENSE[] SEC("license") = "GPL";
    //   SEC("kprobe/do_nothing") int probe(struct task_struct *t)
    //   {
    //       u64 r = 0;
    //       r += __builtin_preserve_field_info(t->pid, 0);
    //       r += __builtin_preserve_field_info(t->comm[3], 0);
    //       r += __builtin_preserve_field_info(t->tgid, 1);
    //       r += __builtin_preserve_field_info(t->nonexistent_field, 2);
    //       r += __builtin_preserve_field_info(t->real_parent->pid, 3);
    //       r += __builtin_preserve_field_info(
    //               ((struct task_struct___old *)t)->state, 2);
    //       r += __builtin_preserve_field_info(((struct anon_holder *)t)->b, 4);
    //       r += __builtin_preserve_field_info(((struct anon_holder *)t)->b, 5);
    //       r += __builtin_preserve_field_info(((struct anon_holder *)t)->a, 0);
    //       r += __builtin_preserve_type_info(*(struct task_struct *)0, 0);
    //       r += __builtin_preserve_type_info(*(struct task_struct *)0, 1);
    //       r += __builtin_btf_type_id(*(struct task_struct *)0, 1);
    //       r += __builtin_preserve_enum_value(*(enum pid_type *)PIDTYPE_TGID, 1);
    //       r += __builtin_preserve_enum_value(*(enum pid_type *)PIDTYPE_NOPE, 0);
    //       counter += r;
    //       return 0;
    //   }
    //
    // `clang -target bpfeb` produces exactly the byte-swapped blobs that
    // btf_to_big_endian/ext_to_big_endian build from these.
    const PROG_BTF_HEX: &str = concat!(
        "9feb01001800000000000000d4010000d4010000bf0400000000000000000002",
        "020000000100000005000004280000000d000000030000000000000011000000",
        "03000000200000001600000006000000400000001b00000001000000c0000000",
        "2700000004000000000100003900000000000008040000003f00000000000001",
        "0400000020000001430000000000000101000000080000010000000000000003",
        "0000000005000000070000001000000048000000000000010400000020000000",
        "000000000100000d040000005c000000010000005e0000000100000c08000000",
        "9d0100000100000408000000af0100000b00000000000000b501000000000001",
        "08000000400000010a0200000200000408000000160200000400000000000000",
        "000000000d000000200000000000000002000085040000001802000004000000",
        "000000001a0200000e000000000000051c020000000000010400000020000000",
        "c50300000300000604000000ce03000000000000da03000001000000e7030000",
        "02000000a20400000000000e0400000001000000000000000000000300000000",
        "050000000700000004000000aa0400000000000e1100000001000000b2040000",
        "0100000f00000000100000000000000004000000b70400000100000f00000000",
        "120000000000000004000000007461736b5f7374727563740070696400746769",
        "6400636f6d6d007265616c5f706172656e74006e6f6e6578697374656e745f66",
        "69656c64007069645f7400696e740063686172005f5f41525241595f53495a45",
        "5f545950455f5f00740070726f6265006b70726f62652f646f5f6e6f7468696e",
        "6700303a30002f746d702f62706670726f672f70726f672e6300696e74207072",
        "6f626528737472756374207461736b5f737472756374202a742900303a323a33",
        "000972202b3d205f5f6275696c74696e5f70726573657276655f6669656c645f",
        "696e666f28742d3e636f6d6d5b335d2c2030293b00303a31000972202b3d205f",
        "5f6275696c74696e5f70726573657276655f6669656c645f696e666f28742d3e",
        "746769642c2031293b00303a34000972202b3d205f5f6275696c74696e5f7072",
        "6573657276655f6669656c645f696e666f28742d3e6e6f6e6578697374656e74",
        "5f6669656c642c2032293b000972202b3d205f5f6275696c74696e5f70726573",
        "657276655f6669656c645f696e666f28742d3e7265616c5f706172656e742d3e",
        "7069642c2033293b007461736b5f7374727563745f5f5f6f6c64007374617465",
        "006c6f6e67000972202b3d205f5f6275696c74696e5f70726573657276655f66",
        "69656c645f696e666f282828737472756374207461736b5f7374727563745f5f",
        "5f6f6c64202a2974292d3e73746174652c2032293b00616e6f6e5f686f6c6465",
        "7200780061006200756e7369676e656420696e7400303a313a31000972202b3d",
        "205f5f6275696c74696e5f70726573657276655f6669656c645f696e666f2828",
        "2873747275637420616e6f6e5f686f6c646572202a2974292d3e622c2034293b",
        "000972202b3d205f5f6275696c74696e5f70726573657276655f6669656c645f",
        "696e666f28282873747275637420616e6f6e5f686f6c646572202a2974292d3e",
        "622c2035293b00303a313a30000972202b3d205f5f6275696c74696e5f707265",
        "73657276655f6669656c645f696e666f28282873747275637420616e6f6e5f68",
        "6f6c646572202a2974292d3e612c2030293b0030000972202b3d205f5f627569",
        "6c74696e5f70726573657276655f747970655f696e666f282a28737472756374",
        "207461736b5f737472756374202a29302c2030293b000972202b3d205f5f6275",
        "696c74696e5f70726573657276655f747970655f696e666f282a287374727563",
        "74207461736b5f737472756374202a29302c2031293b000972202b3d205f5f62",
        "75696c74696e5f6274665f747970655f6964282a28737472756374207461736b",
        "5f737472756374202a29302c2031293b007069645f7479706500504944545950",
        "455f50494400504944545950455f5447494400504944545950455f4e4f504500",
        "31000972202b3d205f5f6275696c74696e5f70726573657276655f656e756d5f",
        "76616c7565282a28656e756d207069645f74797065202a29504944545950455f",
        "544749442c2031293b0032000972202b3d205f5f6275696c74696e5f70726573",
        "657276655f656e756d5f76616c7565282a28656e756d207069645f7479706520",
        "2a29504944545950455f4e4f50452c2030293b0009636f756e746572202b3d20",
        "723b000972657475726e20303b00636f756e746572004c4943454e5345002e62",
        "7373006c6963656e736500",
    );
    const PROG_BTF_EXT_HEX: &str = concat!(
        "9feb0100200000000000000014000000140000000c01000020010000ec000000",
        "0800000064000000010000000000000009000000100000006400000010000000",
        "000000007a0000008e00000000880000100000007a000000b500000004980000",
        "200000007a000000ed000000049c0000300000007a0000002201000004a00000",
        "400000007a0000006001000004a40000500000007a000000ba01000004a80000",
        "600000007a0000002f02000004ac0000700000007a0000007502000004b00000",
        "800000007a000000c102000004b40000900000007a0000000903000004b80000",
        "a00000007a0000004a03000004bc0000b80000007a0000008b03000004c00000",
        "d00000007a000000f603000004c40000e80000007a0000004004000004c80000",
        "f00000007a000000880400000acc0000180100007a0000009704000002d00000",
        "10000000640000000e0000000000000002000000760000000000000008000000",
        "02000000af000000000000001800000002000000e90000000100000028000000",
        "020000001e010000020000003800000002000000760000000300000048000000",
        "0a0000007600000002000000580000000c000000290200000400000068000000",
        "0c0000002902000005000000780000000c000000bb0200000000000088000000",
        "02000000070300000800000098000000020000000703000009000000a8000000",
        "020000000703000007000000c00000000f000000f40300000b000000d8000000",
        "0f0000003e0400000a000000",
    );

    fn prog() -> (Btf, BtfExt) {
        let btf = Btf::parse(&hex(PROG_BTF_HEX)).unwrap();
        let ext = parse_ext(&hex(PROG_BTF_EXT_HEX), &btf).unwrap();
        (btf, ext)
    }

    fn prog_relos(ext: &BtfExt) -> Vec<CoreRelo> {
        ext.core_relos
            .iter()
            .flat_map(|s| s.records.iter().cloned())
            .collect()
    }

    #[test]
    fn clang_object_parses() {
        let (btf, ext) = prog();
        assert_eq!(btf.len(), 21);
        assert_eq!(btf.type_name(9), "int probe(struct task_struct *t)");
        assert_eq!(btf.type_name(18), "char LICENSE[4]");
        assert_eq!(btf.resolve_size(2), Some(40));
        assert_eq!(ext.func_info.len(), 1);
        assert_eq!(ext.func_info[0].sec_name, "kprobe/do_nothing");
        assert_eq!(ext.func_info[0].records[0].type_id, 9);
        let lines = &ext.line_info[0].records;
        assert_eq!(lines[0].line_text, "int probe(struct task_struct *t)");
        assert!(lines[0].file_name.ends_with("prog.c"));
        assert_eq!(lines[0].line, 34);
        assert_eq!((lines[2].insn_off, lines[2].line, lines[2].col), (4, 39, 4));

        let relos = prog_relos(&ext);
        let specs: Vec<String> = relos.iter().map(|r| core_spec_string(&btf, r)).collect();
        assert_eq!(
            specs,
            [
                "struct task_struct.pid",
                "struct task_struct.comm[3]",
                "struct task_struct.tgid",
                "struct task_struct.nonexistent_field",
                "struct task_struct.pid",
                "struct task_struct___old.state",
                "struct anon_holder.__anon.b",
                "struct anon_holder.__anon.b",
                "struct anon_holder.__anon.a",
                "struct task_struct",
                "struct task_struct",
                "struct task_struct",
                "enum pid_type::PIDTYPE_TGID",
                "enum pid_type::PIDTYPE_NOPE",
            ]
        );
        let kinds: Vec<&str> = relos.iter().map(|r| r.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "byte_off",
                "byte_off",
                "byte_sz",
                "field_exists",
                "signed",
                "field_exists",
                "lshift_u64",
                "rshift_u64",
                "byte_off",
                "type_exists",
                "type_size",
                "target_type_id",
                "enumval_value",
                "enumval_exists",
            ]
        );

        // Against itself every relocation reproduces the local value, except
        // where the flavor task_struct___old makes type relos ambiguous.
        let want: [Option<u64>; 14] = [
            Some(0),
            Some(11),
            Some(4),
            Some(1),
            Some(1),
            Some(1),
            Some(59),
            Some(59),
            Some(4),
            Some(1),
            None,
            None,
            Some(1),
            Some(1),
        ];
        for (r, want) in relos.iter().zip(want) {
            match (resolve_core_relo(&btf, r, &btf), want) {
                (CoreResolution::Resolved { value, .. }, Some(w)) => assert_eq!(value, w, "{r:?}"),
                (CoreResolution::Ambiguous { .. }, None) => {}
                (other, _) => panic!("{r:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn clang_object_big_endian() {
        let (le_btf, le_ext) = prog();
        let btf = Btf::parse(&btf_to_big_endian(&hex(PROG_BTF_HEX))).unwrap();
        let ext = parse_ext(&ext_to_big_endian(&hex(PROG_BTF_EXT_HEX)), &btf).unwrap();
        assert_eq!(btf.endian, Endian::Big);
        assert!(btf.types().eq(le_btf.types()));
        assert_eq!(ext, le_ext);
        // Bitfield shifts follow the byte order; everything else is equal.
        let relos = prog_relos(&ext);
        let lshift = relos
            .iter()
            .find(|r| r.kind == CoreReloKind::FieldLshiftU64)
            .unwrap();
        assert_eq!(resolved(resolve_core_relo(&btf, lshift, &btf)).1, 32);
    }

    fn vmlinux() -> Option<&'static Btf> {
        static VMLINUX: OnceLock<Option<Btf>> = OnceLock::new();
        VMLINUX
            .get_or_init(|| {
                let data = std::fs::read("/sys/kernel/btf/vmlinux").ok()?;
                let t = Instant::now();
                let btf = Btf::parse(&data).expect("parsing vmlinux BTF");
                eprintln!(
                    "parsed vmlinux BTF: {} types, {} bytes in {:?}",
                    btf.len(),
                    data.len(),
                    t.elapsed()
                );
                Some(btf)
            })
            .as_ref()
    }

    fn member_offset(btf: &Btf, id: u32, name: &str) -> u64 {
        let m = btf.get(id).unwrap().members.iter().find(|m| m.name == name);
        u64::from(m.unwrap().bit_offset / 8)
    }

    #[test]
    fn vmlinux_task_struct() {
        let Some(btf) = vmlinux() else {
            eprintln!("/sys/kernel/btf/vmlinux not readable; skipping");
            return;
        };
        let ids: Vec<u32> = btf
            .find_by_name("task_struct")
            .into_iter()
            .filter(|&id| btf.get(id).unwrap().kind == BtfKind::Struct)
            .collect();
        assert_eq!(ids.len(), 1);
        let id = ids[0];
        assert_eq!(btf.type_name(id), "struct task_struct");
        assert!(btf.resolve_size(id).unwrap() > 0);
        let t = btf.get(id).unwrap();
        assert!(t.members.iter().any(|m| m.name == "pid"));
        let t0 = Instant::now();
        for t in btf.types() {
            let _ = btf.type_name(t.id);
            let _ = btf.resolve_size(t.id);
        }
        eprintln!("type_name+resolve_size over all types: {:?}", t0.elapsed());
    }

    #[test]
    fn clang_relocations_against_vmlinux() {
        let Some(vml) = vmlinux() else {
            eprintln!("/sys/kernel/btf/vmlinux not readable; skipping");
            return;
        };
        let (btf, ext) = prog();
        let relos = prog_relos(&ext);
        let ts = vml
            .find_by_name("task_struct")
            .into_iter()
            .find(|&id| vml.get(id).unwrap().kind == BtfKind::Struct)
            .unwrap();
        let res: Vec<CoreResolution> = relos
            .iter()
            .map(|r| resolve_core_relo(&btf, r, vml))
            .collect();
        let val = |i: usize| match &res[i] {
            CoreResolution::Resolved {
                value,
                target_type_id,
                ..
            } => (*target_type_id, *value),
            other => panic!("relo #{i}: {other:?}"),
        };
        assert_eq!(val(0), (ts, member_offset(vml, ts, "pid")));
        assert_eq!(val(1), (ts, member_offset(vml, ts, "comm") + 3));
        assert_eq!(val(2), (ts, 4));
        assert_eq!(val(3), (0, 0)); // nonexistent_field is absent
        assert_eq!(val(4), (ts, 1)); // pid is signed
                                     // task_struct___old.state: renamed to __state in Linux 5.14.
        let has_state = vml
            .get(ts)
            .unwrap()
            .members
            .iter()
            .any(|m| m.name == "state");
        assert_eq!(val(5).1, u64::from(has_state));
        for r in &res[6..9] {
            match r {
                CoreResolution::NotFound { reason } => {
                    assert!(reason.contains("no struct named 'anon_holder'"), "{reason}")
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(val(9), (ts, 1));
        assert_eq!(val(10), (ts, u64::from(vml.resolve_size(ts).unwrap())));
        assert_eq!(val(11), (ts, u64::from(ts)));
        assert_eq!(val(12).1, 1);
        assert_eq!(val(13), (0, 0));
    }

    /// Calls everything that walks the type graph; must not panic.
    fn exercise(btf: &Btf, relos: &[CoreRelo], other: &Btf) {
        for t in btf.types() {
            let _ = btf.type_name(t.id);
            let _ = btf.resolve_size(t.id);
            let _ = btf.skip_mods_and_typedefs(t.id);
        }
        let _ = btf.find_by_name("task_struct");
        for r in relos {
            let _ = core_spec_string(btf, r);
            let _ = resolve_core_relo(btf, r, other);
            let _ = resolve_core_relo(other, r, btf);
            let _ = resolve_core_relo(btf, r, btf);
        }
    }

    #[test]
    fn fuzz_truncation_and_bit_flips() {
        let (good, good_ext) = prog();
        let relos = prog_relos(&good_ext);
        for be in [false, true] {
            let (btf_data, ext_data) = if be {
                (
                    btf_to_big_endian(&hex(PROG_BTF_HEX)),
                    ext_to_big_endian(&hex(PROG_BTF_EXT_HEX)),
                )
            } else {
                (hex(PROG_BTF_HEX), hex(PROG_BTF_EXT_HEX))
            };
            let base = Btf::parse(&btf_data).unwrap();
            let mut variants = Vec::new();
            for len in 0..btf_data.len() {
                variants.push(btf_data[..len].to_vec());
            }
            for i in 0..btf_data.len() {
                for mask in [0xff, 0x01, 0x80] {
                    let mut d = btf_data.clone();
                    d[i] ^= mask;
                    variants.push(d);
                }
            }
            for d in &variants {
                if let Ok(btf) = Btf::parse(d) {
                    exercise(&btf, &relos, &good);
                    let _ = parse_ext(&ext_data, &btf);
                }
            }
            let mut ext_variants = Vec::new();
            for len in 0..ext_data.len() {
                ext_variants.push(ext_data[..len].to_vec());
            }
            for i in 0..ext_data.len() {
                for mask in [0xff, 0x01, 0x80] {
                    let mut d = ext_data.clone();
                    d[i] ^= mask;
                    ext_variants.push(d);
                }
            }
            for d in &ext_variants {
                if let Ok(ext) = parse_ext(d, &base) {
                    exercise(&base, &prog_relos(&ext), &good);
                }
            }
        }
        // Pure garbage of various sizes.
        let mut x: u32 = 0x1234_5678;
        for len in [0, 1, 23, 24, 25, 64, 512] {
            for _ in 0..200 {
                let mut d: Vec<u8> = (0..len)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 17;
                        x ^= x << 5;
                        x as u8
                    })
                    .collect();
                if len >= 2 {
                    d[0] = 0x9f;
                    d[1] = 0xeb;
                }
                if let Ok(btf) = Btf::parse(&d) {
                    exercise(&btf, &relos, &good);
                }
                let _ = parse_ext(&d, &good);
            }
        }
    }
}
