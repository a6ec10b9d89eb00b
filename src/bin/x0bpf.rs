//! x0bpf's entry point: parse, dispatch, turn errors into the documented exit codes.
use std::io::ErrorKind as IoKind;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use x0bpf::cli::{Cli, Command};
use x0bpf::error::{classify, ErrorKind, X0Error};
use x0bpf::output::{emit, emit_error, Format};
use x0bpf::sys::libbpf_log;
use x0bpf::{cmd, Ctx};

fn main() -> ExitCode {
    // Called back by the shell's completion script: print candidates and exit.
    clap_complete::CompleteEnv::with_factory(cmd::completions::command_for_completion)
        .var(cmd::completions::COMPLETE_VAR)
        .complete();
    // First of all: a stream signalled during its setup (opening maps, loading programs)
    // must end like one signalled later, with exit 0. Commands that do not stream get the
    // default disposition back once parsed.
    x0bpf::stream::install_stop_signals();
    let cli = match Cli::command()
        .try_get_matches()
        .and_then(|m| Ok((Cli::from_arg_matches(&m)?, command_name(&m))))
    {
        Ok(c) => c,
        Err(e) => {
            x0bpf::stream::restore_default_signals();
            return usage_error(e);
        }
    };
    let (cli, name) = cli;
    if !streams(&cli.command) {
        x0bpf::stream::restore_default_signals();
    }
    let g = &cli.global;
    x0bpf::output::set_style(x0bpf::output::Style::detect(g.plain, g.no_headers));
    let ctx = Ctx {
        fmt: Format {
            json: g.json || g.pretty,
            pretty: g.pretty,
        },
        bpffs: g.bpffs.clone(),
        nomount: g.nomount,
        verbose: g.verbose > 0,
        pin_dir: g.pin_dir.clone(),
        netns: g.netns.clone(),
        plain: g.plain,
    };
    x0bpf::output::set_command_prefix(&ctx.bpffs, ctx.pin_dir.as_deref(), ctx.netns.as_deref());
    libbpf_log::init(ctx.verbose);
    x0bpf::output::set_verbose(ctx.verbose);
    x0bpf::output::set_progress(ctx.fmt.json);
    // Before anything else (still one thread): every command then works in that namespace.
    let entered = match &ctx.netns {
        Some(ns) => x0bpf::sys::ns::enter_netns(ns),
        None => Ok(()),
    };

    let res: anyhow::Result<i32> = match (&cli.command, entered) {
        (_, Err(e)) => Err(e.into()),
        (c, Ok(())) => dispatch(c, &ctx),
    };
    finish(res, &name, &ctx)
}

/// Commands that stream until a count, a duration or Ctrl-C/SIGTERM ends them (docs/JSON.md,
/// Streams): SIGINT and SIGTERM end them with exit 0, from the start.
fn streams(c: &Command) -> bool {
    use cmd::guard::GuardCmd;
    use cmd::map::MapCmd;
    match c {
        Command::Tail(_)
        | Command::Events(_)
        | Command::Top(_)
        | Command::Profile(_)
        | Command::Syscalls(_)
        | Command::Exporter(_) => true,
        Command::Stats(a) => a.watch,
        Command::Flows(a) => a.watch || a.graph,
        Command::Guard(a) => matches!(a.cmd, GuardCmd::Start(_)),
        Command::Map(a) => matches!(a.cmd, MapCmd::Dump(_)),
        _ => false,
    }
}

/// The command as JSON documents name it: the subcommand, and for `map` its action
/// (`map dump`), as the map documents do.
fn command_name(m: &clap::ArgMatches) -> String {
    match m.subcommand() {
        Some((cmd @ ("map" | "guard"), sub)) => match sub.subcommand() {
            Some((action, _)) => format!("{cmd} {action}"),
            None => cmd.into(),
        },
        Some((name, _)) => name.to_string(),
        None => String::new(),
    }
}

fn dispatch(command: &Command, ctx: &Ctx) -> anyhow::Result<i32> {
    match command {
        Command::Objects(a) => match cmd::objects::run(a)? {
            Some(r) => show("objects", &r, ctx),
            None => Ok(0),
        },
        Command::Inspect(a) => cmd::inspect::run(a).and_then(|r| show("inspect", &r, ctx)),
        Command::Explain(a) => cmd::explain::run(a).and_then(|r| show("explain", &r, ctx)),
        Command::Validate(a) => cmd::validate::run(a).and_then(|r| show("validate", &r, ctx)),
        Command::Feature(a) => cmd::feature::run(a, ctx).and_then(|r| show("feature", &r, ctx)),
        Command::Load(a) => cmd::load::run(a, ctx).and_then(|r| show("load", &r, ctx)),
        Command::Unload(a) => cmd::unload::run(a, ctx).and_then(|r| show("unload", &r, ctx)),
        Command::List(a) => cmd::list::run(a, ctx).and_then(|r| show("list", &r, ctx)),
        Command::Attach(a) => cmd::attach::run(a, ctx).and_then(|r| show("attach", &r, ctx)),
        Command::Detach(a) => cmd::detach::run(a, ctx).and_then(|r| show("detach", &r, ctx)),
        Command::Net(a) => cmd::net::run(a, ctx).and_then(|r| show("net", &r, ctx)),
        Command::Stats(a) => cmd::stats::run(a, ctx),
        Command::Syscalls(a) => cmd::syscalls::run(a, ctx),
        Command::Events(a) => cmd::events::run(a, ctx),
        Command::Flows(a) => cmd::flows::run(a, ctx),
        Command::Guard(a) => cmd::guard::run(a, ctx),
        Command::Map(a) => cmd::map::run(a, ctx),
        Command::Tail(a) => cmd::tail::run(a, ctx),
        Command::Top(a) => cmd::top::run(a, ctx),
        Command::Profile(a) => cmd::profile::run(a, ctx),
        Command::Bench(a) => cmd::bench::run(a, ctx),
        Command::Exporter(a) => cmd::exporter::run(a, ctx),
        Command::Completions(a) => cmd::completions::run(a).map(|_| 0),
        Command::Man(a) => cmd::man::run(a).map(|_| 0),
    }
}

