//! `x0bpf unload NAME`: detach what x0bpf attached for this object, unpin everything, and
//! check by id that the kernel really released it.
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::attach;
use crate::error::{ErrorKind, X0Error};
use crate::output::Report;
use crate::store::{self, Access, Store};
use crate::sys::bpf;
use crate::sys::bpf::ObjKind;
use crate::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Name the object was loaded under (see `x0bpf list`)
    #[arg(add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::loaded))]
    pub name: String,
}

#[derive(Serialize, Default)]
pub struct UnloadReport {
    pub name: String,
    pub detached: Vec<attach::Detached>,
    pub released_programs: Vec<u32>,
    pub released_maps: Vec<u32>,
    /// Objects still alive after unpinning: something else holds them (another process's fd,
    /// another pin, an attachment made by another tool).
    pub still_held: Vec<Held>,
}

#[derive(Serialize)]
pub struct Held {
    pub kind: &'static str,
    pub id: u32,
    pub name: String,
    /// Processes holding it open (from /proc/PID/fdinfo); empty when none is found (another
    /// pin, or an attachment that holds it).
    pub holders: Vec<Holder>,
}

#[derive(Serialize)]
pub struct Holder {
    pub pid: u32,
    pub comm: String,
}

pub fn run(args: &Args, ctx: &Ctx) -> anyhow::Result<UnloadReport> {
    store::check_name("object name", &args.name)?;
    let store = Store::open(ctx, Access::Repair)?;
    let dir = store.dir(&args.name);
    if !store.is_loaded(&args.name) {
        let loaded = store.names();
        return Err(X0Error::new(
            ErrorKind::NotAttached,
            format!(
                "no object named {} is loaded under {}",
                args.name,
                store.base.display()
            ),
        )
        .hint(if loaded.is_empty() {
            "nothing is loaded (see `x0bpf list`)".to_string()
        } else {
            format!("loaded: {}", loaded.join(", "))
        })
        .into());
    }
    let mut report = UnloadReport {
        name: args.name.clone(),
        ..Default::default()
    };

    // Attachments first, so no program is left running with its pins gone.
    report.detached = attach::release_all(&dir)?;

    // Remember what the pins refer to, then unpin.
    let mut ids = Vec::new();
    for (sub, kind) in [("progs", ObjKind::Prog), ("maps", ObjKind::Map)] {
        for (name, pin) in store::entries(&dir.join(sub)) {
            if let Ok(fd) = bpf::obj_get(&pin) {
                let id = match kind {
                    ObjKind::Prog => bpf::prog_info(fd.as_fd()).map(|i| i.id),
                    _ => bpf::map_info(fd.as_fd()).map(|i| i.id),
                };
                if let Ok(id) = id {
                    ids.push((kind, id, name));
                }
            }
        }
    }
    // Out of sight first, then unpin: killed half-way, the next command finishes the job
    // (Store::recover) and nobody sees a half-unloaded object meanwhile.
    store.unpin_object(&args.name)?;

    // The kernel frees programs and maps asynchronously (maps after an RCU grace period and
    // a workqueue: a few ms here). Poll with a backoff that starts in microseconds and is
    // capped at 0.5 ms, so the wait ends at most ~0.5 ms after the release (each poll is a
    // few GET_FD_BY_ID calls, microseconds).
    let start = Instant::now();
    // After 3 s, what is still alive is reported: at once when no process holds it (a late
    // release, another pin), else once the same holder shows in two scans (10 s at most).
    let deadline = start + Duration::from_secs(3);
    let last = start + Duration::from_secs(10);
    let mut next_scan = deadline;
    let mut seen_holding = std::collections::BTreeSet::new();
    let mut pause = Duration::from_micros(20);
    let mut busy = None;
    loop {
        // A person waiting at a terminal sees why (only once the wait is not instant).
        if busy.is_none() && start.elapsed() > Duration::from_millis(200) {
            busy = Some(crate::output::busy(
                "waiting for the kernel to release the object",
            ));
        }
        let alive: Vec<&(ObjKind, u32, String)> = ids
            .iter()
            .filter(|(k, id, _)| bpf::id_exists(*k, *id))
            .collect();
        let now = Instant::now();
        // A holder must be seen in two scans 500 ms apart: tools that walk every object by id
        // (`bpftool prog show`, `x0bpf list --all`) hold each one for moments only.
        let give_up = now > last
            || (now > next_scan && {
                next_scan = now + Duration::from_millis(500);
                let holders: std::collections::BTreeSet<u32> = alive
                    .iter()
                    .flat_map(|(k, id, _)| {
                        crate::sys::process::bpf_holders(*k == ObjKind::Map, *id)
                            .into_iter()
                            .map(|(pid, _)| pid)
                    })
                    .collect();
                let steady = holders.intersection(&seen_holding).next().is_some();
                let nobody = holders.is_empty();
                seen_holding = holders;
                // Nobody holds it (a late release, another pin): waiting longer shows nothing.
                nobody || steady
            });
        if alive.is_empty() || give_up {
            for (k, id, name) in &ids {
                let held = alive.iter().any(|(k2, id2, _)| k2 == k && id2 == id);
                match (held, k) {
                    (true, _) => report.still_held.push(Held {
                        kind: if *k == ObjKind::Prog {
                            "program"
                        } else {
                            "map"
                        },
                        id: *id,
                        name: name.clone(),
                        // Only holders seen in the scans before (not a passing enumerator).
                        holders: crate::sys::process::bpf_holders(*k == ObjKind::Map, *id)
                            .into_iter()
                            .filter(|(pid, _)| seen_holding.contains(pid) || now > last)
                            .map(|(pid, comm)| Holder { pid, comm })
                            .collect(),
                    }),
                    (false, ObjKind::Prog) => report.released_programs.push(*id),
                    (false, _) => report.released_maps.push(*id),
                }
            }
            break;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_micros(500));
    }
    drop(busy);
    Ok(report)
}

impl Report for UnloadReport {
    /// Pins removed but a process keeps an object alive: a conflict (8), not success. An
    /// object no process holds (the kernel's deferred release running late, a prog array
    /// whose programs reference it, another pin) is reported, with exit 0: nothing to act on.
    fn exit_code(&self) -> i32 {
        if self.still_held.iter().any(|h| !h.holders.is_empty()) {
            ErrorKind::Conflict.exit_code()
        } else {
            0
        }
    }

    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        for d in &self.detached {
            writeln!(out, "detached {} ({})", d.attachment, d.how)?;
        }
        writeln!(
            out,
            "unloaded {}: released {} program(s) and {} map(s)",
            self.name,
            self.released_programs.len(),
            self.released_maps.len()
        )?;
        for h in &self.still_held {
            let by = if h.holders.is_empty() {
                format!(
                    "no process has it open (another pin or attachment?) — see `bpftool {} show id {}`",
                    if h.kind == "program" { "prog" } else { "map" },
                    h.id
                )
            } else {
                h.holders
                    .iter()
                    .map(|p| format!("pid {} ({})", p.pid, p.comm))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            writeln!(
                out,
                "still held: {} {} (id {}), pins removed; held by {by}",
                h.kind, h.name, h.id
            )?;
        }
        Ok(())
    }
}
