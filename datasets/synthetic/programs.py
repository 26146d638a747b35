"""Programs: small JSON dicts that compute an answer from scene metadata alone.

Every VQA question and image instruction sample stores its program; `evaluate_program` is the
reference semantics (the TypeScript test of the committed split mirrors it), so each committed
answer can be re-derived from the committed scene. Ops:

    count      {"filter": {attr: value, ...}}            -> "0".."3"
    query      {"attribute", "object": selector}          -> the attribute value
    exists     {"filter"}                                 -> "yes" / "no"
    verify     {"attribute", "value", "object"}           -> "yes" / "no"
    relate     {"subject", "relation", "object"}          -> "yes" / "no"
    statement  like relate                                -> "true" / "false"
    query_related {"attribute", "relation", "object"}     -> attribute of the one object in that
                                                             relation to `object`
    temperature {"object"}                                -> "warm" / "cool"
    most_corners {}                                       -> shape with the most corners

A selector ({"color": "red", "shape": "circle"}) must name exactly one object.
"""

from __future__ import annotations

from . import vocab

RELATIONS = ("left of", "right of", "above", "below")


def _matches(obj: dict, selector: dict) -> bool:
    return all(obj[key] == value for key, value in selector.items())


def select(scene: dict, selector: dict) -> list:
    return [obj for obj in scene["objects"] if _matches(obj, selector)]


def the_object(scene: dict, selector: dict) -> dict:
    found = select(scene, selector)
    if len(found) != 1:
        raise ValueError(f"selector {selector} names {len(found)} objects, expected exactly one")
    return found[0]


def holds(a: dict, relation: str, b: dict) -> bool:
    """Grid relations: columns decide left/right, rows decide above/below."""
    if relation == "left of":
        return a["col"] < b["col"]
    if relation == "right of":
        return a["col"] > b["col"]
    if relation == "above":
        return a["row"] < b["row"]
    if relation == "below":
        return a["row"] > b["row"]
    raise ValueError(f"unknown relation {relation!r}")


def balanced_relation(a: dict, b: dict, rng) -> str:
    """A relation between two objects in different cells, true or false with equal odds."""
    want = bool(rng.random() < 0.5)
    candidates = [r for r in RELATIONS if holds(a, r, b) == want]
    return candidates[int(rng.integers(len(candidates)))]


def related(scene: dict, relation: str, anchor: dict) -> list:
    return [o for o in scene["objects"] if o is not anchor and holds(o, relation, anchor)]


def corner_ranking(scene: dict) -> list:
    return sorted(scene["objects"], key=lambda o: -vocab.SHAPE_CORNERS[o["shape"]])


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def evaluate_program(scene: dict, program: dict) -> str:
    """The canonical answer of `program` on `scene`."""
    op = program["op"]
    if op == "count":
        return str(len(select(scene, program.get("filter", {}))))
    if op == "query":
        return str(the_object(scene, program["object"])[program["attribute"]])
    if op == "exists":
        return _yes_no(len(select(scene, program["filter"])) > 0)
    if op == "verify":
        return _yes_no(the_object(scene, program["object"])[program["attribute"]] == program["value"])
    if op in ("relate", "statement"):
        subject = the_object(scene, program["subject"])
        truth = holds(subject, program["relation"], the_object(scene, program["object"]))
        return _yes_no(truth) if op == "relate" else ("true" if truth else "false")
    if op == "query_related":
        found = related(scene, program["relation"], the_object(scene, program["object"]))
        if len(found) != 1:
            raise ValueError(f"{program} relates {len(found)} objects, expected exactly one")
        return str(found[0][program["attribute"]])
    if op == "temperature":
        color = the_object(scene, program["object"])["color"]
        if color in vocab.WARM_COLORS:
            return "warm"
        if color in vocab.COOL_COLORS:
            return "cool"
        raise ValueError(f"{color} is neither warm nor cool")
    if op == "most_corners":
        ranked = corner_ranking(scene)
        if len(ranked) > 1 and vocab.SHAPE_CORNERS[ranked[0]["shape"]] == vocab.SHAPE_CORNERS[ranked[1]["shape"]]:
            raise ValueError("most_corners needs a unique maximum")
        return ranked[0]["shape"]
    raise ValueError(f"unknown program op {op!r}")
