"""The browser page in a real headless Chromium (slow): built from a real fixture store, opened from file://,
screenshotted, and driven through its controls with the Chrome DevTools Protocol (over ``--remote-debugging-pipe``,
so no websocket library is needed): filters change what is shown, a click on the drift curve shows that step's
rollouts, an item is followed across checkpoints, and every coloured word is the composition code's label of the
completion stored in DuckDB, with the stored shares and first-switch position.

Chromium comes from the system (``apt-get install -y chromium`` is tried when it is missing); the tests are skipped,
saying why, only where it cannot be installed.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest
from browser_fixtures import realistic_tree  # the same realistic store as the data tests

from pipeline.browser import Sampling, write_browser
from pipeline.measure.composition.reference import labels_of_prepared
from pipeline.measure.composition.tokens import strip_math
from pipeline.measure.cot import cot_text
from pipeline.store import ingest

pytestmark = pytest.mark.slow

SAMPLING = Sampling(seed=0, eval_per_group=0, steps_per_run=3, rollouts_per_step=3)  # steps 0, 2, 4; 3 of 4 each
VIEWPORT = {"width": 1280, "height": 1000, "deviceScaleFactor": 1, "mobile": False}
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium_executable() -> str:
    """A Chromium on PATH, installed with apt-get when missing (root only); skip when that is impossible."""
    found = next((shutil.which(n) for n in NAMES if shutil.which(n)), None)
    if found:
        return found
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        pytest.skip("no chromium on PATH and apt-get (as root) is not available to install it")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "chromium"]
    for cmd in (install, ["apt-get", "update"], install):  # the package lists may be missing or stale
        subprocess.run(cmd, capture_output=True, timeout=1200, env=env)
        if shutil.which("chromium"):
            return str(shutil.which("chromium"))
    pytest.skip("`apt-get install -y chromium` did not install chromium (offline, or no such package)")


class Chromium:
    """Headless Chromium driven over the DevTools pipe (fd 3: commands in, fd 4: replies and events out)."""

    def __init__(self, exe: str, profile: Path) -> None:
        cmd_r, self._w = os.pipe()
        self._r, out_w = os.pipe()

        def fds_3_and_4() -> None:  # runs in the child before exec: the pipe ends as fds 3 and 4, inheritable
            a, b = os.dup(cmd_r), os.dup(out_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"],
            preexec_fn=fds_3_and_4, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(cmd_r)
        os.close(out_w)
        self._buf, self._id, self.events = b"", 0, []
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.send("Runtime.enable", session=self.session)
        self.send("Emulation.setDeviceMetricsOverride", VIEWPORT, session=self.session)

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 60) -> dict:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._next(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            if "method" in reply:
                self.events.append(reply)

    def _next(self, deadline: float) -> dict:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._r], [], [], left)[0]:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._r, 1 << 20)
            if not chunk:
                raise RuntimeError(f"chromium exited (status {self.proc.poll()})")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def js(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (exceptions raise)."""
        r = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, self.session)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression[:80]}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def open(self, url: str) -> None:
        """Load ``url`` afresh and wait until the page has drawn itself."""
        self.send("Page.navigate", {"url": "about:blank"}, self.session)
        self.send("Page.navigate", {"url": url}, self.session)
        deadline = time.monotonic() + 30
        page = url.split("#")[0]  # the page rewrites its hash when it draws
        while self.js("document.URL.split('#')[0]") != page or self.js("document.body.dataset.ready") != "1":
            assert time.monotonic() < deadline, "the page never became ready"
            time.sleep(0.05)

    def click(self, selector: str) -> None:
        """A real mouse click (press and release) at the centre of the first element matching ``selector``."""
        box = self.js(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView("
                      "{block: 'center'}); const r = e.getBoundingClientRect(); return [r.x + r.width / 2, "
                      "r.y + r.height / 2]; })()")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1], "button": "left",
                                                   "clickCount": 1}, self.session)

    def choose(self, control: str, value: str) -> None:
        """Set a filter control as a user does (value, then its change/input event)."""
        self.js(f"(() => {{ const e = document.getElementById('f-{control}'); e.value = {json.dumps(value)}; "
                "e.dispatchEvent(new Event(e.tagName === 'SELECT' ? 'change' : 'input', {bubbles: true})); })()")

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self._w)
        os.close(self._r)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(page, store): the realistic fixture store (ko, seeds 0-1, arms acc and acc_lc, recovery of acc)."""
    root = tmp_path_factory.mktemp("browser_site")
    ingest(realistic_tree(root / "results", seeds=(0, 1)), root / "collapse.duckdb")
    return write_browser(root / "collapse.duckdb", root / "browser", SAMPLING), root / "collapse.duckdb"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    chrome = Chromium(chromium_executable(), tmp_path_factory.mktemp("chromium_profile"))
    yield chrome
    chrome.close()


@pytest.fixture(autouse=True)
def no_page_errors(browser: Chromium):
    browser.events.clear()
    yield
    errors = [e["params"] for e in browser.events if e["method"] == "Runtime.exceptionThrown"]
    assert not errors, errors


def status(browser: Chromium) -> tuple[int, int]:
    """(matching, embedded) from the status line."""
    m = re.match(r"(\d+) of (\d+) embedded", browser.js("document.getElementById('status').textContent"))
    assert m, browser.js("document.getElementById('status').textContent")
    return int(m[1]), int(m[2])


def cards(browser: Chromium) -> list[dict]:
    return browser.js("[...document.querySelectorAll('#list .card')].map(c => Object.assign({}, c.dataset))")


def count(db: Path, where: str) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM eval_samples WHERE split = 'test' AND decoding = 'greedy' "
                           f"AND {where}").fetchone()[0]


def test_page_opens_from_file_and_screenshots(browser: Chromium, site: tuple[Path, Path], tmp_path: Path) -> None:
    from PIL import Image

    page, _db = site
    browser.open(page.as_uri())
    assert browser.js("document.querySelectorAll('#list .card').length") == 50  # one page of 50 cards
    png = base64.b64decode(browser.send("Page.captureScreenshot", {"format": "png"}, browser.session)["data"])
    (tmp_path / "browser.png").write_bytes(png)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and image.size == (1280, 1000) and len(png) > 30_000
    colours = image.getcolors(maxcolors=1 << 20)
    assert len(colours) > 200 and max(n for n, _c in colours) < 0.95 * 1280 * 1000  # drawn, not a blank page


def test_filters_change_what_is_shown(browser: Chromium, site: tuple[Path, Path]) -> None:
    page, db = site
    browser.open(page.as_uri())
    assert status(browser) == (count(db, "true"),) * 2
    browser.choose("correct", "0")
    assert status(browser)[0] == count(db, "NOT correct") and {c["correct"] for c in cards(browser)} == {"0"}
    browser.choose("correct", "all")
    browser.choose("switched", "1")
    switched = count(db, "first_switch_word IS NOT NULL")
    assert 0 < status(browser)[0] == switched and {c["switched"] for c in cards(browser)} == {"1"}
    browser.choose("fsmin", "50")
    browser.choose("fsmax", "90")
    shown = cards(browser)
    assert 0 < status(browser)[0] == count(db, "first_switch_frac BETWEEN 0.5 AND 0.9") == len(shown) < switched
    assert all(0.5 <= float(c["fsf"]) <= 0.9 for c in shown)
    browser.choose("fsmin", "")
    browser.choose("fsmax", "")
    browser.choose("switched", "all")
    browser.choose("ck", "grpo_acc")
    assert {c["run"] for c in cards(browser)} == {"ko/seed0/grpo_acc/eval/test", "ko/seed1/grpo_acc/eval/test"}
    every = len(cards(browser))
    browser.choose("q", "TOTAL")
    texts = browser.js("[...document.querySelectorAll('#list .card .cot')].map(e => e.textContent)")
    assert 0 < len(texts) == status(browser)[0] < every and all("total" in t.lower() for t in texts)
    assert "ck=grpo_acc" in browser.js("location.hash") and "q=TOTAL" in browser.js("location.hash")


SHOWN_WORDS = """[...document.querySelectorAll('#list .card')].map(c => ({
    key: c.dataset.kind === 'e' ? [c.dataset.run, c.dataset.item, +c.dataset.sidx]
                                : [c.dataset.run, c.dataset.item, +c.dataset.step],
    words: [...c.querySelectorAll('.cot .w')].map(w => [w.textContent, w.dataset.label, w.className, +w.dataset.i,
                                                          getComputedStyle(w).backgroundColor]),
    marker: c.querySelector('.cot .fs') ? +c.querySelector('.cot .fs').nextElementSibling.dataset.i : null}))"""


def test_word_colours_are_the_labels_of_the_stored_completions(browser: Chromium, site: tuple[Path, Path]) -> None:
    page, db = site
    shown = []
    for view in ("#view=eval&seed=1", "#view=rollouts&arm=acc"):  # greedy test samples of seed 1; acc rollouts
        browser.open(page.as_uri() + view)
        while browser.js("!document.getElementById('more').hidden"):
            browser.click("#more")
        shown += browser.js(SHOWN_WORDS)
    columns = "lang, completion, n_words, target_share, en_share, first_switch_word"
    with duckdb.connect(str(db), read_only=True) as con:
        evals = con.execute(f"SELECT run_id, item_id, sample_idx, {columns} FROM eval_samples WHERE split = 'test' "
                            "AND decoding = 'greedy' AND seed = 1").fetchall()
        rollouts = con.execute(f"SELECT run_id, item_id, step, 'ko', {columns.split(', ', 1)[1]} FROM rollouts "
                               "WHERE run_id LIKE '%/grpo_acc' AND step IN (0, 2, 4)").fetchall()
    stored = {tuple(r[:3]): r[3:] for r in evals + rollouts}
    assert len(shown) == len(evals) + 2 * 3 * 3  # every eval sample; seeds x sampled steps x 3 rollouts
    colours: dict[str, set[str]] = {}
    for card in shown:
        lang, completion, n_words, target_share, en_share, first_switch = stored[tuple(card["key"])]
        labels = labels_of_prepared(strip_math(cot_text(completion, lang)), lang)
        assert [(t, code) for t, code, *_ in card["words"]] == labels
        want = ["w-target" if code == lang else "w-en" if code == "en" else "w-other" for _w, code in labels]
        assert [cls.split()[-1] for _t, _c, cls, *_ in card["words"]] == want
        assert [i for *_, i, _bg in card["words"]] == list(range(len(labels))) and len(labels) == n_words
        if n_words:
            assert want.count("w-target") / n_words == pytest.approx(target_share)
            assert want.count("w-en") / n_words == pytest.approx(en_share)
        assert card["marker"] == first_switch
        for _t, _c, cls, _i, bg in card["words"]:
            colours.setdefault(cls.split()[-1], set()).add(bg)
    assert set(colours) == {"w-target", "w-en", "w-other"} and all(len(c) == 1 for c in colours.values())
    assert len(set().union(*colours.values())) == 3  # three distinct colours


def test_drift_point_click_shows_that_step_s_rollouts(browser: Chromium, site: tuple[Path, Path]) -> None:
    page, _db = site
    browser.open(page.as_uri())
    browser.click('#tabs button[data-view="rollouts"]')
    assert browser.js("document.querySelectorAll('#drift polyline').length") == 2 * 3  # seeds x metrics
    assert browser.js("document.querySelectorAll('#drift circle').length") == 2 * 3  # seeds x sampled steps
    browser.click('#drift circle[data-seed="1"][data-step="2"]')
    shown = cards(browser)
    assert [(c["run"], c["step"]) for c in shown] == [("ko/seed1/grpo_acc", "2")] * 3
    assert "the store holds 4 for this selection (1 logged step in range)" in browser.js(
        "document.getElementById('status').textContent")
    assert browser.js("[...document.querySelectorAll('#drift circle.on')].map(c => c.dataset.step)") == ["2"]
    assert browser.js("document.querySelectorAll('#drift .sel-line').length") == 1
    assert browser.js("[...document.querySelectorAll('#list .meta')].every(m => /reward .*accuracy/.test("
                      "m.textContent))")


def test_one_item_across_checkpoints(browser: Chromium, site: tuple[Path, Path]) -> None:
    page, _db = site
    browser.open(page.as_uri() + "#seed=1")
    item = cards(browser)[0]["item"]
    browser.click("#list .card button.cmp")
    assert browser.js("document.querySelector('#tabs button.on').dataset.view") == "compare"
    columns = browser.js("[...document.querySelectorAll('.grid-cmp .col')].map(c => [c.dataset.ck, "
                         "c.querySelector('.card').dataset.item])")
    assert columns == [[ck, item] for ck in ("base", "sft", "grpo_acc", "grpo_acc_lc", "recovery_acc")]
