"""Gradient estimators of neural.reparam and neural.estimators, and the discrete-VAE example.

Statistical tests use fixed seeds, so they are deterministic; their
tolerances (3 standard errors, a chi-square p-value of 1e-3) would also hold
for almost every other seed.
"""

from __future__ import annotations

import doctest
import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the neural extra is not installed")

from torchcheck import one_thread  # noqa: E402, F401 - an autouse fixture

from neural import estimators as est  # noqa: E402
from neural import reparam  # noqa: E402
from neural.estimators import (  # noqa: E402
    compare_estimators,
    exact_expectation,
    exact_gradient,
    format_table,
    gradient_statistics,
)
from neural.reparam import (  # noqa: E402
    RunningMeanBaseline,
    categorical_kl_uniform,
    categorical_log_prob,
    gaussian_kl_standard_normal,
    gaussian_rsample,
    gumbel_max_sample,
    gumbel_softmax,
    leave_one_out_baseline,
    safe_log_softmax,
    safe_softmax,
    sample_gumbel,
    score_function_surrogate,
)

NINF = float("-inf")
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "neural" / "discrete_vae.py"


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def quadratic(z):
    """f(z) = (z . [0, 1, 2, 3] - 1.3)^2: nonlinear, so relaxations are biased."""
    return (z @ torch.arange(4.0, dtype=z.dtype) - 1.3) ** 2


def two_variable(z):
    """An f of two categoricals (shape (..., 2, 3)) that couples them."""
    v = torch.tensor([0.0, 1.0, 3.0], dtype=z.dtype)
    a, b = z[..., 0, :] @ v, z[..., 1, :] @ v
    return (a - b) ** 2 + a


# --------------------------------------------------------------------------
# Gaussian reparameterization
# --------------------------------------------------------------------------


def test_gaussian_pathwise_gradient_per_sample_equals_analytic():
    # f(z) = sum(z^3): df/dmu = 3 z^2, df/dsigma = 3 z^2 eps with eps = (z - mu) / sigma.
    mean = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64, requires_grad=True)
    std = torch.tensor([0.5, 1.5, 0.1], dtype=torch.float64, requires_grad=True)
    z = gaussian_rsample(mean, std, generator=gen(1))
    (z**3).sum().backward()
    eps = (z.detach() - mean.detach()) / std.detach()
    torch.testing.assert_close(mean.grad, 3 * z.detach() ** 2)
    torch.testing.assert_close(std.grad, 3 * z.detach() ** 2 * eps)


def test_gaussian_pathwise_gradient_mean_matches_analytic():
    # E[z^2] = mu^2 + sigma^2, so the gradient is (2 mu, 2 sigma).
    n = 200_000
    mean = torch.full((n,), 0.7, dtype=torch.float64, requires_grad=True)
    std = torch.full((n,), 1.3, dtype=torch.float64, requires_grad=True)
    z = gaussian_rsample(mean, std, generator=gen(2))
    (z**2).sum().backward()
    for grad, exact in ((mean.grad, 2 * 0.7), (std.grad, 2 * 1.3)):
        assert abs(float(grad.mean()) - exact) < 3 * float(grad.std()) / math.sqrt(n)


def test_gaussian_kl_value_and_gradient():
    mean = torch.tensor([[0.3, -1.0], [2.0, 0.0]], dtype=torch.float64, requires_grad=True)
    std = torch.tensor([[0.5, 1.0], [2.0, 0.1]], dtype=torch.float64, requires_grad=True)
    kl = gaussian_kl_standard_normal(mean, std)
    reference = torch.distributions.kl_divergence(
        torch.distributions.Normal(mean, std), torch.distributions.Normal(0.0, 1.0)
    ).sum(-1)
    torch.testing.assert_close(kl, reference)
    kl.sum().backward()
    torch.testing.assert_close(mean.grad, mean.detach())
    torch.testing.assert_close(std.grad, std.detach() - 1 / std.detach())
    assert gaussian_kl_standard_normal(mean, std, dim=None).shape == (2, 2)


