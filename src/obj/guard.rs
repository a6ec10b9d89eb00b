//! The guard's policy and its Analyse + Plan steps, pure: counter samples and the current
//! blocklist in, decisions out. No clock and no syscall here (time is an argument), so every
//! decision can be replayed from recorded samples in a unit test.
//!
//! Addresses are 16 bytes: IPv6 as is, IPv4 mapped into `::ffff:0:0/96` (the key xdp_guard
//! builds). A prefix length counts bits of those 16 bytes, so an IPv4 /24 is 120 inside; it is
//! written and parsed in the familiar form (`10.1.2.0/24`).
use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

pub type Addr = [u8; 16];

const V4_MAPPED: [u8; 12] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

pub fn is_v4(a: &Addr) -> bool {
    a[..12] == V4_MAPPED
}

pub fn v4(ip: Ipv4Addr) -> Addr {
    let mut a = [0u8; 16];
    a[..12].copy_from_slice(&V4_MAPPED);
    a[12..].copy_from_slice(&ip.octets());
    a
}

/// A prefix of the 16-byte address space (`len` 0..=128).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Prefix {
    pub addr: Addr,
    pub len: u8,
}

fn mask(addr: &Addr, len: u8) -> Addr {
    let mut out = [0u8; 16];
    for (i, b) in addr.iter().enumerate() {
        let bits = (len as i32 - 8 * i as i32).clamp(0, 8);
        out[i] = if bits == 0 {
            0
        } else {
            b & (0xffu8 << (8 - bits))
        };
    }
    out
}

impl Prefix {
    pub fn host(addr: Addr) -> Prefix {
        Prefix { addr, len: 128 }
    }

    /// `A.B.C.D[/N]` or an IPv6 address `[/N]`. Host bits set below the length are an error
    /// (`10.0.0.1/24`): it usually means a typo, and the blocklist would store `10.0.0.0/24`.
    pub fn parse(s: &str) -> Result<Prefix, String> {
        let (a, l) = match s.split_once('/') {
            Some((a, l)) => (a, Some(l)),
            None => (s, None),
        };
        let (addr, max, off) = if let Ok(ip) = a.parse::<Ipv4Addr>() {
            (v4(ip), 32u8, 96u8)
        } else if let Ok(ip) = a.parse::<Ipv6Addr>() {
            (ip.octets(), 128u8, 0u8)
        } else {
            return Err(format!("{s:?} is not an IPv4 or IPv6 address or prefix"));
        };
        let len = match l {
            None => max,
            Some(l) => match l.parse::<u8>() {
                Ok(n) if n <= max => n,
                _ => return Err(format!("{s:?}: the prefix length must be 0..={max}")),
            },
        };
        let p = Prefix {
            addr,
            len: len + off,
        };
        if mask(&addr, p.len) != addr {
            let fixed = Prefix {
                addr: mask(&addr, p.len),
                len: p.len,
            };
            return Err(format!("{s:?} has host bits set: did you mean {fixed}?"));
        }
        Ok(p)
    }

    pub fn contains(&self, a: &Addr) -> bool {
        mask(a, self.len) == self.addr
    }

    /// One contains the other.
    pub fn overlaps(&self, o: &Prefix) -> bool {
        let l = self.len.min(o.len);
        mask(&self.addr, l) == mask(&o.addr, l)
    }

    /// The LPM trie key of xdp_guard: `u32 prefixlen` (host order) then the 16 bytes.
    pub fn key(&self) -> [u8; 20] {
        let mut k = [0u8; 20];
        k[..4].copy_from_slice(&(self.len as u32).to_ne_bytes());
        k[4..].copy_from_slice(&self.addr);
        k
    }

    pub fn from_key(k: &[u8]) -> Option<Prefix> {
        if k.len() < 20 {
            return None;
        }
        let len = u32::from_ne_bytes(k[..4].try_into().ok()?);
        if len > 128 {
            return None;
        }
        let mut addr = [0u8; 16];
        addr.copy_from_slice(&k[4..20]);
        Some(Prefix {
            addr,
            len: len as u8,
        })
    }

    /// The /24 (IPv4) or /64 (IPv6) that holds `a`: the unit of aggregation. An IPv6 address
    /// in `::/64` (`::`, `::1`: never a real remote source, trivially spoofed) is its own unit:
    /// `::/64` holds every IPv4-mapped address, so blocking it would cut off all of IPv4. So
    /// is a link-local one.
    pub fn aggregate_of(a: &Addr) -> Prefix {
        let len = if is_v4(a) { 96 + 24 } else { 64 };
        let agg = Prefix {
            addr: mask(a, len),
            len,
        };
        // Link-local (fe80::/10): the /64 is the whole link, router and neighbour discovery
        // included; four spoofed neighbours must not cut it off. Blocked one by one.
        let link_local = a[0] == 0xfe && a[1] & 0xc0 == 0x80;
        if !is_v4(a) && (link_local || agg.contains(&v4(Ipv4Addr::UNSPECIFIED))) {
            return Prefix::host(*a);
        }
        agg
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if is_v4(&self.addr) && self.len >= 96 {
            let ip = Ipv4Addr::new(self.addr[12], self.addr[13], self.addr[14], self.addr[15]);
            if self.len == 128 {
                write!(f, "{ip}")
            } else {
                write!(f, "{ip}/{}", self.len - 96)
            }
        } else {
            let ip = Ipv6Addr::from(self.addr);
            if self.len == 128 {
                write!(f, "{ip}")
            } else {
                write!(f, "{ip}/{}", self.len)
            }
        }
    }
}

