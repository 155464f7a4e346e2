"""How each kind of artifact becomes rows of the store (one :class:`ArtifactLoader` method per kind of
:data:`pipeline.store.artifacts.KIND_TABLES`), inside the transaction :func:`pipeline.store.ingest.ingest` opens."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from datetime import datetime, timezone
from typing import Any

import duckdb
import pyarrow as pa

from pipeline import layout
from pipeline.jsonl import iter_jsonl, read_json
from pipeline.store.artifacts import Artifact, IngestError
from pipeline.store.schema import (
    EVAL_SAMPLE_COLUMNS,
    EVAL_SAMPLE_REQUIRED,
    PEER_SUMMARY_COLUMNS,
    REWARD_COLUMN_PATTERN,
    ROLLOUT_COLUMNS,
    ROLLOUT_REQUIRED,
    RUN_PLACEMENT_COLUMNS,
    TRANSLATION_QC_COLUMNS,
    TRANSLATION_QC_REQUIRED,
)


def _parse_time(value: Any, key: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{key}={value!r} is not an ISO-8601 timestamp") from None
    return utc_naive(parsed)


def utc_naive(moment: datetime) -> datetime:
    """UTC wall time without tzinfo: the store keeps TIMESTAMP (UTC) so readers need no pytz."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def _opt_float(obj: dict[str, Any], key: str) -> float | None:
    value = obj.get(key)
    return None if value is None else float(value)


def _reward_weight(reward: dict[str, Any], key: str, function_token: str) -> float | None:
    """``reward[key]``, else the weight of the reward function whose name contains ``function_token``
    (``pipeline.train.grpo`` records the resolved ``functions`` and ``weights`` lists next to the arm spec)."""
    if reward.get(key) is not None:
        return float(reward[key])
    functions, weights = reward.get("functions"), reward.get("weights")
    if isinstance(functions, list) and isinstance(weights, list) and len(functions) == len(weights):
        for name, weight in zip(functions, weights, strict=True):
            if function_token in str(name):
                return float(weight)
    return None


