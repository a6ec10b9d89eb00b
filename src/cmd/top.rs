//! `x0bpf top [--interval S] [--count N] [--sort COL]`: every BPF program on the host with its
//! runs/s, average ns per run and CPU share, from run-statistics deltas — a live, sortable
//! terminal view (ratatui), or with `--json` (or when stdout is not a terminal) a stream of one
//! sample per interval. Statistics are on only while it runs (a BPF_ENABLE_STATS fd).
use std::io::{self, IsTerminal};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::error::X0Error;
use crate::sys::progstats::{self, ProgDelta, Sample};
use crate::Ctx;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SortKey {
    Id,
    Type,
    Name,
    Runs,
    Avg,
    Cpu,
}

const COLUMNS: [SortKey; 6] = [
    SortKey::Id,
    SortKey::Type,
    SortKey::Name,
    SortKey::Runs,
    SortKey::Avg,
    SortKey::Cpu,
];

impl SortKey {
    fn name(self) -> &'static str {
        match self {
            SortKey::Id => "id",
            SortKey::Type => "type",
            SortKey::Name => "name",
            SortKey::Runs => "runs",
            SortKey::Avg => "avg",
            SortKey::Cpu => "cpu",
        }
    }
    /// Text columns read best A→Z, numbers largest first.
    fn default_asc(self) -> bool {
        matches!(self, SortKey::Id | SortKey::Type | SortKey::Name)
    }
    fn index(self) -> usize {
        COLUMNS.iter().position(|&c| c == self).unwrap_or(0)
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Seconds between two samples
    #[arg(long, value_name = "S", default_value_t = 1.0, value_parser = super::stats::parse_interval)]
    pub interval: f64,
    /// Stop after N samples
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,
    /// Column to sort by (numbers largest first, text A-Z; in the view the Left and Right keys
    /// or 1-6 change it, r reverses)
    #[arg(long, value_enum, default_value_t = SortKey::Cpu)]
    pub sort: SortKey,
    /// Batch mode, as `top -b`: plain rows, one block per sample, each row starting with its
    /// sample number (also with --plain; without either a pipe gets JSON lines)
    #[arg(short = 'b', long)]
    pub batch: bool,
}

/// Order rows by `key` (descending unless `asc`); ties by id so the order is stable.
pub fn sort_rows(rows: &mut [ProgDelta], key: SortKey, asc: bool) {
    use std::cmp::Ordering;
    let f = |x: f64, y: f64| x.partial_cmp(&y).unwrap_or(Ordering::Equal);
    rows.sort_by(|a, b| {
        let o = match key {
            SortKey::Id => a.id.cmp(&b.id),
            SortKey::Type => a.prog_type.cmp(&b.prog_type),
            SortKey::Name => a.name.cmp(&b.name),
            SortKey::Runs => f(a.runs_per_s, b.runs_per_s),
            SortKey::Avg => f(a.avg_ns.unwrap_or(-1.0), b.avg_ns.unwrap_or(-1.0)),
            SortKey::Cpu => f(a.cpu_pct, b.cpu_pct),
        };
        let o = if asc { o } else { o.reverse() };
        o.then(a.id.cmp(&b.id))
    });
}

/// One sample: the record of the stream, and what the view shows.
#[derive(Serialize)]
pub struct TopSample {
    /// Counts samples from 1.
    pub seq: u64,
    /// Seconds since the previous sample (measured).
    pub interval_s: f64,
    pub programs: Vec<ProgDelta>,
    /// Programs unloaded since the previous sample, by id.
    pub gone: Vec<u32>,
    pub total: Total,
}

#[derive(Serialize, Default)]
pub struct Total {
    pub programs: usize,
    pub runs: u64,
    pub run_time_ns: u64,
    pub cpu_pct: f64,
}

fn build(seq: u64, prev: &Sample, cur: &Sample, cpus: u32, key: SortKey, asc: bool) -> TopSample {
    let (mut programs, gone) = progstats::deltas(prev, cur, cpus);
    sort_rows(&mut programs, key, asc);
    let total = Total {
        programs: programs.len(),
        runs: programs.iter().map(|p| p.runs).sum(),
        run_time_ns: programs.iter().map(|p| p.run_time_ns).sum(),
        cpu_pct: programs.iter().fold(0.0, |a, p| a + p.cpu_pct),
    };
    TopSample {
        seq,
        interval_s: cur.at.saturating_duration_since(prev.at).as_secs_f64(),
        programs,
        gone,
        total,
    }
}

