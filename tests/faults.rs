//! Fault injection: every state-changing command is killed (SIGKILL) at every step it takes, and
//! after each kill the next `list`/`detach`/`unload` must bring the system back to a clean state
//! with nothing leaked (no pin, no attachment, no program or map of ours left in the kernel) and
//! nothing lost (what was loaded before the killed command is still loaded).
//!
//! A step is one call of bpf, mkdir(at), rename(at/at2), unlink(at), rmdir, mount, or the
//! sendto/sendmsg that carries a netlink request. The steps of a command are found by running it
//! once under `strace -f -e trace=<those>`; then, from the same starting state, the command is
//! rerun once per step k (the n-th call of syscall s) under
//! `strace -e trace=s -e inject=s:signal=KILL:when=n`. strace delivers the signal on entry to
//! that call, so the call itself never runs: steps 1..k-1 happened, step k and later did not.
//! strace counts `when=` per syscall (and per thread: the traced commands are single-threaded,
//! which the reference run checks). A killed tracee makes strace kill itself with the same
//! signal, which is how each iteration confirms that the kill happened.
//!
//! Witnesses are independent of x0bpf: a walk of the test's private bpffs, `ip -j link`,
//! `tc`, and `bpftool` (program, map and link ids).
mod common;

use std::collections::BTreeSet;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{bin, sh, Bpffs, NetNs, Run};
use serde_json::Value;

/// Every syscall that counts as a step.
const STEPS: &str =
    "bpf,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,rmdir,mount,sendto,sendmsg";

#[derive(Debug, Clone)]
struct Step {
    /// 1-based position among all steps.
    index: usize,
    syscall: String,
    /// 1-based occurrence of this syscall (strace's `when=`).
    nth: usize,
    /// strace's line for it: the arguments say what x0bpf was doing.
    line: String,
}

/// How a traced run ended.
struct Outcome {
    code: Option<i32>,
    signal: Option<i32>,
    stdout: String,
    stderr: String,
}

struct Env {
    ns: NetNs,
    fs: Bpffs,
    tmp: tempfile::TempDir,
    /// Another tool's XDP program (bpftool-loaded, pinned at `<bpffs>/foreign`) and its id.
    foreign: Option<(String, u64)>,
}

/// Where the other tool's program is pinned, beside (not in) x0bpf's pin directory.
const FOREIGN: &str = "foreign";

impl Env {
    fn new(foreign: bool) -> Env {
        let mut env = Env {
            ns: NetNs::new(),
            fs: Bpffs::new(),
            tmp: tempfile::tempdir().expect("tempdir"),
            foreign: None,
        };
        if foreign {
            let obj = x0bpf::obj::source::embedded("xdp_counter").unwrap();
            let o = env.tmp.path().join("foreign.o");
            std::fs::write(&o, obj.bytes).unwrap();
            let pin = env.fs.dir.join(FOREIGN).to_str().unwrap().to_string();
            let r = sh(
                "bpftool",
                &["prog", "load", o.to_str().unwrap(), &pin, "type", "xdp"],
            );
            assert_eq!(r.code, 0, "bpftool prog load: {}", r.stderr);
            let id = bpftool(&["prog", "show", "pinned", &pin]).unwrap()["id"]
                .as_u64()
                .unwrap();
            env.foreign = Some((pin, id));
        }
        env
    }

