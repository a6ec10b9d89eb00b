//! Names for the kernel's numbers: program, map and attach types (libbpf's own tables, so x0bpf
//! and libbpf agree), helpers, and the program type libbpf derives from a section name.
use std::ffi::{CStr, CString};

use crate::obj::helpers;

pub fn helper_name(id: u32) -> String {
    helpers::by_id(id)
        .map(|h| h.name.to_string())
        .unwrap_or_else(|| format!("helper#{id}"))
}

fn cstr(p: *const std::os::raw::c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        // SAFETY: libbpf returns pointers to static NUL-terminated strings.
        Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    }
}

pub fn map_type_name(t: u32) -> String {
    // SAFETY: pure lookup in a static table; out-of-range values give NULL.
    cstr(unsafe { libbpf_sys::libbpf_bpf_map_type_str(t) }).unwrap_or_else(|| format!("type#{t}"))
}

pub fn prog_type_name(t: u32) -> String {
    // SAFETY: as above.
    cstr(unsafe { libbpf_sys::libbpf_bpf_prog_type_str(t) }).unwrap_or_else(|| format!("type#{t}"))
}

pub fn attach_type_name(t: u32) -> String {
    // SAFETY: as above.
    cstr(unsafe { libbpf_sys::libbpf_bpf_attach_type_str(t) })
        .unwrap_or_else(|| format!("attach#{t}"))
}

/// libbpf's own section-name table decides the program type, so inspect agrees with load.
pub fn prog_type_by_section(section: &str) -> (Option<String>, Option<String>) {
    match prog_type_numbers(section) {
        Some((pt, at)) => (
            Some(prog_type_name(pt)),
            // libbpf reports attach type 0 (cgroup_inet_ingress) for "no attach type".
            if at == 0 && pt != libbpf_sys::BPF_PROG_TYPE_CGROUP_SKB {
                None
            } else {
                Some(attach_type_name(at))
            },
        ),
        None => (None, None),
    }
}

pub fn prog_type_numbers(section: &str) -> Option<(u32, u32)> {
    let c = CString::new(section).ok()?;
    let (mut pt, mut at) = (0u32, 0u32);
    // libbpf logs a warning for unknown names; the caller reports that itself.
    let _quiet = crate::obj::quiet::Silence::new();
    // SAFETY: valid C string and out pointers.
    let rc = unsafe { libbpf_sys::libbpf_prog_type_by_name(c.as_ptr(), &mut pt, &mut at) };
    (rc == 0).then_some((pt, at))
}
