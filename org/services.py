"""Writes to units, grants and their derived scope table."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction

from .models import Unit, UnitScope


def _scope_pairs(units: list[tuple[int, int | None, str, int | None]]) -> set[tuple[int, int]]:
    """(root, unit) pairs: every unit is in the scope of itself and its
    ancestors; a supervisory office also covers the subtrees of the customs it
    supervises (shared/spec/indicators.md, "Scope of unit U")."""
    children = defaultdict(list)
    for pk, parent_id, _kind, _office in units:
        if parent_id is not None:
            children[parent_id].append(pk)

    subtree_cache: dict[int, list[int]] = {}

    def subtree(root: int) -> list[int]:
        if root not in subtree_cache:
            out, stack, seen = [], [root], set()
            while stack:
                node = stack.pop()
                if node in seen:  # a cycle would be a data error; never loop on it
                    continue
                seen.add(node)
                out.append(node)
                stack.extend(children[node])
            subtree_cache[root] = out
        return subtree_cache[root]

    pairs: set[tuple[int, int]] = set()
    for pk, _parent, _kind, _office in units:
        for member in subtree(pk):
            pairs.add((pk, member))
    for pk, _parent, _kind, office_id in units:
        if office_id is not None:
            for member in subtree(pk):
                pairs.add((office_id, member))
                # Whatever covers the office (hq) covers these already
                # through the tree, so nothing more to add upward.
    return pairs


@transaction.atomic
def unit_scope_rebuild() -> int:
    """Recompute the UnitScope closure table from the tree; returns its size.

    Units change rarely (a reorganisation, an import of the unit list) and
    there are at most a few thousand, so a full rebuild inside the writing
    transaction is simpler and safer than incremental maintenance.
    """
    units = list(Unit.objects.values_list("pk", "parent_id", "kind", "supervisory_office_id"))
    wanted = _scope_pairs(units)
    existing = {(r, u): pk for pk, r, u in UnitScope.objects.values_list("pk", "root_id", "unit_id")}
    stale = [pk for pair, pk in existing.items() if pair not in wanted]
    for start in range(0, len(stale), 500):
        UnitScope.objects.filter(pk__in=stale[start : start + 500]).delete()
    UnitScope.objects.bulk_create(
        [UnitScope(root_id=r, unit_id=u) for r, u in wanted if (r, u) not in existing], batch_size=2000
    )
    return len(wanted)


@transaction.atomic
def unit_save(*, unit: Unit, acting_user=None) -> Unit:
    unit.full_clean()
    if acting_user is not None:
        unit._history_user = acting_user
    unit.save()
    unit_scope_rebuild()
    return unit