fn finish(res: anyhow::Result<i32>, command: &str, ctx: &Ctx) -> ExitCode {
    match res {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            // A closed pipe (`x0bpf … | head`) is the reader's choice, not an error.
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            let err = classify(&e);
            emit_error(&err, Some(command), ctx.fmt);
            ExitCode::from(err.kind.exit_code() as u8)
        }
    }
}

fn show<T: x0bpf::output::Report>(name: &str, r: &T, ctx: &Ctx) -> anyhow::Result<i32> {
    emit(name, r, ctx.fmt)?;
    Ok(r.exit_code())
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == IoKind::BrokenPipe || x0bpf::stream::is_stalled(io))
    })
}

/// clap's own errors: `x0bpf: error: …` then clap's usage lines; under --json, the JSON error
/// document scripts expect.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind as C;
    let json = std::env::args().skip(1).any(|a| {
        a == "--json"
            || a == "--pretty"
            || (a.starts_with('-') && !a.starts_with("--") && (a.contains('j') || a.contains('p')))
    });
    // `x0bpf -j map`: a script gets the JSON error it asked for, not help text.
    if json && e.kind() == C::DisplayHelpOnMissingArgumentOrSubcommand {
        let command = argv_command();
        let err = X0Error::new(
            ErrorKind::Usage,
            format!(
                "{} needs a subcommand",
                command
                    .as_deref()
                    .map(|c| format!("x0bpf {c}"))
                    .unwrap_or_else(|| "x0bpf".into())
            ),
        )
        .hint(match &command {
            Some(c) => format!("see `x0bpf {c} --help`"),
            None => "see `x0bpf --help`".to_string(),
        });
        emit_error(
            &err,
            command.as_deref(),
            Format {
                json: true,
                pretty: false,
            },
        );
        return ExitCode::from(ErrorKind::Usage.exit_code() as u8);
    }
    if matches!(
        e.kind(),
        C::DisplayHelp | C::DisplayVersion | C::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return ExitCode::from(if e.kind() == C::DisplayHelpOnMissingArgumentOrSubcommand {
            2
        } else {
            0
        });
    }
    if json {
        let msg = e.to_string();
        // clap's message up to its usage line: for a missing argument the next lines name it
        // (`the following required arguments were not provided: <IFACE>`).
        let text: Vec<&str> = msg
            .lines()
            .map(str::trim)
            .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
            .filter(|l| !l.is_empty())
            .collect();
        let text = text.join(" ");
        let text = text.trim_start_matches("error: ");
        let command = argv_command();
        let help = match &command {
            Some(c) => format!("see `x0bpf {c} --help`"),
            None => "see `x0bpf --help`".to_string(),
        };
        let err = X0Error::new(
            ErrorKind::Usage,
            if text.is_empty() {
                "invalid usage"
            } else {
                text
            },
        )
        .hint(help);
        emit_error(
            &err,
            command.as_deref(),
            Format {
                json: true,
                pretty: false,
            },
        );
    } else {
        // `x0bpf: error: …` like every other error (clap's usage lines follow as clap writes
        // them); colour only on a terminal, as clap would.
        use std::io::{IsTerminal, Write};
        let r = e.render();
        let text = if std::io::stderr().is_terminal() {
            r.ansi().to_string()
        } else {
            r.to_string()
        };
        let _ = write!(std::io::stderr(), "x0bpf: {text}");
    }
    ExitCode::from(ErrorKind::Usage.exit_code() as u8)
}

/// The subcommand a command line that failed to parse names, if any (and `map`'s action).
fn argv_command() -> Option<String> {
    let cmd = Cli::command();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let pos = args.iter().position(|a| {
        cmd.get_subcommands()
            .any(|s| s.get_name() == a || s.get_all_aliases().any(|al| al == a))
    })?;
    let sub = cmd
        .get_subcommands()
        .find(|s| s.get_name() == args[pos] || s.get_all_aliases().any(|al| al == args[pos]))?;
    let name = sub.get_name().to_string();
    if name == "map" || name == "guard" {
        if let Some(action) = args[pos + 1..]
            .iter()
            .find(|a| sub.get_subcommands().any(|s| s.get_name() == a.as_str()))
        {
            return Some(format!("{name} {action}"));
        }
    }
    Some(name)
}
