"""Adapters between infomap-py and other graph libraries.

One module per library, each importing its library only when one of its
functions runs (never at ``import infomap_py``): :mod:`.networkx`
(networkx-shaped functions, ``InfomapResult.to_networkx``), :mod:`.igraph`
(``igraph.Graph`` in, ``VertexClustering`` out), :mod:`.pandas` (DataFrame
edge lists in, a DataFrame of nodes out), :mod:`.torch` (an
``edge_index`` tensor in) and :mod:`.cdlib` (a CDlib ``NodeClustering``
out).
"""

import importlib
import sys
from typing import Any


def is_loaded_instance(obj: Any, module: str, class_name: str) -> bool:
    """Whether ``obj`` is a ``module.class_name``, without importing
    ``module``: an object can be one only once its library is loaded."""
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(obj, getattr(loaded, class_name))


def import_optional(module: str, extra: str, distribution: str | None = None) -> Any:
    """Import the optional library ``module``, or raise an ``ImportError``
    that says how to install it (``pip install 'infomap-py[extra]'``)."""
    try:
        return importlib.import_module(module)
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(f"this needs {distribution or module}: "
                          f"pip install 'infomap-py[{extra}]'") from None
