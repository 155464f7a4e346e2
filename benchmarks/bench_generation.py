"""Benchmark of generation: tokens/s of each evaluation engine vs a bare torch KV-cache sampling loop.

    python benchmarks/bench_generation.py [--model PATH_OR_HUB_ID] [--data JSONL] [--n-prompts 100]
        [--batch-size N] [--max-new-tokens N] [--temperature 1.0] [--repeats 2] [--threads N] [--use-cpu] [--profile]

By default the pipeline's own tiny model is built offline in a temp dir (random weights, sized by
config/config.yaml ``pretrain.model`` / ``pretrain.vocab_size``), so the figures are those of the default
pipeline's evaluate stage. Prompts are the first ``--n-prompts`` questions of ``--data`` (synthetic world
questions when the file is missing), formatted with ``prompt.template``. Every path samples at
``--temperature`` (no top-p / top-k / repetition penalty) from the same prompt ids, batch size and seed;
generated tokens are counted the same way for all (per row: up to and including the first EOS, else
``--max-new-tokens``). Prints wall and CPU time (best of ``--repeats``), tokens/s and the HF / bare ratio
against the goal (HF engine >= 0.7x the bare loop). ``--profile`` adds a cProfile of one HF batch.
"""

from __future__ import annotations

import argparse
import cProfile
import inspect
import io
import itertools
import os
import pstats
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from pipeline.devices import Placement, resolve
from pipeline.evaluate.engines import Decoding, HFEngine, generation_config, prompt_ids
from pipeline.jsonl import iter_jsonl
from pipeline.requirements import importable
from pipeline.settings import load_config
from pipeline.train import tinylm
from pipeline.train.models import load_tokenizer, save, set_threads

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "config" / "config.yaml"
DEFAULT_DATA = REPO.parent / "shared" / "data" / "gsm8k" / "test.jsonl"
GOAL = 0.7  # HF engine tokens/s >= GOAL x the bare loop's


def load_questions(path: Path, n: int, cfg: dict[str, Any]) -> tuple[list[str], str]:
    """The first ``n`` questions of ``path`` (field ``question``), or synthetic world questions when it is missing."""
    if path.exists():
        return [row["question"] for row in itertools.islice(iter_jsonl(path), n)], str(path)
    from pipeline.data.world import generate_items, render

    world = cfg["data"]["world"]
    items = generate_items(n, "test", world["seed"], world["min_steps"], world["max_steps"], world["max_value"],
                           world["families"])
    return [render(item, "en")[0] for item in items], f"synthetic world ({path} missing)"


def build_tiny_model(out_dir: Path, cfg: dict[str, Any], texts: list[str]) -> None:
    """The pipeline's tiny Qwen2 model (random weights), a BPE tokenizer trained on ``texts``; saved to ``out_dir``."""
    from pipeline.data.world import generate_items, render

    world = cfg["data"]["world"]
    items = generate_items(2000, "train", world["seed"], world["min_steps"], world["max_steps"], world["max_value"],
                           world["families"])
    corpus = texts + [" ".join(render(item, lang)) for item in items for lang in ("en", cfg["languages"][0])]
    tok = tinylm.train_tokenizer(corpus, int(cfg["pretrain"]["vocab_size"]))
    model = tinylm.build_model(tok, cfg["pretrain"]["model"], seed=0)
    save(model, tok, out_dir)


def count_generated(new_ids: torch.Tensor, eos_id: int, max_new_tokens: int) -> int:
    """Generated tokens of a batch: per row up to and including the first EOS, else all (at most ``max_new_tokens``)."""
    is_eos = new_ids == eos_id
    first = torch.where(is_eos.any(dim=1), is_eos.int().argmax(dim=1) + 1, new_ids.shape[1])
    return int(first.clamp(max=max_new_tokens).sum())


def cache_kwarg(model: Any) -> str:
    """The forward keyword of the KV cache: ``cache`` (transformers >= 5.x) or ``past_key_values``."""
    return "cache" if "cache" in inspect.signature(model.forward).parameters else "past_key_values"


@torch.inference_mode()
def bare_batch(model: Any, input_ids: torch.Tensor, attention_mask: torch.Tensor, temperature: float,
               max_new_tokens: int, eos_id: int, pad_id: int) -> torch.Tensor:
    """Temperature sampling with a KV cache, one token per step; returns the new tokens ``[batch, steps]``.

    Rows that produced EOS get the pad token from then on; the prefill computes the last position's logits only,
    as ``generate`` does.
    """
    key = cache_kwarg(model)
    mask = attention_mask
    position_ids = (mask.cumsum(-1) - 1).clamp(min=0)
    out = model(input_ids=input_ids, attention_mask=mask, position_ids=position_ids, use_cache=True,
                logits_to_keep=1)
    next_pos = position_ids[:, -1:] + 1
    done = torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)
    ones = torch.ones_like(mask[:, :1])
    tokens = []
    for step in range(max_new_tokens):
        probs = torch.softmax(out.logits[:, -1, :].float() / temperature, dim=-1)
        nxt = torch.multinomial(probs, 1).squeeze(1)
        nxt = torch.where(done, torch.full_like(nxt, pad_id), nxt)
        tokens.append(nxt)
        done |= nxt == eos_id
        if bool(done.all()) or step == max_new_tokens - 1:
            break
        mask = torch.cat([mask, ones], dim=1)
        past = out.cache if key == "cache" else out.past_key_values
        out = model(input_ids=nxt[:, None], attention_mask=mask, position_ids=next_pos, use_cache=True,
                    **{key: past})
        next_pos = next_pos + 1
    return torch.stack(tokens, dim=1)


