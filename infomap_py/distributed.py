"""Infomap on a Dask cluster: the trials of one network, or many networks.

:func:`cluster` runs the trials of one network as Dask tasks, one trial a
task, and returns what the local :func:`infomap_py.cluster` returns for the
same seed (labels, tree and codelength equal).  :func:`cluster_many` clusters
many networks, one task each, and returns their results in input order;
:func:`cluster_many_as_completed` yields them as they finish.

Dask and its ``distributed`` scheduler are the ``dask`` extra
(``pip install 'infomap-py[dask]'``), imported on first use; the workers need
infomap-py installed too.  :func:`cluster_sharded` clusters a graph that does
not fit one worker: its nodes are split into shards, each worker moves the
nodes of its shards (the sharded core loop of :mod:`infomap_py._sharded`),
and only the network of the modules is clustered on one worker.
"""

from __future__ import annotations

import dataclasses
import inspect
import os
import time
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from ._validate import MAX_TRIALS, check_count, check_seed
from .errors import InfomapArgumentError
from .result import InfomapResult

#: Keywords of :func:`infomap_py.cluster` that report to the calling process
#: while it runs: on a worker they would print to its log, or call a copy
#: of the callback there.
_LOCAL_ONLY = ("verbose", "progress", "progress_bar")


def _distributed() -> Any:
    from .adapters import import_optional

    import_optional("dask", "dask", "dask[distributed]")
    return import_optional("distributed", "dask", "dask[distributed]")


def _client(client: Any) -> Any:
    """Return the Dask client to submit to: ``client``, or the default one."""
    distributed = _distributed()
    if client is None:
        try:
            return distributed.get_client()
        except ValueError:
            raise InfomapArgumentError(
                "no Dask client: pass client=distributed.Client(address), or create "
                "one first (distributed.Client(distributed.LocalCluster()))") from None
    if not isinstance(client, distributed.Client):
        raise TypeError(f"client must be a distributed.Client or None, got "
                        f"{type(client).__name__}")
    if client.status != "running":
        raise InfomapArgumentError(f"client is not connected (status {client.status!r}): "
                                   f"pass a running distributed.Client")
    return client


def _cluster_keywords() -> set[str]:
    from ._options import MapEquationKeywords
    from .api import cluster as local_cluster

    named = {name for name, p in inspect.signature(local_cluster).parameters.items()
             if p.kind is p.KEYWORD_ONLY}
    return named | MapEquationKeywords.__required_keys__ | MapEquationKeywords.__optional_keys__


def _check_options(door: str, options: dict[str, Any], taken: Iterable[str]) -> dict[str, Any]:
    """Return ``options`` with the default ``n_jobs``, checked before anything runs.

    Refuse a keyword that :func:`infomap_py.cluster` does not take, one
    ``door`` sets itself (``taken``) or one that reports while the search
    runs; the values are checked on the workers, where
    :func:`infomap_py.cluster` runs.
    """
    known = _cluster_keywords()
    for name in options:
        if name in _LOCAL_ONLY:
            raise TypeError(f"{door}() does not take {name!r}: it reports while the search "
                            f"runs, which happens on the Dask workers")
        if name in taken or name not in known:
            raise TypeError(f"{door}() got an unexpected keyword argument {name!r}")
    # One thread per task: Dask runs the tasks side by side.
    return {"n_jobs": 1, **options}


def _one_trial(G: Any, trial: int, seed: int, options: dict[str, Any]) -> InfomapResult:
    from .api import cluster as local_cluster

    return local_cluster(G, trials=1, trial_offset=trial, seed=seed, **options)


def _first_trial_codelength(result: InfomapResult) -> float:
    return float(result.trial_codelengths[0])


