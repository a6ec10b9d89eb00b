//! `x0bpf completions SHELL`: completion scripts generated from the clap definition.
use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// bash, zsh, fish, elvish or powershell
    pub shell: Shell,
}

pub fn generate(shell: Shell, out: &mut dyn Write) {
    let mut cmd = crate::cli::Cli::command();
    clap_complete::generate(shell, &mut cmd, "x0bpf", out);
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    generate(args.shell, &mut std::io::stdout().lock());
    Ok(())
}
