"""Adapters between infomap-py and other graph libraries."""
