//! BPF instructions: decoding of the 8-byte encoding (include/uapi/linux/bpf.h), the same for
//! an ELF section and for the kernel's translated (`xlated`) dump. Pure: bytes in, facts out.

pub const INSN_SIZE: usize = 8;

// Instruction classes.
pub const BPF_LD: u8 = 0x00;
pub const BPF_LDX: u8 = 0x01;
pub const BPF_ST: u8 = 0x02;
pub const BPF_STX: u8 = 0x03;
pub const BPF_ALU: u8 = 0x04;
pub const BPF_JMP: u8 = 0x05;
pub const BPF_JMP32: u8 = 0x06;
pub const BPF_ALU64: u8 = 0x07;

// Modes (ld/st).
pub const BPF_IMM: u8 = 0x00;
pub const BPF_MEM: u8 = 0x60;
pub const BPF_MEMSX: u8 = 0x80;
pub const BPF_ATOMIC: u8 = 0xc0;
pub const BPF_W: u8 = 0x00;
pub const BPF_DW: u8 = 0x18;

// Jump ops.
pub const BPF_JA: u8 = 0x00;
pub const BPF_JEQ: u8 = 0x10;
pub const BPF_JGT: u8 = 0x20;
pub const BPF_JGE: u8 = 0x30;
pub const BPF_JSET: u8 = 0x40;
pub const BPF_JNE: u8 = 0x50;
pub const BPF_JSGT: u8 = 0x60;
pub const BPF_JSGE: u8 = 0x70;
pub const BPF_CALL: u8 = 0x80;
pub const BPF_EXIT: u8 = 0x90;
pub const BPF_JLT: u8 = 0xa0;
pub const BPF_JLE: u8 = 0xb0;
pub const BPF_JSLT: u8 = 0xc0;
pub const BPF_JSLE: u8 = 0xd0;
/// The verifier's rewrite of `bpf_tail_call` (`BPF_JMP | BPF_TAIL_CALL`); dumps turn it back
/// into a helper call, but accept it anyway.
pub const BPF_TAIL_CALL: u8 = 0xf0;

// `src` of a call.
pub const PSEUDO_CALL: u8 = 1;
pub const PSEUDO_KFUNC_CALL: u8 = 2;

// `src` of a 64-bit immediate load.
pub const PSEUDO_MAP_FD: u8 = 1;
pub const PSEUDO_MAP_VALUE: u8 = 2;
pub const PSEUDO_BTF_ID: u8 = 3;
pub const PSEUDO_FUNC: u8 = 4;
pub const PSEUDO_MAP_IDX: u8 = 5;
pub const PSEUDO_MAP_IDX_VALUE: u8 = 6;

/// One decoded instruction slot. A 64-bit immediate load spans two slots; the second keeps
/// its own (mostly zero) fields and `imm` holds the high half.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Insn {
    pub code: u8,
    pub dst: u8,
    pub src: u8,
    pub off: i16,
    pub imm: i32,
}

impl Insn {
    pub fn class(&self) -> u8 {
        self.code & 0x07
    }
    /// ALU/JMP operation (upper four bits).
    pub fn op(&self) -> u8 {
        self.code & 0xf0
    }
    /// Whether the second operand is a register (`BPF_X`) rather than `imm`.
    pub fn uses_src_reg(&self) -> bool {
        self.code & 0x08 != 0
    }
    pub fn mode(&self) -> u8 {
        self.code & 0xe0
    }
    pub fn size(&self) -> u8 {
        self.code & 0x18
    }
    pub fn is_ld_imm64(&self) -> bool {
        self.code == BPF_LD | BPF_IMM | BPF_DW
    }
    pub fn is_jmp_class(&self) -> bool {
        matches!(self.class(), BPF_JMP | BPF_JMP32)
    }
    pub fn is_call(&self) -> bool {
        self.class() == BPF_JMP && self.op() == BPF_CALL
    }
    pub fn is_exit(&self) -> bool {
        self.class() == BPF_JMP && self.op() == BPF_EXIT
    }
    /// Bytes the access touches (1, 2, 4, 8).
    pub fn access_bytes(&self) -> u8 {
        match self.size() {
            0x00 => 4,
            0x08 => 2,
            0x10 => 1,
            _ => 8,
        }
    }

    pub fn encode(&self) -> [u8; 8] {
        let mut b = [0u8; 8];
        b[0] = self.code;
        b[1] = (self.src << 4) | (self.dst & 0xf);
        b[2..4].copy_from_slice(&self.off.to_le_bytes());
        b[4..8].copy_from_slice(&self.imm.to_le_bytes());
        b
    }
}

/// Decodes a run of instructions; a trailing partial slot is ignored (callers report it).
/// In big-endian objects the register nibbles swap places and the fields are big-endian.
pub fn decode_all(bytes: &[u8], big: bool) -> Vec<Insn> {
    bytes
        .chunks_exact(INSN_SIZE)
        .map(|b| {
            let (dst, src) = if big {
                (b[1] >> 4, b[1] & 0xf)
            } else {
                (b[1] & 0xf, b[1] >> 4)
            };
            let off = if big {
                i16::from_be_bytes([b[2], b[3]])
            } else {
                i16::from_le_bytes([b[2], b[3]])
            };
            let imm = if big {
                i32::from_be_bytes([b[4], b[5], b[6], b[7]])
            } else {
                i32::from_le_bytes([b[4], b[5], b[6], b[7]])
            };
            Insn {
                code: b[0],
                dst,
                src,
                off,
                imm,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_fields() {
        let i = Insn {
            code: BPF_JMP | BPF_JEQ,
            dst: 3,
            src: 7,
            off: -5,
            imm: 0x1234_5678,
        };
        let d = decode_all(&i.encode(), false);
        assert_eq!(d, vec![i]);
        assert_eq!(d[0].class(), BPF_JMP);
        assert_eq!(d[0].op(), BPF_JEQ);
        assert!(!d[0].uses_src_reg());
        // A partial slot at the end is not an instruction.
        let mut b = i.encode().to_vec();
        b.extend_from_slice(&[1, 2, 3]);
        assert_eq!(decode_all(&b, false).len(), 1);
    }

    #[test]
    fn big_endian_swaps_nibbles() {
        let b = [0xb7u8, 0x10, 0, 0, 0, 0, 0, 2];
        let d = decode_all(&b, true);
        assert_eq!((d[0].dst, d[0].src, d[0].imm), (1, 0, 2));
    }
}
