"""Adapters between infomap-py and other graph libraries.

One module per library, each importing its library only when one of its
functions runs (never at ``import infomap_py``): :mod:`.networkx`
(networkx-shaped functions, ``InfomapResult.to_networkx``), :mod:`.igraph`
(``igraph.Graph`` in, ``VertexClustering`` out), :mod:`.pandas` (DataFrame
edge lists in, a DataFrame of nodes out) and :mod:`.torch` (an
``edge_index`` tensor in).
"""
