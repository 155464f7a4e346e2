"""The translation stage's configuration: defaults, validation, one dataclass."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from pipeline.data.translate.base import BackendConfigError

ON_FAIL = ("keep", "drop")


@dataclass(frozen=True)
class TranslationConfig:
    """Generic settings of a translation run (backend-specific keys are read by the backend itself)."""

    backend: str
    model: str | None = None
    engine: str | None = None
    cache_dir: str = "results/cache/translation"
    max_workers: int = 4
    rate_limit: float | None = None  # requests per second across all workers; None/0 = unlimited
    timeout: float = 30.0  # seconds per request (deep_translator)
    retries: int = 2  # extra attempts per item after a failed call or failed QC
    backoff: float = 1.0  # seconds before the first retry; doubles each retry
    on_fail: str = "keep"  # keep QC-failed items (flagged in the QC table) or drop them
    min_target_share: float = 0.5
    length_ratio: tuple[float, float] = (0.2, 4.0)
    backtranslation_sample: float = 0.0  # fraction of items back-translated (chosen by id hash)
    backtranslation_min_score: float = 0.5
    parallel_path: str | None = None  # template backend
    source_lang: str = "en"
    progress: bool = True

    @classmethod
    def from_dict(cls, cfg: dict[str, Any], backend_keys: tuple[str, ...] = ()) -> TranslationConfig:
        """Validate ``cfg``; unknown keys (not generic, not the backend's ``config_keys``) are an error."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(cfg) - known - set(backend_keys))
        if unknown:
            raise BackendConfigError(f"translation config: unknown keys {unknown}; generic keys are "
                                     f"{sorted(known)}, backend {cfg.get('backend')!r} also reads "
                                     f"{sorted(backend_keys)}")
        values = {k: v for k, v in cfg.items() if k in known}
        if "length_ratio" in values:
            bounds = values["length_ratio"]
            if not (isinstance(bounds, list | tuple) and len(bounds) == 2 and 0 <= bounds[0] < bounds[1]):
                raise BackendConfigError(f"translation config: length_ratio must be [min, max] with "
                                         f"0 <= min < max, got {bounds!r}")
            values["length_ratio"] = (float(bounds[0]), float(bounds[1]))
        conf = cls(**values)
        if conf.on_fail not in ON_FAIL:
            raise BackendConfigError(f"translation config: on_fail must be one of {ON_FAIL}, "
                                     f"got {conf.on_fail!r}")
        if conf.max_workers < 1 or conf.retries < 0:
            raise BackendConfigError("translation config: max_workers must be >= 1 and retries >= 0")
        if not 0.0 <= conf.backtranslation_sample <= 1.0:
            raise BackendConfigError("translation config: backtranslation_sample must be in [0, 1]")
        if not 0.0 <= conf.min_target_share <= 1.0:
            raise BackendConfigError("translation config: min_target_share must be in [0, 1]")
        return conf
