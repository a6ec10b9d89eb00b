//! `x0bpf objects`: the objects embedded in the binary at build time; `--extract` writes one
//! out, so other tools (bpftool, xdp-loader, ip, llvm-objdump) can use it.
use std::io::{self, Write};
use std::path::PathBuf;

use serde::Serialize;

use crate::error::{ErrorKind, X0Error};
use crate::obj::source::{self, EmbeddedRow, EMBEDDED};
use crate::output::{table, Report};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write the ELF file of this embedded object (to standard output when it is not a
    /// terminal, else give -o)
    #[arg(long, value_name = "NAME")]
    pub extract: Option<String>,
    /// With --extract: the file to write (- for standard output)
    #[arg(short = 'o', long, value_name = "FILE", requires = "extract")]
    pub output: Option<PathBuf>,
}

#[derive(Serialize)]
pub struct ObjectsReport {
    pub objects: Vec<EmbeddedRow>,
    /// `--extract NAME -o FILE`: what was written where.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extracted: Option<Extracted>,
}

#[derive(Serialize)]
pub struct Extracted {
    pub name: &'static str,
    pub file: PathBuf,
    pub size: usize,
}

/// `None`: the object went to standard output, which then holds nothing else.
pub fn run(args: &Args) -> anyhow::Result<Option<ObjectsReport>> {
    let objects: Vec<EmbeddedRow> = EMBEDDED
        .iter()
        .map(|e| EmbeddedRow {
            name: e.name,
            source: e.source,
            summary: e.summary,
            size: e.bytes.len(),
        })
        .collect();
    let Some(name) = &args.extract else {
        return Ok(Some(ObjectsReport {
            objects,
            extracted: None,
        }));
    };
    let e = source::embedded(name).ok_or_else(|| {
        X0Error::new(
            ErrorKind::NotFound,
            format!("no embedded object named {name}"),
        )
        .hint(format!(
            "embedded objects are: {}",
            EMBEDDED
                .iter()
                .map(|e| e.name)
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    match &args.output {
        Some(p) if p.as_os_str() != "-" => {
            std::fs::write(p, e.bytes).map_err(|err| {
                // Any failure to write the output file is an I/O error: exit 2, as
                // documented, whatever the errno (ENOSPC, ENOENT, EISDIR, …).
                let mut e = X0Error::os(format!("writing {}", p.display()), &err);
                e.kind = ErrorKind::Usage;
                e
            })?;
            Ok(Some(ObjectsReport {
                objects,
                extracted: Some(Extracted {
                    name: e.name,
                    file: p.clone(),
                    size: e.bytes.len(),
                }),
            }))
        }
        out => {
            if out.is_none() && crate::stream::stdout_is_terminal() {
                return Err(X0Error::new(
                    ErrorKind::Usage,
                    format!("not writing the ELF file of {name} to a terminal"),
                )
                .hint(format!("x0bpf objects --extract {name} -o {name}.o"))
                .into());
            }
            let mut o = io::stdout().lock();
            o.write_all(e.bytes)?;
            o.flush()?;
            Ok(None)
        }
    }
}

impl Report for ObjectsReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        if let Some(x) = &self.extracted {
            return writeln!(
                out,
                "wrote {} ({} bytes) to {}",
                x.name,
                x.size,
                x.file.display()
            );
        }
        let mut t = table(["NAME", "SIZE", "SOURCE", "WHAT IT DOES"]);
        for o in &self.objects {
            t.add_row(vec![
                o.name.to_string(),
                o.size.to_string(),
                o.source.to_string(),
                o.summary.to_string(),
            ]);
        }
        writeln!(out, "{t}")
    }
}