def test_gaussian_rejects_bad_input():
    m = torch.zeros(3)
    with pytest.raises(ValueError, match=r"std must have the shape of mean \(3,\), got \(2,\)"):
        gaussian_rsample(m, torch.ones(2))
    with pytest.raises(ValueError, match="std must be finite and > 0"):
        gaussian_rsample(m, torch.tensor([1.0, 0.0, 1.0]))
    with pytest.raises(ValueError, match="std must be finite and > 0"):
        gaussian_kl_standard_normal(m, torch.tensor([1.0, -1.0, 1.0]))
    with pytest.raises(TypeError, match="mean must be a floating-point tensor"):
        gaussian_rsample(torch.zeros(3, dtype=torch.long), torch.ones(3))
    with pytest.raises(TypeError, match="std must be a torch.Tensor"):
        gaussian_rsample(m, 1.0)
    with pytest.raises(TypeError, match="generator must be a torch.Generator"):
        gaussian_rsample(m, torch.ones(3), generator=0)


# --------------------------------------------------------------------------
# Gumbel-max and Gumbel-softmax
# --------------------------------------------------------------------------


def test_gumbel_max_frequencies_match_softmax():
    from scipy.stats import chisquare

    logits = torch.tensor([1.0, 0.0, -0.5, 2.0, NINF, 0.3])
    n = 40_000
    index = gumbel_max_sample(logits.expand(n, 6), generator=gen(3))
    counts = torch.bincount(index, minlength=6).numpy()
    assert counts[4] == 0  # masked: never drawn
    keep = np.array([0, 1, 2, 3, 5])
    expected = safe_softmax(logits.double()).numpy()[keep] * n
    result = chisquare(counts[keep], expected)
    assert result.pvalue > 1e-3, (counts, expected)


def test_gumbel_softmax_matches_its_formula():
    # Same seed, same noise: y = softmax((logits + g) / tau).
    logits = torch.randn(5, 7, generator=gen(4), dtype=torch.float64)
    g = sample_gumbel(logits.shape, generator=gen(5), dtype=torch.float64)
    y = gumbel_softmax(logits, 0.7, generator=gen(5))
    torch.testing.assert_close(y, torch.softmax((logits + g) / 0.7, dim=-1))
    # the hard sample is the Gumbel-max sample drawn with the same noise
    hard = gumbel_softmax(logits, 0.7, hard=True, generator=gen(5))
    torch.testing.assert_close(hard.argmax(-1), gumbel_max_sample(logits, generator=gen(5)))


def test_gumbel_softmax_along_another_dim():
    logits = torch.randn(4, 3, generator=gen(6))
    a = gumbel_softmax(logits, 0.5, hard=True, dim=0, generator=gen(7))
    b = gumbel_softmax(logits.T.contiguous(), 0.5, hard=True, dim=-1, generator=gen(7))
    assert torch.equal(a.sum(0), torch.ones(3))
    assert a.shape == (4, 3) and b.shape == (3, 4)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
def test_hard_gumbel_softmax_is_exactly_one_hot_with_nonzero_gradient(dtype):
    logits = torch.tensor([[0.5, -1.0, 2.0, 0.0, NINF]] * 16, dtype=dtype, requires_grad=True)
    y = gumbel_softmax(logits, 0.5, hard=True, generator=gen(8))
    assert y.dtype == dtype
    assert bool(((y == 0) | (y == 1)).all())
    assert bool((y.sum(-1) == 1).all())
    assert bool((y[:, 4] == 0).all())
    (y * torch.arange(5.0, dtype=dtype)).sum().backward()
    assert bool(torch.isfinite(logits.grad).all())
    assert float(logits.grad.float().abs().sum()) > 0
    assert bool((logits.grad[:, 4] == 0).all())


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32])
@pytest.mark.parametrize("hard", [False, True])
@pytest.mark.parametrize("tau", [1e-3, 0.1, 1.0, 10.0])
@pytest.mark.parametrize(
    "row",
    [
        [0.0, 1e4, -1e4, NINF, 2.0],
        [NINF, NINF, 1e4, 1e4 - 1, -1e4],
        [-1e4, -1e4, -1e4, -1e4, NINF],
    ],
    ids=["extreme", "masked-ties", "all-low"],
)
def test_gumbel_softmax_finite_for_extreme_masked_and_half_logits(dtype, hard, tau, row):
    logits = torch.tensor([row] * 32, dtype=dtype, requires_grad=True)
    y = gumbel_softmax(logits, tau, hard=hard, generator=gen(9))
    weights = torch.randn(y.shape, generator=gen(10)).to(dtype)
    (y * weights).sum().backward()
    masked = torch.isneginf(logits.detach())
    assert y.dtype == dtype
    assert bool(torch.isfinite(y).all())
    assert bool(torch.isfinite(logits.grad).all())
    assert bool((y[masked] == 0).all()) and bool((logits.grad[masked] == 0).all())
    torch.testing.assert_close(y.float().sum(-1), torch.ones(32), atol=1e-2, rtol=0)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32])
