//! The command line, as data. Kept in the library so `completions` and `man` are generated
//! from the same definition the binary parses.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::cmd;

#[derive(Debug, Parser)]
#[command(
    name = "x0bpf",
    version,
    about = "Take an eBPF object from ELF file to running kernel program and back",
    long_about = "x0bpf inspects, validates, loads, pins and attaches eBPF objects (files or the \
                  ones embedded in the binary), and shows what they do. Every command prints a \
                  table, or versioned JSON with --json.",
    after_help = "Exit codes: 0 ok, 1 check failed, 2 usage or I/O, 3 invalid object, \
                  4 permission, 5 unsupported by this kernel, 6 kernel refused, 7 not found, \
                  8 conflict (already attached/taken), 9 not attached/loaded, 10 internal."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// The heading of the options every command takes, after the command's own.
pub const GLOBAL: &str = "Global options";

#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Print JSON (one document on stdout; errors too)
    #[arg(short = 'j', long, global = true, help_heading = GLOBAL)]
    pub json: bool,
    /// Print pretty JSON (implies --json)
    #[arg(short = 'p', long, global = true, help_heading = GLOBAL)]
    pub pretty: bool,
    /// Root of the BPF filesystem where x0bpf pins objects
    #[arg(long, global = true, help_heading = GLOBAL, value_name = "DIR", default_value = "/sys/fs/bpf")]
    pub bpffs: PathBuf,
    /// Directory inside the bpffs root holding x0bpf's objects [default: <bpffs>/x0bpf]
    #[arg(long, global = true, help_heading = GLOBAL, value_name = "DIR")]
    pub pin_dir: Option<PathBuf>,
    /// Never mount bpffs or tracefs; fail saying what is missing instead
    #[arg(short = 'n', long, global = true, help_heading = GLOBAL)]
    pub nomount: bool,
    /// Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net);
    /// only the network namespace changes, pins stay where they are
    #[arg(
        long,
        global = true,
        help_heading = GLOBAL,
        value_name = "NAME|PATH",
        add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::netns_names)
    )]
    pub netns: Option<String>,
    /// Plain whitespace-aligned columns instead of boxed tables (the default when stdout is
    /// not a terminal, or with TERM=dumb)
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub plain: bool,
    /// Omit the header line of tables
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub no_headers: bool,
    /// Show libbpf's and the verifier's log on stderr
    #[arg(short = 'v', long, global = true, help_heading = GLOBAL, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
// Each subcommand's arguments are built only when that subcommand is parsed (or help, man
// pages and completions need them): building every one at start-up cost ~1 ms per run.
#[command(defer = true)]
pub enum Command {
    /// List the BPF objects embedded in this binary
    Objects(cmd::objects::Args),
    /// Read a BPF ELF object without loading it: sections, programs, maps, BTF, CO-RE
    Inspect(cmd::inspect::Args),
    /// What a program does, from its instructions: hook, maps read and written, helpers,
    /// every return value, license, kernel needs (objects, files or loaded programs by id)
    Explain(cmd::explain::Args),
    /// Check whether an object will load on this kernel (or on the kernel of --btf), and why not
    Validate(cmd::validate::Args),
    /// What this kernel offers BPF: BTF, JIT, lockdown, program, map and attach kinds
    Feature(cmd::feature::Args),
    /// Load every program and map of an object and pin them in bpffs
    Load(cmd::load::Args),
    /// Detach, unpin and release an object loaded by x0bpf
    Unload(cmd::unload::Args),
    /// What x0bpf has loaded and attached (--all: everything in the kernel)
    #[command(alias = "show")]
    List(cmd::list::Args),
    /// Attach a program: XDP (mode auto: hw, drv, skb), tc (tcx/clsact), tracepoints, probes
    Attach(cmd::attach::Args),
    /// Remove x0bpf's attachment (the mode is found, never asked for)
    Detach(cmd::detach::Args),
    /// XDP and tc programs per interface, with owners
    Net(cmd::net::Args),
    /// Counters of x0bpf's own programs (xdp_counter, tc_classifier, syscall_latency)
    Stats(cmd::stats::Args),
    /// Top flows of tc_classifier: per-direction counts, handshake RTT, age (attaches if needed)
    Flows(cmd::flows::Args),
    /// Autonomic XDP defence: block sources over a rate policy, with expiry (start, status, unblock, stop)
    Guard(cmd::guard::Args),
    /// Top syscalls by name: count, errors, latency (avg, p50/p99); loads its own filtered instance
    Syscalls(cmd::syscalls::Args),
    /// Network events as they happen: drops with the kernel's reason, TCP state changes, retransmits
    Events(cmd::events::Args),
    /// Read and change any map, typed by BTF: show, dump, lookup, update, delete, peek, pop, push
    Map(cmd::map::Args),
    /// Prometheus metrics on /metrics: x0bpf's programs, every BPF program and map, configured maps
    Exporter(cmd::exporter::Args),
    /// Stream the records of a ring buffer as text, JSON lines or raw binary
    Tail(cmd::tail::Args),
    /// Every BPF program on the host, live: runs/s, ns per run, CPU % (stats on only meanwhile)
    Top(cmd::top::Args),
    /// Runs, run time and ns per run of one program over a window (stats on only meanwhile)
    Profile(cmd::profile::Args),
    /// Run an XDP, tc or socket-filter program on a crafted frame (BPF_PROG_TEST_RUN)
    Bench(cmd::bench::Args),
    /// Print a shell completion script
    #[command(hide = true)]
    Completions(cmd::completions::Args),
    /// Write man pages (one per subcommand) into a directory
    #[command(hide = true)]
    Man(cmd::man::Args),
}
