"""Tests of neural.vqvae: the vector quantizer, its EMA codebook, dead-code
restarts and a short VQ-VAE training run on the 8x8 digits (CPU, seeded)."""

from __future__ import annotations

import math
from collections import Counter

import pytest

torch = pytest.importorskip("torch", reason="the neural extra is not installed")

from torchcheck import one_thread  # noqa: E402, F401 - an autouse fixture

from neural.vqvae import (  # noqa: E402
    VQVAE,
    TrainingHistory,
    VectorQuantizer,
    VQOutput,
    load_digits_images,
    train_vqvae,
)


def randn(*shape, seed=0, dtype=torch.float32):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def naive_nearest(flat, codebook):
    """Brute-force nearest code: the smallest Euclidean distance, ties to the lowest index."""
    out = []
    for row in flat.tolist():
        dists = [
            sum((a - b) ** 2 for a, b in zip(row, code, strict=True)) for code in codebook.tolist()
        ]
        out.append(min(range(len(dists)), key=lambda k: (dists[k], k)))
    return torch.tensor(out)


# --------------------------------------------------------------------------- lookup, gradients


@pytest.mark.parametrize("ema", [False, True])
def test_nearest_code_agrees_with_brute_force(ema):
    vq = VectorQuantizer(7, 3, ema=ema, seed=1).eval()
    with torch.no_grad():
        vq.codebook.copy_(randn(7, 3, seed=2))
    z = randn(4, 6, 3, seed=3)
    out = vq(z)
    assert isinstance(out, VQOutput)
    expected = naive_nearest(z.reshape(-1, 3), vq.codebook.detach())
    assert torch.equal(out.indices.reshape(-1), expected)
    assert out.indices.shape == (4, 6) and out.indices.dtype == torch.long
    # z + (codes - z).detach() equals the codes up to rounding
    torch.testing.assert_close(out.quantized, vq.codebook.detach()[out.indices])


def test_channels_first_layout_matches_channels_last():
    vq = VectorQuantizer(5, 4, seed=0)
    maps = randn(2, 4, 3, 3, seed=1)
    first = vq(maps, channel_dim=1)
    last = vq(maps.movedim(1, -1))
    assert first.quantized.shape == maps.shape
    assert torch.equal(first.indices, last.indices)
    assert torch.equal(first.quantized.movedim(1, -1), last.quantized)


@pytest.mark.parametrize("channel_dim", [-1, 1])
def test_straight_through_gradient_is_identity(channel_dim):
    vq = VectorQuantizer(6, 4, seed=0)
    shape = (3, 5, 4) if channel_dim == -1 else (3, 4, 2, 2)
    z = randn(*shape, seed=1).requires_grad_()
    w = randn(*shape, seed=2)
    out = vq(z, channel_dim=channel_dim)
    (w * out.quantized).sum().backward()
    assert torch.equal(z.grad, w)
    assert vq.codebook.grad is None  # the straight-through path carries no codebook gradient


def test_loss_is_codebook_plus_beta_commitment():
    beta = 0.4
    vq = VectorQuantizer(5, 3, beta=beta, seed=0)
    z = randn(8, 3, seed=1).requires_grad_()
    out = vq(z)
    codes = vq.codebook.detach()[out.indices]
    squared = ((z.detach() - codes) ** 2).mean()
    torch.testing.assert_close(out.loss, (1 + beta) * squared)
    out.loss.backward()
    # commitment pulls z towards its code, scaled by beta; the codebook term moves the code
    torch.testing.assert_close(z.grad, beta * 2 * (z.detach() - codes) / z.numel())
    expected = torch.zeros_like(vq.codebook).index_add_(
        0, out.indices, 2 * (codes - z.detach()) / z.numel()
    )
    torch.testing.assert_close(vq.codebook.grad, expected)


def test_ema_loss_is_only_commitment_and_codebook_is_a_buffer():
    vq = VectorQuantizer(5, 3, beta=0.3, ema=True, seed=0).eval()
    assert list(vq.parameters()) == []
    assert "codebook" in dict(vq.named_buffers())
    z = randn(8, 3, seed=1)
    out = vq(z)
    codes = vq.codebook[out.indices]
    torch.testing.assert_close(out.loss, 0.3 * ((z - codes) ** 2).mean())