def cluster(G: Any, *, trials: int = 1, seed: int = 123, trial_offset: int = 0,
            client: Any = None, **options: Any) -> InfomapResult:
    """Run the trials of :func:`infomap_py.cluster` as Dask tasks; keep the best.

    Trial ``t`` is one task, ``infomap_py.cluster(G, trials=1,
    trial_offset=trial_offset + t, seed=seed, **options)`` on a worker; the
    network is sent to the cluster once.  As locally, the shortest trial
    codelength wins, ties to the lowest trial, so the result equals the
    local ``infomap_py.cluster(G, trials=trials, seed=seed, ...)``: the same
    labels, tree, codelength, ``trial_codelengths`` and ``params``.  Only the
    winning trial's result comes back (every trial's with
    ``print_all_trials``), the others stay on the workers until it is chosen.

    Parameters
    ----------
    G
        The network, in any form :func:`infomap_py.cluster` takes; it must
        pickle (networkx graphs, arrays, sparse matrices,
        :class:`~infomap_py.Network` do).
    trials : int
        Independent trials, one Dask task each.
    seed : int
        Seed of every random choice, as for :func:`infomap_py.cluster`.
    trial_offset : int
        Run trials ``trial_offset, trial_offset + 1, ...`` of a run from
        trial 0, as for :func:`infomap_py.cluster`.
    client : distributed.Client or None
        The cluster to run on; ``None``: the default client
        (``distributed.get_client()``).
    **options
        Any other keyword of :func:`infomap_py.cluster` except ``verbose``,
        ``progress`` and ``progress_bar`` (the search runs on the workers).
        ``n_jobs`` is the threads of each trial, default 1: the trials run
        side by side as tasks.

    Returns
    -------
    InfomapResult
        As :func:`infomap_py.cluster`'s, except ``seconds``: here the wall
        time of the whole distributed run (locally, the search's).

    Raises
    ------
    ImportError
        Without dask and distributed installed.
    TypeError
        For a ``client`` that is not a ``distributed.Client``, or a keyword
        that :func:`infomap_py.cluster` does not take.
    ValueError
        Without a client (:class:`~infomap_py.errors.InfomapArgumentError`),
        or for an argument out of range (raised by the worker's
        :func:`infomap_py.cluster` for all but ``trials``, ``seed`` and
        ``trial_offset``).

    Examples
    --------
    >>> import networkx as nx
    >>> import infomap_py
    >>> from distributed import Client, LocalCluster
    >>> with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
    ...                   dashboard_address=":0") as dask_cluster:
    ...     with Client(dask_cluster) as client:
    ...         res = infomap_py.distributed.cluster(nx.barbell_graph(5, 0), trials=2,
    ...                                              client=client)
    >>> res.num_modules, res.codelength == infomap_py.cluster(nx.barbell_graph(5, 0),
    ...                                                       trials=2).codelength
    (2, True)
    """
    started = time.perf_counter()
    client = _client(client)
    trials = check_count("trials", trials, maximum=MAX_TRIALS)
    seed = check_seed(seed)
    trial_offset = check_count("trial_offset", trial_offset, minimum=0, maximum=MAX_TRIALS)
    options = _check_options("cluster", options, ("trials", "seed", "trial_offset", "client"))
    # Scattered inside a list, so that a list (an edge list) goes as one object.
    [network] = client.scatter([G], hash=False)
    found = [client.submit(_one_trial, network, trial_offset + t, seed, options, pure=False)
             for t in range(trials)]
    try:
        lengths = np.array(client.gather(
            [client.submit(_first_trial_codelength, f, pure=False) for f in found]))
        best = int(np.argmin(lengths))  # the first of equal codelengths, as locally
        keep_all = bool(options.get("print_all_trials", False)) and trials > 1
        kept = client.gather(found if keep_all else [found[best]])
    finally:
        client.cancel(found + [network])
    winner = kept[best] if keep_all else kept[0]
    params = {**winner.params, "trials": trials, "trial_offset": trial_offset}
    result = dataclasses.replace(winner, trial_codelengths=lengths, params=params,
                                 seconds=time.perf_counter() - started)
    if keep_all:
        # As locally: every trial's result with its own codelength and the run's params.
        result = dataclasses.replace(result, trial_results=tuple(
            dataclasses.replace(r, trial_codelengths=lengths[t:t + 1], params=params,
                                seconds=0.0)
            for t, r in enumerate(kept)))
    return result


