//! Rendering: every command builds one report value; this module prints it either as a human
//! table or as versioned JSON. Logic never prints.
use std::io::{self, Write};

use comfy_table::presets::UTF8_BORDERS_ONLY;
use comfy_table::{ContentArrangement, Table};
use serde::Serialize;

use crate::error::X0Error;

/// Bumped on any incompatible change to a JSON document; additions do not bump it.
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Debug, Clone, Copy, Default)]
pub struct Format {
    pub json: bool,
    pub pretty: bool,
}

/// A command's result: serializable for `--json`, renderable for people.
pub trait Report: Serialize {
    fn render(&self, out: &mut dyn Write) -> io::Result<()>;

    /// Non-zero when the report itself is a failure verdict (validate's failed checks).
    fn exit_code(&self) -> i32 {
        0
    }
}

#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    schema_version: u32,
    command: &'a str,
    #[serde(flatten)]
    report: &'a T,
}

pub fn emit<T: Report>(command: &str, report: &T, fmt: Format) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if fmt.json {
        let env = Envelope {
            schema_version: SCHEMA_VERSION,
            command,
            report,
        };
        write_json(&mut out, &env, fmt.pretty)?;
    } else {
        report.render(&mut out)?;
    }
    out.flush()
}

pub fn write_json<T: Serialize>(out: &mut dyn Write, v: &T, pretty: bool) -> io::Result<()> {
    if pretty {
        serde_json::to_writer_pretty(&mut *out, v)?;
    } else {
        serde_json::to_writer(&mut *out, v)?;
    }
    writeln!(out)
}

#[derive(Serialize)]
struct ErrorEnvelope<'a> {
    schema_version: u32,
    /// The subcommand that failed (`null` when the command line names none).
    command: Option<&'a str>,
    error: &'a X0Error,
}

/// Errors: JSON on stdout under `--json` (scripts read one stream), one line on stderr otherwise.
pub fn emit_error(err: &X0Error, command: Option<&str>, fmt: Format) {
    let mut err = err.clone();
    err.hint = err.hint.as_deref().map(complete_commands);
    let err = &err;
    if fmt.json {
        let env = ErrorEnvelope {
            schema_version: SCHEMA_VERSION,
            command,
            error: err,
        };
        let _ = write_json(&mut io::stdout().lock(), &env, fmt.pretty);
    } else {
        let mut line = format!("x0bpf: error: {}", err.message);
        if let Some(h) = &err.hint {
            line.push_str(" (hint: ");
            line.push_str(h);
            line.push(')');
        }
        let _ = writeln!(io::stderr(), "{line}");
    }
}

static COMMAND_PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Record the global options a hint's command must repeat to work when copied: `--bpffs`
/// (when not the default), `--pin-dir` and `--netns` as the user gave them. Main calls it once.
pub fn set_command_prefix(
    bpffs: &std::path::Path,
    pin_dir: Option<&std::path::Path>,
    netns: Option<&str>,
) {
    let mut p = String::from("x0bpf");
    if bpffs != std::path::Path::new("/sys/fs/bpf") {
        p.push_str(" --bpffs ");
        p.push_str(&shell_word(&bpffs.to_string_lossy()));
    }
    if let Some(d) = pin_dir {
        p.push_str(" --pin-dir ");
        p.push_str(&shell_word(&d.to_string_lossy()));
    }
    if let Some(n) = netns {
        p.push_str(" --netns ");
        p.push_str(&shell_word(n));
    }
    let _ = COMMAND_PREFIX.set(p);
}

/// `x0bpf` followed by the global options of this invocation (see [`set_command_prefix`]).
pub fn command_prefix() -> &'static str {
    COMMAND_PREFIX.get().map(String::as_str).unwrap_or("x0bpf")
}

/// A word as a POSIX shell reads it: quoted only when it needs to be.
pub fn shell_word(w: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "/._-,:=@+%".contains(c);
    if !w.is_empty() && w.chars().all(safe) {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', "'\\''"))
    }
}

/// Every x0bpf command a hint names (in backquotes, or the hint's first word) gets the global
/// options of this invocation, so it works when copied: one place for every hint.
pub fn complete_commands(hint: &str) -> String {
    let prefix = command_prefix();
    if prefix == "x0bpf" {
        return hint.to_string();
    }
    let mut s = hint.replace("`x0bpf ", &format!("`{prefix} "));
    if let Some(rest) = s.strip_prefix("x0bpf ") {
        s = format!("{prefix} {rest}");
    }
    s
}

