//! `x0bpf net` (alias `net show`): per interface, the XDP program and mode, tcx and clsact
//! programs by direction, with ids, names and whether x0bpf owns each — for programs attached
//! by any tool.
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::os::fd::AsFd;

use serde::Serialize;

use crate::attach::tc::Direction;
use crate::attach::{self, nl_err};
use crate::error::X0Error;
use crate::output::{note, opt, table, Report};
use crate::store::{Access, Store};
use crate::sys::bpf::ObjKind;
use crate::sys::netlink;
use crate::sys::{bpf, caps, ns};
use crate::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// `show` is accepted for bpftool's muscle memory
    #[arg(value_parser = ["show", "list"], hide = true)]
    pub verb: Option<String>,
    /// Only this interface
    #[arg(long, add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::ifaces))]
    pub dev: Option<String>,
    /// Every network namespace: named ones (/run/netns) and those of processes
    /// (/proc/PID/ns/net, containers), each interface with its namespace
    #[arg(long, conflicts_with = "dev")]
    pub all_netns: bool,
}

#[derive(Serialize)]
pub struct NetReport {
    pub netns_inode: u64,
    /// With --all-netns: true, and `interfaces` spans every namespace
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub all_netns: bool,
    pub interfaces: Vec<Iface>,
}

#[derive(Serialize)]
pub struct Iface {
    pub name: String,
    pub ifindex: u32,
    /// Inode of the interface's network namespace
    pub netns_inode: u64,
    /// That namespace's `ip netns` name, if it has one
    pub netns_name: Option<String>,
    pub up: bool,
    pub link_kind: Option<String>,
    /// What the driver supports for XDP (`basic`, `redirect`, `xsk-zerocopy`, …; Linux 6.3+),
    /// None where the kernel does not say.
    pub xdp_features: Option<Vec<String>>,
    pub xdp: Vec<Prog>,
    pub tc: Vec<Prog>,
}

#[derive(Serialize, Clone)]
pub struct Prog {
    pub prog_id: u32,
    pub name: String,
    /// XDP: drv, skb, hw. tc: tcx or clsact.
    pub mode: String,
    pub direction: Option<&'static str>,
    pub link_id: Option<u32>,
    pub priority: Option<u16>,
    pub handle: Option<u32>,
    /// The x0bpf object that attached it, if x0bpf did.
    pub owner: Option<String>,
}

/// Where a record says x0bpf attached a program: (ifindex, prog id, clsact priority and
/// handle). Keyed by place, not by program alone: another tool's filter running x0bpf's
/// program elsewhere is not x0bpf's attachment.
type Place = (u32, u32, Option<(u16, u32)>);

/// Place -> owning object, from x0bpf's attachment records in this namespace.
fn owners(store: Option<&Store>, ns: u64) -> BTreeMap<Place, String> {
    let mut m = BTreeMap::new();
    let Some(store) = store else { return m };
    for (obj, rec, path) in attach::all_records(store) {
        if rec.netns != Some(ns) {
            continue;
        }
        let (Some(ifindex), Some(id)) = (rec.ifindex, attach::record_state(&rec, &path).prog_id)
        else {
            continue;
        };
        m.insert((ifindex, id, rec.prio_handle), obj);
    }
    m
}

pub fn run(args: &Args, ctx: &Ctx) -> anyhow::Result<NetReport> {
    let ns = ns::netns_inode()?;
    // Without CAP_BPF program names and owners are unreadable: say so rather than show less.
    caps::require_bpf("x0bpf net")?;
    // Reading never mounts anything: without bpffs there are no x0bpf attachments to own.
    let store = Some(Store::open(ctx, Access::Read)?);
    if args.all_netns {
        let mut interfaces = Vec::new();
        for n in ns::all_netns() {
            let own = owners(store.as_ref(), n.inode);
            let name = n.name.clone();
            let ino = n.inode;
            // Asked inside each namespace (a scoped thread enters it): ifindexes, tcx and
            // netlink answers are per namespace. A namespace gone meanwhile has nothing.
            let got = ns::in_netns(ino, move || -> Result<Vec<Iface>, X0Error> {
                let links = netlink::list_links().map_err(nl_err)?;
                Ok(inventory(links, &own, ino, name))
            });
            match got {
                Ok(Some(v)) => interfaces.extend(v),
                Ok(None) => {}
                // This namespace's failure is the command's; another one (a container that
                // exited meanwhile, one that cannot be entered) is skipped and said.
                Err(e) if n.inode == ns => return Err(e.into()),
                Err(e) => crate::output::warn(&format!(
                    "network namespace {} skipped: {e}",
                    n.name
                        .clone()
                        .unwrap_or_else(|| n.path.display().to_string())
                )),
            }
        }
        return Ok(NetReport {
            netns_inode: ns,
            all_netns: true,
            interfaces,
        });
    }
    let own = owners(store.as_ref(), ns);
    let links = match &args.dev {
        Some(d) => vec![attach::resolve_iface(d)?],
        None => netlink::list_links().map_err(nl_err)?,
    };
    Ok(NetReport {
        netns_inode: ns,
        all_netns: false,
        interfaces: inventory(links, &own, ns, ns::netns_name(ns)),
    })
}

