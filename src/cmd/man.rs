//! `x0bpf man DIR`: man pages generated from the clap definition, one per subcommand.
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::CommandFactory;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory to write x0bpf.1 and x0bpf-<command>.1 into
    pub dir: PathBuf,
}

/// Render every page as (file name, content), so tests can compare with the committed ones.
pub fn pages() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let cmd = crate::cli::Cli::command();
    let mut pages = Vec::new();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut buf)?;
    pages.push(("x0bpf.1".to_string(), buf));
    for sub in cmd.get_subcommands() {
        if sub.is_hide_set() {
            continue;
        }
        let name = format!("x0bpf-{}", sub.get_name());
        let file = format!("{name}.1");
        let sub = sub.clone().name(name);
        let mut buf = Vec::new();
        clap_mangen::Man::new(sub).render(&mut buf)?;
        pages.push((file, buf));
    }
    Ok(pages)
}

pub fn write_all(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut written = Vec::new();
    for (name, content) in pages()? {
        let p = dir.join(name);
        std::fs::write(&p, content).with_context(|| format!("writing {}", p.display()))?;
        written.push(p);
    }
    Ok(written)
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    for p in write_all(&args.dir)? {
        eprintln!("wrote {}", p.display());
    }
    Ok(())
}
