"""Turning raw YAML values into typed fields while collecting problems with file and line."""
from __future__ import annotations

from pathlib import Path

from bot.dataset.model import ID_RE
from bot.dataset.yamlio import Problem, YamlError, line_of, load_file, load_text


class Reader:
    """Collects problems while turning raw YAML values into typed objects."""

    def __init__(self, root: Path, texts: dict[Path, str] | None = None):
        self.root = root
        self.problems: list[Problem] = []
        self.texts = texts or {}   # files read from these texts instead of the disk: a change not yet saved

    def name(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent)) if self.root.parent != path else str(path)
        except ValueError:
            return str(path)

    def err(self, file: str, line: int, msg: str, warning: bool = False) -> None:
        self.problems.append(Problem(file, line, msg, warning))

    def load(self, path: Path, want: type, required: bool = True):
        text = self.texts.get(path)
        if text is None and not path.exists():
            if required:
                self.err(self.name(path), 1, "file is missing")
            return want()
        try:
            data = load_file(path, self.name(path)) if text is None else load_text(text, self.name(path))
        except YamlError as exc:
            self.problems.append(exc.problem)
            return want()
        if data is None:
            return want()
        if not isinstance(data, want):
            self.err(self.name(path), line_of(data), f"expected a {'list' if want is list else 'mapping'} at the top")
            return want()
        return data

    def string(self, d, key, file, required=True, limit=None) -> str:
        v = d.get(key)
        if v is None or v == "":
            if required:
                self.err(file, line_of(d), f"`{key}` is required")
            return ""
        if not isinstance(v, (str, int, float)) or isinstance(v, bool):
            self.err(file, line_of(d, key), f"`{key}` must be text")
            return ""
        v = str(v).strip()
        if limit and len(v) > limit:
            self.err(file, line_of(d, key), f"`{key}` is {len(v)} characters; the limit is {limit}")
        return v

    def str_list(self, d, key, file) -> list[str]:
        v = d.get(key)
        if v is None:
            return []
        if isinstance(v, (str, int)):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, (str, int)) for x in v):
            self.err(file, line_of(d, key), f"`{key}` must be a list of text")
            return []
        return [str(x).strip() for x in v if str(x).strip()]

    def ident(self, d, file, seen: dict, what: str) -> str | None:
        i = self.string(d, "id", file)
        if not i:
            return None
        if not ID_RE.match(i):
            self.err(file, line_of(d, "id"), f"{what} id {i!r} must be lower-case letters, digits and dashes")
            return None
        if i in seen:
            self.err(file, line_of(d, "id"), f"duplicate {what} id {i!r} (first at {seen[i]})")
            return None
        seen[i] = f"{file}:{line_of(d)}"
        return i

    def fields(self, d, file, allowed: set[str]) -> None:
        for key, line in getattr(d, "duplicate_keys", []):
            self.err(file, line, f"`{key}` is given twice")
        for key in d:
            if key not in allowed:
                self.err(file, line_of(d, key), f"unknown field `{key}` (allowed: {', '.join(sorted(allowed))})")