def _is_path(graph: Any) -> bool:
    return isinstance(graph, (str, os.PathLike))


def _cluster_one(graph: Any, options: dict[str, Any]) -> InfomapResult:
    from .api import cluster as local_cluster

    if _is_path(graph):
        from .io.readers import read_network

        graph = read_network(graph, options.get("directed"))
    return local_cluster(graph, **options)


def cluster_many_as_completed(graphs: Iterable[Any], client: Any = None,
                              **options: Any) -> Iterator[tuple[int, InfomapResult]]:
    """Cluster every network of ``graphs`` on Dask; yield results as they finish.

    Each network is one task, ``infomap_py.cluster(graph, **options)`` on a
    worker; the pairs ``(index, result)`` come in the order the tasks end,
    ``index`` being the network's position in ``graphs``.  Closing the
    generator early cancels the tasks not yet done.

    Parameters
    ----------
    graphs : iterable
        Networks in any form :func:`infomap_py.cluster` takes (networkx
        graphs, edge arrays, sparse matrices, ...), or paths of network
        files (link list, Pajek, JSON; read on the worker with
        :func:`infomap_py.io.read_network`, so the workers must see them;
        ``directed`` is passed to the reader as well).
    client : distributed.Client or None
        The cluster to run on; ``None``: the default client.
    **options
        Keywords of :func:`infomap_py.cluster` except ``verbose``,
        ``progress`` and ``progress_bar``; ``n_jobs`` defaults to 1.

    Yields
    ------
    tuple of (int, InfomapResult)
        The network's index in ``graphs`` and its result, equal to the
        local :func:`infomap_py.cluster`'s (but for ``seconds``).

    Raises
    ------
    Exception
        A network's task error, as the worker raised it, with a note naming
        the index of the network.  See :func:`cluster` for the others.
    """
    client = _client(client)
    options = _check_options("cluster_many_as_completed", options, ("client",))
    graphs = list(graphs)
    in_memory = [i for i, g in enumerate(graphs) if not _is_path(g)]
    scattered = {}
    if in_memory:  # (Dask cannot scatter an empty list)
        scattered = dict(zip(in_memory, client.scatter([graphs[i] for i in in_memory],
                                                       hash=False), strict=True))
    futures = [client.submit(_cluster_one, scattered.get(i, graph), options, pure=False)
               for i, graph in enumerate(graphs)]
    index_of = {f.key: i for i, f in enumerate(futures)}
    try:
        for future in _distributed().as_completed(futures):
            index = index_of[future.key]
            try:
                result = future.result()
            except Exception as err:
                if hasattr(err, "add_note"):
                    err.add_note(f"while clustering graphs[{index}]")
                raise
            yield index, result
            future.release()
    finally:
        client.cancel(futures + list(scattered.values()))


def cluster_many(graphs: Iterable[Any], client: Any = None,
                 **options: Any) -> list[InfomapResult]:
    """Cluster every network of ``graphs`` on Dask; return the results in input order.

    As :func:`cluster_many_as_completed` (one task per network, the same
    inputs, keywords and errors), collected into a list: ``results[i]`` is
    the result of ``graphs[i]``.

    Parameters
    ----------
    graphs : iterable
        Networks, or paths of network files, as for
        :func:`cluster_many_as_completed`.
    client : distributed.Client or None
        The cluster to run on; ``None``: the default client.
    **options
        Keywords of :func:`infomap_py.cluster` except ``verbose``,
        ``progress`` and ``progress_bar``; ``n_jobs`` defaults to 1.

    Returns
    -------
    list of InfomapResult
        One result per network, in the order of ``graphs``.
    """
    graphs = list(graphs)
    results: list[Any] = [None] * len(graphs)
    for index, result in cluster_many_as_completed(graphs, client, **options):
        results[index] = result
    return results