# --------------------------------------------------------------------------- statistics


def test_perplexity_usage_and_counts_agree_with_an_independent_count():
    vq = VectorQuantizer(16, 2, seed=0).eval()
    with torch.no_grad():
        vq.codebook.copy_(randn(16, 2, seed=4))
    z = randn(50, 2, seed=5)
    out = vq(z)
    labels = out.indices.tolist()
    freq = Counter(labels)
    n = len(labels)
    entropy = -sum(c / n * math.log(c / n) for c in freq.values())
    assert float(out.perplexity) == pytest.approx(math.exp(entropy), rel=1e-6)
    assert float(out.usage) == pytest.approx(len(freq) / 16)
    assert out.counts.tolist() == [freq.get(k, 0) for k in range(16)]
    assert 1.0 <= float(out.perplexity) <= 16.0


def test_perplexity_is_one_when_every_vector_picks_the_same_code():
    vq = VectorQuantizer(4, 2, seed=0).eval()
    out = vq(torch.zeros(10, 2) + vq.codebook.detach()[2])
    assert out.indices.unique().tolist() == [2]
    assert float(out.perplexity) == pytest.approx(1.0)
    assert float(out.usage) == pytest.approx(0.25)


# --------------------------------------------------------------------------- EMA


def fixed_clusters():
    """Three codes and 30 vectors: 10 around each of three centres, near code 0, 1, 2."""
    centres = torch.tensor([[-2.0, 0.0], [2.0, 0.0], [0.0, 3.0]])
    noise = 0.3 * randn(3, 10, 2, seed=7)
    z = (centres[:, None, :] + noise).reshape(-1, 2)
    codebook = centres + 0.5  # nearest code of each cluster is its own centre's code
    return z, codebook


def test_ema_with_tiny_decay_moves_codes_to_the_means_of_their_vectors():
    z, codebook = fixed_clusters()
    vq = VectorQuantizer(3, 2, ema=True, decay=1e-7, eps=1e-8, seed=0)
    with torch.no_grad():
        vq.codebook.copy_(codebook)
        vq.ema_sums.copy_(codebook)
    out = vq.train()(z)
    assert out.counts.tolist() == [10, 10, 10]
    for k in range(3):
        mean = z[out.indices == k].mean(0)
        torch.testing.assert_close(vq.codebook[k], mean, atol=1e-5, rtol=1e-5)


def test_ema_update_follows_the_formula():
    z, codebook = fixed_clusters()
    z = z[:25]  # unequal counts 10, 10, 5
    decay, eps = 0.8, 1e-3
    vq = VectorQuantizer(4, 2, ema=True, decay=decay, eps=eps, seed=0)
    start = torch.cat([codebook, torch.tensor([[50.0, 50.0]])])  # code 3 stays unused
    with torch.no_grad():
        vq.codebook.copy_(start)
        vq.ema_sums.copy_(start)
    out = vq.train()(z)
    counts = torch.tensor([10.0, 10.0, 5.0, 0.0])
    assert out.counts.tolist() == [10, 10, 5, 0]
    sums = torch.stack([z[out.indices == k].sum(0) for k in range(3)] + [torch.zeros(2)])
    n_ema = decay * torch.ones(4) + (1 - decay) * counts
    m_ema = decay * start + (1 - decay) * sums
    total = n_ema.sum()
    smoothed = (n_ema + eps) / (total + 4 * eps) * total
    torch.testing.assert_close(vq.ema_counts, n_ema)
    torch.testing.assert_close(vq.codebook, m_ema / smoothed[:, None])


def test_eval_mode_leaves_the_ema_codebook_alone():
    z, codebook = fixed_clusters()
    vq = VectorQuantizer(3, 2, ema=True, decay=0.5, dead_code_threshold=1, seed=0).eval()
    before = vq.codebook.clone()
    vq(z)
    assert torch.equal(vq.codebook, before)


# --------------------------------------------------------------------------- dead codes


