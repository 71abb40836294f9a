"""The objective's terms by name (docs/method.md §3): FM (Eq. 3), SCM (Eq. 4), MVA (Eq. 12), and any
term registered after them.

A curriculum stage's split is a mapping {term: share of the batch} (schema/curriculum.py). The batch
is cut into one slice per term in registry order, and each term computes its per-example losses on
its own slice (flow/losses.py total_loss). A new term is one `register_term` call next to its loss
(tests/test_objective_terms.py registers a toy term and trains with it).
"""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any, Callable


@dataclasses.dataclass(frozen=True)
class GroupContext:
  """What a term may read besides its slice: the step and run length (SCM's r(k) schedule), and the
  FM slice's static count of path-dropped examples (Alg. 1)."""
  step: Any
  total_steps: int
  n_dropped: int


@dataclasses.dataclass(frozen=True)
class Term:
  """loss(nets, cfg, x0, cond, w, key, context) -> (per-example losses, aux), aux holding per-example
  'mse', 'weight' and 'dropped' (and optionally 'v_mse'); `shown` is the aux entry the progress
  line prints; `needs_ema(cfg)` says whether the term reads the EMA network."""
  loss: Callable
  shown: str = "mse"
  needs_ema: Callable[[Any], bool] = lambda cfg: False


TERMS: dict[str, Term] = {}


def register_term(name: str, term: Term) -> None:
  if name in TERMS:
    raise ValueError(f"objective term {name!r} is already registered.")
  TERMS[name] = term


def split_of(ratios: Mapping[str, float] | tuple, where: str = "ratios") -> tuple[tuple[str, float], ...]:
  """A stage's {term: share} -> ((term, share), ...) in registry order, zero shares left out: the
  hashable form a compiled train step is keyed on. Shares must be finite, >= 0 and sum to 1, and
  name registered terms (one-line ValueErrors naming `where`)."""
  ratios = dict(ratios)
  unknown = sorted(set(ratios) - set(TERMS))
  if unknown:
    raise ValueError(f"{where}: unknown objective term{'s' * (len(unknown) > 1)} {', '.join(unknown)}; "
                     f"registered: {', '.join(TERMS)}.")
  values = {name: float(ratios[name]) for name in TERMS if name in ratios}
  if any(v < 0 or not math.isfinite(v) for v in values.values()):
    raise ValueError(f"{where} must be finite and >= 0; got {values}.")
  if abs(sum(values.values()) - 1.0) > 1e-6:
    raise ValueError(f"{where} must sum to 1; got {values} (sum {sum(values.values()):.6g}).")
  return tuple((name, v) for name, v in values.items() if v > 0)


def shown(split) -> str:
  """'fm 0.75, scm 0.25' for logs, errors and the model card."""
  return ", ".join(f"{name} {share:g}" for name, share in split)
