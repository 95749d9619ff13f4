"""Where a kind of data's replicas sit, as its advice places them.

The replica diagram, `simulate` and the availability findings all place replicas
here, so they agree with each other and with the advice: residency confines replicas
to its regions; the leader sits in the data's home region; a synchronous quorum the
advice keeps in one region (the home region's zones) spans one region, with
asynchronous followers elsewhere; otherwise replicas are dealt over the allowed
regions in turn, the leader's first (followers there serve local reads and are
promoted when the leader's region is lost).
"""

from __future__ import annotations

from typing import NamedTuple

from ..model.requirements import Deployment, Entity
from ..recommendation import EntityAdvice

# Replication rules (rules/replication.yaml) whose synchronous quorum stays in one
# region: its leader and standbys in the home region's zones. (A geographic partition's
# consensus group, replication.strong-geographic, also sits in its home region, but the
# data as a whole spans the regions: the availability findings count it as spread.)
IN_REGION_RULES = frozenset({"replication.strong-home-region", "replication.strong-single-region"})
# Of those, the rule that also ships changes asynchronously to the other regions.
FOLLOWERS_ELSEWHERE_RULES = frozenset({"replication.strong-home-region"})
# Rules whose leader acknowledges a write only once a standby in another region has it.
REMOTE_ACK_RULES = frozenset(
    {"replication.strong-two-regions", "replication.durable-across-regions"}
)


class Placement(NamedTuple):
    """Replicas by deployment region index (the file's order; 0.. for a bare count)."""

    voters: tuple[int, ...]  # the n replicas of the quorum, leader (if any) first
    followers: tuple[int, ...]  # asynchronous replicas outside the quorum, one per region
    regions: int  # the deployment's regions, which users read and write from
    remote_ack: bool  # every write also waits for a voter in another region

    @property
    def span(self) -> int:
        """How many regions the quorum spans: what a region loss takes from it."""
        return len(set(self.voters))

    @property
    def home(self) -> int:
        return self.voters[0]


def concluding_rule(advice: EntityAdvice, field: str = "replication") -> str | None:
    """The id of the rule that concluded `field` for this data."""
    return next((r.rule for r in advice.because if r.field == field), None)


def place(
    scheme: str, n: int, rule: str | None, entity: Entity, deployment: Deployment
) -> Placement:
    """The places of `n` replicas under `scheme`, concluded by `rule` (None when the
    file declares another scheme than the advice's)."""
    count = max(1, deployment.region_count)
    names = deployment.region_names
    allowed = list(deployment.regions_for(entity.residency))
    home = names.index(entity.home_region) if entity.home_region in names else allowed[0]
    if home not in allowed:
        home = allowed[0]
    order = [home, *(i for i in allowed if i != home)]
    n = max(1, n)
    if rule in IN_REGION_RULES:
        followers = tuple(order[1:]) if rule in FOLLOWERS_ELSEWHERE_RULES else ()
        return Placement((home,) * n, followers, count, remote_ack=False)
    span = min(len(order), n)
    voters = tuple(order[i % span] for i in range(n))
    remote = rule in REMOTE_ACK_RULES and scheme == "leader-follower-sync" and span > 1
    return Placement(voters, (), count, remote_ack=remote)


def of_advice(
    advice: EntityAdvice,
    entity: Entity,
    deployment: Deployment,
    *,
    scheme: str | None = None,
    n: int | None = None,
) -> Placement:
    """The placement of the advice's design, or of a declared `scheme` and `n`; the
    advice's rule only counts for the scheme it concluded."""
    advised = str(advice.conclusions.get("replication") or "")
    quorum = advice.conclusions.get("quorum") or {}
    scheme = scheme or advised
    rule = concluding_rule(advice) if scheme == advised else None
    count = n if n is not None else int(quorum.get("n", 1))
    return place(scheme, count, rule, entity, deployment)
