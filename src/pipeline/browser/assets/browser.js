// Chain-of-thought browser: reads the JSON embedded in the page (pipeline.browser.data) and draws everything.
// No dependencies, no network. The selection lives in the URL hash, so a view can be bookmarked or shared.
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("data").textContent);
  const PAGE = 50;
  const DEFAULTS = {view: "eval", lang: "", seed: "all", ck: "all", split: "", dec: "", arm: "", from: "", to: "",
                    correct: "all", switched: "all", fsmin: "", fsmax: "", q: "", item: "", sidx: "0"};
  const S = Object.assign({}, DEFAULTS, {n: PAGE});
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";

  function h(tag, attrs, ...kids) {
    const el = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") el.textContent = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const kid of kids) if (kid !== null && kid !== undefined) el.append(kid);
    return el;
  }
  const uniq = (xs) => [...new Set(xs)];
  const isNum = (x) => x !== null && x !== undefined;
  const pct = (x) => (isNum(x) ? Math.round(x * 100) + "%" : "–");
  const fmt = (x) => (isNum(x) ? (+x).toFixed(2) : "–");
  const decKey = (r) => r.dec + (isNum(r.temp) ? "@" + r.temp : "");
  const decLabel = (k) => (k.includes("@") ? k.replace("@", " T=") : k);
  const ckRank = (c) => { const i = D.meta.checkpoints.indexOf(c); return i < 0 ? 1e9 : i; };
  const numSort = (a, b) => a - b;

  // ---- options of each control, given the other selections -------------------------------------------------
  const rowsOf = () => (S.view === "rollouts" ? D.rollouts : D.evals);
  const inLang = (rows) => rows.filter((r) => r.lang === S.lang);
  const OPTIONS = {
    lang: () => uniq([...D.evals, ...D.rollouts].map((r) => r.lang)).sort(),
    seed: () => {
      const rows = S.view === "rollouts" ? D.drift : D.evals;
      const seeds = uniq(inLang(rows).map((r) => r.seed)).sort(numSort).map(String);
      return S.view === "compare" ? seeds : ["all", ...seeds];
    },
    ck: () => ["all", ...uniq(inLang(D.evals).map((r) => r.ck)).sort((a, b) => ckRank(a) - ckRank(b))],
    split: () => uniq(inLang(D.evals).map((r) => r.split)).sort(),
    dec: () => uniq(inLang(D.evals).filter((r) => r.split === S.split).map(decKey)).sort(),
    arm: () => uniq(inLang(D.drift).map((r) => r.arm)).sort(),
    from: () => sampledSteps().map(String),
    to: () => sampledSteps().map(String),
    correct: () => ["all", "1", "0"],
    switched: () => ["all", "1", "0"],
    item: () => uniq(compareBase().map((r) => r.item)).sort(),
    sidx: () => uniq(compareBase().filter((r) => r.item === S.item).map((r) => r.sidx)).sort(numSort).map(String),
  };
  const LABELS = {correct: {all: "all", 1: "correct", 0: "wrong"}, switched: {all: "all", 1: "switched", 0: "not switched"}};
  const CONTROLS = [ // [key, label, views, kind]
    ["lang", "Language", "eval rollouts compare", "select"], ["seed", "Seed", "eval rollouts compare", "select"],
    ["ck", "Checkpoint", "eval", "select"], ["split", "Split", "eval compare", "select"],
    ["dec", "Decoding", "eval compare", "select"], ["arm", "Arm", "rollouts", "select"],
    ["from", "Steps from", "rollouts", "select"], ["to", "to", "rollouts", "select"],
    ["correct", "Answer", "eval rollouts", "select"], ["switched", "Language switch", "eval rollouts", "select"],
    ["fsmin", "First switch at ≥ % of words", "eval rollouts", "number"], ["fsmax", "≤ %", "eval rollouts", "number"],
    ["q", "Search text", "eval rollouts", "search"], ["item", "Item", "compare", "select"],
    ["sidx", "Sample", "compare", "select"],
  ];

  function sampledSteps() {
    return uniq(D.rollouts.filter((r) => r.lang === S.lang && r.arm === S.arm &&
      (S.seed === "all" || String(r.seed) === S.seed)).map((r) => r.step)).sort(numSort);
  }
  function compareBase() {
    return D.evals.filter((r) => r.lang === S.lang && String(r.seed) === S.seed && r.split === S.split &&
      decKey(r) === S.dec);
  }

  // ---- state <-> controls <-> URL hash --------------------------------------------------------------------
  function buildControls() {
    const form = $("filters");
    for (const [key, label, , kind] of CONTROLS) {
      const input = kind === "select" ? h("select", {id: "f-" + key, name: key})
        : h("input", {id: "f-" + key, name: key, type: kind, min: kind === "number" ? 0 : null,
                      max: kind === "number" ? 100 : null, placeholder: kind === "search" ? "word, item id…" : null});
      input.addEventListener(kind === "select" ? "change" : "input", () => {
        S[key] = input.value; S.n = PAGE;
        if (key === "item") S.sidx = "0";
        render();
      });
      form.append(h("label", {id: "l-" + key}, label, input));
    }
    form.addEventListener("submit", (e) => e.preventDefault());
    for (const b of document.querySelectorAll("#tabs button")) {
      b.addEventListener("click", () => { S.view = b.dataset.view; S.n = PAGE; render(); });
    }
    $("more").addEventListener("click", () => { S.n += PAGE; render(); });
  }

  function fixState() { // every selection one of its options (the first one when it is not)
    if (!["eval", "rollouts", "compare"].includes(S.view)) S.view = "eval";
    for (const [key] of CONTROLS) {
      if (!OPTIONS[key]) continue;
      const opts = OPTIONS[key]();
      if (!opts.includes(S[key])) {
        if (key === "dec") S.dec = opts.find((o) => o.startsWith("greedy")) || opts[0] || "";
        else if (key === "to") S.to = opts.length ? opts[opts.length - 1] : "";
        else S[key] = opts.length ? opts[0] : "";
      }
    }
    if (S.from !== "" && S.to !== "" && +S.from > +S.to) [S.from, S.to] = [S.to, S.from];
  }

  function syncControls() {
    for (const [key, , views, kind] of CONTROLS) {
      const input = $("f-" + key);
      $("l-" + key).hidden = !views.split(" ").includes(S.view);
      if (kind === "select") {
        const opts = OPTIONS[key]();
        const have = [...input.options].map((o) => o.value).join("\u0001");
        if (have !== opts.join("\u0001")) {
          input.replaceChildren(...opts.map((o) => h("option", {value: o},
            (LABELS[key] && LABELS[key][o]) || (key === "dec" ? decLabel(o) : o))));
        }
      }
      if (input.value !== S[key]) input.value = S[key];
    }
    for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("on", b.dataset.view === S.view);
  }

  function readHash() {
    const p = new URLSearchParams(location.hash.slice(1));
    for (const key of Object.keys(DEFAULTS)) if (p.has(key)) S[key] = p.get(key);
  }
  function writeHash() {
    const p = new URLSearchParams();
    for (const [key, value] of Object.entries(DEFAULTS)) if (S[key] !== value) p.set(key, S[key]);
    history.replaceState(null, "", "#" + p.toString());
  }

  // ---- filtering ------------------------------------------------------------------------------------------
  function selection() {
    if (S.view === "rollouts") {
      return D.rollouts.filter((r) => r.lang === S.lang && r.arm === S.arm &&
        (S.seed === "all" || String(r.seed) === S.seed) && r.step >= +S.from && r.step <= +S.to)
        .sort((a, b) => a.step - b.step || a.seed - b.seed);
    }
    return D.evals.filter((r) => r.lang === S.lang && (S.seed === "all" || String(r.seed) === S.seed) &&
      (S.ck === "all" || r.ck === S.ck) && r.split === S.split && decKey(r) === S.dec)
      .sort((a, b) => ckRank(a.ck) - ckRank(b.ck) || a.seed - b.seed || (a.item < b.item ? -1 : a.item > b.item)
        || a.sidx - b.sidx);
  }
  function matches(r) {
    const switched = isNum(r.fsw);
    if (S.correct !== "all" && (r.c === true ? "1" : "0") !== S.correct) return false;
    if (S.switched !== "all" && (switched ? "1" : "0") !== S.switched) return false;
    if (S.fsmin !== "" || S.fsmax !== "") {
      if (!switched || !isNum(r.fsf)) return false;
      if (S.fsmin !== "" && r.fsf * 100 < +S.fsmin) return false;
      if (S.fsmax !== "" && r.fsf * 100 > +S.fsmax) return false;
    }
    if (S.q) {
      const hay = [r.cot, r.full || "", r.item, r.pred || "", r.kind === "r" ? D.prompts[r.q] : ""].join("\n");
      if (!hay.toLowerCase().includes(S.q.toLowerCase())) return false;
    }
    return true;
  }
  function inStore(rows) { // rows of the current selection the store holds (before sampling)
    if (S.view === "rollouts") {
      const runs = new Set(rows.map((r) => r.run));
      const all = D.drift.filter((d) => d.lang === S.lang && d.arm === S.arm &&
        (S.seed === "all" || String(d.seed) === S.seed) && d.step >= +S.from && d.step <= +S.to);
      return {n: all.reduce((a, d) => a + d.n, 0), steps: uniq(all.map((d) => d.step)).length,
              runs: runs.size};
    }
    const keys = new Set(rows.map((r) => r.run + "|" + decKey(r)));
    return {n: D.eval_groups.filter((g) => keys.has(g.run + "|" + decKey(g))).reduce((a, g) => a + g.n, 0)};
  }

  // ---- one chain of thought -------------------------------------------------------------------------------
  function wordClass(code, target) {
    return code === target ? "w-target" : code === "en" ? "w-en" : "w-other";
  }
  function cotElement(r) {
    const el = h("div", {class: "cot"});
    let pos = 0;
    const neutral = (a, b) => { if (b > a) el.append(h("span", {class: "w-neutral", text: r.cot.slice(a, b)})); };
    r.w.forEach(([s, e, code], i) => {
      if (s < pos) return; // not placed in the displayed text
      neutral(pos, s);
      if (i === r.fsw) el.append(h("span", {class: "fs", title: "first switch: counted word " + i, text: "switch▸"}));
      el.append(h("span", {class: "w " + wordClass(code, r.lang), "data-i": i, "data-label": code,
                           title: code + " · word " + i, text: r.cot.slice(s, e)}));
      pos = e;
    });
    neutral(pos, r.cot.length);
    if (!r.cot) el.append(h("span", {class: "empty", text: "(empty chain of thought)"}));
    return el;
  }
  function card(r, compare = true) {
    const ok = r.c === true ? "ok" : r.c === false ? "bad" : "";
    const meta = h("div", {class: "meta"});
    const add = (...kids) => meta.append(h("span", {}, ...kids));
    add(h("b", {text: r.kind === "r" ? r.run + " · step " + r.step : r.ck + " · " + r.split}));
    if (r.kind === "e") add("seed " + r.seed + " · " + decLabel(decKey(r)) + " · sample " + r.sidx);
    add("item " + r.item);
    add(h("span", {class: ok, text: r.c === true ? "✓ correct" : r.c === false ? "✗ wrong" : "correct: –"}));
    if (r.kind === "e") {
      add("answer " + (r.pred ?? "–") + " · gold " + (r.gold ?? "–"));
      if (r.gok === false) add(h("span", {class: "warn", text: "gold unparseable (in no aggregate)"}));
    } else {
      const parts = Object.entries(r.rc).map(([k, v]) => k + " " + fmt(v)).join(", ");
      add("reward " + fmt(r.rw) + (parts ? " (" + parts + ")" : "") + " · advantage " + fmt(r.adv));
    }
    add("target " + pct(r.ts) + " · en " + pct(r.es) + " · other " + pct(r.os) + (r.ol ? " (" + r.ol + ")" : "") +
        " · " + (r.nw ?? "–") + " words");
    add(isNum(r.fsw) ? "first switch: word " + r.fsw + " (" + pct(r.fsf) + ")" : "no switch");
    if (r.mm.length) {
      add(h("span", {class: "warn", title: "the stored composition was computed by another version of the " +
        "composition code (or written by hand): re-measure to match", text: "⚠ stored " + r.mm.join(", ") +
        " differ from these word labels"}));
    }
    if (r.kind === "e" && compare) {
      add(h("button", {type: "button", class: "cmp", text: "compare across checkpoints", onclick: () => {
        Object.assign(S, {view: "compare", seed: String(r.seed), item: r.item, sidx: String(r.sidx)}); render();
        window.scrollTo(0, 0);
      }}));
    }
    const el = h("article", {class: "card " + ok, "data-kind": r.kind, "data-run": r.run, "data-item": r.item,
                             "data-step": r.kind === "r" ? r.step : null, "data-sidx": r.kind === "e" ? r.sidx : null,
                             "data-correct": r.c === true ? "1" : "0", "data-switched": isNum(r.fsw) ? "1" : "0",
                             "data-fsf": isNum(r.fsf) ? r.fsf : null},
                 meta);
    if (r.kind === "r") {
      el.append(h("details", {}, h("summary", {text: "prompt"}), h("pre", {text: D.prompts[r.q]})));
    }
    el.append(cotElement(r));
    if (r.full !== undefined) {
      el.append(h("details", {}, h("summary", {text: "whole completion (the CoT above is what is measured)"}),
                  h("pre", {text: r.full})));
    }
    return el;
  }

  // ---- drift curve (inline SVG) ---------------------------------------------------------------------------
  function drawDrift() {
    const box = $("drift");
    box.replaceChildren();
    const pts = D.drift.filter((d) => d.lang === S.lang && d.arm === S.arm &&
      (S.seed === "all" || String(d.seed) === S.seed));
    if (!pts.length) { box.append(h("p", {class: "empty", text: "No drift curve for this selection."})); return; }
    const W = 900, H = 230, L = 36, R = 12, T = 10, B = 36;
    const steps = pts.map((d) => d.step), x0 = Math.min(...steps), x1 = Math.max(...steps);
    const X = (s) => L + (x1 === x0 ? 0.5 : (s - x0) / (x1 - x0)) * (W - L - R);
    const Y = (v) => T + (1 - v) * (H - T - B);
    const svg = h("svg:svg", {viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img",
                              "aria-label": "drift curve of " + S.lang + " " + S.arm});
    for (const v of [0, 0.25, 0.5, 0.75, 1]) {
      svg.append(h("svg:line", {class: v ? "grid" : "axis", x1: L, x2: W - R, y1: Y(v), y2: Y(v)}));
      svg.append(h("svg:text", {x: L - 4, y: Y(v) + 4, "text-anchor": "end", text: v}));
    }
    const ticks = uniq([0, 1, 2, 3, 4].map((i) => Math.round(x0 + (i * (x1 - x0)) / 4)));
    for (const t of ticks) svg.append(h("svg:text", {x: X(t), y: H - B + 14, "text-anchor": "middle", text: t}));
    svg.append(h("svg:text", {x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle", text: "GRPO step"}));
    const all = sampledSteps();
    const whole = all.length && +S.from === all[0] && +S.to === all[all.length - 1];
    if (S.from !== "" && S.to !== "" && !whole) { // the selected step (a line) or steps (a band)
      if (S.from === S.to) {
        svg.append(h("svg:line", {class: "sel-line", x1: X(+S.from), x2: X(+S.from), y1: T, y2: H - B}));
      } else {
        svg.append(h("svg:rect", {class: "sel", x: X(+S.from), y: T, width: X(+S.to) - X(+S.from), height: H - T - B}));
      }
    }
    const sampled = new Set(D.rollouts.map((r) => r.run + "|" + r.step));
    const runs = uniq(pts.map((d) => d.run));
    for (const run of runs) {
      const series = pts.filter((d) => d.run === run).sort((a, b) => a.step - b.step);
      for (const m of ["acc", "ew", "tw"]) {
        const xy = series.filter((d) => isNum(d[m])).map((d) => X(d.step).toFixed(1) + "," + Y(d[m]).toFixed(1));
        svg.append(h("svg:polyline", {class: "m-" + m, points: xy.join(" ")}));
      }
      for (const d of series) {
        if (!sampled.has(run + "|" + d.step) || !isNum(d.tw)) continue;
        const on = !whole && S.from !== "" && d.step >= +S.from && d.step <= +S.to;
        const c = h("svg:circle", {class: "pt" + (on ? " on" : ""), cx: X(d.step), cy: Y(d.tw), r: on ? 5 : 3.5,
                                   "data-step": d.step, "data-seed": d.seed});
        c.append(h("svg:title", {text: `seed ${d.seed} step ${d.step}: target WR ${fmt(d.tw)}, EN WR ${fmt(d.ew)}, ` +
          `accuracy ${fmt(d.acc)} (${d.n} rollouts); click to show its rollouts`}));
        c.addEventListener("click", () => {
          Object.assign(S, {seed: String(d.seed), from: String(d.step), to: String(d.step), n: PAGE}); render();
        });
        svg.append(c);
      }
    }
    box.append(h("p", {}, h("b", {text: `Drift of ${S.lang} / ${S.arm}`}),
      ` (${runs.length} run${runs.length > 1 ? "s" : ""}; every logged step from the store): `,
      h("span", {class: "key", style: "color:var(--target)", text: "— target WR"}),
      h("span", {class: "key", style: "color:var(--en)", text: "— EN WR"}),
      h("span", {class: "key", text: "- - accuracy"}), " · circles: steps with embedded rollouts (click one)"));
    box.append(svg);
  }

  // ---- views ----------------------------------------------------------------------------------------------
  function drawCompare(list) {
    const rows = compareBase().filter((r) => r.item === S.item && String(r.sidx) === S.sidx)
      .sort((a, b) => ckRank(a.ck) - ckRank(b.ck));
    $("status").textContent = rows.length
      ? `Item ${S.item} (sample ${S.sidx}) of ${S.lang} seed ${S.seed}, ${S.split}, ${decLabel(S.dec)}, in ` +
        `${rows.length} checkpoints (base → SFT → GRPO arms → recovery).`
      : "No embedded eval sample for this selection.";
    const grid = h("div", {class: "grid-cmp"});
    for (const r of rows) {
      const p = D.points.find((q) => q.lang === r.lang && q.seed === r.seed && q.split === r.split && q.ck === r.ck &&
        decKey(q) === decKey(r));
      grid.append(h("div", {class: "col", "data-ck": r.ck}, h("h3", {text: r.ck}),
        h("div", {class: "sum", text: p ? `checkpoint: accuracy ${fmt(p.acc)}, target WR ${fmt(p.tw)} (n=${p.n})` : ""}),
        card(r, false)));
    }
    list.append(grid);
  }

  function render() {
    fixState();
    syncControls();
    writeHash();
    const list = $("list");
    list.replaceChildren();
    $("drift").hidden = S.view !== "rollouts";
    $("more").hidden = true;
    if (S.view === "rollouts") drawDrift();
    if (S.view === "compare") { drawCompare(list); document.body.dataset.ready = "1"; return; }
    const sel = selection();
    const hits = sel.filter(matches);
    const store = inStore(sel);
    const cap = S.view === "rollouts"
      ? `up to ${D.meta.sampling.rollouts_per_step || "all"} per step at up to ${D.meta.sampling.steps_per_run || "all"} ` +
        `evenly spaced steps per run`
      : `up to ${D.meta.sampling.eval_per_group || "all"} per eval run and decoding, the same items in every checkpoint`;
    $("status").textContent = `${hits.length} of ${sel.length} embedded ${S.view === "rollouts" ? "rollouts" : "samples"} ` +
      `match the filters · the store holds ${store.n.toLocaleString("en")} for this selection` +
      (S.view === "rollouts" ? ` (${store.steps} logged step${store.steps === 1 ? "" : "s"} in range)` : "") +
      ` · sampled: ${cap} (seed ${D.meta.sampling.seed})` + (hits.length > S.n ? ` · showing the first ${S.n}` : "");
    for (const r of hits.slice(0, S.n)) list.append(card(r));
    if (!hits.length) list.append(h("p", {class: "empty", text: "Nothing matches."}));
    $("more").hidden = hits.length <= S.n;
    document.body.dataset.ready = "1";
  }

  function header() {
    const m = D.meta;
    const num = (x) => x.toLocaleString("en");
    $("summary").textContent = `Store ${m.db}` + (m.ingested_at ? ` (last ingest ${m.ingested_at} UTC)` : "") +
      ` · eval samples: ${num(m.evals.shown)} of ${num(m.evals.total)} embedded · GRPO rollouts: ` +
      `${num(m.rollouts.shown)} of ${num(m.rollouts.total)} embedded` +
      (m.stale_runs ? ` · ${m.stale_runs} stale runs hidden (not in the current config)` : "");
    $("legend").replaceChildren("Counted words: ", h("span", {class: "w w-target", text: "target language"}),
      h("span", {class: "w w-en", text: "English"}), h("span", {class: "w w-other", text: "other language"}),
      h("span", {class: "w-neutral", text: "neutral (numbers, math, units, punctuation: not counted)"}),
      h("span", {class: "fs", text: "switch▸"}), "first non-target word");
  }

  buildControls();
  readHash();
  header();
  window.addEventListener("hashchange", () => { readHash(); render(); });
  render();
  window.browserState = S;
})();
