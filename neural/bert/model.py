"""BERT as plain PyTorch modules: embeddings, encoder layers, pooler and two heads.

The parts are ordinary :class:`torch.nn.Module` attributes, so reusing them is
one line each:

* a sub-model of the first ``k`` layers: ``model.truncated(k)`` (shares the
  weights), or ``model.encoder.layers = model.encoder.layers[:k]`` in place;
* sharing a layer between two models: ``b.encoder.layers[0] = a.encoder.layers[0]``.

The arithmetic follows the Hugging Face ``BertModel`` (post-LayerNorm layers,
exact GELU, a padding mask on the attention keys, ``tanh`` pooler over the first
token), so weights loaded by :mod:`neural.bert.checkpoint` give the same hidden
states.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F  # noqa: N812 - the usual name
from torch import Tensor, nn

from .config import BertConfig

__all__ = [
    "BertEmbeddings",
    "BertEncoder",
    "BertForMaskedLM",
    "BertForSequenceClassification",
    "BertLayer",
    "BertLMHead",
    "BertModel",
    "BertOutput",
    "BertPooler",
    "BertSelfAttention",
    "MaskedLMOutput",
    "SequenceClassifierOutput",
    "mean_pool",
]


class BertOutput(NamedTuple):
    """What :meth:`BertModel.forward` returns.

    Attributes
    ----------
    last_hidden_state : Tensor
        ``(batch, seq_len, hidden_size)``, the output of the last layer.
    pooled : Tensor or None
        ``(batch, hidden_size)``, ``tanh(dense(first token))``; ``None`` for a
        model made with ``add_pooling_layer=False``.
    """

    last_hidden_state: Tensor
    pooled: Tensor | None


class MaskedLMOutput(NamedTuple):
    """What :meth:`BertForMaskedLM.forward` returns.

    Attributes
    ----------
    logits : Tensor
        ``(batch, seq_len, vocab_size)`` scores over the vocabulary.
    loss : Tensor or None
        Mean cross-entropy over the positions whose label is not -100, when
        ``labels`` were given.
    """

    logits: Tensor
    loss: Tensor | None


class SequenceClassifierOutput(NamedTuple):
    """What :meth:`BertForSequenceClassification.forward` returns.

    Attributes
    ----------
    logits : Tensor
        ``(batch, num_labels)`` class scores.
    loss : Tensor or None
        Mean cross-entropy, when ``labels`` were given.
    """

    logits: Tensor
    loss: Tensor | None


def _activation(name: str) -> nn.Module:
    if name == "gelu":
        return nn.GELU()  # exact: x * Phi(x), via erf
    if name in ("gelu_new", "gelu_pytorch_tanh"):
        return nn.GELU(approximate="tanh")
    if name == "relu":
        return nn.ReLU()
    raise ValueError(f"unknown hidden_act {name!r}")  # BertConfig has already checked


class BertEmbeddings(nn.Module):
    """Word + position + token-type embeddings, then LayerNorm and dropout.

    Parameters
    ----------
    config : BertConfig
        Sizes, ``layer_norm_eps``, ``hidden_dropout_prob`` and ``pad_token_id``.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> config = BertConfig(vocab_size=50, hidden_size=8, num_hidden_layers=1,
    ...                     num_attention_heads=2, intermediate_size=16)
    >>> BertEmbeddings(config)(torch.tensor([[2, 7, 9]])).shape
    torch.Size([1, 3, 8])
    """

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(
            config.vocab_size, config.hidden_size, padding_idx=config.pad_token_id
        )
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
        self.layer_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, input_ids: Tensor, token_type_ids: Tensor | None = None) -> Tensor:
        """Embed ``(batch, seq_len)`` ids as ``(batch, seq_len, hidden_size)``.

        Positions are ``0 .. seq_len - 1``; ``token_type_ids`` default to 0.
        The ids are not checked here; :meth:`BertModel.forward` checks them.
        """
        seq_len = input_ids.shape[1]
        positions = torch.arange(seq_len, device=input_ids.device)
        if token_type_ids is None:
            token_types = self.token_type_embeddings.weight[0]
        else:
            token_types = self.token_type_embeddings(token_type_ids)
        # (word + type) + position: the order of Hugging Face's float32 rounding
        hidden = self.word_embeddings(input_ids) + token_types + self.position_embeddings(positions)
        return self.dropout(self.layer_norm(hidden))


class BertSelfAttention(nn.Module):
    """Multi-head scaled dot-product self-attention with its output projection.

    Parameters
    ----------
    config : BertConfig
        ``hidden_size``, ``num_attention_heads`` and
        ``attention_probs_dropout_prob``.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> config = BertConfig(vocab_size=50, hidden_size=8, num_hidden_layers=1,
    ...                     num_attention_heads=2, intermediate_size=16)
    >>> attention = BertSelfAttention(config).eval()
    >>> x = torch.randn(2, 5, 8)
    >>> keep = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.bool)
    >>> y = attention(x, keep)
    >>> x2 = x.clone(); x2[1, 3:] = 100.0   # what a padded key holds does not matter
    >>> torch.allclose(attention(x2, keep)[1, :3], y[1, :3], atol=1e-6)
    True
    """

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.num_heads = config.num_attention_heads
        self.head_size = config.head_size
        self.query = nn.Linear(config.hidden_size, config.hidden_size)
        self.key = nn.Linear(config.hidden_size, config.hidden_size)
        self.value = nn.Linear(config.hidden_size, config.hidden_size)
        self.output = nn.Linear(config.hidden_size, config.hidden_size)
        self.dropout = nn.Dropout(config.attention_probs_dropout_prob)

    def _heads(self, x: Tensor) -> Tensor:
        batch, seq_len, _ = x.shape
        return x.view(batch, seq_len, self.num_heads, self.head_size).transpose(1, 2)

    def forward(self, hidden: Tensor, keep: Tensor | None = None) -> Tensor:
        """Attend over ``hidden`` ``(batch, seq_len, hidden_size)``.

        ``keep`` is a boolean ``(batch, seq_len)`` mask of the keys that may be
        attended to (``False`` at padding); ``None`` attends to all.  Returns the
        projected ``(batch, seq_len, hidden_size)`` result, before dropout and the
        residual connection.
        """
        batch, seq_len, width = hidden.shape
        query, key, value = (
            self._heads(proj(hidden)) for proj in (self.query, self.key, self.value)
        )
        # softmax(q k^T / sqrt(head_size) + mask) v, with dropout on the probabilities; the
        # fused kernel and mask layout of Hugging Face's default, so float32 results agree
        # bit for bit (padded positions are ill-conditioned: other kernels differ ~5e-5)
        mask = None if keep is None else keep[:, None, None, :].expand(batch, 1, seq_len, seq_len)
        context = F.scaled_dot_product_attention(
            query,
            key,
            value,
            attn_mask=mask,
            scale=self.head_size**-0.5,
            dropout_p=self.dropout.p if self.training else 0.0,
        )
        return self.output(context.transpose(1, 2).reshape(batch, seq_len, width))


class BertLayer(nn.Module):
    """One transformer layer: attention and feed-forward, each with residual + LayerNorm.

    ``h = LayerNorm(x + dropout(attention(x)))``, then
    ``LayerNorm(h + dropout(output(act(intermediate(h)))))``.

    Parameters
    ----------
    config : BertConfig
        Sizes, ``hidden_act``, ``layer_norm_eps`` and the dropout rates.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> config = BertConfig(vocab_size=50, hidden_size=8, num_hidden_layers=1,
    ...                     num_attention_heads=2, intermediate_size=16)
    >>> BertLayer(config)(torch.randn(2, 5, 8)).shape
    torch.Size([2, 5, 8])
    """

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.attention = BertSelfAttention(config)
        self.attention_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.intermediate = nn.Linear(config.hidden_size, config.intermediate_size)
        self.activation = _activation(config.hidden_act)
        self.output = nn.Linear(config.intermediate_size, config.hidden_size)
        self.output_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, hidden: Tensor, keep: Tensor | None = None) -> Tensor:
        """Map ``(batch, seq_len, hidden_size)`` to the same shape; ``keep`` as in attention."""
        hidden = self.attention_norm(hidden + self.dropout(self.attention(hidden, keep)))
        feed_forward = self.output(self.activation(self.intermediate(hidden)))
        return self.output_norm(hidden + self.dropout(feed_forward))


class BertEncoder(nn.Module):
    """A stack of :class:`BertLayer` in ``self.layers`` (an :class:`~torch.nn.ModuleList`).

    Parameters
    ----------
    config : BertConfig
        ``num_hidden_layers`` layers are made from it.

    Examples
    --------
    Keep the first layer only, or share one layer between two encoders, in one line:

    >>> _ = torch.manual_seed(0)
    >>> config = BertConfig(vocab_size=50, hidden_size=8, num_hidden_layers=3,
    ...                     num_attention_heads=2, intermediate_size=16)
    >>> a, b = BertEncoder(config), BertEncoder(config)
    >>> a.layers = a.layers[:1]
    >>> b.layers[2] = a.layers[0]
    >>> len(a.layers), b.layers[2].output.weight is a.layers[0].output.weight
    (1, True)
    """

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.layers = nn.ModuleList(BertLayer(config) for _ in range(config.num_hidden_layers))

    def forward(self, hidden: Tensor, keep: Tensor | None = None) -> Tensor:
        """Run every layer in turn; ``keep`` as in :class:`BertSelfAttention`."""
        for layer in self.layers:
            hidden = layer(hidden, keep)
        return hidden


class BertPooler(nn.Module):
    """``tanh(dense(hidden[:, 0]))``: a vector per sequence from its first ([CLS]) token.

    Parameters
    ----------
    config : BertConfig
        ``hidden_size``.

    Examples
    --------
    >>> config = BertConfig(vocab_size=50, hidden_size=8, num_hidden_layers=1,
    ...                     num_attention_heads=2, intermediate_size=16)
    >>> BertPooler(config)(torch.zeros(3, 5, 8)).shape
    torch.Size([3, 8])
    """

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)

    def forward(self, hidden: Tensor) -> Tensor:
        """Pool ``(batch, seq_len, hidden_size)`` to ``(batch, hidden_size)``."""
        return torch.tanh(self.dense(hidden[:, 0]))


def _init_weights(module: nn.Module, std: float) -> None:
    if isinstance(module, nn.Linear):
        nn.init.normal_(module.weight, mean=0.0, std=std)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.Embedding):
        nn.init.normal_(module.weight, mean=0.0, std=std)
        if module.padding_idx is not None:
            with torch.no_grad():
                module.weight[module.padding_idx].zero_()
    elif isinstance(module, nn.LayerNorm):
        nn.init.ones_(module.weight)
        nn.init.zeros_(module.bias)


class BertModel(nn.Module):
    """The BERT encoder: embeddings, ``config.num_hidden_layers`` layers and a pooler.

    Weights start as in BERT (normal with ``config.initializer_range``, LayerNorm
    at identity); load pretrained ones with
    :func:`neural.bert.checkpoint.load_pretrained`.

    Parameters
    ----------
    config : BertConfig
        The hyper-parameters.
    add_pooling_layer : bool
        Make the :class:`BertPooler` (``pooled`` is ``None`` without it).

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> config = BertConfig(vocab_size=50, hidden_size=8, num_hidden_layers=3,
    ...                     num_attention_heads=2, intermediate_size=16)
    >>> model = BertModel(config).eval()
    >>> ids = torch.tensor([[2, 7, 9, 3], [2, 5, 3, 0]])
    >>> out = model(ids, attention_mask=(ids != 0).long())
    >>> out.last_hidden_state.shape, out.pooled.shape
    (torch.Size([2, 4, 8]), torch.Size([2, 8]))

    A sub-model of the first two layers (sharing the weights) is one line:

    >>> first_two = model.truncated(2)
    >>> len(first_two.encoder.layers), first_two.encoder.layers[1] is model.encoder.layers[1]
    (2, True)

    and so is sharing a layer with another model:

    >>> other = BertModel(config)
    >>> other.encoder.layers[0] = model.encoder.layers[0]
    >>> other.encoder.layers[0].output.weight is model.encoder.layers[0].output.weight
    True
    """

    def __init__(self, config: BertConfig, add_pooling_layer: bool = True) -> None:
        super().__init__()
        if not isinstance(config, BertConfig):
            raise TypeError(f"config must be a BertConfig, got {type(config).__name__}")
        self.config = config
        self.embeddings = BertEmbeddings(config)
        self.encoder = BertEncoder(config)
        self.pooler = BertPooler(config) if add_pooling_layer else None
        self.apply(lambda module: _init_weights(module, config.initializer_range))

    def forward(
        self,
        input_ids: Tensor,
        attention_mask: Tensor | None = None,
        token_type_ids: Tensor | None = None,
    ) -> BertOutput:
        """Encode a batch of token ids.

        Parameters
        ----------
        input_ids : Tensor
            ``(batch, seq_len)`` integer ids in ``[0, vocab_size)``, with
            ``seq_len <= max_position_embeddings``.
        attention_mask : Tensor, optional
            Same shape: 1 (or ``True``) at real tokens, 0 at padding.  Padding
            is never attended to.  Default: all ones.
        token_type_ids : Tensor, optional
            Same shape, segment ids in ``[0, type_vocab_size)``.  Default: 0.

        Returns
        -------
        BertOutput
            ``(last_hidden_state, pooled)``.

        Raises
        ------
        TypeError
            ``input_ids`` (or ``token_type_ids``) is not an integer tensor, or an
            argument is not a tensor.
        ValueError
            A wrong shape, an id out of range, a sequence longer than
            ``max_position_embeddings``, or a mask value other than 0/1; the
            message names the argument.
        """
        keep = _check_inputs(self.config, input_ids, attention_mask, token_type_ids)
        hidden = self.encoder(self.embeddings(input_ids, token_type_ids), keep)
        pooled = self.pooler(hidden) if self.pooler is not None else None
        return BertOutput(hidden, pooled)

    def truncated(self, num_layers: int) -> BertModel:
        """Return a model made of the embeddings, the first ``num_layers`` layers and the pooler.

        The parts are shared, not copied: training one trains the other.  Use
        ``copy.deepcopy(model.truncated(k))`` for an independent sub-model.

        Parameters
        ----------
        num_layers : int
            How many layers to keep, ``0 <= num_layers <= len(self.encoder.layers)``.

        Returns
        -------
        BertModel
            Its ``config.num_hidden_layers`` is ``num_layers``.

        Raises
        ------
        ValueError
            ``num_layers`` out of range.

        Examples
        --------
        >>> config = BertConfig(vocab_size=50, hidden_size=8, num_hidden_layers=3,
        ...                     num_attention_heads=2, intermediate_size=16)
        >>> len(BertModel(config).truncated(1).encoder.layers)
        1
        """
        available = len(self.encoder.layers)
        if (
            isinstance(num_layers, bool)
            or not isinstance(num_layers, int)
            or not (0 <= num_layers <= available)
        ):
            raise ValueError(
                f"num_layers must be an integer in [0, {available}], got {num_layers!r}"
            )
        with torch.device("meta"):  # no memory for weights that are replaced at once
            sub = BertModel(
                self.config.replace(num_hidden_layers=0), add_pooling_layer=self.pooler is not None
            )
        sub.config = self.config.replace(num_hidden_layers=num_layers)
        sub.embeddings = self.embeddings
        sub.encoder.layers = self.encoder.layers[:num_layers]
        sub.pooler = self.pooler
        return sub.train(self.training)


class BertLMHead(nn.Module):
    """The masked-language-model head: ``decoder(LayerNorm(act(dense(h))))``.

    ``decoder.weight`` is the word-embedding table it is given (tied, the same
    :class:`~torch.nn.Parameter`); ``decoder.bias`` is its own.

    Parameters
    ----------
    config : BertConfig
        Sizes, ``hidden_act`` and ``layer_norm_eps``.
    word_embeddings : nn.Embedding
        The table whose weight the decoder shares.

    Examples
    --------
    >>> config = BertConfig(vocab_size=50, hidden_size=8, num_hidden_layers=1,
    ...                     num_attention_heads=2, intermediate_size=16)
    >>> table = nn.Embedding(50, 8)
    >>> BertLMHead(config, table).decoder.weight is table.weight
    True
    """

    def __init__(self, config: BertConfig, word_embeddings: nn.Embedding) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.activation = _activation(config.hidden_act)
        self.layer_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.decoder = nn.Linear(config.hidden_size, config.vocab_size)
        self.decoder.weight = word_embeddings.weight

    def forward(self, hidden: Tensor) -> Tensor:
        """Score ``(batch, seq_len, hidden_size)`` states over the vocabulary."""
        return self.decoder(self.layer_norm(self.activation(self.dense(hidden))))


class BertForMaskedLM(nn.Module):
    """BERT with the masked-language-model head tied to its word embeddings.

    Parameters
    ----------
    config : BertConfig
        The hyper-parameters.

    Attributes
    ----------
    bert : BertModel
        The encoder (without pooler, which this task does not use).
    mlm_head : BertLMHead
        The head; ``mlm_head.decoder.weight is bert.embeddings.word_embeddings.weight``.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> config = BertConfig(vocab_size=50, hidden_size=8, num_hidden_layers=1,
    ...                     num_attention_heads=2, intermediate_size=16)
    >>> model = BertForMaskedLM(config)
    >>> model.mlm_head.decoder.weight is model.bert.embeddings.word_embeddings.weight
    True
    >>> ids = torch.tensor([[2, 4, 9, 3]])
    >>> labels = torch.tensor([[-100, 7, -100, -100]])
    >>> out = model(ids, labels=labels)
    >>> out.logits.shape, out.loss.ndim
    (torch.Size([1, 4, 50]), 0)
    """

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.bert = BertModel(config, add_pooling_layer=False)
        self.mlm_head = BertLMHead(config, self.bert.embeddings.word_embeddings)
        for module in (self.mlm_head.dense, self.mlm_head.layer_norm):
            _init_weights(module, config.initializer_range)
        nn.init.zeros_(self.mlm_head.decoder.bias)  # its weight is the (initialised) word table

    @property
    def config(self) -> BertConfig:
        """The encoder's config."""
        return self.bert.config

    def forward(
        self,
        input_ids: Tensor,
        attention_mask: Tensor | None = None,
        token_type_ids: Tensor | None = None,
        labels: Tensor | None = None,
    ) -> MaskedLMOutput:
        """Score every position over the vocabulary.

        Parameters
        ----------
        input_ids, attention_mask, token_type_ids : Tensor
            As in :meth:`BertModel.forward`.
        labels : Tensor, optional
            ``(batch, seq_len)`` target ids, -100 at positions that do not count.

        Returns
        -------
        MaskedLMOutput
            ``(logits, loss)``; ``loss`` is ``None`` without ``labels``.

        Raises
        ------
        TypeError, ValueError
            As in :meth:`BertModel.forward`; ``labels`` of another shape than
            ``input_ids`` or with values outside ``[0, vocab_size)`` and -100.
        """
        hidden = self.bert(input_ids, attention_mask, token_type_ids).last_hidden_state
        logits = self.mlm_head(hidden)
        loss = None
        if labels is not None:
            _check_tensor("labels", labels, integer=True)
            if labels.shape != input_ids.shape:
                raise ValueError(
                    f"labels must have the shape of input_ids "
                    f"{tuple(input_ids.shape)}, got {tuple(labels.shape)}"
                )
            bad = (labels != -100) & ((labels < 0) | (labels >= self.config.vocab_size))
            if bad.any():
                raise ValueError(
                    f"labels must be -100 or in [0, vocab_size="
                    f"{self.config.vocab_size}), got {labels[bad][0].item()}"
                )
            loss = F.cross_entropy(logits.flatten(0, 1), labels.flatten().long(), ignore_index=-100)
        return MaskedLMOutput(logits, loss)


