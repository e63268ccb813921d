"""Image checks shared by the plotting tests: render a figure to PNG with
Agg and look at its pixels."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402

from infomap_py.plot._common import PALETTE  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    """Close every pyplot figure a test made (import it into a test module)."""
    yield
    plt.close("all")


def render(fig, dpi: int = 80) -> np.ndarray:
    """Return the figure as an RGB array of shape (height, width, 3) in 0..1,
    rendered to PNG bytes and read back."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    buffer.seek(0)
    image = mpimg.imread(buffer, format="png")
    return image[..., :3]


def expected_size(fig, dpi: int = 80) -> tuple[int, int]:
    """The (height, width) in pixels that ``fig`` renders to at ``dpi``."""
    width, height = fig.get_size_inches()
    return int(round(height * dpi)), int(round(width * dpi))


def ink_fraction(image: np.ndarray) -> float:
    """The share of pixels that are not white."""
    return float((image.min(axis=2) < 0.98).mean())


def colour_pixels(image: np.ndarray, colour, tolerance: float = 0.02) -> int:
    """How many pixels show ``colour`` (within ``tolerance`` per channel)."""
    rgb = np.asarray(to_rgb(colour))
    return int((np.abs(image - rgb).max(axis=2) <= tolerance).sum())


def palette_colours_seen(image: np.ndarray, min_pixels: int = 20,
                         palette=PALETTE) -> int:
    """How many palette colours cover at least ``min_pixels`` pixels."""
    return sum(colour_pixels(image, c) >= min_pixels for c in palette)


#: Machado, Oliveira and Fernandes (2009): full-severity colour-vision
#: deficiencies as 3 x 3 matrices on linear RGB.
CVD_MATRICES = {
    "normal": np.eye(3),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def _lab(rgb: np.ndarray, vision: str) -> np.ndarray:
    """CIELAB (D65) of sRGB colours (rows in 0..1) as seen with ``vision``."""
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    linear = np.clip(linear @ CVD_MATRICES[vision].T, 0.0, 1.0)
    xyz = linear @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                             [0.0193, 0.1192, 0.9505]]).T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.column_stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]),
                            200 * (f[:, 1] - f[:, 2])])


def colour_distances(rgb: np.ndarray, vision: str = "normal") -> np.ndarray:
    """CIEDE2000 colour differences between every pair of sRGB colours
    (rows of ``rgb`` in 0..1), as seen with normal vision or simulated
    ``"deuteranopia"``, ``"protanopia"`` or ``"tritanopia"``; a square
    matrix (Sharma, Wu and Dalal 2005, the formula as they give it)."""
    lab = _lab(np.asarray(rgb, dtype=float), vision)
    L1, a1, b1 = (x[:, None] for x in lab.T)
    L2, a2, b2 = (x[None, :] for x in lab.T)
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean ** 7 / (c_mean ** 7 + 25.0 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1, h2 = np.degrees(np.arctan2(b1, a1p)) % 360, np.degrees(np.arctan2(b2, a2p)) % 360
    grey = c1 * c2 == 0
    dh = h2 - h1
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(grey, 0.0, dh)
    d_hue = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    h_mean = np.where(np.abs(h1 - h2) <= 180, (h1 + h2) / 2,
                      np.where(h1 + h2 < 360, (h1 + h2 + 360) / 2, (h1 + h2 - 360) / 2))
    h_mean = np.where(grey, h1 + h2, h_mean)
    t = (1 - 0.17 * np.cos(np.radians(h_mean - 30)) + 0.24 * np.cos(np.radians(2 * h_mean))
         + 0.32 * np.cos(np.radians(3 * h_mean + 6)) - 0.20 * np.cos(np.radians(4 * h_mean - 63)))
    l_mean, cp_mean = (L1 + L2) / 2, (c1 + c2) / 2
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c, s_h = 1 + 0.045 * cp_mean, 1 + 0.015 * cp_mean * t
    rotation = -np.sin(np.radians(60 * np.exp(-(((h_mean - 275) / 25) ** 2)))) * 2 * np.sqrt(
        cp_mean ** 7 / (cp_mean ** 7 + 25.0 ** 7))
    dl, dc, dhh = (L2 - L1) / s_l, (c2 - c1) / s_c, d_hue / s_h
    return np.sqrt(dl ** 2 + dc ** 2 + dhh ** 2 + rotation * dc * dhh)
