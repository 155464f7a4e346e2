"""Byte tables and character classes of the fast path (:mod:`.fast`), generated from the rule table (:mod:`.rules`).

The fast path reads a character's class from its UTF-8 lead byte. Its one own choice is :data:`LEAD_BLOCKS`:
which script class each non-ASCII lead byte stands for, named by the Unicode blocks that fill those bytes (a choice
of speed, not a labelling rule: U+3000-3FFF shares one lead byte, and CJK punctuation there is far more frequent
than Han Extension A or Hangul compatibility jamo, so that byte stands for neutral characters). Everything else is
derived, character by character, from the class :mod:`.rules` gives a character on its own (:func:`rule_class`):

* the fast characters (:data:`NOT_FAST` is the rest): ASCII; under a script's lead byte, the characters of that
  class; under any other lead byte of the BMP, the neutral ones (no class, a class without label, a sentence
  break) and the number-like word characters (``½``, ``Ⅻ``), which :data:`NUMBER_GLUED` guards;
* the one-byte-per-character script view (:data:`SCRIPT_TABLE`), the Latin and Cyrillic byte views, the lead
  bytes that only start fast characters (:data:`SURE_FAST_BYTES`), and the Cyrillic and sentence-break patterns.
"""

from __future__ import annotations

import re
from array import array

from pipeline.measure.composition.rules import (
    APOSTROPHES,
    DIGITS,
    NEUTRAL_CYRILLIC,
    NUMBER_CHARS,
    RU_WORDS,
    SCRIPT_BY_NAME,
    SCRIPTS,
    SENTENCE_BREAKS,
    UK_WORDS,
    Ranges,
)
from pipeline.measure.composition.tokens import BREAK, NUMBER, char_class

__all__ = [
    "ASCII_BREAK", "BAR_TO_SPACE", "BREAK_CHAR", "CONTINUATION", "CYR_LEXICON_B", "CYR_VIEW", "CYR_WORD",
    "FAST_CLASSES", "FAST_CODES", "LATIN_APOSTROPHE_JOIN", "LATIN_SCAN_B", "LATIN_TOKEN_B", "LATIN_VIEW",
    "LEAD_BLOCKS", "LONE_APOSTROPHE", "NEUTRAL", "NEUTRAL_CYRILLIC_LOW_B", "NEUTRAL_LATIN_B", "NON_ASCII_APOSTROPHES",
    "NON_ASCII_BREAKS_UTF8", "NON_CYRILLIC_MB", "NOT_FAST", "NUMBER_GLUED", "NUMBER_GLUED_LEADS", "NUMBER_LIKE",
    "ONLY", "RU_WORDS_B", "SCRIPT_TABLE", "SURE_FAST_BYTES", "UK_WORDS_B", "lead_byte", "lead_span", "rule_class",
]

# The classes the fast path counts and their byte in the script view (ASCII letters of "lat" only: a Latin word
# with a non-ASCII letter sends its sentence to fastText, which the token-level path does).
FAST_CODES: dict[str, bytes] = {"lat": b"L", "ko": b"K", "han": b"H", "el": b"G", "cyr": b"C"}
FAST_CLASSES = tuple(FAST_CODES)
LEAD_BLOCKS: dict[str, Ranges] = {
    "el": ((0x0370, 0x03FF),),  # Greek and Coptic
    "cyr": ((0x0400, 0x04FF),),  # Cyrillic
    "ko": ((0x1100, 0x11FF), (0xAC00, 0xD7AF)),  # Hangul Jamo, Hangul Syllables
    "han": ((0x4E00, 0x9FFF),),  # CJK Unified Ideographs
}
NEUTRAL = ""  # rule_class of a character no class takes
NUMBER_LIKE = "number-like"  # rule_class of a word character of the catch-all class that is not a letter
_BMP = 0x10000


def lead_byte(cp: int) -> int:
    """The first UTF-8 byte of code point ``cp``."""
    if cp < 0x80:
        return cp
    if cp < 0x800:
        return 0xC0 | cp >> 6
    if cp < _BMP:
        return 0xE0 | cp >> 12
    return 0xF0 | cp >> 18


_NAMES = [NEUTRAL, BREAK, NUMBER, *(s.name for s in SCRIPTS), NUMBER_LIKE]  # class ids (bytes) -> names
_ID = {name: i for i, name in enumerate(_NAMES)}
_ANY_LETTER = next(s.name for s in SCRIPTS if s.any_letter)


