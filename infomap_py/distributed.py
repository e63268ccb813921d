"""Infomap on a Dask cluster: the trials of one network, or many networks.

:func:`cluster` runs the trials of one network as Dask tasks, one trial a
task, and returns what the local :func:`infomap_py.cluster` returns for the
same seed (labels, tree and codelength equal).  :func:`cluster_many` clusters
many networks, one task each, and returns their results in input order;
:func:`cluster_many_as_completed` yields them as they finish.

Dask and its ``distributed`` scheduler are the ``dask`` extra
(``pip install 'infomap-py[dask]'``), imported on first use; the workers need
infomap-py installed too.  A graph that does not fit one worker
(``cluster_sharded``, the sharded core loop) is not built yet.
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
    ...                   dashboard_address=None) as dask_cluster:
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
