//! `x0bpf guard start|status|unblock|stop`: an autonomic XDP defence loop (docs/GUARD.md).
//!
//! Monitor (one batch read of xdp_guard's per-source counters), Analyse and Plan (pure:
//! `obj::guard`), Execute (blocklist updates, one atomic map update per entry), with the
//! Knowledge in pinned maps of the object `guard-<IFACE>`: blocklist with expiry, offender
//! history, and the running loop's pid. xdp_guard enforces the blocklist (expiry included) on
//! its own, so a loop that dies leaves the interface protected, and a new loop resumes.
use std::collections::HashMap;
use std::io::{self, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::attach::{self, xdp};
use crate::error::{ErrorKind, X0Error};
use crate::maps::batch::read_all;
use crate::obj::guard::{
    self as pol, Action, Blocked, Decision, Engine, Offender, Policy, Prefix, Sample,
};
use crate::output::{table, Report};
use crate::store::{self, Access, Store};
use crate::stream::{self, Out};
use crate::sys::{bpf, caps, map as sysmap, process};
use crate::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub cmd: GuardCmd,
}

#[derive(Debug, clap::Subcommand)]
pub enum GuardCmd {
    /// Attach xdp_guard to IFACE and run the loop in the foreground until Ctrl-C or SIGTERM
    /// (the blocklist stays enforced after it exits)
    Start(StartArgs),
    /// Blocklist with expiry and drop counts, and whether a loop runs (every guard, or IFACE's)
    Status(StatusArgs),
    /// Remove a prefix from the blocklist (of every guard, or of --dev IFACE)
    Unblock(UnblockArgs),
    /// Stop IFACE's loop (SIGTERM, then wait), detach and unload: nothing is left behind
    Stop(StopArgs),
}

#[derive(Debug, clap::Args)]
pub struct StartArgs {
    /// Interface to guard
    #[arg(add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::ifaces))]
    pub iface: String,
    /// Policy file (TOML; see docs/GUARD.md); flags below override it. Defaults of the fields
    /// without a flag: relative 0 (off), baseline_alpha 0.1, backoff 2, max_ttl 3600,
    /// forget_after 3600, prefix_sources 4
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Decide and log, never block; leaves the interface as it found it (a guard it had to
    /// set up is detached and unloaded at the end)
    #[arg(long, conflicts_with = "replace")]
    pub dry_run: bool,
    /// Take the interface over from another XDP program (replaced atomically; not with
    /// --dry-run)
    #[arg(long)]
    pub replace: bool,
    /// XDP attach mode
    #[arg(long, value_enum, default_value = "auto")]
    pub mode: xdp::Mode,
    /// End the loop after this long, as Ctrl-C would (`0`: set up, one round, exit) [default:
    /// until Ctrl-C or SIGTERM]
    #[arg(long, value_name = "D", value_parser = super::tail::parse_duration)]
    pub duration: Option<Duration>,
    // The defaults are in the help text, not clap `default_value`s: a flag given overrides the
    // policy file, a flag left out must not (tests/guard.rs checks them against Policy).
    /// Packets per second per source (0: off) [default: 10000, or the policy file's]
    #[arg(long, value_name = "N")]
    pub pps: Option<u64>,
    /// Bits per second per source (0: off) [default: 0, or the policy file's]
    #[arg(long, value_name = "N")]
    pub bps: Option<u64>,
    /// TCP SYNs per second per source (0: off) [default: 1000, or the policy file's]
    #[arg(long, value_name = "N")]
    pub syn_rate: Option<u64>,
    /// Seconds a first block lasts (repeat offenders: times backoff each time) [default: 60,
    /// or the policy file's]
    #[arg(long, value_name = "SECS")]
    pub ttl: Option<u64>,
    /// Seconds between two rounds of the loop [default: 1, or the policy file's]
    #[arg(long, value_name = "SECS")]
    pub interval: Option<f64>,
    /// Seconds over which rates are measured [default: 3 (at least --interval), or the
    /// policy file's]
    #[arg(long, value_name = "SECS")]
    pub window: Option<f64>,
    /// Never block this prefix (repeatable; adds to the policy file's allow list)
    #[arg(long, value_name = "PREFIX")]
    pub allow: Vec<String>,
    /// At most this many blocklist entries [default: 1024, or the policy file's]
    #[arg(long, value_name = "N")]
    pub max_blocked: Option<usize>,
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Only this interface's guard
    #[arg(add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::ifaces))]
    pub iface: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct UnblockArgs {
    /// The prefix as it is in the blocklist (`10.0.0.7`, `10.0.0.0/24`, `2001:db8::/64`)
    pub prefix: String,
    /// Only the guard of this interface
    #[arg(long, value_name = "IFACE", add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::ifaces))]
    pub dev: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct StopArgs {
    /// Interface whose guard to stop and remove
    #[arg(add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::ifaces))]
    pub iface: String,
}

pub const OBJECT_PREFIX: &str = "guard-";
/// The embedded object and its program.
const EMBEDDED: &str = "xdp_guard";

/// Interface names may hold characters pins may not (`rt.a`): those become `_`. Only a
/// readable part of the name: the key is the ifindex and namespace after it.
fn pin_safe(iface: &str) -> String {
    iface
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Store name of the guard of one interface: `guard-IFNAME-IFINDEX-NETNSINODE`, keyed like
/// the attachment records (`xdp@IFNAME@IFINDEX@NETNSINODE`) by network-namespace inode and
/// ifindex, never by the (lossy, namespace-less) name alone: `rtg0` in two namespaces, or
/// `rt.a` beside `rt_a`, are different guards. At most 6 + 15 + 1 + 10 + 1 + 20 = 53 bytes.
pub fn object_name(iface: &str, ifindex: u32, netns: u64) -> String {
    format!("{OBJECT_PREFIX}{}-{ifindex}-{netns}", pin_safe(iface))
}

/// The (ifindex, netns inode) a guard's store name holds (see `object_name`); None for a
/// name of an older x0bpf (`guard-IFACE`), whose interface only its records tell.
pub fn key_of_name(name: &str) -> Option<(u32, u64)> {
    let rest = name.strip_prefix(OBJECT_PREFIX)?;
    let mut it = rest.rsplitn(3, '-');
    let ns = it.next()?;
    let ifindex = it.next()?;
    let head = it.next()?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if head.is_empty() || !digits(ns) || !digits(ifindex) {
        return None;
    }
    Some((ifindex.parse().ok()?, ns.parse().ok()?))
}

/// The name an older x0bpf gave IFACE's guard (`guard-IFACE`, folded): such objects are still
/// found, through their attachment records.
fn legacy_name(iface: &str) -> String {
    format!("{OBJECT_PREFIX}{}", pin_safe(iface))
}

/// The XDP records of an object, as their names say (no kernel query).
fn xdp_records(dir: &Path) -> Vec<store::record::Record> {
    store::entries(&dir.join("links"))
        .into_iter()
        .filter_map(|(n, _)| store::record::Record::parse(&n))
        .filter(|r| r.kind.starts_with("xdp"))
        .collect()
}

/// Where IFACE is: the interface as the kernel has it in this network namespace (`link`,
/// None when it is gone), under the name the user gave, in namespace `ns`.
struct Target<'a> {
    iface: &'a str,
    link: Option<&'a crate::sys::netlink::Link>,
    ns: u64,
}

impl Target<'_> {
    /// Whether the guard object `name` (in `dir`) is this interface's.
    /// - A keyed name (`guard-…-IFINDEX-NETNS`): its key is this interface's (ifindex and
    ///   namespace); for an interface that is gone, its namespace is this one and its records
    ///   (or, with none, its name) say this interface name, the ifindex no longer in use.
    /// - An older `guard-IFACE` name that is a guard: its XDP records are on this interface
    ///   (ifindex and namespace; gone: the recorded name in this namespace); with no record
    ///   at all, only when the name is exactly `guard-IFACE` with nothing folded.
    fn owns(&self, name: &str, dir: &Path) -> bool {
        let recs = xdp_records(dir);
        let rec_here = |r: &store::record::Record| match self.link {
            Some(l) => r.ifindex == Some(l.ifindex) && r.netns == Some(self.ns),
            None => r.ifname.as_deref() == Some(self.iface) && r.netns == Some(self.ns),
        };
        match key_of_name(name) {
            Some((ifindex, ns)) => match self.link {
                Some(l) => ifindex == l.ifindex && ns == self.ns,
                None => {
                    ns == self.ns
                        && if recs.is_empty() {
                            name == object_name(self.iface, ifindex, ns)
                                && crate::sys::netlink::get_link_by_index(ifindex)
                                    .is_ok_and(|l| l.is_none())
                        } else {
                            recs.iter().any(rec_here)
                        }
                }
            },
            None => {
                is_guard_object(dir)
                    && if recs.is_empty() {
                        name == legacy_name(self.iface) && pin_safe(self.iface) == self.iface
                    } else {
                        recs.iter().any(rec_here)
                    }
            }
        }
    }
}

/// The guard object of `t` in the store, if any. Several (only possible for an interface that
/// is gone, or objects of an older x0bpf): a conflict naming them, since acting on the wrong
/// one would tear down another interface's guard.
fn find_guard(store: &Store, t: &Target<'_>) -> Result<Option<String>, X0Error> {
    let mut found: Vec<String> = store
        .names()
        .into_iter()
        .filter(|n| n.starts_with(OBJECT_PREFIX))
        .filter(|n| t.owns(n, &store.dir(n)))
        .collect();
    // A keyed name is the interface's own; an older object beside it is reported by status.
    if let Some(k) = found
        .iter()
        .find(|n| key_of_name(n).is_some() && t.link.is_some())
    {
        return Ok(Some(k.clone()));
    }
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.pop()),
        _ => Err(X0Error::new(
            ErrorKind::Conflict,
            format!(
                "several guard objects belong to {}: {}",
                t.iface,
                found.join(", ")
            ),
        )
        .hint("see `x0bpf guard status`; remove the one to go with `x0bpf unload NAME`")),
    }
}

