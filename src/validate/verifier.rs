//! The verifier's verdict (`--verify`): load each program, keep the log, find the failing line.
use super::*;

pub(crate) const BPF_LOG_LEVEL1: u32 = 1;

pub(crate) const BPF_LOG_STATS: u32 = 4;

/// One load of one program: the rest of the object is opened but not loaded (maps are created,
/// since the program needs them). Everything is dropped before returning.
pub(crate) struct LoadOutcome {
    ok: bool,
    errno: Option<i32>,
    error: Option<String>,
    verified_insns: Option<u32>,
    log: String,
    libbpf: Vec<String>,
}

pub(crate) fn load_one(
    src: &ObjectSource,
    parsed: &ParsedObject,
    prog: &str,
    level: u32,
    buf: &mut [u8],
) -> LoadOutcome {
    let mut out = LoadOutcome {
        ok: false,
        errno: None,
        error: None,
        verified_insns: None,
        log: String::new(),
        libbpf: Vec::new(),
    };
    let mut open = match load::open(src, parsed, &src.name, &[]) {
        Ok(o) => o,
        Err(e) => {
            out.errno = e.errno;
            out.error = Some(e.message);
            return out;
        }
    };
    // load::open has cleared every map's pin path: validate leaves no pins behind and
    // touches no existing ones.
    let mut found = false;
    buf[0] = 0;
    for mut p in open.progs_mut() {
        let me = p.name() == OsStr::new(prog);
        p.set_autoload(me);
        if me {
            found = true;
            p.set_log_level(level);
            // SAFETY: buf outlives the load below; libbpf only writes within its length.
            unsafe {
                libbpf_sys::bpf_program__set_log_buf(
                    p.as_libbpf_object().as_ptr(),
                    buf.as_mut_ptr() as *mut c_char,
                    buf.len() as _,
                )
            };
        }
    }
    if !found {
        out.error = Some(format!(
            "libbpf does not see a program named {prog} in this object"
        ));
        return out;
    }
    libbpf_log::clear();
    let res = open.load();
    out.libbpf = libbpf_log::take();
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    out.log = String::from_utf8_lossy(&buf[..end]).into_owned();
    match res {
        Ok(obj) => {
            out.ok = true;
            out.verified_insns = obj
                .progs()
                .find(|p| p.name() == OsStr::new(prog))
                .and_then(|p| bpf::prog_info(p.as_fd()).ok())
                .map(|i| i.verified_insns);
            drop(obj);
        }
        Err(e) => {
            out.errno = load::libbpf_errno(&e);
            out.error = Some(e.to_string());
        }
    }
    out
}

pub fn stats(log: &str) -> (Option<u32>, Option<u64>) {
    let mut processed = None;
    let mut time = None;
    for l in log.lines() {
        if let Some(r) = l.strip_prefix("processed ") {
            processed = r.split_whitespace().next().and_then(|n| n.parse().ok());
        }
        if let Some(r) = l.strip_prefix("verification time ") {
            time = r.split_whitespace().next().and_then(|n| n.parse().ok());
        }
    }
    (processed, time)
}

pub(crate) fn is_stats_line(l: &str) -> bool {
    l.starts_with("processed ")
        || l.starts_with("verification time")
        || l.starts_with("stack depth")
}

/// `12: (71) r0 = ...` -> 12.
pub(crate) fn insn_line(l: &str) -> Option<u32> {
    let (n, rest) = l.split_once(": ")?;
    // libbpf rewrites a poisoned CO-RE instruction as `N: <invalid CO-RE relocation>`.
    if !rest.starts_with('(') && !rest.starts_with('<') {
        return None;
    }
    n.trim().parse().ok()
}

pub struct Failure {
    pub insn: Option<u32>,
    pub error: Vec<String>,
    /// The kernel's own line-info annotation before the failing instruction: "; text @ file:line".
    pub kernel_line: Option<SourceLine>,
}

pub fn analyze(log: &str) -> Failure {
    let lines: Vec<&str> = log
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty() && !is_stats_line(l))
        .collect();
    let last_insn = lines.iter().rposition(|l| insn_line(l).is_some());
    let (insn, error) = match last_insn {
        Some(i) => (
            insn_line(lines[i]),
            lines[i + 1..]
                .iter()
                .filter(|l| !l.starts_with(';'))
                .map(|l| l.to_string())
                .collect(),
        ),
        None => (
            None,
            lines
                .last()
                .map(|l| vec![l.to_string()])
                .unwrap_or_default(),
        ),
    };
    let kernel_line = last_insn.and_then(|i| {
        lines[..i].iter().rev().find_map(|l| {
            let body = l.strip_prefix("; ")?;
            let (text, at) = body.rsplit_once(" @ ")?;
            let (file, line) = at.rsplit_once(':')?;
            Some(SourceLine {
                file: file.to_string(),
                line: line.parse().ok()?,
                column: 0,
                text: text.trim().to_string(),
            })
        })
    });
    Failure {
        insn,
        error,
        kernel_line,
    }
}

