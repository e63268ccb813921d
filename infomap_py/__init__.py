"""infomap-py: community detection with the map equation.

>>> import networkx as nx
>>> import infomap_py
>>> infomap_py.cluster(nx.barbell_graph(5, 0)).num_modules
2
"""

from typing import TYPE_CHECKING

from .adapters.networkx import infomap_communities, map_equation, set_module_attributes
from .api import cluster, codelength, compute_flow, evaluate
from .multilayer import MultilayerNetwork
from .network import Network, StateNetwork
from .result import Codelength, InfomapResult
from .tree import ModuleTree

if TYPE_CHECKING:  # imported on first use, by __getattr__ below
    from .points import InfomapClustering, cluster_points

__version__ = "0.1.0"


#: Names imported on first use, so that ``import infomap_py`` stays light:
#: ``plot`` imports matplotlib, ``distributed`` Dask (on its first call),
#: ``tl`` (scanpy-style single-cell clustering) and ``graphrag`` (GraphRAG
#: community tables) pandas on their first call; the clustering of points
#: (:mod:`infomap_py.points`) imports scikit-learn; the readers are those of
#: :mod:`infomap_py.io`.
_LAZY = {"plot": None, "distributed": None, "tl": None, "graphrag": None,
         "read_network": ".io", "read_partition": ".io", "read_tree": ".io",
         "cluster_points": ".points", "InfomapClustering": ".points"}


def __getattr__(name: str):
    """Import :mod:`infomap_py.plot`, :mod:`infomap_py.distributed`, the
    file readers and the clustering of points on first use."""
    if name in _LAZY:
        import importlib

        if _LAZY[name] is None:
            return importlib.import_module(f".{name}", __name__)
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module 'infomap_py' has no attribute {name!r}")

__all__ = [
    "Codelength",
    "InfomapClustering",
    "InfomapResult",
    "ModuleTree",
    "MultilayerNetwork",
    "Network",
    "StateNetwork",
    "cluster",
    "cluster_points",
    "codelength",
    "compute_flow",
    "evaluate",
    "infomap_communities",
    "map_equation",
    "read_network",
    "read_partition",
    "read_tree",
    "set_module_attributes",
    "__version__",
]
