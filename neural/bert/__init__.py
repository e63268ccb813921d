"""BERT in plain PyTorch: the model, its WordPiece tokenizer, and loaders
of real checkpoints (Hugging Face folders and Google's TensorFlow names).

>>> from neural.bert import BertConfig, BertModel
>>> model = BertModel(BertConfig(vocab_size=50, hidden_size=8, num_hidden_layers=2,
...                              num_attention_heads=2, intermediate_size=16))
>>> len(model.truncated(1).encoder.layers)
1
"""

from .checkpoint import CheckpointError, LoadReport, load_pretrained, load_state_dict, \
    read_tf_checkpoint, read_weights
from .config import BertConfig
from .model import (
    BertEncoder,
    BertForMaskedLM,
    BertForSequenceClassification,
    BertLayer,
    BertModel,
    BertOutput,
    mean_pool,
)
from .tokenizer import WordPieceTokenizer

__all__ = [
    "BertConfig",
    "BertEncoder",
    "BertForMaskedLM",
    "BertForSequenceClassification",
    "BertLayer",
    "BertModel",
    "BertOutput",
    "CheckpointError",
    "LoadReport",
    "WordPieceTokenizer",
    "load_pretrained",
    "load_state_dict",
    "mean_pool",
    "read_tf_checkpoint",
    "read_weights",
]