/// The interface IFACE names in this network namespace, and the namespace: what `stop`,
/// `status IFACE` and `unblock --dev` look a guard up by. An interface that is gone still
/// finds its guard through the records (see `Target::owns`).
fn locate(iface: &str) -> Result<(Option<crate::sys::netlink::Link>, u64), X0Error> {
    let ns =
        crate::sys::ns::netns_inode().map_err(|e| X0Error::os("reading network namespace", &e))?;
    Ok((attach::resolve_iface(iface).ok(), ns))
}

fn no_guard(iface: &str) -> X0Error {
    X0Error::new(
        ErrorKind::NotAttached,
        format!("no guard on {iface} in this network namespace"),
    )
    .hint("see `x0bpf guard status` (a guard of another namespace needs --netns NAME)")
}

/// Whether the object in `dir` is a guard (xdp_guard's program and maps pinned), not another
/// object that merely took a `guard-…` name: guard commands never touch anything else.
fn is_guard_object(dir: &Path) -> bool {
    let has = |p: &str| std::fs::symlink_metadata(dir.join(p)).is_ok_and(|m| !m.is_symlink());
    has("progs/xdp_guard") && has("maps/blocklist") && has("maps/state") && has("maps/sources")
}

fn not_a_guard(name: &str) -> X0Error {
    X0Error::new(
        ErrorKind::Conflict,
        format!("the object loaded as {name} is not a guard (no xdp_guard program and maps)"),
    )
    .hint(format!(
        "it was loaded under that name by `x0bpf load`: `x0bpf unload {name}` removes it"
    ))
}

pub fn run(a: &Args, ctx: &Ctx) -> anyhow::Result<i32> {
    match &a.cmd {
        GuardCmd::Start(s) => start(s, ctx),
        GuardCmd::Status(s) => {
            let r = status(s, ctx)?;
            crate::output::emit("guard status", &r, ctx.fmt)?;
            Ok(0)
        }
        GuardCmd::Unblock(u) => {
            let r = unblock(u, ctx)?;
            crate::output::emit("guard unblock", &r, ctx.fmt)?;
            Ok(0)
        }
        GuardCmd::Stop(s) => {
            let r = stop(s, ctx)?;
            crate::output::emit("guard stop", &r, ctx.fmt)?;
            Ok(0)
        }
    }
}

// ---------------------------------------------------------------- policy

fn policy_error(origin: &str, e: pol::PolicyError) -> X0Error {
    X0Error::new(ErrorKind::Usage, format!("policy {origin}: {e}"))
        .hint("see docs/GUARD.md for the fields and their ranges")
}

/// A policy is small: more than this is not one.
const MAX_POLICY: u64 = 1 << 20;

/// Read a policy file: a regular file (a FIFO or device would block or never end) of at most
/// 1 MiB, UTF-8. Every refusal is a usage error (exit 2).
fn read_policy_file(f: &Path) -> Result<String, X0Error> {
    use crate::sys::file::{self, ReadError};
    let usage = |m: String| {
        X0Error::new(ErrorKind::Usage, m).hint("--policy takes a TOML file (docs/GUARD.md)")
    };
    let cannot = |e: std::io::Error| usage(format!("cannot read policy {}: {e}", f.display()));
    let bytes = file::read_regular(f, MAX_POLICY).map_err(|e| match e {
        ReadError::Open(e) | ReadError::Io(e) => cannot(e),
        ReadError::NotRegular(_) => usage(format!("policy {} is not a regular file", f.display())),
        ReadError::TooLarge => usage(format!(
            "policy {} is larger than {} KiB",
            f.display(),
            MAX_POLICY >> 10
        )),
    })?;
    file::utf8(bytes).map_err(cannot)
}

