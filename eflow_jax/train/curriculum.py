"""The staged curriculum (paper App. C): which drop ratio, loss split, learning rate and data a step uses.

Stages are declared in `config.curriculum` as sub-configs `stage1`, `stage2`, ... (their fields and
defaults: eflow_jax/schema/curriculum.py).

`stage_at(stages, step)` and `step_settings(stages, step)` are pure functions of the step, so a
resumed run lands in the same stage, and every stage boundary is known in advance (it is kept as a
checkpoint).

The data of each stage (`StageData`): stages that read the same source (path and batch size) share
one iterator, so its position is a function of (seed, step); a stage with a new source (T2V 256p ->
480p) starts its own iterator fresh, and a checkpoint stores the position of the source the saved
step read.
"""
import dataclasses
import re

import jax
import ml_collections

from eflow_jax import sharding
from eflow_jax.data import pipeline
from eflow_jax.flow.terms import split_of


@dataclasses.dataclass(frozen=True)
class Stage:
  name: str
  start: int
  end: int                   # exclusive
  drop_ratio: float
  dense_every: int
  ratios: tuple[tuple[str, float], ...]   # {term: share} as flow/terms.split_of orders it
  lr: float
  data_path: str
  batch_size: int


@dataclasses.dataclass(frozen=True)
class StepSettings:
  """What the compiled train step depends on (hashable: one compiled step per distinct value)."""
  drop_ratio: float
  ratios: tuple[tuple[str, float], ...]


def build_stages(curriculum: ml_collections.ConfigDict, total_steps: int) -> list[Stage]:
  """Validates the declared stages and lays them end to end over [0, total_steps)."""
  keys = sorted((k for k in curriculum.keys() if re.fullmatch(r"stage\d+", k)), key=lambda k: int(k[5:]))
  if not keys:
    raise ValueError("config.curriculum declares no stages; add config.curriculum.stage1.")
  if keys != [f"stage{i + 1}" for i in range(len(keys))]:
    raise ValueError(f"curriculum stages must be stage1, stage2, ... without gaps; got {keys}.")
  stages, start = [], 0
  for i, key in enumerate(keys):
    s = curriculum[key]
    if s.steps > 0:
      length = int(s.steps)
    elif s.fraction > 0:
      length = round(s.fraction * total_steps)
    else:
      raise ValueError(f"curriculum.{key} needs steps > 0 or fraction > 0.")
    if i == len(keys) - 1 and s.steps <= 0:
      length = total_steps - start           # the last fractional stage absorbs rounding
      _check_absorbed(key, s.fraction, total_steps, length, len(keys))
    ratios = split_of(s.ratios, where=f"curriculum.{key}.ratios")
    same_name = next((f"stage{j + 1}" for j, earlier in enumerate(stages) if earlier.name == s.name), None)
    if same_name:           # a checkpoint keeps its stage by name; the logs and a resume name stages so
      raise ValueError(f"curriculum.{key}.name={s.name!r} is also curriculum.{same_name}'s; give each stage its own "
                       f"name (checkpoints, logs and a resume name a stage by it).")
    if not 0.0 <= s.drop_ratio < 1.0:
      raise ValueError(f"curriculum.{key}.drop_ratio={s.drop_ratio} must lie in [0, 1).")
    if s.dense_every < 0 or (s.dense_every and s.drop_ratio == 0):
      raise ValueError(f"curriculum.{key}.dense_every={s.dense_every} needs drop_ratio > 0 and >= 0.")
    if not s.lr > 0:
      raise ValueError(f"curriculum.{key}.lr={s.lr} must be > 0.")
    if s.batch_size < 0:
      raise ValueError(f"curriculum.{key}.batch_size={s.batch_size} must be >= 0 (0 = data.batch_size).")
    stages.append(Stage(s.name, start, start + length, float(s.drop_ratio), int(s.dense_every),
                        ratios, float(s.lr), s.data_path, int(s.batch_size)))
    start += length
  if start != total_steps or any(st.end <= st.start for st in stages):
    lengths = [st.end - st.start for st in stages]
    raise ValueError(f"curriculum stage lengths {lengths} must be positive and sum to "
                     f"total_steps={total_steps}; fix the stages' steps/fraction or total_steps.")
  return stages


