//! `x0bpf objects`: the objects embedded in the binary at build time.
use std::io::{self, Write};

use serde::Serialize;

use crate::obj::source::{EmbeddedRow, EMBEDDED};
use crate::output::{table, Report};

#[derive(Debug, clap::Args)]
pub struct Args {}

#[derive(Serialize)]
pub struct ObjectsReport {
    pub objects: Vec<EmbeddedRow>,
}

pub fn run(_args: &Args) -> anyhow::Result<ObjectsReport> {
    Ok(ObjectsReport {
        objects: EMBEDDED
            .iter()
            .map(|e| EmbeddedRow {
                name: e.name,
                source: e.source,
                summary: e.summary,
                size: e.bytes.len(),
            })
            .collect(),
    })
}

impl Report for ObjectsReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
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
