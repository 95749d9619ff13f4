"""Renderers of a Recommendation: each a function of the data, none re-deriving it."""

FORMATS = ("text", "json", "markdown")