/// The policy file (if any) with the flags over it, validated. Nothing is touched before.
pub fn build_policy(s: &StartArgs) -> Result<Policy, X0Error> {
    let (mut p, origin) = match &s.policy {
        Some(f) => {
            let text = read_policy_file(f)?;
            let origin = f.display().to_string();
            (
                Policy::from_toml(&text).map_err(|e| policy_error(&origin, e))?,
                origin,
            )
        }
        None => (Policy::default(), "(flags)".to_string()),
    };
    if let Some(v) = s.pps {
        p.pps = v;
    }
    if let Some(v) = s.bps {
        p.bps = v;
    }
    if let Some(v) = s.syn_rate {
        p.syn_rate = v;
    }
    if let Some(v) = s.ttl {
        p.ttl = v;
        // A short --ttl with the default max_ttl stays valid; a long one lifts the cap.
        p.max_ttl = p.max_ttl.max(v);
    }
    if let Some(v) = s.interval {
        p.interval = v;
        if s.window.is_none() && p.window < v {
            p.window = v;
        }
    }
    if let Some(v) = s.window {
        p.window = v;
    }
    if let Some(v) = s.max_blocked {
        p.max_blocked = v;
    }
    for (i, a) in s.allow.iter().enumerate() {
        let pre = Prefix::parse(a).map_err(|m| {
            policy_error(
                &origin,
                pol::PolicyError {
                    field: format!("--allow #{}", i + 1),
                    message: m,
                },
            )
        })?;
        p.allow.push(pre);
    }
    p.validate().map_err(|e| policy_error(&origin, e))?;
    Ok(p)
}

// ---------------------------------------------------------------- maps

/// The pinned maps of one guard object, opened by path (never through a symlink) and held by fd, so the loop needs no privilege for the pin directory later.
struct Maps {
    sources: OwnedFd,
    blocklist: OwnedFd,
    allowlist: OwnedFd,
    offenders: OwnedFd,
    state: OwnedFd,
}

fn open_map(dir: &Path, name: &str, key: usize, val: usize) -> Result<OwnedFd, X0Error> {
    let p = dir.join("maps").join(name);
    // BPF_OBJ_GET follows symlinks: a pin replaced by a link to another map would have the loop
    // delete that map's entries (allowlist sync, offender pruning). The directory itself is
    // trusted (Store::open), so checking the entry is enough.
    if std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_symlink()) {
        return Err(X0Error::new(
            ErrorKind::Permission,
            format!(
                "{} is a symbolic link, not a pinned map: refusing to use it",
                p.display()
            ),
        )
        .hint("remove the link (and `x0bpf guard stop` to start over)"));
    }
    let fd = bpf::obj_get(&p)
        .map_err(|e| X0Error::os(format!("opening pinned map {}", p.display()), &e))?;
    let info = bpf::map_info(fd.as_fd())
        .map_err(|e| X0Error::os(format!("querying pinned map {}", p.display()), &e))?;
    if info.key_size as usize != key || info.value_size as usize != val {
        return Err(X0Error::new(
            ErrorKind::InvalidObject,
            format!(
                "{} has another layout than this x0bpf's xdp_guard (loaded by an older x0bpf?)",
                p.display()
            ),
        )
        .hint(
            "remove it with `x0bpf guard stop IFACE` (or `x0bpf unload NAME`), then start again",
        ));
    }
    Ok(fd)
}

const SRC_KEY: usize = 16;
const SRC_VAL: usize = 24;
const LPM_KEY: usize = 20;
const BLOCK_VAL: usize = 32;
const OFFENDER_VAL: usize = 24;
const STATE_VAL: usize = 32;

impl Maps {
    fn open(dir: &Path) -> Result<Maps, X0Error> {
        Ok(Maps {
            sources: open_map(dir, "sources", SRC_KEY, SRC_VAL)?,
            blocklist: open_map(dir, "blocklist", LPM_KEY, BLOCK_VAL)?,
            allowlist: open_map(dir, "allowlist", LPM_KEY, 4)?,
            offenders: open_map(dir, "offenders", LPM_KEY, OFFENDER_VAL)?,
            state: open_map(dir, "state", 4, STATE_VAL)?,
        })
    }
}

fn u64_at(b: &[u8], i: usize) -> u64 {
    u64::from_ne_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]))
}

fn kerr(what: &str, e: io::Error) -> X0Error {
    X0Error::os(what.to_string(), &e)
}

/// Every key of a map, walked with GET_NEXT_KEY (the LPM trie and small hashes: bounded by
/// their max_entries).
fn keys(fd: BorrowedFd<'_>, key_size: usize, limit: usize) -> io::Result<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    let mut cur: Option<Vec<u8>> = None;
    let mut next = vec![0u8; key_size];
    while out.len() < limit {
        if !sysmap::next_key(fd, cur.as_deref(), &mut next)? {
            break;
        }
        out.push(next.clone());
        cur = Some(next.clone());
    }
    Ok(out)
}

/// One source's value: per-CPU copies (8-byte aligned, one per possible CPU), summed.
fn sum_percpu(addr_key: &[u8], v: &[u8], ncpu: usize) -> Sample {
    let mut addr = [0u8; 16];
    addr.copy_from_slice(&addr_key[..16]);
    let mut s = Sample {
        addr,
        ..Default::default()
    };
    for c in 0..ncpu {
        let o = c * SRC_VAL;
        s.packets = s.packets.wrapping_add(u64_at(v, o));
        s.bytes = s.bytes.wrapping_add(u64_at(v, o + 8));
        s.syns = s.syns.wrapping_add(u64_at(v, o + 16));
    }
    s
}

/// Monitor: the per-source counters in one batch walk (`maps::batch::read_all`: one syscall
/// per batch, a key walk on kernels without batch operations for hash maps).
fn read_sources(fd: BorrowedFd<'_>) -> Result<Vec<Sample>, X0Error> {
    let e = read_all(fd).map_err(|e| kerr("reading the sources map", e))?;
    let ncpu = sysmap::possible_cpus().max(1);
    Ok((0..e.len)
        .map(|i| sum_percpu(e.key(i), e.value(i), ncpu))
        .collect())
}

/// The blocklist as it is (expired entries included: the loop removes them).
fn read_blocklist(fd: BorrowedFd<'_>) -> Result<Vec<(Blocked, u64)>, X0Error> {
    let e = read_all(fd).map_err(|e| kerr("reading the blocklist", e))?;
    Ok((0..e.len)
        .filter_map(|i| {
            let (k, v) = (e.key(i), e.value(i));
            let prefix = Prefix::from_key(k)?;
            Some((
                Blocked {
                    prefix,
                    expires_ns: u64_at(v, 0),
                    drops: u64_at(v, 8),
                },
                u64_at(v, 24),
            ))
        })
        .collect())
}

