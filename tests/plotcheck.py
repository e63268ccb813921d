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
