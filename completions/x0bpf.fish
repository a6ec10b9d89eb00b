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
complete -c x0bpf -n "__fish_x0bpf_using_subcommand stats" -l bpffs -d 'Root of the BPF filesystem where x0bpf pins objects' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand stats" -l pin-dir -d 'Directory inside the bpffs root holding x0bpf\'s objects [default: <bpffs>/x0bpf]' -r -F
complete -c x0bpf -n "__fish_x0bpf_using_subcommand stats" -l netns -d 'Network namespace to work in: a name from `ip netns list` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are' -r
complete -c x0bpf -n "__fish_x0bpf_using_subcommand stats" -s j -l json -d 'Print JSON (one document on stdout; errors too)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand stats" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand stats" -s n -l nomount -d 'Never mount bpffs or tracefs; fail saying what is missing instead'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand stats" -s v -l verbose -d 'Show libbpf\'s and the verifier\'s log on stderr'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand stats" -s h -l help -d 'Print help'
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
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats completions man help" -f -a "objects" -d 'List the BPF objects embedded in this binary'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats completions man help" -f -a "inspect" -d 'Read a BPF ELF object without loading it: sections, programs, maps, BTF, CO-RE'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats completions man help" -f -a "validate" -d 'Check whether an object will load on this kernel (or on the kernel of --btf), and why not'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats completions man help" -f -a "feature" -d 'What this kernel offers BPF: BTF, JIT, lockdown, program, map and attach kinds'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats completions man help" -f -a "load" -d 'Load every program and map of an object and pin them in bpffs'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats completions man help" -f -a "unload" -d 'Detach, unpin and release an object loaded by x0bpf'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats completions man help" -f -a "list" -d 'What x0bpf has loaded and attached (--all: everything in the kernel)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats completions man help" -f -a "attach" -d 'Attach a program: XDP (mode auto: hw, drv, skb), tc (tcx/clsact), tracepoints, probes'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats completions man help" -f -a "detach" -d 'Remove x0bpf\'s attachment (the mode is found, never asked for)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats completions man help" -f -a "net" -d 'XDP and tc programs per interface, with owners'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats completions man help" -f -a "stats" -d 'Counters of x0bpf\'s own programs (xdp_counter, tc_classifier, syscall_latency)'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats completions man help" -f -a "man" -d 'Write man pages (one per subcommand) into a directory'
complete -c x0bpf -n "__fish_x0bpf_using_subcommand help; and not __fish_seen_subcommand_from objects inspect validate feature load unload list attach detach net stats completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
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
