"""PyTorch in: an ``edge_index`` tensor of shape ``(2, m)`` (the PyTorch
Geometric layout) as a network.

torch is optional and imported by no module of infomap_py: a tensor is
recognised through ``sys.modules`` (no object can be a tensor before torch
has been imported) and read with its own methods.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import check_num_nodes, check_weights
from ..network import Network, unit_weights
from . import is_loaded_instance


def is_tensor(data: Any) -> bool:
    """Whether ``data`` is a ``torch.Tensor`` (torch is not imported to find out)."""
    return is_loaded_instance(data, "torch", "Tensor")


def _to_numpy(data: Any) -> np.ndarray:
    if is_tensor(data):
        data = data.detach().cpu()
        # bfloat16 and float16 have no (or no exact) NumPy form: widen first.
        return (data.double() if data.is_floating_point() else data).numpy()
    return np.asarray(data)


def from_edge_index(edge_index: Any, directed: bool | None = None, weight: Any = None,
                    num_nodes: int | None = None) -> Network:
    """Return an ``edge_index`` tensor as a :class:`~infomap_py.network.Network`.

    Parameters
    ----------
    edge_index : torch.Tensor
        Integer tensor of shape ``(2, m)``: row 0 the sources, row 1 the
        targets, ids ``0..n-1`` (on any device; it is copied to the CPU).
    directed : bool or None
        ``None`` or ``False``: undirected, as for an edge array.  An
        ``edge_index`` that holds each undirected edge in both directions
        (PyTorch Geometric's ``to_undirected``) gives the same codelength
        as one that holds it once: all weights are doubled alike.
        ``True``: every column a link source -> target.
    weight : torch.Tensor, array_like, str or None
        A weight per column, shape ``(m,)``; ``None`` (or the string
        ``"weight"``, the default of :func:`infomap_py.cluster`, since a
        tensor has no named attributes) gives every link weight 1.
    num_nodes : int or None
        The number of nodes, for isolated nodes above the largest id;
        ``None`` takes the largest id + 1.

    Returns
    -------
    Network

    Raises
    ------
    ValueError
        For a shape other than ``(2, m)``, negative ids, ids not below
        ``num_nodes``, weights of the wrong shape, or weights that are
        negative, NaN or infinite.
    TypeError
        For an ``edge_index`` that does not hold integers, or a ``weight``
        that is another string or does not hold real numbers.

    Examples
    --------
    >>> import torch
    >>> from infomap_py.adapters.torch import from_edge_index
    >>> from_edge_index(torch.tensor([[0, 1], [1, 2]])).num_nodes
    3
    """
    ids = _to_numpy(edge_index)
    if ids.ndim != 2 or ids.shape[0] != 2:
        hint = "; transpose an (m, 2) tensor with edge_index.T" if (
            ids.ndim == 2 and ids.shape[1] == 2) else ""
        raise ValueError(f"edge_index must have shape (2, m), got {tuple(ids.shape)}{hint}")
    if ids.dtype.kind not in "iu":
        raise TypeError(f"edge_index must hold integer node ids, got dtype {ids.dtype}")
    ids = ids.astype(np.int64)
    m = ids.shape[1]
    if m and ids.min() < 0:
        col = int(np.flatnonzero((ids < 0).any(axis=0))[0])
        raise ValueError(f"edge_index node ids must be >= 0, got {ids[:, col].tolist()} in "
                         f"column {col}")
    largest = int(ids.max()) if m else -1
    if num_nodes is None:
        n = largest + 1
    else:
        if isinstance(num_nodes, bool) or not isinstance(num_nodes, (int, np.integer)):
            raise TypeError(f"num_nodes must be an integer or None, got {num_nodes!r}")
        n = int(num_nodes)
        if n <= largest:
            raise ValueError(f"num_nodes must exceed the largest node id {largest}, got {n}")
    check_num_nodes(n, f"edge_index node id {n - 1}")
    source, target = np.ascontiguousarray(ids[0]), np.ascontiguousarray(ids[1])
    weights = _weights(weight, m)
    check_weights(weights, lambda i: f"({source[i]}, {target[i]}) in column {i}")
    return Network(source, target, weights, n, bool(directed), range(n))


def _weights(weight: Any, m: int) -> np.ndarray:
    if weight is None or (isinstance(weight, str) and weight == "weight"):
        return unit_weights(m)
    if isinstance(weight, str):
        raise TypeError(f"weight must be a tensor or array of {m} edge weights (or None) with "
                        f"an edge_index, which has no named attributes; got {weight!r}")
    values = _to_numpy(weight)
    if values.dtype.kind not in "iuf":
        raise TypeError(f"weight must hold real numbers, got dtype {values.dtype}")
    if values.shape != (m,):
        raise ValueError(f"weight must hold one weight per edge_index column, shape ({m},), "
                         f"got {tuple(values.shape)}")
    return values.astype(np.float64)