def batches(tokenizer: Any, ids: list[list[int]], batch_size: int, device: str) -> list[dict[str, torch.Tensor]]:
    """Left-padded batches (input_ids, attention_mask) on ``device``, exactly as the HF engine pads them."""
    tokenizer.padding_side = "left"
    out = []
    for start in range(0, len(ids), batch_size):
        enc = tokenizer.pad({"input_ids": ids[start : start + batch_size]}, return_tensors="pt")
        out.append({k: v.to(device) for k, v in enc.items()})
    return out


def timed(fns: dict[str, Callable[[], int]], repeats: int) -> dict[str, tuple[float, float, int]]:
    """Best wall and best CPU seconds of ``repeats`` calls of each ``fn`` (which returns a token count), and
    its last count; the paths take turns within each repeat, so a load change on a shared machine hits all."""
    walls: dict[str, list[float]] = {name: [] for name in fns}
    cpus: dict[str, list[float]] = {name: [] for name in fns}
    counts = dict.fromkeys(fns, 0)
    for _ in range(repeats):
        for name, fn in fns.items():
            w0, c0 = time.perf_counter(), time.process_time()
            counts[name] = fn()
            walls[name].append(time.perf_counter() - w0)
            cpus[name].append(time.process_time() - c0)
    return {name: (min(walls[name]), min(cpus[name]), counts[name]) for name in fns}


def load_average() -> str:
    """The 1/5/15-minute load averages (``n/a`` where the OS has none)."""
    try:
        return "/".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def line(name: str, wall: float, cpu: float, tokens: int) -> str:
    """One result row."""
    return (f"  {name:<24} wall {wall:7.2f} s  CPU {cpu:7.2f} s  tokens {tokens:7d}  "
            f"tok/s wall {tokens / wall:8.0f}  tok/s CPU {tokens / cpu:8.0f}")


def vllm_skip_reason(placement: Placement) -> str | None:
    """Why vLLM is not measured here, or None when it is."""
    if not importable("vllm"):
        return "vllm is not importable"
    if placement.device != "cuda":
        return f"needs a CUDA device, this run is on {placement.device}"
    return None


