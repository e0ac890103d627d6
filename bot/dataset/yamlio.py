"""YAML reading that remembers line numbers, so every problem can name file:line.

Anchors and aliases (`&a`, `*a`) are refused from the parser's events, before anything is
built from them: a few hundred bytes of nested aliases (a "billion laughs") expand to
gigabytes in any code that copies the values. No file in the schema needs them.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LDict(dict):
    """A mapping from YAML that knows where it and each of its keys stood."""
    line: int = 0
    key_lines: dict
    duplicate_keys: list


_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{t}" for t in ("str", "seq", "map"))


class _LineLoader(_Base):  # type: ignore[misc, valid-type]
    # The C composer calls these back in Python for every node; PyYAML's versions spend most
    # of their time on path resolvers this loader never has. Same tags, a third of the cost.
    def resolve(self, kind, value, implicit):
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is SequenceNode else _MAP

    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass


def _construct_mapping(loader, node):
    """Mappings PyYAML itself constructs (inside an explicitly tagged node) keep their lines too."""
    return _build(loader, node, {})


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay text: the dataset's own parser knows precision, and "2021-02-30" must become a
# reported mistake with its line, not an exception from inside PyYAML.
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))
assert not _LineLoader.yaml_path_resolvers and None not in _LineLoader.yaml_implicit_resolvers
# first character -> PyYAML's implicit resolvers for it ('' for the empty scalar), in its order
_IMPLICIT = {k: tuple(v) for k, v in _LineLoader.yaml_implicit_resolvers.items()}


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


def _build(loader, node, memo: dict):
    """Nodes to values, like yaml.load with a line-keeping mapping constructor, without a generator per node:
    on 100,000 records PyYAML's recursive constructor costs as much as parsing itself."""
    cls, tag = type(node), node.tag
    if cls is ScalarNode and tag == _STR:
        return node.value
    if id(node) in memo:            # an alias: the same object, as PyYAML gives
        return memo[id(node)]
    if cls is MappingNode and tag == _MAP:
        d = memo[id(node)] = LDict()
        d.line = node.start_mark.line + 1
        d.key_lines = key_lines = {}
        d.duplicate_keys = []
        for key_node, value_node in node.value:
            if type(key_node) is ScalarNode and key_node.tag == _STR:   # the usual key: plain text
                key = key_node.value
            else:
                key = _build(loader, key_node, memo)
                try:
                    hash(key)
                except TypeError:
                    key = str(key)
            line = key_node.start_mark.line + 1
            if key in d:
                d.duplicate_keys.append((key, line))
            d[key] = value_node.value if type(value_node) is ScalarNode and value_node.tag == _STR \
                else _build(loader, value_node, memo)
            key_lines[key] = line
        return d
    if cls is SequenceNode and tag == _SEQ:
        out = memo[id(node)] = []
        for n in node.value:
            out.append(n.value if type(n) is ScalarNode and n.tag == _STR else _build(loader, n, memo))
        return out
    return loader.construct_object(node, deep=True)  # ints, dates, null, other tags: PyYAML's rules


class _Unusual(Exception):
    """Something the event reader leaves to PyYAML's composer: tags, complex keys, depth."""


class _Anchor(Exception):
    """An anchor or an alias: refused, whatever reads the file."""

    def __init__(self, event):
        self.line = event.start_mark.line + 1


ANCHOR_MESSAGE = "YAML anchors and aliases (&name, *name) are not allowed: write each value out in full"


_SCALAR_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("bool", "int", "float", "null", "timestamp")}
_MAX_DEPTH = 100


def _plain(loader, value: str):
    """A plain scalar by PyYAML's implicit rules: text, or a bool, number, null or (as text) a date."""
    for tag, regexp in _IMPLICIT.get(value[:1], ()):
        if regexp.match(value):
            if tag not in _SCALAR_TAGS:
                raise _Unusual          # merge keys and the like
            return loader.yaml_constructors[tag](loader, ScalarNode(tag, value))
    return value


