"""Chromium's own accessibility tree, read through the DevTools protocol: the name, the
description and the states a screen reader is given for an element (not what the markup
seems to say)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class AXNode:
    role: str
    name: str
    description: str
    states: dict[str, object] = field(default_factory=dict)

    @property
    def invalid(self) -> bool:
        return self.states.get("invalid") not in (None, "false", False)


def node(page, selector: str) -> AXNode:  # type: ignore[no-untyped-def]
    """The accessibility node of the first element matching ``selector``."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        found = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert found, f"no element matches {selector}"
        tree = cdp.send("Accessibility.getPartialAXTree", {"nodeId": found, "fetchRelatives": False})
    finally:
        cdp.detach()
    ax = tree["nodes"][0]
    states = {p["name"]: p["value"].get("value") for p in ax.get("properties", [])}
    return AXNode(role=ax.get("role", {}).get("value", ""), name=ax.get("name", {}).get("value", ""),
                  description=ax.get("description", {}).get("value", ""), states=states)