@pytest.mark.parametrize("ema", [False, True])
def test_dead_code_is_restarted_to_a_vector_of_the_batch(ema):
    z, codebook = fixed_clusters()
    vq = VectorQuantizer(4, 2, ema=ema, decay=0.5, dead_code_threshold=2, seed=3)
    start = torch.cat([codebook, torch.tensor([[100.0, 100.0]])])
    with torch.no_grad():
        vq.codebook.copy_(start)
        if ema:
            vq.ema_sums.copy_(start)
    vq.train()
    vq(z)  # code 3 unused once: below the threshold, not restarted
    torch.testing.assert_close(vq.codebook[3].detach(), start[3], rtol=1e-3, atol=0)
    assert vq.steps_since_used.tolist() == [0, 0, 0, 1]
    vq(z)  # unused twice: restarted
    restarted = vq.codebook[3].detach()
    assert not torch.equal(restarted, start[3])
    assert (z == restarted).all(1).any(), "the new code must be one of the batch's vectors"
    assert vq.steps_since_used.tolist() == [0, 0, 0, 0]
    if ema:
        assert float(vq.ema_counts[3]) == 1.0
        torch.testing.assert_close(vq.ema_sums[3], restarted)
    else:
        torch.testing.assert_close(vq.codebook[:3].detach(), codebook)  # used codes untouched
    assert vq(z).counts[3] > 0  # the restarted code is now chosen


def test_dead_code_restarts_are_reproducible_under_a_seed():
    z = randn(40, 3, seed=1)

    def restarted(seed):
        vq = VectorQuantizer(32, 3, dead_code_threshold=1, seed=seed).train()
        vq(z)
        return vq.codebook.detach().clone()

    assert torch.equal(restarted(5), restarted(5))
    assert not torch.equal(restarted(5), restarted(6))


def test_no_restarts_without_a_threshold_or_in_eval_mode():
    z, codebook = fixed_clusters()
    start = torch.cat([codebook, torch.tensor([[100.0, 100.0]])])
    for vq in (
        VectorQuantizer(4, 2, seed=0).train(),
        VectorQuantizer(4, 2, dead_code_threshold=1, seed=0).eval(),
    ):
        with torch.no_grad():
            vq.codebook.copy_(start)
        vq(z)
        vq(z)
        assert torch.equal(vq.codebook.detach(), start)


# --------------------------------------------------------------------------- model, training


def test_vqvae_shapes_and_seeded_init_leave_the_global_generator_alone():
    state = torch.get_rng_state()
    a = VQVAE(num_codes=8, code_dim=4, hidden=8, seed=3)
    b = VQVAE(num_codes=8, code_dim=4, hidden=8, seed=3)
    assert torch.equal(torch.get_rng_state(), state)
    for p, q in zip(a.state_dict().values(), b.state_dict().values(), strict=True):
        assert torch.equal(p, q)
    x = load_digits_images()[:5]
    with torch.no_grad():
        out = a(x)
    assert out.reconstruction.shape == x.shape
    assert 0.0 <= float(out.reconstruction.min()) and float(out.reconstruction.max()) <= 1.0
    assert out.vq.indices.shape == (5, 4, 4)
    torch.testing.assert_close(out.loss, out.reconstruction_error + out.vq.loss)
    assert a.encode(x).shape == (5, 4, 4, 4)


def test_gradient_codebook_model_sends_gradients_to_encoder_and_codebook():
    model = VQVAE(num_codes=8, code_dim=4, hidden=8, ema=False, seed=0)
    assert any(p is model.quantizer.codebook for p in model.parameters())
    model(load_digits_images()[:16]).loss.backward()
    assert model.quantizer.codebook.grad is not None
    assert model.quantizer.codebook.grad.abs().sum() > 0
    assert all(p.grad is not None for p in model.encoder.parameters())


def test_load_digits_images():
    images = load_digits_images(torch.float64)
    assert images.shape == (1797, 1, 8, 8) and images.dtype == torch.float64
    assert float(images.min()) == 0.0 and float(images.max()) == 1.0


@pytest.fixture(scope="module")
def short_run():
    data = load_digits_images()[:600]
    model = VQVAE(num_codes=16, code_dim=8, hidden=32, seed=0)
    return train_vqvae(data, model, epochs=4, batch_size=32, seed=0)


