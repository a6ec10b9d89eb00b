//! What a BPF program does, found from its instructions: a forward dataflow over the control
//! flow graph that follows constants, the context pointer, stack slots (spills and fills) and
//! map pointers through registers, so that at every helper call it is known which map the
//! map argument names, and at every `exit` which values R0 can hold.
//!
//! Input is a flat, linked instruction stream (the program followed by the subprograms it
//! calls, as libbpf loads it and as the kernel dumps it), with map references already resolved
//! to indexes into the caller's map list (`Program::refs`). Pure: no kernel, no I/O.
//!
//! The abstract value of a register is a small set of atoms (constant, context, stack address,
//! map pointer, pointer into a map's value, result of a helper) or `Top` (anything). Sets are
//! capped, so every chain of joins is finite and the analysis terminates, loops included; an
//! instruction budget bounds the work on hostile input, and hitting it is reported.
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::obj::insn::*;

/// Past this many distinct atoms a register is `Top`.
const MAX_ATOMS: usize = 16;
/// Instruction visits per analysis round, and rounds, before giving up (reported).
const VISIT_BUDGET: usize = 500_000;
const MAX_ROUNDS: usize = 64;
/// A BPF stack frame's size (MAX_BPF_STACK).
const MAX_STACK: i64 = 512;

/// What a 64-bit immediate load names, resolved by whoever built the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ref {
    /// `BPF_PSEUDO_MAP_FD`: the map itself (index into the caller's map list).
    Map(u32),
    /// `BPF_PSEUDO_MAP_VALUE`: an address inside the map's value (global data sections).
    MapValue(u32),
}

