"""Stage ``pretrain``: build the imbalanced corpus, train the tokenizer and pretrain the tiny model.

A plain PyTorch loop you can read in one sitting (nanoGPT-style): random batches of whole documents,
right padding, next-token loss on every real token, AdamW with warmup and cosine decay.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tqdm import tqdm

from pipeline.devices import model_placement
from pipeline.jsonl import read_jsonl, write_jsonl
from pipeline.layout import run_id
from pipeline.runinfo import RunInfo, track_run
from pipeline.train import tinylm
from pipeline.train.corpus import build_corpus
from pipeline.train.models import save, set_threads


class NonFiniteLossError(RuntimeError):
    """Training produced a NaN or infinite loss."""


def lr_at(step: int, steps: int, lr: float, warmup: int, min_ratio: float = 0.1) -> float:
    """Linear warmup then cosine decay to ``min_ratio * lr``."""
    if step < warmup:
        return lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return lr * (min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))


def length_bucketed_batches(token_ids: list[list[int]], steps: int, bsz: int, buckets: int,
                            rng: random.Random) -> Iterator[list[list[int]]]:
    """``steps`` batches of ``bsz`` documents drawn uniformly at random (with replacement).

    With ``buckets`` = k > 1, k batches' worth of documents is drawn at once, sorted by length and cut into k
    batches (in random order), so a batch holds documents of similar length and less padding is computed
    (about 85 % real tokens with k = 4 on the default corpus, 63 % with k = 1). Every document keeps the same
    chance of being drawn.
    """
    done = 0
    while done < steps:
        k = max(1, min(buckets, steps - done))
        pool = sorted((token_ids[rng.randrange(len(token_ids))] for _ in range(bsz * k)), key=len)
        chunks = [pool[i * bsz:(i + 1) * bsz] for i in range(k)]
        rng.shuffle(chunks)
        yield from chunks
        done += k


def train_lm(model: Any, token_ids: list[list[int]], pad_id: int, train: dict[str, Any], seed: int,
             log_path: Path, rid: str) -> list[dict[str, Any]]:
    """Pretrain ``model`` on tokenised documents; returns (and writes) the loss log."""
    import torch

    rng = random.Random(seed)
    torch.manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=train["lr"], weight_decay=train["weight_decay"],
                            betas=(0.9, 0.95))
    steps, bsz = train["steps"], train["batch_size"]
    warmup = max(1, int(train["warmup_frac"] * steps))
    log, running = [], []
    model.train()
    batches = length_bucketed_batches(token_ids, steps, bsz, int(train.get("length_buckets", 1)), rng)
    bar = tqdm(range(steps), desc="pretrain", unit="step", mininterval=2.0)
    for step in bar:
        batch = next(batches)
        width = max(map(len, batch))
        ids = torch.full((bsz, width), pad_id, dtype=torch.long)
        mask = torch.zeros((bsz, width), dtype=torch.long)
        for i, seq in enumerate(batch):
            ids[i, : len(seq)] = torch.tensor(seq)
            mask[i, : len(seq)] = 1
        labels = ids.masked_fill(mask == 0, -100)
        for group in opt.param_groups:
            group["lr"] = lr_at(step, steps, train["lr"], warmup)
        loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        if not torch.isfinite(loss):
            raise NonFiniteLossError(
                f"pretraining loss became {loss.item()} at step {step}; lower pretrain.train.lr "
                f"(now {train['lr']}) or check the corpus"
            )
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), train["grad_clip"])
        opt.step()
        running.append(loss.item())
        if (step + 1) % train["log_every"] == 0 or step + 1 == steps:
            row = {"run_id": rid, "step": step + 1, "loss": sum(running) / len(running),
                   "learning_rate": opt.param_groups[0]["lr"]}
            log.append(row)
            running = []
            bar.set_postfix(loss=f"{row['loss']:.3f}")
    write_jsonl(log_path, log)
    return log


def run_pretrain(parallel_path: str | Path, out_dir: str | Path, lang: str, seed: int,
                 cfg: dict[str, Any], template: str, threads: int | None = None) -> dict[str, Any]:
    """Write ``corpus.jsonl``, ``model/`` (with tokenizer), ``train_log.jsonl`` and ``run.json`` in ``out_dir``."""
    set_threads(threads)
    out_dir = Path(out_dir)
    items = [it for it in read_jsonl(parallel_path) if it["split"] == cfg["source_split"]]
    if not items:
        raise ValueError(f"{parallel_path}: no items of split {cfg['source_split']!r} to pretrain on")
    rid = run_id(lang, seed, "base")
    info = RunInfo(rid, "pretrain", lang, seed, params={**cfg, "template": template},
                   model="tiny-qwen2 (pretrained in pipeline)", dataset="synthetic")
    with track_run(info, out_dir / "run.json"):
        docs = build_corpus(items, lang, cfg["mix"], cfg["n_docs"], seed, template,
                            cfg.get("english_only_families") or ())
        write_jsonl(out_dir / "corpus.jsonl", docs)
        tok = tinylm.train_tokenizer((d["text"] for d in docs), cfg["vocab_size"])
        token_ids = [tok(d["text"])["input_ids"] + [tok.eos_token_id] for d in docs]
        model = tinylm.build_model(tok, cfg["model"], seed)
        info.extra["n_parameters"] = tinylm.n_parameters(model)
        info.extra["corpus_kinds"] = {k: sum(d["kind"] == k for d in docs) for k in cfg["mix"]}
        info.extra["corpus_families"] = dict(sorted(Counter(d["family"] for d in docs).items()))
        log = train_lm(model, token_ids, tok.pad_token_id, cfg["train"], seed, out_dir / "train_log.jsonl", rid)
        info.extra.update(final_loss=log[-1]["loss"], **model_placement(model).record())
        save(model, tok, out_dir / "model")
    return info.extra
