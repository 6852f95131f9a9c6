"""The YAML files a reader writes (a scenario, the crises file), read with PyYAML's safe loader and two mistakes it
lets pass made errors: a key given twice, which PyYAML settles silently by keeping the last value (a scenario naming
``patron`` twice ran with the second), and an impossible date written unquoted (``date: 1953-02-30``), which PyYAML's
date constructor raises as a bare ValueError naming no line. Both are raised as ``yaml.YAMLError`` with the line and
column, so whoever reads the file reports them as any other YAML error, with the file's name."""

from __future__ import annotations

import yaml
from yaml.constructor import ConstructorError, SafeConstructor


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a mapping that gives a key twice and a date that is not a day of the calendar."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if isinstance(key, (str, int, float, bool)) and key in seen:
                    raise ConstructorError("while reading a mapping", node.start_mark,
                                           f"the key {key!r} is given twice (first on line {seen[key].line + 1})",
                                           key_node.start_mark)
                seen.setdefault(key, key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


def _timestamp(loader: _StrictLoader, node):
    """A date or a time as PyYAML reads it, or an error naming the text and its line if it is no day of the calendar."""
    try:
        return SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise ConstructorError(None, None, f"{node.value!r} is not a date ({exc})", node.start_mark) from None


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def read_yaml(text: str):
    """The document in ``text``; raises yaml.YAMLError (with line and column) for bad YAML, a key given twice in a
    mapping, or an impossible date."""
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a subclass of SafeLoader