/// Warnings never go to stdout: stdout belongs to the report.
pub fn warn(msg: &str) {
    let _ = writeln!(io::stderr(), "x0bpf: warning: {msg}");
}

/// How tables look: decided once, in main, from the flags, stdout and the environment.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Plain whitespace-aligned columns (stdout not a terminal, `--plain`, `TERM=dumb`).
    pub plain: bool,
    /// Print the header line.
    pub headers: bool,
    /// Bold headers (terminals only, never with `NO_COLOR`).
    pub color: bool,
}

static VERBOSE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `-v`: reports may show details they otherwise summarise (refused XDP modes).
pub fn set_verbose(v: bool) {
    VERBOSE.store(v, std::sync::atomic::Ordering::Relaxed);
}

pub fn verbose() -> bool {
    VERBOSE.load(std::sync::atomic::Ordering::Relaxed)
}

static STYLE: std::sync::OnceLock<Style> = std::sync::OnceLock::new();

impl Style {
    /// The conventions of `ip`, `ss`, `ls`: boxes and colour only on a terminal; `--plain` and
    /// `TERM=dumb` ask for plain columns; `NO_COLOR` (any non-empty value) turns colour off.
    pub fn detect(plain: bool, no_headers: bool) -> Style {
        use std::io::IsTerminal;
        let tty = io::stdout().is_terminal();
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let plain = plain || !tty || dumb;
        Style {
            plain,
            headers: !no_headers,
            color: !plain && !no_color,
        }
    }
}

/// Set the table style for this process (main calls it once, before any output).
pub fn set_style(style: Style) {
    let _ = STYLE.set(style);
}

fn style() -> Style {
    *STYLE.get_or_init(|| Style::detect(false, false))
}

/// A table in the house style: a boxed table on terminals, plain columns with one header line
/// in pipes (so `awk '$2=="xdp"'` works). Rows are added through `Deref` to comfy's `Table`.
pub struct Tbl {
    table: Table,
    style: Style,
}

impl std::ops::Deref for Tbl {
    type Target = Table;
    fn deref(&self) -> &Table {
        &self.table
    }
}

impl std::ops::DerefMut for Tbl {
    fn deref_mut(&mut self) -> &mut Table {
        &mut self.table
    }
}

impl std::fmt::Display for Tbl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.style.plain {
            return write!(f, "{}", self.table);
        }
        // One word per cell except the last, which keeps its spaces (like `ps`'s COMMAND):
        // `awk '$2=="xdp"'` still counts every column before it right, and prose stays legible.
        let row = |r: &comfy_table::Row| -> Vec<String> {
            let n = r.cell_iter().count();
            r.cell_iter()
                .enumerate()
                .map(|(i, c)| {
                    let text = c.content();
                    if i + 1 == n && !text.trim().is_empty() {
                        text.split_whitespace().collect::<Vec<_>>().join(" ")
                    } else {
                        plain_cell(&text)
                    }
                })
                .collect()
        };
        let mut rows: Vec<Vec<String>> = Vec::new();
        if self.style.headers {
            if let Some(h) = self.table.header() {
                // Header words joined with `_` (`PROG ID` → `PROG_ID`): one word per column.
                rows.push(
                    h.cell_iter()
                        .map(|c| c.content().split_whitespace().collect::<Vec<_>>().join("_"))
                        .collect(),
                );
            }
        }
        rows.extend(self.table.row_iter().map(row));
        render_plain(f, &rows)
    }
}

/// One word per cell, so `awk` counts columns right: an empty cell is `-`, and the words of a
/// multi-word value are joined with `,` (`a, b` becomes `a,b`). The last column is exempt.
pub fn plain_cell(s: &str) -> String {
    let words: Vec<&str> = s
        .split_whitespace()
        .map(|w| w.trim_end_matches(','))
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        "-".to_string()
    } else {
        words.join(",")
    }
}

/// Whether tables are plain columns (a pipe, `--plain`, `TERM=dumb`): then stdout holds only
/// rows, and every row names what it belongs to (an `OBJECT` column where a terminal shows a
/// title instead).
pub fn plain() -> bool {
    style().plain
}