def _class_ids() -> bytearray:
    """The id (in :data:`_NAMES`) of :func:`rule_class` of every BMP code point."""
    ids = bytearray(_BMP)
    order = [(BREAK, tuple((ord(c), ord(c)) for c in SENTENCE_BREAKS)), (NUMBER, DIGITS)]
    order += [(s.name, s.ranges) for s in SCRIPTS if not s.any_letter]
    for name, ranges in reversed(order):  # the scanner's order: earlier classes overwrite later ones
        for a, b in ranges:
            b = min(b, _BMP - 1)
            if a <= b:
                ids[a : b + 1] = bytes([_ID[name]]) * (b - a + 1)
    # the catch-all class: the other word characters that are not digits; those that are not letters are dropped
    bmp = array("I", range(_BMP)).tobytes().decode("utf-32-le", "surrogatepass")
    letter, number_like = _ID[_ANY_LETTER], _ID[NUMBER_LIKE]
    for m in re.finditer(r"[^\W\d_]+", bmp):
        a, b = m.span()
        if ids.count(0, a, b) == 0:
            continue
        if ids.count(0, a, b) == b - a and m.group().isalpha():
            ids[a:b] = bytes([letter]) * (b - a)
            continue
        for cp in range(a, b):
            if not ids[cp]:
                ids[cp] = letter if bmp[cp].isalpha() else number_like
    return ids


_CLASS_IDS = _class_ids()


def rule_class(cp: int) -> str:
    """The class the scanner gives BMP character ``cp`` standing alone: a class name of :mod:`.rules` (or
    ``brk``, ``num``), :data:`NUMBER_LIKE` (caught by the catch-all class but dropped: not a letter), or
    :data:`NEUTRAL`."""
    return _NAMES[_CLASS_IDS[cp]]


def lead_span(lead: int) -> tuple[int, int]:
    """The BMP code points ``[lo, hi)`` whose UTF-8 encoding starts with byte ``lead`` (0xC2-0xEF)."""
    if lead < 0xE0:
        return (lead & 0x1F) << 6, ((lead & 0x1F) << 6) + 0x40
    return max((lead & 0x0F) << 12, 0x800), ((lead & 0x0F) << 12) + 0x1000


_NEUTRAL_CLASSES = frozenset({NEUTRAL, BREAK} | {s.name for s in SCRIPTS if s.label is None})
# lead byte -> the class it stands for (the lead bytes of a block are consecutive: its code points have one length)
_OWNER: dict[int, str] = {lead: cls for cls, blocks in LEAD_BLOCKS.items() for a, b in blocks
                          for lead in range(lead_byte(a), lead_byte(b) + 1)}


def _id_mask(names: set[str] | frozenset[str]) -> bytes:
    """A translate table: class id -> 1 for the classes ``names``, else 0."""
    return bytes(int(_NAMES[i] in names) if i < len(_NAMES) else 0 for i in range(256))


def _fast_masks() -> tuple[bytearray, bytearray]:
    """Per BMP code point: 1 for a fast character (else 0); and 1 for a number-like fast character."""
    fast, number_like = bytearray(_BMP), bytearray(_BMP)
    fast[:0x80] = b"\x01" * 0x80
    neutral, numbers = _id_mask(_NEUTRAL_CLASSES | {NUMBER_LIKE}), _id_mask({NUMBER_LIKE})
    owned = {cls: _id_mask({cls}) for cls in LEAD_BLOCKS}
    for lead in range(0xC2, 0xF0):
        lo, hi = lead_span(lead)
        owner = _OWNER.get(lead)
        fast[lo:hi] = _CLASS_IDS[lo:hi].translate(owned[owner] if owner else neutral)
        if owner is None:
            number_like[lo:hi] = _CLASS_IDS[lo:hi].translate(numbers)
    fast[0xD800:0xE000] = number_like[0xD800:0xE000] = bytes(0x800)  # surrogates: never in valid text
    return fast, number_like


def _ranges(mask: bytes | bytearray) -> list[tuple[int, int]]:
    """The inclusive code-point ranges where ``mask`` is 1."""
    return [(m.start(), m.end() - 1) for m in re.finditer(b"\x01+", mask)]