def run_vllm(model_path: str, tokenizer: Any, placement: Placement, prompts: list[str], dec: Decoding,
             repeats: int) -> tuple[float, float, int]:
    """Best wall / CPU seconds of ``VLLMEngine.generate`` and its generated tokens (counted from token ids)."""
    from vllm import SamplingParams

    from pipeline.evaluate.engines import VLLMEngine, sampling_params_kwargs

    engine = VLLMEngine(model_path, tokenizer, placement, dec.seed)
    requests = [{"prompt_token_ids": ids} for ids in prompt_ids(tokenizer, prompts)]
    outputs = engine.llm.generate(requests, SamplingParams(**sampling_params_kwargs(dec)), use_tqdm=False)
    n_tokens = sum(len(c.token_ids) for o in outputs for c in o.outputs)

    def go() -> int:
        engine.generate(prompts, dec, desc="vllm")
        return n_tokens

    return timed({"vllm": go}, repeats)["vllm"]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the numbers."""
    cfg = load_config(CONFIG)
    ev = cfg["eval"]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="local path or hub id (default: the pipeline's tiny model, built here)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--n-prompts", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=int(ev["batch_size"]))
    parser.add_argument("--max-new-tokens", type=int, default=int(ev["max_new_tokens"]))
    parser.add_argument("--temperature", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=2, help="report the best of this many runs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dtype", default="float32", choices=("float32", "bfloat16", "float16"))
    parser.add_argument("--threads", type=int, help="torch intra-op threads (default: torch's own choice)")
    parser.add_argument("--use-cpu", action="store_true", help="stay on the CPU even when a GPU is visible")
    parser.add_argument("--profile", action="store_true", help="cProfile one HF engine batch")
    args = parser.parse_args(argv)
    set_threads(args.threads)

    questions, source = load_questions(args.data, args.n_prompts, cfg)
    prompts = [cfg["prompt"]["template"].format(question=q) for q in questions]
    placement = resolve(args.use_cpu, args.dtype)
    dec = Decoding("sampled", args.temperature, 1, top_p=1.0, top_k=0, repetition_penalty=1.0,
                   max_new_tokens=args.max_new_tokens, seed=args.seed)
    with tempfile.TemporaryDirectory(prefix="bench_generation_") as tmp:
        if args.model:
            model_path, model_desc = args.model, args.model
        else:
            model_path = str(Path(tmp) / "tiny")
            t0 = time.perf_counter()
            build_tiny_model(Path(model_path), cfg, questions)
            model_desc = f"pipeline tiny model, random weights (built in {time.perf_counter() - t0:.1f} s)"
        tokenizer = load_tokenizer(model_path, padding_side="left")
        engine = HFEngine(model_path, tokenizer, placement, args.batch_size)
        model = engine.model
        ids = prompt_ids(tokenizer, prompts)
        lengths = sorted(len(x) for x in ids)
        print(f"model: {model_desc}")
        print(f"  parameters {sum(p.numel() for p in model.parameters()):,}, vocab {len(tokenizer)}, "
              f"attention {model.config._attn_implementation}")
        print(f"device {placement.device}, dtype {placement.dtype}, torch threads {torch.get_num_threads()}, "
              f"torch {torch.__version__}")
        print(f"prompts: {len(prompts)} from {source}; prompt tokens min/median/max "
              f"{lengths[0]}/{lengths[len(lengths) // 2]}/{lengths[-1]}")
        print(f"load average {load_average()} (the machine may be shared: compare CPU times, rerun when it is busy)")
        print(f"batch size {args.batch_size}, max_new_tokens {args.max_new_tokens}, temperature {args.temperature}, "
              f"seed {args.seed}, best of {args.repeats}")

        eos, pad = tokenizer.eos_token_id, tokenizer.pad_token_id
        inputs = batches(tokenizer, ids, args.batch_size, str(model.device))
        config = generation_config(dec, tokenizer)

        def hf_ids() -> list[torch.Tensor]:
            torch.manual_seed(dec.seed)
            out = []
            for enc in inputs:
                with torch.no_grad():
                    gen = model.generate(**enc, generation_config=config)
                out.append(gen[:, enc["input_ids"].shape[1] :])
            return out

        def bare_ids() -> list[torch.Tensor]:
            torch.manual_seed(dec.seed)
            return [bare_batch(model, enc["input_ids"], enc["attention_mask"], args.temperature, args.max_new_tokens,
                               eos, pad) for enc in inputs]

        def n_tokens(batches_ids: list[torch.Tensor]) -> int:
            return sum(count_generated(new, eos, args.max_new_tokens) for new in batches_ids)

        def hf_tokens() -> int:
            return n_tokens(hf_ids())

        def bare_tokens() -> int:
            return n_tokens(bare_ids())

        hf_first, bare_first = hf_ids(), bare_ids()  # also the warm-up (kernels, allocator, lazy imports)
        hf_count = n_tokens(hf_first)
        same = all(a.shape == b.shape and torch.equal(a, b) for a, b in zip(hf_first, bare_first, strict=True))
        print(f"same seed -> HF generate and the bare loop sampled identical token ids: {'yes' if same else 'no'}")

        def engine_run() -> int:
            engine.generate(prompts, dec, desc="hf engine")
            return hf_count

        results = timed({"hf engine.generate": engine_run, "hf model.generate": hf_tokens,
                         "bare torch loop": bare_tokens}, args.repeats)
        print(f"results (best wall / best CPU of the repeats; load average now {load_average()}):")
        for name, (wall, cpu, tokens) in results.items():
            print(line(name, wall, cpu, tokens))
        reason = vllm_skip_reason(placement)
        if reason is None:
            wall, cpu, tokens = run_vllm(model_path, tokenizer, placement, prompts, dec, args.repeats)
            results["vllm engine.generate"] = (wall, cpu, tokens)
            print(line("vllm engine.generate", wall, cpu, tokens))
        else:
            print(f"  vllm: skipped ({reason})")

        def rate(name: str, which: int) -> float:
            return results[name][2] / results[name][which]

        bare_w, bare_c = rate("bare torch loop", 0), rate("bare torch loop", 1)
        for name in results:
            if name != "bare torch loop":
                print(f"  {name} / bare: {rate(name, 0) / bare_w:.2f}x wall, {rate(name, 1) / bare_c:.2f}x CPU")
        ratio = rate("hf engine.generate", 0) / bare_w
        print(f"goal: HF engine >= {GOAL}x the bare loop (tokens/s wall): {ratio:.2f}x -> "
              f"{'met' if ratio >= GOAL else 'NOT met'}")

        if args.profile:
            prof = cProfile.Profile()
            torch.manual_seed(dec.seed)
            prof.enable()
            engine.generate(prompts[: args.batch_size], dec, desc="profile")
            prof.disable()
            stream = io.StringIO()
            stats = pstats.Stats(prof, stream=stream).sort_stats("tottime")
            stats.print_stats(25)
            print("cProfile of one HF engine batch (by own time):")
            print(stream.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
