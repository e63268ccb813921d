"""Reading and writing files in the official Infomap's formats.

Networks (link list, Pajek, with the higher-order sections *States,
*Multilayer/*Intra/*Inter and *Bipartite; state networks are also written),
partitions (.clu, .tree, .ftree) and results
(.clu, .tree, .ftree, .json, .csv).

Gzipped files and standard input (``"-"``) are read transparently; every
write is atomic (a temporary file renamed into place).
"""

from .partitions import read_partition, read_tree
from .readers import read_network
from .writers import (
    write_clu,
    write_csv,
    write_ftree,
    write_json,
    write_state_network,
    write_tree,
)

__all__ = [
    "read_network",
    "read_partition",
    "read_tree",
    "write_clu",
    "write_csv",
    "write_ftree",
    "write_json",
    "write_state_network",
    "write_tree",
]
