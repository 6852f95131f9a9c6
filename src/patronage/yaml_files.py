"""The YAML files a reader writes (a scenario, the crises file), read with PyYAML's safe loader and two mistakes it
lets pass made errors: a key given twice, which PyYAML settles silently by keeping the last value (a scenario naming
``patron`` twice ran with the second), and an impossible date written unquoted (``date: 1953-02-30``), which PyYAML's
date constructor raises as a bare ValueError naming no line. Both are raised as ``yaml.YAMLError`` with the line and
column, so whoever reads the file reports them as any other YAML error, with the file's name. A file that is not
UTF-8 text is refused the same way (:class:`NotUtf8`), naming the first byte that is not, instead of a
UnicodeDecodeError's traceback."""

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


class NotUtf8(yaml.YAMLError):
    """A YAML file whose bytes are not UTF-8 text."""


def read_yaml_file(path):
    """The document in the file at ``path`` (:func:`read_yaml`); raises OSError if it cannot be read, NotUtf8 if it is
    not UTF-8 text, yaml.YAMLError as read_yaml does."""
    data = open(path, "rb").read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotUtf8(f"not UTF-8 text: byte 0x{data[exc.start]:02x} at position {exc.start} is not UTF-8 "
                      "(save the file as UTF-8)") from None
    return read_yaml(text)


def read_yaml(text: str):
    """The document in ``text``; raises yaml.YAMLError (with line and column) for bad YAML, a key given twice in a
    mapping, or an impossible date."""
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a subclass of SafeLoader
