//! `x0bpf load OBJECT`: load every program and map, pin them under bpffs; they outlive x0bpf.
use std::io::{self, Write};

use serde::Serialize;

use crate::error::{ErrorKind, X0Error};
use crate::obj::source;
use crate::output::{table, Report};
use crate::store::load::{self, LoadOptions, Loaded};
use crate::store::{self, Access, Store};
use crate::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A BPF object file, or the name of an embedded object (see `x0bpf objects`)
    #[arg(add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::objects))]
    pub object: String,
    /// Name to load under (pins go to <pin-dir>/<NAME>/) [default: the object's name]
    #[arg(long)]
    pub name: Option<String>,
    /// Reuse maps already pinned under this name, so a reload keeps their contents
    #[arg(long)]
    pub reuse_maps: bool,
    /// Replace an object already loaded under this name
    #[arg(long)]
    pub replace: bool,
    /// Set a `.rodata` (const volatile) variable before load, typed from BTF: VAR=VALUE
    #[arg(long = "set", value_name = "VAR=VALUE")]
    pub sets: Vec<String>,
}

#[derive(Serialize)]
pub struct LoadReport {
    #[serde(flatten)]
    pub loaded: Loaded,
    pub warnings: Vec<String>,
}

pub fn parse_sets(sets: &[String]) -> Result<Vec<(String, String)>, X0Error> {
    sets.iter()
        .map(|s| {
            s.split_once('=')
                .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
                .ok_or_else(|| {
                    X0Error::new(ErrorKind::Usage, format!("--set {s}: expected VAR=VALUE"))
                })
        })
        .collect()
}

pub fn run(args: &Args, ctx: &Ctx) -> anyhow::Result<LoadReport> {
    let src = source::resolve(&args.object)?;
    if args.name.is_none() {
        // The name comes from the file name, which the user did not choose as a name.
        store::check_name("object name", &src.name).map_err(|e| {
            e.hint(format!(
                "the name is taken from the file name {}: pass --name NAME",
                src.origin
            ))
        })?;
    }
    if let Some(n) = &args.name {
        // Before the store is opened: a bad name must not mount or create anything.
        store::check_name("object name", n)?;
    }
    let store = Store::open(ctx, Access::Write)?;
    let opts = LoadOptions {
        name: args.name.clone(),
        reuse_maps: args.reuse_maps,
        replace: args.replace,
        sets: parse_sets(&args.sets)?,
    };
    let busy = crate::output::busy(&format!("loading {} (verifier)", src.name));
    let loaded = load::load_and_pin(&store, &src, &opts)?;
    drop(busy);
    Ok(LoadReport {
        loaded,
        warnings: store.note.clone().into_iter().collect(),
    })
}

impl Report for LoadReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        let l = &self.loaded;
        writeln!(
            out,
            "{} {} from {} at {}",
            if l.replaced { "replaced" } else { "loaded" },
            l.name,
            l.origin,
            l.dir.display()
        )?;
        let mut t = table(["KIND", "NAME", "ID", "TYPE", "PIN"]);
        for p in &l.programs {
            t.add_row(vec![
                "prog".into(),
                p.name.clone(),
                p.id.to_string(),
                p.prog_type.clone(),
                p.pin.display().to_string(),
            ]);
        }
        for m in &l.maps {
            t.add_row(vec![
                if m.reused { "map (reused)" } else { "map" }.into(),
                m.name.clone(),
                m.id.to_string(),
                m.map_type.clone(),
                m.pin.display().to_string(),
            ]);
        }
        writeln!(out, "{t}")?;
        for w in &self.warnings {
            writeln!(out, "note: {w}")?;
        }
        Ok(())
    }
}
