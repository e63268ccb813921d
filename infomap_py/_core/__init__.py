"""Numba kernels of infomap-py: flat arrays in, flat arrays out.

Nothing in this sub-package imports from the rest of :mod:`infomap_py`; the
Python face casts and validates its inputs once and calls these functions.
"""
