#!/usr/bin/env python3
"""Read `x0bpf flows --graph` from stdin and print, per window, the node and edge counts and
the top talkers. Standard library only: proof that the stream (docs/JSON.md, "flows --graph")
is consumable without x0bpf's code.

It builds what a graph-learning library wants: `edge_index` (2 x E node indexes, the shape
PyTorch Geometric's `Data(x=..., edge_index=...)` takes for GraphSAGE), a node feature matrix
`x` (N x 7) and an edge feature matrix (E x 5), and checks their shapes.

    x0bpf flows --graph --dev eth0 | python3 examples/graph_consumer.py [--top K]

Output, one block per window:
    window 3 nodes 12 edges 15 nodes_left_out 0 edges_left_out 0 edge_index 2x15 x 12x7
      top 10.0.0.1 bytes 123456 peers 4
    ...
    end windows 10 reason count
"""
import json
import signal
import sys

NODE_FEATURES = ("packets_in", "bytes_in", "packets_out", "bytes_out", "peers", "ports", "flows")
EDGE_FEATURES = ("packets_fwd", "bytes_fwd", "packets_rev", "bytes_rev", "ip_protocol")


class Bad(Exception):
    """The input is not a flows --graph stream: one line on stderr, exit 1."""


def count(v, what):
    # Feature values are counts: integers (JSON true/false are not).
    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
        raise ValueError(f"{what} is {v!r}, not a count")
    return v


def window(rec, top):
    nodes = rec["nodes"]
    edges = rec["edges"]
    if not isinstance(nodes, list) or not isinstance(edges, list):
        raise ValueError("nodes and edges must be lists")
    n = len(nodes)
    # Node indexes are positions in `nodes`: the feature matrix rows line up with them.
    for i, node in enumerate(nodes):
        if node["index"] != i:
            raise ValueError(f"window {rec['window']}: node {i} has index {node['index']}")
    x = [[count(node[f], f) for f in NODE_FEATURES] for node in nodes]
    edge_index = [[count(e["src"], "src") for e in edges], [count(e["dst"], "dst") for e in edges]]
    edge_attr = [[count(e[f], f) for f in EDGE_FEATURES] for e in edges]
    for row in edge_index:
        for i in row:
            if not 0 <= i < n:
                raise ValueError(f"window {rec['window']}: edge to node {i} of {n}")
    print(
        f"window {rec['window']} nodes {n} edges {len(edges)}"
        f" nodes_left_out {rec['nodes_left_out']} edges_left_out {rec['edges_left_out']}"
        f" edge_index {len(edge_index)}x{len(edge_index[0])}"
        f" x {len(x)}x{len(NODE_FEATURES)} edge_attr {len(edge_attr)}x{len(EDGE_FEATURES)}"
    )
    talkers = sorted(nodes, key=lambda v: (-(v["bytes_in"] + v["bytes_out"]), v["index"]))
    for node in talkers[:top]:
        print(
            f"  top {node['addr']} bytes {node['bytes_in'] + node['bytes_out']}"
            f" peers {node['peers']}"
        )


def read(stream, top):
    """Windows and the summary's reason; raises Bad for anything that is not the stream."""
    windows = 0
    reason = None
    header = False
    lineno = 0
    for lineno, raw in enumerate(stream, 1):
        try:
            line = raw.decode("utf-8").strip()
        except UnicodeDecodeError as e:
            raise Bad(f"line {lineno} is not UTF-8 ({e.reason})")
        if not line:
            continue
        if reason is not None:
            raise Bad(f"line {lineno} follows the summary line")
        try:
            rec = json.loads(line)
        except (ValueError, RecursionError) as e:
            raise Bad(f"line {lineno} is not JSON (cut short?): {e}")
        if not isinstance(rec, dict):
            raise Bad(f"line {lineno} is not a JSON object")
        if "header" in rec:
            h = rec["header"]
            if header or rec.get("command") != "flows" or not isinstance(h, dict) \
                    or h.get("records") != "windows":
                raise Bad(f"line {lineno} is not a flows --graph header: {line[:200]}")
            header = True
            continue
        if not header:
            raise Bad(f"line {lineno} comes before the stream's header (not a flows --graph stream?)")
        if "summary" in rec:
            s = rec["summary"]
            if not isinstance(s, dict) or not isinstance(s.get("reason"), str):
                raise Bad(f"line {lineno} is not a summary line: {line[:200]}")
            reason = s["reason"]
            continue
        try:
            window(rec, top)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as e:
            raise Bad(f"line {lineno} is not a graph window ({e!r})")
        windows += 1
    if not header:
        raise Bad("no input: expected `x0bpf flows --graph` on stdin")
    if reason is None:
        raise Bad(f"the stream ended at line {lineno} without its summary line (cut short?)")
    return windows, reason


def main():
    top = 3
    args = sys.argv[1:]
    if args:
        if len(args) != 2 or args[0] != "--top" or not (args[1].isascii() and args[1].isdigit()):
            print("usage: graph_consumer.py [--top K]", file=sys.stderr)
            return 2
        top = int(args[1])
    if not sys.stdin.isatty():
        # In `x0bpf flows --graph | graph_consumer.py`, Ctrl-C reaches both: x0bpf ends its
        # stream with a summary line, which this reads to the end.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        windows, reason = read(sys.stdin.buffer, top)
    except Bad as e:
        print(f"graph_consumer: {e}", file=sys.stderr)
        return 1
    print(f"end windows {windows} reason {reason}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        # The reader of our stdout went away (`| head`): nothing more to say.
        sys.stdout = None
        sys.exit(0)
    except KeyboardInterrupt:
        print("graph_consumer: interrupted", file=sys.stderr)
        sys.exit(130)
