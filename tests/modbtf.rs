//! validate's CO-RE fallback to kernel-module BTF, end to end through the library: an object
//! relocating a struct vmlinux lacks, a module directory holding a synthetic split BTF (over this
//! host's vmlinux) that defines it. This host has no module BTF of its own; the kernel matrix
//! checks a real module (veth) on Debian's kernels.
mod common;

use std::path::Path;

use common::compile;
use x0bpf::obj::btf::Btf;
use x0bpf::obj::source;
use x0bpf::probe::Probes;
use x0bpf::validate::{self, Check, Options};

/// Split BTF over `base` defining `struct x0_only_in_module { int pad; int field; }`.
fn module_btf(base: &Btf) -> Vec<u8> {
    let int = *base.find_by_name("int").first().expect("vmlinux has int");
    let sb = base.str_len() as u32;
    let strs = b"\0x0_only_in_module\0pad\0field\0";
    let (name, pad, field) = (sb + 1, sb + 19, sb + 23);
    let words = [
        name,
        (4 << 24) | 2, // struct, 2 members
        8,
        pad,
        int,
        0,
        field,
        int,
        32,
    ];
    let type_len = (words.len() * 4) as u32;
    let mut out = Vec::new();
    out.extend_from_slice(&0xeb9f_u16.to_le_bytes());
    out.extend_from_slice(&[1, 0]);
    for w in [24, 0, type_len, type_len, strs.len() as u32] {
        out.extend_from_slice(&w.to_le_bytes());
    }
    for w in words {
        out.extend_from_slice(&w.to_le_bytes());
    }
    out.extend_from_slice(strs);
    out
}

fn co_re(target: &validate::Target, obj: &Path) -> Check {
    let src = source::resolve(obj.to_str().unwrap()).unwrap();
    let report = validate::validate(&src, target, &Probes::new(), &Options::default());
    report
        .checks
        .into_iter()
        .find(|c| c.name == "co-re")
        .expect("a co-re check")
}

#[test]
fn module_btf_resolves_what_vmlinux_lacks() {
    let vmlinux = std::fs::read("/sys/kernel/btf/vmlinux")
        .expect("this test needs the running kernel's BTF (/sys/kernel/btf/vmlinux)");
    let base = Btf::parse(&vmlinux).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let obj = compile(
        "core_module_only.c",
        "clang",
        &["-target", "bpf", "-g"],
        dir.path(),
        "core_module_only.o",
    );
    let mods = dir.path().join("btf");
    std::fs::create_dir(&mods).unwrap();
    std::fs::write(mods.join("x0mod"), module_btf(&base)).unwrap();
    // vmlinux in the directory is the base, never a module; a broken file is skipped.
    std::fs::write(mods.join("vmlinux"), b"not read").unwrap();
    std::fs::write(mods.join("broken"), b"\x9f\xeb garbage").unwrap();

    // Without modules: not found, as before.
    let none = validate::target_from_btf("vmlinux", base.clone());
    let c = co_re(&none, &obj);
    assert_eq!(c.status, validate::Status::Fail, "{c:?}");
    assert!(
        c.message.contains("no struct named 'x0_only_in_module'"),
        "{}",
        c.message
    );

    let with = validate::target_from_btf("vmlinux", base).with_module_dir(&mods);
    let c = co_re(&with, &obj);
    assert_eq!(c.status, validate::Status::Pass, "{c:?}");
    assert!(
        c.message.contains("and module BTF (x0mod)"),
        "{}",
        c.message
    );
    let d = &c.details[0];
    assert_eq!(d.module.as_deref(), Some("x0mod"));
    assert_eq!(
        (d.relo, d.value),
        (Some(0), Some(4)),
        "field is at byte 4 in the module"
    );
    assert!(
        d.message.contains("resolved in module x0mod"),
        "{}",
        d.message
    );
}