def test_categorical_helpers_finite_for_extreme_masked_and_half_logits(dtype):
    logits = torch.tensor([[0.0, 1e4, -1e4, NINF], [NINF, -1e4, 3.0, 1e4]] * 4, dtype=dtype)
    logits.requires_grad_(True)
    index = gumbel_max_sample(logits, generator=gen(11))
    assert not bool(torch.isneginf(logits.detach().gather(1, index[:, None])).any())
    log_prob = categorical_log_prob(logits, index)
    kl = categorical_kl_uniform(logits)
    (log_prob.float().sum() + kl.sum() + safe_log_softmax(logits)[:, 1].float().sum()).backward()
    assert bool(torch.isfinite(log_prob).all()) and bool(torch.isfinite(kl).all())
    assert bool(torch.isfinite(logits.grad).all())
    assert bool((logits.grad[torch.isneginf(logits.detach())] == 0).all())


def test_sample_gumbel_is_finite_even_at_the_uniforms_extremes(monkeypatch):
    real_rand = torch.rand

    def extremes(*args, **kwargs):
        u = real_rand(*args, **kwargs)
        u.view(-1)[0] = 0.0
        u.view(-1)[1] = 1.0
        return u

    monkeypatch.setattr(torch, "rand", extremes)
    for dtype in (torch.float16, torch.bfloat16, torch.float32, torch.float64):
        g = sample_gumbel((10,), generator=gen(12), dtype=dtype)
        assert g.dtype == dtype and bool(torch.isfinite(g).all()), (dtype, g)


def test_samplers_are_reproducible_with_a_generator():
    logits = torch.randn(50, 6, generator=gen(13))
    assert torch.equal(
        gumbel_max_sample(logits, generator=gen(1)), gumbel_max_sample(logits, generator=gen(1))
    )
    assert not torch.equal(
        gumbel_max_sample(logits, generator=gen(1)), gumbel_max_sample(logits, generator=gen(2))
    )
    assert torch.equal(
        gumbel_softmax(logits, 0.3, generator=gen(1)), gumbel_softmax(logits, 0.3, generator=gen(1))
    )
    m, s = torch.zeros(5), torch.ones(5)
    assert torch.equal(
        gaussian_rsample(m, s, generator=gen(1)), gaussian_rsample(m, s, generator=gen(1))
    )


def test_safe_softmax_masks_exactly_and_keeps_dtype():
    logits = torch.tensor([[0.0, NINF, 0.0], [1e4, 0.0, -1e4]], dtype=torch.float16)
    p = safe_softmax(logits)
    assert p.dtype == torch.float16
    assert p[0].tolist() == [0.5, 0.0, 0.5] and p[1].tolist() == [1.0, 0.0, 0.0]