def _json_or_none(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class ArtifactLoader:
    """Per-call state: the open connection (inside a transaction), the timestamp and notes."""

    def __init__(self, con: duckdb.DuckDBPyConnection, now: datetime) -> None:
        self.con = con
        self.now = now
        self.notes: list[str] = []

    # -- helpers ---------------------------------------------------------------------------------
    def _parquet_columns(self, art: Artifact) -> dict[str, str]:
        rows = self.con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(art.path)]).fetchall()
        return {name: typ for name, typ, *_ in rows}

    @staticmethod
    def _require(
        art: Artifact, table: str, present: set[str] | dict[str, Any], required: tuple[str, ...]
    ) -> None:
        missing = [c for c in required if c not in present]
        if missing:
            raise IngestError(
                f"{art.path}: missing required column(s)/key(s) {missing} for table {table!r}; "
                f"present: {sorted(present)}. Fix the writer to follow docs/artifacts.md."
            )

    def _insert_parquet(
        self,
        art: Artifact,
        table: str,
        columns: dict[str, str],
        required: tuple[str, ...],
        overrides: dict[str, str] | None = None,
        extra_pattern: str | None = None,
    ) -> int:
        source = self._parquet_columns(art)
        self._require(art, table, source, required)
        table_cols = {r[0] for r in self.con.execute(f"DESCRIBE {table}").fetchall()}
        target = dict(columns)
        if extra_pattern:
            for name in source:
                if name not in target and re.match(extra_pattern, name):
                    if name not in table_cols:
                        self.con.execute(f'ALTER TABLE {table} ADD COLUMN "{name}" DOUBLE')
                    target[name] = "DOUBLE"
        ignored = sorted(set(source) - set(target))
        if ignored:
            self.notes.append(f"{art.rel}: ignored column(s) not in the {table} contract: {ignored}")
        overrides = overrides or {}
        select = []
        for name, typ in target.items():
            if name in overrides:
                expr = overrides[name]
            elif name in source:
                expr = f'CAST("{name}" AS {typ})'
            else:
                expr = f"CAST(NULL AS {typ})"
            select.append(f'{expr} AS "{name}"')
        select.append("CAST(? AS VARCHAR) AS artifact")
        sql = f"INSERT INTO {table} BY NAME SELECT {', '.join(select)} FROM read_parquet(?)"
        return int(self.con.execute(sql, [art.rel, str(art.path)]).fetchone()[0])

    def _check_unique_run(self, art: Artifact, run_id: str) -> None:
        row = self.con.execute("SELECT artifact FROM runs WHERE run_id = ?", [run_id]).fetchone()
        if row is not None:
            raise IngestError(
                f"{art.path}: run_id {run_id!r} is already in the store from {row[0]}; every run.json and "
                "eval/{split}/*.json needs its own run_id"
            )

    def _insert_run(self, art: Artifact, obj: Any, *, is_eval: bool) -> str:
        if not isinstance(obj, dict):
            raise IngestError(f"{art.path}: expected a JSON object, got {type(obj).__name__}")
        self._require(art, "runs", obj, ("run_id", "stage", "lang", "seed"))
        stage = obj["stage"]
        if stage not in layout.STAGES or (is_eval and stage != "eval"):
            allowed = "eval" if is_eval else ", ".join(layout.STAGES)
            raise IngestError(f"{art.path}: stage {stage!r} is not valid here; expected {allowed}")
        run_id = str(obj["run_id"])
        self._check_unique_run(art, run_id)
        reward = obj.get("reward") or {}
        if not isinstance(reward, dict):
            raise IngestError(
                f"{art.path}: 'reward' must be an object with accuracy_weight, lc_variant, lc_weight"
            )
        checkpoint = art.checkpoint
        arm = obj.get("arm") if obj.get("arm") is not None else layout.arm_of(checkpoint)
        checkpoint_run_id = obj.get("checkpoint_run_id")
        if is_eval and checkpoint_run_id is None:
            checkpoint_run_id = art.path_run_id
        split = None
        if is_eval:
            split = str(obj.get("split") or art.split)
            if split != art.split:
                raise IngestError(
                    f"{art.path}: split {split!r} in the file but {art.split!r} in the path "
                    "(eval/{split}/{checkpoint}.json); the evaluate rule writes both the same"
                )
        row = {
            "run_id": run_id,
            "stage": stage,
            "checkpoint": checkpoint,
            "phase": layout.phase_of(checkpoint),
            "arm": arm,
            "lang": str(obj["lang"]),
            "seed": int(obj["seed"]),
            "parent_run_id": obj.get("parent_run_id"),
            "checkpoint_run_id": checkpoint_run_id,
            "split": split,
            "model": obj.get("model"),
            "dataset": obj.get("dataset"),
            "lc_variant": reward.get("lc_variant"),
            "lc_weight": _reward_weight(reward, "lc_weight", "lang_consistency"),
            "accuracy_weight": _reward_weight(reward, "accuracy_weight", "accuracy"),
            "reward": _json_or_none(obj.get("reward")),
            "params": _json_or_none(obj.get("params")),
            "config_hash": obj.get("config_hash"),
            "versions": _json_or_none(obj.get("versions")),
            "started_at": _parse_time(obj.get("started_at"), "started_at"),
            "finished_at": _parse_time(obj.get("finished_at"), "finished_at"),
            "wall_seconds": _opt_float(obj, "wall_seconds"),
            "host": obj.get("host"),
            **{name: obj.get(name) for name in RUN_PLACEMENT_COLUMNS},
            "artifact": art.rel,
            "ingested_at": self.now,
        }
        names = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self.con.execute(f"INSERT INTO runs ({names}) VALUES ({marks})", list(row.values()))
        return run_id

    # -- one method per artifact kind; each returns (run_id, rows per table) ----------------------
    def run_json(self, art: Artifact) -> tuple[str | None, dict[str, int]]:
        run_id = self._insert_run(art, read_json(art.path), is_eval=False)
        return run_id, {"runs": 1}

    def eval_json(self, art: Artifact) -> tuple[str | None, dict[str, int]]:
        obj = read_json(art.path)
        run_id = self._insert_run(art, obj, is_eval=True)
        summary = obj.get("summary")
        if not isinstance(summary, list) or not summary:
            raise IngestError(f"{art.path}: 'summary' must be a non-empty list of per-decoding aggregates")
        checkpoint_run_id, split = self.con.execute(
            "SELECT checkpoint_run_id, split FROM runs WHERE run_id = ?", [run_id]
        ).fetchone()
        seen: set[tuple[str, float | None]] = set()
        rows = []
        for entry in summary:
            if not isinstance(entry, dict):
                raise IngestError(f"{art.path}: every 'summary' entry must be an object")
            self._require(art, "eval_summary", entry, ("decoding", "n", "accuracy", "target_wr"))
            key = (str(entry["decoding"]), _opt_float(entry, "temperature"))
            if key in seen:
                raise IngestError(f"{art.path}: duplicate summary entry for decoding/temperature {key}")
            seen.add(key)
            rows.append(
                [
                    run_id,
                    checkpoint_run_id,
                    split,
                    key[0],
                    key[1],
                    int(entry["n"]),
                    float(entry["accuracy"]),
                    float(entry["target_wr"]),
                    _opt_float(entry, "en_wr"),
                    _opt_float(entry, "other_wr"),
                    art.rel,
                    _json_or_none(entry.get("generation")),
                    *(_opt_float(entry, rate) for rate in PEER_SUMMARY_COLUMNS),
                ]
            )
        names = ["run_id", "checkpoint_run_id", "split", "decoding", "temperature", "n", "accuracy", "target_wr",
                 "en_wr", "other_wr", "artifact", "generation", *PEER_SUMMARY_COLUMNS]
        self.con.executemany(
            f"INSERT INTO eval_summary ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", rows)
        return run_id, {"runs": 1, "eval_summary": len(rows)}

    def train_log(self, art: Artifact) -> tuple[str | None, dict[str, int]]:
        default_run = art.path_run_id
        run_ids, steps, metrics, values = [], [], [], []
        skipped: Counter[str] = Counter()
        for index, record in enumerate(iter_jsonl(art.path), start=1):
            step = record.get("step")
            if not isinstance(step, int | float) or isinstance(step, bool):
                raise IngestError(f"{art.path}: record {index} has no numeric 'step' (got {step!r})")
            run_id = str(record.get("run_id") or default_run)
            for key, value in record.items():
                if key in ("run_id", "step"):
                    continue
                if isinstance(value, bool):
                    value = float(value)
                if not isinstance(value, int | float):
                    skipped[key] += 1
                    continue
                run_ids.append(run_id)
                steps.append(int(step))
                metrics.append(key)
                values.append(float(value) if math.isfinite(value) else float("nan"))
        if skipped:
            self.notes.append(f"{art.rel}: skipped non-numeric values {dict(skipped)}")
        batch = pa.table(
            {
                "run_id": pa.array(run_ids, pa.string()),
                "step": pa.array(steps, pa.int64()),
                "metric": pa.array(metrics, pa.string()),
                "value": pa.array(values, pa.float64()),
            }
        )
        self.con.register("_train_log_batch", batch)
        try:
            self.con.execute(
                "INSERT INTO train_metrics SELECT run_id, step, metric, value, ? FROM _train_log_batch",
                [art.rel],
            )
        finally:
            self.con.unregister("_train_log_batch")
        return default_run, {"train_metrics": len(values)}

    def rollouts(self, art: Artifact) -> tuple[str | None, dict[str, int]]:
        n = self._insert_parquet(
            art, "rollouts", ROLLOUT_COLUMNS, ROLLOUT_REQUIRED, extra_pattern=REWARD_COLUMN_PATTERN
        )
        steps = self.con.execute(
            """
            INSERT INTO rollout_steps
            SELECT run_id, step, count(*), sum(CAST(correct AS BIGINT)), count(correct), sum(target_share),
                   count(target_share), sum(en_share), count(en_share), artifact
            FROM rollouts WHERE artifact = ? GROUP BY run_id, step, artifact
            """,
            [art.rel],
        ).fetchone()[0]
        return art.path_run_id, {"rollouts": n, "rollout_steps": int(steps)}

    def eval_samples(self, art: Artifact) -> tuple[str | None, dict[str, int]]:
        source = self._parquet_columns(art)
        split_col = "split" if "split" in source else "NULL"  # the path's split when the file has none
        overrides = {"split": f"COALESCE(CAST({split_col} AS VARCHAR), {_sql_str(art.split or '')})"}
        n = self._insert_parquet(art, "eval_samples", EVAL_SAMPLE_COLUMNS, EVAL_SAMPLE_REQUIRED, overrides)
        row = self.con.execute(
            "SELECT min(run_id), count(DISTINCT run_id), list(DISTINCT split ORDER BY split) "
            "FROM eval_samples WHERE artifact = ?",
            [art.rel],
        ).fetchone()
        if row[1] > 1:
            raise IngestError(f"{art.path}: holds {row[1]} different run_id values; one eval file is one run")
        if row[2] and row[2] != [art.split]:
            raise IngestError(
                f"{art.path}: split column holds {row[2]} but the path says {art.split!r} "
                "(eval/{split}/{checkpoint}.parquet); one eval file is one split"
            )
        return row[0], {"eval_samples": n}

    def translation_qc(self, art: Artifact) -> tuple[str | None, dict[str, int]]:
        source = self._parquet_columns(art)
        overrides = {  # the path's lang/split when the file has none
            col: f"COALESCE(CAST({col if col in source else 'NULL'} AS VARCHAR), {_sql_str(fallback)})"
            for col, fallback in (("lang", art.lang), ("split", art.split or ""))
        }
        flags_type = source.get("flags", "")
        if flags_type == "VARCHAR":
            overrides["flags"] = (
                "CASE WHEN flags IS NULL OR trim(flags) = '' THEN CAST([] AS VARCHAR[]) "
                "ELSE regexp_split_to_array(trim(flags), '\\s*[,;]\\s*') END"
            )
        n = self._insert_parquet(
            art, "translation_qc", TRANSLATION_QC_COLUMNS, TRANSLATION_QC_REQUIRED, overrides
        )
        return None, {"translation_qc": n}

    def translation_summary(self, art: Artifact) -> tuple[str | None, dict[str, int]]:
        obj = read_json(art.path)
        if not isinstance(obj, dict):
            raise IngestError(f"{art.path}: expected a JSON object with translated, cached, failed, dropped")

        def count(key: str) -> int | None:
            value = obj.get(key)
            return None if value is None else int(value)

        self.con.execute(
            "INSERT INTO translation_summary VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                str(obj.get("lang") or art.lang),
                str(obj.get("split") or art.split),
                count("translated"),
                count("cached"),
                count("failed"),
                count("dropped"),
                json.dumps(obj, ensure_ascii=False, sort_keys=True),
                art.rel,
            ],
        )
        return None, {"translation_summary": 1}
