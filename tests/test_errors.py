"""The error taxonomy: one base class, ValueError kept, the CLI naming the right file."""

import pickle

import networkx as nx
import pytest

import infomap_py
from infomap_py.cli import main
from infomap_py.errors import (
    InfomapArgumentError,
    InfomapPyError,
    InputFormatError,
    NotAPartitionError,
    OutputError,
)


@pytest.mark.parametrize("cls", [InputFormatError, NotAPartitionError, InfomapArgumentError])
def test_value_errors_keep_their_builtin_base(cls):
    assert issubclass(cls, InfomapPyError)
    assert issubclass(cls, ValueError)
    assert issubclass(OutputError, InfomapPyError) and issubclass(OutputError, OSError)


def test_an_argument_out_of_range_is_an_argument_error():
    with pytest.raises(InfomapArgumentError, match=r"teleportation must be in \(0, 1\)"):
        infomap_py.cluster(nx.path_graph(4), teleportation=1.5)
    with pytest.raises(ValueError):  # as before
        infomap_py.cluster(nx.path_graph(4), trials=0)


@pytest.mark.parametrize("partition", [
    {0: 0, 1: 0, 2: 1},                      # node 3 has no module
    [{0, 1}, {2, 3, 99}],                    # 99 is not a node
    [{0, 1}, {1, 2, 3}],                     # node 1 twice
    [0, 0, 1],                               # 3 labels for 4 nodes
    {0: (1, 1), 1: (1, 2), 2: (2, 1)},       # a tree without node 3
    [(1, 1), (1, 2), (), (2, 1)],            # an empty path
])
def test_a_partition_that_does_not_fit_is_not_a_partition(partition):
    G = nx.path_graph(4)
    with pytest.raises(NotAPartitionError):
        infomap_py.codelength(G, partition)
    values = partition.values() if isinstance(partition, dict) else partition
    if not any(isinstance(v, tuple) for v in values):  # cluster starts from flat partitions
        with pytest.raises(NotAPartitionError):
            infomap_py.cluster(G, initial_partition=partition)


def test_errors_survive_pickling():
    for err in (NotAPartitionError("no module for node 3", source="given.clu"),
                InputFormatError("net.txt", 2, "bad"), InfomapArgumentError("x must be > 0")):
        again = pickle.loads(pickle.dumps(err))
        assert type(again) is type(err) and str(again) == str(err)


def test_cli_names_the_partition_file_not_the_network(tmp_path, capsys):
    net = tmp_path / "net.txt"
    net.write_text("1 2\n2 3\n3 1\n3 4\n4 5\n5 6\n6 4\n")
    clu = tmp_path / "bad.clu"
    clu.write_text("*Vertices 6\n1 99999999999999999999\n2 1\n")
    assert main([str(net), str(tmp_path / "out"), "-c", str(clu), "--silent"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"infomap-py: error: {clu}: module 99999999999999999999 of node 1")
    assert str(net) not in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_cli_names_a_json_networks_paths_for_its_partition(tmp_path, capsys):
    import json

    edges = [(1, 2), (2, 3), (3, 1), (4, 5), (5, 6), (6, 4), (1, 4)]
    nodes = [{"id": i, "path": [2**63 - 1 if i == 1 else 1, i]} for i in range(1, 6)]
    nodes.append({"id": 6})  # without a path: a module of its own, after the largest
    net = tmp_path / "net.json"
    net.write_text(json.dumps({"format": "infomap-network", "version": "1.0", "nodes": nodes,
                               "edges": [{"source": s, "target": t} for s, t in edges]}))
    assert main([str(net), str(tmp_path / "out"), "--silent"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"infomap-py: error: {net} (its node paths): module "
                          f"{2**63 - 1} of node 1 is too large")


def test_cli_names_no_file_for_a_partition_error_without_a_partition():
    from infomap_py.cli import _partition_from

    with pytest.raises(NotAPartitionError) as caught, _partition_from(None):
        raise NotAPartitionError("partition has 3 labels for 4 nodes")
    assert str(caught.value) == "partition has 3 labels for 4 nodes"
    with pytest.raises(NotAPartitionError, match="^given.clu: partition has 3"), \
            _partition_from("given.clu"):
        raise NotAPartitionError("partition has 3 labels for 4 nodes")


@pytest.mark.parametrize("partition", [
    {0: 0, 1: 0, 2: 1}, [{0, 1}, {2, 3, 99}], [{0, 1}, {1, 2, 3}], [{0, 1}, {2}], [0, 0, 1],
])
def test_partitions_are_checked_beside_the_other_arguments(partition):
    from infomap_py._validate import check_partition, check_partition_tree
    from infomap_py.result import partition_labels

    with pytest.raises(NotAPartitionError):
        check_partition(partition, [0, 1, 2, 3])
    with pytest.raises(NotAPartitionError):
        check_partition_tree(partition, [0, 1, 2, 3])
    with pytest.raises(NotAPartitionError):  # the plots' name for it
        partition_labels(partition, [0, 1, 2, 3])
    with pytest.raises(TypeError, match="partition must be"):
        check_partition("0011", [0, 1, 2, 3])