@pytest.mark.parametrize(
    "call",
    [
        lambda x: safe_softmax(x),
        lambda x: safe_log_softmax(x),
        lambda x: gumbel_max_sample(x),
        lambda x: gumbel_softmax(x, 1.0),
        lambda x: categorical_kl_uniform(x),
        lambda x: categorical_log_prob(x, torch.zeros(2, dtype=torch.long)),
    ],
)
def test_a_fully_masked_distribution_is_an_error(call):
    logits = torch.tensor([[0.0, 1.0], [NINF, NINF]])
    with pytest.raises(
        ValueError,
        match=r"logits has a distribution whose every category is "
        r"masked \(-inf\) along dim -1 \(first at index \(1,\)\)",
    ):
        call(logits)


@pytest.mark.parametrize(
    ("logits", "error", "message"),
    [
        (torch.tensor([0.0, float("nan")]), ValueError, "logits must not contain NaN"),
        (torch.tensor([0.0, float("inf")]), ValueError, r"logits must not contain \+inf"),
        (
            torch.tensor([0, 1]),
            TypeError,
            "logits must be a floating-point tensor, got dtype torch.int64",
        ),
        ([0.0, 1.0], TypeError, "logits must be a torch.Tensor, got list"),
        (torch.tensor(1.0), ValueError, "logits must have at least one dimension"),
        (torch.zeros(3, 0), ValueError, "logits must have at least one category"),
    ],
)
def test_bad_logits_name_the_argument(logits, error, message):
    with pytest.raises(error, match=message):
        gumbel_softmax(logits, 1.0)


@pytest.mark.parametrize(
    ("tau", "error", "message"),
    [
        (0.0, ValueError, r"tau must be > 0, got 0\.0"),
        (-1.0, ValueError, r"tau must be > 0, got -1\.0"),
        (float("nan"), ValueError, r"tau must be > 0, got nan"),
        (float("inf"), ValueError, r"tau must be > 0, got inf"),
        ("1", TypeError, r"tau must be a number > 0, got '1'"),
        (True, TypeError, r"tau must be a number > 0, got True"),
        (
            torch.tensor([1.0, 2.0]),
            ValueError,
            r"tau must be a number, got a tensor of shape \(2,\)",
        ),
    ],
)
def test_bad_tau_names_the_argument(tau, error, message):
    with pytest.raises(error, match=message):
        gumbel_softmax(torch.zeros(3), tau)
    with pytest.raises(error, match=message):
        gradient_statistics(torch.zeros(3), quadratic, "gumbel-softmax", tau=tau)


def test_a_zero_dim_tensor_tau_is_accepted():
    y = gumbel_softmax(torch.zeros(3), torch.tensor(0.5), generator=gen(0))
    assert torch.isclose(y.sum(), torch.tensor(1.0))


def test_other_bad_arguments_name_the_argument():
    x = torch.zeros(2, 3)
    with pytest.raises(
        ValueError, match=r"dim must be in \[-2, 1\] for logits of shape \(2, 3\), got 2"
    ):
        gumbel_softmax(x, 1.0, dim=2)
    with pytest.raises(TypeError, match="dim must be an integer"):
        safe_softmax(x, dim=1.0)
    with pytest.raises(TypeError, match="hard must be True or False, got 1"):
        gumbel_softmax(x, 1.0, hard=1)
    with pytest.raises(TypeError, match="generator must be a torch.Generator or None"):
        gumbel_max_sample(x, generator=42)
    with pytest.raises(
        ValueError,
        match=r"index must have the shape of logits without dim -1, "
        r"\(2,\), got \(3,\)",
    ):
        categorical_log_prob(x, torch.zeros(3, dtype=torch.long))
    with pytest.raises(ValueError, match=r"index must be in \[0, 3\), got values in \[0, 3\]"):
        categorical_log_prob(x, torch.tensor([0, 3]))
    with pytest.raises(TypeError, match="index must be an integer tensor"):
        categorical_log_prob(x, torch.zeros(2))
    with pytest.raises(TypeError, match="shape must be a sequence of non-negative integers"):
        sample_gumbel((2, -1))
    with pytest.raises(TypeError, match="dtype must be a floating-point torch.dtype"):
        sample_gumbel((2,), dtype=torch.int32)


# --------------------------------------------------------------------------
# REINFORCE: surrogate and baselines
# --------------------------------------------------------------------------


