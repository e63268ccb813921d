"""pandas in and out: a DataFrame edge list as a network, a result as a
DataFrame of nodes.

pandas is optional (the ``pandas`` extra) and imported here only when a
function needs it: :func:`is_dataframe` looks at ``sys.modules`` instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .._validate import check_weights
from ..network import Network, unit_weights
from . import import_optional, is_loaded_instance

if TYPE_CHECKING:  # pragma: no cover
    import pandas

    from ..result import InfomapResult


def is_dataframe(data: Any) -> bool:
    """Whether ``data`` is a ``pandas.DataFrame`` (pandas is not imported to find out)."""
    return is_loaded_instance(data, "pandas", "DataFrame")


def _import_pandas():
    return import_optional("pandas", "pandas")


def from_pandas(edges: pandas.DataFrame, directed: bool | None = None,
                weight: str | None = "weight", source: str = "source",
                target: str = "target") -> Network:
    """Return a DataFrame edge list as a :class:`~infomap_py.network.Network`.

    Parameters
    ----------
    edges : pandas.DataFrame
        One row per link.  Node ids may be any hashable values (strings,
        integers, tuples); they are the node labels, in order of first
        appearance row by row (source, then target), as
        ``networkx.from_pandas_edgelist`` adds them.  Repeated rows are
        links repeated, so their weights add up (a networkx graph keeps the
        last).
    directed : bool or None
        ``None`` or ``False``: undirected (as ``from_pandas_edgelist``
        builds a ``Graph``); ``True``: every row a link source -> target.
    weight : str or None
        The column holding the weights.  Where the DataFrame has no column of
        the default name ``"weight"``, every weight is 1; any other name must
        be a column.  ``None`` gives every link weight 1.
    source, target : str
        The columns holding the link end points.

    Returns
    -------
    Network

    Raises
    ------
    ValueError
        For a missing column, a missing node id, or weights that are
        negative, NaN or infinite.
    TypeError
        For a weight column that does not hold real numbers.

    Examples
    --------
    >>> import pandas as pd
    >>> from infomap_py.adapters.pandas import from_pandas
    >>> net = from_pandas(pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"]}))
    >>> list(net.nodes), net.num_links
    (['a', 'b', 'c'], 2)
    """
    pd = _import_pandas()
    columns = list(edges.columns)
    missing = [name for name in (source, target) if name not in edges.columns]
    if missing:
        raise ValueError(
            f"a DataFrame edge list needs the columns {source!r} and {target!r}, but "
            f"{missing[0]!r} is not among its columns {columns}; rename the columns, or pass "
            "infomap_py.adapters.pandas.from_pandas(df, source=..., target=...)")
    s, t = edges[source].to_numpy(), edges[target].to_numpy()
    if s.dtype != t.dtype or s.dtype.kind not in "biu":
        s, t = s.astype(object), t.astype(object)
    m = s.shape[0]
    stacked = np.empty(2 * m, dtype=s.dtype)
    stacked[0::2], stacked[1::2] = s, t
    codes, uniques = pd.factorize(stacked, use_na_sentinel=True)
    if (codes < 0).any():
        k = int(np.flatnonzero(codes < 0)[0])
        raise ValueError(f"column {(source, target)[k % 2]!r} has a missing node id in row "
                         f"{edges.index[k // 2]!r}")
    codes = codes.astype(np.int64)
    src, tgt = np.ascontiguousarray(codes[0::2]), np.ascontiguousarray(codes[1::2])
    nodes = list(uniques.tolist() if hasattr(uniques, "tolist") else uniques)
    weights = _column_weights(edges, weight, columns, pd)
    check_weights(weights, lambda i: f"({nodes[src[i]]!r}, {nodes[tgt[i]]!r}) in row "
                                     f"{edges.index[i]!r}")
    return Network(src, tgt, weights, len(nodes), bool(directed), nodes)


def _column_weights(edges: Any, weight: Any, columns: list, pd: Any) -> np.ndarray:
    m = len(edges)
    if weight is None:
        return unit_weights(m)
    if not isinstance(weight, str):
        raise TypeError(f"weight must be the name of a DataFrame column or None, got "
                        f"{type(weight).__name__}")
    if weight not in edges.columns:
        if weight == "weight":
            return unit_weights(m)
        raise ValueError(f"weight={weight!r} is not a column of the DataFrame edge list; its "
                         f"columns are {columns}")
    column = edges[weight]
    if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        raise TypeError(f"weight column {weight!r} must hold numbers, got dtype {column.dtype}")
    return column.to_numpy(dtype=np.float64, na_value=np.nan)


def to_pandas(result: InfomapResult) -> pandas.DataFrame:
    """Return one row per node of ``result``.

    Columns: ``node`` (the label), ``module`` (the top module, numbered
    ``0, 1, ...`` by decreasing flow, as :attr:`~InfomapResult.labels`),
    ``path`` (the node's path in the module tree, a tuple as
    :attr:`~InfomapResult.paths`), ``flow`` (its visit rate) and
    ``module_level_1`` ... ``module_level_{L}``: the module of the node at
    each depth of the tree, as :meth:`~InfomapResult.modules_at` numbers
    them (``L`` is ``num_levels - 1``; 1 for a two-level partition).

    Examples
    --------
    >>> import networkx as nx, infomap_py
    >>> res = infomap_py.cluster(nx.barbell_graph(4, 0), two_level=True)
    >>> list(res.to_pandas().columns)
    ['node', 'module', 'path', 'flow', 'module_level_1']
    """
    pd = _import_pandas()
    data: dict[str, Any] = {
        "node": list(result.nodes),
        "module": result.labels.astype(np.int64),
        "path": pd.Series(result.paths if result.tree is not None
                          else [(int(m) + 1,) for m in result.labels], dtype=object),
        "flow": np.asarray(result.flow, dtype=np.float64),
    }
    for level in range(1, max(result.num_levels, 2)):
        data[f"module_level_{level}"] = result.modules_at(level).astype(np.int64)
    return pd.DataFrame(data)
