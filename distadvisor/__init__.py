"""distadvisor: a design advisor and pattern scaffolder for distributed systems."""

__version__ = "0.1.0"