pub fn run(a: &Args, ctx: &Ctx) -> anyhow::Result<i32> {
    crate::sys::caps::require_bpf("x0bpf top")?;
    crate::stream::install_stop_signals();
    let stats = progstats::enable()?;
    // A terminal that cannot draw (TERM=dumb, or no size: a serial console reports 0x0,
    // where the view would stay blank) gets the stream, as a pipe does.
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    // Nor can a view without a terminal to read keys from (stdin, else the controlling
    // terminal, as crossterm reads them): e.g. `setsid x0bpf top </dev/null >/dev/pts/N`.
    let keys = io::stdin().is_terminal() || std::fs::File::open("/dev/tty").is_ok();
    let r = if !ctx.fmt.json && (a.batch || ctx.plain) {
        batch(a)
    } else if ctx.fmt.json
        || dumb
        || !keys
        || !crate::stream::stdout_is_terminal()
        || !ratatui::crossterm::terminal::size().is_ok_and(|(c, r)| c > 0 && r > 0)
    {
        stream(a)
    } else {
        view::run(a).map_err(|e| match e.downcast_ref::<io::Error>() {
            Some(io) => X0Error::os("top's terminal view", io)
                .hint("`x0bpf top --json` writes the samples as a stream instead")
                .into(),
            None => e,
        })
    };
    drop(stats);
    r.map(|_| 0)
}

/// The JSON-lines stream (docs/JSON.md, Streams): header, one record per sample, summary —
/// also when it fails half-way.
fn stream(a: &Args) -> anyhow::Result<()> {
    let cpus = progstats::online_cpus();
    let mut out = crate::stream::Out::stdout();
    let mut prev = progstats::sample_all();
    let mut seq = 0u64;
    // The header is written after the first (baseline) sample: whatever runs after a reader
    // sees it is counted in the records.
    let h = serde_json::json!({
        "interval_s": a.interval,
        "cpus": cpus,
        "sort": a.sort.name(),
        "records": "samples",
    });
    if let Err(e) = crate::stream::header(&mut out, "top", &h) {
        return crate::stream::finish(&mut out, 0, Err(e), false);
    }
    let res = (|| -> anyhow::Result<&'static str> {
        let mut next = prev.at + Duration::from_secs_f64(a.interval);
        loop {
            let woke = crate::stream::sleep_until(next);
            let cur = progstats::sample_all();
            // Stopped: the partial interval still gets its record, so no run goes uncounted.
            seq += 1;
            let s = build(seq, &prev, &cur, cpus, a.sort, a.sort.default_asc());
            let mut line = serde_json::to_vec(&s)?;
            line.push(b'\n');
            out.write_all(&line)?;
            out.flush()?;
            if !woke {
                return Ok("interrupted");
            }
            if a.count.is_some_and(|n| seq >= n) {
                return Ok("count");
            }
            next += Duration::from_secs_f64(a.interval);
            // Never try to catch up on missed intervals (a stopped process, a slow host).
            if next < cur.at {
                next = cur.at + Duration::from_secs_f64(a.interval);
            }
            prev = cur;
        }
    })();
    crate::stream::finish(&mut out, seq, res, true)
}

