"""Read a data file as PyYAML nodes, so every value still knows the line it was written on.

Pure: no ORM and no Django, shared by the exam blueprint (`cards/blueprint.py`) and the service
catalog (`cards/catalog.py`). The file is composed, never constructed: the checks walk the node
tree themselves, so a problem is reported at the node's own mark as `file:line: message`, every
problem of a file is collected before anything is returned, and YAML tags or anchors cannot
turn into Python objects.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NoReturn

import yaml

from .notes import Problem, SourceError

STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
NULL_TAG = "tag:yaml.org,2002:null"
# libyaml's loader when PyYAML was built with it: ten times faster on the catalog, same marks.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# A plain decimal integer; YAML 1.1 would also read 0x1F, 0o17 or 1_000 as integers.
DECIMAL_RE = re.compile(r"[0-9]+")


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def compose(text: str, path: str) -> yaml.Node:
    """The single document of `text` as a node tree; a syntax error or no document is a Problem."""
    try:
        node = yaml.compose(text, Loader=LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        # "expected a single document in the stream, but found another document"
        message = ", ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        raise SourceError([Problem(path, line, message)]) from exc
    except yaml.YAMLError as exc:
        raise SourceError([Problem(path, 1, str(exc))]) from exc
    if node is None:
        raise SourceError([Problem(path, 1, "file is empty")])
    return node


class Fields(dict[str, yaml.Node]):
    """The values of a mapping by key, with the line of each key for problems about a value."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class Reader:
    """Checks the shape of nodes, collecting problems instead of stopping at the first."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node | int, message: str) -> None:
        line = node if isinstance(node, int) else line_of(node)
        self.problems.append(Problem(self.path, line, message))

    def fail(self) -> NoReturn:
        """Stop with every problem so far, in line order."""
        raise SourceError(sorted(self.problems, key=lambda problem: problem.line or 0))

    def raise_problems(self) -> None:
        if self.problems:
            self.fail()

    def mapping(
        self,
        node: yaml.Node,
        what: str,
        required: Sequence[str],
        optional: Sequence[str] = (),
        *,
        line: int | None = None,
    ) -> Fields | None:
        """The values of a mapping by key; unknown, repeated and missing keys are problems.

        `line` is where a missing key is reported: the line of the key that holds this mapping
        (a block mapping's own mark is its first key, which may be the one missing).
        """
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{what} must be a mapping")
            return None
        values = Fields(line if line is not None else line_of(node))
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or key_node.tag != STR_TAG:
                self.problem(key_node, f"{what} has a key that is not plain text")
            elif key in values:
                self.problem(key_node, f"{what} repeats the key {key!r}")
            elif key not in required and key not in optional:
                self.problem(key_node, f"unknown key {key!r} in {what}")
            else:
                values[key] = value_node
                values.key_lines[key] = line_of(key_node)
        for key in required:
            if key not in values and not self._has_key(node, key):
                self.problem(values.line, f"{what} has no {key!r}")
        return values

    @staticmethod
    def _has_key(node: yaml.MappingNode, key: str) -> bool:
        # A required key given twice is reported once, as repeated, not also as missing.
        return any(getattr(key_node, "value", None) == key for key_node, _ in node.value)

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{what} must be a list")
            return []
        return list(node.value)

    def text(self, node: yaml.Node, what: str) -> str:
        """Non-empty text, stripped; a number, a list or an empty value is a problem."""
        if not isinstance(node, yaml.ScalarNode) or node.tag != STR_TAG:
            self.problem(node, f"{what} must be text")
            return ""
        value = node.value.strip()
        if not value:
            self.problem(node, f"{what} is empty")
        return value

    def code(self, node: yaml.Node, what: str) -> str:
        """A short code such as a task statement, accepted quoted or not.

        An unquoted code with a dot is a float to YAML; the text as written is what counts, so
        a trailing zero stays instead of vanishing as it would from the float.
        """
        if isinstance(node, yaml.ScalarNode) and node.tag in (STR_TAG, FLOAT_TAG, INT_TAG):
            value = node.value.strip()
            if value:
                return value
        self.problem(node, f'{what} must be a code written "<domain>.<n>"')
        return ""

    def integer(self, node: yaml.Node, what: str) -> int | None:
        if (
            not isinstance(node, yaml.ScalarNode)
            or node.tag != INT_TAG
            or not DECIMAL_RE.fullmatch(node.value)
        ):
            self.problem(node, f"{what} must be a whole number")
            return None
        return int(node.value)
