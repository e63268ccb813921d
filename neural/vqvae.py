r"""Vector quantization and a small convolutional VQ-VAE.

:class:`VectorQuantizer` replaces each vector :math:`z` by its nearest code
:math:`e_k` of a learned codebook (van den Oord et al., 2017, *Neural Discrete
Representation Learning*), passes gradients straight through,

.. math::

    \hat z = z + \operatorname{sg}[e_k - z],
    \qquad
    \mathcal{L}_{\mathrm{vq}} = \lVert \operatorname{sg}[z] - e_k \rVert^2
        + \beta \lVert z - \operatorname{sg}[e_k] \rVert^2,

and can instead learn the codebook by exponential moving averages of the
vectors assigned to each code (then only the commitment term is a loss).
Codes left unused for a number of training steps can be restarted to random
encoder outputs.  :class:`VQVAE` is a small convolutional autoencoder with
such a bottleneck for the 8x8 digits of scikit-learn, and :func:`train_vqvae`
trains it on the CPU in seconds.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = [
    "VQOutput",
    "VectorQuantizer",
    "VQVAEOutput",
    "VQVAE",
    "TrainingHistory",
    "load_digits_images",
    "train_vqvae",
]


# --------------------------------------------------------------------------- checks


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_real(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def _check_nonnegative(name: str, value: object) -> float:
    value = _check_real(name, value)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return value


def _check_positive(name: str, value: object) -> float:
    value = _check_real(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return value


def _check_open_unit(name: str, value: object) -> float:
    value = _check_real(name, value)
    if not 0.0 < value < 1.0:
        raise ValueError(f"{name} must be in (0, 1), got {value!r}")
    return value


def _check_seed(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"seed must be None or a non-negative integer, got {value!r}")
    if value < 0:
        raise ValueError(f"seed must be None or a non-negative integer, got {value!r}")
    return int(value)


def _check_float_tensor(name: str, value: object) -> Tensor:
    if not isinstance(value, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if not value.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {value.dtype}")
    if value.numel() == 0:
        raise ValueError(f"{name} must not be empty, got shape {tuple(value.shape)}")
    if not bool(torch.isfinite(value).all()):
        raise ValueError(f"{name} contains NaN or infinite values")
    return value


def _check_axis(name: str, axis: object, ndim: int, tensor_name: str) -> int:
    if isinstance(axis, bool) or not isinstance(axis, Integral):
        raise TypeError(f"{name} must be an integer axis, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"{name}={axis} is out of range for {tensor_name} with {ndim} dimension(s)"
        )
    return int(axis) % ndim


# --------------------------------------------------------------------------- quantizer


class VQOutput(NamedTuple):
    """What :meth:`VectorQuantizer.forward` returns.

    Attributes
    ----------
    quantized : Tensor
        The nearest codes in the layout of ``z``, with straight-through
        gradients: ``z + (codes - z).detach()``.
    loss : Tensor
        Scalar: codebook loss plus ``beta`` times the commitment loss (with an
        EMA codebook, only ``beta`` times the commitment loss).
    indices : Tensor
        int64 index of the chosen code per vector: the shape of ``z`` without
        its code axis.
    perplexity : Tensor
        Scalar, ``exp`` of the entropy of the codes' frequencies in this batch;
        between 1 and ``num_codes``.
    usage : Tensor
        Scalar, fraction of the codebook chosen at least once in this batch.
    counts : Tensor
        int64, shape ``(num_codes,)``: how many vectors chose each code.
    """

    quantized: Tensor
    loss: Tensor
    indices: Tensor
    perplexity: Tensor
    usage: Tensor
    counts: Tensor


class VectorQuantizer(nn.Module):
    r"""Nearest-code vector quantization with a straight-through gradient.

    Parameters
    ----------
    num_codes : int
        Number of codes in the codebook, at least 1.
    dim : int
        Length of each code vector, at least 1.
    beta : float, default 0.25
        Weight of the commitment loss, ``>= 0``.
    ema : bool, default False
        Learn the codebook by exponential moving averages of the vectors
        assigned to each code (van den Oord et al., 2017, appendix) instead of
        by gradient descent.  The codebook is then a buffer, not a parameter,
        and is updated in training mode only.
    decay : float, default 0.99
        EMA decay in (0, 1); used only when ``ema`` is true.
    eps : float, default 1e-5
        Laplace smoothing of the EMA code counts, ``> 0``.
    dead_code_threshold : int or None, default None
        In training mode, a code not chosen for this many consecutive forward
        passes is restarted to a random vector of the current batch.  None
        turns restarts off.
    seed : int or None, default None
        Seeds the codebook's initialization and the restarts' sampling, so
        both are reproducible; None uses torch's global generator.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``num_codes`` or ``dim`` < 1, ``beta`` < 0, ``decay`` outside
        (0, 1), ``eps`` <= 0 or ``dead_code_threshold`` < 1.

    Notes
    -----
    Squared distances are computed as
    :math:`\lVert z\rVert^2 - 2 z\cdot e + \lVert e\rVert^2`, clamped at 0;
    ties go to the lowest code index.  The EMA update is

    .. math::

        N_k \leftarrow \gamma N_k + (1 - \gamma) n_k, \quad
        m_k \leftarrow \gamma m_k + (1 - \gamma) \textstyle\sum_{i: k_i = k} z_i,
        \quad e_k = m_k / \tilde N_k,

    with :math:`\tilde N_k = (N_k + \epsilon) / (N + K\epsilon) \cdot N`,
    :math:`N = \sum_k N_k`; counts start at 1 and sums at the initial codes.

    Examples
    --------
    >>> import torch
    >>> from neural.vqvae import VectorQuantizer
    >>> vq = VectorQuantizer(num_codes=4, dim=2, seed=0)
    >>> z = torch.randn(3, 5, 2, generator=torch.Generator().manual_seed(0))
    >>> out = vq(z)
    >>> out.quantized.shape, out.indices.shape
    (torch.Size([3, 5, 2]), torch.Size([3, 5]))
    >>> bool(torch.allclose(out.quantized, vq.codebook[out.indices]))
    True
    >>> 1.0 <= float(out.perplexity) <= 4.0
    True
    """

    codebook: Tensor
    ema_counts: Tensor
    ema_sums: Tensor
    steps_since_used: Tensor

    def __init__(
        self,
        num_codes: int,
        dim: int,
        *,
        beta: float = 0.25,
        ema: bool = False,
        decay: float = 0.99,
        eps: float = 1e-5,
        dead_code_threshold: int | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        self.num_codes = _check_int("num_codes", num_codes, 1)
        self.dim = _check_int("dim", dim, 1)
        self.beta = _check_nonnegative("beta", beta)
        if not isinstance(ema, bool):
            raise TypeError(f"ema must be True or False, got {ema!r}")
        self.ema = ema
        self.decay = _check_open_unit("decay", decay)
        self.eps = _check_positive("eps", eps)
        self.dead_code_threshold = (
            None
            if dead_code_threshold is None
            else _check_int("dead_code_threshold", dead_code_threshold, 1)
        )
        self.seed = _check_seed(seed)
        self._generator = None if self.seed is None else torch.Generator().manual_seed(self.seed)

        bound = 1.0 / self.num_codes
        init = torch.rand(self.num_codes, self.dim, generator=self._generator)
        init = init.mul_(2 * bound).sub_(bound)
        if ema:
            self.register_buffer("codebook", init)
            self.register_buffer("ema_counts", torch.ones(self.num_codes))
            self.register_buffer("ema_sums", init.clone())
        else:
            self.codebook = nn.Parameter(init)
        self.register_buffer(
            "steps_since_used", torch.zeros(self.num_codes, dtype=torch.long), persistent=False
        )

    def extra_repr(self) -> str:
        """Return the constructor's settings for ``repr``."""
        parts = [f"num_codes={self.num_codes}", f"dim={self.dim}", f"beta={self.beta}"]
        if self.ema:
            parts += ["ema=True", f"decay={self.decay}"]
        if self.dead_code_threshold is not None:
            parts.append(f"dead_code_threshold={self.dead_code_threshold}")
        return ", ".join(parts)

    def forward(self, z: Tensor, channel_dim: int = -1) -> VQOutput:
        """Quantize ``z`` to its nearest codes.

        Parameters
        ----------
        z : Tensor
            Floating-point tensor holding vectors of length ``dim`` along
            ``channel_dim``, in the codebook's dtype.
        channel_dim : int, default -1
            The axis of ``z`` holding the code vector: -1 for ``(..., dim)``,
            1 for channels-first maps such as ``(batch, dim, height, width)``.

        Returns
        -------
        VQOutput
            ``quantized`` in the layout of ``z``, ``loss``, ``indices`` (the
            shape of ``z`` without ``channel_dim``), ``perplexity``, ``usage``
            and per-code ``counts``.  In training mode, an EMA codebook is
            updated and dead codes are restarted after the lookup.

        Raises
        ------
        TypeError
            If ``z`` is not a floating-point tensor of the codebook's dtype or
            ``channel_dim`` is not an integer.
        ValueError
            If ``z`` is empty or not finite, ``channel_dim`` is out of range,
            or ``z``'s size along ``channel_dim`` is not ``dim``.

        Examples
        --------
        >>> import torch
        >>> from neural.vqvae import VectorQuantizer
        >>> vq = VectorQuantizer(num_codes=8, dim=3, seed=0)
        >>> maps = torch.randn(2, 3, 4, 4, generator=torch.Generator().manual_seed(0))
        >>> out = vq(maps, channel_dim=1)
        >>> out.quantized.shape, out.indices.shape
        (torch.Size([2, 3, 4, 4]), torch.Size([2, 4, 4]))
        """
        z = _check_float_tensor("z", z)
        axis = _check_axis("channel_dim", channel_dim, z.dim(), "z")
        if z.shape[axis] != self.dim:
            raise ValueError(
                f"z must have size dim={self.dim} along channel_dim={channel_dim}, "
                f"got shape {tuple(z.shape)}"
            )
        if z.dtype != self.codebook.dtype:
            raise TypeError(
                f"z has dtype {z.dtype} but the codebook has {self.codebook.dtype}; "
                "convert one of them with .to(dtype)"
            )

        z_last = z.movedim(axis, -1)
        flat = z_last.reshape(-1, self.dim)
        indices = self._nearest(flat.detach())
        codes = self.codebook[indices]  # (n, dim)
        counts = torch.bincount(indices, minlength=self.num_codes)

        commitment = F.mse_loss(flat, codes.detach())
        if self.ema:
            loss = self.beta * commitment
        else:
            loss = F.mse_loss(codes, flat.detach()) + self.beta * commitment

        quantized = flat + (codes - flat).detach()
        quantized = quantized.view(z_last.shape).movedim(-1, axis)

        with torch.no_grad():
            probs = counts.to(flat.dtype) / flat.shape[0]
            perplexity = torch.exp(-torch.special.xlogy(probs, probs).sum())
            usage = (counts > 0).to(flat.dtype).mean()
            if self.training:
                if self.ema:
                    self._ema_update(flat.detach(), indices, counts)
                if self.dead_code_threshold is not None:
                    self._restart_dead_codes(flat.detach(), counts)

        return VQOutput(
            quantized=quantized,
            loss=loss,
            indices=indices.view(z_last.shape[:-1]),
            perplexity=perplexity,
            usage=usage,
            counts=counts,
        )

    def lookup(self, indices: Tensor) -> Tensor:
        """Return the code vectors of ``indices``.

        Parameters
        ----------
        indices : Tensor
            Integer tensor of code indices in ``[0, num_codes)``, any shape.

        Returns
        -------
        Tensor
            Shape ``indices.shape + (dim,)``.

        Raises
        ------
        TypeError
            If ``indices`` is not an integer tensor.
        ValueError
            If an index is outside ``[0, num_codes)``.

        Examples
        --------
        >>> import torch
        >>> from neural.vqvae import VectorQuantizer
        >>> vq = VectorQuantizer(num_codes=4, dim=2, seed=0)
        >>> vq.lookup(torch.tensor([[0, 3]])).shape
        torch.Size([1, 2, 2])
        """
        if not isinstance(indices, Tensor):
            raise TypeError(f"indices must be an integer tensor, got {type(indices).__name__}")
        if indices.is_floating_point() or indices.is_complex() or indices.dtype == torch.bool:
            raise TypeError(f"indices must be an integer tensor, got dtype {indices.dtype}")
        if indices.numel() and (int(indices.min()) < 0 or int(indices.max()) >= self.num_codes):
            raise ValueError(
                f"indices must be in [0, {self.num_codes}), got values from "
                f"{int(indices.min())} to {int(indices.max())}"
            )
        return self.codebook.detach()[indices.long()]

    # -- internals ------------------------------------------------------------------

    def _nearest(self, flat: Tensor) -> Tensor:
        codebook = self.codebook.detach()
        distances = torch.addmm(
            flat.pow(2).sum(1, keepdim=True) + codebook.pow(2).sum(1),
            flat,
            codebook.t(),
            alpha=-2.0,
        ).clamp_min_(0.0)
        return distances.argmin(1)

    def _ema_update(self, flat: Tensor, indices: Tensor, counts: Tensor) -> None:
        gamma = self.decay
        sums = torch.zeros_like(self.ema_sums).index_add_(0, indices, flat)
        self.ema_counts.mul_(gamma).add_(counts.to(self.ema_counts.dtype), alpha=1 - gamma)
        self.ema_sums.mul_(gamma).add_(sums, alpha=1 - gamma)
        total = self.ema_counts.sum()
        smoothed = (self.ema_counts + self.eps) / (total + self.num_codes * self.eps) * total
        self.codebook.copy_(self.ema_sums / smoothed.unsqueeze(1))

    def _restart_dead_codes(self, flat: Tensor, counts: Tensor) -> None:
        used = counts > 0
        self.steps_since_used.add_(1).masked_fill_(used, 0)
        dead = torch.nonzero(self.steps_since_used >= self.dead_code_threshold).flatten()
        if dead.numel() == 0:
            return
        n = flat.shape[0]
        if n >= dead.numel():
            pick = torch.randperm(n, generator=self._generator)[: dead.numel()]
        else:
            pick = torch.randint(n, (dead.numel(),), generator=self._generator)
        new_codes = flat[pick.to(flat.device)]
        self.codebook.data[dead] = new_codes
        if self.ema:
            self.ema_sums[dead] = new_codes
            self.ema_counts[dead] = 1.0
        self.steps_since_used[dead] = 0


