//! Unit tests for the BTF parsers and CO-RE resolution.
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
            str_base: base.str_len() as u32,
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
    let base = std::sync::Arc::new(Btf::parse(&sample_btf()).unwrap());
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
    assert!(Btf::parse_split_shared(&be, &base)
        .unwrap_err()
        .to_string()
        .contains("endian"));
    // A dangling reference past the split types is still caught.
    let mut b = Builder::split(&base);
    b.reference(BtfKind::Ptr, "", 31);
    assert!(Btf::parse_split_shared(&b.build(), &base).is_err());
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
            ..
        } => (target_type_id, value, description),
        other => panic!("expected Resolved, got {other:?}"),
    }
}

#[test]
fn core_field_relocations() {
    use CoreReloKind as K;
    let (local, target) = core_pair();
    let check = |access: &str, kind, want: u64| {
        let (tid, v, desc) = resolved(resolve_core_relo(&local, &relo(6, access, kind), &target));
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

/// Module BTF over the target of `core_pair`: `struct nothere { long pad; int q; }` (q at
/// byte `q_off`), as split BTF.
fn module_btf(base: &std::sync::Arc<Btf>, name: &str, q_off: u32) -> ModuleBtf {
    let mut b = Builder::split(base);
    // Base ids: int = 1, long = 3.
    b.composite(
        BtfKind::Struct,
        "nothere",
        q_off + 4,
        &[("pad", 3, 0, 0), ("q", 1, q_off * 8, 0)],
    );
    ModuleBtf {
        name: name.into(),
        btf: Btf::parse_split_shared(&b.build(), base).unwrap(),
    }
}

#[test]
fn core_falls_back_to_module_btf() {
    use std::cell::Cell;
    use CoreReloKind as K;
    let (local, target) = core_pair();
    let base = std::sync::Arc::new(target.clone());
    let mods = vec![module_btf(&base, "veth", 8)];
    let r = relo(8, "0:0", K::FieldByteOffset);

    // Without modules, struct nothere is not in the target.
    assert!(matches!(
        resolve_core_relo(&local, &r, &target),
        CoreResolution::NotFound { .. }
    ));
    // With them, the module's split BTF resolves it, and says which module did.
    let called = Cell::new(0);
    let res = resolve_core_relo_with_modules(&local, &r, &target, || {
        called.set(called.get() + 1);
        &mods
    });
    assert_eq!(called.get(), 1);
    let CoreResolution::Resolved {
        target_type_id,
        value,
        description,
        module,
    } = res
    else {
        panic!("expected Resolved, got {res:?}")
    };
    assert_eq!((value, module.as_deref()), (8, Some("veth")));
    assert_eq!(
        target_type_id,
        base.len() as u32,
        "the module's first own type"
    );
    assert!(
        description.contains("resolved in module veth"),
        "{description}"
    );
    assert!(description.contains("struct nothere.q"), "{description}");

    // Existence and size relocations also see the module's type.
    let (_, v, _) = resolved(resolve_core_relo_with_modules(
        &local,
        &relo(8, "0", K::TypeExists),
        &target,
        || &mods,
    ));
    assert_eq!(v, 1);
    let (_, v, _) = resolved(resolve_core_relo_with_modules(
        &local,
        &relo(8, "0", K::TypeSize),
        &target,
        || &mods,
    ));
    assert_eq!(v, 12);

    // A type vmlinux has is never looked up in modules (libbpf searches them only when
    // vmlinux has no candidate at all).
    let called = Cell::new(false);
    let (_, v, desc) = resolved(resolve_core_relo_with_modules(
        &local,
        &relo(6, "0:0", K::FieldByteOffset),
        &target,
        || {
            called.set(true);
            &mods
        },
    ));
    assert_eq!(v, 12);
    assert!(!called.get());
    assert!(!desc.contains("module"), "{desc}");
    // Nor when vmlinux has a candidate that does not match: libbpf then fails.
    let res = resolve_core_relo_with_modules(
        &local,
        &relo(6, "0:3", K::FieldByteOffset),
        &target,
        || {
            called.set(true);
            &mods
        },
    );
    assert!(matches!(res, CoreResolution::NotFound { .. }), "{res:?}");
    assert!(!called.get());
}

#[test]
fn core_module_candidates_must_agree() {
    use CoreReloKind as K;
    let (local, target) = core_pair();
    let base = std::sync::Arc::new(target.clone());
    let r = relo(8, "0:0", K::FieldByteOffset);

    let agree = vec![module_btf(&base, "a", 8), module_btf(&base, "b", 8)];
    let (_, v, desc) = resolved(resolve_core_relo_with_modules(&local, &r, &target, || {
        &agree
    }));
    assert_eq!(v, 8);
    assert!(
        desc.contains("2 candidates agree") && desc.contains("module a"),
        "{desc}"
    );

    let differ = vec![module_btf(&base, "a", 8), module_btf(&base, "b", 16)];
    let res = resolve_core_relo_with_modules(&local, &r, &target, || &differ);
    assert!(matches!(res, CoreResolution::Ambiguous { .. }), "{res:?}");

    // Absent from vmlinux and every module: the reason says the modules were searched.
    let none: Vec<ModuleBtf> = Vec::new();
    match resolve_core_relo_with_modules(&local, &r, &target, || &none) {
        CoreResolution::NotFound { reason } => {
            assert!(!reason.contains("module"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    let mut l = Builder::new();
    let int = l.int("int", 4, 1);
    l.composite(BtfKind::Struct, "nowhere", 4, &[("q", int, 0, 0)]);
    let local2 = Btf::parse(&l.build()).unwrap();
    let (_, v, desc) = resolved(resolve_core_relo_with_modules(
        &local2,
        &relo(2, "0", K::TypeExists),
        &target,
        || &agree,
    ));
    assert_eq!(v, 0);
    assert!(
        desc.contains("nor in the BTF of 2 kernel modules"),
        "{desc}"
    );
}

#[test]
fn split_btf_shares_its_base() {
    let base = std::sync::Arc::new(Btf::parse(&sample_btf()).unwrap());
    let m = module_btf_over_sample(&base);
    // The module holds only its own types; the base's are reached through it.
    assert_eq!(m.own_types().count(), 1);
    assert_eq!(m.len(), base.len() + 1);
    assert_eq!(m.types().count(), m.len());
    assert!(std::sync::Arc::ptr_eq(m.base().unwrap(), &base));
    assert_eq!(m.get(1).map(|t| t.name.as_str()), Some("int"));
    assert_eq!(m.str_len(), base.str_len() + m.strings().len());
}

fn module_btf_over_sample(base: &std::sync::Arc<Btf>) -> Btf {
    let mut b = Builder::split(base);
    b.composite(BtfKind::Struct, "mod_only", 4, &[("x", 1, 0, 0)]);
    Btf::parse_split_shared(&b.build(), base).unwrap()
}

/// `feature` counts and searches vmlinux with `BtfNames` instead of a full parse: both must
/// agree on the count and on the first id of a name (any kind, and a given kind).
#[test]
fn btf_names_agree_with_the_full_parse() {
    let Some(btf) = vmlinux() else {
        eprintln!("/sys/kernel/btf/vmlinux not readable; skipping");
        return;
    };
    let data = std::fs::read("/sys/kernel/btf/vmlinux").unwrap();
    let names = BtfNames::scan(data).unwrap();
    assert_eq!(names.len(), btf.len() - 1);
    for n in [
        "btf_trace_sched_switch",
        "task_struct",
        "bpf_prog_put",
        "no_such_type_x0",
    ] {
        assert_eq!(
            names.find(n, None),
            btf.find_by_name(n).first().copied(),
            "{n}"
        );
        let func = btf
            .find_by_name(n)
            .into_iter()
            .find(|&id| btf.get(id).unwrap().kind == BtfKind::Func);
        assert_eq!(names.find(n, Some(BtfKind::Func)), func, "{n}");
    }
    // A name that is a prefix of another must not match it.
    assert_eq!(
        names.find("task_struc", None),
        btf.find_by_name("task_struc").first().copied()
    );
}

#[test]
fn btf_names_rejects_truncated_types() {
    let data = std::fs::read("/sys/kernel/btf/vmlinux").unwrap_or_default();
    if data.len() < 64 {
        return;
    }
    // Cut the blob in the middle of the type section but keep the header's lengths: the
    // header check refuses it before any type is read.
    assert!(BtfNames::scan(data[..data.len() / 2].to_vec()).is_err());
    assert!(BtfNames::scan(Vec::new()).is_err());
}
