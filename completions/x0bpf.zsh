#compdef x0bpf

autoload -U is-at-least

_x0bpf() {
    typeset -A opt_args
    typeset -a _arguments_options
    local ret=1

    if is-at-least 5.2; then
        _arguments_options=(-s -S -C)
    else
        _arguments_options=(-s -C)
    fi

    local context curcontext="$curcontext" state line
    _arguments "${_arguments_options[@]}" : \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_x0bpf_commands" \
"*::: :->x0bpf" \
&& ret=0
    case $state in
    (x0bpf)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:x0bpf-command-$line[1]:"
        case $line[1] in
            (objects)
_arguments "${_arguments_options[@]}" : \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(inspect)
_arguments "${_arguments_options[@]}" : \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
':object -- A BPF object file, or the name of an embedded object (see `x0bpf objects`):_default' \
&& ret=0
;;
(validate)
_arguments "${_arguments_options[@]}" : \
'--btf=[Target kernel BTF for the CO-RE check\: raw BTF (a copy of /sys/kernel/btf/vmlinux) or an ELF file with a .BTF section \[default\: /sys/kernel/btf/vmlinux\]]:FILE:_files' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'--verify[Also load each program into the running kernel (nothing is attached or pinned) and report the verifier'\''s verdict]' \
'--strict[Count warnings as failures (exit 1)]' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
':object -- A BPF object file, or the name of an embedded object (see `x0bpf objects`):_default' \
&& ret=0
;;
(feature)
_arguments "${_arguments_options[@]}" : \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(load)
_arguments "${_arguments_options[@]}" : \
'--name=[Name to load under (pins go to <pin-dir>/<NAME>/) \[default\: the object'\''s name\]]:NAME:_default' \
'*--set=[Set a \`.rodata\` (const volatile) variable before load, typed from BTF\: VAR=VALUE]:VAR=VALUE:_default' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'--reuse-maps[Reuse maps already pinned under this name, so a reload keeps their contents]' \
'--replace[Replace an object already loaded under this name]' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
':object -- A BPF object file, or the name of an embedded object (see `x0bpf objects`):_default' \
&& ret=0
;;
(unload)
_arguments "${_arguments_options[@]}" : \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
':name -- Name the object was loaded under (see `x0bpf list`):_default' \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-a[Every BPF program and map in the kernel, with x0bpf'\''s marked]' \
'--all[Every BPF program and map in the kernel, with x0bpf'\''s marked]' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
'*::targets -- Only these objects (names), or pins/directories on bpffs made by any tool:_default' \
&& ret=0
;;
(attach)
_arguments "${_arguments_options[@]}" : \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
":: :_x0bpf__subcmd__attach_commands" \
"*::: :->attach" \
&& ret=0

    case $state in
    (attach)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:x0bpf-attach-command-$line[1]:"
        case $line[1] in
            (xdp)
_arguments "${_arguments_options[@]}" : \
'--mode=[auto tries hw, then drv (native), then skb (generic)]:MODE:(auto hw drv skb)' \
'--expect-id=[With --replace\: only if the current program has this id (compare-and-swap)]:ID:_default' \
'--prog=[OBJECT\[\:PROGRAM\]\: a loaded x0bpf object, a BPF object file, or an embedded object]:OBJECT[:PROGRAM]:_default' \
'--name=[Name to load the object under when --prog is a file or embedded object]:NAME:_default' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'--replace[Replace the XDP program already there, atomically]' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
':iface -- Interface name:_default' \
&& ret=0
;;
(tc)
_arguments "${_arguments_options[@]}" : \
'--direction=[]:DIRECTION:(ingress egress)' \
'--mode=[]:MODE:((auto\:"tcx when the kernel has it, clsact otherwise"
tcx\:""
clsact\:""))' \
'--priority=[clsact filter priority (1-65535)]:PRIORITY:_default' \
'--handle=[clsact filter handle (1 or more)]:HANDLE:_default' \
'--prog=[OBJECT\[\:PROGRAM\]\: a loaded x0bpf object, a BPF object file, or an embedded object]:OBJECT[:PROGRAM]:_default' \
'--name=[Name to load the object under when --prog is a file or embedded object]:NAME:_default' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'--replace[]' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
':iface:_default' \
&& ret=0
;;
(tracepoint)
_arguments "${_arguments_options[@]}" : \
'--prog=[OBJECT\[\:PROGRAM\]\: a loaded x0bpf object, a BPF object file, or an embedded object]:OBJECT[:PROGRAM]:_default' \
'--name=[Name to load the object under when --prog is a file or embedded object]:NAME:_default' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
':target:_default' \
&& ret=0
;;
(raw_tracepoint)
_arguments "${_arguments_options[@]}" : \
'--prog=[OBJECT\[\:PROGRAM\]\: a loaded x0bpf object, a BPF object file, or an embedded object]:OBJECT[:PROGRAM]:_default' \
'--name=[Name to load the object under when --prog is a file or embedded object]:NAME:_default' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
':target:_default' \
&& ret=0
;;
(kprobe)
_arguments "${_arguments_options[@]}" : \
'--prog=[OBJECT\[\:PROGRAM\]\: a loaded x0bpf object, a BPF object file, or an embedded object]:OBJECT[:PROGRAM]:_default' \
'--name=[Name to load the object under when --prog is a file or embedded object]:NAME:_default' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
':function:_default' \
&& ret=0
;;
(kretprobe)
_arguments "${_arguments_options[@]}" : \
'--prog=[OBJECT\[\:PROGRAM\]\: a loaded x0bpf object, a BPF object file, or an embedded object]:OBJECT[:PROGRAM]:_default' \
'--name=[Name to load the object under when --prog is a file or embedded object]:NAME:_default' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
':function:_default' \
&& ret=0
;;
(uprobe)
_arguments "${_arguments_options[@]}" : \
'--prog=[OBJECT\[\:PROGRAM\]\: a loaded x0bpf object, a BPF object file, or an embedded object]:OBJECT[:PROGRAM]:_default' \
'--name=[Name to load the object under when --prog is a file or embedded object]:NAME:_default' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
':target:_default' \
&& ret=0
;;
(uretprobe)
_arguments "${_arguments_options[@]}" : \
'--prog=[OBJECT\[\:PROGRAM\]\: a loaded x0bpf object, a BPF object file, or an embedded object]:OBJECT[:PROGRAM]:_default' \
'--name=[Name to load the object under when --prog is a file or embedded object]:NAME:_default' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
':target:_default' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_x0bpf__subcmd__attach__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:x0bpf-attach-help-command-$line[1]:"
        case $line[1] in
            (xdp)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(tc)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(tracepoint)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(raw_tracepoint)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(kprobe)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(kretprobe)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(uprobe)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(uretprobe)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(detach)
_arguments "${_arguments_options[@]}" : \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
":: :_x0bpf__subcmd__detach_commands" \
"*::: :->detach" \
&& ret=0

    case $state in
    (detach)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:x0bpf-detach-command-$line[1]:"
        case $line[1] in
            (xdp)
_arguments "${_arguments_options[@]}" : \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'--all[Remove any XDP program in every mode, ours or not (like \`ip link set dev X xdp off\`)]' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
':iface:_default' \
&& ret=0
;;
(tc)
_arguments "${_arguments_options[@]}" : \
'--direction=[]:DIRECTION:(ingress egress)' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
':iface:_default' \
&& ret=0
;;
(tracepoint)
_arguments "${_arguments_options[@]}" : \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
':target:_default' \
&& ret=0
;;
(raw_tracepoint)
_arguments "${_arguments_options[@]}" : \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
':target:_default' \
&& ret=0
;;
(kprobe)
_arguments "${_arguments_options[@]}" : \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
':target:_default' \
&& ret=0
;;
(kretprobe)
_arguments "${_arguments_options[@]}" : \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
':target:_default' \
&& ret=0
;;
(uprobe)
_arguments "${_arguments_options[@]}" : \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
':target:_default' \
&& ret=0
;;
(uretprobe)
_arguments "${_arguments_options[@]}" : \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
':target:_default' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_x0bpf__subcmd__detach__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:x0bpf-detach-help-command-$line[1]:"
        case $line[1] in
            (xdp)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(tc)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(tracepoint)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(raw_tracepoint)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(kprobe)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(kretprobe)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(uprobe)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(uretprobe)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(net)
_arguments "${_arguments_options[@]}" : \
'--dev=[Only this interface]:DEV:_default' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
'::verb -- `show` is accepted for bpftool'\''s muscle memory:(show list)' \
&& ret=0
;;
(stats)
_arguments "${_arguments_options[@]}" : \
'--dev=[Only this interface (xdp_counter and tc_classifier count per interface)]:IFACE:_default' \
'--interval=[Seconds between two --watch samples]:S:_default' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'--watch[Print again every --interval seconds, with rates (pps, bit/s), until Ctrl-C]' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
'::name -- Loaded object name \[default\: xdp_counter\]:_default' \
&& ret=0
;;
(flows)
_arguments "${_arguments_options[@]}" : \
'--dev=[The interface (needed when tc_classifier is not attached yet; else a filter)]:IFACE:_default' \
'--direction=[Only flows with traffic in this direction (and, when the view attaches, only this hook)]:DIRECTION:(ingress egress)' \
'--sort=[Order of the table]:SORT:(bytes packets rtt)' \
'--top=[Show the N first flows (0\: all)]:N:_default' \
'--object=[Loaded object to read when attached by \`x0bpf attach tc\`]:NAME:_default' \
'--duration=[When the view attaches for itself\: collect this long before printing]:D:_default' \
'--interval=[]:S:_default' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'--watch[Print again every --interval seconds until Ctrl-C]' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(syscalls)
_arguments "${_arguments_options[@]}" : \
'--pid=[Only this process (thread group id, like \`syscount -p\`)]:PID:_default' \
'--tgid=[Only this process (thread group id, like \`syscount -p\`)]:PID:_default' \
'--tid=[Only this thread (kernel task id)]:TID:_default' \
'--comm=[Only tasks with this exact name (comm, at most 15 bytes)]:NAME:_default' \
'--cgroup=[Only tasks in this cgroup v2 directory (not its descendants)]:PATH:_files' \
'--duration=[Count for this long (\`10s\`, \`500ms\`, \`2m\`), else until Ctrl-C]:D:_default' \
'--top=[Show the N most frequent syscalls (0\: all)]:N:_default' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(events)
_arguments "${_arguments_options[@]}" : \
'*--type=[Which events (repeat or comma-separate) \[default\: all\]]:TYPE:((drop\:"Packet drops (skb\:kfree_skb), with the drop reason on Linux 5.17+"
tcp\:"TCP state changes (sock\:inet_sock_set_state)"
retrans\:"TCP retransmits (tcp\:tcp_retransmit_skb)"))' \
'--count=[Stop after exactly N events]:N:_default' \
'--duration=[Stop after this long (\`10s\`, \`500ms\`, \`2m\`; a bare number is seconds)]:D:_default' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(map)
_arguments "${_arguments_options[@]}" : \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
":: :_x0bpf__subcmd__map_commands" \
"*::: :->map" \
&& ret=0

    case $state in
    (map)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:x0bpf-map-command-$line[1]:"
        case $line[1] in
            (show)
_arguments "${_arguments_options[@]}" : \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
'*::map -- The map (every map when left out):_default' \
&& ret=0
;;
(dump)
_arguments "${_arguments_options[@]}" : \
'--btf=[Read types from this file (raw BTF, or an ELF object with .BTF) instead of the map'\''s BTF]:FILE:_files' \
'--key-type=[Key type name (e.g. \`struct flow_key\`, \`__u32\`)]:NAME:_default' \
'--value-type=[Value type name]:NAME:_default' \
'--limit=[Stop after N entries]:N:_default' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'--per-cpu[Every CPU'\''s value of per-CPU maps (default\: integer fields summed over CPUs)]' \
'--lines[One JSON object per line (header, entries, summary) instead of one document]' \
'--follow[Map-in-map\: dump each inner map too]' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
'*::map -- The map\: `id N`, `pinned PATH`, `/path/on/bpffs`, `name NAME`, or OBJECT/MAP:_default' \
&& ret=0
;;
(lookup)
_arguments "${_arguments_options[@]}" : \
'--btf=[Read types from this file (raw BTF, or an ELF object with .BTF) instead of the map'\''s BTF]:FILE:_files' \
'--key-type=[Key type name (e.g. \`struct flow_key\`, \`__u32\`)]:NAME:_default' \
'--value-type=[Value type name]:NAME:_default' \
'(--key-hex)--key=[The key as JSON, in the shape \`dump\` prints]:JSON:_default' \
'--key-hex=[The key as hex bytes ("01 00 00 00")]:HEX:_default' \
'(--value-hex)--value=[Bloom filter lookup\: the value to test, as JSON]:JSON:_default' \
'--value-hex=[Bloom filter lookup\: the value to test, as hex bytes]:HEX:_default' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'--per-cpu[Every CPU'\''s value of per-CPU maps]' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
'*::map -- The map\: `id N`, `pinned PATH`, `/path/on/bpffs`, `name NAME`, or OBJECT/MAP:_default' \
&& ret=0
;;
(update)
_arguments "${_arguments_options[@]}" : \
'--btf=[Read types from this file (raw BTF, or an ELF object with .BTF) instead of the map'\''s BTF]:FILE:_files' \
'--key-type=[Key type name (e.g. \`struct flow_key\`, \`__u32\`)]:NAME:_default' \
'--value-type=[Value type name]:NAME:_default' \
'(--key-hex)--key=[The key as JSON]:JSON:_default' \
'--key-hex=[The key as hex bytes]:HEX:_default' \
'(--value-hex)--value=[The value as JSON (per-CPU maps\: the same value on every CPU, or with --per-cpu an array of one value per CPU)]:JSON:_default' \
'--value-hex=[The value as hex bytes]:HEX:_default' \
'--flags=[]:FLAGS:((any\:"Create or replace"
noexist\:"Only create (fails if the key exists)"
exist\:"Only replace (fails if the key does not exist)"))' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'--merge[A partial struct value keeps the current values of the fields it leaves out]' \
'--per-cpu[--value is an array with one value per possible CPU]' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'*::map -- The map\: `id N`, `pinned PATH`, `/path/on/bpffs`, `name NAME`, or OBJECT/MAP:_default' \
&& ret=0
;;
(delete)
_arguments "${_arguments_options[@]}" : \
'--btf=[Read types from this file (raw BTF, or an ELF object with .BTF) instead of the map'\''s BTF]:FILE:_files' \
'--key-type=[Key type name (e.g. \`struct flow_key\`, \`__u32\`)]:NAME:_default' \
'--value-type=[Value type name]:NAME:_default' \
'(--key-hex)--key=[The key as JSON, in the shape \`dump\` prints]:JSON:_default' \
'--key-hex=[The key as hex bytes ("01 00 00 00")]:HEX:_default' \
'(--value-hex)--value=[Bloom filter lookup\: the value to test, as JSON]:JSON:_default' \
'--value-hex=[Bloom filter lookup\: the value to test, as hex bytes]:HEX:_default' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'--per-cpu[Every CPU'\''s value of per-CPU maps]' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
'*::map -- The map\: `id N`, `pinned PATH`, `/path/on/bpffs`, `name NAME`, or OBJECT/MAP:_default' \
&& ret=0
;;
(peek)
_arguments "${_arguments_options[@]}" : \
'--btf=[Read types from this file (raw BTF, or an ELF object with .BTF) instead of the map'\''s BTF]:FILE:_files' \
'--key-type=[Key type name (e.g. \`struct flow_key\`, \`__u32\`)]:NAME:_default' \
'--value-type=[Value type name]:NAME:_default' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
'*::map -- The map\: `id N`, `pinned PATH`, `/path/on/bpffs`, `name NAME`, or OBJECT/MAP:_default' \
&& ret=0
;;
(pop)
_arguments "${_arguments_options[@]}" : \
'--btf=[Read types from this file (raw BTF, or an ELF object with .BTF) instead of the map'\''s BTF]:FILE:_files' \
'--key-type=[Key type name (e.g. \`struct flow_key\`, \`__u32\`)]:NAME:_default' \
'--value-type=[Value type name]:NAME:_default' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
'*::map -- The map\: `id N`, `pinned PATH`, `/path/on/bpffs`, `name NAME`, or OBJECT/MAP:_default' \
&& ret=0
;;
(push)
_arguments "${_arguments_options[@]}" : \
'--btf=[Read types from this file (raw BTF, or an ELF object with .BTF) instead of the map'\''s BTF]:FILE:_files' \
'--key-type=[Key type name (e.g. \`struct flow_key\`, \`__u32\`)]:NAME:_default' \
'--value-type=[Value type name]:NAME:_default' \
'(--value-hex)--value=[The value as JSON]:JSON:_default' \
'--value-hex=[The value as hex bytes]:HEX:_default' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'--overwrite[A full queue/stack drops its oldest value instead of refusing (BPF_EXIST)]' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
'*::map -- The map\: `id N`, `pinned PATH`, `/path/on/bpffs`, `name NAME`, or OBJECT/MAP:_default' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_x0bpf__subcmd__map__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:x0bpf-map-help-command-$line[1]:"
        case $line[1] in
            (show)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(dump)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(lookup)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(update)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(delete)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(peek)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(pop)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(push)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(tail)
_arguments "${_arguments_options[@]}" : \
'--type=[Decode records as this type (e.g. \`struct event\`), from --btf or else from the BTF of the loaded programs that use the map]:NAME:_default' \
'--btf=[Where to find --type\: raw BTF or an ELF object with .BTF]:FILE:_files' \
'--count=[Stop after exactly N records]:N:_default' \
'--duration=[Stop after this long (\`10s\`, \`500ms\`, \`2m\`; a bare number is seconds)]:D:_default' \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'(--type)--raw[Length-prefixed binary records (u32 little-endian length, then the bytes)\: the fastest path]' \
'--force[Read even when another process holds the buffer open (records it would have read are taken from it)]' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
'*::map -- The ring buffer\: `id N`, `pinned PATH`, `/path/on/bpffs`, `name NAME`, or OBJECT/MAP:_default' \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
':shell -- bash, zsh, fish, elvish or powershell:(bash elvish fish powershell zsh)' \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
'--bpffs=[Root of the BPF filesystem where x0bpf pins objects]:DIR:_files' \
'--pin-dir=[Directory inside the bpffs root holding x0bpf'\''s objects \[default\: <bpffs>/x0bpf\]]:DIR:_files' \
'--netns=[Network namespace to work in\: a name from \`ip netns list\` or a path (/proc/PID/ns/net); only the network namespace changes, pins stay where they are]:NAME|PATH:_default' \
'-j[Print JSON (one document on stdout; errors too)]' \
'--json[Print JSON (one document on stdout; errors too)]' \
'-p[Print pretty JSON (implies --json)]' \
'--pretty[Print pretty JSON (implies --json)]' \
'-n[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'--nomount[Never mount bpffs or tracefs; fail saying what is missing instead]' \
'*-v[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'*--verbose[Show libbpf'\''s and the verifier'\''s log on stderr]' \
'-h[Print help]' \
'--help[Print help]' \
':dir -- Directory to write x0bpf.1 and x0bpf-<command>.1 into:_files' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_x0bpf__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:x0bpf-help-command-$line[1]:"
        case $line[1] in
            (objects)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(inspect)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(validate)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(feature)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(load)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(unload)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(attach)
_arguments "${_arguments_options[@]}" : \
":: :_x0bpf__subcmd__help__subcmd__attach_commands" \
"*::: :->attach" \
&& ret=0

    case $state in
    (attach)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:x0bpf-help-attach-command-$line[1]:"
        case $line[1] in
            (xdp)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(tc)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(tracepoint)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(raw_tracepoint)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(kprobe)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(kretprobe)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(uprobe)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(uretprobe)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(detach)
_arguments "${_arguments_options[@]}" : \
":: :_x0bpf__subcmd__help__subcmd__detach_commands" \
"*::: :->detach" \
&& ret=0

    case $state in
    (detach)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:x0bpf-help-detach-command-$line[1]:"
        case $line[1] in
            (xdp)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(tc)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(tracepoint)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(raw_tracepoint)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(kprobe)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(kretprobe)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(uprobe)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(uretprobe)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(net)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(stats)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(flows)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(syscalls)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(events)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(map)
_arguments "${_arguments_options[@]}" : \
":: :_x0bpf__subcmd__help__subcmd__map_commands" \
"*::: :->map" \
&& ret=0

    case $state in
    (map)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:x0bpf-help-map-command-$line[1]:"
        case $line[1] in
            (show)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(dump)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(lookup)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(update)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(delete)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(peek)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(pop)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(push)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(tail)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
}

(( $+functions[_x0bpf_commands] )) ||
_x0bpf_commands() {
    local commands; commands=(
'objects:List the BPF objects embedded in this binary' \
'inspect:Read a BPF ELF object without loading it\: sections, programs, maps, BTF, CO-RE' \
'validate:Check whether an object will load on this kernel (or on the kernel of --btf), and why not' \
'feature:What this kernel offers BPF\: BTF, JIT, lockdown, program, map and attach kinds' \
'load:Load every program and map of an object and pin them in bpffs' \
'unload:Detach, unpin and release an object loaded by x0bpf' \
'list:What x0bpf has loaded and attached (--all\: everything in the kernel)' \
'attach:Attach a program\: XDP (mode auto\: hw, drv, skb), tc (tcx/clsact), tracepoints, probes' \
'detach:Remove x0bpf'\''s attachment (the mode is found, never asked for)' \
'net:XDP and tc programs per interface, with owners' \
'stats:Counters of x0bpf'\''s own programs (xdp_counter, tc_classifier, syscall_latency)' \
'flows:Top flows of tc_classifier\: per-direction counts, handshake RTT, age (attaches if needed)' \
'syscalls:Top syscalls by name\: count, errors, latency (avg, p50/p99) — loads its own filtered instance' \
'events:Network events as they happen\: drops with the kernel'\''s reason, TCP state changes, retransmits' \
'map:Read and change any map, typed by BTF\: show, dump, lookup, update, delete, peek, pop, push' \
'tail:Stream the records of a ring buffer as text, JSON lines or raw binary' \
'completions:Print a shell completion script' \
'man:Write man pages (one per subcommand) into a directory' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'x0bpf commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__attach_commands] )) ||
_x0bpf__subcmd__attach_commands() {
    local commands; commands=(
'xdp:XDP on an interface (default program\: the embedded xdp_counter)' \
'tc:tc ingress or egress (tcx on 6.6+, clsact otherwise; default\: embedded tc_classifier)' \
'tracepoint:A tracepoint, CATEGORY\:NAME (mounts tracefs when needed)' \
'raw_tracepoint:A raw tracepoint by name (e.g. sys_enter)' \
'kprobe:Entry of a kernel function (needs CONFIG_KPROBES)' \
'kretprobe:Return of a kernel function (needs CONFIG_KPROBES)' \
'uprobe:Entry of a user-space function, BINARY\:SYMBOL' \
'uretprobe:Return of a user-space function, BINARY\:SYMBOL' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'x0bpf attach commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__attach__subcmd__help_commands] )) ||
_x0bpf__subcmd__attach__subcmd__help_commands() {
    local commands; commands=(
'xdp:XDP on an interface (default program\: the embedded xdp_counter)' \
'tc:tc ingress or egress (tcx on 6.6+, clsact otherwise; default\: embedded tc_classifier)' \
'tracepoint:A tracepoint, CATEGORY\:NAME (mounts tracefs when needed)' \
'raw_tracepoint:A raw tracepoint by name (e.g. sys_enter)' \
'kprobe:Entry of a kernel function (needs CONFIG_KPROBES)' \
'kretprobe:Return of a kernel function (needs CONFIG_KPROBES)' \
'uprobe:Entry of a user-space function, BINARY\:SYMBOL' \
'uretprobe:Return of a user-space function, BINARY\:SYMBOL' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'x0bpf attach help commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__attach__subcmd__help__subcmd__help_commands] )) ||
_x0bpf__subcmd__attach__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf attach help help commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__attach__subcmd__help__subcmd__kprobe_commands] )) ||
_x0bpf__subcmd__attach__subcmd__help__subcmd__kprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf attach help kprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__attach__subcmd__help__subcmd__kretprobe_commands] )) ||
_x0bpf__subcmd__attach__subcmd__help__subcmd__kretprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf attach help kretprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__attach__subcmd__help__subcmd__raw_tracepoint_commands] )) ||
_x0bpf__subcmd__attach__subcmd__help__subcmd__raw_tracepoint_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf attach help raw_tracepoint commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__attach__subcmd__help__subcmd__tc_commands] )) ||
_x0bpf__subcmd__attach__subcmd__help__subcmd__tc_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf attach help tc commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__attach__subcmd__help__subcmd__tracepoint_commands] )) ||
_x0bpf__subcmd__attach__subcmd__help__subcmd__tracepoint_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf attach help tracepoint commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__attach__subcmd__help__subcmd__uprobe_commands] )) ||
_x0bpf__subcmd__attach__subcmd__help__subcmd__uprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf attach help uprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__attach__subcmd__help__subcmd__uretprobe_commands] )) ||
_x0bpf__subcmd__attach__subcmd__help__subcmd__uretprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf attach help uretprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__attach__subcmd__help__subcmd__xdp_commands] )) ||
_x0bpf__subcmd__attach__subcmd__help__subcmd__xdp_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf attach help xdp commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__attach__subcmd__kprobe_commands] )) ||
_x0bpf__subcmd__attach__subcmd__kprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf attach kprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__attach__subcmd__kretprobe_commands] )) ||
_x0bpf__subcmd__attach__subcmd__kretprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf attach kretprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__attach__subcmd__raw_tracepoint_commands] )) ||
_x0bpf__subcmd__attach__subcmd__raw_tracepoint_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf attach raw_tracepoint commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__attach__subcmd__tc_commands] )) ||
_x0bpf__subcmd__attach__subcmd__tc_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf attach tc commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__attach__subcmd__tracepoint_commands] )) ||
_x0bpf__subcmd__attach__subcmd__tracepoint_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf attach tracepoint commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__attach__subcmd__uprobe_commands] )) ||
_x0bpf__subcmd__attach__subcmd__uprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf attach uprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__attach__subcmd__uretprobe_commands] )) ||
_x0bpf__subcmd__attach__subcmd__uretprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf attach uretprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__attach__subcmd__xdp_commands] )) ||
_x0bpf__subcmd__attach__subcmd__xdp_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf attach xdp commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__completions_commands] )) ||
_x0bpf__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf completions commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__detach_commands] )) ||
_x0bpf__subcmd__detach_commands() {
    local commands; commands=(
'xdp:XDP from an interface, whatever mode it was attached in' \
'tc:tc programs x0bpf attached (both directions unless --direction)' \
'tracepoint:A tracepoint attachment, CATEGORY\:NAME' \
'raw_tracepoint:A raw tracepoint attachment, by name' \
'kprobe:A kprobe attachment, by function' \
'kretprobe:A kretprobe attachment, by function' \
'uprobe:A uprobe attachment, BINARY\:SYMBOL' \
'uretprobe:A uretprobe attachment, BINARY\:SYMBOL' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'x0bpf detach commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__detach__subcmd__help_commands] )) ||
_x0bpf__subcmd__detach__subcmd__help_commands() {
    local commands; commands=(
'xdp:XDP from an interface, whatever mode it was attached in' \
'tc:tc programs x0bpf attached (both directions unless --direction)' \
'tracepoint:A tracepoint attachment, CATEGORY\:NAME' \
'raw_tracepoint:A raw tracepoint attachment, by name' \
'kprobe:A kprobe attachment, by function' \
'kretprobe:A kretprobe attachment, by function' \
'uprobe:A uprobe attachment, BINARY\:SYMBOL' \
'uretprobe:A uretprobe attachment, BINARY\:SYMBOL' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'x0bpf detach help commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__detach__subcmd__help__subcmd__help_commands] )) ||
_x0bpf__subcmd__detach__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf detach help help commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__detach__subcmd__help__subcmd__kprobe_commands] )) ||
_x0bpf__subcmd__detach__subcmd__help__subcmd__kprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf detach help kprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__detach__subcmd__help__subcmd__kretprobe_commands] )) ||
_x0bpf__subcmd__detach__subcmd__help__subcmd__kretprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf detach help kretprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__detach__subcmd__help__subcmd__raw_tracepoint_commands] )) ||
_x0bpf__subcmd__detach__subcmd__help__subcmd__raw_tracepoint_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf detach help raw_tracepoint commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__detach__subcmd__help__subcmd__tc_commands] )) ||
_x0bpf__subcmd__detach__subcmd__help__subcmd__tc_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf detach help tc commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__detach__subcmd__help__subcmd__tracepoint_commands] )) ||
_x0bpf__subcmd__detach__subcmd__help__subcmd__tracepoint_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf detach help tracepoint commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__detach__subcmd__help__subcmd__uprobe_commands] )) ||
_x0bpf__subcmd__detach__subcmd__help__subcmd__uprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf detach help uprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__detach__subcmd__help__subcmd__uretprobe_commands] )) ||
_x0bpf__subcmd__detach__subcmd__help__subcmd__uretprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf detach help uretprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__detach__subcmd__help__subcmd__xdp_commands] )) ||
_x0bpf__subcmd__detach__subcmd__help__subcmd__xdp_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf detach help xdp commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__detach__subcmd__kprobe_commands] )) ||
_x0bpf__subcmd__detach__subcmd__kprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf detach kprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__detach__subcmd__kretprobe_commands] )) ||
_x0bpf__subcmd__detach__subcmd__kretprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf detach kretprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__detach__subcmd__raw_tracepoint_commands] )) ||
_x0bpf__subcmd__detach__subcmd__raw_tracepoint_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf detach raw_tracepoint commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__detach__subcmd__tc_commands] )) ||
_x0bpf__subcmd__detach__subcmd__tc_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf detach tc commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__detach__subcmd__tracepoint_commands] )) ||
_x0bpf__subcmd__detach__subcmd__tracepoint_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf detach tracepoint commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__detach__subcmd__uprobe_commands] )) ||
_x0bpf__subcmd__detach__subcmd__uprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf detach uprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__detach__subcmd__uretprobe_commands] )) ||
_x0bpf__subcmd__detach__subcmd__uretprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf detach uretprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__detach__subcmd__xdp_commands] )) ||
_x0bpf__subcmd__detach__subcmd__xdp_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf detach xdp commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__events_commands] )) ||
_x0bpf__subcmd__events_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf events commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__feature_commands] )) ||
_x0bpf__subcmd__feature_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf feature commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__flows_commands] )) ||
_x0bpf__subcmd__flows_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf flows commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help_commands] )) ||
_x0bpf__subcmd__help_commands() {
    local commands; commands=(
'objects:List the BPF objects embedded in this binary' \
'inspect:Read a BPF ELF object without loading it\: sections, programs, maps, BTF, CO-RE' \
'validate:Check whether an object will load on this kernel (or on the kernel of --btf), and why not' \
'feature:What this kernel offers BPF\: BTF, JIT, lockdown, program, map and attach kinds' \
'load:Load every program and map of an object and pin them in bpffs' \
'unload:Detach, unpin and release an object loaded by x0bpf' \
'list:What x0bpf has loaded and attached (--all\: everything in the kernel)' \
'attach:Attach a program\: XDP (mode auto\: hw, drv, skb), tc (tcx/clsact), tracepoints, probes' \
'detach:Remove x0bpf'\''s attachment (the mode is found, never asked for)' \
'net:XDP and tc programs per interface, with owners' \
'stats:Counters of x0bpf'\''s own programs (xdp_counter, tc_classifier, syscall_latency)' \
'flows:Top flows of tc_classifier\: per-direction counts, handshake RTT, age (attaches if needed)' \
'syscalls:Top syscalls by name\: count, errors, latency (avg, p50/p99) — loads its own filtered instance' \
'events:Network events as they happen\: drops with the kernel'\''s reason, TCP state changes, retransmits' \
'map:Read and change any map, typed by BTF\: show, dump, lookup, update, delete, peek, pop, push' \
'tail:Stream the records of a ring buffer as text, JSON lines or raw binary' \
'completions:Print a shell completion script' \
'man:Write man pages (one per subcommand) into a directory' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'x0bpf help commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__attach_commands] )) ||
_x0bpf__subcmd__help__subcmd__attach_commands() {
    local commands; commands=(
'xdp:XDP on an interface (default program\: the embedded xdp_counter)' \
'tc:tc ingress or egress (tcx on 6.6+, clsact otherwise; default\: embedded tc_classifier)' \
'tracepoint:A tracepoint, CATEGORY\:NAME (mounts tracefs when needed)' \
'raw_tracepoint:A raw tracepoint by name (e.g. sys_enter)' \
'kprobe:Entry of a kernel function (needs CONFIG_KPROBES)' \
'kretprobe:Return of a kernel function (needs CONFIG_KPROBES)' \
'uprobe:Entry of a user-space function, BINARY\:SYMBOL' \
'uretprobe:Return of a user-space function, BINARY\:SYMBOL' \
    )
    _describe -t commands 'x0bpf help attach commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__attach__subcmd__kprobe_commands] )) ||
_x0bpf__subcmd__help__subcmd__attach__subcmd__kprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help attach kprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__attach__subcmd__kretprobe_commands] )) ||
_x0bpf__subcmd__help__subcmd__attach__subcmd__kretprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help attach kretprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__attach__subcmd__raw_tracepoint_commands] )) ||
_x0bpf__subcmd__help__subcmd__attach__subcmd__raw_tracepoint_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help attach raw_tracepoint commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__attach__subcmd__tc_commands] )) ||
_x0bpf__subcmd__help__subcmd__attach__subcmd__tc_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help attach tc commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__attach__subcmd__tracepoint_commands] )) ||
_x0bpf__subcmd__help__subcmd__attach__subcmd__tracepoint_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help attach tracepoint commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__attach__subcmd__uprobe_commands] )) ||
_x0bpf__subcmd__help__subcmd__attach__subcmd__uprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help attach uprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__attach__subcmd__uretprobe_commands] )) ||
_x0bpf__subcmd__help__subcmd__attach__subcmd__uretprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help attach uretprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__attach__subcmd__xdp_commands] )) ||
_x0bpf__subcmd__help__subcmd__attach__subcmd__xdp_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help attach xdp commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__completions_commands] )) ||
_x0bpf__subcmd__help__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help completions commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__detach_commands] )) ||
_x0bpf__subcmd__help__subcmd__detach_commands() {
    local commands; commands=(
'xdp:XDP from an interface, whatever mode it was attached in' \
'tc:tc programs x0bpf attached (both directions unless --direction)' \
'tracepoint:A tracepoint attachment, CATEGORY\:NAME' \
'raw_tracepoint:A raw tracepoint attachment, by name' \
'kprobe:A kprobe attachment, by function' \
'kretprobe:A kretprobe attachment, by function' \
'uprobe:A uprobe attachment, BINARY\:SYMBOL' \
'uretprobe:A uretprobe attachment, BINARY\:SYMBOL' \
    )
    _describe -t commands 'x0bpf help detach commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__detach__subcmd__kprobe_commands] )) ||
_x0bpf__subcmd__help__subcmd__detach__subcmd__kprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help detach kprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__detach__subcmd__kretprobe_commands] )) ||
_x0bpf__subcmd__help__subcmd__detach__subcmd__kretprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help detach kretprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__detach__subcmd__raw_tracepoint_commands] )) ||
_x0bpf__subcmd__help__subcmd__detach__subcmd__raw_tracepoint_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help detach raw_tracepoint commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__detach__subcmd__tc_commands] )) ||
_x0bpf__subcmd__help__subcmd__detach__subcmd__tc_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help detach tc commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__detach__subcmd__tracepoint_commands] )) ||
_x0bpf__subcmd__help__subcmd__detach__subcmd__tracepoint_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help detach tracepoint commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__detach__subcmd__uprobe_commands] )) ||
_x0bpf__subcmd__help__subcmd__detach__subcmd__uprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help detach uprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__detach__subcmd__uretprobe_commands] )) ||
_x0bpf__subcmd__help__subcmd__detach__subcmd__uretprobe_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help detach uretprobe commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__detach__subcmd__xdp_commands] )) ||
_x0bpf__subcmd__help__subcmd__detach__subcmd__xdp_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help detach xdp commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__events_commands] )) ||
_x0bpf__subcmd__help__subcmd__events_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help events commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__feature_commands] )) ||
_x0bpf__subcmd__help__subcmd__feature_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help feature commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__flows_commands] )) ||
_x0bpf__subcmd__help__subcmd__flows_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help flows commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__help_commands] )) ||
_x0bpf__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help help commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__inspect_commands] )) ||
_x0bpf__subcmd__help__subcmd__inspect_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help inspect commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__list_commands] )) ||
_x0bpf__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help list commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__load_commands] )) ||
_x0bpf__subcmd__help__subcmd__load_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help load commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__man_commands] )) ||
_x0bpf__subcmd__help__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help man commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__map_commands] )) ||
_x0bpf__subcmd__help__subcmd__map_commands() {
    local commands; commands=(
'show:What the kernel says about a map (every map without an argument)' \
'dump:Every entry, streamed; typed by BTF' \
'lookup:One entry by key (bloom filter\: is the value present?)' \
'update:Create or change an entry' \
'delete:Remove an entry' \
'peek:Queue/stack\: the next value, left in place' \
'pop:Queue/stack\: take the next value' \
'push:Queue/stack\: add a value' \
    )
    _describe -t commands 'x0bpf help map commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__map__subcmd__delete_commands] )) ||
_x0bpf__subcmd__help__subcmd__map__subcmd__delete_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help map delete commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__map__subcmd__dump_commands] )) ||
_x0bpf__subcmd__help__subcmd__map__subcmd__dump_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help map dump commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__map__subcmd__lookup_commands] )) ||
_x0bpf__subcmd__help__subcmd__map__subcmd__lookup_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help map lookup commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__map__subcmd__peek_commands] )) ||
_x0bpf__subcmd__help__subcmd__map__subcmd__peek_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help map peek commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__map__subcmd__pop_commands] )) ||
_x0bpf__subcmd__help__subcmd__map__subcmd__pop_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help map pop commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__map__subcmd__push_commands] )) ||
_x0bpf__subcmd__help__subcmd__map__subcmd__push_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help map push commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__map__subcmd__show_commands] )) ||
_x0bpf__subcmd__help__subcmd__map__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help map show commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__map__subcmd__update_commands] )) ||
_x0bpf__subcmd__help__subcmd__map__subcmd__update_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help map update commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__net_commands] )) ||
_x0bpf__subcmd__help__subcmd__net_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help net commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__objects_commands] )) ||
_x0bpf__subcmd__help__subcmd__objects_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help objects commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__stats_commands] )) ||
_x0bpf__subcmd__help__subcmd__stats_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help stats commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__syscalls_commands] )) ||
_x0bpf__subcmd__help__subcmd__syscalls_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help syscalls commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__tail_commands] )) ||
_x0bpf__subcmd__help__subcmd__tail_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help tail commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__unload_commands] )) ||
_x0bpf__subcmd__help__subcmd__unload_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help unload commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__help__subcmd__validate_commands] )) ||
_x0bpf__subcmd__help__subcmd__validate_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf help validate commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__inspect_commands] )) ||
_x0bpf__subcmd__inspect_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf inspect commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__list_commands] )) ||
_x0bpf__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf list commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__load_commands] )) ||
_x0bpf__subcmd__load_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf load commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__man_commands] )) ||
_x0bpf__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf man commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__map_commands] )) ||
_x0bpf__subcmd__map_commands() {
    local commands; commands=(
'show:What the kernel says about a map (every map without an argument)' \
'dump:Every entry, streamed; typed by BTF' \
'lookup:One entry by key (bloom filter\: is the value present?)' \
'update:Create or change an entry' \
'delete:Remove an entry' \
'peek:Queue/stack\: the next value, left in place' \
'pop:Queue/stack\: take the next value' \
'push:Queue/stack\: add a value' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'x0bpf map commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__map__subcmd__delete_commands] )) ||
_x0bpf__subcmd__map__subcmd__delete_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf map delete commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__map__subcmd__dump_commands] )) ||
_x0bpf__subcmd__map__subcmd__dump_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf map dump commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__map__subcmd__help_commands] )) ||
_x0bpf__subcmd__map__subcmd__help_commands() {
    local commands; commands=(
'show:What the kernel says about a map (every map without an argument)' \
'dump:Every entry, streamed; typed by BTF' \
'lookup:One entry by key (bloom filter\: is the value present?)' \
'update:Create or change an entry' \
'delete:Remove an entry' \
'peek:Queue/stack\: the next value, left in place' \
'pop:Queue/stack\: take the next value' \
'push:Queue/stack\: add a value' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'x0bpf map help commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__map__subcmd__help__subcmd__delete_commands] )) ||
_x0bpf__subcmd__map__subcmd__help__subcmd__delete_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf map help delete commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__map__subcmd__help__subcmd__dump_commands] )) ||
_x0bpf__subcmd__map__subcmd__help__subcmd__dump_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf map help dump commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__map__subcmd__help__subcmd__help_commands] )) ||
_x0bpf__subcmd__map__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf map help help commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__map__subcmd__help__subcmd__lookup_commands] )) ||
_x0bpf__subcmd__map__subcmd__help__subcmd__lookup_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf map help lookup commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__map__subcmd__help__subcmd__peek_commands] )) ||
_x0bpf__subcmd__map__subcmd__help__subcmd__peek_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf map help peek commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__map__subcmd__help__subcmd__pop_commands] )) ||
_x0bpf__subcmd__map__subcmd__help__subcmd__pop_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf map help pop commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__map__subcmd__help__subcmd__push_commands] )) ||
_x0bpf__subcmd__map__subcmd__help__subcmd__push_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf map help push commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__map__subcmd__help__subcmd__show_commands] )) ||
_x0bpf__subcmd__map__subcmd__help__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf map help show commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__map__subcmd__help__subcmd__update_commands] )) ||
_x0bpf__subcmd__map__subcmd__help__subcmd__update_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf map help update commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__map__subcmd__lookup_commands] )) ||
_x0bpf__subcmd__map__subcmd__lookup_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf map lookup commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__map__subcmd__peek_commands] )) ||
_x0bpf__subcmd__map__subcmd__peek_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf map peek commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__map__subcmd__pop_commands] )) ||
_x0bpf__subcmd__map__subcmd__pop_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf map pop commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__map__subcmd__push_commands] )) ||
_x0bpf__subcmd__map__subcmd__push_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf map push commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__map__subcmd__show_commands] )) ||
_x0bpf__subcmd__map__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf map show commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__map__subcmd__update_commands] )) ||
_x0bpf__subcmd__map__subcmd__update_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf map update commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__net_commands] )) ||
_x0bpf__subcmd__net_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf net commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__objects_commands] )) ||
_x0bpf__subcmd__objects_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf objects commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__stats_commands] )) ||
_x0bpf__subcmd__stats_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf stats commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__syscalls_commands] )) ||
_x0bpf__subcmd__syscalls_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf syscalls commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__tail_commands] )) ||
_x0bpf__subcmd__tail_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf tail commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__unload_commands] )) ||
_x0bpf__subcmd__unload_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf unload commands' commands "$@"
}
(( $+functions[_x0bpf__subcmd__validate_commands] )) ||
_x0bpf__subcmd__validate_commands() {
    local commands; commands=()
    _describe -t commands 'x0bpf validate commands' commands "$@"
}

if [ "$funcstack[1]" = "_x0bpf" ]; then
    _x0bpf "$@"
else
    compdef _x0bpf x0bpf
fi
