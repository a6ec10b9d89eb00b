//! Rendering: every command builds one report value; this module prints it either as a human
//! table or as versioned JSON. Logic never prints.
use std::io::{self, Write};

use comfy_table::presets::UTF8_BORDERS_ONLY;
use comfy_table::{ContentArrangement, Table};
use serde::Serialize;

use crate::error::X0Error;

/// Bumped on any incompatible change to a JSON document; additions do not bump it.
pub const SCHEMA_VERSION: u32 = 1;

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
    error: &'a X0Error,
}

/// Errors: JSON on stdout under `--json` (scripts read one stream), one line on stderr otherwise.
pub fn emit_error(err: &X0Error, fmt: Format) {
    if fmt.json {
        let env = ErrorEnvelope {
            schema_version: SCHEMA_VERSION,
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

/// Warnings never go to stdout: stdout belongs to the report.
pub fn warn(msg: &str) {
    let _ = writeln!(io::stderr(), "x0bpf: warning: {msg}");
}

/// A table in the house style.
pub fn table<I, S>(header: I) -> Table
where
    I: IntoIterator<Item = S>,
    S: Into<comfy_table::Cell>,
{
    let mut t = Table::new();
    t.load_preset(UTF8_BORDERS_ONLY)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header);
    t
}

/// `-` for absent values keeps table columns aligned and greppable.
pub fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref()
        .map(|x| x.to_string())
        .unwrap_or_else(|| "-".into())
}