/// Batch mode (`-b`, `--plain`): each sample is a block of rows in the house table style, its
/// header line first (none with `--no-headers`), and every row starts with the sample's number
/// (`SAMPLE`), so a block needs no title: `x0bpf top -b | awk '$1==3'` is the third sample.
fn batch(a: &Args) -> anyhow::Result<()> {
    let cpus = progstats::online_cpus();
    let mut out = crate::stream::Out::stdout();
    let mut prev = progstats::sample_all();
    let mut seq = 0u64;
    let mut next = prev.at + Duration::from_secs_f64(a.interval);
    let res = (|| -> io::Result<()> {
        loop {
            let woke = crate::stream::sleep_until(next);
            let cur = progstats::sample_all();
            // Stopped: the partial interval still gets its block, as in the stream.
            seq += 1;
            let s = build(seq, &prev, &cur, cpus, a.sort, a.sort.default_asc());
            let mut t =
                crate::output::table(["SAMPLE", "ID", "TYPE", "NAME", "RUNS/S", "AVG NS", "CPU %"]);
            for p in &s.programs {
                t.add_row(vec![
                    seq.to_string(),
                    p.id.to_string(),
                    p.prog_type.clone(),
                    p.name.clone(),
                    format!("{:.1}", p.runs_per_s),
                    p.avg_ns
                        .map(|v| format!("{v:.0}"))
                        .unwrap_or_else(|| "-".into()),
                    format!("{:.3}", p.cpu_pct),
                ]);
            }
            let mut buf = Vec::new();
            t.write_to(&mut buf)?;
            out.write_all(&buf)?;
            out.flush()?;
            if !woke || a.count.is_some_and(|n| seq >= n) {
                return Ok(());
            }
            next += Duration::from_secs_f64(a.interval);
            if next < cur.at {
                next = cur.at + Duration::from_secs_f64(a.interval);
            }
            prev = cur;
        }
    })();
    match res {
        // A closed pipe (`| head`) is success, as everywhere.
        Err(e) if crate::stream::is_broken_pipe(&e) => Ok(()),
        r => Ok(r?),
    }
}

/// The terminal view. The terminal is restored on every way out: return, error (the guard's
/// Drop), panic (ratatui's hook), SIGTERM (the stop flag ends the loop).
mod view {
    use super::*;
    use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
    use ratatui::layout::{Constraint, Layout};
    use ratatui::style::{Modifier, Style};
    use ratatui::text::Line;
    use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

    struct Restore;
    impl Drop for Restore {
        fn drop(&mut self) {
            ratatui::restore();
        }
    }

    pub fn run(a: &Args) -> anyhow::Result<()> {
        let cpus = progstats::online_cpus();
        let mut prev = progstats::sample_all();
        // A first view at once (every program, nothing measured yet).
        let mut shown = build(0, &prev, &prev, cpus, a.sort, a.sort.default_asc());
        // The guard first: a setup that fails half-way (raw mode on, no alternate screen)
        // is undone too.
        let _restore = Restore;
        let mut terminal = ratatui::try_init()?;
        let (mut key, mut asc) = (a.sort, a.sort.default_asc());
        let mut state = TableState::default();
        let mut next = prev.at + Duration::from_secs_f64(a.interval);
        let mut seq = 0u64;
        let mut dirty = true;
        loop {
            // Drawn only when something changed: a sample, a key, a resize.
            if std::mem::take(&mut dirty) {
                terminal.draw(|f| draw(f, &shown, key, asc, cpus, a.interval, &mut state))?;
            }
            if crate::stream::stopped() {
                return Ok(());
            }
            let wait = next
                .saturating_duration_since(Instant::now())
                .min(Duration::from_millis(100));
            if event::poll(wait)? {
                dirty = true;
                if let Event::Key(k) = event::read()? {
                    if k.kind != KeyEventKind::Press {
                        continue;
                    }
                    let ctrl_c =
                        k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
                    match k.code {
                        _ if ctrl_c => return Ok(()),
                        KeyCode::Char('q') | KeyCode::Esc => return Ok(()),
                        KeyCode::Left | KeyCode::Char('<') => {
                            key = COLUMNS[(key.index() + COLUMNS.len() - 1) % COLUMNS.len()];
                            asc = key.default_asc();
                        }
                        KeyCode::Right | KeyCode::Char('>') => {
                            key = COLUMNS[(key.index() + 1) % COLUMNS.len()];
                            asc = key.default_asc();
                        }
                        KeyCode::Char(c @ '1'..='6') => {
                            key = COLUMNS[c as usize - '1' as usize];
                            asc = key.default_asc();
                        }
                        KeyCode::Char('r') => asc = !asc,
                        KeyCode::Down | KeyCode::Char('j') => state.select_next(),
                        KeyCode::Up | KeyCode::Char('k') => state.select_previous(),
                        _ => {}
                    }
                    sort_rows(&mut shown.programs, key, asc);
                }
                continue;
            }
            if Instant::now() >= next {
                let cur = progstats::sample_all();
                seq += 1;
                shown = build(seq, &prev, &cur, cpus, key, asc);
                prev = cur;
                dirty = true;
                next += Duration::from_secs_f64(a.interval);
                if next < prev.at {
                    next = prev.at + Duration::from_secs_f64(a.interval);
                }
                if a.count.is_some_and(|n| seq >= n) {
                    terminal.draw(|f| draw(f, &shown, key, asc, cpus, a.interval, &mut state))?;
                    return Ok(());
                }
            }
        }
    }

