"""Reading and writing JSON Lines and JSON files: atomic writes, errors that name file and line.

Line numbers in error messages are 1-based (what an editor shows); files are UTF-8, and a byte that is not
UTF-8 is a :class:`JsonlError` naming the file, line, column and byte offset. Every atomic write here and in
the translation stage creates its temp file with :func:`make_temp`, so results get the mode a plain
``open()`` gives (``0o666 & ~umask``, e.g. 0644 or 0664) rather than ``tempfile.mkstemp``'s 0600.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any


class JsonlError(ValueError):
    """A malformed JSON Lines file; the message names the file and line."""


_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def make_temp(directory: str | Path, prefix: str, suffix: str = ".tmp") -> tuple[int, str]:
    """Create a new empty file in ``directory`` like ``tempfile.mkstemp``; return ``(fd, path)``.

    Unlike ``mkstemp`` (always 0600), the file is created with mode 0o666 and the kernel applies the process
    umask, so after ``os.replace`` the result is readable by whoever may read a file the user creates with
    ``open()`` (0644 under umask 022, 0664 under 002; a default ACL of the directory applies too). Reading
    the umask is not needed, so there is no ``os.umask`` race with other threads.
    """
    directory = Path(directory)
    for _ in range(100):
        path = directory / f"{prefix}{secrets.token_hex(6)}{suffix}"
        try:
            return os.open(path, _CREATE_FLAGS, 0o666), str(path)
        except FileExistsError:
            continue
    raise FileExistsError(f"{directory}: no free temporary file name {prefix}*{suffix} after 100 tries")


def decode_utf8(path: str | Path, data: bytes, first_line: int = 1, offset: int = 0) -> str:
    """Decode ``data`` (read from ``path``, starting at 1-based line ``first_line`` and byte ``offset``).

    A byte that is not UTF-8 raises :class:`JsonlError` naming ``path:line:column`` (1-based, the column in
    characters as an editor counts them), the byte, its 0-based offset in the file, and the fix. ``data``
    cut inside a multi-byte character (a truncated file; ``data`` is a whole file or its last line) says so.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line_start = data.rfind(b"\n", 0, err.start) + 1
        line = first_line + data.count(b"\n", 0, err.start)
        column = len(data[line_start:err.start].decode("utf-8", errors="replace")) + 1
        if err.reason == "unexpected end of data":  # only possible at the end of ``data``: cut mid-character
            raise JsonlError(
                f"{path}:{line}:{column}: the file ends inside a multi-byte UTF-8 character, so it is truncated "
                "(an interrupted write or download); regenerate or re-download it"
            ) from None
        raise JsonlError(
            f"{path}:{line}:{column}: byte 0x{data[err.start]:02x} at file offset {offset + err.start} is not "
            f"valid UTF-8 ({err.reason}); re-encode the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"
        ) from None


def read_text(path: str | Path) -> str:
    """The whole file as UTF-8 text; a non-UTF-8 byte raises :class:`JsonlError` (see :func:`decode_utf8`)."""
    path = Path(path)
    return decode_utf8(path, path.read_bytes())


def iter_jsonl_numbered(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, dict)`` per non-empty line of ``path`` (1-based); a bad line raises :class:`JsonlError`."""
    path = Path(path)
    offset = 0
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            line = decode_utf8(path, raw, lineno, offset)
            offset += len(raw)
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise JsonlError(
                    f"{path}:{lineno}: not valid JSON ({err.msg} at column {err.colno}); fix or remove that line"
                ) from None
            if not isinstance(row, dict):
                raise JsonlError(f"{path}:{lineno}: expected a JSON object, got {type(row).__name__}")
            yield lineno, row


def iter_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    """Yield one dict per non-empty line of ``path``; a broken line raises :class:`JsonlError`."""
    for _, row in iter_jsonl_numbered(path):
        yield row


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """All rows of a JSON Lines file."""
    return list(iter_jsonl(path))


def _atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = make_temp(path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_jsonl(path: str | Path, rows: Iterable[dict[str, Any]]) -> int:
    """Write ``rows`` atomically (temp file + rename); return the number of rows."""
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    _atomic_write_text(Path(path), "".join(line + "\n" for line in lines))
    return len(lines)


def write_json(path: str | Path, obj: Any) -> None:
    """Write ``obj`` as pretty JSON, atomically."""
    _atomic_write_text(Path(path), json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")


def read_json(path: str | Path) -> Any:
    """Read a JSON file, naming the file (and 1-based line) if it is malformed or not UTF-8."""
    path = Path(path)
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as err:
        raise JsonlError(f"{path}: not valid JSON ({err.msg} at line {err.lineno}, column {err.colno})") from None
