"""The official Infomap's input and configuration fingerprints.

Infomap 2.16 writes two lines into its headers that identify a run:
``# input fingerprint HASH (SIZE bytes)`` and ``# config fingerprint HASH``.
Both are 64-bit hashes written as 16 hex digits:

* the input fingerprint is the XXH64 hash (seed 0) of the whole file, as
  it is on disk (a ``.gz`` file compressed);
* the config fingerprint is the FNV-1a hash of the compact JSON of the settings that can
  change the result (:data:`CANONICAL_CONFIG`, in the official key order, its
  numbers as a JSON library writes them: ``1.0``, ``1e-05``); the path of the
  network, the number of trials and every output option are left out.

infomap-py computes the same hashes, so that a file from either tool names
the same input and, where the settings mean the same, the same settings.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_MASK = (1 << 64) - 1
_CHUNK = 1 << 20
#: Files larger than this are hashed only with the optional ``xxhash``
#: package (pure Python takes about 0.05 s per MiB).
MAX_PURE_PYTHON_BYTES = 64 << 20
_P1, _P2, _P3 = 0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9
_P4, _P5 = 0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5

#: Every setting the official config fingerprint covers, in its order, with
#: its default (a float for a real-valued setting, which JSON writes as
#: ``1.0``, an int for a count).
CANONICAL_CONFIG: tuple[tuple[str, Any], ...] = (
    ("additional_input_count", 0), ("flow_model", "undirected"), ("directed", False),
    ("seed", 123), ("two_level", False), ("no_infomap", False), ("regularized", False),
    ("regularization_strength", 1.0), ("intra_regularization_strength", 1.0),
    ("inter_regularization_strength", 1.0), ("multilayer_skip_absent_nodes", False),
    ("recorded_teleportation", False), ("teleportation_probability", 0.15),
    ("markov_time", 1.0), ("variable_markov_time", False), ("variable_markov_damping", 1.0),
    ("variable_markov_min_scale", 1.0), ("entropy_corrected", False),
    ("entropy_correction_strength", 1.0), ("use_node_weights_as_flow", False),
    ("teleport_to_nodes", False), ("weight_threshold", 0.0), ("no_self_links", False),
    ("node_limit", 0), ("matchable_multilayer_ids", 0), ("bipartite", False),
    ("bipartite_teleportation", False), ("cluster_data", ""), ("cluster_data_is_hard", False),
    ("assign_to_neighbouring_module", False), ("meta_data", ""), ("meta_data_rate", 1.0),
    ("meta_data_unweighted", False), ("preferred_number_of_modules", 0),
    ("preferred_number_of_levels", 0), ("preferred_number_of_levels_strength", 1.0),
    ("parallel_trials", False), ("converge_trials", False), ("inner_parallelization", False),
    ("core_loop_limit", 10), ("core_level_limit", 0), ("tune_iteration_limit", 0),
    ("core_loop_codelength_threshold", 1e-10), ("tune_iteration_relative_threshold", 1e-05),
    ("max_flow_iterations", 0), ("min_flow_iterations", 50), ("flow_tolerance", 1e-15),
    ("prefer_modular_solution", False), ("num_random_moves", 5),
    ("max_degree_for_random_moves", 2), ("skip_adjust_bipartite_flow", False),
    ("markov_time_no_self_links", False), ("multilayer_relax_rate", 0.15),
    ("multilayer_relax_limit", -1), ("multilayer_relax_limit_up", -1),
    ("multilayer_relax_limit_down", -1), ("multilayer_js_relax_rate", 0.15),
    ("multilayer_relax_to_self", False), ("multilayer_relax_by_jsd", False),
    ("multilayer_js_relax_limit", -1), ("no_coarse_tune", False),
    ("only_super_modules", False), ("fast_hierarchical_solution", 0),
    ("randomize_core_loop_limit", False), ("minimum_single_node_codelength_improvement", 1e-16),
)


def fnv1a_64(data: bytes, value: int = _FNV_OFFSET) -> int:
    """Return the 64-bit FNV-1a hash of ``data``, continuing from ``value``."""
    for byte in data:
        value = ((value ^ byte) * _FNV_PRIME) & _MASK
    return value


@dataclass(frozen=True)
class InputFingerprint:
    """The official input fingerprint of a network file.

    Attributes
    ----------
    path : str
        The file as the command line named it.
    size : int
        Its size in bytes.
    mtime : int
        Its modification time, whole seconds since the epoch.
    hash : str
        16 hex digits: the XXH64 hash (seed 0) of the file's bytes.
    """

    path: str
    size: int
    mtime: int
    hash: str

    def as_dict(self) -> dict:
        """Return the fingerprint as the official JSON ``input`` object."""
        return {"path": self.path, "size": self.size, "mtime": self.mtime, "hash": self.hash}


class _XXH64:
    """The XXH64 hash (seed 0) of a byte stream fed in pieces, in plain Python."""

    def __init__(self) -> None:
        self.lanes = [(_P1 + _P2) & _MASK, _P2, 0, (-_P1) & _MASK]
        self.tail = b""
        self.length = 0

    def update(self, data: bytes) -> None:
        self.length += len(data)
        data = self.tail + data
        whole = len(data) - len(data) % 32
        v1, v2, v3, v4 = self.lanes
        mask, p1, p2 = _MASK, _P1, _P2
        for a, b, c, d in struct.iter_unpack("<4Q", data[:whole]):
            v1 = (v1 + a * p2) & mask
            v1 = (((v1 << 31) | (v1 >> 33)) & mask) * p1 & mask
            v2 = (v2 + b * p2) & mask
            v2 = (((v2 << 31) | (v2 >> 33)) & mask) * p1 & mask
            v3 = (v3 + c * p2) & mask
            v3 = (((v3 << 31) | (v3 >> 33)) & mask) * p1 & mask
            v4 = (v4 + d * p2) & mask
            v4 = (((v4 << 31) | (v4 >> 33)) & mask) * p1 & mask
        self.lanes = [v1, v2, v3, v4]
        self.tail = data[whole:]

    def digest(self) -> int:
        def rotl(x: int, r: int) -> int:
            return ((x << r) | (x >> (64 - r))) & _MASK

        def round_(acc: int, value: int) -> int:
            return rotl((acc + value * _P2) & _MASK, 31) * _P1 & _MASK

        if self.length >= 32:
            v1, v2, v3, v4 = self.lanes
            h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) & _MASK
            for v in self.lanes:
                h = ((h ^ round_(0, v)) * _P1 + _P4) & _MASK
        else:
            h = _P5
        h = (h + self.length) & _MASK
        tail, i = self.tail, 0
        while i + 8 <= len(tail):
            h ^= round_(0, struct.unpack_from("<Q", tail, i)[0])
            h = (rotl(h, 27) * _P1 + _P4) & _MASK
            i += 8
        if i + 4 <= len(tail):
            h ^= struct.unpack_from("<I", tail, i)[0] * _P1 & _MASK
            h = (rotl(h, 23) * _P2 + _P3) & _MASK
            i += 4
        for byte in tail[i:]:
            h ^= byte * _P5 & _MASK
            h = rotl(h, 11) * _P1 & _MASK
        h ^= h >> 33
        h = h * _P2 & _MASK
        h ^= h >> 29
        h = h * _P3 & _MASK
        return h ^ (h >> 32)


def input_fingerprint(path: str | os.PathLike) -> InputFingerprint | None:
    """Return the official input fingerprint of the file at ``path``.

    Parameters
    ----------
    path : str or os.PathLike
        The network file.

    Returns
    -------
    InputFingerprint or None
        ``None`` for a file over :data:`MAX_PURE_PYTHON_BYTES` when the
        optional ``xxhash`` package is not installed.

    Raises
    ------
    OSError
        When the file cannot be read.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = Path(tmp, "net.txt").write_bytes(b"1 2\\n")
    ...     input_fingerprint(Path(tmp, "net.txt")).hash
    'bbb5296e12b5ddd4'
    """
    info = os.stat(path)
    size = int(info.st_size)
    try:
        import xxhash
    except ImportError:
        if size > MAX_PURE_PYTHON_BYTES:
            return None
        hasher = _XXH64()
    else:
        hasher = xxhash.xxh64(seed=0)
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            hasher.update(chunk)
    value = hasher.intdigest() if hasattr(hasher, "intdigest") else hasher.digest()
    return InputFingerprint(os.fspath(path), size, int(info.st_mtime), f"{value:016x}")


def canonical_config(values: Mapping[str, Any]) -> dict:
    """Return the official canonical configuration: every key of
    :data:`CANONICAL_CONFIG` in order, from ``values`` where given (cast to
    the default's type), else the default."""
    config = {}
    for key, default in CANONICAL_CONFIG:
        value = values.get(key, default)
        if value is None:
            value = default
        config[key] = type(default)(value)
    return config


def config_fingerprint(values: Mapping[str, Any]) -> str:
    """Return the official config fingerprint of the settings ``values``.

    Parameters
    ----------
    values : mapping
        Settings by their official canonical name (``flow_model``,
        ``markov_time``, ``seed``, ...); a setting not given has its official
        default.

    Returns
    -------
    str
        16 hex digits, as the official ``# config fingerprint`` line.

    Examples
    --------
    >>> config_fingerprint({})
    '741507a27cc3f2e9'
    """
    text = json.dumps(canonical_config(values), separators=(",", ":"), ensure_ascii=False)
    return f"{fnv1a_64(text.encode('utf-8')):016x}"


def config_from_params(params: Mapping[str, Any], seed: int) -> dict:
    """Return the canonical settings that a result's ``params`` (the
    arguments of :func:`~infomap_py.cluster`) describe."""
    return {
        "flow_model": params.get("flow_model", "undirected"),
        "seed": seed,
        "two_level": bool(params.get("two_level", False)),
        "no_infomap": params.get("trials") == 0,
        "recorded_teleportation": bool(params.get("recorded_teleportation", False)),
        "teleportation_probability": params.get("teleportation", 0.15),
        "markov_time": params.get("markov_time", 1.0),
        "teleport_to_nodes": bool(params.get("to_nodes", False)),
        "bipartite": params.get("bipartite_start_id") is not None,
        "bipartite_teleportation": bool(params.get("bipartite_teleportation", False)),
        "skip_adjust_bipartite_flow": bool(params.get("skip_adjust_bipartite_flow", False)),
        "fast_hierarchical_solution": int(params.get("fast_hierarchical", 0) or 0),
    }
