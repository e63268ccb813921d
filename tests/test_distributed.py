"""infomap_py.distributed: trials and many networks on a local Dask cluster.

The cluster is started here (two worker processes, one thread each) and shut
down when the module's tests end; every result is compared with the local
``infomap_py.cluster`` for the same seed.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import infomap_py
from infomap_py import cli
from infomap_py.errors import InfomapArgumentError, InputFormatError

distributed = pytest.importorskip("distributed")
from infomap_py import distributed as ipd  # noqa: E402


def test_without_a_client_the_error_says_how_to_make_one():
    # First in the module: no client exists yet in this process.
    assert distributed.client._get_global_client() is None
    with pytest.raises(InfomapArgumentError, match="no Dask client: pass client="):
        ipd.cluster(nx.path_graph(4))


def write_link_list(path, G):
    path.write_text("".join(f"{u} {v}\n" for u, v in G.edges))
    return str(path)


def tree_lines(path):
    """The tree file without its header (command line, times)."""
    return [line for line in path.read_text().splitlines() if not line.startswith("#")]


def test_cli_with_scheduler_local_writes_the_tree_of_the_local_run(tmp_path):
    # Before the module's cluster starts: this run starts a local cluster of its own.
    net = write_link_list(tmp_path / "net.txt", GRAPHS["gnp"])
    assert cli.main([net, str(tmp_path / "here"), "-N", "5", "-s", "7", "--silent"]) == 0
    assert cli.main([net, str(tmp_path / "dask"), "-N", "5", "-s", "7", "--silent",
                     "--scheduler", "local"]) == 0
    expected = tree_lines(tmp_path / "here" / "net.tree")
    assert len(expected) == GRAPHS["gnp"].number_of_nodes()
    assert tree_lines(tmp_path / "dask" / "net.tree") == expected


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    # dashboard_address=":0": any free port, so that clusters may run side by side.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0",
                                  local_directory=str(tmp_path_factory.mktemp("dask"))
                                  ) as local_cluster:
        with distributed.Client(local_cluster) as dask_client:
            yield dask_client


# Trials that find different codelengths (les_miserables: a tie between
# trials 1 and 4 of seed 5, so the tie rule counts).
GRAPHS = {"lesmis": nx.les_miserables_graph(), "gnp": nx.gnp_random_graph(40, 0.1, seed=3)}


def assert_same_result(got, expected):
    assert got.nodes == expected.nodes
    np.testing.assert_array_equal(got.labels, expected.labels)
    assert got.codelength == expected.codelength
    assert got.index_codelength == expected.index_codelength
    np.testing.assert_array_equal(got.trial_codelengths, expected.trial_codelengths)
    assert got.paths == expected.paths
    assert got.params == expected.params
    assert got.seed == expected.seed


@pytest.mark.parametrize("name", sorted(GRAPHS))
@pytest.mark.parametrize(("trials", "seed", "options"), [
    (1, 123, {}), (6, 5, {}), (5, 11, {"two_level": True}), (4, 2, {"trial_offset": 3})])
def test_trials_on_dask_equal_the_local_run(client, name, trials, seed, options):
    G = GRAPHS[name]
    expected = infomap_py.cluster(G, trials=trials, seed=seed, **options)
    got = ipd.cluster(G, trials=trials, seed=seed, client=client, **options)
    assert_same_result(got, expected)


def test_every_trial_result_comes_back_with_print_all_trials(client):
    G = GRAPHS["lesmis"]
    expected = infomap_py.cluster(G, trials=4, seed=5, print_all_trials=True)
    got = ipd.cluster(G, trials=4, seed=5, print_all_trials=True, client=client)
    assert_same_result(got, expected)
    assert len(got.trial_results) == len(expected.trial_results) == 4
    for mine, theirs in zip(got.trial_results, expected.trial_results, strict=True):
        assert_same_result(mine, theirs)
        assert mine.seconds == theirs.seconds == 0.0


def test_a_bad_client_or_keyword_is_refused_before_anything_runs(client):
    G = nx.path_graph(4)
    with pytest.raises(TypeError, match="client must be a distributed.Client or None, got str"):
        ipd.cluster(G, client="tcp://127.0.0.1:1")
    with pytest.raises(TypeError, match="unexpected keyword argument 'trails'"):
        ipd.cluster(G, trails=3, client=client)
    with pytest.raises(TypeError, match="does not take 'verbose'"):
        ipd.cluster(G, verbose=True, client=client)
    with pytest.raises(InfomapArgumentError, match="trials must be"):
        ipd.cluster(G, trials=0, client=client)
    closed = distributed.Client(client.scheduler.address)
    closed.close()
    with pytest.raises(InfomapArgumentError, match="client is not connected"):
        ipd.cluster(G, client=closed)


def test_an_argument_out_of_range_raises_the_local_error(client):
    with pytest.raises(InfomapArgumentError, match=r"teleportation must be in \(0, 1\)"):
        ipd.cluster(nx.path_graph(4), teleportation=1.5, client=client)


@pytest.fixture(scope="module")
def many_graphs(tmp_path_factory):
    path = tmp_path_factory.mktemp("many") / "net.txt"
    path.write_text("".join(f"{u} {v}\n" for u, v in nx.karate_club_graph().edges))
    edges = np.array(list(nx.gnp_random_graph(30, 0.15, seed=1).edges))
    return [nx.karate_club_graph(), edges, edges.tolist(), str(path), GRAPHS["gnp"]]


def test_cluster_many_returns_the_local_results_in_input_order(client, many_graphs):
    got = ipd.cluster_many(many_graphs, client=client, trials=3, seed=9)
    assert len(got) == len(many_graphs)
    for graph, result in zip(many_graphs, got, strict=True):
        if isinstance(graph, str):
            graph = infomap_py.read_network(graph)
        assert_same_result(result, infomap_py.cluster(graph, trials=3, seed=9))


def test_cluster_many_of_no_graphs_is_an_empty_list(client):
    assert ipd.cluster_many([], client) == []


def test_cluster_many_as_completed_yields_each_graph_once_as_it_ends(client):
    # The first graph takes far longer than the small ones after it, which
    # end on the other worker first.
    slow = nx.planted_partition_graph(20, 100, 0.1, 0.005, seed=4)
    small = [nx.gnp_random_graph(20, 0.2, seed=s) for s in range(4)]
    order = [i for i, _ in ipd.cluster_many_as_completed([slow, *small], client, trials=8)]
    assert sorted(order) == list(range(5))
    assert order[0] != 0


def test_cluster_many_names_the_graph_that_failed(client, tmp_path):
    with pytest.raises(Exception, match="no-such-file") as failure:
        ipd.cluster_many([nx.path_graph(3), str(tmp_path / "no-such-file.txt")], client)
    assert "while clustering graphs[1]" in getattr(failure.value, "__notes__", [])


def test_cli_runs_on_a_scheduler_address(client, tmp_path):
    net = write_link_list(tmp_path / "net.txt", GRAPHS["lesmis"])
    common = [net, "-N", "6", "-s", "5", "-2", "--clu", "--silent"]
    assert cli.main([common[0], str(tmp_path / "here"), *common[1:]]) == 0
    assert cli.main([common[0], str(tmp_path / "dask"), *common[1:],
                     "--scheduler", client.scheduler.address]) == 0
    assert tree_lines(tmp_path / "dask" / "net.clu") == tree_lines(tmp_path / "here" / "net.clu")


@pytest.mark.parametrize(("address", "message"), [
    ("nonsense", "cannot connect to 'nonsense': missing port number"),
    ("foo://127.0.0.1:1", "cannot connect to 'foo://127.0.0.1:1': unknown address scheme")])
def test_cli_with_a_bad_scheduler_fails_in_one_line_and_writes_nothing(
        tmp_path, capsys, address, message):
    # (An address where nobody listens fails the same way after SCHEDULER_TIMEOUT
    # seconds: too slow for the suite.)
    net = write_link_list(tmp_path / "net.txt", nx.path_graph(4))
    out = tmp_path / "out"
    assert cli.main([net, str(out), "--scheduler", address]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"infomap-py: error: argument --scheduler: {message}")
    assert err.count("\n") == 1
    assert not out.exists()


def test_cli_refuses_scheduler_with_converge(tmp_path, capsys):
    net = write_link_list(tmp_path / "net.txt", nx.path_graph(4))
    assert cli.main([net, str(tmp_path / "out"), "--converge", "--scheduler", "local"]) == 2
    assert "--scheduler: cannot be combined with --converge" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# --- cluster_sharded: a graph split into shards ---------------------------------------------

# Six planted groups of 40 nodes: every shard sees links to every group.
PLANTED = nx.planted_partition_graph(6, 40, 0.3, 0.01, seed=4)
PLANTED_EDGES = np.array(sorted(PLANTED.edges), dtype=np.int64)
PLANTED_GROUPS = np.repeat(np.arange(6), 40)


@pytest.fixture(scope="module")
def sharded(client):
    """The sharded result of the planted graph from an edge array (2 shards;
    at most 5 rounds a level, to keep the test cheap)."""
    return ipd.cluster_sharded(PLANTED_EDGES, client, num_shards=2, seed=7, two_level=True,
                               max_rounds=5)


def test_sharded_codes_the_planted_graph_as_one_machine_does(sharded):
    from sklearn.metrics import normalized_mutual_info_score

    local = infomap_py.cluster(PLANTED_EDGES, seed=7, two_level=True)
    assert sharded.codelength <= local.codelength * 1.01
    np.testing.assert_array_equal(sharded.nodes, np.arange(240))
    assert normalized_mutual_info_score(PLANTED_GROUPS, sharded.labels) >= 0.99
    # The codelength is that of the labels on the original network.
    scored = infomap_py.codelength(PLANTED_EDGES, sharded.as_dict())
    assert sharded.codelength == pytest.approx(float(scored), rel=1e-9)
    # The rounds moved nodes and sent messages between the shards.
    assert sharded.rounds[0]["modules"] == 240
    assert sum(r["moved"] for r in sharded.rounds) > 240 / 2
    assert all(r["bytes"] > 0 for r in sharded.rounds)


def _same_sharded(got, expected):
    np.testing.assert_array_equal(got.nodes, expected.nodes)
    np.testing.assert_array_equal(got.labels, expected.labels)
    assert got.codelength == expected.codelength


@pytest.mark.parametrize("form", ["dask", "parquet", "link-list"])
def test_sharded_input_forms_give_the_same_result(client, sharded, tmp_path, form):
    import dask.dataframe as dd
    import pandas as pd

    # Reversed and cut into three partitions: the shards sort their links.
    frame = pd.DataFrame({"source": PLANTED_EDGES[::-1, 1], "target": PLANTED_EDGES[::-1, 0]})
    edges = dd.from_pandas(frame, npartitions=3)
    if form == "parquet":
        edges.to_parquet(tmp_path / "net.parquet")
        edges = str(tmp_path / "net.parquet")
    elif form == "link-list":
        half = len(frame) // 2
        for i, part in enumerate((frame[:half], frame[half:])):
            (tmp_path / f"net{i}.txt").write_text(
                "# source target\n" + "".join(f"{u} {v} 1\n" for u, v in part.to_numpy()))
        edges = str(tmp_path / "net*.txt")
    got = ipd.cluster_sharded(edges, client, num_shards=2, seed=7, two_level=True,
                              max_rounds=5)
    _same_sharded(got, sharded)


@pytest.mark.parametrize(("edges", "options", "error", "message"), [
    (PLANTED_EDGES, {"directed": True}, InfomapArgumentError, "directed=True"),
    (PLANTED_EDGES, {"num_shards": 0}, InfomapArgumentError, "num_shards must be >= 1"),
    (PLANTED_EDGES, {"markov_time": 2.0}, TypeError, "does not support 'markov_time'"),
    (PLANTED_EDGES, {"sharding": "random"}, InfomapArgumentError, "sharding must be"),
    (np.zeros((0, 2), dtype=np.int64), {}, InputFormatError, "expected a Dask DataFrame"),
    (PLANTED_EDGES - 5, {}, InputFormatError, "edges: column 'source' has a negative node"),
    ("missing-columns", {}, InputFormatError, "edges: no column 'target'"),
    ("no-such-net.txt", {}, InputFormatError,
     r"no-such-net.txt: cannot be read as a link list \(source target \[weight\] per line\)"),
])
def test_sharded_refuses_bad_input_naming_it(client, edges, options, error, message):
    if isinstance(edges, str) and edges == "missing-columns":
        import pandas as pd

        edges = pd.DataFrame({"source": [0, 1], "to": [1, 2]})
    with pytest.raises(error, match=message):
        ipd.cluster_sharded(edges, client, **{"num_shards": 2, **options})


def test_sharded_names_the_line_of_a_bad_link_beyond_dasks_sample(client, tmp_path):
    """Dask reads a sample of a link list up front; a bad line after it fails
    on a worker, in pandas, and is reported with its file and line."""
    lines = [f"{u} {v}" for u, v in np.tile(PLANTED_EDGES, (40, 1))]  # > 256 kB
    bad = len(lines) - 10
    lines[bad] = "17 eighteen"
    path = tmp_path / "links.txt"
    path.write_text("\n".join(lines) + "\n")
    assert path.stat().st_size > 256_000
    with pytest.raises(InputFormatError, match=rf"links.txt:{bad + 1}: .*'17 eighteen'"):
        ipd.cluster_sharded(str(path), client, num_shards=2)


def test_cli_shards_writes_the_top_modules(client, tmp_path):
    net = tmp_path / "net.txt"
    net.write_text("".join(f"{u} {v}\n" for u, v in PLANTED_EDGES))
    assert cli.main([str(net), str(tmp_path / "out"), "-2", "-s", "7", "--silent",
                     "--scheduler", client.scheduler.address, "--shards", "2"]) == 0
    lines = (tmp_path / "out" / "net.clu").read_text().splitlines()
    assert lines[1] == "# node_id module"
    pairs = np.array([line.split() for line in lines[2:]], dtype=np.int64)
    np.testing.assert_array_equal(pairs[:, 0], np.arange(240))
    from sklearn.metrics import normalized_mutual_info_score

    assert normalized_mutual_info_score(PLANTED_GROUPS, pairs[:, 1]) >= 0.99


@pytest.mark.parametrize(("extra", "message"), [
    (["--shards", "2"], "--shards: needs --scheduler"),
    (["--scheduler", "local", "--shards", "0"], "--shards: must be >= 1, got 0"),
    (["--scheduler", "local", "--shards", "2", "-d"],
     "--shards: cannot be combined with -d/--directed"),
    (["--scheduler", "local", "--shards", "2", "--markov-time", "2"],
     "--shards: cannot be combined with --markov-time"),
])
def test_cli_shards_refuses_what_it_cannot_do(tmp_path, capsys, extra, message):
    net = write_link_list(tmp_path / "net.txt", nx.path_graph(4))
    assert cli.main([net, str(tmp_path / "out"), *extra]) == 2
    err = capsys.readouterr().err
    assert f"infomap-py: error: argument {message}" in err
    assert not (tmp_path / "out").exists()
