//! Minimal rtnetlink (NETLINK_ROUTE) client.
//!
//! Covers what x0bpf needs: listing interfaces, querying and attaching XDP
//! programs (with the kernel's extended-ack message on failure), and listing
//! cls_bpf filters under a clsact qdisc. A few helpers that create and remove
//! veth pairs, clsact qdiscs and tc filters exist for tests and setup.
//!
//! Every call opens its own socket and closes it on return, so the calls are
//! stateless and act in the network namespace of the calling thread.
//!
//! Replies are treated as untrusted input: every header and attribute is
//! bounds-checked and malformed data ends parsing instead of panicking.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::mem;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicU32, Ordering};

// The constants below are spelled out rather than taken from `libc` because
// several are missing there or differ between libc releases and targets.

// Netlink message header and flags (linux/netlink.h).
const NLMSG_HDRLEN: usize = 16;
const NLM_F_REQUEST: u16 = 0x1;
const NLM_F_ACK: u16 = 0x4;
const NLM_F_DUMP_INTR: u16 = 0x10;
const NLM_F_DUMP: u16 = 0x300;
const NLM_F_EXCL: u16 = 0x200;
const NLM_F_CREATE: u16 = 0x400;
const NLM_F_REPLACE: u16 = 0x100;
// Flags on NLMSG_ERROR replies.
const NLM_F_CAPPED: u16 = 0x100;
const NLM_F_ACK_TLVS: u16 = 0x200;

const NLMSG_NOOP: u16 = 1;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const NLMSG_OVERRUN: u16 = 4;

const NLMSGERR_ATTR_MSG: u16 = 1;

const SOL_NETLINK: libc::c_int = 270;
const NETLINK_CAP_ACK: libc::c_int = 10;
const NETLINK_EXT_ACK: libc::c_int = 11;

const NLA_F_NESTED: u16 = 1 << 15;
const NLA_TYPE_MASK: u16 = !((1 << 15) | (1 << 14));
const NLA_HDRLEN: usize = 4;

// rtnetlink message types (linux/rtnetlink.h).
const RTM_NEWLINK: u16 = 16;
#[cfg(test)]
const RTM_DELLINK: u16 = 17;
const RTM_GETLINK: u16 = 18;
const RTM_SETLINK: u16 = 19;
const RTM_NEWQDISC: u16 = 36;
const RTM_DELQDISC: u16 = 37;
const RTM_GETQDISC: u16 = 38;
const RTM_NEWTFILTER: u16 = 44;
const RTM_DELTFILTER: u16 = 45;
const RTM_GETTFILTER: u16 = 46;

// Link attributes (linux/if_link.h).
const IFINFOMSG_LEN: usize = 16;
const IFLA_IFNAME: u16 = 3;
const IFLA_MTU: u16 = 4;
const IFLA_OPERSTATE: u16 = 16;
const IFLA_LINKINFO: u16 = 18;
const IFLA_EXT_MASK: u16 = 29;
const IFLA_XDP: u16 = 43;
const IFLA_ALT_IFNAME: u16 = 53;
const IFLA_INFO_KIND: u16 = 1;
#[cfg(test)]
const IFLA_INFO_DATA: u16 = 2;
#[cfg(test)]
const VETH_INFO_PEER: u16 = 1;
const IFLA_XDP_FD: u16 = 1;
const IFLA_XDP_ATTACHED: u16 = 2;
const IFLA_XDP_FLAGS: u16 = 3;
const IFLA_XDP_PROG_ID: u16 = 4;
const IFLA_XDP_DRV_PROG_ID: u16 = 5;
const IFLA_XDP_SKB_PROG_ID: u16 = 6;
const IFLA_XDP_HW_PROG_ID: u16 = 7;
const IFLA_XDP_EXPECTED_FD: u16 = 8;
// Statistics are the bulk of a link message and are never used here.
const RTEXT_FILTER_SKIP_STATS: u32 = 1 << 3;
const IF_OPER_UP: u8 = 6;
const IFF_UP: u32 = 0x1;
const IFF_RUNNING: u32 = 0x40;
const IFNAMSIZ: usize = 16;
const ALTIFNAMSIZ: usize = 128;

// Traffic control (linux/pkt_sched.h, linux/rtnetlink.h).
const TCMSG_LEN: usize = 20;
const TCA_KIND: u16 = 1;
const TCA_OPTIONS: u16 = 2;
const TCA_BPF_FD: u16 = 6;
const TCA_BPF_NAME: u16 = 7;
const TCA_BPF_FLAGS: u16 = 8;
const TCA_BPF_ID: u16 = 11;
const TCA_BPF_FLAG_ACT_DIRECT: u32 = 1;
const TC_H_CLSACT: u32 = 0xFFFF_FFF1;
const TC_H_MIN_INGRESS: u32 = 0xFFF2;
const TC_H_MIN_EGRESS: u32 = 0xFFF3;
const ETH_P_ALL: u16 = 0x0003;

/// `IFLA_XDP_FLAGS` values (linux/if_link.h).
pub const XDP_FLAGS_UPDATE_IF_NOEXIST: u32 = 1;
pub const XDP_FLAGS_SKB_MODE: u32 = 2;
pub const XDP_FLAGS_DRV_MODE: u32 = 4;
pub const XDP_FLAGS_HW_MODE: u32 = 8;
pub const XDP_FLAGS_REPLACE: u32 = 16;

/// Dump replies are big (one link message can exceed 4 KiB); the buffer grows
/// further when the kernel reports a larger datagram.
const RECV_BUF_LEN: usize = 64 * 1024;
/// A dump that races with changes is flagged NLM_F_DUMP_INTR; it is retried a
/// few times before the possibly inconsistent result is accepted.
const DUMP_RETRIES: usize = 4;
/// Guards against a hung call if the kernel never answers.
const RECV_TIMEOUT_SECS: libc::time_t = 30;

/// How XDP is attached to a device (`IFLA_XDP_ATTACHED`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XdpMode {
    None,
    Drv,
    Skb,
    Hw,
    Multi,
}

impl XdpMode {
    fn from_attached(v: u8) -> Option<Self> {
        match v {
            0 => Some(Self::None),
            1 => Some(Self::Drv),
            2 => Some(Self::Skb),
            3 => Some(Self::Hw),
            4 => Some(Self::Multi),
            _ => None,
        }
    }
}

/// XDP state of a link. `mode` is `None` when the kernel sent no (or an
/// unknown) `IFLA_XDP_ATTACHED`; `prog_id` is only reported for single-mode
/// attachments, the per-mode ids whenever that mode is attached.
#[derive(Debug, Clone, Default)]
pub struct XdpState {
    pub mode: Option<XdpMode>,
    pub prog_id: Option<u32>,
    pub drv_prog_id: Option<u32>,
    pub skb_prog_id: Option<u32>,
    pub hw_prog_id: Option<u32>,
}

/// A network interface as reported by RTM_NEWLINK.
#[derive(Debug, Clone)]
pub struct Link {
    pub ifindex: u32,
    pub name: String,
    /// Administratively up (`IFF_UP`).
    pub up: bool,
    /// Operationally up (`IFF_RUNNING` or `IFLA_OPERSTATE` == UP).
    pub oper_up: bool,
    /// `IFLA_INFO_KIND` ("veth", "macvlan", ...); `None` for devices without
    /// link info such as `lo` or most physical NICs.
    pub kind: Option<String>,
    pub mtu: u32,
    pub xdp: XdpState,
}

/// A cls_bpf filter under a clsact qdisc.
#[derive(Debug, Clone)]
pub struct TcFilter {
    pub ifindex: u32,
    /// `true` under clsact ingress (ffff:fff2), `false` under egress (ffff:fff3).
    pub parent_ingress: bool,
    pub kind: String,
    pub priority: u16,
    /// Ethernet protocol in host byte order (`ETH_P_ALL` = 3 for "all").
    pub protocol: u16,
    pub handle: u32,
    pub prog_id: Option<u32>,
    pub prog_name: Option<String>,
    pub direct_action: bool,
}

/// A failed netlink call: a positive errno plus the kernel's extended-ack
/// message when it sent one.
#[derive(Debug)]
pub struct NlError {
    pub errno: i32,
    pub extack: Option<String>,
}

impl NlError {
    pub fn new(errno: i32) -> Self {
        NlError {
            errno,
            extack: None,
        }
    }

    /// Keeps the OS errno; errors without one become EIO with their text kept
    /// in `extack` so that nothing is lost in the message.
    pub fn from_io(e: io::Error) -> Self {
        match e.raw_os_error() {
            Some(errno) => NlError::new(errno),
            None => NlError {
                errno: libc::EIO,
                extack: Some(e.to_string()),
            },
        }
    }

    /// A malformed or unexpected reply.
    fn proto(what: &str) -> Self {
        NlError {
            errno: libc::EPROTO,
            extack: Some(format!("netlink: {what}")),
        }
    }

    fn invalid(what: &str) -> Self {
        NlError {
            errno: libc::EINVAL,
            extack: Some(what.to_string()),
        }
    }
}

impl fmt::Display for NlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::error::errno_text(self.errno))?;
        if let Some(msg) = &self.extack {
            write!(f, ": {msg}")?;
        }
        Ok(())
    }
}

impl std::error::Error for NlError {}

impl From<io::Error> for NlError {
    fn from(e: io::Error) -> Self {
        NlError::from_io(e)
    }
}

