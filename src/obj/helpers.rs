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

#[cfg(test)]
mod tests {
    use super::*;

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
