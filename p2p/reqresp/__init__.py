"""Placeholder: filled by issue 13."""

__all__: list[str] = []