/// Everything that decides what the guard does. Documented in docs/GUARD.md.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// Seconds between two rounds of the loop.
    pub interval: f64,
    /// Rates are measured over this many seconds (the sliding window).
    pub window: f64,
    /// Absolute thresholds per source; 0 turns one off.
    pub pps: u64,
    pub bps: u64,
    pub syn_rate: u64,
    /// 0: off. Else a source must also exceed `relative` × the interface's baseline (an EWMA
    /// of its total rate, weight `baseline_alpha` per round) on the same metric.
    pub relative: f64,
    pub baseline_alpha: f64,
    /// First block: `ttl` seconds; each repeat multiplies it by `backoff`, up to `max_ttl`.
    pub ttl: u64,
    pub backoff: f64,
    pub max_ttl: u64,
    /// A prefix not blocked for this long starts again at `ttl`.
    pub forget_after: u64,
    pub max_blocked: usize,
    /// Block the /24 (/64) instead when at least this many of its sources exceed at once.
    pub prefix_sources: usize,
    pub allow: Vec<Prefix>,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            interval: 1.0,
            window: 3.0,
            pps: 10_000,
            bps: 0,
            syn_rate: 1_000,
            relative: 0.0,
            baseline_alpha: 0.1,
            ttl: 60,
            backoff: 2.0,
            max_ttl: 3600,
            forget_after: 3600,
            max_blocked: 1024,
            prefix_sources: 4,
            allow: Vec::new(),
        }
    }
}

/// A policy error names the field (`pps`, `allow[2]`) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub field: String,
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field `{}`: {}", self.field, self.message)
    }
}

fn perr(field: &str, message: impl Into<String>) -> PolicyError {
    PolicyError {
        field: field.to_string(),
        message: message.into(),
    }
}

/// A prefix as the closed range of 128-bit addresses it holds.
fn range(p: &Prefix) -> (u128, u128) {
    let lo = u128::from_be_bytes(mask(&p.addr, p.len));
    let host = if p.len == 0 {
        u128::MAX
    } else {
        (1u128 << (128 - p.len as u32)) - 1
    };
    (lo, lo | host)
}

/// The address families an allowlist must not cover whole, as ranges of the 16-byte space:
/// IPv4 (`::ffff:0:0/96`), and IPv6 (every address outside that block).
fn families() -> [(&'static str, &'static [(u128, u128)]); 2] {
    const V4_LO: u128 = 0xffff_u128 << 32;
    const V4_HI: u128 = V4_LO | 0xffff_ffff;
    [
        ("IPv4", &[(V4_LO, V4_HI)]),
        ("IPv6", &[(0, V4_LO - 1), (V4_HI + 1, u128::MAX)]),
    ]
}

/// Whether the union of `allow` covers every range of `want`; if so, the indexes of the
/// prefixes that take part (those overlapping the ranges), else None.
fn covering(allow: &[Prefix], want: &[(u128, u128)]) -> Option<Vec<usize>> {
    let mut used = Vec::new();
    for &(lo, hi) in want {
        let mut parts: Vec<(u128, u128, usize)> = allow
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (a, b) = range(p);
                (a, b, i)
            })
            .filter(|&(a, b, _)| a <= hi && b >= lo)
            .collect();
        parts.sort_unstable();
        // Sweep: `next` is the first address of [lo, hi] not covered yet.
        let mut next = lo;
        let mut done = false;
        for (a, b, i) in parts {
            if a > next {
                return None;
            }
            used.push(i);
            if b >= hi {
                done = true;
                break;
            }
            next = next.max(b + 1);
        }
        if !done {
            return None;
        }
    }
    used.sort_unstable();
    used.dedup();
    Some(used)
}

/// The unspecified source (`0.0.0.0`, `::`): a host that has no address yet (DHCP DISCOVER,
/// duplicate address detection). Trivially spoofed, and blocking it cuts such hosts off the
/// link: the guard never blocks it, nor a /24 or /64 that holds it as a whole.
pub fn is_unspecified(a: &Addr) -> bool {
    *a == v4(Ipv4Addr::UNSPECIFIED) || *a == [0u8; 16]
}

/// Whether an offender last blocked at `last_ns` (CLOCK_BOOTTIME) is forgotten at `now_ns`:
/// not blocked for `forget_after_s` seconds. Saturating both ways: on a machine booted a few
/// seconds ago (`now_ns` small) nothing is older than the uptime, and a time after `now_ns`
/// (a map written by hand) counts as just now, never as long ago.
pub fn forgotten(now_ns: u64, last_ns: u64, forget_after_s: u64) -> bool {
    now_ns.saturating_sub(last_ns) >= forget_after_s.saturating_mul(1_000_000_000)
}