class BertForSequenceClassification(nn.Module):
    """BERT with a linear classifier on the pooled first-token vector.

    ``logits = classifier(dropout(pooled))``.

    Parameters
    ----------
    config : BertConfig
        The hyper-parameters; ``classifier_dropout`` (or else
        ``hidden_dropout_prob``) is the dropout before the classifier.
    num_labels : int
        Number of classes, >= 2.

    Attributes
    ----------
    bert : BertModel
        The encoder, with pooler.
    classifier : nn.Linear
        ``hidden_size -> num_labels``.

    Raises
    ------
    ValueError
        ``num_labels`` < 2.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> config = BertConfig(vocab_size=50, hidden_size=8, num_hidden_layers=1,
    ...                     num_attention_heads=2, intermediate_size=16)
    >>> model = BertForSequenceClassification(config, num_labels=3)
    >>> out = model(torch.tensor([[2, 4, 3], [2, 6, 3]]), labels=torch.tensor([0, 2]))
    >>> out.logits.shape, out.loss.ndim
    (torch.Size([2, 3]), 0)
    """

    def __init__(self, config: BertConfig, num_labels: int = 2) -> None:
        super().__init__()
        if isinstance(num_labels, bool) or not isinstance(num_labels, int) or num_labels < 2:
            raise ValueError(f"num_labels must be an integer >= 2, got {num_labels!r}")
        self.num_labels = num_labels
        self.bert = BertModel(config, add_pooling_layer=True)
        dropout = config.classifier_dropout
        self.dropout = nn.Dropout(config.hidden_dropout_prob if dropout is None else dropout)
        self.classifier = nn.Linear(config.hidden_size, num_labels)
        _init_weights(self.classifier, config.initializer_range)

    @property
    def config(self) -> BertConfig:
        """The encoder's config."""
        return self.bert.config

    def forward(
        self,
        input_ids: Tensor,
        attention_mask: Tensor | None = None,
        token_type_ids: Tensor | None = None,
        labels: Tensor | None = None,
    ) -> SequenceClassifierOutput:
        """Classify each sequence.

        Parameters
        ----------
        input_ids, attention_mask, token_type_ids : Tensor
            As in :meth:`BertModel.forward`.
        labels : Tensor, optional
            ``(batch,)`` class ids in ``[0, num_labels)``.

        Returns
        -------
        SequenceClassifierOutput
            ``(logits, loss)``; ``loss`` is ``None`` without ``labels``.

        Raises
        ------
        TypeError, ValueError
            As in :meth:`BertModel.forward`; ``labels`` not of shape ``(batch,)``
            or out of range.
        """
        pooled = self.bert(input_ids, attention_mask, token_type_ids).pooled
        logits = self.classifier(self.dropout(pooled))
        loss = None
        if labels is not None:
            _check_tensor("labels", labels, integer=True)
            if labels.shape != (input_ids.shape[0],):
                raise ValueError(
                    f"labels must have shape (batch,) = ({input_ids.shape[0]},), "
                    f"got {tuple(labels.shape)}"
                )
            if labels.numel() and (labels.min() < 0 or labels.max() >= self.num_labels):
                raise ValueError(
                    f"labels must be in [0, num_labels={self.num_labels}), got "
                    f"values from {labels.min().item()} to {labels.max().item()}"
                )
            loss = F.cross_entropy(logits, labels.long())
        return SequenceClassifierOutput(logits, loss)


