"""Splitting long texts into pieces under a character limit at line, then sentence, then word boundaries."""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"(?<=[.!?。！？])(\s+)")


def _split_long(text: str, max_chars: int) -> list[tuple[str, str]]:
    """Pieces of one over-long line: sentences, then words, then hard cuts."""
    parts = SENTENCE_END.split(text)  # [sent, sep, sent, sep, ..., sent]
    units = [(parts[i], parts[i + 1] if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)]
    out: list[tuple[str, str]] = []
    for sentence, sep in units:
        while len(sentence) > max_chars:
            cut = sentence.rfind(" ", 0, max_chars)
            cut = cut if cut > 0 else max_chars
            out.append((sentence[:cut], " " if sentence[cut:cut + 1] == " " else ""))
            sentence = sentence[cut:].lstrip(" ")
        out.append((sentence, sep))
    return out


def chunk_text(text: str, max_chars: int, pack: bool = True) -> list[tuple[str, str]]:
    """Split ``text`` into ``(chunk, separator)`` pairs, each chunk at most ``max_chars`` long.

    ``"".join(chunk + sep for chunk, sep in pieces) == text`` up to whitespace at cut points. With ``pack``
    consecutive lines are packed into one chunk while they fit (fewer requests); without it every line is
    its own chunk (sentence-level MT models). Empty lines stay in the separators.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be positive, got {max_chars}")
    units: list[tuple[str, str]] = []
    lines = text.split("\n")
    for i, line in enumerate(lines):
        sep = "\n" if i < len(lines) - 1 else ""
        if len(line) <= max_chars:
            units.append((line, sep))
        else:
            pieces = _split_long(line, max_chars)
            pieces[-1] = (pieces[-1][0], pieces[-1][1] + sep)
            units.extend(pieces)
    # empty lines become part of the previous separator (leading ones are dropped: output is stripped)
    merged: list[tuple[str, str]] = []
    for chunk, sep in units:
        if not chunk.strip():
            if merged:
                merged[-1] = (merged[-1][0], merged[-1][1] + chunk + sep)
            continue
        merged.append((chunk, sep))
    if not merged:
        return [(text, "")] if text else []
    if not pack:
        return merged
    packed: list[tuple[str, str]] = [merged[0]]
    for chunk, sep in merged[1:]:
        prev, prev_sep = packed[-1]
        if len(prev) + len(prev_sep) + len(chunk) <= max_chars:
            packed[-1] = (prev + prev_sep + chunk, sep)
        else:
            packed.append((chunk, sep))
    return packed


def reassemble(pieces: list[tuple[str, str]], translated: list[str]) -> str:
    """Join translated chunks with the original separators."""
    return "".join(t + sep for t, (_, sep) in zip(translated, pieces, strict=True)).strip()
