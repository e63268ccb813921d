"""Reproducible benchmarks of infomap-py against the official Infomap."""
