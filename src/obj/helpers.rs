//! BPF helper ids, names and the kernel's GPL-only marking. Source: include/uapi/linux/bpf.h (ids) and the
//! `struct bpf_func_proto` definitions in the kernel tree (gpl_only), as of Linux 6.18.
//!
//! The helper list has been frozen since Linux 6.2 (new functionality is added as kfuncs), so ids
//! 0..=211 are the complete set for 6.2 through 6.18. The ids follow `___BPF_FUNC_MAPPER` in
//! include/uapi/linux/bpf.h. `gpl_only` mirrors `.gpl_only` of the proto the kernel hands out for
//! the common program types (a proto without a `.gpl_only` initialiser counts as `false`); where
//! protos for the same helper disagree, `note` says so. The verifier rejects a call to a
//! `gpl_only` helper from a program whose license string is not GPL-compatible.

/// One BPF helper function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Helper {
    /// Value of `BPF_FUNC_<name>` (the `imm` of a `BPF_CALL` instruction).
    pub id: u32,
    /// Name with the `bpf_` prefix, e.g. `bpf_map_lookup_elem`.
    pub name: &'static str,
    /// Whether the kernel's `struct bpf_func_proto` has `.gpl_only = true`.
    pub gpl_only: bool,
    /// Short remark, e.g. where per-program-type protos disagree; empty if none.
    pub note: &'static str,
}

const fn h(id: u32, name: &'static str, gpl_only: bool, note: &'static str) -> Helper {
    Helper {
        id,
        name,
        gpl_only,
        note,
    }
}