/// The interfaces `links` of this thread's network namespace (inode `ns`, named `ns_name`),
/// with their XDP and tc programs.
fn inventory(
    links: Vec<netlink::Link>,
    own: &BTreeMap<Place, String>,
    ns: u64,
    ns_name: Option<String>,
) -> Vec<Iface> {
    // XDP over netlink does not say whether a bpf_link holds the program: look the links up.
    // Link info has only the ifindex (per namespace), so match the program id too, and say
    // nothing when that still matches several links (namespaces sharing one program).
    let mut xdp_links: BTreeMap<(u32, u32), Option<u32>> = BTreeMap::new();
    for id in bpf::all_ids(ObjKind::Link) {
        let Some(li) = bpf::fd_by_id(ObjKind::Link, id)
            .ok()
            .and_then(|fd| bpf::link_info(fd.as_fd()).ok())
        else {
            continue;
        };
        if let (true, Some(ifindex)) = (li.link_type == "xdp", li.ifindex) {
            xdp_links
                .entry((ifindex, li.prog_id))
                .and_modify(|v| *v = None)
                .or_insert(Some(li.id));
        }
    }
    // One dump each for XDP features and clsact qdiscs, whatever the number of devices:
    // asking per device (libbpf's bpf_xdp_query, a qdisc dump per device) re-dumped every
    // device for each one, which grew with the square of the count.
    let features = netlink::xdp_features_all().ok();
    let clsact = netlink::clsact_ifindexes().unwrap_or_default();
    let mut interfaces = Vec::new();
    for l in links {
        let mut xdp = Vec::new();
        for (id, mode) in [
            (l.xdp.drv_prog_id, "drv"),
            (l.xdp.skb_prog_id, "skb"),
            (l.xdp.hw_prog_id, "hw"),
        ] {
            if let Some(id) = id {
                xdp.push(Prog {
                    prog_id: id,
                    name: bpf::prog_name(id).unwrap_or_default(),
                    mode: mode.into(),
                    direction: None,
                    link_id: xdp_links.get(&(l.ifindex, id)).copied().flatten(),
                    priority: None,
                    handle: None,
                    owner: own.get(&(l.ifindex, id, None)).cloned(),
                });
            }
        }
        let mut tcv = Vec::new();
        for d in [Direction::Ingress, Direction::Egress] {
            for (id, link_id) in bpf::tcx_query(l.ifindex, d.tcx_attach_type()) {
                tcv.push(Prog {
                    prog_id: id,
                    name: bpf::prog_name(id).unwrap_or_default(),
                    mode: "tcx".into(),
                    direction: Some(d.name()),
                    link_id,
                    priority: None,
                    handle: None,
                    owner: own.get(&(l.ifindex, id, None)).cloned(),
                });
            }
        }
        let filters = if clsact.contains(&l.ifindex) {
            netlink::list_tc_bpf_filters_clsact(l.ifindex).unwrap_or_default()
        } else {
            Vec::new()
        };
        for f in filters {
            let Some(id) = f.prog_id else { continue };
            tcv.push(Prog {
                prog_id: id,
                name: f
                    .prog_name
                    .clone()
                    .or_else(|| bpf::prog_name(id))
                    .unwrap_or_default(),
                mode: "clsact".into(),
                direction: Some(if f.parent_ingress {
                    "ingress"
                } else {
                    "egress"
                }),
                link_id: None,
                priority: Some(f.priority),
                handle: Some(f.handle),
                owner: own
                    .get(&(l.ifindex, id, Some((f.priority, f.handle))))
                    .cloned(),
            });
        }
        interfaces.push(Iface {
            name: l.name,
            ifindex: l.ifindex,
            netns_inode: ns,
            netns_name: ns_name.clone(),
            up: l.up,
            link_kind: l.kind,
            xdp_features: match &features {
                Some(Some(all)) => all.get(&l.ifindex).copied(),
                Some(None) => Some(0),
                None => None,
            }
            .map(bpf::xdp_feature_names),
            xdp,
            tc: tcv,
        });
    }
    interfaces
}

impl Report for NetReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        // HOOK second, so `x0bpf net | awk '$2=="xdp"'` picks XDP attachments.
        let mut head = vec![
            "IFACE", "HOOK", "MODE", "PROG ID", "NAME", "LINK", "OWNER", "PRIO", "HANDLE",
            "IFINDEX",
        ];
        // --all-netns: the namespace last (its name, else its inode).
        if self.all_netns {
            head.push("NETNS");
        }
        let netns = |i: &Iface| {
            i.netns_name
                .clone()
                .unwrap_or_else(|| i.netns_inode.to_string())
        };
        let mut t = table(head);
        for i in &self.interfaces {
            if i.xdp.is_empty() && i.tc.is_empty() {
                let mut row = vec![i.name.clone()];
                row.extend(std::iter::repeat_n("-".to_string(), 8));
                row.push(i.ifindex.to_string());
                if self.all_netns {
                    row.push(netns(i));
                }
                t.add_row(row);
                continue;
            }
            for (hook, p) in i.xdp.iter().map(|p| ("xdp".to_string(), p)).chain(
                i.tc.iter()
                    .map(|p| (format!("tc/{}", p.direction.unwrap_or("")), p)),
            ) {
                let mut row = vec![
                    i.name.clone(),
                    hook,
                    p.mode.clone(),
                    p.prog_id.to_string(),
                    p.name.clone(),
                    opt(&p.link_id),
                    p.owner
                        .clone()
                        .map(|o| format!("x0bpf:{o}"))
                        .unwrap_or_else(|| "-".into()),
                    opt(&p.priority),
                    opt(&p.handle),
                    i.ifindex.to_string(),
                ];
                if self.all_netns {
                    row.push(netns(i));
                }
                t.add_row(row);
            }
        }
        writeln!(out, "{t}")?;
        for i in &self.interfaces {
            if let Some(f) = &i.xdp_features {
                let f = if f.is_empty() {
                    "none".to_string()
                } else {
                    f.join(", ")
                };
                let place = if self.all_netns {
                    format!(" (netns {})", netns(i))
                } else {
                    String::new()
                };
                note(out, &format!("{}{place}: XDP features: {f}", i.name))?;
            }
        }
        Ok(())
    }
}
