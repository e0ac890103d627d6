"""YAML reading that remembers line numbers, so every problem can name file:line."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LDict(dict):
    """A mapping from YAML that knows where it and each of its keys stood."""
    line: int = 0
    key_lines: dict
    duplicate_keys: list


class _LineLoader(_Base):  # type: ignore[misc, valid-type]
    pass


def _construct_mapping(loader, node):
    d = LDict()
    d.line = node.start_mark.line + 1
    d.key_lines, d.duplicate_keys = {}, []
    yield d
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            key = str(key)
        if key in d:
            d.duplicate_keys.append((key, key_node.start_mark.line + 1))
        d[key] = loader.construct_object(value_node, deep=True)
        d.key_lines[key] = key_node.start_mark.line + 1


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay text: the dataset's own parser knows precision, and "2021-02-30" must become a
# reported mistake with its line, not an exception from inside PyYAML.
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.file}:{self.line}: {kind}{self.message}"


class YamlError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


MAX_FILE_BYTES = 50 * 1024 * 1024


_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{t}" for t in ("str", "seq", "map"))


def _build(loader, node, memo: dict):
    """Nodes to values, like yaml.load with _construct_mapping, without its generator per node:
    on 100,000 records PyYAML's recursive constructor costs as much as parsing itself."""
    cls, tag = type(node), node.tag
    if cls is ScalarNode and tag == _STR:
        return node.value
    if id(node) in memo:            # an alias: the same object, as PyYAML gives
        return memo[id(node)]
    if cls is MappingNode and tag == _MAP:
        d = memo[id(node)] = LDict()
        d.line = node.start_mark.line + 1
        d.key_lines, d.duplicate_keys = {}, []
        for key_node, value_node in node.value:
            key = _build(loader, key_node, memo)
            try:
                hash(key)
            except TypeError:
                key = str(key)
            if key in d:
                d.duplicate_keys.append((key, key_node.start_mark.line + 1))
            d[key] = _build(loader, value_node, memo)
            d.key_lines[key] = key_node.start_mark.line + 1
        return d
    if cls is SequenceNode and tag == _SEQ:
        out = memo[id(node)] = []
        out.extend(_build(loader, n, memo) for n in node.value)
        return out
    return loader.construct_object(node, deep=True)  # ints, dates, null, other tags: PyYAML's rules


def load_text(text: str, name: str):
    """Parse YAML text; a syntax error becomes a YamlError naming name:line."""
    try:
        loader = _LineLoader(text)
        try:
            node = loader.get_single_node()
            return None if node is None else _build(loader, node, {})
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlError(Problem(name, line, f"not valid YAML: {exc.problem or exc}")) from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise YamlError(Problem(name, 1, f"not valid YAML: {exc}")) from None


def load_file(path: Path, name: str | None = None):
    name = name or str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise YamlError(Problem(name, 1, f"file is larger than {MAX_FILE_BYTES // 2**20} MiB"))
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise YamlError(Problem(name, 1, "not UTF-8 text")) from None
    except OSError as exc:
        raise YamlError(Problem(name, 1, f"cannot read: {exc.strerror}")) from None
    return load_text(text, name)


def line_of(obj, key=None, default: int = 1) -> int:
    if isinstance(obj, LDict):
        if key is not None and key in obj.key_lines:
            return obj.key_lines[key]
        return obj.line
    return default
