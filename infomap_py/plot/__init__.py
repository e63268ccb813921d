"""Pictures of Infomap results, drawn with matplotlib (the ``plot`` extra).

Every function returns the matplotlib Axes it drew on, so the picture can
be styled further, and never calls ``plt.show()``: it works headless with
the Agg backend.

* :func:`network`: the graph, nodes coloured by module and sized by flow;
  for a state (memory, multilayer) network, its physical nodes, those in
  several modules as pies of their module shares.
* :func:`module_map`: the coarse-grained map, one circle per module.
* :func:`alluvial`: how nodes flow between the modules of partitions, or
  (``by="layer"``) between the layers of a multilayer result.
* :func:`tree`: the module hierarchy as an icicle or a sunburst.
* :func:`codelength`: the codelength of every trial and of every level.
* :func:`embedding`: points at 2-D coordinates (a projection of the data
  :func:`~infomap_py.cluster_points` clustered), coloured by module.
"""

from ._alluvial import alluvial
from ._common import OTHER_COLOR, PALETTE, module_colors, require_matplotlib
from ._embedding import embedding
from ._module_map import module_map
from ._network import network
from ._tree import codelength, tree

require_matplotlib()

__all__ = [
    "OTHER_COLOR",
    "PALETTE",
    "alluvial",
    "codelength",
    "embedding",
    "module_colors",
    "module_map",
    "network",
    "tree",
]
