"""distadvisor: a design advisor and pattern scaffolder for distributed systems."""

__version__ = "0.1.0"
# Where the project lives until a package is published: reports link here (SARIF's
# informationUri, each rule's help page) and the docs install from here.
REPOSITORY = "https://github.com/distadvisor/distadvisor"


def rule_page(rule_id: str) -> str:
    """The URL of a shipped rule's page (docs/rules/<id>.md) at this release's tag."""
    return f"{REPOSITORY}/blob/v{__version__}/docs/rules/{rule_id}.md"