    /// The store name of the (one) guard object in the pin directory.
    fn guard_object(&self) -> String {
        let names: Vec<String> = std::fs::read_dir(self.fs.dir.join("x0bpf"))
            .expect("pin directory")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("guard-"))
            .collect();
        assert_eq!(names.len(), 1, "one guard object: {names:?}");
        names[0].clone()
    }

    /// The XDP program id on veth0, per `ip -j -d link`.
    fn xdp_on_veth0(&self) -> Option<Value> {
        let r = sh(
            "ip",
            &[
                "-j",
                "-d",
                "-n",
                &self.ns.name,
                "link",
                "show",
                "dev",
                "veth0",
            ],
        );
        let v: Value = serde_json::from_str(&r.stdout).unwrap_or(Value::Null);
        let x = v[0]["xdp"].clone();
        (!x.is_null()).then_some(x)
    }

    /// Attach the other tool's program (generic mode, netlink) unless it runs already.
    fn attach_foreign(&self) {
        let Some((pin, id)) = &self.foreign else {
            return;
        };
        match self.xdp_on_veth0() {
            Some(x) if x["prog"]["id"].as_u64() == Some(*id) => {}
            x => {
                assert!(x.is_none(), "veth0 runs an unexpected XDP program: {x:?}");
                let r = self.ns.exec(
                    "bpftool",
                    &["net", "attach", "xdpgeneric", "pinned", pin, "dev", "veth0"],
                );
                assert_eq!(r.code, 0, "bpftool net attach: {}", r.stderr);
            }
        }
    }

    /// x0bpf inside the test's network namespace, pinning into its bpffs.
    fn x0(&self, args: &[&str]) -> Run {
        let mut a = vec!["--bpffs", self.fs.arg()];
        a.extend_from_slice(args);
        self.ns.x0(&a)
    }

    /// x0bpf under strace (with `strace_args` before the command).
    fn traced(&self, strace_args: &[&str], args: &[&str]) -> Outcome {
        let o = Command::new("nsenter")
            .arg(format!("--net={}", self.ns.path.display()))
            .args(["strace", "-f", "-qq"])
            .args(strace_args)
            .arg(bin())
            .args(["--bpffs", self.fs.arg()])
            .args(args)
            .output()
            .expect("run nsenter strace x0bpf (is strace installed?)");
        Outcome {
            code: o.status.code(),
            signal: o.status.signal(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// The steps `args` takes, from one run under strace (which must succeed).
    fn steps(&self, args: &[&str]) -> Vec<Step> {
        let file = self.tmp.path().join("trace");
        let out = self.traced(
            &[
                "-e",
                &format!("trace={STEPS}"),
                "-o",
                file.to_str().unwrap(),
            ],
            args,
        );
        assert_eq!(
            out.code,
            Some(0),
            "reference run of x0bpf {}: stdout:\n{}\nstderr:\n{}",
            args.join(" "),
            out.stdout,
            out.stderr
        );
        let text = std::fs::read_to_string(&file).expect("read strace output");
        let mut steps = Vec::new();
        let mut pids = BTreeSet::new();
        for line in text.lines() {
            let Some((pid, rest)) = line.split_once(' ') else {
                continue;
            };
            let rest = rest.trim_start();
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if name.is_empty() || !rest[name.len()..].starts_with('(') {
                continue; // signals, "<... resumed>"
            }
            pids.insert(pid.to_string());
            let nth = steps.iter().filter(|s: &&Step| s.syscall == name).count() + 1;
            steps.push(Step {
                index: steps.len() + 1,
                syscall: name,
                nth,
                line: line.chars().take(220).collect(),
            });
        }
        // strace counts `when=` per thread: the step numbering holds for one thread only.
        assert_eq!(
            pids.len(),
            1,
            "x0bpf {} made these calls on several threads ({pids:?}): per-syscall step numbers would be ambiguous",
            args.join(" ")
        );
        steps
    }

    /// Paths left under the bpffs besides the kernel's own `progs.debug`/`maps.debug` and an
    /// empty pin directory.
    fn leftover_pins(&self) -> Vec<PathBuf> {
        let mut left = Vec::new();
        for e in std::fs::read_dir(&self.fs.dir)
            .expect("read bpffs")
            .flatten()
        {
            let name = e.file_name().to_string_lossy().into_owned();
            let p = e.path();
            if (name == "progs.debug" || name == "maps.debug" || name == FOREIGN) && p.is_file() {
                continue;
            }
            if name == "x0bpf" && p.is_dir() {
                walk(&p, &mut left);
                continue;
            }
            left.push(p);
        }
        left
    }

    /// Ids of every program, map and link pinned under the bpffs now (bpftool reads them).
    fn pinned_ids(&self) -> Ids {
        let mut files = Vec::new();
        walk(&self.fs.dir, &mut files);
        let mut ids = Ids::default();
        for f in files {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            if f.parent() == Some(&self.fs.dir) && (name.ends_with(".debug") || name == FOREIGN) {
                continue;
            }
            let p = f.to_str().unwrap();
            if let Some(v) = bpftool(&["prog", "show", "pinned", p]) {
                ids.progs.extend(v["id"].as_u64());
            } else if let Some(v) = bpftool(&["map", "show", "pinned", p]) {
                ids.maps.extend(v["id"].as_u64());
            } else if let Some(v) = bpftool(&["link", "show", "pinned", p]) {
                ids.links.extend(v["id"].as_u64());
                ids.progs.extend(v["prog_id"].as_u64());
            }
        }
        ids
    }

    /// What is left on veth0 and in the kernel of what this test made; empty when clean.
    fn leaks(&self, ids: &Ids) -> Vec<String> {
        let mut leaks: Vec<String> = self
            .leftover_pins()
            .iter()
            .map(|p| format!("pin left: {}", p.display()))
            .collect();
        if let Some(x) = self.xdp_on_veth0() {
            // The other tool's program may still run (x0bpf never replaced it, or did and
            // the kill came first): it is not ours to remove.
            let foreign = self.foreign.as_ref().map(|f| f.1);
            if foreign.is_none() || x["prog"]["id"].as_u64() != foreign {
                leaks.push(format!("XDP still on veth0: {x}"));
            }
        }
        for dir in ["ingress", "egress"] {
            let r = sh(
                "tc",
                &["-n", &self.ns.name, "filter", "show", "dev", "veth0", dir],
            );
            if !r.stdout.trim().is_empty() {
                leaks.push(format!("tc {dir} filter on veth0: {}", r.stdout.trim()));
            }
        }
        let r = sh(
            "tc",
            &["-n", &self.ns.name, "-j", "qdisc", "show", "dev", "veth0"],
        );
        if r.stdout.contains("\"clsact\"") {
            leaks.push(format!("clsact qdisc left on veth0: {}", r.stdout.trim()));
        }
        // The kernel frees programs and maps asynchronously (RCU): give it a moment.
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            let alive = ids.alive();
            if alive.is_empty() || Instant::now() > deadline {
                leaks.extend(alive);
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        leaks
    }

    /// After a failure: remove whatever is left, so the next iteration starts clean.
    fn force_clean(&self) {
        let _ = sh(
            "ip",
            &[
                "-n",
                &self.ns.name,
                "link",
                "set",
                "dev",
                "veth0",
                "xdp",
                "off",
            ],
        );
        let _ = sh(
            "ip",
            &[
                "-n",
                &self.ns.name,
                "link",
                "set",
                "dev",
                "veth0",
                "xdpgeneric",
                "off",
            ],
        );
        let _ = sh(
            "tc",
            &[
                "-n",
                &self.ns.name,
                "qdisc",
                "del",
                "dev",
                "veth0",
                "clsact",
            ],
        );
        // Removing the pins frees the tcx/XDP links and the programs and maps.
        let _ = std::fs::remove_dir_all(self.fs.dir.join("x0bpf"));
    }
}

/// Every non-directory below `dir` (never following symlinks).
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            let before = out.len();
            walk(&p, out);
            if out.len() == before {
                // An empty directory below the pin directory is a leftover too.
                out.push(p);
            }
        } else {
            out.push(p);
        }
    }
}