/// Every helper the kernel defines, indexed by id (`HELPERS[i].id == i`).
pub static HELPERS: &[Helper] = &[
    h(0, "bpf_unspec", false, "id 0 is a placeholder (BPF_FUNC_unspec), not a callable helper"),
    h(1, "bpf_map_lookup_elem", false, ""),
    h(2, "bpf_map_update_elem", false, ""),
    h(3, "bpf_map_delete_elem", false, ""),
    h(4, "bpf_probe_read", true, "bpf_probe_read_compat_proto; only offered on archs with CONFIG_ARCH_HAS_NON_OVERLAPPING_ADDRESS_SPACE"),
    h(5, "bpf_ktime_get_ns", false, ""),
    h(6, "bpf_trace_printk", true, ""),
    h(7, "bpf_get_prandom_u32", false, ""),
    h(8, "bpf_get_smp_processor_id", false, ""),
    h(9, "bpf_skb_store_bytes", false, ""),
    h(10, "bpf_l3_csum_replace", false, ""),
    h(11, "bpf_l4_csum_replace", false, ""),
    h(12, "bpf_tail_call", false, ""),
    h(13, "bpf_clone_redirect", false, ""),
    h(14, "bpf_get_current_pid_tgid", false, ""),
    h(15, "bpf_get_current_uid_gid", false, ""),
    h(16, "bpf_get_current_comm", false, ""),
    h(17, "bpf_get_cgroup_classid", false, ""),
    h(18, "bpf_skb_vlan_push", false, ""),
    h(19, "bpf_skb_vlan_pop", false, ""),
    h(20, "bpf_skb_get_tunnel_key", false, ""),
    h(21, "bpf_skb_set_tunnel_key", false, ""),
    h(22, "bpf_perf_event_read", true, ""),
    h(23, "bpf_redirect", false, ""),
    h(24, "bpf_get_route_realm", false, ""),
    h(25, "bpf_perf_event_output", true, "every variant is gpl_only (kprobe/tp/raw_tp, skb/xdp event_output, bpf_event_output_data)"),
    h(26, "bpf_skb_load_bytes", false, ""),
    h(27, "bpf_get_stackid", true, "kprobe/tracepoint/raw_tp protos are gpl_only; bpf_get_stackid_proto_pe (BPF_PROG_TYPE_PERF_EVENT) is not"),
    h(28, "bpf_csum_diff", false, ""),
    h(29, "bpf_skb_get_tunnel_opt", false, ""),
    h(30, "bpf_skb_set_tunnel_opt", false, ""),
    h(31, "bpf_skb_change_proto", false, ""),
    h(32, "bpf_skb_change_type", false, ""),
    h(33, "bpf_skb_under_cgroup", false, ""),
    h(34, "bpf_get_hash_recalc", false, ""),
    h(35, "bpf_get_current_task", true, ""),
    h(36, "bpf_probe_write_user", true, ""),
    h(37, "bpf_current_task_under_cgroup", false, ""),
    h(38, "bpf_skb_change_tail", false, ""),
    h(39, "bpf_skb_pull_data", false, ""),
    h(40, "bpf_csum_update", false, ""),
    h(41, "bpf_set_hash_invalid", false, ""),
    h(42, "bpf_get_numa_node_id", false, ""),
    h(43, "bpf_skb_change_head", false, ""),
    h(44, "bpf_xdp_adjust_head", false, ""),
    h(45, "bpf_probe_read_str", true, "bpf_probe_read_compat_str_proto; only offered on archs with CONFIG_ARCH_HAS_NON_OVERLAPPING_ADDRESS_SPACE"),
    h(46, "bpf_get_socket_cookie", false, ""),
    h(47, "bpf_get_socket_uid", false, ""),
    h(48, "bpf_set_hash", false, ""),
    h(49, "bpf_setsockopt", false, ""),
    h(50, "bpf_skb_adjust_room", false, ""),
    h(51, "bpf_redirect_map", false, ""),
    h(52, "bpf_sk_redirect_map", false, ""),
    h(53, "bpf_sock_map_update", false, ""),
    h(54, "bpf_xdp_adjust_meta", false, ""),
    h(55, "bpf_perf_event_read_value", true, ""),
    h(56, "bpf_perf_prog_read_value", true, ""),
    h(57, "bpf_getsockopt", false, ""),
    h(58, "bpf_override_return", true, ""),
    h(59, "bpf_sock_ops_cb_flags_set", false, ""),
    h(60, "bpf_msg_redirect_map", false, ""),
    h(61, "bpf_msg_apply_bytes", false, ""),
    h(62, "bpf_msg_cork_bytes", false, ""),
    h(63, "bpf_msg_pull_data", false, ""),
    h(64, "bpf_bind", false, ""),
    h(65, "bpf_xdp_adjust_tail", false, ""),
    h(66, "bpf_skb_get_xfrm_state", false, ""),
    h(67, "bpf_get_stack", true, "all variants (kprobe, tp, raw_tp, perf_event, sleepable) are gpl_only"),
    h(68, "bpf_skb_load_bytes_relative", false, ""),
    h(69, "bpf_fib_lookup", true, "skb (tc) and xdp variants are both gpl_only"),
    h(70, "bpf_sock_hash_update", false, ""),
    h(71, "bpf_msg_redirect_hash", false, ""),
    h(72, "bpf_sk_redirect_hash", false, ""),
    h(73, "bpf_lwt_push_encap", false, ""),
    h(74, "bpf_lwt_seg6_store_bytes", false, ""),
    h(75, "bpf_lwt_seg6_adjust_srh", false, ""),
    h(76, "bpf_lwt_seg6_action", false, ""),
    h(77, "bpf_rc_repeat", true, "rc_repeat() is EXPORT_SYMBOL_GPL"),
    h(78, "bpf_rc_keydown", true, "rc_keydown() is EXPORT_SYMBOL_GPL"),
    h(79, "bpf_skb_cgroup_id", false, ""),
    h(80, "bpf_get_current_cgroup_id", false, ""),
    h(81, "bpf_get_local_storage", false, ""),
    h(82, "bpf_sk_select_reuseport", false, ""),
    h(83, "bpf_skb_ancestor_cgroup_id", false, ""),
    h(84, "bpf_sk_lookup_tcp", false, ""),
    h(85, "bpf_sk_lookup_udp", false, ""),
    h(86, "bpf_sk_release", false, ""),
    h(87, "bpf_map_push_elem", false, ""),
    h(88, "bpf_map_pop_elem", false, ""),
    h(89, "bpf_map_peek_elem", false, ""),
    h(90, "bpf_msg_push_data", false, ""),
    h(91, "bpf_msg_pop_data", false, ""),
    h(92, "bpf_rc_pointer_rel", true, ""),
    h(93, "bpf_spin_lock", false, ""),
    h(94, "bpf_spin_unlock", false, ""),
    h(95, "bpf_sk_fullsock", false, ""),
    h(96, "bpf_tcp_sock", false, ""),
    h(97, "bpf_skb_ecn_set_ce", false, ""),
    h(98, "bpf_get_listener_sock", false, ""),
    h(99, "bpf_skc_lookup_tcp", false, ""),
    h(100, "bpf_tcp_check_syncookie", true, ""),
    h(101, "bpf_sysctl_get_name", false, ""),
    h(102, "bpf_sysctl_get_current_value", false, ""),
    h(103, "bpf_sysctl_get_new_value", false, ""),
    h(104, "bpf_sysctl_set_new_value", false, ""),
    h(105, "bpf_strtol", false, ""),
    h(106, "bpf_strtoul", false, ""),
    h(107, "bpf_sk_storage_get", false, ""),
    h(108, "bpf_sk_storage_delete", false, ""),
    h(109, "bpf_send_signal", false, ""),
    h(110, "bpf_tcp_gen_syncookie", true, "gpl_only because __cookie_v*_init_sequence() is EXPORT_SYMBOL_GPL"),
    h(111, "bpf_skb_output", true, ""),
    h(112, "bpf_probe_read_user", true, ""),
    h(113, "bpf_probe_read_kernel", true, ""),
    h(114, "bpf_probe_read_user_str", true, ""),
    h(115, "bpf_probe_read_kernel_str", true, ""),
    h(116, "bpf_tcp_send_ack", false, ""),
    h(117, "bpf_send_signal_thread", false, ""),
    h(118, "bpf_jiffies64", false, ""),
    h(119, "bpf_read_branch_records", true, ""),
    h(120, "bpf_get_ns_current_pid_tgid", false, ""),
    h(121, "bpf_xdp_output", true, ""),
    h(122, "bpf_get_netns_cookie", false, ""),
    h(123, "bpf_get_current_ancestor_cgroup_id", false, ""),
    h(124, "bpf_sk_assign", false, ""),
    h(125, "bpf_ktime_get_boot_ns", false, ""),
    h(126, "bpf_seq_printf", true, ""),
    h(127, "bpf_seq_write", true, ""),
    h(128, "bpf_sk_cgroup_id", false, ""),
    h(129, "bpf_sk_ancestor_cgroup_id", false, ""),
    h(130, "bpf_ringbuf_output", false, ""),
    h(131, "bpf_ringbuf_reserve", false, ""),
    h(132, "bpf_ringbuf_submit", false, ""),
    h(133, "bpf_ringbuf_discard", false, ""),
    h(134, "bpf_ringbuf_query", false, ""),
    h(135, "bpf_csum_level", false, ""),
    h(136, "bpf_skc_to_tcp6_sock", false, ""),
    h(137, "bpf_skc_to_tcp_sock", false, ""),
    h(138, "bpf_skc_to_tcp_timewait_sock", false, ""),
    h(139, "bpf_skc_to_tcp_request_sock", false, ""),
    h(140, "bpf_skc_to_udp6_sock", false, ""),
    h(141, "bpf_get_task_stack", false, ""),
    h(142, "bpf_load_hdr_opt", false, ""),
    h(143, "bpf_store_hdr_opt", false, ""),
    h(144, "bpf_reserve_hdr_opt", false, ""),
    h(145, "bpf_inode_storage_get", false, ""),
    h(146, "bpf_inode_storage_delete", false, ""),
    h(147, "bpf_d_path", false, ""),
    h(148, "bpf_copy_from_user", false, ""),
    h(149, "bpf_snprintf_btf", false, ""),
    h(150, "bpf_seq_printf_btf", true, ""),
    h(151, "bpf_skb_cgroup_classid", false, ""),
    h(152, "bpf_redirect_neigh", false, ""),
    h(153, "bpf_per_cpu_ptr", false, ""),
    h(154, "bpf_this_cpu_ptr", false, ""),
    h(155, "bpf_redirect_peer", false, ""),
    h(156, "bpf_task_storage_get", false, ""),
    h(157, "bpf_task_storage_delete", false, ""),
    h(158, "bpf_get_current_task_btf", true, ""),
    h(159, "bpf_bprm_opts_set", false, ""),
    h(160, "bpf_ktime_get_coarse_ns", false, ""),
    h(161, "bpf_ima_inode_hash", false, ""),
    h(162, "bpf_sock_from_file", false, ""),
    h(163, "bpf_check_mtu", true, "skb (tc) and xdp variants are both gpl_only"),
    h(164, "bpf_for_each_map_elem", false, ""),
    h(165, "bpf_snprintf", true, ""),
    h(166, "bpf_sys_bpf", false, ""),
    h(167, "bpf_btf_find_by_name_kind", false, ""),
    h(168, "bpf_sys_close", false, ""),
    h(169, "bpf_timer_init", true, ""),
    h(170, "bpf_timer_set_callback", true, ""),
    h(171, "bpf_timer_start", true, ""),
    h(172, "bpf_timer_cancel", true, ""),
    h(173, "bpf_get_func_ip", true, "fentry/fexit and kprobe protos are gpl_only; kprobe_multi and uprobe_multi variants are not"),
    h(174, "bpf_get_attach_cookie", false, ""),
    h(175, "bpf_task_pt_regs", true, ""),
    h(176, "bpf_get_branch_snapshot", true, ""),
    h(177, "bpf_trace_vprintk", true, ""),
    h(178, "bpf_skc_to_unix_sock", false, ""),
    h(179, "bpf_kallsyms_lookup_name", false, ""),
    h(180, "bpf_find_vma", false, ""),
    h(181, "bpf_loop", false, ""),
    h(182, "bpf_strncmp", false, ""),
    h(183, "bpf_get_func_arg", false, ""),
    h(184, "bpf_get_func_ret", false, ""),
    h(185, "bpf_get_func_arg_cnt", false, ""),
    h(186, "bpf_get_retval", false, ""),
    h(187, "bpf_set_retval", false, ""),
    h(188, "bpf_xdp_get_buff_len", false, ""),
    h(189, "bpf_xdp_load_bytes", false, ""),
    h(190, "bpf_xdp_store_bytes", false, ""),
    h(191, "bpf_copy_from_user_task", true, ""),
    h(192, "bpf_skb_set_tstamp", false, ""),
    h(193, "bpf_ima_file_hash", false, ""),
    h(194, "bpf_kptr_xchg", false, ""),
    h(195, "bpf_map_lookup_percpu_elem", false, ""),
    h(196, "bpf_skc_to_mptcp_sock", false, ""),
    h(197, "bpf_dynptr_from_mem", false, ""),
    h(198, "bpf_ringbuf_reserve_dynptr", false, ""),
    h(199, "bpf_ringbuf_submit_dynptr", false, ""),
    h(200, "bpf_ringbuf_discard_dynptr", false, ""),
    h(201, "bpf_dynptr_read", false, ""),
    h(202, "bpf_dynptr_write", false, ""),
    h(203, "bpf_dynptr_data", false, ""),
    h(204, "bpf_tcp_raw_gen_syncookie_ipv4", true, ""),
    h(205, "bpf_tcp_raw_gen_syncookie_ipv6", true, ""),
    h(206, "bpf_tcp_raw_check_syncookie_ipv4", true, ""),
    h(207, "bpf_tcp_raw_check_syncookie_ipv6", true, ""),
    h(208, "bpf_ktime_get_tai_ns", false, ""),
    h(209, "bpf_user_ringbuf_drain", false, ""),
    h(210, "bpf_cgrp_storage_get", false, ""),
    h(211, "bpf_cgrp_storage_delete", false, ""),
];

