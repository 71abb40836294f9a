"""The curriculum: stage lengths, per-step settings, boundaries and the learning-rate schedule."""
import ml_collections
import numpy as np
import pytest

from eflow_jax.train import curriculum
from eflow_jax.schema.curriculum import stage_config


def kinetics_like(total=100):
  c = ml_collections.ConfigDict()
  c.stage1 = stage_config("sparse", fraction=0.8, drop_ratio=0.75, lr=1e-4)
  c.stage2 = stage_config("dense_mva", fraction=0.2, ratios=dict(fm=0.5, scm=0.25, mva=0.25), lr=2e-5)
  return curriculum.build_stages(c, total)


def test_fractional_stages_tile_the_run_and_switch_at_the_boundary():
  stages = kinetics_like(101)
  assert [(s.start, s.end) for s in stages] == [(0, 81), (81, 101)]   # round(80.8) = 81, rest absorbed
  assert curriculum.stage_at(stages, 80).name == "sparse"
  assert curriculum.stage_at(stages, 81).name == "dense_mva"
  assert curriculum.step_settings(stages, 80) == curriculum.StepSettings(0.75, (("fm", 0.75), ("scm", 0.25)))
  assert curriculum.step_settings(stages, 81) == curriculum.StepSettings(0.0, (("fm", 0.5), ("scm", 0.25), ("mva", 0.25)))
  assert curriculum.boundaries(stages) == [81, 101]


def test_one_dense_step_in_ten():
  c = ml_collections.ConfigDict()
  c.stage1 = stage_config("s", steps=30, drop_ratio=0.75, dense_every=10)
  c.stage2 = stage_config("d", steps=5)
  stages = curriculum.build_stages(c, 35)
  dense = [k for k in range(35) if curriculum.step_settings(stages, k).drop_ratio == 0.0]
  assert dense == [9, 19, 29, 30, 31, 32, 33, 34]


def test_learning_rate_is_piecewise_constant_over_stages():
  stages = kinetics_like(100)
  lr = curriculum.learning_rate_schedule(stages)
  np.testing.assert_allclose([float(lr(k)) for k in (0, 79, 80, 99, 100)], [1e-4, 1e-4, 2e-5, 2e-5, 2e-5])


@pytest.mark.parametrize("decay", ["cosine", "linear"])
def test_warm_up_then_decay_multiplies_the_stage_rates(decay):
  """lr(k) = stage_lr(k) * shape(k): linear warm-up 0 -> 1 over 10 steps, then a decay to 5% at
  step 100, written out here from the closed forms (cosine: a + (1 - a)(1 + cos(pi u)) / 2)."""
  stages, warmup, final = kinetics_like(100), 10, 0.05
  lr = curriculum.learning_rate_schedule(stages, warmup, decay, final)

  def expected(k):
    base = 1e-4 if k < 80 else 2e-5
    if k < warmup:
      return base * k / warmup
    u = min((k - warmup) / (100 - warmup), 1.0)
    shape = (final + (1 - final) * 0.5 * (1 + np.cos(np.pi * u)) if decay == "cosine"
             else 1 - (1 - final) * u)
    return base * shape

  steps = [0, 5, 10, 11, 50, 79, 80, 95, 100]
  np.testing.assert_allclose([float(lr(k)) for k in steps], [expected(k) for k in steps],
                             rtol=1e-5, atol=1e-12)


def test_unknown_decay_is_refused():
  with pytest.raises(ValueError, match="lr_schedule.decay='step'"):
    curriculum.learning_rate_schedule(kinetics_like(100), 0, "step")


@pytest.mark.parametrize("edit,match", [
    (lambda c: c.stage1.ratios.update(fm=0.5), "sum to 1"),
    (lambda c: c.stage1.update(drop_ratio=1.0), "drop_ratio"),
    (lambda c: c.stage1.update(fraction=0.0), "steps > 0 or fraction"),
    (lambda c: c.stage2.update(steps=500), "sum to total_steps"),
    (lambda c: c.stage2.update(dense_every=10), "dense_every"),
    (lambda c: c.stage1.update(lr=0.0), "lr"),
])
def test_impossible_curricula_are_rejected_with_the_field_to_change(edit, match):
  c = ml_collections.ConfigDict()
  c.stage1 = stage_config("sparse", fraction=0.8, drop_ratio=0.75)
  c.stage2 = stage_config("dense", fraction=0.2)
  edit(c)
  with pytest.raises(ValueError, match=match):
    curriculum.build_stages(c, 100)


def test_missing_or_gapped_stages_are_rejected():
  with pytest.raises(ValueError, match="no stages"):
    curriculum.build_stages(ml_collections.ConfigDict(), 10)
  c = ml_collections.ConfigDict()
  c.stage1 = stage_config("a", steps=5)
  c.stage3 = stage_config("b", steps=5)
  with pytest.raises(ValueError, match="without gaps"):
    curriculum.build_stages(c, 10)
