"""The browser page: one self-contained HTML file (data as JSON, CSS and JavaScript inline; no network, no server).

The page skeleton, style and script are package files (``assets/browser.html``, ``.css``, ``.js``) filled in at
build time; the data is :func:`pipeline.browser.data.browser_data`, embedded in a ``<script type="application/json">``
with every ``<`` escaped, so no text of a completion can end the script element.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

from pipeline.browser.data import Sampling, browser_data

__all__ = ["INDEX", "embed_json", "render_page", "write_browser"]

INDEX = "index.html"  # the page's file name in its output directory


def _asset(name: str) -> str:
    return (files("pipeline.browser") / "assets" / name).read_text(encoding="utf-8")


def embed_json(data: Any) -> str:
    """``data`` as JSON safe inside a ``<script>`` element (``<`` as ``\\u003c``; NaN is an error).

    >>> embed_json({"cot": "</script><b>"})
    '{"cot":"\\\\u003c/script>\\\\u003cb>"}'
    """
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).replace("<", "\\u003c")


def render_page(data: dict[str, Any], title: str = "Chain-of-thought browser") -> str:
    """The whole page for ``data`` (:func:`pipeline.browser.data.browser_data`)."""
    css, js = _asset("browser.css"), _asset("browser.js")
    for name, text, end in (("browser.css", css, "</style"), ("browser.js", js, "</script")):
        if end in text.lower():
            raise ValueError(f"pipeline/browser/assets/{name} contains {end!r}, which would end its element early")
    html = _asset("browser.html")
    title = title.replace("&", "&amp;").replace("<", "&lt;")
    # the data last: a completion may contain the other placeholders
    return html.replace("{{TITLE}}", title).replace("{{CSS}}", css).replace("{{JS}}", js).replace(
        "{{DATA}}", embed_json(data))


def write_browser(db_path: str | Path, out: str | Path, sampling: Sampling | None = None) -> Path:
    """Write the page of the store at ``db_path`` to ``out`` (a directory, which gets ``index.html``, or a file
    ending in ``.html``) with ``sampling`` (default :class:`Sampling()`); returns the file written."""
    out = Path(out)
    path = out if out.suffix == ".html" else out / INDEX
    data = browser_data(db_path, sampling or Sampling())
    page = render_page(data, f"Chain-of-thought browser: {Path(db_path).name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    return path