/// Looks a helper up by its numeric id.
pub fn by_id(id: u32) -> Option<&'static Helper> {
    HELPERS.get(usize::try_from(id).ok()?)
}

/// Looks a helper up by name, with or without the `bpf_` prefix.
pub fn by_name(name: &str) -> Option<&'static Helper> {
    let bare = name.strip_prefix("bpf_").unwrap_or(name);
    if bare.is_empty() {
        return None;
    }
    HELPERS
        .iter()
        .find(|h| h.name.strip_prefix("bpf_") == Some(bare))
}

/// The kernel release that first offered each helper (mainline), as ranges of ids: ids are
/// assigned in order, so a helper's release is that of the last range starting at or before
/// its id. Source: the `FN(...)` order of include/uapi/linux/bpf.h across releases.
const SINCE: &[(u32, &str)] = &[
    (1, "3.19"),
    (4, "4.1"),
    (12, "4.2"),
    (17, "4.3"),
    (23, "4.4"),
    (26, "4.5"),
    (27, "4.6"),
    (31, "4.8"),
    (37, "4.9"),
    (42, "4.10"),
    (45, "4.11"),
    (46, "4.12"),
    (48, "4.13"),
    (51, "4.14"),
    (54, "4.15"),
    (58, "4.16"),
    (60, "4.17"),
    (65, "4.18"),
    (81, "4.19"),
    (84, "4.20"),
    (92, "5.0"),
    (93, "5.1"),
    (99, "5.2"),
    (109, "5.3"),
    (111, "5.5"),
    (119, "5.6"),
    (122, "5.7"),
    (128, "5.8"),
    (136, "5.9"),
    (142, "5.10"),
    (156, "5.11"),
    (163, "5.12"),
    (164, "5.13"),
    (166, "5.14"),
    (169, "5.15"),
    (176, "5.16"),
    (180, "5.17"),
    (186, "5.18"),
    (194, "5.19"),
    (204, "6.0"),
    (208, "6.1"),
    (210, "6.2"),
];

