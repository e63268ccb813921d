"""Reading and writing files in the official Infomap's formats.

Networks (link list, Pajek, with the higher-order sections ``*States``,
``*Multilayer``/``*Intra``/``*Inter`` and ``*Bipartite``; state networks are also written),
partitions (.clu, .tree, .ftree) and results
(.clu, .tree, .ftree, .json, .csv, .nwk); networks as Pajek files, with
their weights or their flow.

Gzipped files and standard input (``"-"``) are read transparently; every
write is atomic (a temporary file renamed into place).
"""

from ._fingerprint import InputFingerprint, config_fingerprint, input_fingerprint
from .partitions import read_meta_data, read_partition, read_tree
from .readers import read_network
from .writers import (
    RunInfo,
    write_clu,
    write_csv,
    write_flow_network,
    write_ftree,
    write_json,
    write_newick,
    write_pajek_network,
    write_state_network,
    write_tree,
)

__all__ = [
    "InputFingerprint",
    "RunInfo",
    "config_fingerprint",
    "input_fingerprint",
    "read_network",
    "read_meta_data",
    "read_partition",
    "read_tree",
    "write_clu",
    "write_csv",
    "write_flow_network",
    "write_ftree",
    "write_json",
    "write_newick",
    "write_pajek_network",
    "write_state_network",
    "write_tree",
]
