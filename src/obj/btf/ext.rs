//! BTF.ext: function and line info, CO-RE relocation records.
use std::fmt;

use super::*;

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
pub(crate) enum ReloClass {
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

    pub(crate) fn class(self) -> ReloClass {
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

pub(crate) struct ExtReader<'a> {
    data: &'a [u8],
    endian: Endian,
    hdr_len: usize,
    btf: &'a Btf,
}

impl ExtReader<'_> {
    /// `what` describes the string for the error message; built lazily
    /// because this runs for every record.
    pub(crate) fn string(
        &self,
        off: u32,
        what: impl FnOnce() -> String,
    ) -> Result<String, BtfError> {
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
    pub(crate) fn subsection<T>(
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