/// Whether header lines are printed (not `--no-headers`).
pub fn headers() -> bool {
    style().headers
}

/// A line that is not part of a table (a title, a note, a trailer). On terminals it goes with
/// the tables; in plain mode stdout holds only table lines, so it goes to stderr, and with
/// `--no-headers` it is left out.
pub fn note(out: &mut dyn Write, line: &str) -> io::Result<()> {
    let st = style();
    if !st.plain {
        writeln!(out, "{line}")
    } else if st.headers {
        writeln!(io::stderr(), "{line}")
    } else {
        Ok(())
    }
}

/// Columns separated by at least two spaces, left-aligned, no trailing blanks; the last line
/// has no newline (callers use `writeln!`, as with comfy's tables).
fn render_plain(f: &mut std::fmt::Formatter<'_>, rows: &[Vec<String>]) -> std::fmt::Result {
    let ncol = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut width = vec![0usize; ncol];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            width[i] = width[i].max(c.chars().count());
        }
    }
    for (n, r) in rows.iter().enumerate() {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            if i + 1 < r.len() {
                line.push_str(c);
                line.push_str(&" ".repeat(width[i] - c.chars().count() + 2));
            } else {
                line.push_str(c);
            }
        }
        if n > 0 {
            writeln!(f)?;
        }
        f.write_str(line.trim_end())?;
    }
    Ok(())
}

impl Tbl {
    /// Write the table and its newline; nothing at all for a table with neither a header line
    /// nor rows (plain mode, `--no-headers`, no rows), so stdout has no blank line.
    pub fn write_to(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.style.plain
            && self.table.header().is_none()
            && self.table.row_iter().next().is_none()
        {
            return Ok(());
        }
        writeln!(out, "{self}")
    }
}

/// A table in the house style (see [`Tbl`]).
pub fn table<I, S>(header: I) -> Tbl
where
    I: IntoIterator<Item = S>,
    S: Into<comfy_table::Cell>,
{
    let style = style();
    let mut t = Table::new();
    t.load_preset(UTF8_BORDERS_ONLY)
        .set_content_arrangement(ContentArrangement::Disabled);
    if style.headers {
        let cells: Vec<comfy_table::Cell> = header.into_iter().map(Into::into).collect();
        if style.color {
            t.enforce_styling();
            t.set_header(
                cells
                    .into_iter()
                    .map(|c| c.add_attribute(comfy_table::Attribute::Bold)),
            );
        } else {
            t.set_header(cells);
        }
    }
    Tbl { table: t, style }
}

/// `-` for absent values keeps table columns aligned and greppable.
pub fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref()
        .map(|x| x.to_string())
        .unwrap_or_else(|| "-".into())
}

static PROGRESS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether a person is watching: progress only when both stdout and stderr are terminals, the
/// output is not JSON, the terminal is not `TERM=dumb` (no cursor control) and `-v` does not
/// interleave libbpf's log with it (main decides once, after `set_verbose`; pipes and scripts
/// never see a spinner).
pub fn set_progress(json: bool) {
    use std::io::IsTerminal;
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    let on =
        !json && !dumb && !verbose() && io::stdout().is_terminal() && io::stderr().is_terminal();
    PROGRESS.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// A spinner on stderr while a long step runs (`load` of a large object, the verifier,
/// `explain`'s analysis, BTF parsing); cleared when dropped, so the report prints on a clean
/// line. Hidden unless [`set_progress`] found a person at a terminal.
pub struct Busy(Option<indicatif::ProgressBar>);

pub fn busy(msg: &str) -> Busy {
    if !PROGRESS.load(std::sync::atomic::Ordering::Relaxed) {
        return Busy(None);
    }
    let pb =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    pb.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    pb.set_message(msg.to_string());
    // Drawn at once, then ticked by indicatif's thread: a step that blocks in one syscall (the
    // verifier) still shows it is alive.
    pb.tick();
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    Busy(Some(pb))
}

impl Busy {
    /// A new message for the same spinner (the next step of the same wait).
    pub fn step(&self, msg: &str) {
        if let Some(pb) = &self.0 {
            pb.set_message(msg.to_string());
        }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        if let Some(pb) = self.0.take() {
            pb.finish_and_clear();
        }
    }
}
