"""Reading and writing files in the official Infomap's formats.

Networks (link list, Pajek), partitions (.clu, .tree, .ftree) and results
(.clu, .tree, .ftree, .json, .csv).

Gzipped files and standard input (``"-"``) are read transparently; every
write is atomic (a temporary file renamed into place).
"""

from .partitions import read_partition, read_tree
from .readers import read_network
from .writers import write_clu, write_csv, write_ftree, write_json, write_tree

__all__ = [
    "read_network",
    "read_partition",
    "read_tree",
    "write_clu",
    "write_csv",
    "write_ftree",
    "write_json",
    "write_tree",
]