# --------------------------------------------------------------------------- VQ-VAE


class VQVAEOutput(NamedTuple):
    """What :meth:`VQVAE.forward` returns.

    Attributes
    ----------
    reconstruction : Tensor
        Reconstructed images in [0, 1], the shape of the input.
    reconstruction_error : Tensor
        Scalar mean squared error between input and reconstruction.
    loss : Tensor
        Scalar training loss: ``reconstruction_error + vq.loss``.
    vq : VQOutput
        The quantizer's output on the encoder's grid (``indices`` has shape
        ``(batch, height / 2, width / 2)``).
    """

    reconstruction: Tensor
    reconstruction_error: Tensor
    loss: Tensor
    vq: VQOutput


class _Residual(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.block = nn.Sequential(
            nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(channels, channels, 1),
        )

    def forward(self, x: Tensor) -> Tensor:
        return x + self.block(x)


class VQVAE(nn.Module):
    """A small convolutional VQ-VAE for small images such as the 8x8 digits.

    The encoder halves the height and width once (8x8 to a 4x4 grid of code
    vectors), the quantizer replaces each vector by its nearest code, and the
    decoder maps the grid back to an image in [0, 1] (a sigmoid output).

    Parameters
    ----------
    in_channels : int, default 1
        Image channels.
    num_codes : int, default 32
        Codebook size.
    code_dim : int, default 16
        Length of each code vector.
    hidden : int, default 64
        Width of the convolutions.
    beta : float, default 0.25
        Commitment weight, ``>= 0``.
    ema : bool, default True
        Learn the codebook by exponential moving averages.
    decay : float, default 0.95
        EMA decay in (0, 1).
    dead_code_threshold : int or None, default 20
        Restart codes unused for this many training steps; None for never.
    seed : int or None, default None
        Seeds the weights' initialization (without touching torch's global
        generator) and the quantizer.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If a count is < 1 or a rate is out of range (see
        :class:`VectorQuantizer`).

    Examples
    --------
    >>> import torch
    >>> from neural.vqvae import VQVAE
    >>> model = VQVAE(num_codes=8, code_dim=4, hidden=8, seed=0)
    >>> out = model(torch.rand(2, 1, 8, 8))
    >>> out.reconstruction.shape, out.vq.indices.shape
    (torch.Size([2, 1, 8, 8]), torch.Size([2, 4, 4]))
    """

    def __init__(
        self,
        in_channels: int = 1,
        num_codes: int = 32,
        code_dim: int = 16,
        hidden: int = 64,
        *,
        beta: float = 0.25,
        ema: bool = True,
        decay: float = 0.95,
        dead_code_threshold: int | None = 20,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        self.in_channels = _check_int("in_channels", in_channels, 1)
        code_dim = _check_int("code_dim", code_dim, 1)
        hidden = _check_int("hidden", hidden, 1)
        seed = _check_seed(seed)
        with torch.random.fork_rng(devices=[]):
            if seed is not None:
                torch.manual_seed(seed)
            self.encoder = nn.Sequential(
                nn.Conv2d(self.in_channels, hidden, 4, stride=2, padding=1),
                nn.ReLU(),
                nn.Conv2d(hidden, hidden, 3, padding=1),
                _Residual(hidden),
                nn.ReLU(),
                nn.Conv2d(hidden, code_dim, 1),
            )
            self.decoder = nn.Sequential(
                nn.Conv2d(code_dim, hidden, 3, padding=1),
                _Residual(hidden),
                nn.ReLU(),
                nn.ConvTranspose2d(hidden, hidden, 4, stride=2, padding=1),
                nn.ReLU(),
                nn.Conv2d(hidden, self.in_channels, 3, padding=1),
            )
        self.quantizer = VectorQuantizer(
            num_codes,
            code_dim,
            beta=beta,
            ema=ema,
            decay=decay,
            dead_code_threshold=dead_code_threshold,
            seed=seed,
        )

    def _check_images(self, x: object) -> Tensor:
        x = _check_float_tensor("x", x)
        if x.dim() != 4 or x.shape[1] != self.in_channels or x.shape[2] % 2 or x.shape[3] % 2:
            raise ValueError(
                f"x must have shape (batch, {self.in_channels}, height, width) with even "
                f"height and width, got {tuple(x.shape)}"
            )
        return x

    def encode(self, x: Tensor) -> Tensor:
        """Return the encoder's continuous grid ``(batch, code_dim, h / 2, w / 2)``.

        Parameters
        ----------
        x : Tensor
            Images, shape ``(batch, in_channels, height, width)``, even sides.

        Returns
        -------
        Tensor
            The unquantized code vectors, channels first.

        Raises
        ------
        TypeError, ValueError
            If ``x`` is not a finite floating-point tensor of that shape.

        Examples
        --------
        >>> import torch
        >>> from neural.vqvae import VQVAE
        >>> VQVAE(code_dim=4, hidden=8, seed=0).encode(torch.rand(3, 1, 8, 8)).shape
        torch.Size([3, 4, 4, 4])
        """
        return self.encoder(self._check_images(x))

    def decode(self, quantized: Tensor) -> Tensor:
        """Map a grid of (quantized) code vectors back to images in [0, 1].

        Parameters
        ----------
        quantized : Tensor
            Shape ``(batch, code_dim, h, w)``.

        Returns
        -------
        Tensor
            Images, shape ``(batch, in_channels, 2 h, 2 w)``.

        Raises
        ------
        ValueError
            If ``quantized`` does not have 4 dimensions with ``code_dim`` channels.

        Examples
        --------
        >>> import torch
        >>> from neural.vqvae import VQVAE
        >>> model = VQVAE(num_codes=8, code_dim=4, hidden=8, seed=0)
        >>> codes = model.quantizer.lookup(torch.zeros(1, 4, 4, dtype=torch.long))
        >>> model.decode(codes.movedim(-1, 1)).shape
        torch.Size([1, 1, 8, 8])
        """
        quantized = _check_float_tensor("quantized", quantized)
        if quantized.dim() != 4 or quantized.shape[1] != self.quantizer.dim:
            raise ValueError(
                f"quantized must have shape (batch, {self.quantizer.dim}, h, w), "
                f"got {tuple(quantized.shape)}"
            )
        return torch.sigmoid(self.decoder(quantized))

    def forward(self, x: Tensor) -> VQVAEOutput:
        """Encode, quantize and decode ``x``.

        Parameters
        ----------
        x : Tensor
            Images in [0, 1], shape ``(batch, in_channels, height, width)``
            with even height and width.

        Returns
        -------
        VQVAEOutput
            Reconstruction, its mean squared error, the training loss and the
            quantizer's output.

        Raises
        ------
        TypeError, ValueError
            If ``x`` is not a finite floating-point tensor of that shape.

        Examples
        --------
        >>> import torch
        >>> from neural.vqvae import VQVAE
        >>> out = VQVAE(num_codes=8, code_dim=4, hidden=8, seed=0)(torch.rand(2, 1, 8, 8))
        >>> out.loss.shape, out.loss.requires_grad
        (torch.Size([]), True)
        """
        z = self.encoder(self._check_images(x))
        vq = self.quantizer(z, channel_dim=1)
        reconstruction = torch.sigmoid(self.decoder(vq.quantized))
        error = F.mse_loss(reconstruction, x)
        return VQVAEOutput(reconstruction, error, error + vq.loss, vq)


# --------------------------------------------------------------------------- data, training


def load_digits_images(dtype: torch.dtype = torch.float32) -> Tensor:
    """Return scikit-learn's 1797 handwritten 8x8 digits scaled to [0, 1].

    The data ship with scikit-learn; nothing is downloaded.

    Parameters
    ----------
    dtype : torch.dtype, default torch.float32
        Floating-point dtype of the result.

    Returns
    -------
    Tensor
        Shape ``(1797, 1, 8, 8)``, values in [0, 1].

    Raises
    ------
    ImportError
        If scikit-learn is not installed.
    TypeError
        If ``dtype`` is not a floating-point torch dtype.

    Examples
    --------
    >>> from neural.vqvae import load_digits_images
    >>> images = load_digits_images()
    >>> images.shape, float(images.min()), float(images.max())
    (torch.Size([1797, 1, 8, 8]), 0.0, 1.0)
    """
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating-point torch.dtype, got {dtype!r}")
    try:
        from sklearn.datasets import load_digits
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(
            "load_digits_images needs scikit-learn: pip install scikit-learn"
        ) from error
    pixels = load_digits().images  # (1797, 8, 8), integers 0..16
    return torch.as_tensor(pixels / 16.0, dtype=dtype).unsqueeze(1).contiguous()


@dataclass(frozen=True)
class TrainingHistory:
    """Per-epoch measurements of :func:`train_vqvae` on the whole data set.

    Entry 0 of each list is measured before training, entry ``i`` after
    epoch ``i`` (in evaluation mode, without updating the codebook).

    Attributes
    ----------
    reconstruction_error : list of float
        Mean squared error per pixel.
    perplexity : list of float
        ``exp`` of the entropy of the code frequencies over all grid cells.
    usage : list of float
        Fraction of the codebook used at least once.
    seconds : float
        Wall-clock training time, measurements included.
    """

    reconstruction_error: list[float] = field(default_factory=list)
    perplexity: list[float] = field(default_factory=list)
    usage: list[float] = field(default_factory=list)
    seconds: float = 0.0


@torch.no_grad()
def _evaluate(model: VQVAE, data: Tensor, batch_size: int) -> tuple[float, float, float]:
    was_training = model.training
    model.eval()
    squared_error = 0.0
    counts = torch.zeros(model.quantizer.num_codes, dtype=torch.long)
    for start in range(0, data.shape[0], batch_size):
        batch = data[start : start + batch_size]
        out = model(batch)
        squared_error += float(out.reconstruction_error) * batch.numel()
        counts += out.vq.counts.cpu()
    model.train(was_training)
    probs = counts.double() / counts.sum()
    perplexity = math.exp(-float(torch.special.xlogy(probs, probs).sum()))
    usage = float((counts > 0).double().mean())
    return squared_error / data.numel(), perplexity, usage


def train_vqvae(
    data: Tensor | None = None,
    model: VQVAE | None = None,
    *,
    epochs: int = 30,
    batch_size: int = 64,
    lr: float = 2e-3,
    seed: int = 0,
) -> tuple[VQVAE, TrainingHistory]:
    """Train a :class:`VQVAE` with Adam and return it with its history.

    Parameters
    ----------
    data : Tensor or None, default None
        Images in [0, 1], shape ``(n, channels, height, width)``; None uses
        :func:`load_digits_images`.
    model : VQVAE or None, default None
        The model to train in place; None builds ``VQVAE(channels, seed=seed)``.
    epochs : int, default 30
        Passes over the data, at least 1.
    batch_size : int, default 64
        Images per step, at least 1.
    lr : float, default 2e-3
        Adam's learning rate, ``> 0``.
    seed : int, default 0
        Seeds the shuffling (and the model when ``model`` is None); torch's
        global generator is left alone.

    Returns
    -------
    model : VQVAE
        The trained model, in evaluation mode.
    history : TrainingHistory
        Reconstruction error, perplexity and usage before training and after
        each epoch.

    Raises
    ------
    TypeError
        If ``data`` or ``model`` has the wrong type.
    ValueError
        If ``data`` has the wrong shape or values, or a count or rate is out of
        range.

    Examples
    --------
    >>> from neural.vqvae import VQVAE, load_digits_images, train_vqvae
    >>> data = load_digits_images()[:64]
    >>> model = VQVAE(num_codes=8, code_dim=4, hidden=8, seed=0)
    >>> model, history = train_vqvae(data, model, epochs=1, batch_size=32)
    >>> len(history.reconstruction_error)  # before training, after epoch 1
    2
    """
    epochs = _check_int("epochs", epochs, 1)
    batch_size = _check_int("batch_size", batch_size, 1)
    lr = _check_positive("lr", lr)
    seed = _check_seed(seed)
    if seed is None:
        raise TypeError("seed must be a non-negative integer, got None")
    if data is None:
        data = load_digits_images()
    data = _check_float_tensor("data", data)
    if data.dim() != 4:
        raise ValueError(
            f"data must have shape (n, channels, height, width), got {tuple(data.shape)}"
        )
    if float(data.min()) < 0 or float(data.max()) > 1:
        raise ValueError("data must hold values in [0, 1]")
    if model is None:
        model = VQVAE(data.shape[1], seed=seed)
    elif not isinstance(model, VQVAE):
        raise TypeError(f"model must be a VQVAE or None, got {type(model).__name__}")
    if data.shape[1] != model.in_channels or data.shape[2] % 2 or data.shape[3] % 2:
        raise ValueError(
            f"data must have shape (n, {model.in_channels}, height, width) with even height "
            f"and width to suit the model, got {tuple(data.shape)}"
        )

    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    start = time.perf_counter()
    errors, perplexities, usages = [], [], []

    def measure() -> None:
        error, perplexity, usage = _evaluate(model, data, 512)
        errors.append(error)
        perplexities.append(perplexity)
        usages.append(usage)

    measure()
    for _ in range(epochs):
        model.train()
        order = torch.randperm(data.shape[0], generator=generator).to(data.device)
        for first in range(0, data.shape[0], batch_size):
            batch = data[order[first : first + batch_size]]
            out = model(batch)
            optimizer.zero_grad(set_to_none=True)
            out.loss.backward()
            optimizer.step()
        measure()
    model.eval()
    return model, TrainingHistory(errors, perplexities, usages, time.perf_counter() - start)