/// A linked program ready for analysis.
#[derive(Debug, Clone, Default)]
pub struct Program {
    pub insns: Vec<Insn>,
    /// Keyed by the index of the first slot of a 64-bit immediate load.
    pub refs: BTreeMap<usize, Ref>,
    /// Known function starts besides 0 (subprograms, callbacks): code there that no call
    /// reaches is still analysed, with unknown arguments.
    pub entries: Vec<usize>,
    /// Calls that never return (`bpf_throw`): the program ends there, returning the cookie
    /// in R1 (what the default exception callback returns).
    pub noreturn: BTreeSet<usize>,
    /// The program declares its own exception callback: a throw returns whatever that
    /// callback computes (not analysed), not the cookie.
    pub exception_callback: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Atom {
    Const(u64),
    Ctx,
    /// Frame-relative stack address (R10 + offset).
    Stack(i64),
    /// Somewhere in a stack (an unknown offset, or the caller's frame seen from a callee):
    /// writes through it may change any slot.
    StackAny,
    /// A value known not to point into the stack (read from the context, a packet or a map,
    /// or computed from such values), though nothing more is known.
    Opaque,
    MapPtr(u32),
    MapValue(u32),
    /// A function's address (`BPF_PSEUDO_FUNC`), for callbacks.
    Func(usize),
    /// R0 right after a call of this helper.
    Helper(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Val {
    Top,
    Set(BTreeSet<Atom>),
}

impl Val {
    fn one(a: Atom) -> Val {
        Val::Set(BTreeSet::from([a]))
    }
    fn konst(v: u64) -> Val {
        Val::one(Atom::Const(v))
    }
    fn join(&self, o: &Val) -> Val {
        if self == o {
            return self.clone();
        }
        match (self, o) {
            (Val::Set(a), Val::Set(b)) => {
                let u: BTreeSet<Atom> = a.union(b).cloned().collect();
                if u.len() > MAX_ATOMS {
                    Val::Top
                } else {
                    Val::Set(u)
                }
            }
            _ => Val::Top,
        }
    }
    fn atoms(&self) -> Option<&BTreeSet<Atom>> {
        match self {
            Val::Set(s) => Some(s),
            Val::Top => None,
        }
    }
    /// All constants, when the value is nothing but constants.
    fn consts(&self) -> Option<Vec<u64>> {
        let s = self.atoms()?;
        s.iter()
            .map(|a| match a {
                Atom::Const(c) => Some(*c),
                _ => None,
            })
            .collect()
    }
    fn single_stack(&self) -> Option<i64> {
        match self.atoms()?.iter().collect::<Vec<_>>()[..] {
            [Atom::Stack(o)] => Some(*o),
            _ => None,
        }
    }
    /// Whether the value may point into the stack, and where: `None` for anywhere (an
    /// unknown value may be a stack address too).
    fn stack_targets(&self) -> Option<Vec<i64>> {
        let mut out = Vec::new();
        for a in self.atoms()? {
            match a {
                Atom::Stack(o) => out.push(*o),
                Atom::StackAny => return None,
                _ => {}
            }
        }
        Some(out)
    }
    fn maps(&self) -> BTreeSet<(u32, bool)> {
        let mut out = BTreeSet::new();
        if let Some(s) = self.atoms() {
            for a in s {
                match a {
                    Atom::MapPtr(m) => {
                        out.insert((*m, false));
                    }
                    Atom::MapValue(m) => {
                        out.insert((*m, true));
                    }
                    _ => {}
                }
            }
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct State {
    regs: [Val; 11],
    /// 8-byte stack slots with a known value, by frame offset; a missing slot is `Top`.
    stack: BTreeMap<i64, Val>,
}

impl State {
    fn entry(args: &[Val; 5]) -> State {
        let mut regs: [Val; 11] = std::array::from_fn(|_| Val::Top);
        regs[1..6].clone_from_slice(args);
        regs[10] = Val::one(Atom::Stack(0));
        State {
            regs,
            stack: BTreeMap::new(),
        }
    }
    fn join(&self, o: &State) -> State {
        if self == o {
            return self.clone();
        }
        let regs = std::array::from_fn(|i| self.regs[i].join(&o.regs[i]));
        let stack = self
            .stack
            .iter()
            .filter_map(|(k, v)| o.stack.get(k).map(|w| (*k, v.join(w))))
            .filter(|(_, v)| *v != Val::Top)
            .collect();
        State { regs, stack }
    }
    fn clobber_stack(&mut self, off: i64, len: i64) {
        self.stack
            .retain(|k, _| *k + 8 <= off || *k >= off.saturating_add(len));
    }
    /// Forgets every slot that something given `v` as a pointer of unknown extent may have
    /// written: from each stack address up to the frame top, or the whole stack.
    fn clobber_through(&mut self, v: &Val) {
        match v.stack_targets() {
            Some(offs) => {
                for o in offs {
                    self.clobber_stack(o, o.saturating_neg().max(0));
                }
            }
            None => self.stack.clear(),
        }
    }
}

/// What the program does to a map, as found at one instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum MapOp {
    Lookup,
    /// A lookup the verifier inlined (array maps in translated code): pointer arithmetic on
    /// the map itself.
    LookupInlined,
    Update,
    Delete,
    Push,
    Pop,
    Peek,
    /// Reads through a pointer into a value (after a lookup, or global data).
    ReadValue,
    /// Writes through a pointer into a value: in-place updates.
    WriteValue,
    /// Atomic read-modify-write through a pointer into a value (`__sync_fetch_and_add`).
    AtomicValue,
    RingbufOutput,
    RingbufReserve,
    RingbufQuery,
    PerfOutput,
    TailCall,
    Redirect,
    Iterate,
    StorageGet,
    StorageDelete,
    /// Passed to another helper taking a map.
    OtherHelper,
}

impl MapOp {
    pub fn words(self) -> &'static str {
        match self {
            MapOp::Lookup => "looks up",
            MapOp::LookupInlined => "looks up (inlined by the verifier)",
            MapOp::Update => "updates (bpf_map_update_elem)",
            MapOp::Delete => "deletes",
            MapOp::Push => "pushes",
            MapOp::Pop => "pops",
            MapOp::Peek => "peeks",
            MapOp::ReadValue => "reads values",
            MapOp::WriteValue => "writes values in place",
            MapOp::AtomicValue => "adds to values atomically in place",
            MapOp::RingbufOutput => "sends records (bpf_ringbuf_output)",
            MapOp::RingbufReserve => "reserves and submits records (bpf_ringbuf_reserve)",
            MapOp::RingbufQuery => "queries ring buffer state",
            MapOp::PerfOutput => "sends perf events (bpf_perf_event_output)",
            MapOp::TailCall => "tail-calls programs from it",
            MapOp::Redirect => "redirects packets through it",
            MapOp::Iterate => "iterates over it",
            MapOp::StorageGet => "gets local storage",
            MapOp::StorageDelete => "deletes local storage",
            MapOp::OtherHelper => "passes it to a helper",
        }
    }
    /// Whether the program changes the map's contents with this operation.
    pub fn writes(self) -> bool {
        matches!(
            self,
            MapOp::Update
                | MapOp::Delete
                | MapOp::Push
                | MapOp::Pop
                | MapOp::WriteValue
                | MapOp::AtomicValue
                | MapOp::RingbufOutput
                | MapOp::RingbufReserve
                | MapOp::PerfOutput
                | MapOp::StorageDelete
        )
    }
}

/// Which argument register of a helper names a map, and what the call does to it.
pub fn map_arg(helper: u32) -> Option<(usize, MapOp)> {
    Some(match helper {
        1 | 195 => (1, MapOp::Lookup),
        2 => (1, MapOp::Update),
        3 => (1, MapOp::Delete),
        87 => (1, MapOp::Push),
        88 => (1, MapOp::Pop),
        89 => (1, MapOp::Peek),
        12 => (2, MapOp::TailCall),
        25 | 111 | 121 => (2, MapOp::PerfOutput),
        27 | 82 | 33 | 169 => (2, MapOp::OtherHelper),
        51 => (1, MapOp::Redirect),
        52 | 60 | 71 | 72 => (2, MapOp::Redirect),
        53 | 70 => (2, MapOp::Update),
        22 | 55 | 37 | 81 => (1, MapOp::OtherHelper),
        130 => (1, MapOp::RingbufOutput),
        131 | 198 => (1, MapOp::RingbufReserve),
        134 => (1, MapOp::RingbufQuery),
        164 => (1, MapOp::Iterate),
        209 => (1, MapOp::Iterate),
        107 | 145 | 156 | 210 => (1, MapOp::StorageGet),
        108 | 146 | 157 | 211 => (1, MapOp::StorageDelete),
        _ => return None,
    })
}

/// Helpers that write into memory they are given (`ARG_PTR_TO_UNINIT_MEM`): the pointer's
/// register and the size's register. A stack buffer they fill loses what was spilled there.
fn writes_memory(helper: u32) -> Option<(usize, usize)> {
    Some(match helper {
        4 | 45 | 112 | 113 | 114 | 115 | 16 | 148 | 165 | 191 | 201 => (1, 2),
        26 | 68 | 189 => (3, 4),
        67 | 141 => (2, 3),
        _ => return None,
    })
}

/// Helpers whose result, when returned, sends the packet elsewhere.
pub fn is_redirect_helper(id: u32) -> bool {
    matches!(id, 13 | 23 | 51 | 52 | 60 | 71 | 72 | 152 | 155)
}

/// One value R0 can hold at the program's `exit`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Return {
    Const {
        value: u64,
    },
    /// The result of a helper call returned as is (`return bpf_redirect_map(...)`).
    Helper {
        id: u32,
    },
    /// Not a constant the analysis can follow.
    Computed,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct MapUse {
    pub map: u32,
    pub ops: BTreeSet<MapOp>,
}

/// The analysis result.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Helper ids called (reachable calls only), with the number of call sites.
    pub helpers: BTreeMap<u32, usize>,
    pub maps: BTreeMap<u32, BTreeSet<MapOp>>,
    /// Every value R0 can hold at the main program's exits.
    pub returns: BTreeSet<Return>,
    /// Number of bpf-to-bpf functions besides the main one (subprograms and callbacks).
    pub subprograms: usize,
    pub kfunc_calls: usize,
    /// A no-return call (`bpf_throw`: BPF exceptions) is reachable.
    pub throws: bool,
    pub reads_context: bool,
    /// Offsets (and access widths) of direct loads from the context pointer.
    pub context_loads: BTreeSet<(i16, u8)>,
    /// Whether a reachable jump goes backwards (a bounded loop; Linux 5.3+).
    pub loops: bool,
    /// Helper calls whose map argument could not be determined (helper ids).
    pub unknown_map_args: BTreeSet<u32>,
    /// Instructions never reached (after dead-branch pruning): `(from, to)` ranges.
    pub unreachable_insns: usize,
    /// What kept the analysis from being complete.
    pub limits: Vec<String>,
    /// Instruction visits the analysis took (its cost).
    pub visits: usize,
}

struct Func {
    entry: usize,
    args: Option<[Val; 5]>,
    ret: Option<Val>,
}

/// The functions found so far, with an index by entry: hostile code can have tens of
/// thousands, and a linear search per call site made the analysis quadratic.
struct Funcs {
    list: Vec<Func>,
    by_entry: BTreeMap<usize, usize>,
}

impl Funcs {
    fn position(&self, entry: usize) -> Option<usize> {
        self.by_entry.get(&entry).copied()
    }
    fn push(&mut self, f: Func) {
        self.by_entry.insert(f.entry, self.list.len());
        self.list.push(f);
    }
    fn len(&self) -> usize {
        self.list.len()
    }
}

impl std::ops::Index<usize> for Funcs {
    type Output = Func;
    fn index(&self, i: usize) -> &Func {
        &self.list[i]
    }
}

impl std::ops::IndexMut<usize> for Funcs {
    fn index_mut(&mut self, i: usize) -> &mut Func {
        &mut self.list[i]
    }
}

/// Runs the analysis. Never panics on malformed code: jumps out of range or into the middle of
/// a 64-bit load end that path and are reported in `limits`.
pub fn analyze(p: &Program) -> Facts {
    analyze_within(p, VISIT_BUDGET)
}

/// [`analyze`] with a given budget of instruction visits.
pub fn analyze_within(p: &Program, visit_budget: usize) -> Facts {
    let n = p.insns.len();
    let mut funcs = Funcs {
        list: Vec::new(),
        by_entry: BTreeMap::new(),
    };
    funcs.push(Func {
        entry: 0,
        args: Some(std::array::from_fn(|i| {
            // R2-R5 are unreadable at the main entry.
            if i == 0 {
                Val::one(Atom::Ctx)
            } else {
                Val::one(Atom::Opaque)
            }
        })),
        ret: None,
    });
    let mut facts = Facts::default();
    if n == 0 {
        facts.limits.push("the program has no instructions".into());
        return facts;
    }
    for &e in &p.entries {
        if e > 0 && e < n && funcs.position(e).is_none() {
            funcs.push(Func {
                entry: e,
                args: Some(std::array::from_fn(|_| Val::Top)),
                ret: None,
            });
        }
    }
    // Which slots are the second half of a 64-bit load (never an instruction on their own).
    let mut second = vec![false; n];
    let mut i = 0;
    while i < n {
        if p.insns[i].is_ld_imm64() && i + 1 < n {
            second[i + 1] = true;
            i += 1;
        }
        i += 1;
    }
    // Where paths meet (more than one way in): only there must a state be kept to be joined
    // with the next one; elsewhere it is dropped once used, so memory follows the number of
    // join points, not of instructions.
    let mut preds = vec![0u8; n];
    for (i, ins) in p.insns.iter().enumerate() {
        if second[i] {
            continue;
        }
        let mut edge = |to: i64| {
            if to >= 0 && (to as usize) < n {
                preds[to as usize] = preds[to as usize].saturating_add(1);
            }
        };
        let next = i as i64 + if ins.is_ld_imm64() { 2 } else { 1 };
        if ins.is_jmp_class() && !ins.is_call() {
            match ins.op() {
                BPF_EXIT => {}
                BPF_JA => edge(
                    next + if ins.class() == BPF_JMP32 {
                        i64::from(ins.imm)
                    } else {
                        i64::from(ins.off)
                    },
                ),
                _ => {
                    edge(next + i64::from(ins.off));
                    edge(next);
                }
            }
        } else {
            edge(next);
        }
    }
    let join: Vec<bool> = preds.iter().map(|&c| c != 1).collect();
    let mut rounds = 0;
    // One budget for all rounds: hostile code must not multiply it.
    let mut budget = visit_budget;
    loop {
        rounds += 1;
        let mut round = Round {
            p,
            second: &second,
            join: &join,
            obs: Facts::default(),
            visited: vec![false; n],
            new_funcs: Vec::new(),
            changed: false,
            budget,
        };
        let mut fi = 0;
        while fi < funcs.len() {
            round.run(fi, &mut funcs);
            fi += 1;
        }
        // Code nothing reached that starts right after an exit or unconditional jump is a
        // function only reached through an address we could not resolve (a callback in
        // translated code): analyse it with unknown arguments.
        if !round.changed {
            let orphan = (1..n).find(|&i| {
                !round.visited[i]
                    && !second[i]
                    && is_boundary(&p.insns[i - 1])
                    && funcs.position(i).is_none()
            });
            if let Some(e) = orphan {
                funcs.push(Func {
                    entry: e,
                    args: Some(std::array::from_fn(|_| Val::Top)),
                    ret: None,
                });
                round.changed = true;
            }
        }
        budget = round.budget;
        if !round.changed || rounds >= MAX_ROUNDS || budget == 0 {
            facts = round.obs;
            facts.visits = visit_budget - budget;
            facts.unreachable_insns = (0..n).filter(|&i| !round.visited[i] && !second[i]).count();
            if round.changed {
                facts
                    .limits
                    .push(format!("the analysis stopped after {MAX_ROUNDS} rounds"));
                facts.returns.insert(Return::Computed);
            }
            break;
        }
    }
    facts.subprograms = funcs.len() - 1;
    facts.limits.sort();
    facts.limits.dedup();
    facts
}

fn is_boundary(i: &Insn) -> bool {
    i.is_exit() || (i.class() == BPF_JMP && i.op() == BPF_JA)
}

struct Round<'a> {
    p: &'a Program,
    second: &'a [bool],
    join: &'a [bool],
    obs: Facts,
    visited: Vec<bool>,
    new_funcs: Vec<usize>,
    changed: bool,
    budget: usize,
}

impl Round<'_> {
    fn limit(&mut self, msg: String) {
        if !self.obs.limits.contains(&msg) {
            self.obs.limits.push(msg);
        }
    }

    /// A path the analysis cannot follow: what the program returns there is unknown, so no
    /// account may claim to know every verdict.
    fn lost(&mut self, msg: String) {
        self.limit(msg);
        self.obs.returns.insert(Return::Computed);
    }

    fn func_index(&mut self, funcs: &mut Funcs, entry: usize) -> usize {
        if let Some(i) = funcs.position(entry) {
            return i;
        }
        funcs.push(Func {
            entry,
            args: None,
            ret: None,
        });
        self.changed = true;
        funcs.len() - 1
    }

    fn run(&mut self, fi: usize, funcs: &mut Funcs) {
        let Some(args) = funcs[fi].args.clone() else {
            return;
        };
        let entry = funcs[fi].entry;
        let n = self.p.insns.len();
        let mut states: BTreeMap<usize, State> = BTreeMap::new();
        states.insert(entry, State::entry(&args));
        let mut work: BTreeSet<usize> = BTreeSet::from([entry]);
        let mut ret: Option<Val> = None;
        while let Some(pc) = work.pop_first() {
            if self.budget == 0 {
                self.lost("the analysis hit its instruction budget; results are partial".into());
                break;
            }
            self.budget -= 1;
            let st = if self.join[pc] || pc == entry {
                states.get(&pc).cloned()
            } else {
                states.remove(&pc)
            };
            let Some(st) = st else {
                continue;
            };
            self.visited[pc] = true;
            let ins = self.p.insns[pc];
            let mut succ: Vec<(usize, State)> = Vec::new();
            let mut goto = |to: i64, s: State, me: &mut Self| {
                if to < 0 || to as usize >= n || me.second[to as usize] {
                    me.lost(format!("instruction {pc} jumps outside the program"));
                } else {
                    if to as usize <= pc {
                        me.obs.loops = true;
                    }
                    succ.push((to as usize, s));
                }
            };
            match ins.class() {
                BPF_JMP | BPF_JMP32 => {
                    let op = ins.op();
                    let next = pc as i64 + 1;
                    if op == BPF_EXIT {
                        let r0 = st.regs[0].clone();
                        ret = Some(match ret {
                            Some(r) => r.join(&r0),
                            None => r0,
                        });
                    } else if op == BPF_JA && ins.uses_src_reg() {
                        // An indirect jump (`gotox`, through a jump table): where it lands is
                        // not followed.
                        self.lost(format!("instruction {pc} jumps through a register"));
                    } else if op == BPF_JA {
                        let off = if ins.class() == BPF_JMP32 {
                            i64::from(ins.imm)
                        } else {
                            i64::from(ins.off)
                        };
                        goto(next + off, st, self);
                    } else if op == BPF_CALL || (ins.class() == BPF_JMP && op == BPF_TAIL_CALL) {
                        let mut s = Some(st);
                        self.call(pc, &ins, &mut s, funcs);
                        if let Some(s) = s {
                            goto(next, s, self);
                        }
                    } else {
                        let (taken, fall) = branch(&ins, &st);
                        if let Some(t) = taken {
                            goto(next + i64::from(ins.off), t, self);
                        }
                        if let Some(f) = fall {
                            goto(next, f, self);
                        }
                    }
                }
                _ => {
                    let mut s = st;
                    let width = self.step(pc, &ins, &mut s);
                    goto(pc as i64 + width, s, self);
                }
            }
            for (to, s) in succ {
                let merged = match states.get(&to) {
                    Some(old) => {
                        let j = old.join(&s);
                        if &j == old {
                            continue;
                        }
                        j
                    }
                    None => s,
                };
                states.insert(to, merged);
                work.insert(to);
            }
        }
        if let Some(r) = ret {
            if fi == 0 {
                self.returns(&r);
            }
            let f = &mut funcs[fi];
            let j = match &f.ret {
                Some(old) => old.join(&r),
                None => r,
            };
            if f.ret.as_ref() != Some(&j) {
                f.ret = Some(j);
                self.changed = true;
            }
        }
        for e in std::mem::take(&mut self.new_funcs) {
            let i = self.func_index(funcs, e);
            if funcs[i].args.is_none() {
                funcs[i].args = Some(std::array::from_fn(|_| Val::Top));
                self.changed = true;
            }
        }
    }

    fn returns(&mut self, r: &Val) {
        match r.atoms() {
            None => {
                self.obs.returns.insert(Return::Computed);
            }
            Some(s) => {
                for a in s {
                    self.obs.returns.insert(match a {
                        Atom::Const(v) => Return::Const { value: *v },
                        Atom::Helper(id) => Return::Helper { id: *id },
                        _ => Return::Computed,
                    });
                }
            }
        }
    }

    fn call(&mut self, pc: usize, ins: &Insn, s: &mut Option<State>, funcs: &mut Funcs) {
        let Some(st) = s.as_mut() else { return };
        if ins.op() == BPF_TAIL_CALL || (ins.src == 0 && ins.imm >= 0) {
            let id = if ins.op() == BPF_TAIL_CALL {
                12
            } else {
                ins.imm as u32
            };
            *self.obs.helpers.entry(id).or_default() += 1;
            let mut r0 = Val::one(Atom::Helper(id));
            if let Some((reg, op)) = map_arg(id) {
                let maps = st.regs[reg].maps();
                if maps.is_empty() {
                    self.obs.unknown_map_args.insert(id);
                }
                for (m, _) in &maps {
                    self.obs.maps.entry(*m).or_default().insert(op);
                }
                if matches!(
                    op,
                    MapOp::Lookup | MapOp::RingbufReserve | MapOp::StorageGet
                ) && !maps.is_empty()
                {
                    r0 = Val::Set(maps.iter().map(|(m, _)| Atom::MapValue(*m)).collect());
                }
            }
            let sized = writes_memory(id);
            if let Some((ptr, len)) = sized {
                match (
                    st.regs[ptr].single_stack(),
                    st.regs[len].consts().as_deref(),
                ) {
                    (Some(o), Some([n])) if *n <= 512 => st.clobber_stack(o, *n as i64),
                    _ => {
                        let v = st.regs[ptr].clone();
                        st.clobber_through(&v);
                    }
                }
            }
            // Any other stack buffer a helper is given may be written (bpf_map_pop_elem's
            // value, bpf_fib_lookup's params, bpf_loop's context through its callback), unless
            // the helper is known only to read it.
            if !reads_only(id) {
                for r in 1..=5 {
                    if sized.is_some_and(|(ptr, _)| ptr == r) {
                        continue;
                    }
                    let v = st.regs[r].clone();
                    st.clobber_through(&v);
                }
            }
            if id == 51 {
                // bpf_redirect_map: XDP_REDIRECT on success; when the lookup fails, the low
                // two bits of the flags (XDP_ABORTED…XDP_TX) are the return code.
                if let (Some(fl), Val::Set(mut set)) = (st.regs[3].consts(), r0.clone()) {
                    set.extend(fl.iter().map(|f| Atom::Const(f & 3)));
                    // Flags beyond the action bits are refused with XDP_ABORTED on some map
                    // types (all but BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS on devmaps).
                    if fl.iter().any(|f| f & !3 != 0) {
                        set.insert(Atom::Const(0));
                    }
                    r0 = Val::Set(set);
                }
            }
            if id == 81 {
                // bpf_get_local_storage returns the cgroup storage of the map in R1.
                let maps = st.regs[1].maps();
                if !maps.is_empty() {
                    r0 = Val::Set(maps.iter().map(|(m, _)| Atom::MapValue(*m)).collect());
                }
            }
            // Callbacks (bpf_loop, bpf_for_each_map_elem, timers, …) are functions too.
            for r in 1..=5 {
                if let Some(a) = st.regs[r].atoms() {
                    for at in a {
                        if let Atom::Func(e) = at {
                            self.new_funcs.push(*e);
                        }
                    }
                }
            }
            st.regs[0] = r0;
        } else if ins.src == PSEUDO_CALL {
            let to = pc as i64 + 1 + i64::from(ins.imm);
            if to < 0 || to as usize >= self.p.insns.len() {
                self.lost(format!("instruction {pc} calls outside the program"));
                st.regs[0] = Val::Top;
            } else {
                let fi = self.func_index(funcs, to as usize);
                // The callee has a frame of its own: the caller's stack addresses are not
                // offsets in it. And whatever it writes through them, the caller forgets.
                let args: [Val; 5] = std::array::from_fn(|i| callee_view(&st.regs[i + 1]));
                for r in 1..=5 {
                    let v = st.regs[r].clone();
                    st.clobber_through(&v);
                }
                let j = match &funcs[fi].args {
                    Some(old) => std::array::from_fn(|i| old[i].join(&args[i])),
                    None => args,
                };
                if funcs[fi].args.as_ref() != Some(&j) {
                    funcs[fi].args = Some(j);
                    self.changed = true;
                }
                match &funcs[fi].ret {
                    Some(r) => st.regs[0] = r.clone(),
                    // Not known yet (or never returns): nothing flows on until it is.
                    None => {
                        *s = None;
                        return;
                    }
                }
            }
        } else if ins.src == PSEUDO_KFUNC_CALL && self.p.noreturn.contains(&pc) {
            self.obs.kfunc_calls += 1;
            self.obs.throws = true;
            // The whole program ends here, from whichever function throws.
            let verdict = if self.p.exception_callback {
                Val::Top
            } else {
                st.regs[1].clone()
            };
            self.returns(&verdict);
            *s = None;
            return;
        } else if ins.src == PSEUDO_KFUNC_CALL {
            self.obs.kfunc_calls += 1;
            st.regs[0] = Val::Top;
            for r in 1..=5 {
                let v = st.regs[r].clone();
                st.clobber_through(&v);
            }
        } else {
            self.limit(format!(
                "instruction {pc} calls something the analysis cannot resolve"
            ));
            st.regs[0] = Val::Top;
            // It may write into any stack buffer it is given.
            for r in 1..=5 {
                let v = st.regs[r].clone();
                st.clobber_through(&v);
            }
        }
        // The verifier makes R1-R5 unreadable after a call: they can name no stack slot.
        for r in 1..=5 {
            st.regs[r] = Val::one(Atom::Opaque);
        }
    }

    /// Non-jump instructions; returns how many slots the instruction takes.
    fn step(&mut self, pc: usize, ins: &Insn, st: &mut State) -> i64 {
        let d = usize::from(ins.dst);
        let sr = usize::from(ins.src);
        if d > 10 || sr > 10 {
            self.lost(format!("instruction {pc} names a register beyond r10"));
            return 1;
        }
        match ins.class() {
            BPF_LD => {
                if ins.is_ld_imm64() {
                    let hi = self.p.insns.get(pc + 1).map(|i| i.imm).unwrap_or(0);
                    st.regs[d] = match (ins.src, self.p.refs.get(&pc)) {
                        (_, Some(Ref::Map(m))) => Val::one(Atom::MapPtr(*m)),
                        (_, Some(Ref::MapValue(m))) => Val::one(Atom::MapValue(*m)),
                        (0, None) => {
                            Val::konst((u64::from(hi as u32) << 32) | u64::from(ins.imm as u32))
                        }
                        (PSEUDO_FUNC, None) => {
                            let to = pc as i64 + 1 + i64::from(ins.imm);
                            if to > 0 && (to as usize) < self.p.insns.len() {
                                Val::one(Atom::Func(to as usize))
                            } else {
                                Val::Top
                            }
                        }
                        (
                            PSEUDO_MAP_FD | PSEUDO_MAP_VALUE | PSEUDO_MAP_IDX
                            | PSEUDO_MAP_IDX_VALUE,
                            None,
                        ) => {
                            self.limit(format!(
                                "instruction {pc} loads a map the analysis cannot name"
                            ));
                            Val::Top
                        }
                        _ => Val::Top,
                    };
                    return 2;
                }
                // Legacy packet loads (BPF_ABS/BPF_IND) set R0, and past the end of the
                // packet they end the whole program with R0 = 0.
                st.regs[0] = Val::Top;
                self.obs.reads_context = true;
                self.obs.returns.insert(Return::Const { value: 0 });
            }
            BPF_LDX => {
                let base = st.regs[sr].clone();
                self.access(&base, false, false);
                if base.atoms().is_some_and(|a| a.contains(&Atom::Ctx)) {
                    self.obs.context_loads.insert((ins.off, ins.access_bytes()));
                }
                let v = match (ins.mode(), ins.size(), base.single_stack()) {
                    (BPF_MEM, BPF_DW, Some(o)) => st
                        .stack
                        .get(&(o + i64::from(ins.off)))
                        .cloned()
                        .unwrap_or(Val::Top),
                    // A 64-bit load from map memory that is later dereferenced can only be a
                    // pointer into the same map (the per-CPU value pointers of an inlined
                    // per-CPU array lookup): the verifier refuses to dereference scalars.
                    (BPF_MEM, BPF_DW, None) => {
                        let maps: BTreeSet<Atom> = base
                            .maps()
                            .into_iter()
                            .filter(|(_, is_value)| *is_value)
                            .map(|(m, _)| Atom::MapValue(m))
                            .collect();
                        if !maps.is_empty() && base.atoms().is_some_and(|a| a.len() == maps.len()) {
                            Val::Set(maps)
                        } else {
                            Val::Top
                        }
                    }
                    // Read from memory that is not the stack: not a stack address (the
                    // verifier only lets stack addresses be spilled to the stack).
                    _ if base.stack_targets().is_some_and(|o| o.is_empty()) => {
                        Val::one(Atom::Opaque)
                    }
                    _ => Val::Top,
                };
                st.regs[d] = v;
            }
            BPF_ST | BPF_STX => {
                let base = st.regs[d].clone();
                let atomic = ins.mode() == BPF_ATOMIC;
                self.access(&base, true, atomic);
                let len = i64::from(ins.access_bytes());
                match base.stack_targets() {
                    Some(offs) => {
                        for o in offs {
                            st.clobber_stack(o.saturating_add(i64::from(ins.off)), len);
                        }
                    }
                    None => st.stack.clear(),
                }
                if let Some(o) = base.single_stack() {
                    let at = o + i64::from(ins.off);
                    if !atomic && ins.size() == BPF_DW && ins.mode() == BPF_MEM {
                        let v = if ins.class() == BPF_STX {
                            st.regs[sr].clone()
                        } else {
                            Val::konst(ins.imm as i64 as u64)
                        };
                        // Only slots of a real frame (the verifier refuses the others): what
                        // a state carries stays bounded whatever the code does.
                        if v != Val::Top && (-MAX_STACK..0).contains(&at) {
                            st.stack.insert(at, v);
                        }
                    }
                }
                // A store through an unknown pointer (packet, or a stack address that went
                // through a call) leaves the spills alone: packet writes are common, stack
                // writes through laundered pointers rare, and only the latter would matter.
                if atomic {
                    // BPF_FETCH (0x01) loads the old value into src; cmpxchg (0xf1) into R0.
                    if ins.imm == 0xf1 {
                        st.regs[0] = Val::Top;
                    } else if ins.imm & 1 != 0 {
                        st.regs[sr] = Val::Top;
                    }
                }
            }
            BPF_ALU | BPF_ALU64 => {
                let is64 = ins.class() == BPF_ALU64;
                let src = if ins.uses_src_reg() {
                    st.regs[sr].clone()
                } else {
                    Val::konst(ins.imm as i64 as u64)
                };
                let dst = st.regs[d].clone();
                // `w0 ^= w0`, `r0 -= r0`: zero whatever the register held (the verifier's
                // rewrite of a legacy packet load ends the program this way).
                st.regs[d] = if ins.uses_src_reg() && sr == d && matches!(ins.op(), 0x10 | 0xa0) {
                    Val::konst(0)
                } else {
                    self.alu(ins, is64, &dst, &src)
                };
            }
            _ => {
                self.lost(format!("instruction {pc} has an unknown class"));
            }
        }
        1
    }

    fn access(&mut self, base: &Val, write: bool, atomic: bool) {
        let Some(atoms) = base.atoms() else { return };
        for a in atoms {
            match a {
                Atom::MapValue(m) => {
                    let op = match (write, atomic) {
                        (_, true) => MapOp::AtomicValue,
                        (true, false) => MapOp::WriteValue,
                        (false, _) => MapOp::ReadValue,
                    };
                    self.obs.maps.entry(*m).or_default().insert(op);
                }
                Atom::Ctx if !write => self.obs.reads_context = true,
                _ => {}
            }
        }
    }

    fn alu(&mut self, ins: &Insn, is64: bool, dst: &Val, src: &Val) -> Val {
        let op = ins.op();
        const MOV: u8 = 0xb0;
        const ADD: u8 = 0x00;
        const SUB: u8 = 0x10;
        if op == MOV {
            // movsx (off 8/16/32) sign-extends: only constants follow. Other offsets are
            // kernel-internal moves (BPF_ADDR_PERCPU in inlined per-CPU lookups) that keep
            // the pointer.
            if matches!(ins.off, 8 | 16 | 32) {
                return match src.consts() {
                    Some(cs) => from_consts(cs.iter().map(|&c| sext(c, ins.off as u32))),
                    None => Val::Top,
                };
            }
            return if is64 {
                src.clone()
            } else {
                match src.consts() {
                    Some(cs) => from_consts(cs.iter().map(|&c| c & 0xffff_ffff)),
                    None => Val::Top,
                }
            };
        }
        if let (Some(a), Some(b)) = (dst.consts(), src.consts()) {
            let mut out = Vec::new();
            for &x in &a {
                for &y in &b {
                    match const_alu(op, is64, x, y, ins.off) {
                        Some(v) => out.push(v),
                        None => return Val::Top,
                    }
                }
            }
            return from_consts(out.into_iter());
        }
        // Pointer arithmetic: stack addresses move by constants; map pointers stay in their map.
        if is64 && (op == ADD || op == SUB) {
            let (Some(da), Some(sa)) = (dst.atoms(), src.atoms()) else {
                // An unknown index added to a pointer into a map value (an inlined array
                // lookup) still points into that map.
                if op == ADD && dst.atoms().is_none() {
                    return self.ptr_top(src, dst);
                }
                return self.ptr_top(dst, src);
            };
            let mut out = BTreeSet::new();
            for a in da {
                for b in sa {
                    let v = match (a, b) {
                        (Atom::Stack(o), Atom::Const(c)) => Atom::Stack(if op == ADD {
                            o.wrapping_add(*c as i64)
                        } else {
                            o.wrapping_sub(*c as i64)
                        }),
                        (Atom::MapValue(m), _)
                        | (Atom::Const(_) | Atom::Opaque, Atom::MapValue(m))
                            if op == ADD =>
                        {
                            Atom::MapValue(*m)
                        }
                        (Atom::MapValue(m), Atom::Const(_) | Atom::Opaque) => Atom::MapValue(*m),
                        (Atom::MapPtr(m), Atom::Const(_) | Atom::Opaque)
                        | (Atom::Const(_) | Atom::Opaque, Atom::MapPtr(m)) => {
                            self.obs
                                .maps
                                .entry(*m)
                                .or_default()
                                .insert(MapOp::LookupInlined);
                            Atom::MapValue(*m)
                        }
                        _ => return self.ptr_top(dst, src),
                    };
                    out.insert(v);
                }
            }
            return if out.len() > MAX_ATOMS {
                Val::Top
            } else {
                Val::Set(out)
            };
        }
        self.ptr_top(dst, src)
    }

    /// Arithmetic the analysis does not follow; a map pointer in it is still a use of the map.
    fn ptr_top(&mut self, dst: &Val, src: &Val) -> Val {
        // A stack address moved by an unknown amount is still in the stack (`arr[i]`).
        if [dst, src].iter().any(|v| {
            v.atoms().is_some_and(|a| {
                a.iter()
                    .any(|x| matches!(x, Atom::Stack(_) | Atom::StackAny))
            })
        }) {
            return Val::one(Atom::StackAny);
        }
        for v in [dst, src] {
            for (m, is_value) in v.maps() {
                if !is_value {
                    self.obs
                        .maps
                        .entry(m)
                        .or_default()
                        .insert(MapOp::LookupInlined);
                }
            }
        }
        // A pointer into a map's value keeps pointing there whatever is added (array index).
        let maps: BTreeSet<Atom> = dst
            .maps()
            .into_iter()
            .map(|(m, _)| Atom::MapValue(m))
            .collect();
        if !maps.is_empty() && dst.atoms().is_some_and(|a| a.len() == maps.len()) {
            return Val::Set(maps);
        }
        if [dst, src]
            .iter()
            .all(|v| v.stack_targets().is_some_and(|o| o.is_empty()))
        {
            return Val::one(Atom::Opaque);
        }
        Val::Top
    }
}

/// Helpers known only to read the memory they are given.
fn reads_only(id: u32) -> bool {
    matches!(id, 1 | 2 | 3 | 6 | 12 | 23 | 25 | 51 | 87 | 130 | 195)
}

/// A caller's value as its callee sees it: stack addresses are in another frame.
fn callee_view(v: &Val) -> Val {
    match v.atoms() {
        Some(s) if s.iter().any(|a| matches!(a, Atom::Stack(_))) => Val::Set(
            s.iter()
                .map(|a| match a {
                    Atom::Stack(_) => Atom::StackAny,
                    other => other.clone(),
                })
                .collect(),
        ),
        _ => v.clone(),
    }
}

fn from_consts(it: impl Iterator<Item = u64>) -> Val {
    let s: BTreeSet<Atom> = it.map(Atom::Const).collect();
    if s.len() > MAX_ATOMS {
        Val::Top
    } else {
        Val::Set(s)
    }
}

fn sext(v: u64, bits: u32) -> u64 {
    match bits {
        8 => v as u8 as i8 as i64 as u64,
        16 => v as u16 as i16 as i64 as u64,
        32 => v as u32 as i32 as i64 as u64,
        _ => v,
    }
}

/// BPF ALU semantics on constants (division by zero gives 0, modulo by zero keeps dst).
fn const_alu(op: u8, is64: bool, x: u64, y: u64, off: i16) -> Option<u64> {
    let (x, y) = if is64 {
        (x, y)
    } else {
        (x & 0xffff_ffff, y & 0xffff_ffff)
    };
    let bits = if is64 { 64 } else { 32 };
    let sh = (y & (bits - 1)) as u32;
    let signed = off == 1;
    let v = match op {
        0x00 => x.wrapping_add(y),
        0x10 => x.wrapping_sub(y),
        0x20 => x.wrapping_mul(y),
        0x30 if y == 0 => 0,
        0x30 if signed && is64 => (x as i64).wrapping_div(y as i64) as u64,
        0x30 if signed => (x as u32 as i32).wrapping_div(y as u32 as i32) as u32 as u64,
        0x30 => x / y,
        0x40 => x | y,
        0x50 => x & y,
        0x60 => x.checked_shl(sh).unwrap_or(0),
        0x70 => x.checked_shr(sh).unwrap_or(0),
        0x80 => x.wrapping_neg(),
        0x90 if y == 0 => x,
        0x90 if signed && is64 => (x as i64).wrapping_rem(y as i64) as u64,
        0x90 if signed => (x as u32 as i32).wrapping_rem(y as u32 as i32) as u32 as u64,
        0x90 => x % y,
        0xa0 => x ^ y,
        0xc0 if is64 => ((x as i64) >> sh) as u64,
        0xc0 => ((x as u32 as i32) >> sh) as u32 as u64,
        // Byte swaps (0xd0) and anything else: not followed.
        _ => return None,
    };
    Some(if is64 { v } else { v & 0xffff_ffff })
}

fn cond(op: u8, is32: bool, a: u64, b: u64) -> Option<bool> {
    let (a, b) = if is32 {
        (a & 0xffff_ffff, b & 0xffff_ffff)
    } else {
        (a, b)
    };
    let (sa, sb) = if is32 {
        (i64::from(a as u32 as i32), i64::from(b as u32 as i32))
    } else {
        (a as i64, b as i64)
    };
    Some(match op {
        BPF_JEQ => a == b,
        BPF_JNE => a != b,
        BPF_JGT => a > b,
        BPF_JGE => a >= b,
        BPF_JLT => a < b,
        BPF_JLE => a <= b,
        BPF_JSET => a & b != 0,
        BPF_JSGT => sa > sb,
        BPF_JSGE => sa >= sb,
        BPF_JSLT => sa < sb,
        BPF_JSLE => sa <= sb,
        _ => return None,
    })
}

/// The states on the taken and fall-through edges of a conditional jump, `None` for an edge
/// the constants rule out. A register compared with a constant keeps, on each edge, only the
/// constants that agree with it.
fn branch(ins: &Insn, st: &State) -> (Option<State>, Option<State>) {
    let d = usize::from(ins.dst);
    let sr = usize::from(ins.src);
    if d > 10 || sr > 10 {
        return (Some(st.clone()), Some(st.clone()));
    }
    let is32 = ins.class() == BPF_JMP32;
    let rhs: Option<Vec<u64>> = if ins.uses_src_reg() {
        st.regs[sr].consts()
    } else {
        Some(vec![ins.imm as i64 as u64])
    };
    let (Some(lhs), Some(rhs)) = (st.regs[d].consts(), rhs) else {
        return (Some(st.clone()), Some(st.clone()));
    };
    let op = ins.op();
    let (mut t, mut f) = (Vec::new(), Vec::new());
    for &a in &lhs {
        let mut any_t = false;
        let mut any_f = false;
        for &b in &rhs {
            match cond(op, is32, a, b) {
                Some(true) => any_t = true,
                Some(false) => any_f = true,
                None => return (Some(st.clone()), Some(st.clone())),
            }
        }
        if any_t {
            t.push(a);
        }
        if any_f {
            f.push(a);
        }
    }
    let edge = |vals: Vec<u64>| {
        if vals.is_empty() {
            return None;
        }
        let mut s = st.clone();
        s.regs[d] = from_consts(vals.into_iter());
        Some(s)
    };
    (edge(t), edge(f))
}

/// Translated (`xlated`) code as the kernel dumps it, made analysable: helper calls carry a
/// kernel address offset that `helper_of` turns into a helper id (or `None`), bpf-to-bpf calls
/// keep their relative offset in `off` (the JIT reuses `imm` for the subprogram index), and
/// map loads carry map ids that `map_of` turns into list indexes.
pub fn from_xlated(
    mut insns: Vec<Insn>,
    helper_of: impl Fn(i32) -> Option<u32>,
    map_of: impl Fn(u32) -> Option<u32>,
) -> (Program, BTreeSet<i32>) {
    let mut refs = BTreeMap::new();
    let mut unresolved = BTreeSet::new();
    let mut i = 0;
    while i < insns.len() {
        let ins = insns[i];
        if ins.is_call() {
            match ins.src {
                0 => {
                    // Tail calls are dumped as helper 12 with its id, not an address.
                    let id = if ins.imm == 12 {
                        Some(12)
                    } else {
                        helper_of(ins.imm)
                    };
                    match id {
                        Some(id) => insns[i].imm = id as i32,
                        None => {
                            unresolved.insert(ins.imm);
                            insns[i].imm = -1;
                        }
                    }
                }
                PSEUDO_CALL if ins.off != 0 => insns[i].imm = i32::from(ins.off),
                _ => {}
            }
        } else if ins.is_ld_imm64() {
            let id = ins.imm as u32;
            match ins.src {
                PSEUDO_MAP_FD | PSEUDO_MAP_IDX => {
                    if let Some(m) = map_of(id) {
                        refs.insert(i, Ref::Map(m));
                    }
                }
                PSEUDO_MAP_VALUE | PSEUDO_MAP_IDX_VALUE => {
                    if let Some(m) = map_of(id) {
                        refs.insert(i, Ref::MapValue(m));
                    }
                }
                _ => {}
            }
            i += 1;
        }
        i += 1;
    }
    let entries = Vec::new();
    (
        Program {
            insns,
            refs,
            entries,
            noreturn: BTreeSet::new(),
            exception_callback: false,
        },
        unresolved,
    )
}

#[cfg(test)]
mod tests;
