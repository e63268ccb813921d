"""infomap-py: community detection with the map equation.

>>> import networkx as nx
>>> import infomap_py
>>> infomap_py.cluster(nx.barbell_graph(5, 0)).num_modules
2
"""

from .adapters.networkx import infomap_communities, map_equation, set_module_attributes
from .api import cluster, codelength, compute_flow, evaluate
from .network import Network
from .result import Codelength, InfomapResult
from .tree import ModuleTree

__version__ = "0.1.0"


def __getattr__(name: str):
    """Import :mod:`infomap_py.plot` on first use, so that ``import infomap_py``
    does not import matplotlib."""
    if name == "plot":
        import importlib

        return importlib.import_module(".plot", __name__)
    raise AttributeError(f"module 'infomap_py' has no attribute {name!r}")

__all__ = [
    "Codelength",
    "InfomapResult",
    "ModuleTree",
    "Network",
    "cluster",
    "codelength",
    "compute_flow",
    "evaluate",
    "infomap_communities",
    "map_equation",
    "set_module_attributes",
    "__version__",
]
