"""The reference library: shared sources, their identifiers and their format."""
