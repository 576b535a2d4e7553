"""saylau: election results as exact, dated, self-explaining rules-as-code."""

__version__ = "0.1.0"