def test_score_function_surrogate_value_and_gradient():
    logits = torch.tensor([[0.2, -0.4, 1.0], [0.0, 0.5, NINF]], requires_grad=True)
    index = torch.tensor([2, 1])
    f = torch.tensor([3.0, -1.0])
    baseline = torch.tensor([1.0, 0.5])
    surrogate = score_function_surrogate(categorical_log_prob(logits, index), f, baseline)
    assert torch.equal(surrogate.detach(), f)  # the value is exactly f
    surrogate.sum().backward()
    p = safe_softmax(logits.detach())
    one_hot = torch.nn.functional.one_hot(index, 3).float()
    torch.testing.assert_close(logits.grad, (f - baseline)[:, None] * (one_hot - p))
    assert logits.grad[1, 2] == 0


def test_score_function_surrogate_passes_the_pathwise_gradient_of_f():
    w = torch.tensor(2.0, requires_grad=True)
    log_prob = torch.zeros(3, requires_grad=True)
    f = w * torch.tensor([1.0, 2.0, 3.0])
    score_function_surrogate(log_prob, f).sum().backward()
    assert float(w.grad) == 6.0
    torch.testing.assert_close(log_prob.grad, f.detach())


def test_score_function_surrogate_rejects_bad_shapes():
    with pytest.raises(
        ValueError, match=r"f_values must have the shape of log_prob \(3,\), got \(2,\)"
    ):
        score_function_surrogate(torch.zeros(3), torch.zeros(2))
    with pytest.raises(
        ValueError, match=r"baseline must broadcast to the shape of f_values \(3,\)"
    ):
        score_function_surrogate(torch.zeros(3), torch.zeros(3), torch.zeros(2))
    with pytest.raises(
        ValueError, match=r"baseline must broadcast to the shape of f_values \(3,\)"
    ):
        score_function_surrogate(torch.zeros(3), torch.zeros(3), torch.zeros(2, 3))
    with pytest.raises(TypeError, match="baseline must be a tensor, a number or None"):
        score_function_surrogate(torch.zeros(3), torch.zeros(3), "mean")


def test_leave_one_out_baseline():
    f = torch.tensor([[1.0, 10.0], [2.0, 20.0], [6.0, 60.0]])
    torch.testing.assert_close(
        leave_one_out_baseline(f), torch.tensor([[4.0, 40.0], [3.5, 35.0], [1.5, 15.0]])
    )
    torch.testing.assert_close(leave_one_out_baseline(f.T, dim=1), leave_one_out_baseline(f).T)
    with pytest.raises(
        ValueError,
        match="f_values must have at least 2 samples along dim 0 "
        "for a leave-one-out baseline, got 1",
    ):
        leave_one_out_baseline(torch.zeros(1, 4))


def test_running_mean_baseline():
    baseline = RunningMeanBaseline(decay=0.9)
    assert float(baseline(torch.tensor([5.0, 7.0]))) == 0.0  # nothing seen yet
    assert float(baseline(torch.tensor([1.0]))) == pytest.approx(6.0)  # bias-corrected
    expected = (0.9 * 0.1 * 6.0 + 0.1 * 1.0) / (1 - 0.9**2)
    assert baseline.value == pytest.approx(expected)
    assert baseline.num_updates == 2
    assert "RunningMeanBaseline(decay=0.9" in repr(baseline)
    for decay, error in ((1.0, ValueError), (-0.1, ValueError), ("0.9", TypeError)):
        with pytest.raises(error, match="decay must be"):
            RunningMeanBaseline(decay)
    with pytest.raises(ValueError, match="f_values must have at least one entry"):
        baseline.update(torch.zeros(0))


# --------------------------------------------------------------------------
# Exact gradient by enumeration, and the estimators against it
# --------------------------------------------------------------------------


def test_exact_gradient_matches_the_closed_form_for_linear_f():
    logits = torch.tensor([0.3, NINF, -1.0, 2.0], dtype=torch.float64)
    v = torch.tensor([1.0, 100.0, -2.0, 0.5], dtype=torch.float64)
    p = torch.softmax(logits, -1)
    torch.testing.assert_close(exact_expectation(logits, lambda z: z @ v), p @ v)
    torch.testing.assert_close(exact_gradient(logits, lambda z: z @ v), p * (v - p @ v))


