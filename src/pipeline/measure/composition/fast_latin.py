"""Latin words of the fast path, counted on the Latin view (:data:`.fast_tables.LATIN_VIEW`).

The view keeps ASCII letters, digits and the apostrophe at their character index, everything else is a space.
A token of letters is a word (neutral when it is a variable, a unit or a function name), a token with a digit is
a number, a token with an apostrophe is scanned as the reference scanner scans it.
"""

from __future__ import annotations

from pipeline.measure.composition.fast_tables import LATIN_SCAN_B, LATIN_TOKEN_B, NEUTRAL_LATIN_B

__all__ = ["latin_count", "latin_first", "latin_tokens", "latin_words"]


def latin_words(view: bytes) -> list[bytes]:
    """Latin words of a Latin view in order, neutral forms included (the reference's ``lat`` tokens).

    A token of letters is a word, a token with a digit is a number (neutral), a token with an apostrophe
    is scanned as the reference scans it (its neighbours are not letters, digits or apostrophes).
    """
    tokens = view.split()
    if b"'" not in view:
        return [t for t in tokens if t.isalpha()]
    words: list[bytes] = []
    for t in tokens:
        if t.isalpha():
            words.append(t)
        elif b"'" in t:
            words += [m.group() for m in LATIN_SCAN_B.finditer(t) if m.lastgroup]
    return words


def latin_tokens(view: bytes) -> list[bytes] | None:
    """Tokens of a Latin view, each a word (letters) or a number (with a digit, neutral); ``None`` when an
    apostrophe touches a Latin letter or digit (then :func:`latin_words` splits the tokens)."""
    if b"'" in view:
        view = view.replace(b" ' ", b"   ")  # apostrophes between non-Latin letters: no Latin word
        if b"'" in view:
            return None
    return view.split()


def latin_count(view: bytes, tokens: list[bytes] | None) -> int:
    """Counted Latin words of a Latin view (``tokens``: its :func:`latin_tokens`)."""
    if tokens is None:
        words = latin_words(view)
        return len(words) - sum(map(NEUTRAL_LATIN_B.__contains__, words))
    words = list(filter(bytes.isalpha, tokens))  # numbers (with a digit) dropped before hashing
    return len(words) - sum(map(NEUTRAL_LATIN_B.__contains__, words))


def latin_first(view: bytes, tokens: list[bytes] | None) -> int:
    """Character index of the first counted Latin word (there is one) of a Latin view (``tokens``: its
    :func:`latin_tokens`)."""
    if tokens is not None:
        word = next(t for t in tokens if t.isalpha() and t not in NEUTRAL_LATIN_B)
        # its first whole-token occurrence is that word (an earlier one would be counted too)
        return (b" " + view.replace(b"'", b" ") + b" ").find(b" " + word + b" ")
    for m in LATIN_TOKEN_B.finditer(view):
        t = m.group()
        if t.isalpha():
            if t not in NEUTRAL_LATIN_B:
                return m.start()
        elif b"'" in t:
            for w in LATIN_SCAN_B.finditer(t):
                if w.lastgroup and w.group() not in NEUTRAL_LATIN_B:
                    return m.start() + w.start()
    raise AssertionError("no counted Latin word")