fn read_offenders(fd: BorrowedFd<'_>) -> Result<HashMap<Prefix, Offender>, X0Error> {
    let e = read_all(fd).map_err(|e| kerr("reading offenders", e))?;
    Ok((0..e.len)
        .filter_map(|i| {
            let (k, v) = (e.key(i), e.value(i));
            let prefix = Prefix::from_key(k)?;
            Some((
                prefix,
                Offender {
                    strikes: u32::from_ne_bytes(v[0..4].try_into().unwrap_or([0; 4])),
                    last_ns: u64_at(v, 8),
                    last_ttl_s: u64_at(v, 16),
                },
            ))
        })
        .collect())
}

#[derive(Debug, Clone, Copy, Default)]
struct LoopState {
    pid: u32,
    /// Set by `guard stop` before its SIGTERM: the removal is stop's, not the loop's.
    stopping: bool,
    pid_start: u64,
    started_ns: u64,
    decisions: u64,
}

fn read_state(fd: BorrowedFd<'_>) -> LoopState {
    let mut v = [0u8; STATE_VAL];
    if !matches!(
        sysmap::lookup(fd, Some(&0u32.to_ne_bytes()), &mut v),
        Ok(true)
    ) {
        return LoopState::default();
    }
    LoopState {
        pid: u32::from_ne_bytes(v[0..4].try_into().unwrap_or([0; 4])),
        stopping: v[4..8] != [0; 4],
        pid_start: u64_at(&v, 8),
        started_ns: u64_at(&v, 16),
        decisions: u64_at(&v, 24),
    }
}

fn write_state(fd: BorrowedFd<'_>, s: &LoopState) -> io::Result<()> {
    let mut v = [0u8; STATE_VAL];
    v[0..4].copy_from_slice(&s.pid.to_ne_bytes());
    v[4..8].copy_from_slice(&u32::from(s.stopping).to_ne_bytes());
    v[8..16].copy_from_slice(&s.pid_start.to_ne_bytes());
    v[16..24].copy_from_slice(&s.started_ns.to_ne_bytes());
    v[24..32].copy_from_slice(&s.decisions.to_ne_bytes());
    sysmap::update(fd, Some(&0u32.to_ne_bytes()), &v, 0)
}

impl LoopState {
    /// The recorded loop still runs: that pid, started at that time, and holding this `state`
    /// map (so a forged or otherwise wrong record never makes `stop` signal another process).
    fn running(&self, state: BorrowedFd<'_>) -> bool {
        if !process::alive(self.pid, self.pid_start) {
            return false;
        }
        match bpf::map_info(state) {
            Ok(i) => process::holds_map(self.pid, i.id) != Some(false),
            Err(_) => true,
        }
    }
}

/// Execute one decision on the maps. Each is one map update or delete, which the kernel
/// applies whole, so a loop killed at any point leaves every entry either old or new.
fn execute(m: &Maps, d: &Decision, now_ns: u64) -> Result<(), X0Error> {
    let key = d.prefix.key();
    match d.action {
        Action::Block => {
            let mut v = [0u8; BLOCK_VAL];
            v[0..8].copy_from_slice(&d.expires_ns.unwrap_or(now_ns).to_ne_bytes());
            v[24..32].copy_from_slice(&now_ns.to_ne_bytes());
            // The offender first: killed between the two, the next block is only longer.
            let mut o = [0u8; OFFENDER_VAL];
            o[0..4].copy_from_slice(&d.strikes.to_ne_bytes());
            o[8..16].copy_from_slice(&now_ns.to_ne_bytes());
            o[16..24].copy_from_slice(&d.ttl_s.unwrap_or(0).to_ne_bytes());
            // A full history map must not stop blocking: the block goes in, only its backoff
            // memory is lost (forgotten prefixes are pruned every round, so this is rare).
            if let Err(e) = sysmap::update(m.offenders.as_fd(), Some(&key), &o, 0) {
                eprintln!(
                    "x0bpf: warning: offender history of {} not kept: {e}",
                    d.prefix
                );
            }
            sysmap::update(m.blocklist.as_fd(), Some(&key), &v, 0)
                .map_err(|e| kerr(&format!("adding {} to the blocklist", d.prefix), e))?;
        }
        Action::Expire => {
            sysmap::delete(m.blocklist.as_fd(), &key)
                .map_err(|e| kerr(&format!("removing {} from the blocklist", d.prefix), e))?;
        }
        Action::Allowlisted | Action::Limit => {}
    }
    Ok(())
}

/// Forget prefixes whose last block is older than `forget_after` and that are not in the
/// blocklist now (the decision is `obj::guard::prune_offenders`, pure): they would start at
/// `ttl` again anyway, and the history map stays bounded.
fn prune_offenders(
    m: &Maps,
    policy: &Policy,
    now: u64,
    blocked: &[Blocked],
    offenders: &mut HashMap<Prefix, Offender>,
) {
    for p in pol::prune_offenders(now, policy.forget_after, blocked, offenders) {
        // A failed delete keeps the entry: retried next round.
        if sysmap::delete(m.offenders.as_fd(), &p.key()).is_ok() {
            offenders.remove(&p);
        }
    }
}

fn sync_allowlist(m: &Maps, allow: &[Prefix]) -> Result<(), X0Error> {
    for k in keys(m.allowlist.as_fd(), LPM_KEY, pol::MAP_MAX_ALLOWED * 2)
        .map_err(|e| kerr("reading the allowlist", e))?
    {
        if !allow.iter().any(|p| p.key()[..] == k[..]) {
            sysmap::delete(m.allowlist.as_fd(), &k)
                .map_err(|e| kerr("updating the allowlist", e))?;
        }
    }
    for p in allow {
        sysmap::update(m.allowlist.as_fd(), Some(&p.key()), &1u32.to_ne_bytes(), 0)
            .map_err(|e| kerr("updating the allowlist", e))?;
    }
    Ok(())
}

// ---------------------------------------------------------------- start

/// One line of the decision log.
#[derive(Serialize, Clone)]
pub struct DecisionLine {
    pub time: String,
    pub time_unix_ms: i64,
    pub interface: String,
    pub source: String,
    pub action: &'static str,
    pub metric: Option<&'static str>,
    pub rate: Option<f64>,
    pub threshold: Option<f64>,
    pub ttl_s: Option<u64>,
    pub strikes: u32,
    pub sources: usize,
    pub dry_run: bool,
}

fn unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl DecisionLine {
    fn text(&self) -> String {
        let mut s = format!(
            "{} {} {}{} {}",
            self.time,
            self.interface,
            self.action,
            if self.dry_run { " (dry run)" } else { "" },
            self.source
        );
        if let (Some(m), Some(r), Some(t)) = (self.metric, self.rate, self.threshold) {
            s.push_str(&format!(" {m} {r:.0} > {t:.0}"));
        }
        if self.sources > 1 {
            s.push_str(&format!(" ({} sources)", self.sources));
        }
        if let Some(t) = self.ttl_s {
            s.push_str(&format!(" ttl {t}s strike {}", self.strikes));
        }
        s
    }
}

