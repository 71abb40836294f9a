"""Whether the checkpoints of one folder are one run's. Each checkpoint's meta names the run that
wrote it (run_id), the folder it was written in (run_dir) and the runs it continues (lineage: a copy
of a run trained on elsewhere is a fork with a new id, train/fault_tolerance.py run_identity). A
step folder copied in by hand from another run was exported, sampled and trained on as this run's,
without a word: every reader now checks the step it uses against the folder's other steps first."""
from __future__ import annotations

import os
import sys

from eflow_jax.checkpoint_compat import model_config_mismatch

KEY = "lineage"
STEPS = "lineage_steps"       # the step each run of the lineage started from
_warned = set()


def run_directory(ckpt) -> str:
  """The run directory whose checkpoints `ckpt` (a checkpoint.Checkpointer) holds, as metas record it."""
  return os.path.realpath(os.path.dirname(os.path.abspath(ckpt.directory)))


def lineage_of(meta: dict) -> list[str]:
  """The run ids from the first run to the one that wrote `meta` ([run_id] for a checkpoint written
  before lineages were kept; [] before run ids)."""
  if is_lineage(meta.get(KEY)):
    return meta[KEY]
  return [meta["run_id"]] if isinstance(meta.get("run_id"), str) and meta["run_id"] else []


def is_lineage(value) -> bool:
  return isinstance(value, list) and bool(value) and all(isinstance(i, str) and i for i in value)


def next_lineage(newest_meta: dict, run_id: str) -> dict:
  """The lineage a run writes into its metas: the newest checkpoint's run ids, with `run_id` added when
  this is a new run or a fork, and the step each of them started from (STEPS: a fork's is the step
  it was copied at; its parent's later steps are not its history)."""
  before, starts = lineage_of(newest_meta), fork_steps(newest_meta)
  if before[-1:] == [run_id]:
    return {KEY: before, STEPS: starts}
  step = newest_meta.get("step") if isinstance(newest_meta.get("step"), int) else 0
  return {KEY: before + [run_id], STEPS: starts + [step] if starts is not None else None}


def fork_steps(meta: dict) -> list[int] | None:
  """The steps the runs of `meta`'s lineage started from ([] for no checkpoint), None where not kept."""
  steps = meta.get(STEPS)
  if not meta:
    return []
  if isinstance(steps, list) and len(steps) == len(lineage_of(meta)) and all(isinstance(s, int) for s in steps):
    return steps
  return None


def continues(newer: dict, older: dict, here: str) -> bool | None:
  """Whether the run of checkpoint `newer` is the run of `older` or continues it; None when it cannot
  be told (`newer` written before lineages, not in this folder `here`: a run moved twice, or another
  run's step copied in)."""
  if not (newer.get("run_id") and older.get("run_id")) or newer["run_id"] == older["run_id"]:
    return True                                           # checkpoints from before run ids: nothing to tell
  lineage, starts = lineage_of(newer), fork_steps(newer)
  if older["run_id"] in lineage:
    k = lineage.index(older["run_id"])     # newer's line left that run at starts[k + 1]: its later steps are not its history
    return not (starts and k + 1 < len(starts) and isinstance(older.get("step"), int) and older["step"] > starts[k + 1])
  if KEY in newer:
    return False
  return True if newer.get("run_dir") == here and older.get("run_dir") != here else None   # a fork made here


def check_one_run(ckpt, step: int, meta: dict) -> None:
  """ValueError (one line) when a kept step of `ckpt`'s folder is of a run unrelated to checkpoint
  `step`'s (`meta`): the folder holds a step copied in from another run. A warning where checkpoints
  from before lineages cannot tell."""
  here = run_directory(ckpt)
  for other in sorted(set(ckpt.all_steps()) - {step}):
    try:
      other_meta = ckpt.read_meta(other)
    except Exception:  # pylint: disable=broad-except   (an unreadable step is its own reader's problem)
      continue
    newer, older = (meta, other_meta) if step > other else (other_meta, meta)
    models = model_config_mismatch(older.get("config") or {}, newer.get("config") or {})   # a resume refuses one
    verdict = False if models else continues(newer, older, here)
    if verdict:
      continue
    for s, m in ((step, meta), (other, other_meta)):
      if KEY in m and not is_lineage(m[KEY]):           # not as a run writes it: the runs cannot be told apart
        raise ValueError(f"checkpoint step {s} in {ckpt.directory}: its meta's {KEY} is {m[KEY]!r}, not the list of "
                         f"run ids a run writes (edited by hand?); restore that meta, or move the step out.")
    if models:
      models = models.replace(": checkpoint ", f": step {min(step, other)} ").replace(", config ", f", step {max(step, other)} ")
    problem = (f"checkpoints in {ckpt.directory}: step {step} is of run {_named(meta)} and step {other} of run "
               f"{_named(other_meta)}, and neither continues the other" + (f" (another model: {models})" if models else ""))
    if verdict is False:
      raise ValueError(f"{problem}: a step folder copied in from another run? Move that run's steps out of "
                       f"{ckpt.directory}, then run this again.")
    if problem not in _warned:
      _warned.add(problem)
      print(f"warning: {problem} as far as checkpoints from before lineages tell (a step folder copied in from "
            f"another run, or a copy of a continued copy).", file=sys.stderr, flush=True)
    return


def _named(meta: dict) -> str:
  return f"{str(meta.get('run_id'))[:8]} (written in {meta.get('run_dir')})"