fn bpftool(args: &[&str]) -> Option<Value> {
    let mut a = vec!["-j"];
    a.extend_from_slice(args);
    let r = sh("bpftool", &a);
    if r.code != 0 {
        return None;
    }
    serde_json::from_str(&r.stdout).ok()
}

#[derive(Default, Debug)]
struct Ids {
    progs: BTreeSet<u64>,
    maps: BTreeSet<u64>,
    links: BTreeSet<u64>,
}

impl Ids {
    fn extend(&mut self, o: &Ids) {
        self.progs.extend(&o.progs);
        self.maps.extend(&o.maps);
        self.links.extend(&o.links);
    }

    /// Which of these the kernel still has, and any tcx link holding one of the programs.
    fn alive(&self) -> Vec<String> {
        let mut alive = Vec::new();
        let list = |what: &str| -> Vec<Value> {
            bpftool(&[what, "show"])
                .and_then(|v| v.as_array().cloned())
                .unwrap_or_default()
        };
        for (what, ids) in [
            ("prog", &self.progs),
            ("map", &self.maps),
            ("link", &self.links),
        ] {
            if ids.is_empty() && what != "link" {
                continue;
            }
            for v in list(what) {
                let id = v["id"].as_u64().unwrap_or(0);
                if ids.contains(&id) {
                    alive.push(format!("{what} {id} still in the kernel: {v}"));
                } else if what == "link"
                    && (v["type"] == "tcx" || v["type"] == 11)
                    && v["prog_id"]
                        .as_u64()
                        .is_some_and(|p| self.progs.contains(&p))
                {
                    alive.push(format!("tcx link of our program left: {v}"));
                }
            }
        }
        alive
    }
}

