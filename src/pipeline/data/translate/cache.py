"""Persistent translation cache: one small JSON file per (backend, model, source, target, text).

Why files and not SQLite: each entry is written with temp file + ``os.replace``, which is atomic on POSIX,
needs no lock, is safe for any number of threads and processes (several Snakemake jobs translating other
languages into the same cache), and survives SIGKILL with at most the in-flight entries missing. SQLite in
WAL mode needs shared memory and is unsafe on the network file systems of the clusters this pipeline runs
on. Lookups are one ``open`` per text, negligible next to a translation request.

Layout: ``{root}/{backend}/{source}-{target}/{key[:2]}/{key}.json`` where ``key`` is the sha256 of
backend, model, source, target and the sha256 of the text. The entry stores all key fields, so a read
verifies them; an unreadable entry is treated as a miss (and overwritten by the next put) and counted in
:attr:`TranslationCache.corrupt` (the run summary's ``cache_corrupt``). Entries are created with the mode a plain
``open()`` gives (:func:`pipeline.jsonl.make_temp`), so collaborators sharing the cache can read them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
from datetime import datetime, timezone
from pathlib import Path

from pipeline.jsonl import make_temp

log = logging.getLogger(__name__)

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def text_sha256(text: str) -> str:
    """Hex sha256 of the UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class TranslationCache:
    """Content-addressed, process-safe translation cache rooted at ``root``."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.corrupt = 0  # unreadable or mismatching entries met (each a miss, overwritten by the next put)
        self._lock = threading.Lock()

    @staticmethod
    def key(backend: str, model: str, source: str, target: str, text: str) -> str:
        """The entry key: sha256 over the four identifiers and the text's sha256."""
        parts = "\x00".join((backend, model, source, target, text_sha256(text)))
        return hashlib.sha256(parts.encode("utf-8")).hexdigest()

    def path(self, backend: str, model: str, source: str, target: str, text: str) -> Path:
        """Where the entry for this text lives."""
        key = self.key(backend, model, source, target, text)
        return self.root / _SAFE.sub("_", backend) / f"{source}-{target}" / key[:2] / f"{key}.json"

    def get(self, backend: str, model: str, source: str, target: str, text: str) -> str | None:
        """The cached translation, or None."""
        path = self.path(backend, model, source, target, text)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as err:
            self._count_corrupt()
            log.warning("translation cache entry %s unreadable (%s); treating it as a miss", path, err)
            return None
        expected = {"backend": backend, "model": model, "source": source, "target": target,
                    "text_sha256": text_sha256(text)}
        mismatch = not isinstance(entry, dict) or any(entry.get(k) != v for k, v in expected.items())
        if mismatch or not isinstance(entry.get("translation"), str):
            self._count_corrupt()
            log.warning("translation cache entry %s does not match its key; treating it as a miss", path)
            return None
        return entry["translation"]

    def _count_corrupt(self) -> None:
        with self._lock:  # several worker threads read the cache
            self.corrupt += 1

    def put(self, backend: str, model: str, source: str, target: str, text: str, translation: str) -> Path:
        """Store one translation atomically (temp file in the same directory, then rename)."""
        path = self.path(backend, model, source, target, text)
        path.parent.mkdir(parents=True, exist_ok=True)
        entry = {"backend": backend, "model": model, "source": source, "target": target,
                 "text_sha256": text_sha256(text), "text": text, "translation": translation,
                 "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        fd, tmp = make_temp(path.parent, prefix=".")  # mode 0o666 & ~umask: a shared cache stays readable
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(entry, fh, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path