impl From<NlError> for io::Error {
    fn from(e: NlError) -> Self {
        match e.extack {
            Some(msg) => io::Error::new(
                io::Error::from_raw_os_error(e.errno).kind(),
                format!("{}: {msg}", crate::error::errno_text(e.errno)),
            ),
            None => io::Error::from_raw_os_error(e.errno),
        }
    }
}

// ---------------------------------------------------------------------------
// Byte helpers: every read is bounds-checked and returns None when short.

fn align4(len: usize) -> Option<usize> {
    len.checked_add(3).map(|l| l & !3)
}

fn read_u8(b: &[u8], off: usize) -> Option<u8> {
    b.get(off).copied()
}

fn read_u16(b: &[u8], off: usize) -> Option<u16> {
    let s = b.get(off..off.checked_add(2)?)?;
    Some(u16::from_ne_bytes([s[0], s[1]]))
}

fn read_u32(b: &[u8], off: usize) -> Option<u32> {
    let s = b.get(off..off.checked_add(4)?)?;
    Some(u32::from_ne_bytes([s[0], s[1], s[2], s[3]]))
}

fn read_i32(b: &[u8], off: usize) -> Option<i32> {
    read_u32(b, off).map(|v| v as i32)
}

/// Attribute payloads are fixed-size; a short one is ignored rather than
/// misread.
fn attr_u8(p: &[u8]) -> Option<u8> {
    read_u8(p, 0)
}

fn attr_u32(p: &[u8]) -> Option<u32> {
    read_u32(p, 0)
}

/// NLA strings are NUL-terminated, but tolerate a missing terminator.
fn attr_str(p: &[u8]) -> String {
    let end = p.iter().position(|&b| b == 0).unwrap_or(p.len());
    String::from_utf8_lossy(&p[..end]).into_owned()
}

/// Iterator over netlink attributes (TLVs). Stops at the first malformed
/// header since nothing after it can be located reliably.
struct Attrs<'a> {
    buf: &'a [u8],
}

fn attrs(buf: &[u8]) -> Attrs<'_> {
    Attrs { buf }
}

impl<'a> Iterator for Attrs<'a> {
    /// (type without the NESTED/BYTEORDER bits, payload)
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let len = read_u16(self.buf, 0)? as usize;
        let ty = read_u16(self.buf, 2)?;
        if len < NLA_HDRLEN || len > self.buf.len() {
            self.buf = &[];
            return None;
        }
        let payload = &self.buf[NLA_HDRLEN..len];
        let next = align4(len).unwrap_or(len).min(self.buf.len());
        self.buf = &self.buf[next..];
        Some((ty & NLA_TYPE_MASK, payload))
    }
}

/// One netlink message header plus its payload.
struct RawMsg<'a> {
    ty: u16,
    flags: u16,
    seq: u32,
    pid: u32,
    payload: &'a [u8],
}

/// Splits a datagram into messages; a header whose length does not fit is
/// an error because the rest of the datagram cannot be trusted.
fn split_messages(mut buf: &[u8]) -> Result<Vec<RawMsg<'_>>, NlError> {
    let mut out = Vec::new();
    while buf.len() >= NLMSG_HDRLEN {
        let len = read_u32(buf, 0).unwrap_or(0) as usize;
        if len < NLMSG_HDRLEN || len > buf.len() {
            return Err(NlError::proto("truncated message"));
        }
        out.push(RawMsg {
            ty: read_u16(buf, 4).unwrap_or(0),
            flags: read_u16(buf, 6).unwrap_or(0),
            seq: read_u32(buf, 8).unwrap_or(0),
            pid: read_u32(buf, 12).unwrap_or(0),
            payload: &buf[NLMSG_HDRLEN..len],
        });
        let next = align4(len).unwrap_or(len).min(buf.len());
        buf = &buf[next..];
    }
    Ok(out)
}

fn extack_msg(tlvs: &[u8]) -> Option<String> {
    attrs(tlvs)
        .find(|(ty, _)| *ty == NLMSGERR_ATTR_MSG)
        .map(|(_, p)| attr_str(p))
        .filter(|s| !s.is_empty())
}

fn errno_from(code: i32) -> i32 {
    // The kernel sends -errno; anything odd still has to be a failure.
    match code.checked_neg() {
        Some(e) if e > 0 => e,
        _ if code > 0 => code,
        _ => libc::EPROTO,
    }
}

/// Interprets an NLMSG_ERROR payload: `struct nlmsgerr` (error code and the
/// echoed request header, or the whole request unless NLM_F_CAPPED) followed
/// by extended-ack TLVs when NLM_F_ACK_TLVS is set.
fn parse_error(flags: u16, payload: &[u8]) -> Result<(), NlError> {
    let code = read_i32(payload, 0).ok_or_else(|| NlError::proto("truncated NLMSG_ERROR"))?;
    if code == 0 {
        return Ok(());
    }
    let mut err = NlError::new(errno_from(code));
    if flags & NLM_F_ACK_TLVS != 0 {
        let echoed = if flags & NLM_F_CAPPED != 0 {
            Some(NLMSG_HDRLEN)
        } else {
            read_u32(payload, 4).map(|l| (l as usize).max(NLMSG_HDRLEN))
        };
        err.extack = echoed
            .and_then(align4)
            .and_then(|e| e.checked_add(4))
            .and_then(|off| payload.get(off..))
            .and_then(extack_msg);
    }
    Err(err)
}

