"""The event reader gives exactly what PyYAML's composer gives: values, types, lines, errors."""
import pytest

from bot.dataset import yamlio


def _composed(text: str):
    """The reference: PyYAML's own composer, then the line-keeping constructor."""
    loader = yamlio._LineLoader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else yamlio._build(loader, node, {})
    finally:
        loader.dispose()


def _same(a, b, path="$"):
    assert type(a) is type(b), path
    if isinstance(a, yamlio.LDict):
        assert (a.line, a.key_lines, a.duplicate_keys, list(a)) == (b.line, b.key_lines, b.duplicate_keys, list(b)), path
        for k in a:
            _same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{path}[{i}]")
    else:
        assert a == b, path


CASES = [
    "",
    "# only a comment\n",
    "plain",
    "- a\n- b\n",
    "a: 1\nb: '1'\nc: 1.5\nd: .inf\ne: 0x1f\nf: 1_000\n",
    "yes: no\non: off\nt: True\n",
    "n: ~\nm:\nk: null\n",
    "date: 2021-03-22\nloose: 2021-3-2\nstamp: 2001-12-14t21:59:43.10-05:00\nmonth: 2021-03\n",
    "title: \"quoted: with colon\"\nsummary: |\n  two\n  lines\nfolded: >\n  a\n  b\n",
    "- {id: x, role: acted}\n- [a, [b, c]]\n",
    "a: 1\na: 2\nb:\n  a: 1\n  a: 1\n",
    "1: one\n2.5: two\nnull: three\n",
    "a: !!str 1\nb: !!int '3'\n",
    "? [a, b]\n: complex\n",
    "? {a: 1}\n: complex\n",
    "=: value key\n",
    "--- a\n--- b\n",
    "a: [1, 2\n",
    "a: b: c\n",
    "- a\nb: c\n",
    "a: *nowhere\n",
    "a: !custom x\n",
    "a: ! 123\nb: ! '123'\nc: !!str 123\n! k: v\n",
    "[" * 150 + "]" * 150,
    "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 120)) + "  " * 120 + "end\n",
]


@pytest.mark.parametrize("text", CASES)
def test_event_reader_matches_the_composer(text):
    try:
        expected = _composed(text)
    except Exception as exc:  # the reference fails: load_text must report the same problem
        with pytest.raises(yamlio.YamlError) as info:
            yamlio.load_text(text, "f.yaml")
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        assert info.value.problem.line == (mark.line + 1 if mark else 1)
        return
    _same(yamlio.load_text(text, "f.yaml"), expected)


LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{k}: &{k} [{', '.join(['*' + p] * 9)}]\n" for p, k in zip("abcdefgh", "bcdefghi"))


@pytest.mark.parametrize("text,line", [
    ("base: &b {x: 1}\nother: *b\n", 1),
    ("base: &b {x: 1}\nmerged:\n  <<: *b\n  y: 2\n", 1),
    ("&a k: v\n", 1),
    ("a: !!str 1\nb: &x [1]\nc: *x\n", 2),   # after something the event reader hands to the composer
    ("- id: r\n  note:\n    - &n deep\n", 3),
    (LAUGHS, 1),                            # 9**9 strings once expanded; refused from its first event
])
def test_anchors_and_aliases_are_refused_before_anything_is_built(text, line):
    with pytest.raises(yamlio.YamlError) as info:
        yamlio.load_text(text, "f.yaml")
    assert info.value.problem.line == line and "anchors and aliases" in info.value.problem.message