#[derive(Serialize)]
struct StartHeader<'a> {
    interface: &'a str,
    object: &'a str,
    program_id: u32,
    resumed: bool,
    dry_run: bool,
    blocked: usize,
    policy: PolicyView,
    records: &'static str,
}

#[derive(Serialize)]
pub struct PolicyView {
    pub interval: f64,
    pub window: f64,
    pub pps: u64,
    pub bps: u64,
    pub syn_rate: u64,
    pub relative: f64,
    pub baseline_alpha: f64,
    pub ttl: u64,
    pub backoff: f64,
    pub max_ttl: u64,
    pub forget_after: u64,
    pub max_blocked: usize,
    pub prefix_sources: usize,
    pub allow: Vec<String>,
}

impl From<&Policy> for PolicyView {
    fn from(p: &Policy) -> PolicyView {
        PolicyView {
            interval: p.interval,
            window: p.window,
            pps: p.pps,
            bps: p.bps,
            syn_rate: p.syn_rate,
            relative: p.relative,
            baseline_alpha: p.baseline_alpha,
            ttl: p.ttl,
            backoff: p.backoff,
            max_ttl: p.max_ttl,
            forget_after: p.forget_after,
            max_blocked: p.max_blocked,
            prefix_sources: p.prefix_sources,
            allow: p.allow.iter().map(|a| a.to_string()).collect(),
        }
    }
}

fn start(s: &StartArgs, ctx: &Ctx) -> anyhow::Result<i32> {
    // Everything that can be wrong with the command line is checked before the store opens:
    // an invalid policy attaches nothing.
    let policy = build_policy(s)?;
    let link = attach::resolve_iface(&s.iface)?;
    let store = Store::open(ctx, Access::Write)?;
    let ns =
        crate::sys::ns::netns_inode().map_err(|e| X0Error::os("reading network namespace", &e))?;
    // This interface's guard if one is loaded (an older x0bpf's `guard-IFACE` included: it is
    // resumed), else a new one under the keyed name.
    let t = Target {
        iface: &link.name,
        link: Some(&link),
        ns,
    };
    let name = find_guard(&store, &t)?.unwrap_or_else(|| object_name(&link.name, link.ifindex, ns));
    let mut resumed = false;
    // What a dry run found, to leave exactly that behind it.
    let loaded_before = store.is_loaded(&name);
    if loaded_before {
        let dir = store.dir(&name);
        if !is_guard_object(&dir) {
            return Err(not_a_guard(&name).into());
        }
        let m = Maps::open(&dir)?;
        let st = read_state(m.state.as_fd());
        if st.running(m.state.as_fd()) {
            return Err(X0Error::new(
                ErrorKind::Conflict,
                format!(
                    "a guard loop already runs on {} (pid {})",
                    link.name, st.pid
                ),
            )
            .hint(format!(
                "see `x0bpf guard status {0}`; stop it with `x0bpf guard stop {0}`",
                link.name
            ))
            .into());
        }
        let here = |r: &store::record::Record| {
            r.kind.starts_with("xdp") && r.ifindex == Some(link.ifindex) && r.netns == Some(ns)
        };
        if attach::object_live_where(&store, &name, here) {
            resumed = true;
        } else if attach::object_live_where(&store, &name, |r| r.kind.starts_with("xdp")) {
            return Err(X0Error::new(
                ErrorKind::Conflict,
                format!(
                    "{name} is attached to another interface (its ifindex was reused after the interface went)"
                ),
            )
            .hint("see `x0bpf list`; remove it with `x0bpf guard stop IFACE` there")
            .into());
        }
    }
    let prog_id = if !resumed {
        let h = attach::resolve_prog(&store, EMBEDDED, Some(&name), &["xdp"], "xdp")?;
        let opts = xdp::AttachOptions {
            mode: s.mode,
            replace: s.replace,
            expect_id: None,
        };
        if let Err(e) = xdp::attach(&store, &link, &h, &opts) {
            h.rollback();
            return Err(e.into());
        }
        h.id
    } else {
        link.xdp
            .prog_id
            .or(link.xdp.drv_prog_id)
            .or(link.xdp.skb_prog_id)
            .unwrap_or(0)
    };
    let dir = store.dir(&name);
    let m = Maps::open(&dir)?;
    // A dry run blocks nothing, so the kernel's allowlist is not its business: it plans with
    // the policy's, and a guard it found keeps its own.
    if !s.dry_run {
        sync_allowlist(&m, &policy.allow)?;
    }
    let me = std::process::id();
    let mut st = LoopState {
        pid: me,
        stopping: false,
        pid_start: process::start_time(me).unwrap_or(0),
        started_ns: process::boottime_ns(),
        // The count goes on across restarts: it is the object's, not this process's.
        decisions: read_state(m.state.as_fd()).decisions,
    };
    write_state(m.state.as_fd(), &st).map_err(|e| kerr("recording the loop's pid", e))?;
    let blocked_now = read_blocklist(m.blocklist.as_fd())?.len();
    if let Some(n) = &store.note {
        eprintln!("x0bpf: note: {n}");
    }
    // The store lock is for setup only: the loop must not keep attach/detach waiting.
    // Before the lock goes: a `guard stop` (which needs the lock) then always finds the
    // handlers in place, and Ctrl-C during setup still ends the command at once.
    stream::install_stop_signals();
    drop(store);
    // A dry run that set the guard up takes it down at the end: detaching and unpinning need
    // what setup needed (netlink and links, bpffs, the store's mount namespace).
    let undo = s.dry_run && !resumed;
    // From here on the loop only uses the map fds it holds: every other power goes.
    // CAP_BPF stays for kernels before 6.5, which check it on map operations too.
    let keep: &[&str] = if undo {
        &[
            "CAP_BPF",
            "CAP_NET_ADMIN",
            "CAP_SYS_ADMIN",
            "CAP_DAC_OVERRIDE",
        ]
    } else {
        &["CAP_BPF"]
    };
    if let Err(e) = caps::keep_only(
        &keep
            .iter()
            .filter_map(|c| caps::by_name(c))
            .collect::<Vec<_>>(),
    ) {
        eprintln!("x0bpf: warning: could not drop capabilities: {e}");
    }
    let res = run_loop(
        link.ifindex,
        s,
        ctx,
        &policy,
        &link.name,
        &name,
        prog_id,
        resumed,
        blocked_now,
        &m,
        &mut st,
    );
    // Whatever ended the loop, it is no longer running (unless another took its place).
    // `stopping`: `guard stop` signalled us and removes the guard itself once we are gone (it
    // holds the store lock meanwhile), so there is nothing to undo and nothing to hint at.
    let cur = read_state(m.state.as_fd());
    let ours = cur.pid == me && !cur.stopping;
    if cur.pid == me {
        st.pid = 0;
        st.stopping = false;
        let _ = write_state(m.state.as_fd(), &st);
    }
    let mut left = ours;
    // Also after a failed loop: a dry run leaves nothing behind in any case.
    let undone = if undo && ours {
        // Our fds too: the unload checks that the kernel released the maps.
        drop(m);
        left = loaded_before;
        undo_setup(ctx, &name, loaded_before, &link.name)
    } else {
        Ok(())
    };
    let (reason, n) = res?;
    undone?;
    if !ctx.fmt.json {
        let ifname = &link.name;
        match reason {
            "detached" => eprintln!(
                "x0bpf: xdp_guard is no longer attached to {ifname}: the loop ends after {n} decisions"
            ),
            _ if undo && ours => eprintln!(
                "x0bpf: dry run on {ifname} ended after {n} decisions; the guard it set up is detached{}",
                if loaded_before { " (its object stays loaded, as it was)" } else { " and unloaded" }
            ),
            // Only when something is left for `guard stop` to remove.
            _ if left => eprintln!(
                "{}",
                crate::output::complete_commands(&format!(
                    "x0bpf: guard loop on {ifname} stopped after {n} decisions; the blocklist stays enforced (`x0bpf guard stop {ifname}` removes it)"
                ))
            ),
            _ => eprintln!("x0bpf: guard loop on {ifname} stopped after {n} decisions"),
        }
    }
    Ok(0)
}

