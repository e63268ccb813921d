"""Load pretrained BERT weights: the Hugging Face layout and Google's TensorFlow names.

Two name-mapping tables do the work, one step each:

* :data:`TF_NAME_TABLE` maps the variable names of Google's original BERT
  checkpoints (``bert/encoder/layer_0/attention/self/query/kernel``) to Hugging
  Face names (``encoder.layer.0.attention.self.query.weight``); a ``kernel`` is
  stored as ``(in, out)`` and is transposed to PyTorch's ``(out, in)``;
* :data:`HF_NAME_TABLE` maps Hugging Face names (with or without the ``bert.``
  prefix, LayerNorm ``gamma``/``beta`` or ``weight``/``bias``) to the names of
  :mod:`neural.bert.model` (``encoder.layers.0.attention.query.weight``).

Names that are already ours pass through, so ``model.state_dict()`` loads too.
Reading TensorFlow's own checkpoint files needs TensorFlow; without it, save the
variables as a ``.npz`` file keyed by their TF names (see
:func:`read_tf_checkpoint`) and load that.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import numpy as np
import torch
from torch import Tensor, nn

from .config import BertConfig
from .model import BertModel

__all__ = [
    "HF_NAME_TABLE",
    "TF_NAME_TABLE",
    "CheckpointError",
    "LoadReport",
    "convert_checkpoint",
    "hf_to_ours",
    "load_pretrained",
    "load_state_dict",
    "read_tf_checkpoint",
    "read_weights",
    "tf_to_hf",
]

ModelT = TypeVar("ModelT", bound=nn.Module)

_L = r"encoder\.layer\.(\d+)"
_WB = r"(weight|bias)"

#: ``(regex on a Hugging Face name, our name)``, tried in order after the
#: optional ``bert.`` prefix is dropped and LayerNorm ``gamma``/``beta`` are
#: renamed ``weight``/``bias``.  Names that match none pass through unchanged.
HF_NAME_TABLE: tuple[tuple[str, str], ...] = (
    (r"embeddings\.LayerNorm\." + _WB, r"embeddings.layer_norm.\1"),
    (_L + r"\.attention\.self\.(query|key|value)\." + _WB, r"encoder.layers.\1.attention.\2.\3"),
    (_L + r"\.attention\.output\.dense\." + _WB, r"encoder.layers.\1.attention.output.\2"),
    (_L + r"\.attention\.output\.LayerNorm\." + _WB, r"encoder.layers.\1.attention_norm.\2"),
    (_L + r"\.intermediate\.dense\." + _WB, r"encoder.layers.\1.intermediate.\2"),
    (_L + r"\.output\.dense\." + _WB, r"encoder.layers.\1.output.\2"),
    (_L + r"\.output\.LayerNorm\." + _WB, r"encoder.layers.\1.output_norm.\2"),
    (r"cls\.predictions\.transform\.dense\." + _WB, r"mlm_head.dense.\1"),
    (r"cls\.predictions\.transform\.LayerNorm\." + _WB, r"mlm_head.layer_norm.\1"),
    (r"cls\.predictions\.(?:decoder\.)?bias", "mlm_head.decoder.bias"),
    (r"cls\.predictions\.decoder\.weight", "mlm_head.decoder.weight"),
    (r"cls\.seq_relationship\." + _WB, r"nsp_head.\1"),
)

_TL = r"bert/encoder/layer_(\d+)"
_KB = r"(kernel|bias)"
_GB = r"(gamma|beta)"

#: ``(regex on a TensorFlow variable name, Hugging Face name)`` for Google's
#: BERT checkpoints (``modeling.py``, ``run_pretraining.py``, ``run_classifier.py``).
#: A resulting name ending in ``.kernel`` becomes ``.weight``, transposed.
TF_NAME_TABLE: tuple[tuple[str, str], ...] = (
    (
        r"bert/embeddings/(word|position|token_type)_embeddings",
        r"bert.embeddings.\1_embeddings.weight",
    ),
    (r"bert/embeddings/LayerNorm/" + _GB, r"bert.embeddings.LayerNorm.\1"),
    (
        _TL + r"/attention/self/(query|key|value)/" + _KB,
        r"bert.encoder.layer.\1.attention.self.\2.\3",
    ),
    (_TL + r"/attention/output/dense/" + _KB, r"bert.encoder.layer.\1.attention.output.dense.\2"),
    (
        _TL + r"/attention/output/LayerNorm/" + _GB,
        r"bert.encoder.layer.\1.attention.output.LayerNorm.\2",
    ),
    (_TL + r"/intermediate/dense/" + _KB, r"bert.encoder.layer.\1.intermediate.dense.\2"),
    (_TL + r"/output/dense/" + _KB, r"bert.encoder.layer.\1.output.dense.\2"),
    (_TL + r"/output/LayerNorm/" + _GB, r"bert.encoder.layer.\1.output.LayerNorm.\2"),
    (r"bert/pooler/dense/" + _KB, r"bert.pooler.dense.\1"),
    (r"cls/predictions/transform/dense/" + _KB, r"cls.predictions.transform.dense.\1"),
    (r"cls/predictions/transform/LayerNorm/" + _GB, r"cls.predictions.transform.LayerNorm.\1"),
    (r"cls/predictions/output_bias", "cls.predictions.bias"),
    (r"cls/seq_relationship/output_weights", "cls.seq_relationship.weight"),
    (r"cls/seq_relationship/output_bias", "cls.seq_relationship.bias"),
    (r"output_weights", "classifier.weight"),  # run_classifier.py: (num_labels, hidden)
    (r"output_bias", "classifier.bias"),
)

# Checkpoint entries that are not weights: HF's position-id buffer, TF's
# optimizer slots and counters.
_NOT_WEIGHTS = re.compile(
    r"(bert\.)?embeddings\.position_ids|.*/adam_[mv]|global_step"
    r"|bad_steps|good_steps|loss_scale"
)
# Parts a model may lack: checkpoint tensors of a part the model does not have
# are left unused without complaint (a pretraining checkpoint into BertModel).
_OPTIONAL_PARTS = ("pooler.", "mlm_head.", "nsp_head.", "classifier.")
# Parts that start from their fresh initialisation when the checkpoint lacks
# them (a task head loaded from a base checkpoint).
_NEW_PARTS = ("classifier.",)
_MAX_LISTED = 20


class CheckpointError(ValueError):
    """A checkpoint that does not fit the model, or a file that cannot be read.

    The message lists every missing, unexpected or mis-shaped tensor by name.
    """


class LoadReport(NamedTuple):
    """What :func:`load_state_dict` did besides copying matching tensors.

    Attributes
    ----------
    missing : tuple of str
        Model parameters (our names) the checkpoint lacked; they keep their
        initial values (a new classification head, or anything with ``strict=False``).
    unexpected : tuple of str
        Checkpoint tensors (their own names) that were not used (a head the
        model does not have, or anything with ``strict=False``).
    """

    missing: tuple[str, ...]
    unexpected: tuple[str, ...]


def tf_to_hf(name: str) -> tuple[str, bool] | None:
    """Map a TensorFlow BERT variable name to its Hugging Face name.

    Parameters
    ----------
    name : str
        A variable name of Google's BERT checkpoints.

    Returns
    -------
    (str, bool) or None
        The Hugging Face name and whether the array must be transposed (a
        ``kernel``); ``None`` for a name no table row matches.

    Examples
    --------
    >>> tf_to_hf("bert/encoder/layer_3/attention/self/query/kernel")
    ('bert.encoder.layer.3.attention.self.query.weight', True)
    >>> tf_to_hf("bert/embeddings/LayerNorm/gamma")
    ('bert.embeddings.LayerNorm.gamma', False)
    """
    for pattern, template in TF_NAME_TABLE:
        match = re.fullmatch(pattern, name)
        if match:
            hf_name = match.expand(template)
            if hf_name.endswith(".kernel"):
                return hf_name[: -len("kernel")] + "weight", True
            return hf_name, False
    return None


def hf_to_ours(name: str) -> str:
    """Map a Hugging Face BERT tensor name to the name in :mod:`neural.bert.model`.

    The ``bert.`` prefix is dropped: our names are relative to the encoder, with
    the heads under ``mlm_head.``, ``classifier.`` and ``nsp_head.`` (a head no
    model here has).  A name that matches no row of :data:`HF_NAME_TABLE` is
    returned as it is (so our own names pass through).

    Parameters
    ----------
    name : str
        A tensor name of a Hugging Face ``BertModel``, ``BertForMaskedLM``,
        ``BertForPreTraining`` or ``BertForSequenceClassification``.

    Returns
    -------
    str

    Examples
    --------
    >>> hf_to_ours("bert.encoder.layer.0.attention.output.LayerNorm.gamma")
    'encoder.layers.0.attention_norm.weight'
    >>> hf_to_ours("cls.predictions.decoder.bias")
    'mlm_head.decoder.bias'
    >>> hf_to_ours("pooler.dense.weight")
    'pooler.dense.weight'
    """
    name = name.removeprefix("bert.")
    name = re.sub(r"LayerNorm\.gamma$", "LayerNorm.weight", name)
    name = re.sub(r"LayerNorm\.beta$", "LayerNorm.bias", name)
    for pattern, template in HF_NAME_TABLE:
        match = re.fullmatch(pattern, name)
        if match:
            return match.expand(template)
    return name


def convert_checkpoint(state: Mapping[str, Any]) -> dict[str, tuple[str, Tensor]]:
    """Rename a checkpoint's tensors to our names, transposing TF kernels.

    A checkpoint with a ``/`` in any name is read in TensorFlow variable names
    (through :data:`TF_NAME_TABLE`, then :data:`HF_NAME_TABLE`), any other in
    Hugging Face or our own names.  Entries that are not weights (HF's ``position_ids``
    buffer, TF optimizer slots and ``global_step``) are dropped.

    Parameters
    ----------
    state : mapping of str to Tensor or numpy.ndarray
        The checkpoint.

    Returns
    -------
    dict
        ``our name -> (checkpoint name, tensor)``.  A TF name no table row
        matches is kept under its own name, so that loading reports it.  Where
        two checkpoint names give the same tensor (HF's ``cls.predictions.bias``
        and ``cls.predictions.decoder.bias``) the first is kept.

    Raises
    ------
    CheckpointError
        A value that is neither a tensor nor an array.

    Examples
    --------
    >>> kernel = np.zeros((4, 8), dtype=np.float32)   # TF: (in, out)
    >>> name, weight = convert_checkpoint(
    ...     {"bert/encoder/layer_0/intermediate/dense/kernel": kernel}
    ... )["encoder.layers.0.intermediate.weight"]
    >>> name, tuple(weight.shape)
    ('bert/encoder/layer_0/intermediate/dense/kernel', (8, 4))
    """
    tf_names = any("/" in name for name in state)
    converted: dict[str, tuple[str, Tensor]] = {}
    for name, value in state.items():
        if _NOT_WEIGHTS.fullmatch(name):
            continue
        if isinstance(value, np.ndarray | np.generic):
            tensor = torch.from_numpy(np.array(value))
        elif isinstance(value, Tensor):
            tensor = value
        else:
            raise CheckpointError(
                f"checkpoint entry {name!r} is a {type(value).__name__}, not a tensor or array"
            )
        ours = name
        if tf_names:
            mapped = tf_to_hf(name)
            if mapped is not None:
                hf_name, transpose = mapped
                ours = hf_to_ours(hf_name)
                if transpose:
                    if tensor.ndim != 2:
                        raise CheckpointError(
                            f"checkpoint tensor {name!r} is a kernel and must "
                            f"be 2-D, got shape {tuple(tensor.shape)}"
                        )
                    tensor = tensor.T.contiguous()
        else:
            ours = hf_to_ours(name)
        converted.setdefault(ours, (name, tensor))
    return converted


def _has_transposed(name: str) -> bool:
    return "/" in name and name.endswith("/kernel")


def _listed(lines: list[str]) -> list[str]:
    if len(lines) > _MAX_LISTED:
        return [*lines[:_MAX_LISTED], f"  ... and {len(lines) - _MAX_LISTED} more"]
    return lines


def load_state_dict(
    model: nn.Module, state: Mapping[str, Any], *, strict: bool = True
) -> LoadReport:
    """Copy a checkpoint's tensors into a model of :mod:`neural.bert.model`, in place.

    Any naming is accepted: Hugging Face, Google TensorFlow, or ours (see
    :func:`convert_checkpoint`).  Tied or shared parameters (the masked-LM
    decoder and the word embeddings) are filled once.

    Parameters
    ----------
    model : nn.Module
        A :class:`~neural.bert.model.BertModel`,
        :class:`~neural.bert.model.BertForMaskedLM` or
        :class:`~neural.bert.model.BertForSequenceClassification`.
    state : mapping of str to Tensor or numpy.ndarray
        The checkpoint.
    strict : bool
        Raise on missing and unexpected tensors.  Either way a head the model
        does not have (the pooler, masked-LM or next-sentence head of a
        pretraining checkpoint) is left unused, and a classification head the
        checkpoint does not have keeps its fresh initialisation.

    Returns
    -------
    LoadReport
        The model parameters left as they were and the checkpoint tensors not used.

    Raises
    ------
    CheckpointError
        Listing, by name, every tensor whose shape differs from the model's
        (always), and with ``strict`` every missing and unexpected tensor.

    Examples
    --------
    >>> from neural.bert.model import BertModel
    >>> config = BertConfig(vocab_size=50, hidden_size=8, num_hidden_layers=1,
    ...                     num_attention_heads=2, intermediate_size=16)
    >>> source, target = BertModel(config), BertModel(config)
    >>> load_state_dict(target, source.state_dict())
    LoadReport(missing=(), unexpected=())
    >>> bad = dict(source.state_dict())
    >>> bad["encoder.layers.0.output.bias"] = torch.zeros(16)
    >>> del bad["pooler.dense.bias"]
    >>> load_state_dict(target, bad)
    Traceback (most recent call last):
    ...
    neural.bert.checkpoint.CheckpointError: the checkpoint does not fit the model:
      checkpoint tensor 'encoder.layers.0.output.bias' has shape (16,), the model expects (8,)
      missing from the checkpoint: 'pooler.dense.bias'
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(state, Mapping):
        raise TypeError(
            f"state must be a mapping of tensor names to tensors, got {type(state).__name__}"
        )
    checkpoint = convert_checkpoint(state)

    # Our names (relative to the encoder) of every parameter, grouped by identity
    # so that tied or shared parameters are filled once.
    groups: dict[int, tuple[Tensor, list[str]]] = {}
    for name, param in model.named_parameters(remove_duplicate=False):
        groups.setdefault(id(param), (param, []))[1].append(name.removeprefix("bert."))
    known = {name for _, names in groups.values() for name in names}
    parts = {part for part in _OPTIONAL_PARTS if any(name.startswith(part) for name in known)}

    problems: list[str] = []
    missing: list[str] = []
    updates: list[tuple[Tensor, Tensor]] = []
    for param, names in groups.values():
        found = [checkpoint[name] for name in names if name in checkpoint]
        for source_name, tensor in found:
            if tuple(tensor.shape) != tuple(param.shape):
                note = " (after transposing the TF kernel)" if _has_transposed(source_name) else ""
                ours = "" if source_name == names[0] else f" (our {names[0]!r})"
                problems.append(
                    f"  checkpoint tensor {source_name!r}{ours} has shape "
                    f"{tuple(tensor.shape)}{note}, the model expects {tuple(param.shape)}"
                )
        if found:
            updates.append((param, found[0][1]))
        else:
            missing.append(names[0])
    unexpected = [(ours, source) for ours, (source, _) in checkpoint.items() if ours not in known]
    if strict:
        # A new task head may be missing; a head the model lacks may be present.
        problems += [
            f"  missing from the checkpoint: {name!r}"
            for name in missing
            if not name.startswith(_NEW_PARTS)
        ]
        problems += [
            f"  unexpected in the checkpoint: {source!r}"
            for ours, source in unexpected
            if _part(ours) is None or _part(ours) in parts
        ]
    if problems:
        raise CheckpointError(
            "the checkpoint does not fit the model:\n" + "\n".join(_listed(problems))
        )
    with torch.no_grad():
        for param, tensor in updates:
            param.copy_(tensor)
    return LoadReport(tuple(missing), tuple(source for _, source in unexpected))