/// One state-changing command and how the system is repaired after killing it.
struct Case {
    /// Another tool's XDP program runs on veth0 at the start (generic mode, via netlink).
    foreign_xdp: bool,
    /// x0bpf commands that make the starting state (each must succeed).
    setup: &'static [&'static [&'static str]],
    /// The command that is killed.
    cmd: &'static [&'static str],
    /// What runs after the kill, each with the exit codes it may return.
    repair: &'static [(&'static [&'static str], &'static [i32])],
    /// An object that must survive the kill: it is loaded before, and the first repair
    /// command (`list -j`) must still show it with the same programs and maps.
    keeps: Option<&'static str>,
}

/// Names of an object's programs and maps in `list -j` output.
fn contents(list: &Value, name: &str) -> Option<(Vec<String>, Vec<String>)> {
    let obj = list["objects"]
        .as_array()?
        .iter()
        .find(|o| o["name"] == name)?;
    let names = |k: &str| -> Vec<String> {
        let mut v: Vec<String> = obj[k]
            .as_array()
            .into_iter()
            .flatten()
            // Only pins the kernel could open count: a listed id proves the object is alive.
            .filter(|x| x["id"].as_u64().is_some())
            .filter_map(|x| x["name"].as_str().map(str::to_string))
            .collect();
        v.sort();
        v
    };
    Some((names("programs"), names("maps")))
}

fn show(out: &Outcome) -> String {
    format!(
        "exit {:?} signal {:?}\nstdout:\n{}\nstderr:\n{}",
        out.code, out.signal, out.stdout, out.stderr
    )
}

fn show_run(r: &Run) -> String {
    format!(
        "exit {}\nstdout:\n{}\nstderr:\n{}",
        r.code, r.stdout, r.stderr
    )
}

/// Bring up the starting state; the ids of what it pinned.
fn setup(env: &Env, case: &Case) -> Ids {
    env.attach_foreign();
    for args in case.setup {
        // `@guard` stands for the guard object's store name (`guard-IFNAME-IFINDEX-NETNS`).
        let owned: Vec<String> = args
            .iter()
            .map(|a| match a.strip_prefix("@guard") {
                Some(rest) => format!("{}{rest}", env.guard_object()),
                None => a.to_string(),
            })
            .collect();
        let args: Vec<&str> = owned.iter().map(String::as_str).collect();
        let args = &args[..];
        let r = env.x0(args);
        assert_eq!(
            r.code,
            0,
            "setup x0bpf {} failed:\n{}",
            args.join(" "),
            show_run(&r)
        );
    }
    env.pinned_ids()
}