/// The prefixes to delete from the offender history at `now_ns`: forgotten ones (see
/// `forgotten`) that are not in the blocklist now, live or expired (an entry still there
/// keeps its history until it is gone). Sorted, so the deletes are reproducible.
pub fn prune_offenders(
    now_ns: u64,
    forget_after_s: u64,
    blocked: &[Blocked],
    offenders: &HashMap<Prefix, Offender>,
) -> Vec<Prefix> {
    let in_blocklist: HashSet<Prefix> = blocked.iter().map(|b| b.prefix).collect();
    let mut v: Vec<Prefix> = offenders
        .iter()
        .filter(|(p, o)| forgotten(now_ns, o.last_ns, forget_after_s) && !in_blocklist.contains(*p))
        .map(|(p, _)| *p)
        .collect();
    v.sort_unstable();
    v
}

/// Upper bound of the blocklist map (`MAX_BLOCKED` in bpf/xdp_guard.bpf.c).
pub const MAP_MAX_BLOCKED: usize = 16384;
/// Upper bound of the allowlist map (`MAX_ALLOWED`).
pub const MAP_MAX_ALLOWED: usize = 1024;

pub const FIELDS: &[&str] = &[
    "interval",
    "window",
    "pps",
    "bps",
    "syn_rate",
    "relative",
    "baseline_alpha",
    "ttl",
    "backoff",
    "max_ttl",
    "forget_after",
    "max_blocked",
    "prefix_sources",
    "allow",
];

fn num(field: &str, v: &toml::Value) -> Result<f64, PolicyError> {
    match v {
        toml::Value::Integer(i) => Ok(*i as f64),
        toml::Value::Float(f) => Ok(*f),
        _ => Err(perr(
            field,
            format!("expected a number, found {}", v.type_str()),
        )),
    }
}

fn uint(field: &str, v: &toml::Value) -> Result<u64, PolicyError> {
    match v {
        toml::Value::Integer(i) if *i >= 0 => Ok(*i as u64),
        toml::Value::Integer(i) => Err(perr(field, format!("{i} is negative"))),
        _ => Err(perr(
            field,
            format!("expected a whole number, found {}", v.type_str()),
        )),
    }
}

impl Policy {
    /// Parse a TOML policy file over the defaults. Unknown keys are errors (a typo must not
    /// silently leave a default in force).
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1))
                .unwrap_or(0);
            perr(
                "(syntax)",
                format!("line {line}: {}", e.message().replace('\n', " ")),
            )
        })?;
        let mut p = Policy::default();
        for (k, v) in &table {
            match k.as_str() {
                "interval" => p.interval = num(k, v)?,
                "window" => p.window = num(k, v)?,
                "pps" => p.pps = uint(k, v)?,
                "bps" => p.bps = uint(k, v)?,
                "syn_rate" => p.syn_rate = uint(k, v)?,
                "relative" => p.relative = num(k, v)?,
                "baseline_alpha" => p.baseline_alpha = num(k, v)?,
                "ttl" => p.ttl = uint(k, v)?,
                "backoff" => p.backoff = num(k, v)?,
                "max_ttl" => p.max_ttl = uint(k, v)?,
                "forget_after" => p.forget_after = uint(k, v)?,
                "max_blocked" => p.max_blocked = uint(k, v)? as usize,
                "prefix_sources" => p.prefix_sources = uint(k, v)? as usize,
                "allow" => {
                    let arr = v.as_array().ok_or_else(|| {
                        perr(
                            k,
                            format!("expected a list of prefixes, found {}", v.type_str()),
                        )
                    })?;
                    p.allow.clear();
                    for (i, e) in arr.iter().enumerate() {
                        let f = format!("allow[{i}]");
                        let s = e.as_str().ok_or_else(|| {
                            perr(&f, format!("expected a string, found {}", e.type_str()))
                        })?;
                        p.allow.push(Prefix::parse(s).map_err(|m| perr(&f, m))?);
                    }
                }
                other => {
                    return Err(perr(
                        other,
                        format!("unknown field; known: {}", FIELDS.join(", ")),
                    ))
                }
            }
        }
        Ok(p)
    }

    /// The ranges every field must be in; checked after flags override the file.
    pub fn validate(&self) -> Result<(), PolicyError> {
        let finite = |f: &str, v: f64| {
            if v.is_finite() {
                Ok(())
            } else {
                Err(perr(f, "must be a finite number"))
            }
        };
        finite("interval", self.interval)?;
        finite("window", self.window)?;
        finite("relative", self.relative)?;
        finite("baseline_alpha", self.baseline_alpha)?;
        finite("backoff", self.backoff)?;
        if !(0.05..=3600.0).contains(&self.interval) {
            return Err(perr("interval", "must be between 0.05 and 3600 seconds"));
        }
        if self.window < self.interval || self.window > 86400.0 {
            return Err(perr(
                "window",
                format!(
                    "must be at least the interval ({}s) and at most 86400 seconds",
                    self.interval
                ),
            ));
        }
        if self.pps == 0 && self.bps == 0 && self.syn_rate == 0 {
            return Err(perr(
                "pps",
                "every threshold (pps, bps, syn_rate) is 0: nothing would ever be blocked",
            ));
        }
        if self.relative < 0.0 {
            return Err(perr("relative", "must be 0 (off) or positive"));
        }
        if !(self.baseline_alpha > 0.0 && self.baseline_alpha <= 1.0) {
            return Err(perr("baseline_alpha", "must be in (0, 1]"));
        }
        if self.ttl == 0 || self.ttl > 365 * 86400 {
            return Err(perr("ttl", "must be between 1 and 31536000 seconds"));
        }
        if !(1.0..=100.0).contains(&self.backoff) {
            return Err(perr("backoff", "must be between 1 (no growth) and 100"));
        }
        if self.max_ttl < self.ttl || self.max_ttl > 365 * 86400 {
            return Err(perr(
                "max_ttl",
                format!(
                    "must be at least ttl ({}s) and at most 31536000 seconds",
                    self.ttl
                ),
            ));
        }
        if self.max_blocked == 0 || self.max_blocked > MAP_MAX_BLOCKED {
            return Err(perr(
                "max_blocked",
                format!("must be between 1 and {MAP_MAX_BLOCKED} (the blocklist map's size)"),
            ));
        }
        if self.prefix_sources < 2 {
            return Err(perr(
                "prefix_sources",
                "must be at least 2 (one source is blocked alone anyway)",
            ));
        }
        // The allowlist always wins: a prefix holding a whole family turns the guard off for
        // it, silently. Almost certainly a mistake (`0.0.0.0/0` for "allow the LAN").
        for (i, a) in self.allow.iter().enumerate() {
            if a.len == 0 || (a.len <= 96 && a.contains(&v4(Ipv4Addr::UNSPECIFIED))) {
                return Err(perr(
                    &format!("allow[{i}]"),
                    format!(
                        "{a} allows every {}source: the guard could never block; list the networks to trust",
                        if a.len == 0 { "" } else { "IPv4 " }
                    ),
                ));
            }
        }
        // Several prefixes may cover a family together (`0.0.0.0/1` + `128.0.0.0/1`): the
        // same mistake in pieces.
        for (fam, want) in families() {
            if let Some(idx) = covering(&self.allow, want) {
                let names: Vec<String> = idx
                    .iter()
                    .take(4)
                    .map(|&i| format!("allow[{i}] {}", self.allow[i]))
                    .collect();
                return Err(perr(
                    "allow",
                    format!(
                        "{}{} together allow every {fam} source: the guard could never block; list the networks to trust",
                        names.join(", "),
                        if idx.len() > 4 { ", …" } else { "" }
                    ),
                ));
            }
        }
        if self.allow.len() > MAP_MAX_ALLOWED {
            return Err(perr(
                "allow",
                format!("at most {MAP_MAX_ALLOWED} prefixes (the allowlist map's size)"),
            ));
        }
        Ok(())
    }

    pub fn allowed(&self, a: &Addr) -> bool {
        self.allow.iter().any(|p| p.contains(a))
    }

    /// TTL for a block that is the `strikes`-th (0: first) of its prefix.
    pub fn ttl_for(&self, strikes: u32) -> u64 {
        let t = self.ttl as f64 * self.backoff.powi(strikes.min(64) as i32);
        if t >= self.max_ttl as f64 {
            self.max_ttl
        } else {
            t as u64
        }
    }
}

