//! `/proc/kallsyms`: kernel symbol addresses, to name the functions that calls in a loaded
//! program's translated code point to (as bpftool does). Addresses read as zero without
//! CAP_SYSLOG or with `kernel.kptr_restrict` set; then nothing can be named.
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader};

/// Text symbols by address, with the address of `__bpf_call_base` (helper calls in translated
/// code are offsets from it).
pub struct Kallsyms {
    pub call_base: u64,
    by_addr: HashMap<u64, String>,
}

impl Kallsyms {
    /// Reads `/proc/kallsyms`; an error when it is unreadable or hides addresses.
    pub fn read() -> io::Result<Kallsyms> {
        Self::parse(BufReader::new(std::fs::File::open("/proc/kallsyms")?))
    }

    fn parse(r: impl BufRead) -> io::Result<Kallsyms> {
        let mut by_addr = HashMap::new();
        let mut call_base = 0;
        for line in r.lines() {
            let line = line?;
            let mut it = line.split_ascii_whitespace();
            let (Some(a), Some(kind), Some(name)) = (it.next(), it.next(), it.next()) else {
                continue;
            };
            if !matches!(kind, "T" | "t") {
                continue;
            }
            let Ok(addr) = u64::from_str_radix(a, 16) else {
                continue;
            };
            if addr == 0 {
                continue;
            }
            if name == "__bpf_call_base" {
                call_base = addr;
            }
            // Module symbols carry a `[module]` column; the first name at an address wins.
            by_addr.entry(addr).or_insert_with(|| name.to_string());
        }
        if call_base == 0 {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "/proc/kallsyms hides kernel addresses (needs root with CAP_SYSLOG and kernel.kptr_restrict < 2)",
            ));
        }
        Ok(Kallsyms { call_base, by_addr })
    }

    /// The kernel function a translated helper call (`imm`) points to.
    pub fn call_target(&self, imm: i32) -> Option<&str> {
        let addr = self.call_base.wrapping_add(i64::from(imm) as u64);
        self.by_addr.get(&addr).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_resolves_offsets() {
        let text = "ffffffff81000000 T _text\nffffffff814ca810 T __bpf_call_base\n\
                    ffffffff8150bfb0 T bpf_map_lookup_elem\nffffffff81400000 t htab_map_lookup_elem\n\
                    ffffffffc0000000 t mod_fn\t[some_mod]\n";
        let k = Kallsyms::parse(text.as_bytes()).unwrap();
        assert_eq!(k.call_target(0x4_17a0), Some("bpf_map_lookup_elem"));
        assert_eq!(k.call_target(-0xca810), Some("htab_map_lookup_elem"));
        assert_eq!(k.call_target(1), None);
        let hidden = "0000000000000000 T __bpf_call_base\n";
        assert!(Kallsyms::parse(hidden.as_bytes()).is_err());
    }
}