    fn draw(
        f: &mut ratatui::Frame,
        s: &TopSample,
        key: SortKey,
        asc: bool,
        cpus: u32,
        interval: f64,
        state: &mut TableState,
    ) {
        let [top, body] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(f.area());
        let title = format!(
            "x0bpf top — {} programs, {:.0} runs/s, {:.2}% of {cpus} CPUs, every {interval}s{}",
            s.total.programs,
            s.total.runs as f64 / s.interval_s.max(1e-9),
            s.total.cpu_pct,
            if s.seq == 0 { " (measuring…)" } else { "" }
        );
        // At most 56 columns: the whole help line shows on a 60-column terminal.
        let help = format!(
            "sort: {} {} | ←/→ 1-6 sort  r reverse  ↑/↓ move  q quit",
            key.name(),
            if asc { "asc" } else { "desc" }
        );
        f.render_widget(
            Paragraph::new(vec![
                Line::from(title),
                Line::from(help).style(Style::new().add_modifier(Modifier::DIM)),
            ]),
            top,
        );
        let heads = ["ID", "TYPE", "NAME", "RUNS/S", "AVG NS", "CPU %"];
        let header = Row::new(heads.iter().enumerate().map(|(i, h)| {
            let c = Cell::from(*h);
            if i == key.index() {
                c.style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED))
            } else {
                c.style(Style::new().add_modifier(Modifier::BOLD))
            }
        }));
        let rows = s.programs.iter().map(|p| {
            Row::new(vec![
                Cell::from(p.id.to_string()),
                Cell::from(p.prog_type.clone()),
                Cell::from(p.name.clone()),
                Cell::from(format!("{:.1}", p.runs_per_s)),
                Cell::from(
                    p.avg_ns
                        .map(|v| format!("{v:.0}"))
                        .unwrap_or_else(|| "-".into()),
                ),
                Cell::from(format!("{:.3}", p.cpu_pct)),
            ])
        });
        // 74 columns: fits an 80-column terminal. Kernel names are at most 15 bytes; longer
        // type names (raw_tracepoint_writable) are cut.
        let widths = [
            Constraint::Length(7),
            Constraint::Length(16),
            Constraint::Length(16),
            Constraint::Length(12),
            Constraint::Length(10),
            Constraint::Length(8),
        ];
        let t = Table::new(rows, widths)
            .header(header)
            .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED));
        f.render_stateful_widget(t, body, state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: u32, name: &str, rps: f64, avg: Option<f64>, cpu: f64) -> ProgDelta {
        ProgDelta {
            id,
            prog_type: "xdp".into(),
            name: name.into(),
            runs: 0,
            run_time_ns: 0,
            runs_per_s: rps,
            avg_ns: avg,
            cpu_pct: cpu,
            new: false,
        }
    }

    #[test]
    fn sorting() {
        let mut v = vec![
            row(3, "b", 10.0, Some(5.0), 0.1),
            row(1, "c", 30.0, None, 0.0),
            row(2, "a", 20.0, Some(50.0), 0.3),
        ];
        let ids = |v: &[ProgDelta]| v.iter().map(|p| p.id).collect::<Vec<_>>();
        sort_rows(&mut v, SortKey::Cpu, false);
        assert_eq!(ids(&v), [2, 3, 1]);
        sort_rows(&mut v, SortKey::Runs, false);
        assert_eq!(ids(&v), [1, 2, 3]);
        sort_rows(&mut v, SortKey::Avg, false);
        assert_eq!(ids(&v), [2, 3, 1]);
        sort_rows(&mut v, SortKey::Name, true);
        assert_eq!(ids(&v), [2, 3, 1]);
        sort_rows(&mut v, SortKey::Id, true);
        assert_eq!(ids(&v), [1, 2, 3]);
    }
}