# --- A graph that does not fit one worker: the sharded core loop ---------------------------

#: Keywords of :func:`infomap_py.cluster` that :func:`cluster_sharded` hands
#: to the ordinary engine that clusters the network of the modules.
_COARSE_KEYWORDS = ("trials", "two_level", "fast_hierarchical", "core_loop_limit",
                    "core_level_limit", "tune_iteration_limit",
                    "core_loop_codelength_threshold", "tune_iteration_relative_threshold",
                    "prefer_modular_solution", "preferred_number_of_levels",
                    "preferred_number_of_levels_strength")

#: Modules at most this many are clustered by the ordinary engine on one
#: worker (see :func:`cluster_sharded`).
COARSE_THRESHOLD = 200_000


@dataclasses.dataclass
class ShardedResult:
    """What :func:`cluster_sharded` found.

    Attributes
    ----------
    nodes : numpy.ndarray of int64
        The node ids, sorted.
    labels : numpy.ndarray of int64
        The top module of every node, ``0, 1, ...`` by decreasing flow.
    codelength : float
        The codelength (bits) of the module tree on the original network.
    coarse : InfomapResult
        The ordinary engine's result on the network of the modules of the
        sharded search (one node per module): its tree, ``params``, ...
    rounds : list of dict
        Every round: ``level`` (0, 1, ...; -1 for fine-tuning), ``round``,
        ``moved`` (nodes moved by the sweep before it), ``codelength``
        (two-level, of the partition after the round), ``modules`` and
        ``bytes`` (sent between shards by the round's three steps).
    level_modules : list of tuple of int
        Every sharded level's nodes and the modules it found.
    num_shards : int
        The shards the nodes were split into.
    seed : int
        The seed of every random choice.
    seconds : float
        Wall time of the whole run.
    """

    nodes: np.ndarray
    labels: np.ndarray
    codelength: float
    coarse: InfomapResult
    rounds: list
    level_modules: list
    num_shards: int
    seed: int
    seconds: float

    @property
    def num_top_modules(self) -> int:
        """The number of top modules."""
        return int(self.coarse.num_top_modules)

    def as_dict(self) -> dict[int, int]:
        """The top module of every node id."""
        return dict(zip(self.nodes.tolist(), self.labels.tolist(), strict=True))