def test_exact_gradient_of_two_variables_matches_finite_differences():
    logits = torch.tensor([[0.2, -0.5, 1.0], [0.7, 0.0, NINF]], dtype=torch.float64)
    grad = exact_gradient(logits, two_variable)
    for i, j in [(0, 0), (0, 2), (1, 1)]:
        step = torch.zeros_like(logits)
        step[i, j] = 1e-6
        numeric = (
            exact_expectation(logits + step, two_variable)
            - exact_expectation(logits - step, two_variable)
        ) / 2e-6
        assert float(grad[i, j]) == pytest.approx(float(numeric), abs=1e-6)
    assert grad[1, 2] == 0


@pytest.mark.parametrize(
    ("estimator", "num_samples"),
    [("reinforce", 1), ("reinforce+running-mean", 1), ("reinforce+leave-one-out", 3)],
)
@pytest.mark.parametrize(
    ("logits", "f"),
    [
        (torch.tensor([0.5, -0.3, 1.2, 0.0]), quadratic),
        (torch.tensor([[0.2, -0.5, 1.0], [0.7, 0.0, NINF]]), two_variable),
    ],
    ids=["one-categorical", "two-categoricals-masked"],
)
def test_reinforce_is_unbiased(estimator, num_samples, logits, f):
    repeats = 20_000
    exact = exact_gradient(logits, f)
    mean, variance = gradient_statistics(
        logits, f, estimator, num_samples=num_samples, num_repeats=repeats, generator=gen(1)
    )
    std_error = (variance / repeats).sqrt()
    assert bool(((mean - exact).abs() <= 3 * std_error + 1e-7).all()), (mean, exact, std_error)
    assert bool(torch.isfinite(mean).all()) and bool(torch.isfinite(variance).all())


def test_the_unbiasedness_check_catches_a_baseline_that_sees_its_own_sample():
    # The batch mean as baseline includes f(z_s): the estimate shrinks by
    # (1 - 1/S).  The 3-standard-error check above must notice.
    logits = torch.tensor([0.5, -0.3, 1.2, 0.0])
    repeats, samples = 20_000, 2
    index = gumbel_max_sample(logits.expand(repeats, samples, 4), generator=gen(0))
    z = torch.nn.functional.one_hot(index, 4).float()
    values = quadratic(z)
    theta = logits.expand(repeats, 4).clone().requires_grad_(True)
    log_prob = categorical_log_prob(theta[:, None, :].expand(repeats, samples, 4), index)
    surrogate = score_function_surrogate(log_prob, values, values.mean(1, keepdim=True))
    (grads,) = torch.autograd.grad(surrogate.mean(1).sum(), theta)
    exact = exact_gradient(logits, quadratic)
    std_error = (grads.var(0) / repeats).sqrt()
    assert bool(((grads.mean(0) - exact).abs() > 3 * std_error).any())
    torch.testing.assert_close(grads.mean(0), exact / 2, atol=float(4 * std_error.max()), rtol=0)


def test_baselines_reduce_variance():
    logits = torch.tensor([0.5, -0.3, 1.2, 0.0])

    def shifted(z):  # a large constant offset: what a baseline removes
        return quadratic(z) + 10.0

    kwargs = {"num_samples": 4, "num_repeats": 4000}
    plain = gradient_statistics(logits, shifted, "reinforce", generator=gen(15), **kwargs)[1]
    running = gradient_statistics(
        logits, shifted, "reinforce+running-mean", generator=gen(15), **kwargs
    )[1]
    loo = gradient_statistics(
        logits, shifted, "reinforce+leave-one-out", generator=gen(15), **kwargs
    )[1]
    assert float(running.sum()) < 0.2 * float(plain.sum())
    assert float(loo.sum()) < 0.2 * float(plain.sum())


