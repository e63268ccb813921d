"""Cluster a link-list file (``source target [weight]`` per line) and print the modules.

Usage: python examples/quickstart.py examples/karate.txt
"""

import sys

import numpy as np

import infomap_py


def main(path: str) -> None:
    edges = np.loadtxt(path, comments="#", ndmin=2)
    result = infomap_py.cluster(edges.astype(np.int64) if edges.shape[1] == 2 else edges, trials=10)
    print(result)
    print(f"codelength {result.codelength:.6f} bits = index {result.index_codelength:.6f}"
          f" + modules {result.module_codelength:.6f}; one level {result.one_level_codelength:.6f}")
    for module, members in enumerate(result.modules):
        print(f"module {module} (flow {result.module_flow[module]:.3f}): {sorted(members)}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "examples/karate.txt")