def _merge(cps: list[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for cp in cps:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    return ranges


def _byte_class(values: list[int]) -> str:
    """A bytes-regex character class body for byte values (as ``\\xNN`` escapes)."""
    return "".join(f"\\x{a:02x}" if a == b else f"\\x{a:02x}-\\x{b:02x}" for a, b in _merge(sorted(values)))


def _check_assumptions() -> None:
    """The rule-table properties the fast path's code relies on (a rule change that breaks one fails here)."""
    lat, cyr = SCRIPT_BY_NAME["lat"], SCRIPT_BY_NAME["cyr"]
    problems = []
    if lat.joiners != cyr.joiners or "'" not in lat.joiners:
        problems.append("Latin and Cyrillic words are joined by the same apostrophes, ASCII ' among them")
    for name in FAST_CLASSES:
        s = SCRIPT_BY_NAME[name]
        if name not in ("lat", "cyr") and (s.joiners or s.neutral_words or s.letters_only):
            problems.append(f"{name}: a class counted from the script view has no joiners or neutral words")
        if name in ("lat", "cyr") and (s.min_chars > 1 or s.chars_per_word or s.letters_only):
            problems.append(f"{name}: Latin and Cyrillic words are whole runs of any length")
    if "kana" in FAST_CLASSES or SCRIPT_BY_NAME["han"].label != "zh" or SCRIPT_BY_NAME["ko"].label != "ko":
        problems.append("fast texts have no kana (the Han rule's first case); Han is zh unless the Han rule says not")
    if SCRIPT_BY_NAME["lat"].label != "en" or SCRIPT_BY_NAME["cyr"].label != "cyr":
        problems.append("Latin words are en by default and Cyrillic words uk/ru")
    ascii_letters = {chr(cp) for cp in range(0x80) if chr(cp).isalpha()}
    if {chr(cp) for a, b in NUMBER_CHARS for cp in range(a, b + 1)} != ascii_letters | set("0123456789"):
        problems.append("numbers are tokens of ASCII letters and digits (bytes.isalpha/isalnum)")
    if {chr(cp) for cp in range(0x80) if rule_class(cp) == "lat"} != ascii_letters:
        problems.append("the ASCII Latin letters are A-Z and a-z (bytes.isalpha)")
    if any(not 0xC2 <= lead <= 0xDF for lead, cls in _OWNER.items() if cls == "cyr"):
        problems.append("fast Cyrillic characters have 2 UTF-8 bytes")
    if problems:
        raise ValueError("composition fast path: rules.py breaks an assumption: " + "; ".join(problems))


_check_assumptions()
_FAST_MASK, _NUMBER_LIKE_MASK = _fast_masks()
_FAST, _NUMBER_LIKE = _ranges(_FAST_MASK), _ranges(_NUMBER_LIKE_MASK)


# Texts with a character outside the fast characters take the token-level path.
NOT_FAST = re.compile(f"[^{char_class(_FAST)}]")
# So does a number-like word character followed by a letter: the catch-all class scans them as one dropped token.
NUMBER_GLUED = re.compile(f"[{char_class(_NUMBER_LIKE)}](?=[^\\W\\d_])")
NUMBER_GLUED_LEADS = tuple(sorted({bytes([lead_byte(cp)]) for a, b in _NUMBER_LIKE for cp in range(a, b + 1)}))


def _script_table() -> bytes:
    """UTF-8 lead byte -> class byte of the fast character it starts (continuation bytes are deleted), so the
    translated text has one class byte per character, at the character's index; ``|`` for an ASCII sentence break
    (the others share lead bytes with neutral characters), a space for other neutral ones."""
    table = bytearray(b" " * 256)
    for cp in range(0x80):
        if rule_class(cp) in FAST_CODES:
            table[cp] = FAST_CODES[rule_class(cp)][0]
        elif chr(cp) in SENTENCE_BREAKS:
            table[cp] = ord(ASCII_BREAK)
    for lead, cls in _OWNER.items():
        table[lead] = FAST_CODES[cls][0]
    return bytes(table)


def _sure_fast_bytes() -> bytes:
    """ASCII, continuation bytes and the lead bytes that start only fast characters, none number-like (a text
    with other bytes is checked with :data:`NOT_FAST` and :data:`NUMBER_GLUED`)."""
    sure = list(range(0xC0))
    for lead in range(0xC2, 0xF0):
        lo, hi = lead_span(lead)
        hi = min(hi, 0xD800) if lo < 0xD800 else hi  # surrogates never occur
        if _FAST_MASK.count(0, lo, hi) == 0 and _NUMBER_LIKE_MASK.count(1, lo, hi) == 0:
            sure.append(lead)
    return bytes(sure)


ASCII_BREAK = "|"  # an ASCII sentence break in the script view
SCRIPT_TABLE = _script_table()
SURE_FAST_BYTES = _sure_fast_bytes()
CONTINUATION = bytes(range(0x80, 0xC0))
ONLY = {code: bytes(code[0] if b == code[0] else 0x20 for b in range(256)) for code in FAST_CODES.values()}

_APOS = "'"
NON_ASCII_APOSTROPHES = tuple(c for c in APOSTROPHES if _FAST_MASK[ord(c)] and not c.isascii())
_NUM_ASCII = [cp for a, b in NUMBER_CHARS for cp in range(a, b + 1)]
_LAT_ASCII = [cp for cp in range(0x80) if rule_class(cp) == "lat"]
_LAT_B = _byte_class(_LAT_ASCII)
_NUM_B = _byte_class(_NUM_ASCII)
_DIGITS_B = _byte_class([cp for a, b in DIGITS for cp in range(a, b + 1)])
# Latin view: ASCII letters, digits and the apostrophe kept at their character index, everything else a space.
_LATIN_KEPT = set(_NUM_ASCII) | set(_LAT_ASCII) | {ord(_APOS)}
LATIN_VIEW = bytes(b if b in _LATIN_KEPT else 0x20 for b in range(256))
# The scanner's number and Latin alternatives restricted to a Latin-view token with an apostrophe.
LATIN_SCAN_B = re.compile(f"[{_NUM_B}]*[{_DIGITS_B}][{_NUM_B}]*|(?P<lat>[{_LAT_B}]+(?:'[{_LAT_B}]+)*)".encode())
LATIN_TOKEN_B = re.compile(f"[{_byte_class(sorted(_LATIN_KEPT))}]+".encode())
# A Latin word joined by a non-ASCII apostrophe (non-ASCII: the reference asks fastText about its sentence).
_LAT_A = char_class(_merge(_LAT_ASCII))
LATIN_APOSTROPHE_JOIN = re.compile(f"[{_LAT_A}][{char_class(''.join(NON_ASCII_APOSTROPHES))}][{_LAT_A}]")

_ASCII_BREAKS = {c for c in SENTENCE_BREAKS if c.isascii()}
NON_ASCII_BREAKS_UTF8 = tuple(c.encode("utf-8") for c in SENTENCE_BREAKS if not c.isascii())
BREAK_CHAR = re.compile(f"[{char_class(SENTENCE_BREAKS)}]")
# Cyrillic view of lower-cased UTF-8 text (:func:`.fast.cyrillic_view`): sentence breaks become ``|``, other ASCII
# a space except the apostrophe, other bytes are kept; other multi-byte characters are blanked first
# (:data:`NON_CYRILLIC_MB`) and apostrophes that do not join two Cyrillic letters after (:data:`LONE_APOSTROPHE`).
CYR_VIEW = bytes(0x7C if chr(b) in _ASCII_BREAKS else b if b >= 128 or chr(b) == _APOS else 0x20 for b in range(256))
BAR_TO_SPACE = bytes(0x20 if b == 0x7C else b for b in range(256))


_CYR_LEADS = sorted(lead for lead, cls in _OWNER.items() if cls == "cyr")
_OTHER_LEADS = [b for b in range(0xC2, 0xF5) if b not in _CYR_LEADS]
_KEPT_ASCII = [b for b in range(0x80) if chr(b) not in _ASCII_BREAKS and chr(b) != _APOS]
# Other multi-byte characters, with the ASCII between them except apostrophes and sentence breaks.
NON_CYRILLIC_MB = re.compile(
    f"[{_byte_class(_OTHER_LEADS)}][\\x80-\\xbf]+"
    f"(?:[{_byte_class(_KEPT_ASCII + list(range(0x80, 0xC0)) + _OTHER_LEADS)}]*[\\x80-\\xbf])?".encode()
)
LONE_APOSTROPHE = re.compile(f"'(?:(?<![\\x80-\\xbf]')|(?![{_byte_class(_CYR_LEADS)}]))".encode())
_CYR_FAST = char_class(_merge([cp for lead in _CYR_LEADS for cp in range(*lead_span(lead)) if rule_class(cp) == "cyr"]))
CYR_WORD = re.compile(f"[{_CYR_FAST}]+(?:[{char_class(SCRIPT_BY_NAME['cyr'].joiners)}][{_CYR_FAST}]+)*")

NEUTRAL_LATIN_B = frozenset(map(str.encode, SCRIPT_BY_NAME["lat"].neutral_words))
NEUTRAL_CYRILLIC_LOW_B = frozenset(w.lower().encode() for w in NEUTRAL_CYRILLIC)
UK_WORDS_B = frozenset(w.encode() for w in UK_WORDS)
RU_WORDS_B = frozenset(w.encode() for w in RU_WORDS)
CYR_LEXICON_B = NEUTRAL_CYRILLIC_LOW_B | UK_WORDS_B | RU_WORDS_B
