//! `x0bpf profile PROG [--duration D]`: how often one program ran, for how long in all and per
//! run, over a window. Run statistics are on only while it runs (a BPF_ENABLE_STATS fd, closed
//! by the kernel even when x0bpf is killed). The window starts when "profiling" is said on
//! stderr and ends after --duration, or on Ctrl-C/SIGTERM.
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::error::X0Error;
use crate::maps::addr::{self, ObjRef};
use crate::output::Report;
use crate::sys::progstats::{self, ProgDelta};
use crate::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The program: `id N`, `pinned PATH`, `name NAME` or OBJECT:PROG (loaded by x0bpf)
    #[arg(value_name = "PROG", num_args = 1..=2, required = true)]
    pub prog: Vec<String>,
    /// How long to measure (`10s`, `500ms`, `2m`); Ctrl-C ends it earlier
    #[arg(long, value_name = "D", default_value = "5s", value_parser = super::tail::parse_duration)]
    pub duration: Duration,
}

#[derive(Serialize)]
pub struct ProfileReport {
    pub program: ProgDelta,
    /// Seconds measured.
    pub duration_s: f64,
    /// `duration` or `interrupted`.
    pub reason: &'static str,
    /// CPUs online: `cpu_pct` is a share of all of them.
    pub cpus: u32,
}

pub fn run(a: &Args, ctx: &Ctx) -> anyhow::Result<i32> {
    let r = ObjRef::parse_prog(&a.prog)?;
    let (fd, _pin) = addr::open_prog(ctx, &r)?;
    let stats = progstats::enable()?;
    let first =
        progstats::stat_of(fd.as_fd()).map_err(|e| X0Error::os("reading the program", &e))?;
    let t0 = Instant::now();
    crate::stream::install_stop_signals();
    eprintln!(
        "x0bpf: profiling program {} ({}, {}) for {:.1}s",
        first.id,
        first.name,
        first.prog_type,
        a.duration.as_secs_f64()
    );
    let reason = if crate::stream::sleep_until(t0 + a.duration) {
        "duration"
    } else {
        "interrupted"
    };
    let last =
        progstats::stat_of(fd.as_fd()).map_err(|e| X0Error::os("reading the program", &e))?;
    let dt = t0.elapsed().as_secs_f64();
    // Off before printing: nothing of ours stays on while the report is written.
    drop(stats);
    let cpus = progstats::online_cpus();
    let program = progstats::delta_row(
        &last,
        last.run_cnt.saturating_sub(first.run_cnt),
        last.run_time_ns.saturating_sub(first.run_time_ns),
        dt,
        cpus,
        false,
    );
    let rep = ProfileReport {
        program,
        duration_s: dt,
        reason,
        cpus,
    };
    crate::output::emit("profile", &rep, ctx.fmt)?;
    Ok(0)
}

impl Report for ProfileReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        let p = &self.program;
        writeln!(
            out,
            "program {} {} ({}) over {:.2}s{}",
            p.id,
            p.name,
            p.prog_type,
            self.duration_s,
            if self.reason == "interrupted" {
                " (interrupted)"
            } else {
                ""
            }
        )?;
        writeln!(out, "  runs         {}", p.runs)?;
        writeln!(out, "  runs/s       {:.1}", p.runs_per_s)?;
        writeln!(out, "  run time     {} ns", p.run_time_ns)?;
        match p.avg_ns {
            Some(v) => writeln!(out, "  avg per run  {v:.1} ns")?,
            None => writeln!(out, "  avg per run  - (it did not run)")?,
        }
        writeln!(
            out,
            "  CPU          {:.4}% of {} CPUs",
            p.cpu_pct, self.cpus
        )
    }
}
