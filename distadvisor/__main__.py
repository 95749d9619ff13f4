"""`python -m distadvisor`."""

from .cli import main

main()