/// One source's cumulative counters as read from the `sources` map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sample {
    pub addr: Addr,
    pub packets: u64,
    pub bytes: u64,
    pub syns: u64,
}

/// Rates of one source over the window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub addr: Addr,
    pub pps: f64,
    pub bps: f64,
    pub syn_rate: f64,
}

/// A blocklist entry as it is in the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blocked {
    pub prefix: Prefix,
    pub expires_ns: u64,
    pub drops: u64,
}

/// What the guard remembers of a prefix it blocked (the `offenders` map).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Offender {
    pub strikes: u32,
    pub last_ns: u64,
    pub last_ttl_s: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Add the prefix to the blocklist for `ttl_s`.
    Block,
    /// Its TTL passed: remove the entry.
    Expire,
    /// Over a threshold but allowlisted: never blocked (logged once per episode).
    Allowlisted,
    /// Over a threshold but the blocklist holds `max_blocked` entries already.
    Limit,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Block => "block",
            Action::Expire => "expire",
            Action::Allowlisted => "allowlisted",
            Action::Limit => "limit",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub prefix: Prefix,
    pub action: Action,
    /// Which threshold was crossed (`pps`, `bps`, `syn_rate`); None for an expiry.
    pub metric: Option<&'static str>,
    pub rate: Option<f64>,
    pub threshold: Option<f64>,
    pub ttl_s: Option<u64>,
    /// Blocks of this prefix including this one (Block), or so far (others).
    pub strikes: u32,
    /// Sources over the threshold that this decision covers (>1 for a /24 or /64).
    pub sources: usize,
    /// CLOCK_BOOTTIME expiry for Block.
    pub expires_ns: Option<u64>,
}

/// Points kept per source over a window (about; see `Engine::observe`).
pub const HISTORY_POINTS: u64 = 16;

