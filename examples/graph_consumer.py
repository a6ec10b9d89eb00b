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
import sys

NODE_FEATURES = ("packets_in", "bytes_in", "packets_out", "bytes_out", "peers", "ports", "flows")
EDGE_FEATURES = ("packets_fwd", "bytes_fwd", "packets_rev", "bytes_rev", "ip_protocol")


def window(rec, top):
    nodes = rec["nodes"]
    edges = rec["edges"]
    n = len(nodes)
    # Node indexes are positions in `nodes`: the feature matrix rows line up with them.
    for i, node in enumerate(nodes):
        if node["index"] != i:
            raise ValueError(f"window {rec['window']}: node {i} has index {node['index']}")
    x = [[node[f] for f in NODE_FEATURES] for node in nodes]
    edge_index = [[e["src"] for e in edges], [e["dst"] for e in edges]]
    edge_attr = [[e[f] for f in EDGE_FEATURES] for e in edges]
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


def main():
    top = 3
    args = sys.argv[1:]
    if args:
        if len(args) != 2 or args[0] != "--top" or not args[1].isdigit():
            print("usage: graph_consumer.py [--top K]", file=sys.stderr)
            return 2
        top = int(args[1])
    windows = 0
    reason = None
    for lineno, line in enumerate(sys.stdin, 1):
        line = line.strip()
        if not line:
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            print(f"graph_consumer: line {lineno} is not JSON: {e}", file=sys.stderr)
            return 1
        if "header" in rec:
            if rec.get("command") != "flows" or rec["header"].get("records") != "windows":
                print(f"graph_consumer: line {lineno} is not a flows --graph header: {line}", file=sys.stderr)
                return 1
            continue
        if "summary" in rec:
            reason = rec["summary"]["reason"]
            continue
        try:
            window(rec, top)
        except (KeyError, TypeError, ValueError, IndexError) as e:
            print(f"graph_consumer: line {lineno} is not a graph window ({e!r})", file=sys.stderr)
            return 1
        windows += 1
    print(f"end windows {windows} reason {reason}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        sys.exit(0)
