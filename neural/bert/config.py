"""The hyper-parameters of a BERT encoder, read from and written to ``config.json``.

The field names are those of the Hugging Face ``config.json`` and of Google's
``bert_config.json``, so either file is read as it is.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["ACTIVATIONS", "BertConfig"]

#: The values of ``hidden_act`` this package implements: ``"gelu"`` is the exact
#: (erf) GELU as in Hugging Face, ``"gelu_new"`` and ``"gelu_pytorch_tanh"`` the
#: tanh approximation.
ACTIVATIONS = ("gelu", "gelu_new", "gelu_pytorch_tanh", "relu")

# Keys of a config file that describe a variant this package does not implement,
# with the one value it does.
_MUST_EQUAL = {
    "model_type": "bert",
    "position_embedding_type": "absolute",
    "is_decoder": False,
    "add_cross_attention": False,
}


@dataclass
class BertConfig:
    """The shape and regularisation of a BERT encoder.

    The defaults are those of BERT-base (uncased).  Every value is checked when
    the object is made, so a bad config fails here, not deep inside a forward
    pass.

    Parameters
    ----------
    vocab_size : int
        Number of rows of the word-embedding table.
    hidden_size : int
        Width of every hidden state; a multiple of ``num_attention_heads``.
    num_hidden_layers : int
        Number of transformer layers.
    num_attention_heads : int
        Number of attention heads per layer.
    intermediate_size : int
        Width of the feed-forward layer inside each transformer layer.
    hidden_act : str
        Activation of the feed-forward layer, one of :data:`ACTIVATIONS`;
        ``"gelu"`` is the exact GELU, ``x * Phi(x)``.
    hidden_dropout_prob : float
        Dropout on embeddings and on the outputs of each sub-layer, in [0, 1).
    attention_probs_dropout_prob : float
        Dropout on the attention probabilities, in [0, 1).
    max_position_embeddings : int
        Longest sequence the position-embedding table covers.
    type_vocab_size : int
        Number of token types (segments).
    layer_norm_eps : float
        The epsilon of every LayerNorm, > 0.
    pad_token_id : int or None
        Id of the padding token, whose embedding row gets no gradient.
    initializer_range : float
        Standard deviation of the normal initialisation of weights, > 0.
    classifier_dropout : float or None
        Dropout before a classification head; ``None`` uses
        ``hidden_dropout_prob``.

    Raises
    ------
    ValueError
        A value out of range, or ``hidden_size`` not a multiple of
        ``num_attention_heads``; the message names the field.

    Examples
    --------
    >>> config = BertConfig(vocab_size=100, hidden_size=16, num_hidden_layers=2,
    ...                     num_attention_heads=4, intermediate_size=32)
    >>> config.head_size
    4
    >>> BertConfig.from_dict(config.to_dict()) == config
    True
    >>> BertConfig(hidden_size=10, num_attention_heads=4)
    Traceback (most recent call last):
    ...
    ValueError: hidden_size (10) must be a multiple of num_attention_heads (4)
    """

    vocab_size: int = 30522
    hidden_size: int = 768
    num_hidden_layers: int = 12
    num_attention_heads: int = 12
    intermediate_size: int = 3072
    hidden_act: str = "gelu"
    hidden_dropout_prob: float = 0.1
    attention_probs_dropout_prob: float = 0.1
    max_position_embeddings: int = 512
    type_vocab_size: int = 2
    layer_norm_eps: float = 1e-12
    pad_token_id: int | None = 0
    initializer_range: float = 0.02
    classifier_dropout: float | None = None

    def __post_init__(self) -> None:
        for name in (
            "vocab_size",
            "hidden_size",
            "num_attention_heads",
            "intermediate_size",
            "max_position_embeddings",
            "type_vocab_size",
        ):
            _check_int(name, getattr(self, name), minimum=1)
        _check_int("num_hidden_layers", self.num_hidden_layers, minimum=0)
        if self.hidden_size % self.num_attention_heads:
            raise ValueError(
                f"hidden_size ({self.hidden_size}) must be a multiple of "
                f"num_attention_heads ({self.num_attention_heads})"
            )
        if self.hidden_act not in ACTIVATIONS:
            raise ValueError(
                f"hidden_act must be one of {', '.join(map(repr, ACTIVATIONS))}, "
                f"got {self.hidden_act!r}"
            )
        for name in ("hidden_dropout_prob", "attention_probs_dropout_prob", "classifier_dropout"):
            value = getattr(self, name)
            if value is None and name == "classifier_dropout":
                continue
            if not _is_real(value) or not 0.0 <= value < 1.0:
                raise ValueError(f"{name} must be a probability in [0, 1), got {value!r}")
        for name in ("layer_norm_eps", "initializer_range"):
            value = getattr(self, name)
            if not _is_real(value) or not value > 0:
                raise ValueError(f"{name} must be a number > 0, got {value!r}")
        if self.pad_token_id is not None:
            _check_int("pad_token_id", self.pad_token_id, minimum=0)
            if self.pad_token_id >= self.vocab_size:
                raise ValueError(
                    f"pad_token_id must be None or in [0, vocab_size="
                    f"{self.vocab_size}), got {self.pad_token_id}"
                )

    @property
    def head_size(self) -> int:
        """Width of one attention head, ``hidden_size // num_attention_heads``."""
        return self.hidden_size // self.num_attention_heads

    def replace(self, **changes: Any) -> BertConfig:
        """Return a copy with some fields changed (and checked again).

        Parameters
        ----------
        **changes
            Field names and their new values.

        Returns
        -------
        BertConfig
            The new config; this one is left as it is.

        Examples
        --------
        >>> BertConfig().replace(num_hidden_layers=6).num_hidden_layers
        6
        """
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> BertConfig:
        """Make a config from the keys of a ``config.json`` or ``bert_config.json``.

        Keys that are not fields (``architectures``, ``transformers_version``, ...)
        are ignored; missing fields take their defaults.

        Parameters
        ----------
        values : mapping
            The parsed JSON object.

        Returns
        -------
        BertConfig

        Raises
        ------
        ValueError
            A field out of range, or a key that asks for a variant this package
            does not implement (``model_type`` other than ``"bert"``, relative
            position embeddings, a decoder).

        Examples
        --------
        >>> BertConfig.from_dict({"hidden_size": 8, "num_attention_heads": 2,
        ...                       "architectures": ["BertModel"]}).hidden_size
        8
        """
        if not isinstance(values, Mapping):
            raise TypeError(f"values must be a mapping of config keys, got {type(values).__name__}")
        for key, wanted in _MUST_EQUAL.items():
            if key in values and values[key] != wanted:
                raise ValueError(
                    f"config key {key!r} is {values[key]!r}; this BERT "
                    f"implementation supports only {wanted!r}"
                )
        names = {field.name for field in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in values.items() if key in names})

    @classmethod
    def from_json_file(cls, path: str | os.PathLike) -> BertConfig:
        """Read a ``config.json`` (Hugging Face) or ``bert_config.json`` (Google).

        Parameters
        ----------
        path : str or os.PathLike
            The JSON file.

        Returns
        -------
        BertConfig

        Raises
        ------
        FileNotFoundError
            No such file.
        ValueError
            The file is not a JSON object, or a field is out of range; the
            message names the file.

        Examples
        --------
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     BertConfig(num_hidden_layers=2).to_json_file(f"{folder}/config.json")
        ...     BertConfig.from_json_file(f"{folder}/config.json").num_hidden_layers
        2
        """
        text = Path(path).read_text(encoding="utf-8")
        try:
            values = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"{os.fspath(path)}: not valid JSON ({error})") from None
        if not isinstance(values, dict):
            raise ValueError(f"{os.fspath(path)}: expected a JSON object of config keys")
        try:
            return cls.from_dict(values)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{os.fspath(path)}: {error}") from None

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a plain dict (with ``model_type: "bert"``)."""
        return {"model_type": "bert", **dataclasses.asdict(self)}

    def to_json_file(self, path: str | os.PathLike) -> None:
        """Write the config as a ``config.json`` that Hugging Face can read too."""
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(self.to_dict(), handle, indent=2, sort_keys=True)
            handle.write("\n")


def _is_real(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_int(name: str, value: Any, minimum: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
