//! The analysis on hand-assembled programs: branches, loops with back edges, calls, spills.
use super::*;

fn i(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> Insn {
    Insn {
        code,
        dst,
        src,
        off,
        imm,
    }
}
fn mov(dst: u8, imm: i32) -> Insn {
    i(BPF_ALU64 | 0xb0, dst, 0, 0, imm)
}
fn movr(dst: u8, src: u8) -> Insn {
    i(BPF_ALU64 | 0xb0 | 0x08, dst, src, 0, 0)
}
fn add(dst: u8, imm: i32) -> Insn {
    i(BPF_ALU64, dst, 0, 0, imm)
}
fn exit() -> Insn {
    i(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
}
fn call(id: i32) -> Insn {
    i(BPF_JMP | BPF_CALL, 0, 0, 0, id)
}
fn jeq(dst: u8, imm: i32, off: i16) -> Insn {
    i(BPF_JMP | BPF_JEQ, dst, 0, off, imm)
}
fn ja(off: i16) -> Insn {
    i(BPF_JMP | BPF_JA, 0, 0, off, 0)
}
/// Both slots of `dst = map` (the reference is attached by `prog`).
fn ld_map(dst: u8) -> [Insn; 2] {
    [
        i(BPF_LD | BPF_IMM | BPF_DW, dst, PSEUDO_MAP_FD, 0, 0),
        Insn::default(),
    ]
}
fn prog(insns: Vec<Insn>, refs: &[(usize, Ref)]) -> Program {
    Program {
        insns,
        refs: refs.iter().copied().collect(),
        entries: Vec::new(),
        ..Default::default()
    }
}
fn consts(f: &Facts) -> Vec<u64> {
    f.returns
        .iter()
        .filter_map(|r| match r {
            Return::Const { value } => Some(*value),
            _ => None,
        })
        .collect()
}

#[test]
fn constant_return() {
    let f = analyze(&prog(vec![mov(0, 2), exit()], &[]));
    assert_eq!(consts(&f), vec![2]);
    assert!(f.limits.is_empty(), "{:?}", f.limits);
    assert!(!f.loops);
    assert_eq!(f.subprograms, 0);
}

#[test]
fn both_sides_of_an_unknown_branch() {
    // r1 is the context: the comparison cannot be decided.
    let f = analyze(&prog(
        vec![jeq(1, 0, 2), mov(0, 1), exit(), mov(0, 2), exit()],
        &[],
    ));
    assert_eq!(consts(&f), vec![1, 2]);
    assert_eq!(f.unreachable_insns, 0);
}

#[test]
fn decided_branch_prunes_the_dead_side() {
    let f = analyze(&prog(
        vec![
            mov(3, 7),
            jeq(3, 7, 2),
            mov(0, 1),
            exit(),
            mov(0, 2),
            exit(),
        ],
        &[],
    ));
    assert_eq!(consts(&f), vec![2]);
    assert_eq!(f.unreachable_insns, 2);
}

#[test]
fn merged_constants_and_computed_values() {
    // r0 = 1 or 3 joined, then r0 += 1 → {2, 4}; a value loaded from the context is computed.
    let f = analyze(&prog(
        vec![mov(0, 1), jeq(1, 0, 1), mov(0, 3), add(0, 1), exit()],
        &[],
    ));
    assert_eq!(consts(&f), vec![2, 4]);
    let g = analyze(&prog(
        vec![i(BPF_LDX | BPF_MEM | BPF_W, 0, 1, 0, 0), exit()],
        &[],
    ));
    assert!(g.returns.contains(&Return::Computed));
    assert!(g.reads_context);
    assert_eq!(g.context_loads, BTreeSet::from([(0, 4)]));
}

#[test]
fn loops_with_back_edges_terminate() {
    // r2 counts to 100 in a loop: the set widens to Top and the exit edge opens.
    let f = analyze(&prog(
        vec![
            mov(2, 0),
            add(2, 1),
            i(BPF_JMP | BPF_JLT, 2, 0, -2, 100),
            movr(0, 2),
            exit(),
        ],
        &[],
    ));
    assert!(f.returns.contains(&Return::Computed), "{:?}", f.returns);
    assert!(f.loops);
    // A loop that never exits: terminates, returns nothing.
    let g = analyze(&prog(vec![mov(0, 1), ja(-1), exit()], &[]));
    assert!(g.returns.is_empty());
    // A short counted loop is followed exactly: r2 ends at 3.
    let h = analyze(&prog(
        vec![
            mov(2, 0),
            add(2, 1),
            i(BPF_JMP | BPF_JLT, 2, 0, -2, 3),
            movr(0, 2),
            exit(),
        ],
        &[],
    ));
    assert_eq!(consts(&h), vec![3]);
}

#[test]
fn map_pointer_through_a_stack_spill() {
    let [a, b] = ld_map(1);
    let f = analyze(&prog(
        vec![
            a,
            b,
            // *(u64 *)(r10 - 8) = r1; r1 = 0; r1 = *(u64 *)(r10 - 8)
            i(BPF_STX | BPF_MEM | BPF_DW, 10, 1, -8, 0),
            mov(1, 0),
            i(BPF_LDX | BPF_MEM | BPF_DW, 1, 10, -8, 0),
            movr(2, 10),
            add(2, -16),
            call(1),
            jeq(0, 0, 2),
            mov(1, 1),
            // lock *(u64 *)(r0 + 0) += r1
            i(BPF_STX | BPF_ATOMIC | BPF_DW, 0, 1, 0, 0),
            mov(0, 2),
            exit(),
        ],
        &[(0, Ref::Map(0))],
    ));
    assert_eq!(f.helpers.get(&1), Some(&1));
    let ops = &f.maps[&0];
    assert!(ops.contains(&MapOp::Lookup), "{ops:?}");
    assert!(ops.contains(&MapOp::AtomicValue), "{ops:?}");
    assert!(f.unknown_map_args.is_empty());
    assert_eq!(consts(&f), vec![2]);
}

#[test]
fn a_narrow_store_over_a_spill_forgets_it() {
    let [a, b] = ld_map(1);
    let f = analyze(&prog(
        vec![
            a,
            b,
            i(BPF_STX | BPF_MEM | BPF_DW, 10, 1, -8, 0),
            i(BPF_ST | BPF_MEM | BPF_W, 10, 0, -4, 0), // *(u32 *)(r10 - 4) = 0
            i(BPF_LDX | BPF_MEM | BPF_DW, 1, 10, -8, 0),
            call(2),
            mov(0, 0),
            exit(),
        ],
        &[(0, Ref::Map(0))],
    ));
    assert!(f.maps.is_empty(), "{:?}", f.maps);
    assert!(f.unknown_map_args.contains(&2));
}

#[test]
fn subprogram_returns_flow_back() {
    // main: r1 = 1; call sub; exit.   sub: r0 = 3; if r1 == 1 goto +1; r0 = 1; exit
    let f = analyze(&prog(
        vec![
            mov(1, 1),
            i(BPF_JMP | BPF_CALL, 0, PSEUDO_CALL, 0, 1),
            exit(),
            mov(0, 3),
            jeq(1, 1, 1),
            mov(0, 1),
            exit(),
        ],
        &[],
    ));
    assert_eq!(consts(&f), vec![3]);
    assert_eq!(f.subprograms, 1);
    // A subprogram that uses a map passed by the caller.
    let [a, b] = ld_map(1);
    let g = analyze(&prog(
        vec![
            a,
            b,
            i(BPF_JMP | BPF_CALL, 0, PSEUDO_CALL, 0, 2),
            mov(0, 0),
            exit(),
            call(3),
            exit(),
        ],
        &[(0, Ref::Map(4))],
    ));
    assert!(g.maps[&4].contains(&MapOp::Delete));
    assert_eq!(consts(&g), vec![0]);
}

#[test]
fn recursive_and_mutual_calls_terminate() {
    let f = analyze(&prog(
        vec![
            i(BPF_JMP | BPF_CALL, 0, PSEUDO_CALL, 0, 1),
            exit(),
            jeq(1, 0, 1),
            i(BPF_JMP | BPF_CALL, 0, PSEUDO_CALL, 0, -2),
            mov(0, 5),
            exit(),
        ],
        &[],
    ));
    assert_eq!(consts(&f), vec![5]);
}

#[test]
fn returned_redirect_is_seen() {
    let [a, b] = ld_map(1);
    let f = analyze(&prog(
        vec![
            a,
            b,
            mov(2, 0),
            mov(3, 2),
            call(51),
            jeq(0, 4, 1), // XDP_REDIRECT → keep; else pass
            mov(0, 2),
            exit(),
        ],
        &[(0, Ref::Map(1))],
    ));
    assert!(
        f.returns.contains(&Return::Helper { id: 51 }),
        "{:?}",
        f.returns
    );
    assert!(f.maps[&1].contains(&MapOp::Redirect));
}

#[test]
fn callbacks_are_analysed() {
    // r2 = &callback; call bpf_loop; r0 = 0; exit.  callback: r1 = ringbuf; call ringbuf_output
    let [a, b] = ld_map(1);
    let f = analyze(&prog(
        vec![
            i(BPF_LD | BPF_IMM | BPF_DW, 2, PSEUDO_FUNC, 0, 5),
            Insn::default(),
            mov(1, 10),
            call(181),
            mov(0, 0),
            exit(),
            mov(0, 0),
            a,
            b,
            call(130),
            mov(0, 0),
            exit(),
        ],
        &[(7, Ref::Map(2))],
    ));
    assert!(f.maps[&2].contains(&MapOp::RingbufOutput), "{:?}", f.maps);
    assert_eq!(f.subprograms, 1);
    assert_eq!(consts(&f), vec![0]);
}

#[test]
fn global_data_reads_and_writes() {
    let f = analyze(&prog(
        vec![
            i(BPF_LD | BPF_IMM | BPF_DW, 1, PSEUDO_MAP_VALUE, 0, 0),
            Insn::default(),
            add(1, 8),
            i(BPF_LDX | BPF_MEM | BPF_DW, 2, 1, 0, 0),
            i(BPF_ST | BPF_MEM | BPF_W, 1, 0, 4, 9),
            mov(0, 0),
            exit(),
        ],
        &[(0, Ref::MapValue(3))],
    ));
    let ops = &f.maps[&3];
    assert!(ops.contains(&MapOp::ReadValue) && ops.contains(&MapOp::WriteValue));
}

#[test]
fn malformed_code_is_reported_not_fatal() {
    let f = analyze(&prog(vec![ja(100)], &[]));
    assert!(!f.limits.is_empty());
    let g = analyze(&prog(
        vec![i(BPF_JMP | BPF_CALL, 0, PSEUDO_CALL, 0, 50), exit()],
        &[],
    ));
    assert!(!g.limits.is_empty());
    let h = analyze(&prog(vec![], &[]));
    assert!(!h.limits.is_empty());
    // A jump into the second half of a 64-bit load.
    let k = analyze(&prog(
        vec![
            ja(1),
            i(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, 1),
            Insn::default(),
            exit(),
        ],
        &[],
    ));
    assert!(!k.limits.is_empty());
    // Registers beyond r10.
    let m = analyze(&prog(vec![mov(12, 1), exit()], &[]));
    assert!(!m.limits.is_empty());
}

#[test]
fn random_code_never_panics() {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..300 {
        let mut bytes = Vec::new();
        let len = (x % 64) as usize;
        for _ in 0..len * 8 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            bytes.push(x as u8);
        }
        let insns = decode_all(&bytes, false);
        let mut refs = BTreeMap::new();
        refs.insert(0, Ref::Map(0));
        let _ = analyze(&Program {
            insns,
            refs,
            entries: vec![3, 1000],
            ..Default::default()
        });
    }
}

#[test]
fn xlated_calls_and_maps_are_normalised() {
    let insns = vec![
        i(BPF_LD | BPF_IMM | BPF_DW, 1, PSEUDO_MAP_FD, 0, 77),
        i(0, 0, 0, 0, 0),
        i(BPF_JMP | BPF_CALL, 0, 0, 0, 0x1234),
        i(BPF_JMP | BPF_CALL, 0, PSEUDO_CALL, 2, 1), // imm = subprog index, off = offset
        i(BPF_JMP | BPF_CALL, 0, 0, 0, 0x9999),
        exit(),
        mov(0, 1),
        exit(),
    ];
    let (p, unresolved) = from_xlated(
        insns,
        |a| (a == 0x1234).then_some(1),
        |id| (id == 77).then_some(0),
    );
    assert_eq!(p.insns[2].imm, 1);
    assert_eq!(p.insns[3].imm, 2);
    assert_eq!(p.refs.get(&0), Some(&Ref::Map(0)));
    assert_eq!(unresolved, BTreeSet::from([0x9999]));
    let f = analyze(&p);
    assert!(f.maps[&0].contains(&MapOp::Lookup));
    assert!(
        f.limits.iter().any(|l| l.contains("cannot resolve")),
        "{:?}",
        f.limits
    );
}

#[test]
fn inlined_array_lookup_in_xlated_code() {
    // r1 = map; r1 += 272; r0 = *(u32 *)(r2 + 0); r0 <<= 3; r0 += r1; *(u64 *)(r0 + 0) = 1
    let f = analyze(&prog(
        vec![
            i(BPF_LD | BPF_IMM | BPF_DW, 1, PSEUDO_MAP_FD, 0, 0),
            Insn::default(),
            add(1, 272),
            i(BPF_LDX | BPF_MEM | BPF_W, 0, 2, 0, 0),
            i(BPF_ALU64 | 0x60, 0, 0, 0, 3),
            i(BPF_ALU64 | 0x08, 0, 1, 0, 0),
            i(BPF_ST | BPF_MEM | BPF_DW, 0, 0, 0, 1),
            mov(0, 2),
            exit(),
        ],
        &[(0, Ref::Map(0))],
    ));
    let ops = &f.maps[&0];
    assert!(ops.contains(&MapOp::LookupInlined), "{ops:?}");
    assert!(ops.contains(&MapOp::WriteValue), "{ops:?}");
}

#[test]
fn huge_programs_hit_the_budget_and_say_so() {
    // 3k instructions: 1k counted loops, each followed until its counter widens.
    let mut insns = Vec::new();
    for _ in 0..1_000 {
        insns.push(mov(1, 0));
        insns.push(add(1, 1));
        insns.push(i(BPF_JMP | BPF_JLT, 1, 0, -2, 1000));
    }
    insns.push(mov(0, 2));
    insns.push(exit());
    let f = analyze_within(&prog(insns.clone(), &[]), 10_000);
    assert!(
        f.limits.iter().any(|l| l.contains("budget")),
        "{:?}",
        f.limits
    );
    assert!(f.visits <= 10_000);
    // With room enough, the same code is followed to its end.
    let g = analyze_within(&prog(insns, &[]), 1_000_000);
    assert!(g.limits.is_empty(), "{:?}", g.limits);
    assert_eq!(consts(&g), vec![2]);
}

#[test]
fn a_helper_filling_a_stack_buffer_overwrites_spills_there() {
    // Spill the map at r10-8, let bpf_probe_read_kernel fill 16 bytes at r10-16, reload.
    let [a, b] = ld_map(1);
    let f = analyze(&prog(
        vec![
            a,
            b,
            i(BPF_STX | BPF_MEM | BPF_DW, 10, 1, -8, 0),
            movr(1, 10),
            add(1, -16),
            mov(2, 16),
            call(113),
            i(BPF_LDX | BPF_MEM | BPF_DW, 1, 10, -8, 0),
            call(3),
            mov(0, 0),
            exit(),
        ],
        &[(0, Ref::Map(0))],
    ));
    assert!(f.maps.is_empty(), "{:?}", f.maps);
    // An 8-byte read below the spill leaves it alone.
    let [a, b] = ld_map(1);
    let g = analyze(&prog(
        vec![
            a,
            b,
            i(BPF_STX | BPF_MEM | BPF_DW, 10, 1, -8, 0),
            movr(1, 10),
            add(1, -16),
            mov(2, 8),
            call(113),
            i(BPF_LDX | BPF_MEM | BPF_DW, 1, 10, -8, 0),
            call(3),
            mov(0, 0),
            exit(),
        ],
        &[(0, Ref::Map(0))],
    ));
    assert!(g.maps[&0].contains(&MapOp::Delete));
}

/// `*(u64 *)(r10 - 8) = 2` (XDP_PASS, spilled), then `r1 = r10 - 8`: the prologue of the
/// programs below, which end by returning the reloaded slot.
fn spill_pass_and_point_r1() -> Vec<Insn> {
    vec![
        i(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -8, 2),
        movr(1, 10),
        add(1, -8),
    ]
}
fn reload_and_exit() -> [Insn; 2] {
    [i(BPF_LDX | BPF_MEM | BPF_DW, 0, 10, -8, 0), exit()]
}

#[test]
fn a_subprogram_writing_through_a_stack_pointer_changes_the_callers_slot() {
    // main: act = PASS; set(&act); return act.   set: *(u64 *)r1 = DROP; r0 = 0; exit.
    // The callee's frame is not the caller's: its own r10-8 is another slot.
    let mut v = spill_pass_and_point_r1();
    v.push(i(BPF_JMP | BPF_CALL, 0, PSEUDO_CALL, 0, 2));
    v.extend(reload_and_exit());
    v.extend([i(BPF_ST | BPF_MEM | BPF_DW, 1, 0, 0, 1), mov(0, 0), exit()]);
    let f = analyze(&prog(v, &[]));
    assert!(f.returns.contains(&Return::Computed), "{:?}", f.returns);
    assert!(
        !consts(&f).contains(&2),
        "a stale XDP_PASS: {:?}",
        f.returns
    );
    // A callee reading through the pointer does not read its own frame's slot either.
    let mut w = spill_pass_and_point_r1();
    w.extend([
        i(BPF_JMP | BPF_CALL, 0, PSEUDO_CALL, 0, 1),
        exit(),
        i(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -8, 3),
        i(BPF_LDX | BPF_MEM | BPF_DW, 0, 1, 0, 0),
        exit(),
    ]);
    let g = analyze(&prog(w, &[]));
    assert!(!consts(&g).contains(&3), "{:?}", g.returns);
}

#[test]
fn a_helper_filling_any_stack_buffer_changes_the_slot() {
    // bpf_map_pop_elem(&queue, &act): the popped value replaces XDP_PASS.
    let [a, b] = ld_map(1);
    let mut v = spill_pass_and_point_r1();
    v.extend([movr(2, 1), a, b]);
    v.push(call(88));
    v.extend(reload_and_exit());
    let f = analyze(&prog(v, &[(4, Ref::Map(0))]));
    assert!(f.maps[&0].contains(&MapOp::Pop));
    assert!(f.returns.contains(&Return::Computed), "{:?}", f.returns);
    assert!(!consts(&f).contains(&2), "{:?}", f.returns);
    // A lookup only reads its key: the spill survives.
    let [a, b] = ld_map(1);
    let mut w = spill_pass_and_point_r1();
    w.extend([movr(2, 1), a, b, call(1)]);
    w.extend(reload_and_exit());
    assert_eq!(consts(&analyze(&prog(w, &[(4, Ref::Map(0))]))), vec![2]);
}

#[test]
fn a_store_at_an_unknown_stack_index_forgets_the_array() {
    // arr[ctx->x & 3] = DROP; return arr[0]: the index is unknown, any slot may change.
    let f = analyze(&prog(
        vec![
            i(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -32, 2),
            i(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 16, 0),
            i(BPF_ALU64 | 0x50, 2, 0, 0, 3),
            i(BPF_ALU64 | 0x60, 2, 0, 0, 3),
            movr(3, 10),
            add(3, -32),
            i(BPF_ALU64 | 0x08, 3, 2, 0, 0),
            i(BPF_ST | BPF_MEM | BPF_DW, 3, 0, 0, 1),
            i(BPF_LDX | BPF_MEM | BPF_DW, 0, 10, -32, 0),
            exit(),
        ],
        &[],
    ));
    assert!(!consts(&f).contains(&2), "{:?}", f.returns);
    // Two possible stack addresses: both slots may change.
    let g = analyze(&prog(
        vec![
            i(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -8, 2),
            i(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -16, 2),
            movr(3, 10),
            add(3, -8),
            jeq(1, 0, 1),
            add(3, -8),
            i(BPF_ST | BPF_MEM | BPF_DW, 3, 0, 0, 1),
            i(BPF_LDX | BPF_MEM | BPF_DW, 0, 10, -8, 0),
            exit(),
        ],
        &[],
    ));
    assert!(g.returns.contains(&Return::Computed), "{:?}", g.returns);
    assert!(consts(&g).is_empty(), "{:?}", g.returns);
    // A packet write (a pointer read from the context) leaves the stack alone.
    let h = analyze(&prog(
        vec![
            i(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -8, 2),
            i(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0),
            i(BPF_ST | BPF_MEM | 0x10, 2, 0, 0, 1),
            i(BPF_LDX | BPF_MEM | BPF_DW, 0, 10, -8, 0),
            exit(),
        ],
        &[],
    ));
    assert_eq!(consts(&h), vec![2]);
}

#[test]
fn legacy_packet_loads_may_end_the_program_with_zero() {
    // r0 = *(u8 *)skb[100]; r0 = -1; exit: past the packet's end the kernel returns 0.
    let f = analyze(&prog(
        vec![i(BPF_LD | 0x20 | 0x10, 0, 0, 0, 100), mov(0, -1), exit()],
        &[],
    ));
    assert_eq!(consts(&f), vec![0, u64::MAX]);
}

#[test]
fn redirect_map_with_bad_flags_may_abort() {
    // bpf_redirect_map(&map, 0, 0x102): XDP_PASS on a failed lookup, but flags beyond the
    // action bits are refused with XDP_ABORTED.
    let [a, b] = ld_map(1);
    let f = analyze(&prog(
        vec![a, b, mov(2, 0), mov(3, 0x102), call(51), exit()],
        &[(0, Ref::Map(0))],
    ));
    assert_eq!(consts(&f), vec![0, 2]);
    assert!(f.returns.contains(&Return::Helper { id: 51 }));
}

#[test]
fn a_path_the_analysis_loses_makes_the_verdict_unknown() {
    // if r1 == 0 goto +100 (outside); r0 = XDP_PASS; exit: not "always XDP_PASS".
    let f = analyze(&prog(vec![jeq(1, 0, 100), mov(0, 2), exit()], &[]));
    assert!(f.returns.contains(&Return::Computed), "{:?}", f.returns);
    // The same for a register beyond r10 and for running out of budget.
    let g = analyze(&prog(
        vec![jeq(1, 0, 1), mov(12, 1), mov(0, 2), exit()],
        &[],
    ));
    assert!(g.returns.contains(&Return::Computed), "{:?}", g.returns);
    let mut v: Vec<Insn> = (0..100).map(|_| jeq(1, 0, 0)).collect();
    v.extend([mov(0, 2), exit()]);
    let h = analyze_within(&prog(v, &[]), 10);
    assert!(h.returns.contains(&Return::Computed), "{:?}", h.returns);
}

#[test]
fn calls_the_analysis_cannot_name_may_fill_stack_buffers() {
    // A helper call whose address kallsyms could not name (imm -1 after from_xlated), and a
    // kfunc: either may write the buffer it is given.
    for c in [call(-1), i(BPF_JMP | BPF_CALL, 0, PSEUDO_KFUNC_CALL, 0, 7)] {
        let mut v = spill_pass_and_point_r1();
        v.push(c);
        v.extend(reload_and_exit());
        let f = analyze(&prog(v, &[]));
        assert!(!consts(&f).contains(&2), "{c:?}: {:?}", f.returns);
    }
}

#[test]
fn the_rewritten_legacy_load_returns_zero() {
    // The verifier's rewrite: call the load helper; if r0 s>= 0 goto +2; w0 ^= w0; exit.
    let f = analyze(&prog(
        vec![
            call(-1),
            i(BPF_JMP | BPF_JSGE, 0, 0, 2, 0),
            i(BPF_ALU | 0xa0 | 0x08, 0, 0, 0, 0),
            exit(),
            mov(0, 64),
            exit(),
        ],
        &[],
    ));
    assert_eq!(consts(&f), vec![0, 64]);
}

#[test]
fn spills_outside_a_real_frame_are_not_kept() {
    // r1 = r10; then 20000 times: r1 -= 8; *(u64 *)(r1 + 0) = r1. Keeping every slot made each
    // step copy all the previous ones (quadratic); only the 512-byte frame is tracked.
    let mut v = vec![movr(1, 10)];
    for _ in 0..20_000 {
        v.push(add(1, -8));
        v.push(i(BPF_STX | BPF_MEM | BPF_DW, 1, 1, 0, 0));
    }
    v.extend([mov(0, 2), exit()]);
    let f = analyze(&prog(v, &[]));
    assert_eq!(consts(&f), vec![2]);
    // A spill inside the frame still counts.
    let g = analyze(&prog(
        vec![
            i(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -512, 3),
            i(BPF_LDX | BPF_MEM | BPF_DW, 0, 10, -512, 0),
            exit(),
        ],
        &[],
    ));
    assert_eq!(consts(&g), vec![3]);
}

#[test]
fn many_subprograms_are_all_followed() {
    // main calls 20000 functions in turn, each `r0 = k % 5; exit`; it returns the last one's.
    // Functions are found by entry through an index (a linear search per call was quadratic).
    const N: usize = 20_000;
    let mut v: Vec<Insn> = (0..N)
        .map(|k| {
            i(
                BPF_JMP | BPF_CALL,
                0,
                PSEUDO_CALL,
                0,
                (N - k + 2 * k) as i32,
            )
        })
        .collect();
    v.push(exit());
    let mut entries = Vec::new();
    for k in 0..N {
        entries.push(v.len());
        v.extend([mov(0, (k % 5) as i32), exit()]);
    }
    let f = analyze(&Program {
        insns: v,
        refs: BTreeMap::new(),
        entries,
        ..Default::default()
    });
    assert_eq!(f.subprograms, N);
    assert_eq!(consts(&f), vec![((N - 1) % 5) as u64]);
}

#[test]
fn an_indirect_jump_is_not_a_fall_through() {
    // gotox r1 (BPF_JA | BPF_X), then r0 = XDP_PASS: where the jump lands is unknown.
    let f = analyze(&prog(
        vec![i(BPF_JMP | BPF_JA | 0x08, 1, 0, 0, 0), mov(0, 2), exit()],
        &[],
    ));
    assert!(f.returns.contains(&Return::Computed), "{:?}", f.returns);
}

/// `bpf_throw` (a no-return kfunc) ends the program with its cookie: the code after it is
/// never reached, and its return value is not among the verdicts.
#[test]
fn a_noreturn_call_ends_the_program_with_r1() {
    let kfunc = i(
        BPF_JMP | BPF_CALL,
        0,
        crate::obj::insn::PSEUDO_KFUNC_CALL,
        0,
        1,
    );
    let mut p = prog(vec![mov(1, 3), kfunc, mov(0, 7), exit()], &[]);
    p.noreturn.insert(1);
    let f = analyze(&p);
    assert_eq!(consts(&f), vec![3]);
    p.noreturn.clear();
    assert_eq!(consts(&analyze(&p)), vec![7]);
}