/// The end of a dry run that found no guard attached here: detach what it attached and, if
/// it loaded the object too, unload it, so the interface and the store are as they were.
fn undo_setup(ctx: &Ctx, name: &str, loaded_before: bool, ifname: &str) -> Result<(), X0Error> {
    let fail = |e: X0Error| {
        let hint = format!("remove it with `x0bpf guard stop {ifname}`");
        X0Error::new(
            e.kind,
            format!(
                "the dry run could not remove the guard it set up: {}",
                e.message
            ),
        )
        .hint(hint)
    };
    let store = Store::open(ctx, Access::Write).map_err(fail)?;
    // Gone already (`x0bpf unload`, or `guard stop` between two runs): nothing to undo.
    if !store.is_loaded(name) {
        return Ok(());
    }
    let dir = store.dir(name);
    if !is_guard_object(&dir) {
        return Ok(());
    }
    attach::release_all(&dir).map_err(fail)?;
    if !loaded_before {
        store.unpin_object(name).map_err(fail)?;
    }
    Ok(())
}

/// Whether `prog_id` still runs as XDP on `ifindex` (a netlink query: no capability needed).
/// A failed query counts as attached: only a clear answer ends the loop.
fn still_attached(ifindex: u32, prog_id: u32) -> bool {
    match crate::sys::netlink::get_link_by_index(ifindex) {
        Ok(Some(l)) => [
            l.xdp.prog_id,
            l.xdp.drv_prog_id,
            l.xdp.skb_prog_id,
            l.xdp.hw_prog_id,
        ]
        .contains(&Some(prog_id)),
        Ok(None) => false,
        Err(_) => true,
    }
}

#[allow(clippy::too_many_arguments)]
fn run_loop(
    ifindex: u32,
    s: &StartArgs,
    ctx: &Ctx,
    policy: &Policy,
    ifname: &str,
    object: &str,
    prog_id: u32,
    resumed: bool,
    blocked_now: usize,
    m: &Maps,
    st: &mut LoopState,
) -> anyhow::Result<(&'static str, u64)> {
    let json = ctx.fmt.json;
    let mut out = Out::stdout();
    let header = StartHeader {
        interface: ifname,
        object,
        program_id: prog_id,
        resumed,
        dry_run: s.dry_run,
        blocked: blocked_now,
        policy: policy.into(),
        records: "decisions",
    };
    if json {
        stream::header(&mut out, "guard start", &header)?;
    } else {
        writeln!(
            io::stderr(),
            "x0bpf: guarding {ifname} ({object}, program {prog_id}{}{}): pps {} bps {} syn/s {} (0 = off), ttl {}s, every {}s until Ctrl-C",
            if resumed { ", resumed" } else { "" },
            if s.dry_run { ", dry run" } else { "" },
            policy.pps,
            policy.bps,
            policy.syn_rate,
            policy.ttl,
            policy.interval
        )?;
    }
    out.flush()?;
    let mut engine = Engine::new(policy.clone());
    // --dry-run plans against a pretend blocklist, so it logs what a real run would, once.
    let mut pretend: Option<(Vec<Blocked>, HashMap<Prefix, Offender>)> = if s.dry_run {
        Some((
            read_blocklist(m.blocklist.as_fd())?
                .into_iter()
                .map(|b| b.0)
                .collect(),
            read_offenders(m.offenders.as_fd())?,
        ))
    } else {
        None
    };
    let mut n = 0u64;
    let res = (|| -> anyhow::Result<&'static str> {
        let interval = Duration::from_secs_f64(policy.interval);
        let mut next = Instant::now();
        let end = s.duration.map(|d| Instant::now() + d);
        loop {
            // Our program gone from the interface (detached, unloaded, replaced, or the
            // interface deleted): nothing to guard any more.
            if !still_attached(ifindex, prog_id) {
                return Ok("detached");
            }
            // Monitor.
            let now = process::boottime_ns();
            let samples = read_sources(m.sources.as_fd())?;
            let (blocked, offenders) = match &pretend {
                Some((b, o)) => (b.clone(), o.clone()),
                None => {
                    let blocked: Vec<Blocked> = read_blocklist(m.blocklist.as_fd())?
                        .into_iter()
                        .map(|b| b.0)
                        .collect();
                    let mut offenders = read_offenders(m.offenders.as_fd())?;
                    prune_offenders(m, policy, now, &blocked, &mut offenders);
                    (blocked, offenders)
                }
            };
            // Analyse + Plan (pure).
            let decisions = engine.step(now, &samples, &blocked, &offenders);
            // Execute, logging each decision as it is carried out.
            let ms = unix_ms();
            for d in &decisions {
                if let Some((b, o)) = &mut pretend {
                    pol::apply(std::slice::from_ref(d), now, b, o);
                } else {
                    execute(m, d, now)?;
                }
                let line = DecisionLine {
                    time: pol::rfc3339_ms(ms),
                    time_unix_ms: ms,
                    interface: ifname.to_string(),
                    source: d.prefix.to_string(),
                    action: d.action.as_str(),
                    metric: d.metric,
                    rate: d.rate.map(|r| (r * 10.0).round() / 10.0),
                    threshold: d.threshold,
                    ttl_s: d.ttl_s,
                    strikes: d.strikes,
                    sources: d.sources,
                    dry_run: s.dry_run,
                };
                let mut buf = if json {
                    serde_json::to_vec(&line)?
                } else {
                    line.text().into_bytes()
                };
                buf.push(b'\n');
                out.write_all(&buf)?;
                n += 1;
            }
            // A dry run's decisions were not carried out: the guard's count stays as it was.
            // Never over the mark of a `guard stop` (it is about to remove the guard).
            if !decisions.is_empty() {
                out.flush()?;
            }
            if !decisions.is_empty() && !s.dry_run && !read_state(m.state.as_fd()).stopping {
                st.decisions += decisions.len() as u64;
                let _ = write_state(m.state.as_fd(), st);
            }
            next += interval;
            if !stream::sleep_until(end.map_or(next, |e| e.min(next))) {
                return Ok("interrupted");
            }
            if end.is_some_and(|e| Instant::now() >= e) {
                return Ok("duration");
            }
            // Running late (a stopped process, a slow read): start again from now.
            if Instant::now() > next + interval {
                next = Instant::now();
            }
        }
    })();
    let reason = res.as_ref().ok().copied();
    stream::finish(&mut out, n, res, json)?;
    Ok((reason.unwrap_or("interrupted"), n))
}

