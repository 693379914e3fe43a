"""Compare two CloudFormation templates synthesized by the CDK, ignoring what differs by language.

Ignored: every resource's ``Metadata``, the ``CDKMetadata`` resource and its ``CDKMetadataAvailable`` condition, the
``BootstrapVersion`` parameter and the ``CheckBootstrapVersion`` rule. Everything else (logical ids, ``Type``,
``Properties``, ``DependsOn``, policies, outputs) must be equal.
"""
import json
from typing import Any, List


def normalize(template: dict) -> dict:
    t = json.loads(json.dumps(template))  # deep copy, plain JSON types
    resources = t.get("Resources", {})
    for logical_id in list(resources):
        if resources[logical_id].get("Type") == "AWS::CDK::Metadata":
            del resources[logical_id]
        else:
            resources[logical_id].pop("Metadata", None)
    for section, key in (("Parameters", "BootstrapVersion"), ("Rules", "CheckBootstrapVersion"),
                         ("Conditions", "CDKMetadataAvailable")):
        t.get(section, {}).pop(key, None)
    for section in list(t):
        if t[section] == {}:
            del t[section]
    return t


def _show(value: Any) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 300 else text[:297] + "..."


def diff(expected: Any, actual: Any, path: str = "") -> List[str]:
    """Readable differences, one line each: ``path: expected X, got Y``."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for key in sorted(set(expected) | set(actual)):
            sub = f"{path}.{key}" if path else key
            if key not in actual:
                out.append(f"{sub}: missing (expected {_show(expected[key])})")
            elif key not in expected:
                out.append(f"{sub}: unexpected (got {_show(actual[key])})")
            else:
                out.extend(diff(expected[key], actual[key], sub))
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: expected {len(expected)} items {_show(expected)}, got {len(actual)} items {_show(actual)}"]
        out = []
        for i, (e, a) in enumerate(zip(expected, actual)):
            out.extend(diff(e, a, f"{path}[{i}]"))
        return out
    same_number = (isinstance(expected, (int, float)) and isinstance(actual, (int, float))
                   and not isinstance(expected, bool) and not isinstance(actual, bool) and expected == actual)
    if same_number or (type(expected) is type(actual) and expected == actual):
        return []
    return [f"{path}: expected {_show(expected)}, got {_show(actual)}"]


def template_diff(expected: dict, actual: dict) -> List[str]:
    return diff(normalize(expected), normalize(actual))