def mean_pool(
    last_hidden_state: Tensor, attention_mask: Tensor | None = None, normalize: bool = False
) -> Tensor:
    """Average the hidden states of the real (unpadded) tokens of each sequence.

    This is the sentence-transformers "mean tokens" pooling; with
    ``normalize=True`` each vector is then scaled to unit L2 norm, as in
    all-MiniLM-L6-v2.

    Parameters
    ----------
    last_hidden_state : Tensor
        ``(batch, seq_len, hidden_size)``.
    attention_mask : Tensor, optional
        ``(batch, seq_len)``, 1 at real tokens and 0 at padding; default all ones.
    normalize : bool
        Divide each vector by its L2 norm.

    Returns
    -------
    Tensor
        ``(batch, hidden_size)``.

    Raises
    ------
    ValueError
        ``last_hidden_state`` not 3-D, or ``attention_mask`` not of shape
        ``(batch, seq_len)``.

    Examples
    --------
    >>> hidden = torch.tensor([[[1.0, 0.0], [3.0, 4.0], [9.0, 9.0]]])
    >>> mean_pool(hidden, torch.tensor([[1, 1, 0]]))
    tensor([[2., 2.]])
    >>> mean_pool(hidden, torch.tensor([[1, 1, 0]]), normalize=True)
    tensor([[0.7071, 0.7071]])
    """
    _check_tensor("last_hidden_state", last_hidden_state)
    if last_hidden_state.ndim != 3:
        raise ValueError(
            f"last_hidden_state must have shape (batch, seq_len, hidden_size), "
            f"got {tuple(last_hidden_state.shape)}"
        )
    if attention_mask is None:
        pooled = last_hidden_state.mean(dim=1)
    else:
        _check_tensor("attention_mask", attention_mask)
        if attention_mask.shape != last_hidden_state.shape[:2]:
            raise ValueError(
                f"attention_mask must have shape (batch, seq_len) = "
                f"{tuple(last_hidden_state.shape[:2])}, got {tuple(attention_mask.shape)}"
            )
        weights = attention_mask.to(last_hidden_state.dtype).unsqueeze(-1)
        pooled = (last_hidden_state * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
    return F.normalize(pooled, p=2.0, dim=-1) if normalize else pooled


def _check_tensor(name: str, value: object, integer: bool = False) -> None:
    if not isinstance(value, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if integer and (value.is_floating_point() or value.is_complex() or value.dtype == torch.bool):
        raise TypeError(f"{name} must be an integer tensor (torch.long), got {value.dtype}")


def _check_inputs(
    config: BertConfig,
    input_ids: Tensor,
    attention_mask: Tensor | None,
    token_type_ids: Tensor | None,
) -> Tensor | None:
    """Check the arguments of BertModel.forward; return the boolean key mask (or None)."""
    _check_tensor("input_ids", input_ids, integer=True)
    if input_ids.ndim != 2:
        raise ValueError(
            f"input_ids must have shape (batch, seq_len), got {tuple(input_ids.shape)}"
        )
    batch, seq_len = input_ids.shape
    if seq_len > config.max_position_embeddings:
        raise ValueError(
            f"input_ids has {seq_len} positions, more than max_position_embeddings="
            f"{config.max_position_embeddings}; truncate the sequences"
        )
    if input_ids.numel() and (input_ids.min() < 0 or input_ids.max() >= config.vocab_size):
        raise ValueError(
            f"input_ids must be in [0, vocab_size={config.vocab_size}), got values "
            f"from {input_ids.min().item()} to {input_ids.max().item()}"
        )
    if token_type_ids is not None:
        _check_tensor("token_type_ids", token_type_ids, integer=True)
        if token_type_ids.shape != input_ids.shape:
            raise ValueError(
                f"token_type_ids must have the shape of input_ids {(batch, seq_len)}, "
                f"got {tuple(token_type_ids.shape)}"
            )
        if token_type_ids.numel() and (
            token_type_ids.min() < 0 or token_type_ids.max() >= config.type_vocab_size
        ):
            raise ValueError(
                f"token_type_ids must be in [0, type_vocab_size="
                f"{config.type_vocab_size}), got values from "
                f"{token_type_ids.min().item()} to {token_type_ids.max().item()}"
            )
    if attention_mask is None:
        return None
    _check_tensor("attention_mask", attention_mask)
    if attention_mask.shape != input_ids.shape:
        raise ValueError(
            f"attention_mask must have the shape of input_ids {(batch, seq_len)}, "
            f"got {tuple(attention_mask.shape)}"
        )
    if attention_mask.dtype == torch.bool:
        return attention_mask
    if ((attention_mask != 0) & (attention_mask != 1)).any():
        raise ValueError("attention_mask must hold only 0 (padding) and 1 (token)")
    return attention_mask != 0