// ---------------------------------------------------------------- status

#[derive(Serialize)]
pub struct BlockRow {
    pub prefix: String,
    /// Seconds until the entry expires (0 or less: expired, removed at the loop's next round)
    pub expires_in_s: f64,
    pub expired: bool,
    pub drops: u64,
    pub strikes: u32,
    /// Seconds since the guard added it
    pub age_s: f64,
}

#[derive(Serialize)]
pub struct GuardRow {
    pub object: String,
    pub interface: Option<String>,
    pub ifindex: Option<u32>,
    /// Inode of the interface's network namespace (as `xdp@…@NETNSINODE` records say)
    pub netns: Option<u64>,
    pub attached: bool,
    pub mode: Option<String>,
    pub running: bool,
    pub pid: Option<u32>,
    pub running_s: Option<f64>,
    pub decisions: u64,
    pub sources_tracked: usize,
    /// The sources with most packets counted (blocked packets are not counted here)
    pub top_sources: Vec<SourceRow>,
    pub allowlist: usize,
    pub blocklist: Vec<BlockRow>,
}

#[derive(Serialize)]
pub struct SourceRow {
    pub source: String,
    pub packets: u64,
    pub bytes: u64,
    pub syns: u64,
}

/// How many sources `guard status` lists.
const TOP_SOURCES: usize = 10;

#[derive(Serialize)]
pub struct StatusReport {
    pub guards: Vec<GuardRow>,
}

/// Every guard object, or IFACE's (in this network namespace) only.
fn guard_names(store: &Store, iface: Option<&str>) -> Result<Vec<String>, X0Error> {
    match iface {
        None => Ok(store
            .names()
            .into_iter()
            .filter(|n| n.starts_with(OBJECT_PREFIX))
            .filter(|n| is_guard_object(&store.dir(n)))
            .collect()),
        Some(i) => {
            let (link, ns) = locate(i)?;
            let t = Target {
                iface: i,
                link: link.as_ref(),
                ns,
            };
            Ok(find_guard(store, &t)?
                .filter(|n| is_guard_object(&store.dir(n)))
                .into_iter()
                .collect())
        }
    }
}

fn status(a: &StatusArgs, ctx: &Ctx) -> anyhow::Result<StatusReport> {
    let store = Store::open(ctx, Access::Read)?;
    let names = guard_names(&store, a.iface.as_deref())?;
    if names.is_empty() {
        if let Some(i) = &a.iface {
            return Err(no_guard(i)
                .hint(format!(
                    "start one with `x0bpf guard start {i}` (a guard of another namespace needs --netns NAME)"
                ))
                .into());
        }
    }
    let now = process::boottime_ns();
    let mut guards = Vec::new();
    for name in names {
        let dir = store.dir(&name);
        let m = Maps::open(&dir)?;
        let st = read_state(m.state.as_fd());
        let running = st.running(m.state.as_fd());
        let att = attach::object_attachments(&dir);
        let live = att.iter().find(|x| x.live);
        let offenders = read_offenders(m.offenders.as_fd())?;
        let mut blocklist: Vec<BlockRow> = read_blocklist(m.blocklist.as_fd())?
            .into_iter()
            .map(|(b, added)| BlockRow {
                prefix: b.prefix.to_string(),
                expires_in_s: (b.expires_ns as f64 - now as f64) / 1e9,
                expired: b.expires_ns <= now,
                drops: b.drops,
                strikes: offenders.get(&b.prefix).map_or(0, |o| o.strikes),
                age_s: now.saturating_sub(added) as f64 / 1e9,
            })
            .collect();
        blocklist.sort_by(|a, b| b.drops.cmp(&a.drops).then(a.prefix.cmp(&b.prefix)));
        let mut sources = read_sources(m.sources.as_fd())?;
        let sources_tracked = sources.len();
        sources.sort_by(|a, b| b.packets.cmp(&a.packets).then(a.addr.cmp(&b.addr)));
        let top_sources = sources
            .iter()
            .take(TOP_SOURCES)
            .map(|x| SourceRow {
                source: Prefix::host(x.addr).to_string(),
                packets: x.packets,
                bytes: x.bytes,
                syns: x.syns,
            })
            .collect();
        guards.push(GuardRow {
            object: name.clone(),
            interface: live.or(att.first()).and_then(|x| x.ifname.clone()),
            ifindex: live.or(att.first()).and_then(|x| x.ifindex),
            netns: live.or(att.first()).and_then(|x| x.netns_inode),
            attached: live.is_some(),
            mode: live.and_then(|x| x.mode.clone()),
            running,
            pid: running.then_some(st.pid),
            running_s: running.then(|| now.saturating_sub(st.started_ns) as f64 / 1e9),
            decisions: st.decisions,
            sources_tracked,
            top_sources,
            allowlist: keys(m.allowlist.as_fd(), LPM_KEY, pol::MAP_MAX_ALLOWED)
                .map(|k| k.len())
                .unwrap_or(0),
            blocklist,
        });
    }
    Ok(StatusReport { guards })
}