def _part(ours: str) -> str | None:
    for part in _OPTIONAL_PARTS:
        if ours.startswith(part):
            return part
    return None


def read_weights(path: str | os.PathLike) -> dict[str, Any]:
    """Read the tensors of one weights file, keyed by the names stored in it.

    Parameters
    ----------
    path : str or os.PathLike
        ``*.safetensors``, ``*.safetensors.index.json`` (sharded),
        ``*.bin``/``*.pt``/``*.pth`` (a pickled ``state_dict``, read with
        ``weights_only=True``) or ``*.npz`` (arrays, e.g. TF variables).

    Returns
    -------
    dict
        Name to :class:`torch.Tensor` (or :class:`numpy.ndarray` for ``.npz``).

    Raises
    ------
    FileNotFoundError
        No such file.
    CheckpointError
        An unknown suffix, or a file that does not hold named tensors.

    Examples
    --------
    >>> import tempfile
    >>> from safetensors.torch import save_file
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save_file({"pooler.dense.bias": torch.zeros(4)}, f"{folder}/model.safetensors")
    ...     read_weights(f"{folder}/model.safetensors")
    {'pooler.dense.bias': tensor([0., 0., 0., 0.])}
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no weights file {os.fspath(path)!r}")
    name = path.name
    if name.endswith(".safetensors"):
        from safetensors.torch import load_file

        return dict(load_file(path, device="cpu"))
    if name.endswith(".safetensors.index.json"):
        index = json.loads(path.read_text(encoding="utf-8"))
        state: dict[str, Any] = {}
        for shard in sorted(set(index.get("weight_map", {}).values())):
            state.update(read_weights(path.parent / shard))
        return state
    if name.endswith((".bin", ".pt", ".pth")):
        loaded = torch.load(path, map_location="cpu", weights_only=True)
        if not isinstance(loaded, Mapping) or not all(
            isinstance(k, str) and isinstance(v, Tensor) for k, v in loaded.items()
        ):
            raise CheckpointError(f"{os.fspath(path)}: expected a state_dict (names to tensors)")
        return dict(loaded)
    if name.endswith(".npz"):
        with np.load(path, allow_pickle=False) as arrays:
            return {key: arrays[key] for key in arrays.files}
    raise CheckpointError(
        f"{os.fspath(path)}: unknown weights format; expected .safetensors, .bin, .pt, .pth or .npz"
    )


def read_tf_checkpoint(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read the variables of a Google BERT checkpoint, keyed by their TF names.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.npz`` file of arrays keyed by TF variable names, or a TensorFlow
        checkpoint prefix (``.../bert_model.ckpt``, beside its ``.index`` and
        ``.data-*`` files), which needs TensorFlow installed.

    Returns
    -------
    dict of str to numpy.ndarray

    Raises
    ------
    CheckpointError
        A TensorFlow checkpoint without TensorFlow installed; the message says
        how to convert it to ``.npz`` where TensorFlow is available.
    FileNotFoundError
        Neither a ``.npz`` file nor a checkpoint prefix.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     np.savez(f"{folder}/bert_model.npz", **{"bert/pooler/dense/bias": np.zeros(2)})
    ...     read_tf_checkpoint(f"{folder}/bert_model.npz")
    {'bert/pooler/dense/bias': array([0., 0.])}
    """
    path = Path(path)
    if path.suffix == ".npz":
        return read_weights(path)
    if not Path(f"{path}.index").is_file():
        raise FileNotFoundError(
            f"no .npz file or TensorFlow checkpoint {os.fspath(path)!r} "
            f"(expected {os.fspath(path)}.index beside its data files)"
        )
    try:
        import tensorflow as tf  # noqa: PLC0415 - optional, heavy
    except ImportError:
        raise CheckpointError(
            f"{os.fspath(path)} is a TensorFlow checkpoint and reading it needs tensorflow, "
            f"which is not installed.  Where it is, convert it once with\n"
            f"  import numpy as np, tensorflow as tf\n"
            f"  np.savez('bert_model.npz', **{{n: tf.train.load_variable('{path}', n)\n"
            f"                              for n, _ in tf.train.list_variables('{path}')}})\n"
            f"and load the .npz file."
        ) from None
    prefix = os.fspath(path)
    return {
        name: np.asarray(tf.train.load_variable(prefix, name))
        for name, _ in tf.train.list_variables(prefix)
    }


