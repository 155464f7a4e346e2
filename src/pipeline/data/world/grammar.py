"""Grammar helpers of the synthetic world: Korean particles, Ukrainian and English number agreement."""

from __future__ import annotations

# Korean particle pairs: (form after a final consonant / batchim, form after a vowel).
KO_PARTICLES: dict[str, tuple[str, str]] = {
    "은/는": ("은", "는"),
    "이/가": ("이", "가"),
    "을/를": ("을", "를"),
    "과/와": ("과", "와"),
    "으로/로": ("으로", "로"),
    "이에요/예요": ("이에요", "예요"),
}

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL = 8  # index of the final consonant ㄹ in a Hangul syllable
# Sino-Korean reading of a number's last spoken unit: does it end in a consonant, and is it ㄹ?
# 0 영, 1 일, 2 이, 3 삼, 4 사, 5 오, 6 육, 7 칠, 8 팔, 9 구; 10 십, 100 백, 1000 천, 10000 만.
_DIGIT_FINAL = {0: "ㅇ", 1: "ㄹ", 2: "", 3: "ㅁ", 4: "", 5: "", 6: "ㄱ", 7: "ㄹ", 8: "ㄹ", 9: ""}
_POWER_FINAL = ((10000, "ㄴ"), (1000, "ㄴ"), (100, "ㄱ"), (10, "ㅂ"))


def _final_consonant(word: str) -> str:
    """The final consonant of ``word`` as read aloud: '' (none), 'ㄹ' or 'other'."""
    if not word:
        raise ValueError("cannot attach a Korean particle to an empty word")
    last = word[-1]
    if last.isdigit():
        digits = "".join(ch for ch in word if ch.isdigit())
        n = int(digits[-9:]) if digits else 0
        if n == 0:
            return "other"  # 영
        if n % 10:
            final = _DIGIT_FINAL[n % 10]
        else:
            final = next(f for p, f in _POWER_FINAL if n % p == 0)
        return "ㄹ" if final == "ㄹ" else ("other" if final else "")
    code = ord(last)
    if _HANGUL_FIRST <= code <= _HANGUL_LAST:
        jong = (code - _HANGUL_FIRST) % 28
        return "" if jong == 0 else ("ㄹ" if jong == _RIEUL else "other")
    return ""  # Latin letters, punctuation: treated as vowel-final


def has_batchim(word: str) -> bool:
    """True when ``word`` (Hangul or digits, read in Sino-Korean) ends in a final consonant."""
    return _final_consonant(word) != ""


def ko_particle(word: str, pair: str) -> str:
    """The particle of ``pair`` (e.g. ``"은/는"``) that fits after ``word``, without the word.

    ``으로/로`` takes ``로`` after a vowel *and* after ㄹ (``연필로``, ``서울로``).
    """
    try:
        after_consonant, after_vowel = KO_PARTICLES[pair]
    except KeyError:
        raise ValueError(f"unknown Korean particle pair {pair!r}; use one of {sorted(KO_PARTICLES)}") \
            from None
    final = _final_consonant(word)
    if pair == "으로/로" and final == "ㄹ":
        return after_vowel
    return after_consonant if final else after_vowel


def ko_attach(word: str, pair: str) -> str:
    """``word`` followed by the right particle of ``pair``: ``ko_attach("지민", "은/는") == "지민은"``."""
    return word + ko_particle(word, pair)


def uk_plural_category(n: int) -> str:
    """Ukrainian number agreement class of a non-negative integer: ``one``, ``few`` or ``many``.

    ``one``: 1, 21, 31, ... (not 11); ``few``: 2-4, 22-24, ... (not 12-14); ``many``: 0, 5-20, 25-30, ...
    """
    if n < 0:
        raise ValueError(f"Ukrainian plural class needs a non-negative integer, got {n}")
    last, last2 = n % 10, n % 100
    if last == 1 and last2 != 11:
        return "one"
    if 2 <= last <= 4 and not 12 <= last2 <= 14:
        return "few"
    return "many"


def uk_noun(n: int, forms: tuple[str, str, str]) -> str:
    """The noun form agreeing with ``n``; ``forms`` = (one, few, many), e.g. ("яблуко", "яблука", "яблук")."""
    one, few, many = forms
    return {"one": one, "few": few, "many": many}[uk_plural_category(n)]


def uk_count(n: int, forms: tuple[str, str, str]) -> str:
    """``n`` as digits followed by the agreeing noun: ``uk_count(22, APPLE) == "22 яблука"``."""
    return f"{n} {uk_noun(n, forms)}"


def en_count(n: int, singular: str, plural: str) -> str:
    """``n`` as digits followed by the singular (n == 1) or plural noun."""
    return f"{n} {singular if n == 1 else plural}"