/// Repair after the (killed or completed) command and check the state; Err says what is wrong.
fn repair_and_check(
    env: &Env,
    case: &Case,
    mut ids: Ids,
    expected: &Option<(Vec<String>, Vec<String>)>,
) -> Result<(), String> {
    // What the killed command left pinned must be gone after the repair too.
    ids.extend(&env.pinned_ids());
    let mut problems = Vec::new();
    for (i, (args, codes)) in case.repair.iter().enumerate() {
        let r = env.x0(args);
        if !codes.contains(&r.code) {
            problems.push(format!(
                "repair `x0bpf {}` exited {} (allowed: {codes:?})\n{}",
                args.join(" "),
                r.code,
                show_run(&r)
            ));
        }
        if i == 0 {
            if let (Some(name), Some(want)) = (case.keeps, expected) {
                let have = serde_json::from_str::<Value>(&r.stdout)
                    .ok()
                    .and_then(|v| contents(&v, name));
                if have.as_ref() != Some(want) {
                    problems.push(format!(
                        "LOST: after `x0bpf {}` the object {name} should still be loaded with {want:?}, found {have:?}\n{}",
                        args.join(" "),
                        show_run(&r)
                    ));
                }
            }
        }
    }
    let leaks = env.leaks(&ids);
    if !leaks.is_empty() {
        problems.push(format!("LEAKED after repair:\n  {}", leaks.join("\n  ")));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// Kill `case.cmd` at every step; panic with every failure found.
fn run_case(case: Case) {
    run_case_with(case, &|_| None)
}

/// A process the starting state needs besides pins (a running `guard start` loop), started
/// after the setup commands of every iteration and reaped after its repair.
type Background = dyn Fn(&Env) -> Option<std::process::Child>;

fn reap(bg: Option<std::process::Child>) {
    if let Some(mut c) = bg {
        let _ = c.kill();
        let _ = c.wait();
    }
}

fn run_case_with(case: Case, background: &Background) {
    let t0 = Instant::now();
    let env = Env::new(case.foreign_xdp);
    let what = case.cmd.join(" ");

    // Reference run: the steps, and a clean repair after a complete run.
    let ids = setup(&env, &case);
    let bg = background(&env);
    let expected = case.keeps.map(|name| {
        let r = env.x0(&["-j", "list"]);
        r.ok();
        contents(&r.json(), name).expect("the kept object is loaded by the setup")
    });
    let steps = env.steps(case.cmd);
    assert!(
        steps.len() >= 5,
        "x0bpf {what}: only {} steps traced: {steps:?}",
        steps.len()
    );
    let res = repair_and_check(&env, &case, ids, &expected);
    reap(bg);
    if let Err(e) = res {
        panic!("x0bpf {what} (not killed): {e}");
    }

    let mut failures = Vec::new();
    let mut unreached = Vec::new();
    for step in &steps {
        let ids = setup(&env, &case);
        let bg = background(&env);
        let out = env.traced(
            &[
                "-o",
                "/dev/null",
                "-e",
                &format!("trace={}", step.syscall),
                "-e",
                &format!("inject={}:signal=KILL:when={}", step.syscall, step.nth),
            ],
            case.cmd,
        );
        let context = || {
            let prev: Vec<&str> = steps[step.index.saturating_sub(3)..step.index - 1]
                .iter()
                .map(|s| s.line.as_str())
                .collect();
            format!(
                "x0bpf {what} killed at step {}/{} ({} #{}):\n    before: {}\n    at:     {}",
                step.index,
                steps.len(),
                step.syscall,
                step.nth,
                prev.join("\n            "),
                step.line
            )
        };
        if out.signal != Some(libc::SIGKILL) {
            // The unload's wait for the kernel to free its objects polls ids a varying number
            // of times: those trailing steps may not be reached. Every other step must be.
            let polling = step.line.contains("_GET_FD_BY_ID");
            if !(polling && out.code == Some(0)) {
                failures.push(format!("{}\n  step not reached: {}", context(), show(&out)));
            } else {
                unreached.push(step.index);
            }
        }
        let res = repair_and_check(&env, &case, ids, &expected);
        reap(bg);
        if let Err(e) = res {
            failures.push(format!("{}\n  {}", context(), e.replace('\n', "\n  ")));
            env.force_clean();
        }
    }
    eprintln!(
        "faults: x0bpf {what}: {} steps, killed at {} ({} trailing id polls not reached), {} failures, {:.1} s",
        steps.len(),
        steps.len() - unreached.len(),
        unreached.len(),
        failures.len(),
        t0.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} of {} kills of x0bpf {what} were not repaired cleanly:\n\n{}",
        failures.len(),
        steps.len(),
        failures.join("\n\n")
    );
}

const OK: &[i32] = &[0];
const OK_OR_NOT: &[i32] = &[0, 9];

#[test]
fn load_killed_at_every_step() {
    run_case(Case {
        foreign_xdp: false,
        setup: &[],
        cmd: &["load", "xdp_counter"],
        repair: &[
            (&["-j", "list"], OK),
            (&["unload", "xdp_counter"], OK_OR_NOT),
        ],
        keeps: None,
    });
}

#[test]
fn load_replace_killed_at_every_step_keeps_the_object() {
    run_case(Case {
        foreign_xdp: false,
        setup: &[&["load", "xdp_counter"]],
        cmd: &["load", "xdp_counter", "--replace"],
        repair: &[(&["-j", "list"], OK), (&["unload", "xdp_counter"], OK)],
        keeps: Some("xdp_counter"),
    });
}

#[test]
fn attach_xdp_killed_at_every_step() {
    run_case(Case {
        foreign_xdp: false,
        setup: &[],
        cmd: &["attach", "xdp", "veth0"],
        repair: &[
            (&["detach", "xdp", "veth0"], OK_OR_NOT),
            (&["unload", "xdp_counter"], OK_OR_NOT),
        ],
        keeps: None,
    });
}

#[test]
fn attach_tc_clsact_killed_at_every_step() {
    run_case(Case {
        foreign_xdp: false,
        setup: &[],
        cmd: &[
            "attach",
            "tc",
            "veth0",
            "--direction",
            "ingress",
            "--mode",
            "clsact",
        ],
        repair: &[
            (&["detach", "tc", "veth0"], OK_OR_NOT),
            (&["unload", "tc_classifier"], OK_OR_NOT),
        ],
        keeps: None,
    });
}

#[test]
fn attach_tcx_killed_at_every_step() {
    run_case(Case {
        foreign_xdp: false,
        setup: &[],
        cmd: &[
            "attach",
            "tc",
            "veth0",
            "--direction",
            "ingress",
            "--mode",
            "tcx",
        ],
        repair: &[
            (&["detach", "tc", "veth0"], OK_OR_NOT),
            (&["unload", "tc_classifier"], OK_OR_NOT),
        ],
        keeps: None,
    });
}

#[test]
fn detach_xdp_killed_at_every_step_keeps_the_object() {
    run_case(Case {
        foreign_xdp: false,
        setup: &[&["attach", "xdp", "veth0"]],
        cmd: &["detach", "xdp", "veth0"],
        repair: &[
            (&["-j", "list"], OK),
            (&["detach", "xdp", "veth0"], OK_OR_NOT),
            (&["unload", "xdp_counter"], OK),
        ],
        keeps: Some("xdp_counter"),
    });
}

#[test]
fn detach_tc_clsact_killed_at_every_step_keeps_the_object() {
    run_case(Case {
        foreign_xdp: false,
        setup: &[&[
            "attach",
            "tc",
            "veth0",
            "--direction",
            "ingress",
            "--mode",
            "clsact",
        ]],
        cmd: &["detach", "tc", "veth0"],
        repair: &[
            (&["-j", "list"], OK),
            (&["detach", "tc", "veth0"], OK_OR_NOT),
            (&["unload", "tc_classifier"], OK),
        ],
        keeps: Some("tc_classifier"),
    });
}

#[test]
fn unload_attached_xdp_killed_at_every_step() {
    run_case(Case {
        foreign_xdp: false,
        setup: &[&["attach", "xdp", "veth0"]],
        cmd: &["unload", "xdp_counter"],
        repair: &[(&["unload", "xdp_counter"], OK_OR_NOT)],
        keeps: None,
    });
}

#[test]
fn attach_xdp_replace_of_our_link_killed_at_every_step() {
    // `--name other`: the link swaps to another object's program, then its record moves to
    // that object's links/ directory.
    run_case(Case {
        foreign_xdp: false,
        setup: &[&["attach", "xdp", "veth0"]],
        cmd: &["attach", "xdp", "veth0", "--name", "other", "--replace"],
        repair: &[
            (&["-j", "list"], OK),
            // Something of ours runs on veth0 whatever the kill interrupted.
            (&["detach", "xdp", "veth0"], OK),
            (&["unload", "other"], OK_OR_NOT),
            (&["unload", "xdp_counter"], OK),
        ],
        keeps: Some("xdp_counter"),
    });
}

#[test]
fn attach_xdp_replace_of_a_foreign_program_killed_at_every_step() {
    // Netlink replace (XDP_FLAGS_REPLACE) with the new record tagged `@p<ID>` written first.
    run_case(Case {
        foreign_xdp: true,
        setup: &[],
        cmd: &["attach", "xdp", "veth0", "--replace"],
        repair: &[
            (&["detach", "xdp", "veth0"], OK_OR_NOT),
            (&["unload", "xdp_counter"], OK_OR_NOT),
        ],
        keeps: None,
    });
}

#[test]
fn attach_tc_clsact_replace_killed_at_every_step() {
    // The replaced filter's new record (tagged `@p<ID>`) sits beside the old one until the
    // swap is done.
    run_case(Case {
        foreign_xdp: false,
        setup: &[&[
            "attach",
            "tc",
            "veth0",
            "--direction",
            "ingress",
            "--mode",
            "clsact",
        ]],
        cmd: &[
            "attach",
            "tc",
            "veth0",
            "--direction",
            "ingress",
            "--mode",
            "clsact",
            "--name",
            "other",
            "--replace",
        ],
        repair: &[
            (&["-j", "list"], OK),
            (&["detach", "tc", "veth0"], OK),
            (&["unload", "other"], OK_OR_NOT),
            (&["unload", "tc_classifier"], OK),
        ],
        keeps: Some("tc_classifier"),
    });
}

/// The key `ifindex 7, 0x0800/TCP, no VLAN` of xdp_counter's `other_counts` (per-CPU hash,
/// struct key and value), and the value the entry starts with.
const MAP_KEY: &str =
    r#"{"ifindex":7,"eth_proto":2048,"ip_proto":6,"vlan_depth":0,"malformed":0,"pad":[0,0,0]}"#;
const MAP_BEFORE: &str = r#"{"packets":1,"bytes":100}"#;

/// `map update` / `map delete` killed at every step: the entry is then exactly as before or
/// exactly as after a complete run (never anything else), a rerun of the command completes, and
/// nothing leaks. Witness: `bpftool map lookup`.
fn run_map_case(cmd: &[&str], deletes: bool) {
    let t0 = Instant::now();
    let env = Env::new(false);
    let r = env.x0(&["load", "xdp_counter"]);
    assert_eq!(r.code, 0, "load: {}", show_run(&r));
    let ids = env.pinned_ids();
    let pin = format!("{}/x0bpf/xdp_counter/maps/other_counts", env.fs.arg());
    let witness = || -> Option<String> {
        bpftool(&[
            "map", "lookup", "pinned", &pin, "key", "7", "0", "0", "0", "0", "8", "6", "0", "0",
            "0", "0", "0",
        ])
        .map(|v| v.to_string())
    };
    let reset = || {
        let r = env.x0(&[
            "map",
            "update",
            "xdp_counter/other_counts",
            "--key",
            MAP_KEY,
            "--value",
            MAP_BEFORE,
        ]);
        assert_eq!(r.code, 0, "reset: {}", show_run(&r));
    };
    let what = cmd.join(" ");
    reset();
    let before = witness();
    assert!(before.is_some(), "the entry was not written");
    let steps = env.steps(cmd);
    assert!(steps.len() >= 3, "x0bpf {what}: only {steps:?}");
    let after = witness();
    assert_eq!(after.is_none(), deletes, "after x0bpf {what}: {after:?}");
    assert_ne!(before, after, "x0bpf {what} changed nothing");
    let mut failures = Vec::new();
    for step in &steps {
        reset();
        let out = env.traced(
            &[
                "-o",
                "/dev/null",
                "-e",
                &format!("trace={}", step.syscall),
                "-e",
                &format!("inject={}:signal=KILL:when={}", step.syscall, step.nth),
            ],
            cmd,
        );
        let at = format!(
            "x0bpf {what} killed at step {}/{} ({} #{}): {}",
            step.index,
            steps.len(),
            step.syscall,
            step.nth,
            step.line
        );
        if out.signal != Some(libc::SIGKILL) {
            failures.push(format!("{at}\n  step not reached: {}", show(&out)));
        }
        let now = witness();
        if now != before && now != after {
            failures.push(format!(
                "{at}\n  CORRUPTED: the entry is {now:?}\n  before: {before:?}\n  after: {after:?}"
            ));
        }
        // A rerun finishes the job (a delete that already happened: not found, exit 7).
        let r = env.x0(cmd);
        let fine = r.code == 0 || (deletes && r.code == 7 && now.is_none());
        if !fine || witness() != after {
            failures.push(format!(
                "{at}\n  rerun: {}\n  entry now {:?}",
                show_run(&r),
                witness()
            ));
        }
    }
    let r = env.x0(&["unload", "xdp_counter"]);
    assert_eq!(r.code, 0, "unload: {}", show_run(&r));
    let leaks = env.leaks(&ids);
    eprintln!(
        "faults: x0bpf {what}: {} steps, {} failures, {:.1} s",
        steps.len(),
        failures.len(),
        t0.elapsed().as_secs_f64()
    );
    assert!(leaks.is_empty(), "LEAKED: {leaks:?}");
    assert!(
        failures.is_empty(),
        "{} of {} kills of x0bpf {what} went wrong:\n\n{}",
        failures.len(),
        steps.len(),
        failures.join("\n\n")
    );
}

#[test]
fn map_update_killed_at_every_step() {
    run_map_case(
        &[
            "map",
            "update",
            "xdp_counter/other_counts",
            "--key",
            MAP_KEY,
            "--value",
            r#"{"packets":2,"bytes":200}"#,
        ],
        false,
    );
}

#[test]
fn map_update_merge_killed_at_every_step() {
    // Read-modify-write: a lookup, then the update of one field.
    run_map_case(
        &[
            "map",
            "update",
            "xdp_counter/other_counts",
            "--key",
            MAP_KEY,
            "--value",
            r#"{"bytes":300}"#,
            "--merge",
            "--flags",
            "exist",
        ],
        false,
    );
}

#[test]
fn map_delete_killed_at_every_step() {
    run_map_case(
        &[
            "map",
            "delete",
            "xdp_counter/other_counts",
            "--key",
            MAP_KEY,
        ],
        true,
    );
}

/// `guard start` with `--duration 0`: set up (load, attach, allowlist, pid), one round of the
/// loop, clear the pid, exit. Killed anywhere, `guard stop` removes whatever it left.
#[test]
fn guard_start_killed_at_every_step() {
    run_case(Case {
        foreign_xdp: false,
        setup: &[],
        cmd: &[
            "guard",
            "start",
            "veth0",
            "--duration",
            "0",
            "--allow",
            "10.0.0.0/8",
        ],
        repair: &[
            (&["-j", "list"], OK),
            (&["guard", "stop", "veth0"], OK_OR_NOT),
        ],
        keeps: None,
    });
}

/// `guard start --dry-run --duration 0` with no guard there: set up, one round, then detach
/// and unload what it set up. Killed anywhere (setup or the undo), `guard stop` removes
/// whatever it left; unkilled, it leaves nothing (dry_run_leaves_nothing_it_did_not_find).
#[test]
fn guard_dry_run_killed_at_every_step() {
    run_case(Case {
        foreign_xdp: false,
        setup: &[],
        cmd: &["guard", "start", "veth0", "--dry-run", "--duration", "0"],
        repair: &[
            (&["-j", "list"], OK),
            (&["guard", "stop", "veth0"], OK_OR_NOT),
        ],
        keeps: None,
    });
}

#[test]
fn guard_stop_killed_at_every_step() {
    run_case(Case {
        foreign_xdp: false,
        setup: &[&["guard", "start", "veth0", "--duration", "0"]],
        cmd: &["guard", "stop", "veth0"],
        repair: &[
            (&["-j", "list"], OK),
            (&["guard", "stop", "veth0"], OK_OR_NOT),
        ],
        keeps: None,
    });
}

/// `guard stop` of a running loop: it signals the loop and waits for it before detaching.
/// Killed anywhere, the rerun stops whatever still runs and removes everything.
#[test]
fn guard_stop_of_a_running_loop_killed_at_every_step() {
    use std::io::BufRead;
    let start_loop = |env: &Env| {
        let mut c = Command::new("nsenter")
            .arg(format!("--net={}", env.ns.path.display()))
            .arg(bin())
            .args(["--bpffs", env.fs.arg(), "--json", "guard", "start", "veth0"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn guard start");
        // The header line: set up, pid recorded, lock released.
        let mut line = String::new();
        let mut out = std::io::BufReader::new(c.stdout.take().unwrap());
        out.read_line(&mut line).unwrap();
        assert!(line.contains("\"header\""), "guard start: {line}");
        // Keep reading so the loop never blocks on a full pipe.
        std::thread::spawn(move || for _ in out.lines() {});
        Some(c)
    };
    run_case_with(
        Case {
            foreign_xdp: false,
            setup: &[],
            cmd: &["guard", "stop", "veth0"],
            repair: &[
                (&["-j", "list"], OK),
                (&["guard", "stop", "veth0"], OK_OR_NOT),
            ],
            keeps: None,
        },
        &start_loop,
    );
}

/// A blocklist entry written through `map update` (its BTF types), then unblocked: one map
/// delete, so killed anywhere the entry is there or gone, and a rerun finishes.
#[test]
fn guard_unblock_killed_at_every_step() {
    const KEY: &str = r#"{"prefixlen":128,"addr":[0,0,0,0,0,0,0,0,0,0,255,255,10,9,0,1]}"#;
    const VAL: &str =
        r#"{"expires_ns":18446744073709551615,"drops":0,"drop_bytes":0,"added_ns":0}"#;
    run_case(Case {
        foreign_xdp: false,
        setup: &[
            &["guard", "start", "veth0", "--duration", "0"],
            &[
                "map",
                "update",
                "@guard/blocklist",
                "--key",
                KEY,
                "--value",
                VAL,
            ],
        ],
        cmd: &["guard", "unblock", "10.9.0.1"],
        repair: &[
            (&["guard", "unblock", "10.9.0.1"], &[0, 7]),
            (&["guard", "stop", "veth0"], OK),
        ],
        keeps: None,
    });
}