def test_short_training_lowers_reconstruction_error_and_uses_most_codes(short_run):
    model, history = short_run
    assert isinstance(history, TrainingHistory)
    assert len(history.reconstruction_error) == len(history.usage) == 5
    first, last = history.reconstruction_error[0], history.reconstruction_error[-1]
    assert last <= 0.6 * first, f"MSE {first:.4f} -> {last:.4f}: less than a 40 % drop"
    assert history.usage[-1] >= 0.5
    assert history.perplexity[-1] >= 4.0
    assert not model.training
    assert history.seconds > 0


def test_training_is_reproducible_under_a_seed():
    data = load_digits_images()[:128]

    def run():
        model = VQVAE(num_codes=8, code_dim=4, hidden=8, seed=1)
        return train_vqvae(data, model, epochs=2, batch_size=32, seed=1)[1]

    a, b = run(), run()
    assert a.reconstruction_error == b.reconstruction_error
    assert a.perplexity == b.perplexity


def test_float64_quantizer():
    vq = VectorQuantizer(4, 3, seed=0).double()
    out = vq(randn(5, 3, seed=1, dtype=torch.float64))
    assert out.quantized.dtype == torch.float64


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"num_codes": 0}, ValueError, r"num_codes must be an integer >= 1, got 0"),
        ({"num_codes": 2.5}, TypeError, r"num_codes must be an integer"),
        ({"num_codes": True}, TypeError, r"num_codes must be an integer"),
        ({"dim": 0}, ValueError, r"dim must be an integer >= 1, got 0"),
        ({"beta": -0.1}, ValueError, r"beta must be >= 0, got -0.1"),
        ({"beta": float("nan")}, ValueError, r"beta must be finite"),
        ({"beta": "0.25"}, TypeError, r"beta must be a real number"),
        ({"decay": 0.0}, ValueError, r"decay must be in \(0, 1\), got 0.0"),
        ({"decay": 1.0}, ValueError, r"decay must be in \(0, 1\), got 1.0"),
        ({"decay": 1.5}, ValueError, r"decay must be in \(0, 1\), got 1.5"),
        ({"eps": 0.0}, ValueError, r"eps must be > 0"),
        ({"ema": 1}, TypeError, r"ema must be True or False"),
        ({"dead_code_threshold": 0}, ValueError, r"dead_code_threshold must be an integer >= 1"),
        ({"seed": -1}, ValueError, r"seed must be None or a non-negative integer"),
        ({"seed": 1.5}, TypeError, r"seed must be None or a non-negative integer"),
    ],
)
def test_bad_quantizer_arguments(kwargs, error, match):
    args = {"num_codes": 4, "dim": 2, **kwargs}
    with pytest.raises(error, match=match):
        VectorQuantizer(**args)


@pytest.mark.parametrize(
    ("z", "kwargs", "error", "match"),
    [
        (
            torch.zeros(3, 5),
            {},
            ValueError,
            r"z must have size dim=2 along channel_dim=-1, got shape \(3, 5\)",
        ),
        (
            torch.zeros(3, 4, 2),
            {"channel_dim": 1},
            ValueError,
            r"z must have size dim=2 along channel_dim=1",
        ),
        (torch.zeros(3, 2), {"channel_dim": 2}, ValueError, r"channel_dim=2 is out of range for z"),
        (torch.zeros(3, 2), {"channel_dim": 1.0}, TypeError, r"channel_dim must be an integer"),
        (torch.zeros(0, 2), {}, ValueError, r"z must not be empty"),
        (torch.full((3, 2), float("nan")), {}, ValueError, r"z contains NaN"),
        (torch.zeros(3, 2, dtype=torch.long), {}, TypeError, r"z must be a floating-point tensor"),
        (
            torch.zeros(3, 2, dtype=torch.float64),
            {},
            TypeError,
            r"z has dtype torch.float64 but the codebook",
        ),
        ([[0.0, 0.0]], {}, TypeError, r"z must be a torch.Tensor, got list"),
    ],
)
def test_bad_quantizer_input(z, kwargs, error, match):
    vq = VectorQuantizer(4, 2, seed=0)
    with pytest.raises(error, match=match):
        vq(z, **kwargs)


