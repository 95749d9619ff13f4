"""`python -m distadvisor`."""

from .cli.main import main

main()