/// First mainline release with helper `id`.
pub fn since(id: u32) -> Option<&'static str> {
    if id == 0 || by_id(id).is_none() {
        return None;
    }
    SINCE
        .iter()
        .rev()
        .find(|(first, _)| *first <= id)
        .map(|(_, v)| *v)
}

/// What a helper does, in one line (the helpers embedded programs and common tools use).
pub fn describe(id: u32) -> Option<&'static str> {
    Some(match id {
        1 => "finds the value stored under a key in a map (NULL if absent)",
        2 => "creates or replaces the value stored under a key in a map",
        3 => "removes a key from a map",
        4 => "copies memory from an unsafe (kernel or user) address",
        5 => "reads the monotonic clock in nanoseconds (time since boot, without suspend)",
        6 => "prints a debug line to the trace pipe (/sys/kernel/tracing/trace_pipe)",
        7 => "returns a pseudo-random 32-bit number",
        8 => "returns the id of the CPU running the program",
        9 => "writes bytes into the packet",
        10 => "fixes up an IP header checksum after a rewrite",
        11 => "fixes up a TCP/UDP checksum after a rewrite",
        12 => "jumps to another program in a program array; does not return when it succeeds",
        13 => "sends a copy of the packet out of another interface",
        14 => "returns the current process (tgid, upper 32 bits) and thread (pid, lower 32 bits) ids",
        15 => "returns the current task's uid and gid",
        16 => "copies the current task's command name (comm)",
        17 => "returns the net_cls cgroup class id of the packet's socket",
        18 => "adds a VLAN tag to the packet",
        19 => "removes the VLAN tag of the packet",
        20 => "reads the tunnel metadata (remote address, key) of the packet",
        21 => "sets tunnel metadata for encapsulation",
        22 => "reads a perf event counter",
        23 => "sends the packet to another interface (the program must return its result)",
        25 => "sends a record to user space through a perf event array",
        26 => "copies bytes out of the packet",
        27 => "records the current stack and returns its id in a stack-trace map",
        28 => "computes a checksum difference",
        31 => "changes the packet's protocol (IPv4 <-> IPv6)",
        34 => "returns (recomputing) the packet's flow hash",
        35 => "returns a pointer to the current task_struct",
        36 => "writes into the current process's user memory",
        39 => "makes non-linear packet bytes directly readable",
        44 => "moves the start of the packet (adds or removes headroom)",
        45 => "copies a NUL-terminated string from an unsafe address",
        46 => "returns the socket's unique cookie",
        47 => "returns the uid owning the packet's socket",
        49 => "sets a socket option",
        50 => "grows or shrinks room in the packet at the network layer",
        51 => "redirects the packet to an entry of a devmap/cpumap/xskmap (the program must return its result)",
        52 => "redirects the packet to a socket of a sockmap",
        54 => "moves the start of the XDP metadata area",
        57 => "reads a socket option",
        58 => "overrides the return value of the probed kernel function",
        65 => "moves the end of the packet (trims or extends it)",
        67 => "copies the current kernel or user stack into a buffer",
        69 => "looks up the kernel's routing (FIB) table",
        80 => "returns the id of the current task's cgroup (v2)",
        84 => "looks up a TCP socket by addresses and ports",
        85 => "looks up a UDP socket by addresses and ports",
        86 => "releases a socket reference taken by a lookup",
        87 => "pushes a value onto a queue or stack map",
        88 => "pops a value from a queue or stack map",
        89 => "reads the head of a queue or stack map without removing it",
        93 => "takes a spin lock inside a map value",
        94 => "releases a spin lock inside a map value",
        107 => "gets (or creates) a socket's local storage in a map",
        109 => "sends a signal to the current process",
        112 => "copies memory from a user-space address",
        113 => "copies memory from a kernel address",
        114 => "copies a NUL-terminated string from a user-space address",
        115 => "copies a NUL-terminated string from a kernel address",
        118 => "returns the jiffies counter",
        121 => "sends a record (and packet bytes) to user space through a perf event array",
        125 => "reads the boot-time clock in nanoseconds (includes suspend)",
        130 => "copies a record into a ring buffer for user space",
        131 => "reserves space for a record in a ring buffer (submitted or discarded later)",
        132 => "makes a reserved ring buffer record visible to user space",
        133 => "drops a reserved ring buffer record",
        134 => "queries a ring buffer's state (free space, positions)",
        141 => "copies a task's kernel stack into a buffer",
        147 => "resolves a file path into a string",
        148 => "copies memory from user space (may sleep)",
        152 => "redirects the packet to another interface, filling in the L2 neighbour",
        155 => "redirects the packet into the peer of a veth/netkit device",
        156 => "gets (or creates) a task's local storage in a map",
        158 => "returns the current task_struct as a BTF pointer",
        160 => "reads a coarse (tick-resolution) monotonic clock",
        163 => "checks a packet size against an interface MTU",
        164 => "calls a callback for every element of a map",
        165 => "formats a string into a buffer",
        169 => "initialises a timer inside a map value",
        171 => "arms a timer",
        173 => "returns the address of the traced function",
        177 => "prints a debug line with any number of arguments to the trace pipe",
        181 => "calls a callback up to N times (a bounded loop)",
        182 => "compares a string with a constant string",
        186 => "reads the return value the hook will give",
        187 => "sets the return value the hook will give",
        194 => "atomically exchanges a kernel pointer stored in a map value",
        195 => "finds a value in a per-CPU map for a given CPU",
        197 => "wraps memory in a dynamic pointer",
        198 => "reserves a ring buffer record as a dynamic pointer",
        199 => "submits a dynamic-pointer ring buffer record",
        200 => "discards a dynamic-pointer ring buffer record",
        201 => "reads from a dynamic pointer",
        202 => "writes to a dynamic pointer",
        209 => "drains records that user space wrote into a user ring buffer",
        210 => "gets (or creates) a cgroup's local storage in a map",
        _ => return None,
    })
}