/// The source line of instruction `insn` of program `p`, from the object's BTF line info.
pub fn source_line(parsed: &ParsedObject, p: &ProgramInfo, insn: u32) -> Option<SourceLine> {
    if u64::from(insn) >= p.instructions {
        return None; // in a subprogram libbpf appended after the program
    }
    let at = p.start_insn + u64::from(insn);
    let ext = parsed.btf_ext.as_ref()?;
    ext.line_info
        .iter()
        .filter(|s| s.sec_name == p.section)
        .flat_map(|s| s.records.iter())
        .filter(|r| u64::from(r.insn_off) <= at && u64::from(r.insn_off) >= p.start_insn)
        .max_by_key(|r| r.insn_off)
        .map(|r| SourceLine {
            file: r.file_name.clone(),
            line: r.line,
            column: r.col,
            text: r.line_text.trim().to_string(),
        })
}

pub(crate) fn verify_program(
    src: &ObjectSource,
    parsed: &ParsedObject,
    probes: &Probes,
    p: &ProgramInfo,
) -> Verifier {
    // Stats only first: a full instruction log would slow down and truncate big programs.
    let mut buf = vec![0u8; 1 << 20];
    let first = load_one(src, parsed, &p.name, BPF_LOG_STATS, &mut buf);
    let (processed, time) = stats(&first.log);
    if first.ok {
        return Verifier {
            status: Status::Pass,
            errno: None,
            error: None,
            insns_processed: first.verified_insns.filter(|&n| n > 0).or(processed),
            verification_time_us: time,
            failed_insn: None,
            source_line: None,
            log_tail: Vec::new(),
        };
    }
    // Rejected: load again with the instruction-level log to find where (the kernel keeps the
    // tail of an overlong log, which is the part that matters).
    let mut big = vec![0u8; 8 << 20];
    let second = load_one(
        src,
        parsed,
        &p.name,
        BPF_LOG_LEVEL1 | BPF_LOG_STATS,
        &mut big,
    );
    let log = if second.log.trim().is_empty() {
        &first.log
    } else {
        &second.log
    };
    let f = analyze(log);
    let mut tail: Vec<String> = log
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty() && !is_stats_line(l))
        .map(str::to_string)
        .collect();
    if tail.is_empty() {
        // Refused before the verifier ran (EPERM, bad attach target): libbpf says why. Its
        // memlock advice is stale since Linux 5.11 (memcg accounting) and misleads here.
        tail = first
            .libbpf
            .iter()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty() && !l.contains("ulimit -l"))
            .collect();
    }
    let tail = tail[tail.len().saturating_sub(12)..].to_vec();
    let mut error = f.error.join("; ");
    if error.is_empty() {
        // libbpf's first line about this program is its reason; later ones are consequences.
        let about = format!("prog '{}': ", p.name);
        error = first
            .libbpf
            .iter()
            .find_map(|l| l.split_once(&about).map(|(_, r)| r.trim().to_string()))
            .or(first.error.clone())
            .unwrap_or_else(|| "load failed".into());
        if first.errno == Some(libc::EPERM) && caps::is_root() {
            error.push_str(&format!(
                "; refused although running as root: lockdown ({}) or an LSM forbids it",
                probes.lockdown().mode.as_deref().unwrap_or("mode unknown")
            ));
        }
    }
    let source_line = f
        .insn
        .and_then(|i| source_line(parsed, p, i))
        .or(f.kernel_line);
    Verifier {
        status: Status::Fail,
        errno: first.errno,
        error: Some(error),
        insns_processed: processed.or(stats(log).0),
        verification_time_us: time,
        failed_insn: f.insn,
        source_line,
        log_tail: tail,
    }
}

pub(crate) fn check_verifier(
    src: &ObjectSource,
    parsed: &ParsedObject,
    probes: &Probes,
    programs: &mut [ProgramVerdict],
) -> Check {
    let info = &parsed.info;
    if !info.elf.native_endian {
        return Check::from_details(
            "verifier",
            String::new(),
            vec![Detail::new(
                Status::Fail,
                "not run: a foreign-endian object cannot be loaded on this machine",
            )],
        );
    }
    if let Some(why) = probes.cannot_probe() {
        return Check::from_details(
            "verifier",
            String::new(),
            vec![Detail::new(Status::Fail, format!("not run: {why}"))],
        );
    }
    let mut d = Vec::new();
    for pv in programs.iter_mut() {
        let Some(p) = loadable(info).find(|p| p.name == pv.name) else {
            continue;
        };
        let v = verify_program(src, parsed, probes, p);
        let msg = match v.status {
            Status::Pass => format!(
                "{}: verified, {} instructions processed in {} us",
                p.name,
                v.insns_processed
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "?".into()),
                v.verification_time_us
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "?".into())
            ),
            _ => {
                let at = match (&v.failed_insn, &v.source_line) {
                    (Some(i), Some(s)) => format!(
                        " at insn {i} ({}:{} `{}`)",
                        s.file.rsplit('/').next().unwrap_or(&s.file),
                        s.line,
                        s.text
                    ),
                    (Some(i), None) => format!(" at insn {i}"),
                    _ => String::new(),
                };
                format!(
                    "{}: rejected{at}: {}",
                    p.name,
                    v.error.as_deref().unwrap_or("load failed")
                )
            }
        };
        let mut det = Detail::new(v.status, msg).program(p.name.clone());
        det.insn = v.failed_insn;
        d.push(det);
        pv.verifier = Some(v);
    }
    let n = d.len();
    Check::from_details(
        "verifier",
        format!(
            "{} loaded and verified on the running kernel, then released",
            plural(n, "program", "programs")
        ),
        d,
    )
}