/// NLMSG_DONE carries an int status, followed by extack TLVs on error.
fn parse_done(flags: u16, payload: &[u8]) -> Result<(), NlError> {
    match read_i32(payload, 0) {
        Some(code) if code < 0 => {
            let mut err = NlError::new(errno_from(code));
            if flags & NLM_F_ACK_TLVS != 0 {
                err.extack = payload.get(4..).and_then(extack_msg);
            }
            Err(err)
        }
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------
// Request building.

struct Request {
    buf: Vec<u8>,
}

impl Request {
    fn new(ty: u16, flags: u16) -> Self {
        let mut buf = vec![0u8; NLMSG_HDRLEN];
        buf[4..6].copy_from_slice(&ty.to_ne_bytes());
        buf[6..8].copy_from_slice(&flags.to_ne_bytes());
        Request { buf }
    }

    fn pad(&mut self) {
        let target = align4(self.buf.len()).unwrap_or(self.buf.len());
        self.buf.resize(target, 0);
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        self.pad();
    }

    fn attr(&mut self, ty: u16, payload: &[u8]) {
        // Callers only pass short, validated payloads, so the length fits.
        let len = u16::try_from(NLA_HDRLEN + payload.len()).unwrap_or(u16::MAX);
        self.buf.extend_from_slice(&len.to_ne_bytes());
        self.buf.extend_from_slice(&ty.to_ne_bytes());
        self.buf.extend_from_slice(payload);
        self.pad();
    }

    fn attr_u32(&mut self, ty: u16, v: u32) {
        self.attr(ty, &v.to_ne_bytes());
    }

    fn attr_i32(&mut self, ty: u16, v: i32) {
        self.attr(ty, &v.to_ne_bytes());
    }

    fn attr_str(&mut self, ty: u16, s: &str) {
        let mut p = Vec::with_capacity(s.len() + 1);
        p.extend_from_slice(s.as_bytes());
        p.push(0);
        self.attr(ty, &p);
    }

    /// Returns the nest's offset for `end_nest`.
    fn begin_nest(&mut self, ty: u16) -> usize {
        let start = self.buf.len();
        self.buf.extend_from_slice(&0u16.to_ne_bytes());
        self.buf
            .extend_from_slice(&(ty | NLA_F_NESTED).to_ne_bytes());
        start
    }

    fn end_nest(&mut self, start: usize) {
        let len = u16::try_from(self.buf.len() - start).unwrap_or(u16::MAX);
        self.buf[start..start + 2].copy_from_slice(&len.to_ne_bytes());
    }

    fn finish(mut self, seq: u32) -> Vec<u8> {
        let len = self.buf.len() as u32;
        self.buf[0..4].copy_from_slice(&len.to_ne_bytes());
        self.buf[8..12].copy_from_slice(&seq.to_ne_bytes());
        // nlmsg_pid stays 0: the kernel identifies us by the socket.
        self.buf
    }
}

fn ifinfomsg(index: i32, flags: u32, change: u32) -> [u8; IFINFOMSG_LEN] {
    let mut m = [0u8; IFINFOMSG_LEN];
    // family AF_UNSPEC, pad and type are zero.
    m[4..8].copy_from_slice(&index.to_ne_bytes());
    m[8..12].copy_from_slice(&flags.to_ne_bytes());
    m[12..16].copy_from_slice(&change.to_ne_bytes());
    m
}

fn tcmsg(ifindex: i32, handle: u32, parent: u32, info: u32) -> [u8; TCMSG_LEN] {
    let mut m = [0u8; TCMSG_LEN];
    m[4..8].copy_from_slice(&ifindex.to_ne_bytes());
    m[8..12].copy_from_slice(&handle.to_ne_bytes());
    m[12..16].copy_from_slice(&parent.to_ne_bytes());
    m[16..20].copy_from_slice(&info.to_ne_bytes());
    m
}

// ---------------------------------------------------------------------------
// Socket.

/// A reply message copied out of the receive buffer.
pub struct Reply {
    pub ty: u16,
    pub payload: Vec<u8>,
}

/// Interprets one received datagram of the replies to request `seq` sent from `port`: data
/// messages are appended to `replies`, and a dump flagged as interrupted sets `interrupted`.
/// Returns whether the request is finished (its ACK or NLMSG_DONE, or the error either carried).
/// No I/O, so that it can be fuzzed.
pub fn parse_datagram(
    data: &[u8],
    seq: u32,
    port: u32,
    replies: &mut Vec<Reply>,
    interrupted: &mut bool,
) -> Result<bool, NlError> {
    for m in split_messages(data)? {
        // Stale or foreign messages (e.g. from an earlier request)
        // are not ours to interpret.
        if m.seq != seq || m.pid != port {
            continue;
        }
        if m.flags & NLM_F_DUMP_INTR != 0 {
            *interrupted = true;
        }
        match m.ty {
            NLMSG_NOOP => {}
            NLMSG_ERROR => {
                parse_error(m.flags, m.payload)?;
                return Ok(true);
            }
            NLMSG_DONE => {
                parse_done(m.flags, m.payload)?;
                return Ok(true);
            }
            NLMSG_OVERRUN => return Err(NlError::new(libc::ENOBUFS)),
            _ => {
                replies.push(Reply {
                    ty: m.ty,
                    payload: m.payload.to_vec(),
                });
            }
        }
    }
    Ok(false)
}

static NEXT_SEQ: AtomicU32 = AtomicU32::new(1);

struct Socket {
    fd: OwnedFd,
    port: u32,
    buf: Vec<u8>,
}

impl Socket {
    fn open() -> Result<Self, NlError> {
        Self::open_with(true)
    }

    fn open_generic() -> Result<Self, NlError> {
        Self::open_proto(true, Some(rustix::net::netlink::GENERIC))
    }

    /// `cap_ack` false makes the kernel echo whole requests in error replies;
    /// only tests use that, to exercise the uncapped extack layout.
    fn open_with(cap_ack: bool) -> Result<Self, NlError> {
        Self::open_proto(cap_ack, None) // NETLINK_ROUTE is protocol 0
    }

    fn open_proto(cap_ack: bool, protocol: Option<rustix::net::Protocol>) -> Result<Self, NlError> {
        use rustix::net::{self as rnet, netlink::SocketAddrNetlink, AddressFamily, SocketType};
        let fd = rnet::socket_with(
            AddressFamily::NETLINK,
            SocketType::RAW,
            rnet::SocketFlags::CLOEXEC,
            protocol,
        )
        .map_err(io::Error::from)?;

        // Extended acks carry the kernel's reason for a failure; capped acks
        // keep error replies small. Kernels without them still work, so
        // failures to enable them are ignored. (rustix has no setter for
        // these SOL_NETLINK options.)
        for (opt, on) in [(NETLINK_EXT_ACK, true), (NETLINK_CAP_ACK, cap_ack)] {
            let one = libc::c_int::from(on);
            // SAFETY: valid fd and option buffer of the stated size.
            unsafe {
                libc::setsockopt(
                    fd.as_raw_fd(),
                    SOL_NETLINK,
                    opt,
                    (&one as *const libc::c_int).cast(),
                    mem::size_of::<libc::c_int>() as libc::socklen_t,
                );
            }
        }
        let _ = rnet::sockopt::set_socket_timeout(
            &fd,
            rnet::sockopt::Timeout::Recv,
            Some(std::time::Duration::from_secs(RECV_TIMEOUT_SECS as u64)),
        );
        // nl_pid 0 lets the kernel pick a unique port id; read it back.
        rnet::bind(&fd, &SocketAddrNetlink::new(0, 0)).map_err(io::Error::from)?;
        let addr = rnet::getsockname(&fd).map_err(io::Error::from)?;
        let port = SocketAddrNetlink::try_from(addr)
            .map_err(io::Error::from)?
            .pid();
        Ok(Socket {
            fd,
            port,
            buf: vec![0u8; RECV_BUF_LEN],
        })
    }

    fn send(&self, req: Request) -> Result<u32, NlError> {
        use rustix::net::{self as rnet, netlink::SocketAddrNetlink};
        let seq = NEXT_SEQ.fetch_add(1, Ordering::Relaxed);
        let msg = req.finish(seq);
        let kernel = SocketAddrNetlink::new(0, 0);
        loop {
            match rnet::sendto(&self.fd, &msg, rnet::SendFlags::empty(), &kernel) {
                Ok(n) if n == msg.len() => return Ok(seq),
                Ok(_) => return Err(NlError::proto("short send")),
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(io::Error::from(e).into()),
            }
        }
    }

    /// Receives one datagram from the kernel into `self.buf`, growing it when
    /// the datagram is larger; returns its length.
    fn recv_datagram(&mut self) -> Result<usize, NlError> {
        use rustix::net::{self as rnet, netlink::SocketAddrNetlink, RecvFlags};
        loop {
            let peek = match rnet::recv(
                &self.fd,
                &mut self.buf[..],
                RecvFlags::PEEK | RecvFlags::TRUNC,
            ) {
                Ok((_, full)) => full,
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(io::Error::from(e).into()),
            };
            if peek > self.buf.len() {
                self.buf.resize(peek, 0);
            }
            let (n, from) = match rnet::recvfrom(&self.fd, &mut self.buf[..], RecvFlags::empty()) {
                Ok((_, n, from)) => (n, from),
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(io::Error::from(e).into()),
            };
            // Only the kernel (port 0) may answer; another process could
            // otherwise inject replies by sending to our port.
            let from_kernel = from
                .and_then(|a| SocketAddrNetlink::try_from(a).ok())
                .is_some_and(|a| a.pid() == 0);
            if !from_kernel {
                continue;
            }
            return Ok(n.min(self.buf.len()));
        }
    }

    /// Sends a request and collects its replies until the final ACK (every
    /// non-dump request sets NLM_F_ACK) or NLMSG_DONE (dumps). Also returns
    /// whether the kernel flagged a dump as interrupted.
    fn transact(&mut self, req: Request) -> Result<(Vec<Reply>, bool), NlError> {
        let seq = self.send(req)?;
        let mut replies = Vec::new();
        let mut interrupted = false;
        loop {
            let n = self.recv_datagram()?;
            let data = &self.buf[..n];
            if parse_datagram(data, seq, self.port, &mut replies, &mut interrupted)? {
                return Ok((replies, interrupted));
            }
        }
    }

    /// Runs a request that expects only an ACK.
    fn ack(&mut self, req: Request) -> Result<(), NlError> {
        self.transact(req).map(|_| ())
    }

    /// Runs a dump, retrying while the kernel reports it as interrupted.
    fn dump(&mut self, build: impl Fn() -> Request) -> Result<Vec<Reply>, NlError> {
        let mut last = Vec::new();
        for _ in 0..DUMP_RETRIES {
            let (replies, interrupted) = self.transact(build())?;
            if !interrupted {
                return Ok(replies);
            }
            last = replies;
        }
        Ok(last)
    }
}

// ---------------------------------------------------------------------------
// Links.

fn parse_xdp(nest: &[u8]) -> XdpState {
    let mut x = XdpState::default();
    for (ty, p) in attrs(nest) {
        match ty {
            IFLA_XDP_ATTACHED => x.mode = attr_u8(p).and_then(XdpMode::from_attached),
            IFLA_XDP_PROG_ID => x.prog_id = attr_u32(p),
            IFLA_XDP_DRV_PROG_ID => x.drv_prog_id = attr_u32(p),
            IFLA_XDP_SKB_PROG_ID => x.skb_prog_id = attr_u32(p),
            IFLA_XDP_HW_PROG_ID => x.hw_prog_id = attr_u32(p),
            _ => {}
        }
    }
    x
}

/// Parses an RTM_NEWLINK payload (ifinfomsg + attributes).
pub fn parse_link(payload: &[u8]) -> Option<Link> {
    let index = read_i32(payload, 4)?;
    let flags = read_u32(payload, 8)?;
    let ifindex = u32::try_from(index).ok().filter(|&i| i != 0)?;
    let mut link = Link {
        ifindex,
        name: String::new(),
        up: flags & IFF_UP != 0,
        oper_up: flags & IFF_RUNNING != 0,
        kind: None,
        mtu: 0,
        xdp: XdpState::default(),
    };
    for (ty, p) in attrs(payload.get(IFINFOMSG_LEN..)?) {
        match ty {
            IFLA_IFNAME => link.name = attr_str(p),
            IFLA_MTU => link.mtu = attr_u32(p).unwrap_or(0),
            IFLA_OPERSTATE if attr_u8(p) == Some(IF_OPER_UP) => link.oper_up = true,
            IFLA_LINKINFO => {
                link.kind = attrs(p)
                    .find(|(t, _)| *t == IFLA_INFO_KIND)
                    .map(|(_, k)| attr_str(k));
            }
            IFLA_XDP => link.xdp = parse_xdp(p),
            _ => {}
        }
    }
    Some(link)
}

fn links_from(replies: &[Reply]) -> Vec<Link> {
    replies
        .iter()
        .filter(|r| r.ty == RTM_NEWLINK)
        .filter_map(|r| parse_link(&r.payload))
        .collect()
}

fn getlink_request(flags: u16, index: i32) -> Request {
    let mut req = Request::new(RTM_GETLINK, NLM_F_REQUEST | flags);
    req.raw(&ifinfomsg(index, 0, 0));
    req.attr_u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    req
}

/// Lists all links of the calling thread's network namespace.
pub fn list_links() -> Result<Vec<Link>, NlError> {
    let mut sock = Socket::open()?;
    let replies = sock.dump(|| getlink_request(NLM_F_DUMP, 0))?;
    Ok(links_from(&replies))
}

/// Looks a link up by name (or alternative name); `Ok(None)` if absent.
pub fn get_link(name: &str) -> Result<Option<Link>, NlError> {
    // Names the kernel could never hold are simply absent.
    if name.is_empty() || name.len() >= ALTIFNAMSIZ || name.contains('\0') {
        return Ok(None);
    }
    let mut req = getlink_request(NLM_F_ACK, 0);
    // IFLA_IFNAME is capped at IFNAMSIZ-1; longer names can only be altnames.
    let ty = if name.len() < IFNAMSIZ {
        IFLA_IFNAME
    } else {
        IFLA_ALT_IFNAME
    };
    req.attr_str(ty, name);
    get_one(req)
}

/// Looks a link up by ifindex; `Ok(None)` if absent.
pub fn get_link_by_index(ifindex: u32) -> Result<Option<Link>, NlError> {
    let index = match i32::try_from(ifindex) {
        Ok(i) if i > 0 => i,
        _ => return Ok(None),
    };
    get_one(getlink_request(NLM_F_ACK, index))
}

fn get_one(req: Request) -> Result<Option<Link>, NlError> {
    let mut sock = Socket::open()?;
    match sock.transact(req) {
        Ok((replies, _)) => Ok(links_from(&replies).into_iter().next()),
        Err(e) if e.errno == libc::ENODEV => Ok(None),
        Err(e) => Err(e),
    }
}

fn ifindex_arg(ifindex: u32) -> Result<i32, NlError> {
    match i32::try_from(ifindex) {
        Ok(i) if i > 0 => Ok(i),
        _ => Err(NlError::new(libc::ENODEV)),
    }
}

/// Attaches (`prog_fd` >= 0) or detaches (`prog_fd` == -1) an XDP program.
///
/// `flags` are `XDP_FLAGS_*`. With `expected_fd` the kernel only replaces
/// the program currently attached if it is that one; `XDP_FLAGS_REPLACE`,
/// which the kernel requires for it, is added automatically. On failure the
/// kernel's extended-ack message is returned in [`NlError::extack`].
pub fn xdp_set(
    ifindex: u32,
    prog_fd: i32,
    flags: u32,
    expected_fd: Option<i32>,
) -> Result<(), NlError> {
    let req = xdp_request(ifindex, prog_fd, flags, expected_fd)?;
    Socket::open()?.ack(req)
}

fn xdp_request(
    ifindex: u32,
    prog_fd: i32,
    flags: u32,
    expected_fd: Option<i32>,
) -> Result<Request, NlError> {
    let index = ifindex_arg(ifindex)?;
    let flags = if expected_fd.is_some() {
        flags | XDP_FLAGS_REPLACE
    } else {
        flags
    };
    let mut req = Request::new(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK);
    req.raw(&ifinfomsg(index, 0, 0));
    let nest = req.begin_nest(IFLA_XDP);
    req.attr_i32(IFLA_XDP_FD, prog_fd);
    if flags != 0 {
        req.attr_u32(IFLA_XDP_FLAGS, flags);
    }
    if let Some(fd) = expected_fd {
        req.attr_i32(IFLA_XDP_EXPECTED_FD, fd);
    }
    req.end_nest(nest);
    Ok(req)
}

// ---------------------------------------------------------------------------
// Traffic control.

fn clsact_parent(ingress: bool) -> u32 {
    (TC_H_CLSACT & 0xFFFF_0000)
        | if ingress {
            TC_H_MIN_INGRESS
        } else {
            TC_H_MIN_EGRESS
        }
}

/// Whether the device has a clsact qdisc.
pub fn has_clsact(ifindex: u32) -> Result<bool, NlError> {
    Ok(clsact_ifindexes()?.contains(&ifindex))
}

/// Every device of this namespace with a clsact qdisc, from one qdisc dump (the kernel dumps
/// all devices' qdiscs whatever the request's ifindex, so one dump serves them all).
pub fn clsact_ifindexes() -> Result<std::collections::BTreeSet<u32>, NlError> {
    let mut sock = Socket::open()?;
    let replies = sock.dump(|| {
        let mut req = Request::new(RTM_GETQDISC, NLM_F_REQUEST | NLM_F_DUMP);
        req.raw(&tcmsg(0, 0, 0, 0));
        req
    })?;
    Ok(replies
        .iter()
        .filter(|r| r.ty == RTM_NEWQDISC)
        .filter(|r| {
            r.payload
                .get(TCMSG_LEN..)
                .is_some_and(|a| attrs(a).any(|(ty, p)| ty == TCA_KIND && attr_str(p) == "clsact"))
        })
        .filter_map(|r| read_u32(&r.payload, 4))
        .collect())
}

/// Adds a clsact qdisc (fails with EEXIST if one is already there).
pub fn add_clsact(ifindex: u32) -> Result<(), NlError> {
    let index = ifindex_arg(ifindex)?;
    let mut req = Request::new(
        RTM_NEWQDISC,
        NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
    );
    req.raw(&tcmsg(index, TC_H_CLSACT & 0xFFFF_0000, TC_H_CLSACT, 0));
    req.attr_str(TCA_KIND, "clsact");
    Socket::open()?.ack(req)
}

/// Removes the clsact qdisc together with all its filters.
pub fn delete_clsact(ifindex: u32) -> Result<(), NlError> {
    let index = ifindex_arg(ifindex)?;
    let mut req = Request::new(RTM_DELQDISC, NLM_F_REQUEST | NLM_F_ACK);
    req.raw(&tcmsg(index, TC_H_CLSACT & 0xFFFF_0000, TC_H_CLSACT, 0));
    Socket::open()?.ack(req)
}

/// Attaches a direct-action cls_bpf filter for all protocols under clsact
/// ingress or egress. `priority` 0 and `handle` 0 let the kernel choose.
pub fn add_tc_bpf_filter(
    ifindex: u32,
    ingress: bool,
    prog_fd: i32,
    name: &str,
    priority: u16,
    handle: u32,
) -> Result<(), NlError> {
    set_tc_bpf_filter(ifindex, ingress, prog_fd, name, priority, handle, false)
}

/// Swaps the program of an existing filter in one request (`tc filter replace`): the kernel
/// installs the new cls_bpf program atomically, with no window without a filter.
pub fn replace_tc_bpf_filter(
    ifindex: u32,
    ingress: bool,
    prog_fd: i32,
    name: &str,
    priority: u16,
    handle: u32,
) -> Result<(), NlError> {
    set_tc_bpf_filter(ifindex, ingress, prog_fd, name, priority, handle, true)
}

fn set_tc_bpf_filter(
    ifindex: u32,
    ingress: bool,
    prog_fd: i32,
    name: &str,
    priority: u16,
    handle: u32,
    replace: bool,
) -> Result<(), NlError> {
    let index = ifindex_arg(ifindex)?;
    let fd = u32::try_from(prog_fd).map_err(|_| NlError::new(libc::EBADF))?;
    if name.contains('\0') || name.len() > 255 {
        return Err(NlError::invalid("invalid filter name"));
    }
    let info = (u32::from(priority) << 16) | u32::from(ETH_P_ALL.to_be());
    let mode = if replace { NLM_F_REPLACE } else { NLM_F_EXCL };
    let mut req = Request::new(
        RTM_NEWTFILTER,
        NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | mode,
    );
    req.raw(&tcmsg(index, handle, clsact_parent(ingress), info));
    req.attr_str(TCA_KIND, "bpf");
    let opts = req.begin_nest(TCA_OPTIONS);
    req.attr_u32(TCA_BPF_FD, fd);
    if !name.is_empty() {
        req.attr_str(TCA_BPF_NAME, name);
    }
    req.attr_u32(TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
    req.end_nest(opts);
    Socket::open()?.ack(req)
}

/// Deletes the filter with `priority`/`handle` under clsact ingress or
/// egress; `handle` 0 deletes every filter of that priority.
pub fn delete_tc_filter(
    ifindex: u32,
    ingress: bool,
    priority: u16,
    handle: u32,
) -> Result<(), NlError> {
    let index = ifindex_arg(ifindex)?;
    let mut req = Request::new(RTM_DELTFILTER, NLM_F_REQUEST | NLM_F_ACK);
    // Protocol 0 matches the filter whatever its protocol.
    let info = u32::from(priority) << 16;
    req.raw(&tcmsg(index, handle, clsact_parent(ingress), info));
    Socket::open()?.ack(req)
}

/// Parses an RTM_NEWTFILTER payload; `None` for non-bpf entries and for the
/// per-priority header entries (handle 0) that dumps interleave.
pub fn parse_tc_filter(payload: &[u8], ingress: bool) -> Option<TcFilter> {
    let ifindex = u32::try_from(read_i32(payload, 4)?).ok()?;
    let handle = read_u32(payload, 8)?;
    let info = read_u32(payload, 16)?;
    if handle == 0 {
        return None;
    }
    let mut f = TcFilter {
        ifindex,
        parent_ingress: ingress,
        kind: String::new(),
        priority: (info >> 16) as u16,
        protocol: u16::from_be(info as u16),
        handle,
        prog_id: None,
        prog_name: None,
        direct_action: false,
    };
    let mut options: &[u8] = &[];
    for (ty, p) in attrs(payload.get(TCMSG_LEN..)?) {
        match ty {
            TCA_KIND => f.kind = attr_str(p),
            TCA_OPTIONS => options = p,
            _ => {}
        }
    }
    if f.kind != "bpf" {
        return None;
    }
    for (ty, p) in attrs(options) {
        match ty {
            TCA_BPF_ID => f.prog_id = attr_u32(p),
            TCA_BPF_NAME => f.prog_name = Some(attr_str(p)),
            TCA_BPF_FLAGS => {
                f.direct_action = attr_u32(p).unwrap_or(0) & TCA_BPF_FLAG_ACT_DIRECT != 0
            }
            _ => {}
        }
    }
    Some(f)
}

/// Every filter message (any kind) under the clsact qdisc of a device, with its direction,
/// ingress first. `None` when the device has no clsact.
fn dump_clsact_filters(ifindex: u32) -> Result<Option<Vec<(bool, Reply)>>, NlError> {
    ifindex_arg(ifindex)?;
    // Checked first because a plain `ingress` qdisc would also answer a dump
    // for ffff:fff2/fff3 and its filters are not clsact filters.
    if !has_clsact(ifindex)? {
        return Ok(None);
    }
    dump_filters_under_clsact(ifindex).map(Some)
}

/// The filter dumps of [`dump_clsact_filters`], for a device known to have clsact.
fn dump_filters_under_clsact(ifindex: u32) -> Result<Vec<(bool, Reply)>, NlError> {
    let index = ifindex_arg(ifindex)?;
    let mut sock = Socket::open()?;
    let mut out = Vec::new();
    for ingress in [true, false] {
        let parent = clsact_parent(ingress);
        let replies = match sock.dump(|| {
            let mut req = Request::new(RTM_GETTFILTER, NLM_F_REQUEST | NLM_F_DUMP);
            req.raw(&tcmsg(index, 0, parent, 0));
            req
        }) {
            Ok(r) => r,
            // clsact removed in between: nothing attached.
            Err(e) if e.errno == libc::EINVAL || e.errno == libc::ENOENT => continue,
            Err(e) => return Err(e),
        };
        out.extend(
            replies
                .into_iter()
                .filter(|r| r.ty == RTM_NEWTFILTER)
                .map(|r| (ingress, r)),
        );
    }
    Ok(out)
}

/// Lists cls_bpf filters under the clsact qdisc of a device, ingress first.
/// A device without clsact has none (`Ok(empty)`); a missing device is
/// ENODEV.
pub fn list_tc_bpf_filters(ifindex: u32) -> Result<Vec<TcFilter>, NlError> {
    let Some(msgs) = dump_clsact_filters(ifindex)? else {
        return match get_link_by_index(ifindex)? {
            Some(_) => Ok(Vec::new()),
            None => Err(NlError::new(libc::ENODEV)),
        };
    };
    Ok(msgs
        .iter()
        .filter_map(|(ingress, r)| parse_tc_filter(&r.payload, *ingress))
        .filter(|f| f.ifindex == ifindex)
        .collect())
}

/// [`list_tc_bpf_filters`] for a device that [`clsact_ifindexes`] listed: callers that show
/// many devices dump the qdiscs once instead of once per device.
pub fn list_tc_bpf_filters_clsact(ifindex: u32) -> Result<Vec<TcFilter>, NlError> {
    Ok(dump_filters_under_clsact(ifindex)?
        .iter()
        .filter_map(|(ingress, r)| parse_tc_filter(&r.payload, *ingress))
        .filter(|f| f.ifindex == ifindex)
        .collect())
}

// ---------------------------------------------------------------------------
// Generic netlink: the netdev family (Linux 6.3+), for XDP features.

const GENL_ID_CTRL: u16 = 0x10;
const CTRL_CMD_GETFAMILY: u8 = 3;
const CTRL_ATTR_FAMILY_ID: u16 = 1;
const CTRL_ATTR_FAMILY_NAME: u16 = 2;
const NETDEV_CMD_DEV_GET: u8 = 1;
const NETDEV_A_DEV_IFINDEX: u16 = 1;
const NETDEV_A_DEV_XDP_FEATURES: u16 = 3;
const GENLMSG_HDRLEN: usize = 4;

fn genl_request(family: u16, cmd: u8, flags: u16) -> Request {
    let mut req = Request::new(family, NLM_F_REQUEST | flags);
    // genlmsghdr: cmd, version, reserved.
    req.raw(&[cmd, 1, 0, 0]);
    req
}

/// XDP feature flags (`NETDEV_XDP_ACT_*`) of every device in this namespace, from one
/// netdev-family dump. `Ok(None)` when the kernel has no netdev family (before 6.3): it
/// reports no features, which libbpf's `bpf_xdp_query` gives as 0 for every device.
pub fn xdp_features_all() -> Result<Option<BTreeMap<u32, u64>>, NlError> {
    let mut sock = Socket::open_generic()?;
    let mut req = genl_request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
    req.attr_str(CTRL_ATTR_FAMILY_NAME, "netdev");
    let family = match sock.transact(req) {
        Ok((replies, _)) => replies.iter().find_map(|r| {
            attrs(r.payload.get(GENLMSG_HDRLEN..)?)
                .find(|(t, _)| *t == CTRL_ATTR_FAMILY_ID)
                .and_then(|(_, p)| Some(u16::from_ne_bytes(p.get(..2)?.try_into().ok()?)))
        }),
        Err(e) if e.errno == libc::ENOENT => return Ok(None),
        Err(e) => return Err(e),
    };
    let family = family.ok_or_else(|| NlError::proto("no netdev family id in the reply"))?;
    let replies = sock.dump(|| genl_request(family, NETDEV_CMD_DEV_GET, NLM_F_DUMP))?;
    let mut out = BTreeMap::new();
    for r in replies.iter().filter(|r| r.ty == family) {
        let Some(a) = r.payload.get(GENLMSG_HDRLEN..) else {
            continue;
        };
        let (mut ifindex, mut flags) = (None, None);
        for (ty, p) in attrs(a) {
            match ty {
                NETDEV_A_DEV_IFINDEX => ifindex = attr_u32(p),
                NETDEV_A_DEV_XDP_FEATURES => {
                    flags = p
                        .get(..8)
                        .and_then(|b| b.try_into().ok())
                        .map(u64::from_ne_bytes)
                }
                _ => {}
            }
        }
        if let Some(i) = ifindex {
            // A device without the attribute has no features, as libbpf reads it.
            out.insert(i, flags.unwrap_or(0));
        }
    }
    Ok(Some(out))
}

/// Number of tc filters of any kind (bpf, matchall, flower, u32, …) under clsact, both
/// directions: a clsact qdisc is only removable when this is 0, or other tools lose filters.
pub fn count_clsact_filters(ifindex: u32) -> Result<usize, NlError> {
    Ok(dump_clsact_filters(ifindex)?.map_or(0, |m| m.len()))
}

/// A netlink failure as x0bpf's error: the errno's words, then the kernel's extended ack.
pub fn nl_err(e: NlError) -> crate::error::X0Error {
    let mut msg = crate::error::errno_text(e.errno);
    if let Some(x) = &e.extack {
        msg = format!("{msg}: {x}");
    }
    crate::error::X0Error::new(crate::error::ErrorKind::from_errno(e.errno), msg).errno(e.errno)
}

#[cfg(test)]
mod tests {
    // Test fixtures only: the product never creates or removes interfaces.
    fn set_link_flags(ifindex: u32, up: bool) -> Result<(), NlError> {
        let index = ifindex_arg(ifindex)?;
        let mut req = Request::new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
        req.raw(&ifinfomsg(index, if up { IFF_UP } else { 0 }, IFF_UP));
        Socket::open()?.ack(req)
    }

    /// Sets a link administratively up (like `ip link set dev X up`).
    pub fn set_link_up(ifindex: u32) -> Result<(), NlError> {
        set_link_flags(ifindex, true)
    }

    /// Sets a link administratively down.
    pub fn set_link_down(ifindex: u32) -> Result<(), NlError> {
        set_link_flags(ifindex, false)
    }

    fn check_ifname(name: &str) -> Result<(), NlError> {
        if name.is_empty() || name.len() >= IFNAMSIZ || name.contains('\0') {
            return Err(NlError::invalid(&format!(
                "invalid interface name {name:?} (1 to {} bytes)",
                IFNAMSIZ - 1
            )));
        }
        Ok(())
    }

    /// Creates a veth pair `name` <-> `peer` in the current network namespace.
    pub fn create_veth(name: &str, peer: &str) -> Result<(), NlError> {
        check_ifname(name)?;
        check_ifname(peer)?;
        let mut req = Request::new(
            RTM_NEWLINK,
            NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
        );
        req.raw(&ifinfomsg(0, 0, 0));
        req.attr_str(IFLA_IFNAME, name);
        let linkinfo = req.begin_nest(IFLA_LINKINFO);
        req.attr_str(IFLA_INFO_KIND, "veth");
        let data = req.begin_nest(IFLA_INFO_DATA);
        // VETH_INFO_PEER holds a whole ifinfomsg followed by the peer's attributes.
        let peer_nest = req.begin_nest(VETH_INFO_PEER);
        req.raw(&ifinfomsg(0, 0, 0));
        req.attr_str(IFLA_IFNAME, peer);
        req.end_nest(peer_nest);
        req.end_nest(data);
        req.end_nest(linkinfo);
        Socket::open()?.ack(req)
    }

    /// Deletes a link (for a veth this removes its peer too).
    pub fn delete_link(ifindex: u32) -> Result<(), NlError> {
        let index = ifindex_arg(ifindex)?;
        let mut req = Request::new(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK);
        req.raw(&ifinfomsg(index, 0, 0));
        Socket::open()?.ack(req)
    }

    use super::*;
    use std::process::Command;

    // ---- pure parsing tests (no privileges needed) ----

    fn nlattr(ty: u16, payload: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&((4 + payload.len()) as u16).to_ne_bytes());
        v.extend_from_slice(&ty.to_ne_bytes());
        v.extend_from_slice(payload);
        while v.len() % 4 != 0 {
            v.push(0);
        }
        v
    }

    fn nlhdr(len: u32, ty: u16, flags: u16) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&len.to_ne_bytes());
        v.extend_from_slice(&ty.to_ne_bytes());
        v.extend_from_slice(&flags.to_ne_bytes());
        v.extend_from_slice(&7u32.to_ne_bytes());
        v.extend_from_slice(&9u32.to_ne_bytes());
        v
    }

    #[test]
    fn extack_capped_and_uncapped() {
        let tlv = nlattr(NLMSGERR_ATTR_MSG, b"XDP program already attached\0");
        // Capped: error code, echoed header only, TLVs.
        let mut capped = (-libc::EBUSY).to_ne_bytes().to_vec();
        capped.extend(nlhdr(40, RTM_SETLINK, 5));
        capped.extend(&tlv);
        let e = parse_error(NLM_F_CAPPED | NLM_F_ACK_TLVS, &capped).unwrap_err();
        assert_eq!(e.errno, libc::EBUSY);
        assert_eq!(e.extack.as_deref(), Some("XDP program already attached"));

        // Uncapped: the whole 22-byte request is echoed, padded to 24.
        let mut uncapped = (-libc::EOPNOTSUPP).to_ne_bytes().to_vec();
        uncapped.extend(nlhdr(22, RTM_SETLINK, 5));
        uncapped.extend([0xAA; 8]);
        uncapped.extend(&tlv);
        let e = parse_error(NLM_F_ACK_TLVS, &uncapped).unwrap_err();
        assert_eq!(e.errno, libc::EOPNOTSUPP);
        assert_eq!(e.extack.as_deref(), Some("XDP program already attached"));

        // No TLV flag: no message even if bytes follow.
        let e = parse_error(NLM_F_CAPPED, &capped).unwrap_err();
        assert!(e.extack.is_none());

        // ACK.
        let mut ack = 0i32.to_ne_bytes().to_vec();
        ack.extend(nlhdr(16, RTM_SETLINK, 5));
        assert!(parse_error(NLM_F_CAPPED, &ack).is_ok());
        assert!(parse_error(0, &[1, 2]).is_err());

        // Echoed length pointing past the end must not panic.
        let mut bogus = (-libc::EINVAL).to_ne_bytes().to_vec();
        bogus.extend(nlhdr(u32::MAX, RTM_SETLINK, 5));
        let e = parse_error(NLM_F_ACK_TLVS, &bogus).unwrap_err();
        assert_eq!(e.errno, libc::EINVAL);
        assert!(e.extack.is_none());

        let mut done = (-libc::EINTR).to_ne_bytes().to_vec();
        done.extend(&tlv);
        let e = parse_done(NLM_F_ACK_TLVS, &done).unwrap_err();
        assert_eq!(e.errno, libc::EINTR);
        assert!(e.extack.is_some());
        assert!(parse_done(0, &0i32.to_ne_bytes()).is_ok());
        assert!(parse_done(0, &[]).is_ok());
    }

    #[test]
    fn display_and_conversions() {
        let e = NlError {
            errno: libc::EBUSY,
            extack: Some("XDP program already attached".into()),
        };
        assert_eq!(
            e.to_string(),
            "Device or resource busy: XDP program already attached"
        );
        assert_eq!(NlError::new(libc::ENODEV).to_string(), "No such device");
        let e = NlError::from_io(io::Error::from_raw_os_error(libc::EPERM));
        assert_eq!((e.errno, e.extack.is_none()), (libc::EPERM, true));
        let e: NlError = io::Error::other("boom").into();
        assert_eq!(e.errno, libc::EIO);
        let io_err: io::Error = NlError::new(libc::ENOENT).into();
        assert_eq!(io_err.raw_os_error(), Some(libc::ENOENT));
    }

    #[test]
    fn parse_link_message() {
        let mut p = ifinfomsg(5, IFF_UP | IFF_RUNNING, 0).to_vec();
        p.extend(nlattr(IFLA_IFNAME, b"veth0\0"));
        p.extend(nlattr(IFLA_MTU, &1500u32.to_ne_bytes()));
        p.extend(nlattr(99, b"unknown attribute"));
        let mut li = nlattr(IFLA_INFO_KIND, b"veth\0");
        li.extend(nlattr(IFLA_INFO_DATA, &[1, 2, 3]));
        p.extend(nlattr(IFLA_LINKINFO | NLA_F_NESTED, &li));
        let mut xdp = nlattr(IFLA_XDP_ATTACHED, &[1]);
        xdp.extend(nlattr(IFLA_XDP_PROG_ID, &42u32.to_ne_bytes()));
        xdp.extend(nlattr(IFLA_XDP_DRV_PROG_ID, &42u32.to_ne_bytes()));
        xdp.extend(nlattr(IFLA_XDP_SKB_PROG_ID, &[1])); // too short: ignored
        p.extend(nlattr(IFLA_XDP | NLA_F_NESTED, &xdp));
        let l = parse_link(&p).unwrap();
        assert_eq!(l.ifindex, 5);
        assert_eq!(l.name, "veth0");
        assert!(l.up && l.oper_up);
        assert_eq!(l.kind.as_deref(), Some("veth"));
        assert_eq!(l.mtu, 1500);
        assert_eq!(l.xdp.mode, Some(XdpMode::Drv));
        assert_eq!(l.xdp.prog_id, Some(42));
        assert_eq!(l.xdp.drv_prog_id, Some(42));
        assert_eq!(l.xdp.skb_prog_id, None);

        // Operstate alone makes it operationally up.
        let mut p = ifinfomsg(3, 0, 0).to_vec();
        p.extend(nlattr(IFLA_OPERSTATE, &[IF_OPER_UP]));
        assert!(parse_link(&p).unwrap().oper_up);
        assert!(parse_link(&ifinfomsg(-1, 0, 0)).is_none());
        assert!(parse_link(&[0; 8]).is_none());
    }

    #[test]
    fn parse_filter_message() {
        let info = (1u32 << 16) | u32::from(ETH_P_ALL.to_be());
        let mut p = tcmsg(4, 1, clsact_parent(true), info).to_vec();
        p.extend(nlattr(TCA_KIND, b"bpf\0"));
        let mut o = nlattr(TCA_BPF_ID, &77u32.to_ne_bytes());
        o.extend(nlattr(TCA_BPF_NAME, b"x0_tc\0"));
        o.extend(nlattr(TCA_BPF_FLAGS, &1u32.to_ne_bytes()));
        p.extend(nlattr(TCA_OPTIONS | NLA_F_NESTED, &o));
        let f = parse_tc_filter(&p, true).unwrap();
        assert_eq!((f.ifindex, f.handle, f.priority), (4, 1, 1));
        assert_eq!(f.protocol, ETH_P_ALL);
        assert_eq!(f.kind, "bpf");
        assert_eq!(f.prog_id, Some(77));
        assert_eq!(f.prog_name.as_deref(), Some("x0_tc"));
        assert!(f.direct_action && f.parent_ingress);
        // Header entry of a priority (handle 0) and other kinds are skipped.
        let mut hdr = tcmsg(4, 0, clsact_parent(true), info).to_vec();
        hdr.extend(nlattr(TCA_KIND, b"bpf\0"));
        assert!(parse_tc_filter(&hdr, true).is_none());
        let mut u32f = tcmsg(4, 0x800, clsact_parent(true), info).to_vec();
        u32f.extend(nlattr(TCA_KIND, b"u32\0"));
        assert!(parse_tc_filter(&u32f, true).is_none());
    }

    #[test]
    fn message_splitting_and_attr_bounds() {
        let mut d = nlhdr(20, NLMSG_DONE, 0);
        d.extend(0i32.to_ne_bytes());
        let mut two = d.clone();
        two.extend(&d);
        assert_eq!(split_messages(&two).unwrap().len(), 2);
        // Trailing bytes shorter than a header are ignored.
        two.extend([0u8; 3]);
        assert_eq!(split_messages(&two).unwrap().len(), 2);
        // Length past the end is an error, length below a header too.
        assert!(split_messages(&nlhdr(100, NLMSG_DONE, 0)).is_err());
        assert!(split_messages(&nlhdr(4, NLMSG_DONE, 0)).is_err());

        // Attribute claiming more than is there ends iteration.
        let mut a = nlattr(1, &[1, 2, 3, 4]);
        a.extend([200, 0, 2, 0, 9]);
        let got: Vec<_> = attrs(&a).collect();
        assert_eq!(got.len(), 1);
        // Last attribute without trailing padding is still read.
        let a = [7u8, 0, 3, 0, b'a', b'b', b'c'];
        let got: Vec<_> = attrs(&a).collect();
        assert_eq!(got, vec![(3u16, &b"abc"[..])]);
        // Zero-length attribute must not loop forever.
        assert_eq!(attrs(&[0u8; 16]).count(), 0);
    }

    /// Deterministic fuzzing: random and mutated inputs must never panic.
    #[test]
    fn hostile_input_never_panics() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut rnd = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut base = ifinfomsg(5, 1, 0).to_vec();
        base.extend(nlattr(IFLA_IFNAME, b"eth9\0"));
        let mut xdp = nlattr(IFLA_XDP_ATTACHED, &[4]);
        xdp.extend(nlattr(IFLA_XDP_HW_PROG_ID, &3u32.to_ne_bytes()));
        base.extend(nlattr(IFLA_XDP | NLA_F_NESTED, &xdp));
        for i in 0..20_000 {
            let len = (rnd() % 96) as usize;
            let mut buf: Vec<u8> = if i % 2 == 0 {
                (0..len).map(|_| rnd() as u8).collect()
            } else {
                let mut b = base.clone();
                for _ in 0..(1 + rnd() % 4) {
                    let at = (rnd() as usize) % b.len();
                    b[at] = rnd() as u8;
                }
                b.truncate((rnd() as usize) % (b.len() + 1));
                b
            };
            let _ = parse_link(&buf);
            let _ = parse_tc_filter(&buf, false);
            let _ = parse_error(NLM_F_ACK_TLVS, &buf);
            let _ = parse_error(NLM_F_ACK_TLVS | NLM_F_CAPPED, &buf);
            let _ = parse_done(NLM_F_ACK_TLVS, &buf);
            let _ = split_messages(&buf);
            let _ = attrs(&buf).count();
            buf.clear();
        }
    }

    // ---- kernel tests: root, each in a private network namespace ----

    fn require_root() {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            panic!("this test needs root (CAP_NET_ADMIN/CAP_SYS_ADMIN): run as root");
        }
    }

    /// Runs `f` on a fresh thread moved into a new, empty network namespace
    /// that disappears with the thread, so host interfaces are never touched.
    fn in_netns<F: FnOnce() + Send + 'static>(f: F) {
        require_root();
        let t = std::thread::spawn(move || {
            // SAFETY: unshare only affects this thread's namespaces.
            let rc = unsafe { libc::unshare(libc::CLONE_NEWNET) };
            assert_eq!(
                rc,
                0,
                "unshare(CLONE_NEWNET): {}",
                io::Error::last_os_error()
            );
            f();
        });
        if let Err(p) = t.join() {
            std::panic::resume_unwind(p);
        }
    }

    /// Runs a command inside this thread's network namespace as a witness
    /// independent of this module; `None` when the tool is not installed.
    fn witness(args: &[&str]) -> Option<String> {
        // SAFETY: gettid has no preconditions.
        let tid = unsafe { libc::gettid() };
        let ns = format!("--net=/proc/{}/task/{tid}/ns/net", std::process::id());
        let out = Command::new("nsenter").arg(ns).args(args).output().ok()?;
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    const BPF_PROG_LOAD: libc::c_long = 5;
    const BPF_OBJ_GET_INFO_BY_FD: libc::c_long = 15;
    const BPF_PROG_TYPE_SCHED_CLS: u32 = 3;
    const BPF_PROG_TYPE_XDP: u32 = 6;

    #[repr(C)]
    #[derive(Default)]
    struct ProgLoadAttr {
        prog_type: u32,
        insn_cnt: u32,
        insns: u64,
        license: u64,
        log_level: u32,
        log_size: u32,
        log_buf: u64,
        kern_version: u32,
        prog_flags: u32,
        prog_name: [u8; 16],
        prog_ifindex: u32,
        expected_attach_type: u32,
    }

    /// Loads `r0 = ret; exit` and returns its fd.
    fn load_prog(prog_type: u32, ret: i32, name: &str) -> OwnedFd {
        let mut insns = [0u8; 16];
        insns[0] = 0xb7; // BPF_ALU64 | BPF_MOV | BPF_K, dst r0
        insns[4..8].copy_from_slice(&ret.to_ne_bytes());
        insns[8] = 0x95; // BPF_JMP | BPF_EXIT
        let license = b"GPL\0";
        let mut attr = ProgLoadAttr {
            prog_type,
            insn_cnt: 2,
            insns: insns.as_ptr() as u64,
            license: license.as_ptr() as u64,
            ..Default::default()
        };
        attr.prog_name[..name.len()].copy_from_slice(name.as_bytes());
        // SAFETY: attr points to a valid, zero-padded bpf_attr prefix and the
        // buffers it references outlive the call.
        let fd = unsafe {
            libc::syscall(
                libc::SYS_bpf,
                BPF_PROG_LOAD,
                &attr as *const ProgLoadAttr,
                mem::size_of::<ProgLoadAttr>() as u32,
            )
        };
        assert!(fd >= 0, "BPF_PROG_LOAD: {}", io::Error::last_os_error());
        // SAFETY: fresh descriptor returned by the kernel.
        unsafe { std::os::fd::FromRawFd::from_raw_fd(fd as i32) }
    }

    fn prog_id(fd: &OwnedFd) -> u32 {
        let mut info = [0u64; 32]; // struct bpf_prog_info prefix; id at byte 4
        #[repr(C)]
        struct InfoAttr {
            bpf_fd: u32,
            info_len: u32,
            info: u64,
        }
        let attr = InfoAttr {
            bpf_fd: fd.as_raw_fd() as u32,
            info_len: mem::size_of_val(&info) as u32,
            info: info.as_mut_ptr() as u64,
        };
        // SAFETY: attr references a writable buffer of info_len bytes.
        let rc = unsafe {
            libc::syscall(
                libc::SYS_bpf,
                BPF_OBJ_GET_INFO_BY_FD,
                &attr as *const InfoAttr,
                mem::size_of::<InfoAttr>() as u32,
            )
        };
        assert_eq!(
            rc,
            0,
            "BPF_OBJ_GET_INFO_BY_FD: {}",
            io::Error::last_os_error()
        );
        let b = info[0].to_ne_bytes();
        u32::from_ne_bytes([b[4], b[5], b[6], b[7]])
    }

    fn link(name: &str) -> Link {
        get_link(name)
            .unwrap()
            .unwrap_or_else(|| panic!("{name} missing"))
    }

    #[test]
    fn links_lo_and_veth() {
        in_netns(|| {
            let links = list_links().unwrap();
            assert_eq!(links.len(), 1, "fresh netns has only lo: {links:?}");
            let lo = &links[0];
            assert_eq!((lo.name.as_str(), lo.kind.as_deref()), ("lo", None));
            assert!(!lo.up);
            assert_eq!(lo.xdp.mode, Some(XdpMode::None));
            set_link_up(lo.ifindex).unwrap();
            let lo = get_link_by_index(lo.ifindex).unwrap().unwrap();
            assert!(lo.up && lo.oper_up, "{lo:?}");
            assert_eq!(lo.mtu, 65536);

            create_veth("x0a", "x0b").unwrap();
            let e = create_veth("x0a", "x0c").unwrap_err();
            assert_eq!(e.errno, libc::EEXIST, "{e}");
            assert!(create_veth("this-name-is-too-long", "x0d").is_err());

            let links = list_links().unwrap();
            for n in ["x0a", "x0b"] {
                let l = links.iter().find(|l| l.name == n).expect(n);
                assert_eq!(l.kind.as_deref(), Some("veth"), "{l:?}");
                assert_eq!(l.mtu, 1500);
                assert!(!l.up && !l.oper_up);
            }
            assert!(links.iter().any(|l| l.name == "lo"));

            let a = link("x0a");
            assert_eq!(get_link_by_index(a.ifindex).unwrap().unwrap().name, "x0a");
            set_link_up(a.ifindex).unwrap();
            set_link_up(link("x0b").ifindex).unwrap();
            let a = link("x0a");
            assert!(a.up && a.oper_up, "{a:?}");
            set_link_down(a.ifindex).unwrap();
            assert!(!link("x0a").up);

            assert!(get_link("nope0").unwrap().is_none());
            assert!(get_link("").unwrap().is_none());
            assert!(get_link("a-name-longer-than-ifnamsiz").unwrap().is_none());
            assert!(get_link_by_index(0).unwrap().is_none());
            assert!(get_link_by_index(999_999).unwrap().is_none());
            assert!(get_link_by_index(u32::MAX).unwrap().is_none());

            if let Some(out) = witness(&["ip", "-o", "link", "show", "type", "veth"]) {
                assert!(out.contains("x0a@x0b") && out.contains("x0b@x0a"), "{out}");
            } else {
                eprintln!("note: nsenter/ip not available, witness skipped");
            }

            delete_link(a.ifindex).unwrap();
            assert!(get_link("x0a").unwrap().is_none());
            assert!(get_link("x0b").unwrap().is_none(), "peer goes too");
            assert_eq!(delete_link(a.ifindex).unwrap_err().errno, libc::ENODEV);
        });
    }

    /// Enough links that the dump spans several datagrams (multipart).
    #[test]
    fn many_links_multipart_dump() {
        in_netns(|| {
            const PAIRS: usize = 40;
            for i in 0..PAIRS {
                create_veth(&format!("xm{i}a"), &format!("xm{i}b")).unwrap();
            }
            let links = list_links().unwrap();
            assert_eq!(links.len(), 1 + 2 * PAIRS);
            for i in 0..PAIRS {
                for side in ["a", "b"] {
                    let name = format!("xm{i}{side}");
                    let l = links.iter().find(|l| l.name == name).expect(&name);
                    assert_eq!(l.kind.as_deref(), Some("veth"));
                }
            }
            let mut ids: Vec<u32> = links.iter().map(|l| l.ifindex).collect();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), links.len(), "no duplicates");

            // A too-small receive buffer must grow instead of truncating (the
            // kernel still sends datagrams of at least about a page).
            let mut sock = Socket::open().unwrap();
            sock.buf = vec![0; 64];
            let replies = sock.dump(|| getlink_request(NLM_F_DUMP, 0)).unwrap();
            assert_eq!(links_from(&replies).len(), links.len());
            assert!(sock.buf.len() > 64);
        });
    }

    #[test]
    fn xdp_drv_on_veth() {
        in_netns(|| {
            create_veth("xv0", "xv1").unwrap();
            let v = link("xv0");
            assert_eq!(v.xdp.mode, Some(XdpMode::None));
            let p1 = load_prog(BPF_PROG_TYPE_XDP, 2, "x0_pass1");
            let p2 = load_prog(BPF_PROG_TYPE_XDP, 2, "x0_pass2");
            let (id1, id2) = (prog_id(&p1), prog_id(&p2));
            assert_ne!(id1, id2);

            xdp_set(v.ifindex, p1.as_raw_fd(), XDP_FLAGS_DRV_MODE, None).unwrap();
            let x = link("xv0").xdp;
            assert_eq!(x.mode, Some(XdpMode::Drv), "{x:?}");
            assert_eq!((x.prog_id, x.drv_prog_id), (Some(id1), Some(id1)));
            assert_eq!((x.skb_prog_id, x.hw_prog_id), (None, None));
            let listed = list_links().unwrap();
            let lv = listed.iter().find(|l| l.name == "xv0").unwrap();
            assert_eq!(lv.xdp.prog_id, Some(id1));

            let e = xdp_set(
                v.ifindex,
                p2.as_raw_fd(),
                XDP_FLAGS_DRV_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST,
                None,
            )
            .unwrap_err();
            println!(
                "UPDATE_IF_NOEXIST on occupied veth: errno {} / {e}",
                e.errno
            );
            assert_eq!(e.errno, libc::EBUSY);
            assert!(e.extack.as_deref().is_some_and(|m| !m.is_empty()), "{e:?}");

            let e = xdp_set(v.ifindex, p2.as_raw_fd(), XDP_FLAGS_HW_MODE, None).unwrap_err();
            println!("HW mode on veth: errno {} / {e}", e.errno);
            assert!([libc::EINVAL, libc::EOPNOTSUPP].contains(&e.errno), "{e}");

            // Expected fd names a program that is not attached.
            let e = xdp_set(
                v.ifindex,
                p2.as_raw_fd(),
                XDP_FLAGS_DRV_MODE,
                Some(p2.as_raw_fd()),
            )
            .unwrap_err();
            println!("REPLACE with wrong expected fd: errno {} / {e}", e.errno);
            assert_eq!(e.errno, libc::EEXIST, "{e}");
            assert_eq!(link("xv0").xdp.prog_id, Some(id1));

            xdp_set(
                v.ifindex,
                p2.as_raw_fd(),
                XDP_FLAGS_DRV_MODE,
                Some(p1.as_raw_fd()),
            )
            .unwrap();
            assert_eq!(link("xv0").xdp.prog_id, Some(id2));

            if let Some(out) = witness(&["ip", "-d", "link", "show", "dev", "xv0"]) {
                assert!(out.contains(&format!("id {id2}")), "{out}");
            }

            xdp_set(v.ifindex, -1, XDP_FLAGS_DRV_MODE, None).unwrap();
            let x = link("xv0").xdp;
            assert_eq!(x.mode, Some(XdpMode::None), "{x:?}");
            assert_eq!((x.prog_id, x.drv_prog_id), (None, None));

            let e = xdp_set(999_999, p1.as_raw_fd(), XDP_FLAGS_DRV_MODE, None).unwrap_err();
            assert_eq!(e.errno, libc::ENODEV, "{e}");
            assert_eq!(xdp_set(0, -1, 0, None).unwrap_err().errno, libc::ENODEV);
        });
    }

    #[test]
    fn xdp_on_lo() {
        in_netns(|| {
            let lo = link("lo");
            let p = load_prog(BPF_PROG_TYPE_XDP, 2, "x0_lo");
            let id = prog_id(&p);

            let e = xdp_set(lo.ifindex, p.as_raw_fd(), XDP_FLAGS_DRV_MODE, None).unwrap_err();
            println!("DRV mode on lo: errno {} / {e}", e.errno);
            assert_eq!(e.errno, libc::EOPNOTSUPP, "{e}");
            assert!(e.extack.as_deref().is_some_and(|m| !m.is_empty()), "{e:?}");

            // Same failure with the whole request echoed (no NETLINK_CAP_ACK).
            let req = xdp_request(lo.ifindex, p.as_raw_fd(), XDP_FLAGS_DRV_MODE, None).unwrap();
            let e2 = Socket::open_with(false).unwrap().ack(req).unwrap_err();
            assert_eq!((e2.errno, &e2.extack), (e.errno, &e.extack));

            xdp_set(lo.ifindex, p.as_raw_fd(), XDP_FLAGS_SKB_MODE, None).unwrap();
            let x = link("lo").xdp;
            assert_eq!(x.mode, Some(XdpMode::Skb), "{x:?}");
            assert_eq!((x.prog_id, x.skb_prog_id), (Some(id), Some(id)));

            xdp_set(lo.ifindex, -1, XDP_FLAGS_SKB_MODE, None).unwrap();
            assert_eq!(link("lo").xdp.mode, Some(XdpMode::None));
        });
    }

    #[test]
    fn tc_bpf_filters() {
        in_netns(|| {
            create_veth("xt0", "xt1").unwrap();
            let v = link("xt0").ifindex;
            assert!(!has_clsact(v).unwrap());
            assert!(list_tc_bpf_filters(v).unwrap().is_empty());
            let e = list_tc_bpf_filters(999_999).unwrap_err();
            assert_eq!(e.errno, libc::ENODEV);

            add_clsact(v).unwrap();
            assert!(has_clsact(v).unwrap());
            assert!(!has_clsact(link("xt1").ifindex).unwrap());
            assert_eq!(add_clsact(v).unwrap_err().errno, libc::EEXIST);
            assert!(list_tc_bpf_filters(v).unwrap().is_empty());

            let p_in = load_prog(BPF_PROG_TYPE_SCHED_CLS, 0, "x0_tc_in");
            let p_eg = load_prog(BPF_PROG_TYPE_SCHED_CLS, 0, "x0_tc_eg");
            let (id_in, id_eg) = (prog_id(&p_in), prog_id(&p_eg));
            add_tc_bpf_filter(v, true, p_in.as_raw_fd(), "x0_tc_in", 1, 1).unwrap();
            add_tc_bpf_filter(v, false, p_eg.as_raw_fd(), "x0_tc_eg", 7, 3).unwrap();
            let e = add_tc_bpf_filter(v, true, p_in.as_raw_fd(), "dup", 1, 1).unwrap_err();
            println!("duplicate tc filter: errno {} / {e}", e.errno);
            assert_eq!(e.errno, libc::EEXIST);

            let fs = list_tc_bpf_filters(v).unwrap();
            assert_eq!(fs.len(), 2, "{fs:?}");
            let i = &fs[0];
            assert!(i.parent_ingress && i.direct_action, "{i:?}");
            assert_eq!((i.ifindex, i.kind.as_str()), (v, "bpf"));
            assert_eq!((i.priority, i.handle, i.protocol), (1, 1, ETH_P_ALL));
            assert_eq!(i.prog_id, Some(id_in));
            assert_eq!(i.prog_name.as_deref(), Some("x0_tc_in"));
            let g = &fs[1];
            assert!(!g.parent_ingress && g.direct_action, "{g:?}");
            assert_eq!((g.priority, g.handle), (7, 3));
            assert_eq!(g.prog_id, Some(id_eg));
            assert_eq!(g.prog_name.as_deref(), Some("x0_tc_eg"));

            if let Some(out) = witness(&["tc", "filter", "show", "dev", "xt0", "ingress"]) {
                assert!(out.contains("x0_tc_in"), "{out}");
                assert!(out.contains(&format!("id {id_in}")), "{out}");
                assert!(out.contains("direct-action"), "{out}");
                assert!(!out.contains("x0_tc_eg"), "{out}");
            }

            delete_tc_filter(v, false, 7, 3).unwrap();
            let fs = list_tc_bpf_filters(v).unwrap();
            assert_eq!(fs.len(), 1);
            assert!(fs[0].parent_ingress);

            delete_clsact(v).unwrap();
            assert!(!has_clsact(v).unwrap());
            assert!(list_tc_bpf_filters(v).unwrap().is_empty());
        });
    }
}