def _check_absorbed(key: str, fraction: float, total_steps: int, length: int, num_stages: int) -> None:
  """The last fractional stage takes what the others leave: up to half a step of rounding per stage,
  not the share of fractions that do not add up to 1 (0.9 + 0.9 gave it 1 step of its 90%)."""
  if abs(length - fraction * total_steps) > 0.5 * num_stages:
    raise ValueError(f"curriculum.{key}.fraction={fraction} asks for {fraction * total_steps:g} of total_steps="
                     f"{total_steps}, but the stages before it leave {length}: the stages' fractions (and "
                     f"steps / total_steps) must add up to 1; fix their fraction or steps.")


def stage_at(stages: list[Stage], step: int) -> Stage:
  for stage in stages:
    if stage.start <= step < stage.end:
      return stage
  return stages[-1]        # step == total_steps: the run is finished, report the last stage


def step_settings(stages: list[Stage], step: int) -> StepSettings:
  stage = stage_at(stages, step)
  dense = stage.dense_every and (step - stage.start) % stage.dense_every == stage.dense_every - 1
  return StepSettings(0.0 if dense else stage.drop_ratio, stage.ratios)


def boundaries(stages: list[Stage]) -> list[int]:
  """Steps at which a stage ends: the checkpoints kept forever."""
  return [stage.end for stage in stages]


LR_DECAYS = ("constant", "cosine", "linear")


def learning_rate_schedule(stages: list[Stage], warmup_steps: int = 0, decay: str = "constant",
                           final_fraction: float = 0.0):
  """The stages' learning rates times one optax shape over the whole run (a pure function of the step).

  shape: linear warm-up from 0 over `warmup_steps`, then 'constant' (1), or a 'cosine' / 'linear'
  decay from 1 to `final_fraction` at the last step. The ten-minute demo uses both with a 4x higher
  LR than a constant schedule (docs/results.md, "Re-tuning the demo recipe").
  """
  import jax.numpy as jnp
  import optax

  if decay not in LR_DECAYS:
    raise ValueError(f"lr_schedule.decay={decay!r} is unknown; use one of {', '.join(LR_DECAYS)}.")
  total = stages[-1].end
  ends = jnp.asarray([st.end for st in stages[:-1]], jnp.int32)
  lrs = jnp.asarray([st.lr for st in stages], jnp.float32)
  rest = max(total - warmup_steps, 1)
  tail = {"constant": optax.constant_schedule(1.0),
          "cosine": optax.cosine_decay_schedule(1.0, rest, alpha=final_fraction),
          "linear": optax.linear_schedule(1.0, final_fraction, rest)}[decay]
  shape = (optax.join_schedules([optax.linear_schedule(0.0, 1.0, warmup_steps), tail], [warmup_steps])
           if warmup_steps else tail)
  return lambda step: lrs[jnp.searchsorted(ends, step, side="right")] * shape(step)


def data_config_for(config, stage):
  """config.data with the stage's data_path / batch_size (curriculum.py) where it sets them."""
  data_cfg = config.data.copy_and_resolve_references()
  if stage.data_path:
    data_cfg.path = stage.data_path
  if stage.batch_size:
    data_cfg.batch_size = stage.batch_size
  return data_cfg


def source(stage) -> str:
  return f"{stage.data_path}|{stage.batch_size}"


class StageData:
  """One lazily opened iterator per data source; `position` / `restore` round-trip a checkpoint's."""

  def __init__(self, config, model_kind: str, mesh=None):
    self._config, self._model_kind, self._mesh = config, model_kind, mesh
    self._iterators = {}

  def iterator(self, stage):
    if source(stage) not in self._iterators:
      data_cfg = data_config_for(self._config, stage)
      block, blocks = jax.process_index(), jax.process_count()
      if self._mesh is not None:     # the rows this process's devices hold (sharding.batch_block)
        block, blocks = sharding.batch_block(self._mesh, self._config.sharding, data_cfg.batch_size)
      self._iterators[source(stage)] = pipeline.make_train_iterator(
          data_cfg, model_kind=self._model_kind, seed=self._config.seed, process_index=block,
          process_count=blocks)
    return self._iterators[source(stage)]

  def next_batch(self, stage) -> dict:
    return next(self.iterator(stage))

  def position(self, stage) -> dict:
    """Where `stage`'s source stands now: what a checkpoint stores as its data state."""
    return {"source": source(stage), "state": self.iterator(stage).get_state()}

  def restore(self, position: dict | None, stage) -> None:
    """Continues from a checkpoint's position when it was saved on `stage`'s source (else fresh)."""
    if position and position["source"] == source(stage):
      self.iterator(stage).set_state(position["state"])