def test_bad_lookup_indices():
    vq = VectorQuantizer(4, 2, seed=0)
    with pytest.raises(ValueError, match=r"indices must be in \[0, 4\)"):
        vq.lookup(torch.tensor([0, 4]))
    with pytest.raises(TypeError, match=r"indices must be an integer tensor, got dtype"):
        vq.lookup(torch.tensor([0.0]))
    with pytest.raises(TypeError, match=r"indices must be an integer tensor, got list"):
        vq.lookup([0, 1])
    torch.testing.assert_close(
        vq.lookup(torch.tensor([[3]])), vq.codebook.detach()[3].view(1, 1, 2)
    )


def test_bad_vqvae_input():
    model = VQVAE(num_codes=4, code_dim=2, hidden=4, seed=0)
    with pytest.raises(
        ValueError, match=r"x must have shape \(batch, 1, height, width\).*got \(2, 8, 8\)"
    ):
        model(torch.zeros(2, 8, 8))
    with pytest.raises(ValueError, match=r"x must have shape .* got \(2, 3, 8, 8\)"):
        model(torch.zeros(2, 3, 8, 8))
    with pytest.raises(ValueError, match=r"even height and width, got \(2, 1, 7, 8\)"):
        model(torch.zeros(2, 1, 7, 8))
    with pytest.raises(ValueError, match=r"quantized must have shape \(batch, 2, h, w\)"):
        model.decode(torch.zeros(1, 3, 4, 4))
    with pytest.raises(ValueError, match=r"beta must be >= 0"):
        VQVAE(beta=-1.0)
    with pytest.raises(ValueError, match=r"code_dim must be an integer >= 1"):
        VQVAE(code_dim=0)


@pytest.mark.parametrize(
    ("data", "kwargs", "error", "match"),
    [
        (
            torch.full((8, 1, 8, 8), 0.5),
            {"epochs": 0},
            ValueError,
            r"epochs must be an integer >= 1",
        ),
        (
            torch.full((8, 1, 8, 8), 0.5),
            {"batch_size": 0},
            ValueError,
            r"batch_size must be an integer >= 1",
        ),
        (torch.full((8, 1, 8, 8), 0.5), {"lr": 0.0}, ValueError, r"lr must be > 0"),
        (torch.full((8, 1, 8, 8), 2.0), {}, ValueError, r"data must hold values in \[0, 1\]"),
        (
            torch.full((8, 8, 8), 0.5),
            {},
            ValueError,
            r"data must have shape \(n, channels, height, width\)",
        ),
        (
            torch.full((8, 1, 8, 8), 0.5),
            {"model": "vqvae"},
            TypeError,
            r"model must be a VQVAE or None, got str",
        ),
        (
            torch.full((8, 3, 8, 8), 0.5),
            {"model": "small"},
            ValueError,
            r"data must have shape \(n, 1, height, width\)",
        ),
    ],
)
def test_bad_training_arguments(data, kwargs, error, match):
    if kwargs.get("model") == "small":
        kwargs = {**kwargs, "model": VQVAE(num_codes=4, code_dim=2, hidden=4, seed=0)}
    with pytest.raises(error, match=match):
        train_vqvae(data, **kwargs)


def _vqvae_example():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / "neural" / "vqvae_digits.py"
    spec = importlib.util.spec_from_file_location("vqvae_digits_example", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_baselines_spend_the_bit_budget_and_beat_the_mean_image():
    pytest.importorskip("sklearn")
    example = _vqvae_example()
    images = load_digits_images()
    grid = example.patches(images[:3])
    assert grid.shape == (3 * 16, 4)
    assert torch.equal(grid[1], images[0, 0, 0:2, 2:4].reshape(4))
    components, depth, code = example.pca_codec(images[:400], 80)
    assert components * depth <= 80 and depth >= 1
    lossless = example.pca_codec(images[:400], 64 * 16)[2]  # every component, fine steps
    assert torch.allclose(lossless(images[:5]).float().reshape(5, 1, 8, 8), images[:5],
                          atol=1e-3)
    found = example.baseline_errors(images[:400], images[400:500], 32, seed=0)
    assert list(found) == ["mean image", "PCA", "k-means on patches"]
    mean_error = found["mean image"][1]
    assert found["PCA"][1] < mean_error and found["k-means on patches"][1] < mean_error
