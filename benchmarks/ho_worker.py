"""Run one tool on one higher-order network file in this process, or score
a given tree with it, and write the measures as JSON.

    python -m benchmarks.ho_worker run TOOL FILE OUT_DIR [--trials 1] [--seed 1]
                                   [--two-level] [--directed]
    python -m benchmarks.ho_worker score TOOL FILE TREE OUT.json [--two-level] [--directed]

``TOOL`` is ``infomap-py`` or ``infomap`` (the official package, through its
Python API).  ``run`` searches and writes ``OUT_DIR/result.json`` and the
state-level tree ``OUT_DIR/states.tree`` (a plain tree for a bipartite
network); ``score`` only scores ``TREE`` (a state-level ``.tree`` of either
package) on the network, without searching.  Run by the higher-order suite
in a fresh subprocess per (entry, tool), so that the peak memory
(``VmHWM``) is this tool's.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
import warnings
from pathlib import Path

from benchmarks.worker import vm_hwm_bytes


def _our_network(path: str, directed: bool):
    """The network of ``path`` as the infomap-py CLI builds it, and the flow
    model: a multilayer file is expanded with the default relax rate, and
    its relaxed walk is coded as directed (as the official does)."""
    import infomap_py
    from infomap_py.multilayer import MultilayerNetwork

    network = infomap_py.read_network(path, directed=True if directed else None)
    flow_model = "directed" if directed else "undirected"
    if isinstance(network, MultilayerNetwork):
        network = network.to_state_network()
        if network.directed:
            flow_model = "directed"
    return network, flow_model


def _is_states(network) -> bool:
    from infomap_py import StateNetwork

    return isinstance(network, StateNetwork)


def run_ours(path: str, out_dir: Path, trials: int, seed: int, two_level: bool,
             directed: bool) -> dict:
    """Cluster with infomap-py; write the state-level tree."""
    import infomap_py
    from infomap_py.io import write_tree

    start = time.perf_counter()
    network, flow_model = _our_network(path, directed)
    built = time.perf_counter()
    result = infomap_py.cluster(network, trials=trials, seed=seed, two_level=two_level,
                                flow_model=flow_model)
    done = time.perf_counter()
    states = _is_states(network)
    write_tree(result, out_dir / "states.tree", **({"states": True} if states else {}))
    return {"build_seconds": built - start, "run_seconds": done - built,
            "codelength": float(result.codelength), "num_levels": int(result.num_levels),
            "num_top_modules": int(result.num_modules), "states": states}


def _official(path: str, two_level: bool, directed: bool, **options):
    import infomap

    im = infomap.Infomap(silent=True, two_level=two_level, directed=directed, **options)
    im.read_file(path)
    return im


def run_official(path: str, out_dir: Path, trials: int, seed: int, two_level: bool,
                 directed: bool) -> dict:
    """Cluster with the official package; write the state-level tree."""
    start = time.perf_counter()
    im = _official(path, two_level, directed, num_trials=trials, seed=seed)
    built = time.perf_counter()
    im.run()
    done = time.perf_counter()
    states = im.have_memory
    im.write_tree(str(out_dir / "states.tree"), states=states)
    return {"build_seconds": built - start, "run_seconds": done - built,
            "codelength": float(im.codelength), "num_levels": int(im.num_levels),
            "num_top_modules": int(im.num_top_modules), "states": bool(states)}


def score_ours(path: str, tree: str, two_level: bool, directed: bool) -> float:
    """infomap-py's codelength of the tree ``tree`` (state ids as in the file)."""
    import infomap_py

    network, flow_model = _our_network(path, directed)
    return float(infomap_py.codelength(network, infomap_py.read_tree(tree),
                                       flow_model=flow_model))


def score_official(path: str, tree: str, two_level: bool, directed: bool) -> float:
    """The official package's codelength of ``tree`` (``-c TREE --no-infomap``)."""
    im = _official(path, two_level, directed, cluster_data=tree, no_infomap=True)
    im.run()
    return float(im.codelength)


RUN = {"infomap-py": run_ours, "infomap": run_official}
SCORE = {"infomap-py": score_ours, "infomap": score_official}


def _arguments(argv) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run")
    run.add_argument("tool", choices=list(RUN))
    run.add_argument("file")
    run.add_argument("out_dir", type=Path)
    run.add_argument("--trials", type=int, default=1)
    run.add_argument("--seed", type=int, default=1)
    score = commands.add_parser("score")
    score.add_argument("tool", choices=list(SCORE))
    score.add_argument("file")
    score.add_argument("tree")
    score.add_argument("out", type=Path)
    for sub in (run, score):
        sub.add_argument("--two-level", action="store_true")
        sub.add_argument("--directed", action="store_true")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = _arguments(argv)
    start = time.perf_counter()
    out = args.out_dir / "result.json" if args.command == "run" else args.out
    record: dict = {"tool": args.tool}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the official package's deprecation notes
            if args.tool == "infomap":
                import infomap  # noqa: F401  (before the memory baseline)
            else:
                import infomap_py  # noqa: F401
            baseline = vm_hwm_bytes()
            if args.command == "run":
                args.out_dir.mkdir(parents=True, exist_ok=True)
                record.update(RUN[args.tool](args.file, args.out_dir, args.trials, args.seed,
                                             args.two_level, args.directed))
            else:
                record["codelength"] = SCORE[args.tool](args.file, args.tree, args.two_level,
                                                        args.directed)
        peak = vm_hwm_bytes()
        record.update(peak_bytes=peak, tool_peak_bytes=max(0, peak - baseline))
    except Exception as err:  # reported in the results, not a crash of the suite
        record.update(error=f"{type(err).__name__}: {err}",
                      traceback=traceback.format_exc(limit=4))
    record["process_seconds"] = time.perf_counter() - start
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record))
    return 0 if "error" not in record else 1


if __name__ == "__main__":
    sys.exit(main())