impl Report for StatusReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.guards.is_empty() {
            return crate::output::note(
                out,
                "no guard is loaded (start one with `x0bpf guard start IFACE`)",
            );
        }
        // In a pipe the titles are on stderr: each row names its guard and its table instead.
        let owner = crate::output::plain();
        for g in &self.guards {
            let title = format!(
                "{} on {}: {}, loop {}; {} decisions, {} sources tracked, {} allowlisted prefixes",
                g.object,
                g.interface.as_deref().unwrap_or("?"),
                if g.attached {
                    format!("attached ({})", g.mode.as_deref().unwrap_or("?"))
                } else {
                    "NOT attached".into()
                },
                match (g.running, g.pid) {
                    (true, Some(p)) =>
                        format!("running (pid {p}, {:.0}s)", g.running_s.unwrap_or(0.0)),
                    _ => "not running (the blocklist is still enforced)".into(),
                },
                g.decisions,
                g.sources_tracked,
                g.allowlist
            );
            crate::output::note(out, &title)?;
            let lead = |table: &str| -> Vec<String> {
                if owner {
                    vec![g.object.clone(), table.to_string()]
                } else {
                    vec![]
                }
            };
            let mut head = if owner {
                vec!["OBJECT", "TABLE"]
            } else {
                vec![]
            };
            head.extend(["PREFIX", "EXPIRES IN", "DROPS", "STRIKES", "AGE"]);
            let mut t = table(head);
            for b in &g.blocklist {
                let mut row = lead("blocklist");
                row.extend([
                    b.prefix.clone(),
                    if b.expired {
                        "expired".into()
                    } else {
                        format!("{:.0}s", b.expires_in_s)
                    },
                    b.drops.to_string(),
                    b.strikes.to_string(),
                    format!("{:.0}s", b.age_s),
                ]);
                t.add_row(row);
            }
            t.write_to(out)?;
            if !g.top_sources.is_empty() {
                let mut head = if owner {
                    vec!["OBJECT", "TABLE"]
                } else {
                    vec![]
                };
                head.extend(["TOP SOURCE", "PACKETS", "BYTES", "SYNS"]);
                let mut t = table(head);
                for x in &g.top_sources {
                    let mut row = lead("top_source");
                    row.extend([
                        x.source.clone(),
                        x.packets.to_string(),
                        x.bytes.to_string(),
                        x.syns.to_string(),
                    ]);
                    t.add_row(row);
                }
                t.write_to(out)?;
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- unblock

#[derive(Serialize)]
pub struct Unblocked {
    pub object: String,
    pub prefix: String,
    pub drops: u64,
}

#[derive(Serialize)]
pub struct UnblockReport {
    pub removed: Vec<Unblocked>,
}

fn unblock(a: &UnblockArgs, ctx: &Ctx) -> anyhow::Result<UnblockReport> {
    let prefix = Prefix::parse(&a.prefix).map_err(|m| {
        X0Error::new(ErrorKind::Usage, m).hint("give the prefix as `x0bpf guard status` shows it")
    })?;
    // One map delete per guard: atomic in the kernel, so the shared lock is enough.
    let store = Store::open(ctx, Access::Read)?;
    let names = guard_names(&store, a.dev.as_deref())?;
    if names.is_empty() {
        return Err(match &a.dev {
            Some(d) => no_guard(d),
            None => X0Error::new(ErrorKind::NotAttached, "no guard is loaded")
                .hint("see `x0bpf guard status`"),
        }
        .into());
    }
    let mut removed = Vec::new();
    for name in names {
        let m = Maps::open(&store.dir(&name))?;
        let key = prefix.key();
        let mut v = [0u8; BLOCK_VAL];
        let had = sysmap::lookup(m.blocklist.as_fd(), Some(&key), &mut v).unwrap_or(false);
        if sysmap::delete(m.blocklist.as_fd(), &key).map_err(|e| kerr("unblocking", e))? {
            removed.push(Unblocked {
                object: name,
                prefix: prefix.to_string(),
                drops: if had { u64_at(&v, 8) } else { 0 },
            });
        }
    }
    if removed.is_empty() {
        return Err(X0Error::new(
            ErrorKind::NotFound,
            format!("{prefix} is not in the blocklist"),
        )
        .hint("`x0bpf guard status` lists the blocked prefixes exactly")
        .into());
    }
    Ok(UnblockReport { removed })
}

impl Report for UnblockReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        for r in &self.removed {
            writeln!(
                out,
                "unblocked {} on {} ({} packets dropped)",
                r.prefix, r.object, r.drops
            )?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- stop

#[derive(Serialize)]
pub struct StopReport {
    pub object: String,
    /// The loop that was signalled, if one ran
    pub stopped_pid: Option<u32>,
    /// It did not end on SIGTERM in time and was killed
    pub killed: bool,
    pub detached: Vec<attach::Detached>,
    pub unloaded: bool,
}

/// How long a loop gets to end on SIGTERM (it checks every 50 ms).
const STOP_WAIT: Duration = Duration::from_secs(10);

fn wait_gone(pid: u32, start: u64, d: Duration) -> bool {
    let end = Instant::now() + d;
    while Instant::now() < end {
        if !process::alive(pid, start) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    !process::alive(pid, start)
}

fn stop(a: &StopArgs, ctx: &Ctx) -> anyhow::Result<StopReport> {
    // Only the named interface's guard in this network namespace (ifindex and namespace
    // inode; an interface that is gone: its records). Nothing else is ever stopped.
    let (link, ns) = locate(&a.iface)?;
    let store = Store::open(ctx, Access::Repair)?;
    let t = Target {
        iface: &a.iface,
        link: link.as_ref(),
        ns,
    };
    let Some(name) = find_guard(&store, &t)? else {
        return Err(no_guard(&a.iface).into());
    };
    let dir = store.dir(&name);
    if !is_guard_object(&dir) {
        return Err(not_a_guard(&name).into());
    }
    let mut report = StopReport {
        object: name.clone(),
        stopped_pid: None,
        killed: false,
        detached: Vec::new(),
        unloaded: false,
    };
    if let Ok(fd) = bpf::obj_get(&dir.join("maps").join("state")) {
        let st = read_state(fd.as_fd());
        if st.running(fd.as_fd()) {
            report.stopped_pid = Some(st.pid);
            // Tells the loop that stop removes the guard: it then neither undoes a dry run
            // (it would wait for the lock stop holds) nor hints at `guard stop`. The pid stays:
            // a rerun of a stop killed after this still finds the loop.
            let _ = write_state(
                fd.as_fd(),
                &LoopState {
                    stopping: true,
                    ..st
                },
            );
            let _ = process::signal(st.pid, libc::SIGTERM);
            if !wait_gone(st.pid, st.pid_start, STOP_WAIT) {
                let _ = process::signal(st.pid, libc::SIGKILL);
                report.killed = true;
                if !wait_gone(st.pid, st.pid_start, Duration::from_secs(5)) {
                    return Err(X0Error::new(
                        ErrorKind::Conflict,
                        format!("the guard loop (pid {}) does not end", st.pid),
                    )
                    .into());
                }
            }
        }
    }
    report.detached = attach::release_all(&dir)?;
    store.unpin_object(&name)?;
    report.unloaded = true;
    Ok(report)
}

impl Report for StopReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        if let Some(p) = self.stopped_pid {
            writeln!(
                out,
                "stopped the guard loop (pid {p}{})",
                if self.killed {
                    ", killed after SIGTERM timed out"
                } else {
                    ""
                }
            )?;
        }
        for d in &self.detached {
            writeln!(out, "detached {} ({})", d.attachment, d.how)?;
        }
        writeln!(out, "unloaded {}", self.object)
    }
}