def _from_events(loader):
    """The same values as _build, straight from the C parser's events. PyYAML's C composer turns
    each event into a node first, which costs twice the parse itself on 100,000 records."""
    get = loader.get_event
    # Plain scalars repeat (keys, ids, roles) and resolve to immutable values: resolve each once.
    plain: dict = {}

    def scalar(ev):
        if ev.anchor is not None:
            raise _Anchor(ev)
        implicit = ev.implicit
        if implicit[0]:
            value = ev.value
            if value not in plain:
                plain[value] = _plain(loader, value)
            return plain[value]
        if implicit[1]:
            return ev.value
        raise _Unusual                                      # an explicit tag

    def collection(ev, depth: int):
        t = type(ev)
        if t is AliasEvent or ev.anchor is not None:
            raise _Anchor(ev)
        if ev.tag is not None or depth > _MAX_DEPTH:
            raise _Unusual
        if t is MappingStartEvent:
            d = LDict()
            d.line = ev.start_mark.line + 1
            key_lines = d.key_lines = {}
            d.duplicate_keys = []
            while True:
                ev = get()
                t = type(ev)
                if t is MappingEndEvent:
                    return d
                if t is AliasEvent or ev.anchor is not None:
                    raise _Anchor(ev)
                if t is not ScalarEvent:
                    raise _Unusual                          # a complex key
                line = ev.start_mark.line + 1
                # keys and values are most of the scalars: plain text is read here, without a call
                key = ev.value
                if ev.implicit[0] and key in plain and ev.anchor is None:
                    key = plain[key]                        # a plain key seen before
                else:
                    key = scalar(ev)
                ev = get()
                if type(ev) is not ScalarEvent:
                    value = collection(ev, depth + 1)
                elif ev.implicit[1] and ev.anchor is None:
                    value = ev.value                        # quoted
                else:
                    value = scalar(ev)
                if key in d:
                    d.duplicate_keys.append((key, line))
                d[key] = value
                key_lines[key] = line
        if t is SequenceStartEvent:
            out = []
            while True:
                ev = get()
                t = type(ev)
                if t is ScalarEvent:
                    out.append(scalar(ev))
                elif t is SequenceEndEvent:
                    return out
                else:
                    out.append(collection(ev, depth + 1))
        raise _Unusual

    get()                                                   # stream start
    if type(get()) is not DocumentStartEvent:
        return None                                         # an empty stream
    ev = get()
    value = scalar(ev) if type(ev) is ScalarEvent else collection(ev, 1)
    if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
        raise _Unusual                                      # more documents: the composer says so
    return value


def _refuse_anchors(text: str) -> None:
    """Read every event for an anchor or alias, building nothing (before PyYAML's composer runs)."""
    loader = _LineLoader(text)
    try:
        while (ev := loader.get_event()) is not None and type(ev) is not StreamEndEvent:
            if type(ev) is AliasEvent or getattr(ev, "anchor", None) is not None:
                raise _Anchor(ev)
    finally:
        loader.dispose()


def load_text(text: str, name: str):
    """Parse YAML text; a syntax error, an anchor or an alias becomes a YamlError naming name:line."""
    try:
        loader = _LineLoader(text)
        try:
            return _from_events(loader)
        except _Unusual:
            loader.dispose()
            _refuse_anchors(text)
            loader = _LineLoader(text)
            node = loader.get_single_node()
            return None if node is None else _build(loader, node, {})
        finally:
            loader.dispose()
    except _Anchor as exc:
        raise YamlError(Problem(name, exc.line, ANCHOR_MESSAGE)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlError(Problem(name, line, f"not valid YAML: {exc.problem or exc}")) from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise YamlError(Problem(name, 1, f"not valid YAML: {exc}")) from None


def too_large(size: int, limit: int) -> str | None:
    """Why input of `size` bytes is refused before it is parsed, or None."""
    if size <= limit:
        return None
    unit = f"{limit // 2**20} MiB" if limit >= 2**20 else f"{limit // 1024} KiB"
    return f"is {max(size // 1024, 1)} KiB; the limit is {unit}"


def load_file(path: Path, name: str | None = None, limit: int = MAX_FILE_BYTES):
    """Parse a YAML file, refused unread when larger than `limit` bytes."""
    name = name or str(path)
    try:
        if why := too_large(path.stat().st_size, limit):
            raise YamlError(Problem(name, 1, f"the file {why}"))
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
