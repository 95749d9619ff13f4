"""ASCII and Unicode diagrams drawn from the user's own system.

One module per kind of diagram, each a pure function returning a string:
`replication`, `partitioning`, `saga`, `breaker`, `cap`; `canvas` holds the
character sets and the layout pieces they share; `system` picks and draws the
diagrams of a recommendation; `scaffolds` the one in a scaffolded module.
"""