/// A crossed threshold: (metric, rate, threshold, rate / threshold).
pub type Exceeded = (&'static str, f64, f64, f64);

/// Analyse + Plan with the little state they need between rounds: each source's recent
/// samples (the window), the baseline, and which over-threshold sources were already reported
/// as allowlisted or over the limit (so the log says it once per episode, not every second).
pub struct Engine {
    pub policy: Policy,
    hist: HashMap<Addr, VecDeque<(u64, Sample)>>,
    last_ns: Option<u64>,
    /// EWMA of the interface's total (pps, bps, syn/s), None before the first full round.
    pub baseline: Option<(f64, f64, f64)>,
    noted: HashSet<(Prefix, Action)>,
}

impl Engine {
    pub fn new(policy: Policy) -> Engine {
        Engine {
            policy,
            hist: HashMap::new(),
            last_ns: None,
            baseline: None,
            noted: HashSet::new(),
        }
    }

    /// Analyse: fold one round of samples (taken at `now_ns`) into the windows and return the
    /// rate of every source. A source that appears between two rounds started from zero at the
    /// previous round; one whose counters went down was evicted and re-created: it restarts.
    pub fn observe(&mut self, now_ns: u64, samples: &[Sample]) -> Vec<Rate> {
        let window_ns = (self.policy.window * 1e9) as u64;
        let min_gap = window_ns / HISTORY_POINTS;
        let mut seen = HashSet::new();
        let mut rates = Vec::new();
        let mut total = (0.0, 0.0, 0.0);
        let round_s = self
            .last_ns
            .filter(|&l| now_ns > l)
            .map(|l| (now_ns - l) as f64 / 1e9);
        for s in samples {
            seen.insert(s.addr);
            let q = self.hist.entry(s.addr).or_default();
            let reset = q.back().is_some_and(|(_, b)| {
                s.packets < b.packets || s.bytes < b.bytes || s.syns < b.syns
            });
            if reset {
                q.clear();
            }
            if q.is_empty() {
                if let Some(l) = self.last_ns.filter(|&l| l < now_ns) {
                    q.push_back((
                        l,
                        Sample {
                            addr: s.addr,
                            ..Default::default()
                        },
                    ));
                }
            }
            if let Some((_, prev)) = q.back() {
                total.0 += (s.packets - prev.packets) as f64;
                total.1 += (s.bytes - prev.bytes) as f64 * 8.0;
                total.2 += (s.syns - prev.syns) as f64;
            }
            // Thin the history: a point closer than window/HISTORY_POINTS to the one before it
            // is replaced by the newer one. A long window with a short interval (a day at
            // 1 s) would otherwise keep window/interval points for each of up to 65536
            // (spoofable) sources: gigabytes. The base stays within window/16 of the start.
            if q.len() >= 2 && now_ns.saturating_sub(q[q.len() - 2].0) < min_gap {
                q.pop_back();
            }
            q.push_back((now_ns, *s));
            // Keep one point at or before the window's start as the base of the rate.
            let start = now_ns.saturating_sub(window_ns);
            while q.len() > 2 && q[1].0 <= start {
                q.pop_front();
            }
            let (t0, first) = q[0];
            if q.len() >= 2 && now_ns > t0 {
                let dt = (now_ns - t0) as f64 / 1e9;
                rates.push(Rate {
                    addr: s.addr,
                    pps: (s.packets - first.packets) as f64 / dt,
                    bps: (s.bytes - first.bytes) as f64 * 8.0 / dt,
                    syn_rate: (s.syns - first.syns) as f64 / dt,
                });
            }
        }
        self.hist.retain(|a, _| seen.contains(a));
        if let Some(dt) = round_s {
            let cur = (total.0 / dt, total.1 / dt, total.2 / dt);
            let a = self.policy.baseline_alpha;
            self.baseline = Some(match self.baseline {
                None => cur,
                Some(b) => (
                    a * cur.0 + (1.0 - a) * b.0,
                    a * cur.1 + (1.0 - a) * b.1,
                    a * cur.2 + (1.0 - a) * b.2,
                ),
            });
        }
        self.last_ns = Some(now_ns);
        rates
    }

    /// Points held over all sources' windows (bounded: about HISTORY_POINTS + 2 each).
    pub fn history_points(&self) -> usize {
        self.hist.values().map(|q| q.len()).sum()
    }

    /// The worst crossed threshold of a rate: (metric, rate, threshold, rate/threshold).
    pub fn exceeded(&self, r: &Rate) -> Option<Exceeded> {
        let p = &self.policy;
        let mut worst: Option<Exceeded> = None;
        for (i, (name, v, abs)) in [
            ("pps", r.pps, p.pps),
            ("bps", r.bps, p.bps),
            ("syn_rate", r.syn_rate, p.syn_rate),
        ]
        .into_iter()
        .enumerate()
        {
            if abs == 0 {
                continue;
            }
            let mut th = abs as f64;
            if p.relative > 0.0 {
                if let Some(b) = self.baseline {
                    let base = [b.0, b.1, b.2][i];
                    th = th.max(p.relative * base);
                }
            }
            if v > th && worst.is_none_or(|w| v / th > w.3) {
                worst = Some((name, v, th, v / th));
            }
        }
        worst
    }

    /// Plan: what to do this round given the rates, the blocklist as it is now (with expired
    /// entries still in it) and the offender history.
    pub fn plan(
        &mut self,
        now_ns: u64,
        rates: &[Rate],
        blocked: &[Blocked],
        offenders: &HashMap<Prefix, Offender>,
    ) -> Vec<Decision> {
        let p = self.policy.clone();
        let mut out = Vec::new();
        let strikes_of = |pre: &Prefix| {
            offenders
                .get(pre)
                .filter(|o| !forgotten(now_ns, o.last_ns, p.forget_after))
                .map_or(0, |o| o.strikes)
        };
        let mut live: Vec<Prefix> = Vec::new();
        let mut expired: Vec<&Blocked> =
            blocked.iter().filter(|b| b.expires_ns <= now_ns).collect();
        expired.sort_by_key(|b| b.prefix);
        for b in expired {
            out.push(Decision {
                prefix: b.prefix,
                action: Action::Expire,
                metric: None,
                rate: None,
                threshold: None,
                ttl_s: None,
                strikes: strikes_of(&b.prefix),
                sources: 0,
                expires_ns: Some(b.expires_ns),
            });
        }
        live.extend(
            blocked
                .iter()
                .filter(|b| b.expires_ns > now_ns)
                .map(|b| b.prefix),
        );

        // Over a threshold and not blocked yet. "Covered by a live entry" is a set lookup per
        // prefix length in use (a handful), not a scan of the blocklist: 65536 sources times
        // 16384 entries would stall the loop under exactly the flood it is there for.
        // Masked: an entry written by hand may carry host bits, which the trie ignores too.
        let live_set: HashSet<Prefix> = live
            .iter()
            .map(|l| Prefix {
                addr: mask(&l.addr, l.len),
                len: l.len,
            })
            .collect();
        let mut lens: Vec<u8> = live.iter().map(|l| l.len).collect();
        lens.sort_unstable();
        lens.dedup();
        let covered = |a: &Addr| {
            lens.iter().any(|&len| {
                live_set.contains(&Prefix {
                    addr: mask(a, len),
                    len,
                })
            })
        };
        let mut over: Vec<(Rate, Exceeded)> = rates
            .iter()
            .filter_map(|r| self.exceeded(r).map(|e| (*r, e)))
            .filter(|(r, _)| !covered(&r.addr))
            .collect();
        over.sort_by_key(|a| a.0.addr);
        let mut still = HashSet::new();
        let mut cands: Vec<Decision> = Vec::new();
        let mut groups: HashMap<Prefix, Vec<(Rate, Exceeded)>> = HashMap::new();
        for (r, e) in over {
            // 0.0.0.0 and ::, under a flood spoofed as them or not: never blocked.
            if is_unspecified(&r.addr) {
                continue;
            }
            if p.allowed(&r.addr) {
                let pre = Prefix::host(r.addr);
                still.insert((pre, Action::Allowlisted));
                if self.noted.insert((pre, Action::Allowlisted)) {
                    out.push(Decision {
                        prefix: pre,
                        action: Action::Allowlisted,
                        metric: Some(e.0),
                        rate: Some(e.1),
                        threshold: Some(e.2),
                        ttl_s: None,
                        strikes: strikes_of(&pre),
                        sources: 1,
                        expires_ns: None,
                    });
                }
                continue;
            }
            groups
                .entry(Prefix::aggregate_of(&r.addr))
                .or_default()
                .push((r, e));
        }
        let mut keys: Vec<Prefix> = groups.keys().copied().collect();
        keys.sort();
        for agg in keys {
            let members = &groups[&agg];
            let touches_allow = p.allow.iter().any(|a| a.overlaps(&agg));
            let holds_unspecified =
                agg.contains(&v4(Ipv4Addr::UNSPECIFIED)) || agg.contains(&[0u8; 16]);
            if members.len() >= p.prefix_sources && !touches_allow && !holds_unspecified {
                // The decision reports the worst member's metric, summed over the members.
                let worst = members
                    .iter()
                    .max_by(|a, b| a.1 .3.total_cmp(&b.1 .3))
                    .map(|m| m.1)
                    .unwrap_or(("pps", 0.0, 0.0, 0.0));
                let sum: f64 = members
                    .iter()
                    .map(|(r, _)| match worst.0 {
                        "pps" => r.pps,
                        "bps" => r.bps,
                        _ => r.syn_rate,
                    })
                    .sum();
                cands.push(self.block(agg, worst.0, sum, worst.2, members.len()));
            } else {
                for (r, e) in members {
                    cands.push(self.block(Prefix::host(r.addr), e.0, e.1, e.2, 1));
                }
            }
        }
        // Worst first, so the limit cuts the mildest.
        cands.sort_by(|a, b| {
            let ra = a.rate.unwrap_or(0.0) / a.threshold.unwrap_or(1.0).max(f64::MIN_POSITIVE);
            let rb = b.rate.unwrap_or(0.0) / b.threshold.unwrap_or(1.0).max(f64::MIN_POSITIVE);
            rb.total_cmp(&ra).then(a.prefix.cmp(&b.prefix))
        });
        let mut count = live.len();
        for mut d in cands {
            let strikes = strikes_of(&d.prefix);
            if count >= p.max_blocked {
                still.insert((d.prefix, Action::Limit));
                if self.noted.insert((d.prefix, Action::Limit)) {
                    d.action = Action::Limit;
                    d.strikes = strikes;
                    out.push(d);
                }
                continue;
            }
            let ttl = p.ttl_for(strikes);
            d.ttl_s = Some(ttl);
            // Saturating: the history is read back from a map, so it may hold anything.
            d.strikes = strikes.saturating_add(1);
            d.expires_ns = Some(now_ns.saturating_add(ttl.saturating_mul(1_000_000_000)));
            count += 1;
            out.push(d);
        }
        // An episode ends when the source is no longer over (or got blocked).
        self.noted.retain(|k| still.contains(k));
        out
    }

    fn block(
        &self,
        prefix: Prefix,
        metric: &'static str,
        rate: f64,
        threshold: f64,
        sources: usize,
    ) -> Decision {
        Decision {
            prefix,
            action: Action::Block,
            metric: Some(metric),
            rate: Some(rate),
            threshold: Some(threshold),
            ttl_s: None,
            strikes: 0,
            sources,
            expires_ns: None,
        }
    }

    /// Analyse then Plan: one round.
    pub fn step(
        &mut self,
        now_ns: u64,
        samples: &[Sample],
        blocked: &[Blocked],
        offenders: &HashMap<Prefix, Offender>,
    ) -> Vec<Decision> {
        let rates = self.observe(now_ns, samples);
        self.plan(now_ns, &rates, blocked, offenders)
    }
}

/// Apply decisions to an in-memory blocklist and history the way Execute applies them to the
/// maps (also what `--dry-run` uses as its pretend blocklist).
pub fn apply(
    decisions: &[Decision],
    now_ns: u64,
    blocked: &mut Vec<Blocked>,
    offenders: &mut HashMap<Prefix, Offender>,
) {
    for d in decisions {
        match d.action {
            Action::Expire => blocked.retain(|b| b.prefix != d.prefix),
            Action::Block => {
                blocked.retain(|b| b.prefix != d.prefix);
                blocked.push(Blocked {
                    prefix: d.prefix,
                    expires_ns: d.expires_ns.unwrap_or(now_ns),
                    drops: 0,
                });
                offenders.insert(
                    d.prefix,
                    Offender {
                        strikes: d.strikes,
                        last_ns: now_ns,
                        last_ttl_s: d.ttl_s.unwrap_or(0),
                    },
                );
            }
            Action::Allowlisted | Action::Limit => {}
        }
    }
}

/// UTC `YYYY-MM-DDTHH:MM:SS.mmmZ` from milliseconds since the epoch (civil-from-days, so no
/// date crate is needed for one format).
pub fn rfc3339_ms(unix_ms: i64) -> String {
    let secs = unix_ms.div_euclid(1000);
    let ms = unix_ms.rem_euclid(1000);
    let days = secs.div_euclid(86400);
    let sod = secs.rem_euclid(86400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000_000_000;
    const DAY: u64 = 86_400 * S;

    fn pre(s: &str) -> Prefix {
        Prefix::parse(s).unwrap()
    }

    fn offender(last_ns: u64) -> Offender {
        Offender {
            strikes: 3,
            last_ns,
            last_ttl_s: 60,
        }
    }

    fn allow(list: &[&str]) -> Result<(), PolicyError> {
        Policy {
            allow: list.iter().map(|s| pre(s)).collect(),
            ..Policy::default()
        }
        .validate()
    }

    #[test]
    fn an_allowlist_that_covers_a_family_in_pieces_is_refused() {
        for list in [
            &["0.0.0.0/1", "128.0.0.0/1"][..],
            &["128.0.0.0/1", "10.0.0.0/8", "0.0.0.0/2", "64.0.0.0/2"],
            &["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/2"],
        ] {
            let e = allow(list).expect_err(&format!("{list:?}"));
            assert_eq!(e.field, "allow", "{list:?}: {e}");
            assert!(e.message.contains("together allow every"), "{e}");
            assert!(!e.to_string().contains('\n'), "one line: {e}");
        }
        // IPv6 without the IPv4-mapped block: the 96 siblings along the path to
        // ::ffff:0:0/96 cover every other address; without the last one they do not.
        let v4block = u128::from_be_bytes(v4(Ipv4Addr::UNSPECIFIED));
        let siblings: Vec<Prefix> = (1..=96u8)
            .map(|len| {
                let bit = 1u128 << (128 - len as u32);
                let keep = !((1u128 << (128 - len as u32)) - 1);
                Prefix {
                    addr: ((v4block & keep) ^ bit).to_be_bytes(),
                    len,
                }
            })
            .collect();
        let mut p = Policy {
            allow: siblings.clone(),
            ..Policy::default()
        };
        let e = p.validate().unwrap_err();
        assert_eq!(e.field, "allow", "{e}");
        assert!(e.message.contains("every IPv6 source"), "{e}");
        assert!(e.message.contains(", …"), "{e}");
        p.allow.pop();
        p.validate().unwrap();
        // The halves name what they are.
        let e = allow(&["10.0.0.0/8", "0.0.0.0/1", "128.0.0.0/1"]).unwrap_err();
        assert!(e.message.contains("allow[1] 0.0.0.0/1"), "{e}");
        assert!(e.message.contains("allow[2] 128.0.0.0/1"), "{e}");
        assert!(e.message.contains("IPv4"), "{e}");
        // Wide but with a hole: fine.
        for list in [
            &["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3"][..],
            &["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/2", "255.255.255.255"]
                .iter()
                .copied()
                .filter(|p| *p != "128.0.0.0/2")
                .collect::<Vec<_>>(),
            &["2000::/3", "fc00::/7", "::ffff:10.0.0.0/104"],
            &["8000::/1", "4000::/2", "2000::/3"],
        ] {
            allow(list).unwrap_or_else(|e| panic!("{list:?}: {e}"));
        }
    }

    fn over(a: Addr) -> Rate {
        Rate {
            addr: a,
            pps: 1e9,
            bps: 0.0,
            syn_rate: 0.0,
        }
    }

    #[test]
    fn the_unspecified_source_is_never_blocked() {
        let mut e = Engine::new(Policy::default());
        let zero4 = v4(Ipv4Addr::UNSPECIFIED);
        let zero6 = [0u8; 16];
        let other = v4(Ipv4Addr::new(198, 51, 100, 7));
        let d = e.plan(
            5 * S,
            &[over(zero4), over(zero6), over(other)],
            &[],
            &HashMap::new(),
        );
        let blocked: Vec<Prefix> = d
            .iter()
            .filter(|d| d.action == Action::Block)
            .map(|d| d.prefix)
            .collect();
        assert_eq!(blocked, vec![Prefix::host(other)], "{d:?}");
        // Nor the /24 that holds 0.0.0.0: its other flooders are blocked one by one.
        let mut e = Engine::new(Policy::default());
        let rates: Vec<Rate> = (0..6)
            .map(|i| over(v4(Ipv4Addr::new(0, 0, 0, i))))
            .collect();
        let d = e.plan(5 * S, &rates, &[], &HashMap::new());
        let blocked: Vec<Prefix> = d
            .iter()
            .filter(|d| d.action == Action::Block)
            .map(|d| d.prefix)
            .collect();
        assert_eq!(blocked.len(), 5, "{d:?}");
        assert!(blocked
            .iter()
            .all(|p| p.len == 128 && !is_unspecified(&p.addr)));
        assert!(is_unspecified(&zero4) && is_unspecified(&zero6));
        assert!(!is_unspecified(&v4(Ipv4Addr::new(0, 0, 0, 1))));
    }

    #[test]
    fn forgetting_is_right_at_any_uptime() {
        let p = pre("10.1.0.1");
        let forget = 3600;
        let mut off = HashMap::new();
        // Last blocked at boot (t = 0): on a machine up 5 s or 60 s that is 5 s or 60 s ago.
        off.insert(p, offender(0));
        for now in [5 * S, 60 * S] {
            assert!(!forgotten(now, 0, forget), "now = {now}");
            assert!(prune_offenders(now, forget, &[], &off).is_empty(), "{now}");
        }
        // At 30 days it is long forgotten.
        assert!(forgotten(30 * DAY, 0, forget));
        assert_eq!(prune_offenders(30 * DAY, forget, &[], &off), vec![p]);
        // Exactly forget_after ago: forgotten; a nanosecond less: kept.
        let now = 30 * DAY;
        assert!(forgotten(now, now - forget * S, forget));
        assert!(!forgotten(now, now - forget * S + 1, forget));
        // A time after now (hand-written) is "just now", not underflowed into "long ago".
        for now in [5 * S, 60 * S, 30 * DAY] {
            assert!(!forgotten(now, now + 10 * S, forget));
            assert!(!forgotten(now, u64::MAX, forget));
        }
        // A huge forget_after saturates instead of wrapping to a small horizon.
        assert!(!forgotten(30 * DAY, 0, u64::MAX));
        // Still in the blocklist (live or expired): kept.
        let b = Blocked {
            prefix: p,
            expires_ns: 0,
            drops: 0,
        };
        assert!(prune_offenders(30 * DAY, forget, &[b], &off).is_empty());
        // The planner agrees: at 5 s the strikes of an offender seen at boot still count.
        let mut e = Engine::new(Policy::default());
        for (now, strikes) in [(5 * S, 4), (60 * S, 4), (30 * DAY, 1)] {
            let d = e.plan(now, &[over(p.addr)], &[], &off);
            assert_eq!(d.len(), 1, "{d:?}");
            assert_eq!(d[0].strikes, strikes, "now = {now}");
        }
    }

    #[test]
    fn young_machine_windows_and_expiry_do_not_underflow() {
        // Rounds from 50 ms after boot with a window longer than the uptime.
        let mut e = Engine::new(Policy {
            window: 60.0,
            ..Policy::default()
        });
        let a = v4(Ipv4Addr::new(198, 51, 100, 9));
        let mut rates = Vec::new();
        for (i, t) in [S / 20, S, 2 * S, 3 * S].into_iter().enumerate() {
            let sample = Sample {
                addr: a,
                packets: 100_000 * i as u64,
                bytes: 0,
                syns: 0,
            };
            rates = e.observe(t, &[sample]);
        }
        let r = rates[0];
        assert!((r.pps - 300_000.0 / 2.95).abs() < 1.0, "{r:?}");
        // An entry that expired at t = 0 is expired; a TTL from t = 1 s ends at 61 s.
        let d = e.plan(
            S,
            &[over(a)],
            &[Blocked {
                prefix: pre("10.0.0.1"),
                expires_ns: 0,
                drops: 0,
            }],
            &HashMap::new(),
        );
        assert_eq!(d[0].action, Action::Expire);
        assert_eq!(d[1].expires_ns, Some(61 * S));
    }
}