def _find_weights(folder: Path) -> Path:
    for name in ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin"):
        if (folder / name).is_file():
            return folder / name
    npz = sorted(folder.glob("*.npz"))
    if len(npz) == 1:
        return npz[0]
    tf_index = sorted(folder.glob("*.ckpt*.index"))
    if len(tf_index) == 1:
        return tf_index[0].with_suffix("")
    raise FileNotFoundError(
        f"no weights in {os.fspath(folder)!r}: expected model.safetensors, pytorch_model.bin, "
        f"one .npz of TF variables or one TensorFlow checkpoint (*.ckpt.index)"
    )


def load_pretrained(
    path: str | os.PathLike,
    model_class: type[ModelT] = BertModel,  # type: ignore[assignment]
    *,
    strict: bool = True,
    **model_kwargs: Any,
) -> ModelT:
    """Build a model from a pretrained checkpoint folder and load its weights.

    Parameters
    ----------
    path : str or os.PathLike
        A folder in the Hugging Face layout (``config.json`` with
        ``model.safetensors`` or ``pytorch_model.bin``) or Google's layout
        (``bert_config.json`` with one ``.npz`` of TF variables, or a TF
        checkpoint when TensorFlow is installed); or a weights file whose
        folder holds the config.  ``vocab.txt`` in the folder is for the
        tokenizer and is not read here.
    model_class : type
        :class:`~neural.bert.model.BertModel` (default),
        :class:`~neural.bert.model.BertForMaskedLM` or
        :class:`~neural.bert.model.BertForSequenceClassification`.
    strict : bool
        As in :func:`load_state_dict`.
    **model_kwargs
        Passed to ``model_class`` after the config (``num_labels=3``).

    Returns
    -------
    nn.Module
        The model, in evaluation mode (call ``.train()`` to fine-tune).

    Raises
    ------
    FileNotFoundError
        No config or no weights file.
    CheckpointError
        The weights do not fit the config (names every tensor at fault).
    ValueError
        A bad config value.

    Examples
    --------
    >>> import tempfile
    >>> from neural.bert.model import BertForSequenceClassification
    >>> _ = torch.manual_seed(0)
    >>> config = BertConfig(vocab_size=50, hidden_size=8, num_hidden_layers=1,
    ...                     num_attention_heads=2, intermediate_size=16)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     config.to_json_file(f"{folder}/config.json")
    ...     torch.save(BertModel(config).state_dict(), f"{folder}/pytorch_model.bin")
    ...     model = load_pretrained(folder, BertForSequenceClassification, num_labels=3)
    >>> model.classifier.out_features, model.training
    (3, False)
    """
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    config_path = next(
        (
            folder / name
            for name in ("config.json", "bert_config.json")
            if (folder / name).is_file()
        ),
        None,
    )
    if config_path is None:
        raise FileNotFoundError(f"no config.json or bert_config.json in {os.fspath(folder)!r}")
    config = BertConfig.from_json_file(config_path)
    weights_path = _find_weights(folder) if path.is_dir() else path
    if weights_path.suffix == ".npz" or Path(f"{weights_path}.index").is_file():
        state: Mapping[str, Any] = read_tf_checkpoint(weights_path)
    else:
        state = read_weights(weights_path)
    model = model_class(config, **model_kwargs)
    try:
        load_state_dict(model, state, strict=strict)
    except CheckpointError as error:
        raise CheckpointError(f"{os.fspath(weights_path)}: {error}") from None
    return model.eval()
