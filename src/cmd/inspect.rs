//! `x0bpf inspect OBJECT`: everything in a BPF ELF object, without loading it.
use std::io::{self, Write};

use serde::Serialize;

use crate::obj::elf::{self, ObjectInfo};
use crate::obj::source;
use crate::output::{note, opt, table, Report};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A BPF object file, the name of an embedded object (see `x0bpf objects`), or - for
    /// standard input
    #[arg(add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::objects))]
    pub object: String,
}

#[derive(Serialize)]
pub struct InspectReport {
    #[serde(flatten)]
    pub object: ObjectInfo,
}

pub fn run(args: &Args) -> anyhow::Result<InspectReport> {
    let src = source::resolve(&args.object)?;
    let parsed = elf::parse(&src.bytes, &src.origin)?;
    Ok(InspectReport {
        object: parsed.info,
    })
}

impl Report for InspectReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        let o = &self.object;
        writeln!(out, "object:   {} ({} bytes)", o.source, o.size)?;
        writeln!(
            out,
            "elf:      {} {}-endian {} ({}){}",
            o.elf.class,
            o.elf.endianness,
            o.elf.machine,
            o.elf.elf_type,
            if o.elf.native_endian {
                ""
            } else {
                ", not loadable on this machine"
            }
        )?;
        writeln!(out, "license:  {}", opt(&o.license))?;
        if let Some(v) = &o.kernel_version {
            writeln!(out, "version:  {} (0x{:x})", v.text, v.code)?;
        }
        let b = &o.btf;
        if b.present {
            writeln!(
                out,
                "btf:      {} types, {} func info, {} line info, {} CO-RE relocations{}",
                b.types,
                b.func_info,
                b.line_info,
                b.core_relocations.len(),
                if b.ext_present { "" } else { " (no .BTF.ext)" }
            )?;
        } else {
            writeln!(out, "btf:      none")?;
        }
        if let Some(e) = &b.error {
            writeln!(out, "btf error: {e}")?;
        }

        note(out, "\nprograms:")?;
        let mut t = table([
            "NAME", "SECTION", "TYPE", "ATTACH", "INSNS", "HELPERS", "CALLS", "MAPS",
        ]);
        for p in &o.programs {
            t.add_row(vec![
                p.name.clone(),
                p.section.clone(),
                opt(&p.prog_type),
                opt(&p.expected_attach_type),
                p.instructions.to_string(),
                list(&p.helpers),
                list(&p.calls),
                list(&p.maps),
            ]);
        }
        writeln!(out, "{t}")?;

        note(out, "\nmaps:")?;
        let mut t = table([
            "NAME", "DEF", "TYPE", "KEY", "VALUE", "MAX", "FLAGS", "PINNING",
        ]);
        for m in &o.maps {
            t.add_row(vec![
                m.name.clone(),
                m.definition.to_string(),
                m.map_type.clone(),
                typed(m.key_size, &m.key_type),
                typed(m.value_size, &m.value_type),
                opt(&m.max_entries),
                format!("0x{:x}", m.flags),
                m.pinning.to_string(),
            ]);
        }
        writeln!(out, "{t}")?;

        if !b.core_relocations.is_empty() {
            note(out, "\nCO-RE relocations:")?;
            let mut t = table(["FUNCTION", "INSN", "KIND", "ACCESS"]);
            for r in &b.core_relocations {
                t.add_row(vec![
                    r.function.clone().unwrap_or_else(|| r.section.clone()),
                    r.insn.to_string(),
                    r.kind.clone(),
                    format!("{} ({})", r.access, r.access_string),
                ]);
            }
            writeln!(out, "{t}")?;
        }
        if !o.globals.is_empty() {
            note(out, "\nglobals:")?;
            let mut t = table(["NAME", "SECTION", "OFFSET", "SIZE", "TYPE"]);
            for g in &o.globals {
                t.add_row(vec![
                    g.name.clone(),
                    g.section.clone(),
                    g.offset.to_string(),
                    g.size.to_string(),
                    opt(&g.type_name),
                ]);
            }
            writeln!(out, "{t}")?;
        }

        note(out, "\nsections:")?;
        let mut t = table(["IDX", "NAME", "TYPE", "SIZE", "FLAGS", "ROLE"]);
        for s in &o.sections {
            if s.role == "null" {
                continue;
            }
            t.add_row(vec![
                s.index.to_string(),
                s.name.clone(),
                s.kind.clone(),
                s.size.to_string(),
                s.flags.join(","),
                s.role.to_string(),
            ]);
        }
        writeln!(out, "{t}")?;
        for w in &o.warnings {
            note(out, &format!("warning: {w}"))?;
        }
        Ok(())
    }
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "-".into()
    } else {
        v.join(", ")
    }
}

fn typed(size: Option<u32>, ty: &Option<String>) -> String {
    match (size, ty) {
        (Some(s), Some(t)) => format!("{s} ({t})"),
        (Some(s), None) => s.to_string(),
        (None, Some(t)) => t.clone(),
        (None, None) => "-".into(),
    }
}