@pytest.mark.parametrize("estimator", ["gumbel-softmax", "straight-through"])
def test_relaxation_bias_shrinks_and_variance_grows_as_tau_falls(estimator):
    logits = torch.tensor([0.5, -0.3, 1.2, 0.0])
    repeats = 20_000
    exact = exact_gradient(logits, quadratic)
    biases, variances, errors = [], [], []
    for tau in (2.0, 0.5, 0.1):
        mean, variance = gradient_statistics(
            logits, quadratic, estimator, tau=tau, num_repeats=repeats, generator=gen(16)
        )
        biases.append(float((mean - exact).norm()))
        variances.append(float(variance.sum()))
        errors.append(math.sqrt(variances[-1] / repeats))
    for k in range(2):
        # each drop in bias is larger than the Monte Carlo noise in either estimate
        assert biases[k] - biases[k + 1] > 2 * (errors[k] + errors[k + 1]), (biases, errors)
        assert variances[k] < variances[k + 1], variances


def test_relaxed_estimators_leave_masked_logits_alone():
    logits = torch.tensor([0.5, NINF, 1.2, 0.0])
    for estimator in ("gumbel-softmax", "straight-through", "reinforce"):
        mean, variance = gradient_statistics(
            logits, quadratic, estimator, tau=0.1, num_repeats=200, generator=gen(17)
        )
        assert mean[1] == 0 and variance[1] == 0
        assert bool(torch.isfinite(mean).all()) and bool(torch.isfinite(variance).all())


def test_gradient_statistics_is_reproducible():
    a = gradient_statistics(
        torch.zeros(3), quadratic_3, "straight-through", num_repeats=50, generator=gen(1)
    )
    b = gradient_statistics(
        torch.zeros(3), quadratic_3, "straight-through", num_repeats=50, generator=gen(1)
    )
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])


def quadratic_3(z):
    return (z @ torch.arange(3.0) - 0.5) ** 2


def test_gradient_statistics_and_exact_reject_bad_input():
    x = torch.zeros(3)
    with pytest.raises(ValueError, match="estimator must be one of 'reinforce'"):
        gradient_statistics(x, quadratic_3, "reinforce+magic")
    with pytest.raises(
        ValueError, match="num_samples must be >= 2 for the leave-one-out baseline, got 1"
    ):
        gradient_statistics(x, quadratic_3, "reinforce+leave-one-out", num_samples=1)
    with pytest.raises(ValueError, match="num_repeats must be >= 2, got 1"):
        gradient_statistics(x, quadratic_3, "reinforce", num_repeats=1)
    with pytest.raises(TypeError, match="num_samples must be an integer >= 1, got 1.5"):
        gradient_statistics(x, quadratic_3, "reinforce", num_samples=1.5)
    with pytest.raises(TypeError, match="f must be callable"):
        gradient_statistics(x, "f", "reinforce")
    with pytest.raises(
        ValueError,
        match=r"f must map samples of shape \(10, 1, 3\) to one value "
        r"per leading index, shape \(10, 1\), got \(10, 1, 3\)",
    ):
        gradient_statistics(x, lambda z: z, "reinforce", num_repeats=10)
    with pytest.raises(
        ValueError, match=r"logits of shape \(20, 3\) have 3486784401 configurations"
    ):
        exact_gradient(torch.zeros(20, 3), lambda z: z.sum((-1, -2)))
    with pytest.raises(ValueError, match="taus must be a non-empty sequence"):
        compare_estimators(x, quadratic_3, taus=())
    with pytest.raises(ValueError, match="tau must be > 0, got 0.0"):
        compare_estimators(x, quadratic_3, taus=(0.5, 0.0))


