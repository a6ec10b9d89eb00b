# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_x0bpf_global_optspecs
    string join \n j/json p/pretty bpffs= pin-dir= n/nomount netns= v/verbose h/help V/version
end

function __fish_x0bpf_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_x0bpf_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_x0bpf_using_subcommand
    set -l cmd (__fish_x0bpf_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c x0bpf -n "__fish_x0bpf_needs_command" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_needs_command" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_needs_command" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_needs_command" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -s V -l version -d 'Print version'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -f -a "objects" -d 'List the BPF objects embedded in this binary'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -f -a "inspect" -d 'Read a BPF ELF object without loading it: sections, programs, maps, BTF, CO-RE'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -f -a "validate" -d 'Check whether an object will load on this kernel (or on the kernel of --btf), and why not'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -f -a "feature" -d 'What this kernel offers BPF: BTF, JIT, lockdown, program, map and attach kinds'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -f -a "load" -d 'Load every program and map of an object and pin them in bpffs'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -f -a "unload" -d 'Detach, unpin and release an object loaded by x0bpf'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -f -a "list" -d 'What x0bpf has loaded and attached (--all: everything in the kernel)'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -f -a "attach" -d 'Attach a program: XDP (mode auto: hw, drv, skb), tc (tcx/clsact), tracepoints, probes'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -f -a "detach" -d 'Remove x0bpf\'s attachment (the mode is found, never asked for)'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -f -a "net" -d 'XDP and tc programs per interface, with owners'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -f -a "stats" -d 'Counters of x0bpf\'s own programs (xdp_counter, tc_classifier, syscall_latency)'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -f -a "flows" -d 'Top flows of tc_classifier: per-direction counts, handshake RTT, age (attaches if needed)'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -f -a "syscalls" -d 'Top syscalls by name: count, errors, latency (avg, p50/p99) — loads its own filtered instance'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -f -a "events" -d 'Network events as they happen: drops with the kernel\'s reason, TCP state changes, retransmits'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -f -a "map" -d 'Read and change any map, typed by BTF: show, dump, lookup, update, delete, peek, pop, push'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -f -a "tail" -d 'Stream the records of a ring buffer as text, JSON lines or raw binary'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -f -a "man" -d 'Write man pages (one per subcommand) into a directory'
complete -c x0bpf -n "__fish_x0bpf_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand objects" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand objects" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand objects" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand objects" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand objects" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand objects" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand objects" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand objects" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand inspect" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand inspect" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand inspect" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand inspect" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand inspect" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand inspect" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand inspect" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand inspect" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand validate" -l btf -d 'Target kernel BTF for the CO-RE check: raw BTF (a copy of /sys/kernel/btf/vmlinux) or an ELF file with a .BTF section [default: /sys/kernel/btf/vmlinux]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand validate" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand validate" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand validate" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand validate" -l verify -d 'Also load each program into the running kernel (nothing is attached or pinned) and report the verifier\'s verdict'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand validate" -l strict -d 'Count warnings as failures (exit 1)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand validate" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand validate" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand validate" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand validate" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand validate" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand feature" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand feature" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand feature" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand feature" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand feature" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand feature" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand feature" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand feature" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand load" -l name -d 'Name to load under (pins go to <pin-dir>/<NAME>/) [default: the object\'s name]' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand load" -l set -d 'Set a `.rodata` (const volatile) variable before load, typed from BTF: VAR=VALUE' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand load" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand load" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand load" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand load" -l reuse-maps -d 'Reuse maps already pinned under this name, so a reload keeps their contents'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand load" -l replace -d 'Replace an object already loaded under this name'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand load" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand load" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand load" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand load" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand load" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand unload" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand unload" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand unload" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand unload" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand unload" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand unload" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand unload" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand unload" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand list" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand list" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand list" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand list" -s a -l all -d 'Every BPF program and map in the kernel, with x0bpf\'s marked'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand list" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand list" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand list" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand list" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand list" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -f -a "xdp" -d 'XDP on an interface (default program: the embedded xdp_counter)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -f -a "tc" -d 'tc ingress or egress (tcx on 6.6+, clsact otherwise; default: embedded tc_classifier)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -f -a "tracepoint" -d 'A tracepoint, CATEGORY:NAME (mounts tracefs when needed)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -f -a "raw_tracepoint" -d 'A raw tracepoint by name (e.g. sys_enter)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -f -a "kprobe" -d 'Entry of a kernel function (needs CONFIG_KPROBES)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -f -a "kretprobe" -d 'Return of a kernel function (needs CONFIG_KPROBES)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -f -a "uprobe" -d 'Entry of a user-space function, BINARY:SYMBOL'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -f -a "uretprobe" -d 'Return of a user-space function, BINARY:SYMBOL'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from xdp" -l mode -d 'auto tries hw, then drv (native), then skb (generic)' -r -f -a "auto\t''
hw\t''
drv\t''
skb\t''"
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from xdp" -l expect-id -d 'With --replace: only if the current program has this id (compare-and-swap)' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from xdp" -l prog -d 'OBJECT[:PROGRAM]: a loaded x0bpf object, a BPF object file, or an embedded object' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from xdp" -l name -d 'Name to load the object under when --prog is a file or embedded object' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from xdp" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from xdp" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from xdp" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from xdp" -l replace -d 'Replace the XDP program already there, atomically'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from xdp" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from xdp" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from xdp" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from xdp" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from xdp" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tc" -l direction -r -f -a "ingress\t''
egress\t''"
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tc" -l mode -r -f -a "auto\t'tcx when the kernel has it, clsact otherwise'
tcx\t''
clsact\t''"
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tc" -l priority -d 'clsact filter priority (1-65535)' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tc" -l handle -d 'clsact filter handle (1 or more)' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tc" -l prog -d 'OBJECT[:PROGRAM]: a loaded x0bpf object, a BPF object file, or an embedded object' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tc" -l name -d 'Name to load the object under when --prog is a file or embedded object' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tc" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tc" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tc" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tc" -l replace
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tc" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tc" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tc" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tc" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tc" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tracepoint" -l prog -d 'OBJECT[:PROGRAM]: a loaded x0bpf object, a BPF object file, or an embedded object' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tracepoint" -l name -d 'Name to load the object under when --prog is a file or embedded object' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tracepoint" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tracepoint" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tracepoint" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tracepoint" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tracepoint" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tracepoint" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tracepoint" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from tracepoint" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from raw_tracepoint" -l prog -d 'OBJECT[:PROGRAM]: a loaded x0bpf object, a BPF object file, or an embedded object' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from raw_tracepoint" -l name -d 'Name to load the object under when --prog is a file or embedded object' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from raw_tracepoint" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from raw_tracepoint" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from raw_tracepoint" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from raw_tracepoint" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from raw_tracepoint" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from raw_tracepoint" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from raw_tracepoint" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from raw_tracepoint" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from kprobe" -l prog -d 'OBJECT[:PROGRAM]: a loaded x0bpf object, a BPF object file, or an embedded object' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from kprobe" -l name -d 'Name to load the object under when --prog is a file or embedded object' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from kprobe" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from kprobe" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from kprobe" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from kprobe" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from kprobe" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from kprobe" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from kprobe" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from kprobe" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from kretprobe" -l prog -d 'OBJECT[:PROGRAM]: a loaded x0bpf object, a BPF object file, or an embedded object' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from kretprobe" -l name -d 'Name to load the object under when --prog is a file or embedded object' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from kretprobe" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from kretprobe" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from kretprobe" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from kretprobe" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from kretprobe" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from kretprobe" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from kretprobe" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from kretprobe" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from uprobe" -l prog -d 'OBJECT[:PROGRAM]: a loaded x0bpf object, a BPF object file, or an embedded object' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from uprobe" -l name -d 'Name to load the object under when --prog is a file or embedded object' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from uprobe" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from uprobe" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from uprobe" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from uprobe" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from uprobe" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from uprobe" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from uprobe" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from uprobe" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from uretprobe" -l prog -d 'OBJECT[:PROGRAM]: a loaded x0bpf object, a BPF object file, or an embedded object' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from uretprobe" -l name -d 'Name to load the object under when --prog is a file or embedded object' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from uretprobe" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from uretprobe" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from uretprobe" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from uretprobe" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from uretprobe" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from uretprobe" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from uretprobe" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from uretprobe" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from help" -f -a "xdp" -d 'XDP on an interface (default program: the embedded xdp_counter)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from help" -f -a "tc" -d 'tc ingress or egress (tcx on 6.6+, clsact otherwise; default: embedded tc_classifier)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from help" -f -a "tracepoint" -d 'A tracepoint, CATEGORY:NAME (mounts tracefs when needed)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from help" -f -a "raw_tracepoint" -d 'A raw tracepoint by name (e.g. sys_enter)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from help" -f -a "kprobe" -d 'Entry of a kernel function (needs CONFIG_KPROBES)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from help" -f -a "kretprobe" -d 'Return of a kernel function (needs CONFIG_KPROBES)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from help" -f -a "uprobe" -d 'Entry of a user-space function, BINARY:SYMBOL'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from help" -f -a "uretprobe" -d 'Return of a user-space function, BINARY:SYMBOL'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand attach; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -f -a "xdp" -d 'XDP from an interface, whatever mode it was attached in'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -f -a "tc" -d 'tc programs x0bpf attached (both directions unless --direction)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -f -a "tracepoint" -d 'A tracepoint attachment, CATEGORY:NAME'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -f -a "raw_tracepoint" -d 'A raw tracepoint attachment, by name'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -f -a "kprobe" -d 'A kprobe attachment, by function'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -f -a "kretprobe" -d 'A kretprobe attachment, by function'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -f -a "uprobe" -d 'A uprobe attachment, BINARY:SYMBOL'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -f -a "uretprobe" -d 'A uretprobe attachment, BINARY:SYMBOL'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and not __fish_seen_subcommand_from xdp tc tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from xdp" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from xdp" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from xdp" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from xdp" -l all -d 'Remove any XDP program in every mode, ours or not (like `ip link set dev X xdp off`)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from xdp" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from xdp" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from xdp" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from xdp" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from xdp" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from tc" -l direction -r -f -a "ingress\t''
egress\t''"
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from tc" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from tc" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from tc" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from tc" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from tc" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from tc" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from tc" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from tc" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from tracepoint" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from tracepoint" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from tracepoint" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from tracepoint" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from tracepoint" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from tracepoint" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from tracepoint" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from tracepoint" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from raw_tracepoint" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from raw_tracepoint" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from raw_tracepoint" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from raw_tracepoint" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from raw_tracepoint" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from raw_tracepoint" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from raw_tracepoint" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from raw_tracepoint" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from kprobe" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from kprobe" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from kprobe" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from kprobe" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from kprobe" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from kprobe" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from kprobe" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from kprobe" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from kretprobe" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from kretprobe" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from kretprobe" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from kretprobe" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from kretprobe" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from kretprobe" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from kretprobe" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from kretprobe" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from uprobe" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from uprobe" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from uprobe" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from uprobe" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from uprobe" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from uprobe" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from uprobe" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from uprobe" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from uretprobe" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from uretprobe" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from uretprobe" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from uretprobe" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from uretprobe" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from uretprobe" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from uretprobe" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from uretprobe" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from help" -f -a "xdp" -d 'XDP from an interface, whatever mode it was attached in'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from help" -f -a "tc" -d 'tc programs x0bpf attached (both directions unless --direction)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from help" -f -a "tracepoint" -d 'A tracepoint attachment, CATEGORY:NAME'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from help" -f -a "raw_tracepoint" -d 'A raw tracepoint attachment, by name'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from help" -f -a "kprobe" -d 'A kprobe attachment, by function'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from help" -f -a "kretprobe" -d 'A kretprobe attachment, by function'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from help" -f -a "uprobe" -d 'A uprobe attachment, BINARY:SYMBOL'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from help" -f -a "uretprobe" -d 'A uretprobe attachment, BINARY:SYMBOL'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand detach; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand net" -l dev -d 'Only this interface' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand net" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand net" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand net" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand net" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand net" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand net" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand net" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand net" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand stats" -l dev -d 'Only this interface (xdp_counter and tc_classifier count per interface)' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand stats" -l interval -d 'Seconds between two --watch samples' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand stats" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand stats" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand stats" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand stats" -l watch -d 'Print again every --interval seconds, with rates (pps, bit/s), until Ctrl-C'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand stats" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand stats" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand stats" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand stats" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand stats" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand flows" -l dev -d 'The interface (needed when tc_classifier is not attached yet; else a filter)' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand flows" -l direction -d 'Only flows with traffic in this direction (and, when the view attaches, only this hook)' -r -f -a "ingress\t''
egress\t''"
complete -c x0bpf -n "__fish_x0bpf_using_subcommand flows" -l sort -d 'Order of the table' -r -f -a "bytes\t''
packets\t''
rtt\t''"
complete -c x0bpf -n "__fish_x0bpf_using_subcommand flows" -l top -d 'Show the N first flows (0: all)' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand flows" -l object -d 'Loaded object to read when attached by `x0bpf attach tc`' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand flows" -l duration -d 'When the view attaches for itself: collect this long before printing' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand flows" -l interval -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand flows" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand flows" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand flows" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand flows" -l watch -d 'Print again every --interval seconds until Ctrl-C'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand flows" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand flows" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand flows" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand flows" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand flows" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand syscalls" -l pid -l tgid -d 'Only this process (thread group id, like `syscount -p`)' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand syscalls" -l tid -d 'Only this thread (kernel task id)' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand syscalls" -l comm -d 'Only tasks with this exact name (comm, at most 15 bytes)' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand syscalls" -l cgroup -d 'Only tasks in this cgroup v2 directory (not its descendants)' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand syscalls" -l duration -d 'Count for this long (`10s`, `500ms`, `2m`), else until Ctrl-C' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand syscalls" -l top -d 'Show the N most frequent syscalls (0: all)' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand syscalls" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand syscalls" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand syscalls" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand syscalls" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand syscalls" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand syscalls" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand syscalls" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand syscalls" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand events" -l type -d 'Which events (repeat or comma-separate) [default: all]' -r -f -a "drop\t'Packet drops (skb:kfree_skb), with the drop reason on Linux 5.17+'
tcp\t'TCP state changes (sock:inet_sock_set_state)'
retrans\t'TCP retransmits (tcp:tcp_retransmit_skb)'"
complete -c x0bpf -n "__fish_x0bpf_using_subcommand events" -l count -d 'Stop after exactly N events' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand events" -l duration -d 'Stop after this long (`10s`, `500ms`, `2m`; a bare number is seconds)' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand events" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand events" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand events" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand events" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand events" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand events" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand events" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand events" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and not __fish_seen_subcommand_from show dump lookup update delete peek pop push help" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and not __fish_seen_subcommand_from show dump lookup update delete peek pop push help" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and not __fish_seen_subcommand_from show dump lookup update delete peek pop push help" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and not __fish_seen_subcommand_from show dump lookup update delete peek pop push help" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and not __fish_seen_subcommand_from show dump lookup update delete peek pop push help" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and not __fish_seen_subcommand_from show dump lookup update delete peek pop push help" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and not __fish_seen_subcommand_from show dump lookup update delete peek pop push help" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and not __fish_seen_subcommand_from show dump lookup update delete peek pop push help" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and not __fish_seen_subcommand_from show dump lookup update delete peek pop push help" -f -a "show" -d 'What the kernel says about a map (every map without an argument)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and not __fish_seen_subcommand_from show dump lookup update delete peek pop push help" -f -a "dump" -d 'Every entry, streamed; typed by BTF'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and not __fish_seen_subcommand_from show dump lookup update delete peek pop push help" -f -a "lookup" -d 'One entry by key (bloom filter: is the value present?)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and not __fish_seen_subcommand_from show dump lookup update delete peek pop push help" -f -a "update" -d 'Create or change an entry'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and not __fish_seen_subcommand_from show dump lookup update delete peek pop push help" -f -a "delete" -d 'Remove an entry'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and not __fish_seen_subcommand_from show dump lookup update delete peek pop push help" -f -a "peek" -d 'Queue/stack: the next value, left in place'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and not __fish_seen_subcommand_from show dump lookup update delete peek pop push help" -f -a "pop" -d 'Queue/stack: take the next value'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and not __fish_seen_subcommand_from show dump lookup update delete peek pop push help" -f -a "push" -d 'Queue/stack: add a value'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and not __fish_seen_subcommand_from show dump lookup update delete peek pop push help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from show" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from show" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from show" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from show" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from show" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from show" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from dump" -l btf -d 'Read types from this file (raw BTF, or an ELF object with .BTF) instead of the map\'s BTF' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from dump" -l key-type -d 'Key type name (e.g. `struct flow_key`, `__u32`)' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from dump" -l value-type -d 'Value type name' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from dump" -l limit -d 'Stop after N entries' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from dump" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from dump" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from dump" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from dump" -l per-cpu -d 'Every CPU\'s value of per-CPU maps (default: integer fields summed over CPUs)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from dump" -l lines -d 'One JSON object per line (header, entries, summary) instead of one document'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from dump" -l follow -d 'Map-in-map: dump each inner map too'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from dump" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from dump" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from dump" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from dump" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from dump" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from lookup" -l btf -d 'Read types from this file (raw BTF, or an ELF object with .BTF) instead of the map\'s BTF' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from lookup" -l key-type -d 'Key type name (e.g. `struct flow_key`, `__u32`)' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from lookup" -l value-type -d 'Value type name' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from lookup" -l key -d 'The key as JSON, in the shape `dump` prints' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from lookup" -l key-hex -d 'The key as hex bytes ("01 00 00 00")' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from lookup" -l value -d 'Bloom filter lookup: the value to test, as JSON' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from lookup" -l value-hex -d 'Bloom filter lookup: the value to test, as hex bytes' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from lookup" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from lookup" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from lookup" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from lookup" -l per-cpu -d 'Every CPU\'s value of per-CPU maps'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from lookup" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from lookup" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from lookup" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from lookup" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from lookup" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from update" -l btf -d 'Read types from this file (raw BTF, or an ELF object with .BTF) instead of the map\'s BTF' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from update" -l key-type -d 'Key type name (e.g. `struct flow_key`, `__u32`)' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from update" -l value-type -d 'Value type name' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from update" -l key -d 'The key as JSON' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from update" -l key-hex -d 'The key as hex bytes' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from update" -l value -d 'The value as JSON (per-CPU maps: the same value on every CPU, or with --per-cpu an array of one value per CPU)' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from update" -l value-hex -d 'The value as hex bytes' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from update" -l flags -r -f -a "any\t'Create or replace'
noexist\t'Only create (fails if the key exists)'
exist\t'Only replace (fails if the key does not exist)'"
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from update" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from update" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from update" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from update" -l merge -d 'A partial struct value keeps the current values of the fields it leaves out'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from update" -l per-cpu -d '--value is an array with one value per possible CPU'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from update" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from update" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from update" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from update" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from delete" -l btf -d 'Read types from this file (raw BTF, or an ELF object with .BTF) instead of the map\'s BTF' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from delete" -l key-type -d 'Key type name (e.g. `struct flow_key`, `__u32`)' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from delete" -l value-type -d 'Value type name' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from delete" -l key -d 'The key as JSON, in the shape `dump` prints' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from delete" -l key-hex -d 'The key as hex bytes ("01 00 00 00")' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from delete" -l value -d 'Bloom filter lookup: the value to test, as JSON' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from delete" -l value-hex -d 'Bloom filter lookup: the value to test, as hex bytes' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from delete" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from delete" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from delete" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from delete" -l per-cpu -d 'Every CPU\'s value of per-CPU maps'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from delete" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from delete" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from delete" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from peek" -l btf -d 'Read types from this file (raw BTF, or an ELF object with .BTF) instead of the map\'s BTF' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from peek" -l key-type -d 'Key type name (e.g. `struct flow_key`, `__u32`)' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from peek" -l value-type -d 'Value type name' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from peek" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from peek" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from peek" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from peek" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from peek" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from peek" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from peek" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from peek" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from pop" -l btf -d 'Read types from this file (raw BTF, or an ELF object with .BTF) instead of the map\'s BTF' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from pop" -l key-type -d 'Key type name (e.g. `struct flow_key`, `__u32`)' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from pop" -l value-type -d 'Value type name' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from pop" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from pop" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from pop" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from pop" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from pop" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from pop" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from pop" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from pop" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from push" -l btf -d 'Read types from this file (raw BTF, or an ELF object with .BTF) instead of the map\'s BTF' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from push" -l key-type -d 'Key type name (e.g. `struct flow_key`, `__u32`)' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from push" -l value-type -d 'Value type name' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from push" -l value -d 'The value as JSON' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from push" -l value-hex -d 'The value as hex bytes' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from push" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from push" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from push" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from push" -l overwrite -d 'A full queue/stack drops its oldest value instead of refusing (BPF_EXIST)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from push" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from push" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from push" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from push" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from push" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from help" -f -a "show" -d 'What the kernel says about a map (every map without an argument)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from help" -f -a "dump" -d 'Every entry, streamed; typed by BTF'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from help" -f -a "lookup" -d 'One entry by key (bloom filter: is the value present?)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from help" -f -a "update" -d 'Create or change an entry'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Remove an entry'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from help" -f -a "peek" -d 'Queue/stack: the next value, left in place'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from help" -f -a "pop" -d 'Queue/stack: take the next value'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from help" -f -a "push" -d 'Queue/stack: add a value'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand map; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand tail" -l type -d 'Decode records as this type (e.g. `struct event`), from --btf or else from the BTF of the loaded programs that use the map' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand tail" -l btf -d 'Where to find --type: raw BTF or an ELF object with .BTF' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand tail" -l count -d 'Stop after exactly N records' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand tail" -l duration -d 'Stop after this long (`10s`, `500ms`, `2m`; a bare number is seconds)' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand tail" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand tail" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand tail" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand tail" -l raw -d 'Length-prefixed binary records (u32 little-endian length, then the bytes): the fastest path'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand tail" -l force -d 'Read even when another process holds the buffer open (records it would have read are taken from it)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand tail" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand tail" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand tail" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand tail" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand tail" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand completions" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand completions" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand completions" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand completions" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand completions" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand completions" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand completions" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand completions" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand man" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand man" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand man" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand man" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand man" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand man" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand man" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand man" -s h -l help -d 'Print help'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats flows syscalls events map tail completions man help" -f -a "objects" -d 'List the BPF objects embedded in this binary'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats flows syscalls events map tail completions man help" -f -a "inspect" -d 'Read a BPF ELF object without loading it: sections, programs, maps, BTF, CO-RE'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats flows syscalls events map tail completions man help" -f -a "validate" -d 'Check whether an object will load on this kernel (or on the kernel of --btf), and why not'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats flows syscalls events map tail completions man help" -f -a "feature" -d 'What this kernel offers BPF: BTF, JIT, lockdown, program, map and attach kinds'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats flows syscalls events map tail completions man help" -f -a "load" -d 'Load every program and map of an object and pin them in bpffs'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats flows syscalls events map tail completions man help" -f -a "unload" -d 'Detach, unpin and release an object loaded by x0bpf'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats flows syscalls events map tail completions man help" -f -a "list" -d 'What x0bpf has loaded and attached (--all: everything in the kernel)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats flows syscalls events map tail completions man help" -f -a "attach" -d 'Attach a program: XDP (mode auto: hw, drv, skb), tc (tcx/clsact), tracepoints, probes'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats flows syscalls events map tail completions man help" -f -a "detach" -d 'Remove x0bpf\'s attachment (the mode is found, never asked for)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats flows syscalls events map tail completions man help" -f -a "net" -d 'XDP and tc programs per interface, with owners'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats flows syscalls events map tail completions man help" -f -a "stats" -d 'Counters of x0bpf\'s own programs (xdp_counter, tc_classifier, syscall_latency)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats flows syscalls events map tail completions man help" -f -a "flows" -d 'Top flows of tc_classifier: per-direction counts, handshake RTT, age (attaches if needed)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats flows syscalls events map tail completions man help" -f -a "syscalls" -d 'Top syscalls by name: count, errors, latency (avg, p50/p99) — loads its own filtered instance'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats flows syscalls events map tail completions man help" -f -a "events" -d 'Network events as they happen: drops with the kernel\'s reason, TCP state changes, retransmits'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats flows syscalls events map tail completions man help" -f -a "map" -d 'Read and change any map, typed by BTF: show, dump, lookup, update, delete, peek, pop, push'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats flows syscalls events map tail completions man help" -f -a "tail" -d 'Stream the records of a ring buffer as text, JSON lines or raw binary'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats flows syscalls events map tail completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats flows syscalls events map tail completions man help" -f -a "man" -d 'Write man pages (one per subcommand) into a directory'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats flows syscalls events map tail completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from attach" -f -a "xdp" -d 'XDP on an interface (default program: the embedded xdp_counter)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from attach" -f -a "tc" -d 'tc ingress or egress (tcx on 6.6+, clsact otherwise; default: embedded tc_classifier)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from attach" -f -a "tracepoint" -d 'A tracepoint, CATEGORY:NAME (mounts tracefs when needed)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from attach" -f -a "raw_tracepoint" -d 'A raw tracepoint by name (e.g. sys_enter)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from attach" -f -a "kprobe" -d 'Entry of a kernel function (needs CONFIG_KPROBES)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from attach" -f -a "kretprobe" -d 'Return of a kernel function (needs CONFIG_KPROBES)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from attach" -f -a "uprobe" -d 'Entry of a user-space function, BINARY:SYMBOL'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from attach" -f -a "uretprobe" -d 'Return of a user-space function, BINARY:SYMBOL'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from detach" -f -a "xdp" -d 'XDP from an interface, whatever mode it was attached in'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from detach" -f -a "tc" -d 'tc programs x0bpf attached (both directions unless --direction)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from detach" -f -a "tracepoint" -d 'A tracepoint attachment, CATEGORY:NAME'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from detach" -f -a "raw_tracepoint" -d 'A raw tracepoint attachment, by name'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from detach" -f -a "kprobe" -d 'A kprobe attachment, by function'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from detach" -f -a "kretprobe" -d 'A kretprobe attachment, by function'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from detach" -f -a "uprobe" -d 'A uprobe attachment, BINARY:SYMBOL'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from detach" -f -a "uretprobe" -d 'A uretprobe attachment, BINARY:SYMBOL'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from map" -f -a "show" -d 'What the kernel says about a map (every map without an argument)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from map" -f -a "dump" -d 'Every entry, streamed; typed by BTF'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from map" -f -a "lookup" -d 'One entry by key (bloom filter: is the value present?)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from map" -f -a "update" -d 'Create or change an entry'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from map" -f -a "delete" -d 'Remove an entry'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from map" -f -a "peek" -d 'Queue/stack: the next value, left in place'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from map" -f -a "pop" -d 'Queue/stack: take the next value'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and __fish_seen_subcommand_from map" -f -a "push" -d 'Queue/stack: add a value'