class _DaskSteps:
    """Runs the steps of :func:`infomap_py._sharded.run` as Dask tasks; the
    shards stay on the workers, only small numbers come back."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def submit(self, fn: Any, *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)

    def part(self, handle: Any, *keys: Any) -> Any:
        if not keys:
            return handle
        from ._sharded import pick

        return self.client.submit(pick, handle, *keys, pure=False)

    def gather(self, handles: list) -> list:
        return self.client.gather(list(handles))


def _edge_frame(edges: Any, num_shards: int) -> Any:
    """Return ``edges`` as a Dask DataFrame of columns ``source``, ``target``
    and maybe ``weight``: a Dask DataFrame as it is, a Parquet file, folder or
    glob, link-list files (a path, glob or list of them), or an edge array
    (or pandas DataFrame) cut into ``num_shards`` blocks."""
    from .adapters import import_optional
    from .errors import InputFormatError

    dd = import_optional("dask.dataframe", "dask", "dask[dataframe]")
    if isinstance(edges, dd.DataFrame):
        frame = edges
    elif _is_path(edges) or (isinstance(edges, (list, tuple)) and edges
                             and all(_is_path(p) for p in edges)):
        paths = [os.fspath(p) for p in (edges if isinstance(edges, (list, tuple)) else [edges])]
        parquet = all(p.endswith(".parquet") or os.path.isdir(p) for p in paths)
        try:
            if parquet:
                frame = dd.read_parquet(paths if len(paths) > 1 else paths[0])
            else:
                frame = dd.read_csv(paths if len(paths) > 1 else paths[0], sep=r"\s+",
                                    header=None, comment="#",
                                    names=["source", "target", "weight"],
                                    dtype={"source": "int64", "target": "int64",
                                           "weight": "float64"}, blocksize="64MB")
        except (OSError, ValueError) as err:  # (Dask reads a sample here)
            # Dask's message ends with the reader's own.
            reason = str(err).strip().splitlines()[-1].removeprefix("Original Message: ")
            kind = "Parquet" if parquet else "a link list (source target [weight] per line)"
            raise InputFormatError(", ".join(paths), None,
                                   f"cannot be read as {kind}: {reason}") from None
    elif type(edges).__name__ == "DataFrame" and hasattr(edges, "columns"):
        frame = dd.from_pandas(edges, npartitions=num_shards)
    else:
        array = np.asarray(edges)
        if array.ndim != 2 or array.shape[1] not in (2, 3) or array.shape[0] == 0:
            raise InputFormatError(
                "edges", None, f"expected a Dask DataFrame, a Parquet or link-list path, or an "
                f"edge array of shape (m, 2) or (m, 3) with m > 0; got "
                f"{type(edges).__name__} of shape {array.shape}")
        import pandas as pd

        columns = {"source": array[:, 0], "target": array[:, 1]}
        if array.shape[1] == 3:
            columns["weight"] = array[:, 2]
        frame = dd.from_pandas(pd.DataFrame(columns), npartitions=num_shards)
    missing = [c for c in ("source", "target") if c not in frame.columns]
    if missing:
        raise InputFormatError("edges", None, f"no column {missing[0]!r} (the columns are "
                               f"{list(frame.columns)}; expected source, target and "
                               f"optionally weight)")
    return frame


def _check_read(rows: list, edges: Any, source: str) -> None:
    """Wait for the blocks of the edge table to be read and cut into rows
    (``rows``: their futures); raise an :class:`InputFormatError` that names
    the file and line where a block could not be read (Dask reads only a
    sample of a link list up front, so a bad line further on fails on a
    worker, in pandas)."""
    from distributed import wait

    from .errors import InputFormatError

    wait(rows)
    for future in rows:
        if future.status != "error":
            continue
        err = future.exception()
        if isinstance(err, InputFormatError):
            raise err
        reason = str(err).strip().splitlines()[-1] if str(err).strip() else type(err).__name__
        paths = [os.fspath(p) for p in (edges if isinstance(edges, (list, tuple)) else [edges])
                 if _is_path(p)]
        for path, line, text in _bad_link_lines(paths):
            raise InputFormatError(path, line, f"expected 'source target [weight]' with "
                                   f"integer node ids >= 0 and a number, got {text!r}")
        raise InputFormatError(source, None, f"cannot be read: {reason}")


def _bad_link_lines(paths: list[str]):
    """Yield ``(path, line, text)`` of the first line of the link-list files
    ``paths`` (paths or globs) that is not ``source target [weight]``; only
    on the error path, so a plain scan."""
    import glob

    for pattern in paths:
        for path in sorted(glob.glob(pattern)) or [pattern]:
            if path.endswith(".parquet") or not os.path.isfile(path):
                continue
            with open(path, encoding="utf-8", errors="replace") as lines:
                for number, raw in enumerate(lines, start=1):
                    text = raw.split("#", 1)[0].strip()
                    if text and not _is_link_line(text):
                        yield path, number, raw.rstrip("\n")
                        return


def _is_link_line(text: str) -> bool:
    """Whether ``text`` is ``source target [weight]`` (non-negative integer
    ids, a finite weight >= 0)."""
    tokens = text.split()
    if len(tokens) not in (2, 3) or not all(t.isdigit() and t.isascii() for t in tokens[:2]):
        return False
    if len(tokens) == 3:
        try:
            weight = float(tokens[2])
        except ValueError:
            return False
        return bool(np.isfinite(weight) and weight >= 0)
    return True


def _block_rows(block: Any, sharding: Any, source: str) -> list:
    """The rows of one block of the edge table, per shard (on a worker);
    ``source`` names the input in errors."""
    from ._sharded import edge_rows
    from .errors import InputFormatError

    if block.shape[0] == 0:
        return edge_rows(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), sharding)
    ends = []
    for column in ("source", "target"):
        values = block[column].to_numpy()
        if values.dtype.kind not in "iu":
            if values.dtype.kind == "f" and np.all(np.isfinite(values)) and np.all(
                    values == np.round(values)):
                values = values.astype(np.int64)
            else:
                raise InputFormatError(source, None, f"column {column!r} must hold integer "
                                       f"node ids, got {values.dtype}")
        if values.min() < 0:
            raise InputFormatError(source, None, f"column {column!r} has a negative node "
                                   f"id ({values.min()})")
        ends.append(values.astype(np.int64))
    if "weight" in block.columns:
        weight = block["weight"].to_numpy(dtype=np.float64, na_value=1.0)
        if not np.all(np.isfinite(weight)) or weight.min() < 0:
            raise InputFormatError(source, None,
                                   "column 'weight' must hold finite weights >= 0")
    else:
        weight = np.ones(block.shape[0])
    return edge_rows(ends[0], ends[1], weight, sharding)


def cluster_sharded(edges: Any, client: Any = None, *, num_shards: int | None = None,
                    seed: int = 123, directed: bool = False, sharding: str = "hash",
                    coarse_threshold: int = COARSE_THRESHOLD, max_rounds: int = 10,
                    fine_tune: bool = True, **options: Any) -> ShardedResult:
    """Cluster a graph that does not fit one worker: its nodes in shards.

    The nodes are split into ``num_shards`` shards (``sharding="hash"``: by
    a hash of the id, even whatever the order of the ids; ``"range"``:
    contiguous id ranges, fewer links between shards where ids are
    numbered community by community, even only where ids are).  A shard
    holds every link of its nodes, and of the nodes at their other ends
    only their module.  The flow is the undirected one (node flow
    proportional to strength), which every shard computes from its own
    links and the total weight.  Then, all as Dask tasks:

    1. Rounds of the core loop: every shard moves its nodes once (the
       engine's sweep and move deltas) against a snapshot of the flows of
       the modules around it; the modules' flows are then reconciled: each
       module's home shard sums the changes of what every shard's nodes
       contribute to it, and answers the shards that need it (GossipMap /
       DSLM-Map).  A level ends when a sweep moves at most 0.1 % of the
       nodes, or after ``max_rounds`` sweeps.  While more than
       ``coarse_threshold`` modules are left, they become the nodes of the
       next sharded level.
    2. The network of the modules (summed shard by shard) is clustered by
       the ordinary engine on one worker: ``infomap_py.cluster`` with its
       fine- and coarse-tuning and, unless ``two_level``, the multilevel
       search.
    3. With ``fine_tune``: rounds on the original nodes again, each free to
       move between those modules, then the engine once more on the
       network of the parts of the first level's modules, starting from
       the tuned modules.
    4. The top modules are mapped back to the original nodes.

    Peak memory of a worker grows with its shards (their links, their
    nodes' and neighbours' modules); the whole graph is never on one
    worker, nor on the client, which gets the labels only.  The same seed
    and shards give the same result, however the input is cut into files
    or partitions.

    Parameters
    ----------
    edges
        The links, undirected: a Dask DataFrame with integer columns
        ``source`` and ``target`` (node ids >= 0) and optionally ``weight``
        (missing means 1); a path of a Parquet file or folder (``.parquet``)
        or a list of them; a path or glob of link-list files (``source
        target [weight]`` per line, ``#`` comments), read in blocks on the
        workers; or, for small graphs, an edge array of shape ``(m, 2)`` or
        ``(m, 3)`` or a pandas DataFrame, sent from here.
    client : distributed.Client or None
        The cluster to run on; ``None``: the default client.
    num_shards : int or None
        Shards to split the nodes into; ``None``: one per worker thread.
        With 1 the core loop runs on one worker.
    seed : int
        Seed of every random choice.
    directed : bool
        Only ``False``: the directed flow (PageRank) is not sharded.
    sharding : {"hash", "range"}
        How node ids map to shards (see above).
    coarse_threshold : int
        Modules at most this many go to the ordinary engine on one worker
        (default :data:`COARSE_THRESHOLD`, 200 000: their network has at
        most as many nodes, and in practice a few times as many links, a
        few hundred megabytes).
    max_rounds : int
        Most sweeps of a sharded level (the engine's core-loop limit is 10).
    fine_tune : bool
        Move the original nodes between the engine's modules once more
        (step 3).
    **options
        Keywords of :func:`infomap_py.cluster` for the engine's search on
        the network of the modules: ``trials``, ``two_level``,
        ``fast_hierarchical``, the search controls (``core_loop_limit``,
        ...) and ``preferred_number_of_levels``.  Flow and objective
        keywords are refused.

    Returns
    -------
    ShardedResult
        The top module of every node id, the codelength and the engine's
        result on the network of the modules.

    Raises
    ------
    ImportError
        Without dask (``dask[distributed,dataframe]``).
    TypeError
        For a keyword that is not supported here (named).
    ValueError
        :class:`~infomap_py.errors.InfomapArgumentError` for ``directed=True``
        or an argument out of range; :class:`~infomap_py.errors.InputFormatError`
        for edges that are not links (missing columns, ids that are not
        integers >= 0, negative weights, no link of positive weight).
    """
    from . import _sharded

    started = time.perf_counter()
    client = _client(client)
    if directed:
        raise InfomapArgumentError(
            "directed=True: cluster_sharded computes the undirected flow (node flow "
            "proportional to strength) only; the directed flow (PageRank) is not sharded")
    for name in options:
        if name in _LOCAL_ONLY or name not in _COARSE_KEYWORDS:
            raise TypeError(f"cluster_sharded() does not support {name!r}"
                            + (" (flow and objective options need the whole network on one "
                               "worker; use cluster)" if name in _cluster_keywords() else ""))
    seed = check_seed(seed)
    if num_shards is None:
        num_shards = max(1, sum(client.nthreads().values()))
    num_shards = check_count("num_shards", num_shards, minimum=1, maximum=1 << 16)
    coarse_threshold = check_count("coarse_threshold", coarse_threshold, minimum=1,
                                   maximum=1 << 40)
    max_rounds = check_count("max_rounds", max_rounds, minimum=1, maximum=10_000)
    if sharding not in ("hash", "range"):
        raise InfomapArgumentError(f"sharding must be 'hash' or 'range', got {sharding!r}")
    frame = _edge_frame(edges, num_shards)
    max_id = 0
    if sharding == "range":
        max_id = int(client.compute(frame[["source", "target"]].max().max()).result())
    shards = _sharded.Sharding(num_shards, sharding, max_id)
    blocks = client.compute(frame.to_delayed())
    source = os.fspath(edges) if _is_path(edges) else "edges"
    rows = [client.submit(_block_rows, block, shards, source, pure=False) for block in blocks]
    _check_read(rows, edges, source)
    steps = _DaskSteps(client)
    pieces = [[steps.part(r, k) for r in rows] for k in range(num_shards)]
    engine_options = {"seed": seed, "n_jobs": 1, **options}
    run = _sharded.run(steps, pieces, shards, seed, engine_options,
                       coarse_threshold=coarse_threshold, max_rounds=max_rounds,
                       min_moved=1e-3, sweeps_per_round=1, max_levels=16,
                       tune=fine_tune)
    return ShardedResult(run.nodes, run.modules, run.codelength, run.coarse,
                         [dict(zip(("level", "round", "moved", "codelength", "modules",
                                    "bytes"), r, strict=True)) for r in run.rounds],
                         run.level_modules, num_shards, seed, time.perf_counter() - started)