def test_compare_estimators_table():
    rows = compare_estimators(
        torch.tensor([0.5, -0.3, 1.2, 0.0]),
        quadratic,
        taus=(0.1, 1.0),
        num_repeats=500,
        generator=gen(18),
    )
    assert [(r["estimator"], r["tau"]) for r in rows] == [
        ("reinforce", None),
        ("reinforce+running-mean", None),
        ("reinforce+leave-one-out", None),
        ("gumbel-softmax", 0.1),
        ("gumbel-softmax", 1.0),
        ("straight-through", 0.1),
        ("straight-through", 1.0),
    ]
    for r in rows:
        assert r["mse"] == pytest.approx(r["bias"] ** 2 + r["variance"])
        assert r["std_error"] == pytest.approx(math.sqrt(r["variance"] / 500))
    text = format_table(rows)
    assert len(text.splitlines()) == 2 + len(rows)
    assert "reinforce+leave-one-out" in text
    with pytest.raises(ValueError, match=r"rows\[0\] lacks the key\(s\) mse"):
        format_table([{k: v for k, v in rows[0].items() if k != "mse"}])


@pytest.mark.parametrize("module", [reparam, est], ids=["reparam", "estimators"])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_public_functions_have_numpy_docstrings():
    for module in (reparam, est):
        for name in module.__all__:
            obj = getattr(module, name)
            if not callable(obj):
                continue
            doc = obj.__doc__ or ""
            for section in ("Parameters", "Raises", "Examples"):
                assert section in doc, (module.__name__, name, section)


# --------------------------------------------------------------------------
# The discrete-VAE example
# --------------------------------------------------------------------------


def load_example():
    pytest.importorskip("sklearn", reason="the example needs scikit-learn's digits")
    spec = importlib.util.spec_from_file_location("discrete_vae_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("estimator", ["gumbel-softmax", "straight-through", "reinforce"])
def test_example_training_lowers_the_negative_elbo(estimator):
    example = load_example()
    train_x, test_x = example.load_binarised_digits(seed=0)
    assert train_x.shape[1] == 64 and set(train_x.unique().tolist()) == {0.0, 1.0}
    history = example.train(
        estimator, train_x[:300], test_x[:100], epochs=4, batch_size=50, kl_warmup=1, seed=0
    )
    nelbo = history["test_nelbo"]
    assert len(nelbo) == 5 and all(math.isfinite(v) for v in nelbo)
    assert nelbo[-1] < nelbo[0] - 5.0, nelbo  # from 64 ln 2 = 44.4 towards ~25
    assert history["train_loss"][-1] < history["train_loss"][1]


def test_example_plots_the_curves(tmp_path):
    pytest.importorskip("matplotlib")
    example = load_example()
    histories = {
        name: {
            "epochs": [0, 1, 2],
            "train_loss": [math.nan, 30.0, 26.0],
            "test_nelbo": [44.0, 29.0, 27.0],
        }
        for name in example.ESTIMATORS
    }
    path = example.plot_curves(histories, tmp_path / "figures" / "curves.png")
    assert path.exists() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_example_importance_weighted_bound_tightens_with_samples():
    example = load_example()
    train_x, test_x = example.load_binarised_digits(seed=0)
    model = example.train("straight-through", train_x[:300], test_x[:60], epochs=3,
                          batch_size=50, kl_warmup=1, seed=0)["model"]
    x = test_x[:60]
    elbo = example.negative_elbo(model, x, 2000, gen(5))
    one = example.importance_weighted_nll(model, x.repeat(50, 1), 1, gen(6), chunk=1000)
    assert one == pytest.approx(elbo, abs=0.1)  # K = 1 is the ELBO in expectation
    bounds = [example.importance_weighted_nll(model, x, k, gen(7)) for k in (10, 100)]
    assert bounds[1] < bounds[0] < elbo, (elbo, bounds)


def test_example_annealed_temperature_reaches_tau(monkeypatch):
    example = load_example()
    seen = []
    real = example.training_loss

    def record(estimator, model, x, *, tau, **kwargs):
        seen.append(tau)
        return real(estimator, model, x, tau=tau, **kwargs)

    monkeypatch.setattr(example, "training_loss", record)
    train_x, test_x = example.load_binarised_digits(seed=0)
    example.train("gumbel-softmax", train_x[:100], test_x[:20], epochs=3, batch_size=100,
                  tau=0.5, tau_start=2.0, seed=0)
    assert seen == pytest.approx([2.0, 1.0, 0.5])