/// The helper a kernel function implements, for translated code whose calls name kernel
/// functions (`/proc/kallsyms`): the verifier replaces map helpers by the map type's own
/// operation (`htab_map_lookup_elem`, `array_map_update_elem`, `dev_map_redirect`…) and some
/// helpers by per-program-type variants (`bpf_xdp_event_output`, `bpf_get_stackid_tp`…).
pub fn by_kernel_function(func: &str) -> Option<u32> {
    if let Some(h) = by_name(func).filter(|h| h.id != 0) {
        return Some(h.id);
    }
    let map_ops: &[(&str, u32)] = &[
        ("_map_lookup_percpu_elem", 195),
        ("_map_lookup_elem", 1),
        ("_map_update_elem", 2),
        ("_map_delete_elem", 3),
        ("_map_push_elem", 87),
        ("_map_pop_elem", 88),
        ("_map_peek_elem", 89),
        ("_map_redirect", 51),
        ("_map_for_each_callback", 164),
    ];
    for (suffix, id) in map_ops {
        if func.ends_with(suffix) {
            return Some(*id);
        }
    }
    let aliases: &[(&str, u32)] = &[
        ("bpf_xdp_event_output", 25),
        ("bpf_skb_event_output", 25),
        ("bpf_for_each_array_elem", 164),
        ("bpf_for_each_hash_elem", 164),
    ];
    if let Some((_, id)) = aliases.iter().find(|(n, _)| *n == func) {
        return Some(*id);
    }
    for suffix in ["_raw_tp", "_tp", "_pe", "_proto", "_compat"] {
        if let Some(base) = func.strip_suffix(suffix) {
            if let Some(h) = by_name(base).filter(|h| h.id != 0) {
                return Some(h.id);
            }
        }
    }
    for prefix in [
        "bpf_xdp_",
        "bpf_skb_",
        "bpf_sock_addr_",
        "bpf_sock_ops_",
        "bpf_tc_",
    ] {
        if let Some(rest) = func.strip_prefix(prefix) {
            if let Some(h) = by_name(rest).filter(|h| h.id != 0) {
                return Some(h.id);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_and_descriptions() {
        assert_eq!(since(1), Some("3.19"));
        assert_eq!(since(130), Some("5.8"));
        assert_eq!(since(181), Some("5.17"));
        assert_eq!(since(211), Some("6.2"));
        assert_eq!(since(0), None);
        assert_eq!(since(212), None);
        // Versions never go backwards as ids grow.
        assert!(SINCE.windows(2).all(|w| w[0].0 < w[1].0));
        for id in [1, 2, 3, 5, 12, 14, 16, 23, 51, 113, 130, 131, 132, 133] {
            assert!(describe(id).is_some(), "{id}");
        }
    }

    #[test]
    fn kernel_functions_map_to_helpers() {
        assert_eq!(by_kernel_function("bpf_map_lookup_elem"), Some(1));
        assert_eq!(by_kernel_function("htab_map_update_elem"), Some(2));
        assert_eq!(by_kernel_function("__htab_map_lookup_elem"), Some(1));
        assert_eq!(
            by_kernel_function("percpu_array_map_lookup_percpu_elem"),
            Some(195)
        );
        assert_eq!(by_kernel_function("dev_map_redirect"), Some(51));
        assert_eq!(by_kernel_function("bpf_xdp_event_output"), Some(25));
        assert_eq!(by_kernel_function("bpf_get_stackid_tp"), Some(27));
        assert_eq!(by_kernel_function("bpf_xdp_fib_lookup"), Some(69));
        assert_eq!(by_kernel_function("bpf_ringbuf_output"), Some(130));
        assert_eq!(by_kernel_function("schedule"), None);
    }

    const UAPI_HEADER: &str = "/usr/include/linux/bpf.h";

    #[test]
    fn index_equals_id() {
        for (i, h) in HELPERS.iter().enumerate() {
            assert_eq!(h.id as usize, i, "{} is at index {i}", h.name);
        }
        assert_eq!(HELPERS.len(), 212, "ids 0..=211");
    }

    #[test]
    fn names_are_prefixed_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for h in HELPERS {
            assert!(h.name.starts_with("bpf_"), "{}", h.name);
            assert!(h.name.len() > 4, "{}", h.name);
            assert!(seen.insert(h.name), "duplicate {}", h.name);
        }
    }

    #[test]
    fn known_ids() {
        let known = [
            ("map_lookup_elem", 1),
            ("map_update_elem", 2),
            ("map_delete_elem", 3),
            ("probe_read", 4),
            ("ktime_get_ns", 5),
            ("trace_printk", 6),
            ("tail_call", 12),
            ("perf_event_output", 25),
            ("get_stackid", 27),
            ("probe_write_user", 36),
            ("override_return", 58),
            ("fib_lookup", 69),
            ("probe_read_user", 112),
            ("probe_read_kernel", 113),
            ("ringbuf_output", 130),
            ("ringbuf_reserve", 131),
            ("d_path", 147),
            ("snprintf", 165),
            ("loop", 181),
            ("kptr_xchg", 194),
            ("user_ringbuf_drain", 209),
            ("cgrp_storage_get", 210),
            ("cgrp_storage_delete", 211),
        ];
        for (name, id) in known {
            let h = by_name(name).unwrap_or_else(|| panic!("{name} missing"));
            assert_eq!(h.id, id, "{name}");
            assert_eq!(by_id(id).map(|h| h.name), Some(h.name));
        }
        assert_eq!(by_id(0).map(|h| h.name), Some("bpf_unspec"));
        assert!(by_id(212).is_none());
        assert!(by_id(u32::MAX).is_none());
    }

    #[test]
    fn by_name_accepts_both_forms() {
        assert_eq!(by_name("bpf_ktime_get_ns").map(|h| h.id), Some(5));
        assert_eq!(by_name("ktime_get_ns").map(|h| h.id), Some(5));
        assert!(by_name("bpf_").is_none());
        assert!(by_name("").is_none());
        assert!(by_name("no_such_helper").is_none());
        assert!(by_name("bpf_bpf_ktime_get_ns").is_none());
    }

    #[test]
    fn known_gpl_flags() {
        let gpl = [
            "trace_printk",
            "probe_read",
            "probe_read_kernel",
            "probe_read_user",
            "probe_read_kernel_str",
            "probe_write_user",
            "perf_event_output",
            "get_stackid",
            "get_stack",
            "get_current_task",
            "override_return",
            "fib_lookup",
            "snprintf",
            "timer_init",
            "seq_printf",
            "trace_vprintk",
        ];
        for name in gpl {
            assert!(by_name(name).unwrap().gpl_only, "{name} should be gpl_only");
        }
        let non_gpl = [
            "unspec",
            "map_lookup_elem",
            "map_update_elem",
            "ktime_get_ns",
            "get_current_pid_tgid",
            "get_smp_processor_id",
            "tail_call",
            "ringbuf_output",
            "redirect",
            "get_task_stack",
            "send_signal",
            "d_path",
            "copy_from_user",
            "snprintf_btf",
            "user_ringbuf_drain",
        ];
        for name in non_gpl {
            assert!(
                !by_name(name).unwrap().gpl_only,
                "{name} should not be gpl_only"
            );
        }
        assert_eq!(HELPERS.iter().filter(|h| h.gpl_only).count(), 44);
    }

    /// Helper names in mapper order, parsed from the `__BPF_FUNC_MAPPER` (up to 6.1, `FN(name)`)
    /// or `___BPF_FUNC_MAPPER` (6.2+, `FN(name, id, ##ctx)`) macro of a UAPI bpf.h.
    fn parse_mapper(text: &str) -> Vec<(String, Option<u32>)> {
        let mut out = Vec::new();
        let mut in_block = false;
        for line in text.lines() {
            let t = line.trim();
            if !in_block {
                if t.starts_with("#define") && t.contains("BPF_FUNC_MAPPER(FN") && t.ends_with('\\')
                {
                    in_block = true;
                }
                continue;
            }
            if let Some(rest) = t.strip_prefix("FN(") {
                let inner = rest.split(')').next().unwrap_or("");
                let mut parts = inner.split(',').map(str::trim);
                let name = parts.next().unwrap_or("").to_string();
                let id = parts.next().and_then(|s| s.parse::<u32>().ok());
                out.push((name, id));
            }
            if !t.ends_with('\\') {
                if !out.is_empty() {
                    break;
                }
                in_block = false;
            }
        }
        out
    }

    #[test]
    fn parse_mapper_handles_both_formats() {
        let old = "#define __BPF_FUNC_MAPPER(FN)\t\t\\\n\tFN(unspec),\t\\\n\tFN(map_lookup_elem),\t\\\n\t/* */\n";
        assert_eq!(
            parse_mapper(old),
            vec![
                ("unspec".to_string(), None),
                ("map_lookup_elem".to_string(), None)
            ]
        );
        let new = "#define ___BPF_FUNC_MAPPER(FN, ctx...)\t\\\n\tFN(unspec, 0, ##ctx)\t\\\n\tFN(map_lookup_elem, 1, ##ctx)\t\\\n\t/* */\n#define __BPF_FUNC_MAPPER(FN) ___BPF_FUNC_MAPPER(__BPF_FUNC_MAPPER_APPLY, FN)\n";
        assert_eq!(
            parse_mapper(new),
            vec![
                ("unspec".to_string(), Some(0)),
                ("map_lookup_elem".to_string(), Some(1))
            ]
        );
    }

    #[test]
    fn matches_installed_uapi_header() {
        let text = std::fs::read_to_string(UAPI_HEADER).unwrap_or_else(|e| {
            panic!(
                "cannot read {UAPI_HEADER} ({e}); install the kernel UAPI headers \
                 (Debian/Ubuntu: apt-get install linux-libc-dev) to run this test"
            )
        });
        let parsed = parse_mapper(&text);
        assert!(
            parsed.len() > 100,
            "found only {} helpers in the BPF_FUNC_MAPPER of {UAPI_HEADER}",
            parsed.len()
        );
        assert!(
            parsed.len() <= HELPERS.len(),
            "{UAPI_HEADER} defines {} helpers, the table only {}: update src/helpers.rs",
            parsed.len(),
            HELPERS.len()
        );
        for (i, (name, id)) in parsed.iter().enumerate() {
            if let Some(id) = id {
                assert_eq!(
                    *id as usize, i,
                    "{UAPI_HEADER}: {name} has id {id} at position {i}"
                );
            }
            assert_eq!(HELPERS[i].name, format!("bpf_{name}"), "id {i}");
        }
    }
}
