"""The run config schema (eflow_jax/schema): shipped configs resolve to their committed values, load
without JAX, write each field once, read in at most two files, and the model's knobs are declared once."""
import collections
import dataclasses
import json
import os
import subprocess
import sys

import ml_collections
import pytest

if __name__ == "__main__":               # run as a script (below): the repository's package
  sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from eflow_jax import schema  # noqa: E402
from eflow_jax.schema import options as options_lib  # noqa: E402

SNAPSHOT = os.path.join(os.path.dirname(__file__), "snapshots", "shipped_configs.json")
# Every shipped config and option set, resolved before the schema existed (tests/snapshots/).
SHIPPED = json.load(open(SNAPSHOT))
DEAD_FIELDS = {"flow.ratio_fm", "flow.ratio_scm", "flow.ratio_mva"}   # the stage's split is the one used
# flow.objective: the name of the objective the flow fields spell out; mesh.*context: the new axis;
# eval.metrics_dir: the metric caches' folder ("" = where they were, <workdir>/metrics).
NEW_FIELDS = {"flow.objective", "mesh.context", "mesh.dcn_context", "eval.metrics_dir"}


def flat(tree: dict, prefix: str = "") -> dict:
  out = {}
  for key, value in tree.items():
    out.update(flat(value, f"{prefix}{key}.") if isinstance(value, dict) else {prefix + key: value})
  return out


def renamed(field: str) -> str:
  """A stage's split was three fields (curriculum.stageN.ratio_fm ...); it is now a mapping."""
  stage, dot, name = field.rpartition(".ratio_")
  return f"{stage}.ratios.{name}" if dot and stage.startswith("curriculum.stage") else field


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_config_resolves_to_its_committed_values(name):
  got = {k: v for k, v in flat(json.loads(schema.load_config(name).to_json())).items() if k not in NEW_FIELDS}
  want = {renamed(k): v for k, v in flat(SHIPPED[name]).items() if k not in DEAD_FIELDS}
  assert got == want


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_a_shipped_configs_objective_agrees_with_its_flow_fields(name):
  schema.validate_flow_config(schema.load_config(name).flow)


def test_a_field_that_contradicts_the_named_objective_is_a_one_line_error():
  flow = schema.flow_config(objective="sfm")
  flow.guidance_target = "pdg"
  with pytest.raises(ValueError, match="flow.objective='sfm' sets flow.guidance_target='cfg'") as error:
    schema.validate_flow_config(flow)
  assert "\n" not in str(error.value)
  flow.objective = "pdg_sfm"
  schema.validate_flow_config(flow)


def test_every_shipped_config_file_is_in_the_snapshot():
  files = {name.partition(":")[0] for name in SHIPPED}
  for root in ("configs", "configs/ablations"):
    for file in os.listdir(root):
      if file.endswith(".py") and file != "common.py":
        assert os.path.join(root, file) in files, file


def test_loading_every_shipped_config_leaves_jax_unimported():
  code = ("import json, sys; from eflow_jax import schema\n"
          f"for name in json.load(open({SNAPSHOT!r})): schema.load_config(name)\n"
          "heavy = sorted(m for m in ('jax', 'flax', 'optax', 'orbax', 'tensorflow') if m in sys.modules)\n"
          "print(json.dumps(heavy))")
  out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
  assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def traced_assignments(name: str) -> collections.Counter:
  """(config object, field) -> how many times it was assigned while `name` loaded."""
  counts, keep = collections.Counter(), []
  original = ml_collections.ConfigDict.__setitem__

  def traced(self, key, value):
    keep.append(self)                      # ids stay unique while the config loads
    counts[(id(self), key)] += 1
    return original(self, key, value)

  ml_collections.ConfigDict.__setitem__ = traced
  try:
    schema.load_config(name)
  finally:
    ml_collections.ConfigDict.__setitem__ = original
  return counts


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_no_field_is_assigned_twice_while_a_shipped_config_loads(name):
  twice = [key for (_, key), n in traced_assignments(name).items() if n > 1]
  assert not twice


def test_the_assignment_tracer_sees_an_overwrite(tmp_path):
  path = tmp_path / "flips.py"
  path.write_text("from eflow_jax import schema\n\n\ndef get_config(arg=None):\n"
                  "  config = schema.flow_config(guidance_target='cfg')\n"
                  "  config.guidance_target = 'pdg'\n  return config\n")
  twice = [key for (_, key), n in traced_assignments(str(path)).items() if n > 1]
  assert twice == ["guidance_target"]


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_a_rows_recipe_reads_in_at_most_two_files(name, monkeypatch):
  opened = []
  original = options_lib.load_module
  monkeypatch.setattr(options_lib, "load_module", lambda path: opened.append(os.path.abspath(path)) or original(path))
  schema.load_config(name)
  assert len(set(opened)) <= 2, opened


def test_model_knobs_are_declared_once():
  """VideoDiT's own fields and its one SparseSpec's fields split the schema's knobs between them,
  none on both sides, each with the schema's default."""
  from eflow_jax.models.attention import SparseSpec
  from eflow_jax.models.video_dit import VideoDiT
  # context_mesh is the trainer's runtime mesh (models/context_parallel.py), not a config knob.
  fields = {f.name: f.default for f in dataclasses.fields(VideoDiT)
            if f.name not in ("parent", "name", "context_mesh")}
  assert fields.pop("sparse") == SparseSpec()
  sparse = {f.name: f.default for f in dataclasses.fields(SparseSpec)}
  assert not set(fields) & set(sparse)
  assert sparse == schema.model.SPARSE_DEFAULTS
  fields["dtype"] = fields["dtype"].__name__ if hasattr(fields["dtype"], "__name__") else str(fields["dtype"])
  assert {**fields, **sparse} == schema.model.MODEL_DEFAULTS


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_the_network_holds_the_configs_sparse_knobs(name):
  """Every shipped config's model.sla_* / vsa_* values reach the network's SparseSpec, field by field."""
  from eflow_jax.models.video_dit import VideoDiT
  model_config = schema.load_config(name).model
  sparse = VideoDiT.from_config(model_config).sparse
  for knob in schema.model.SPARSE_DEFAULTS:
    want = model_config[knob]
    assert getattr(sparse, knob) == (tuple(want) if isinstance(want, (list, tuple)) else want), knob


def test_model_defaults_are_paper_eflow_b():
  """Tab. 5, EFlow-B: 2 / 10 / 2 blocks, width 768, FFN 3072, 12 heads, softmax every 6, window 4."""
  d = schema.model.MODEL_DEFAULTS
  assert (d["encoder_blocks"], d["middle_blocks"], d["decoder_blocks"]) == (2, 10, 2)
  assert (d["hidden"], d["mlp_hidden"], d["num_heads"], d["softmax_every"], d["window_frames"]) == (
      768, 3072, 12, 6, 4)


@pytest.mark.parametrize("build, field", [
    (lambda: schema.flow_config(guidance_targte="cfg"), "flow: unknown field guidance_targte"),
    (lambda: schema.data_config(batchsize=4), "data: unknown field batchsize"),
    (lambda: schema.model_config("B", num_classes=10, hiden=8), "model: unknown field hiden"),
    (lambda: schema.mesh_config(dp=2), "mesh: unknown field dp"),
    (lambda: schema.run_config(model_size="tiny", model=dict(num_classes=10), video=(8, 32, 32, 1),
                               total_steps=10, stages=[dict(name="s", fraction=1.0)], ema=0.9),
     "config: unknown field ema"),
    (lambda: schema.run_config(model_size="tiny", model=dict(num_classes=10), video=(8, 32, 32, 1),
                               total_steps=10, stages=[dict(name="s", fraction=1.0)], optimizer=dict(beta2=0.9)),
     "optimizer: unknown field beta2"),
])
def test_a_misspelt_field_is_a_one_line_error(build, field):
  with pytest.raises(ValueError, match=field) as error:
    build()
  assert "\n" not in str(error.value)


def test_flow_has_no_batch_split():
  assert not [k for k in schema.flow_config() if k.startswith("ratio_")]


@pytest.mark.parametrize("objective, fields, split", [
    # Paper Tab. 2 / Tab. 4 and SoFlow's imagenet.yaml: the target, its label-drop rules, the split.
    ("fm", dict(guidance_target="none"), {"fm": 1.0}),
    ("sfm", dict(guidance_target="cfg", p_drop=0.2, guidance_decay_time=0.8), {"fm": 0.75, "scm": 0.25}),
    ("pdg_sfm", dict(guidance_target="pdg"), {"fm": 0.75, "scm": 0.25}),
    ("soflow", dict(guidance_target="cfg", p_drop=0.1, path_drop_mode="bernoulli", scm_label_drop=0.1,
                    guidance_decay_time=0.8), {"fm": 0.75, "scm": 0.25}),
    ("eflow", dict(guidance_target="pdg", velocity_mix=0.25), {"fm": 0.75, "scm": 0.25}),
])
def test_named_objectives_set_the_papers_fields(objective, fields, split):
  flow = schema.flow_config(objective=objective)
  assert {k: flow[k] for k in fields} == fields and flow.objective == objective
  assert schema.objective_split(objective) == split
  if objective != "fm":
    assert schema.objective_split(objective, mva=True) == {"fm": 0.5, "scm": 0.25, "mva": 0.25}


def test_runlocal_keeps_the_recipe_and_shrinks_the_model_and_data():
  full = schema.load_config("configs/t2v_256p.py")
  local = schema.load_config("configs/t2v_256p.py:runlocal")
  assert local.model.hidden == 64 and local.data.source == "moving_mnist" and local.total_steps == 300
  fractions = [local.curriculum[f"stage{i}"].fraction for i in (1, 2, 3)]
  steps = [full.curriculum[f"stage{i}"].steps for i in (1, 2, 3)]
  assert fractions == pytest.approx([s / full.total_steps for s in steps])
  assert local.flow == full.flow and local.lr_schedule == full.lr_schedule


if __name__ == "__main__":
  # After a deliberate recipe change: `python tests/test_schema.py [configs/new.py:option ...]`
  # rewrites the snapshot (its entries, plus any named), to be reviewed as a diff.
  names = sorted(set(SHIPPED) | set(sys.argv[1:]))
  resolved = {name: json.loads(schema.load_config(name).to_json()) for name in names}
  with open(SNAPSHOT, "w") as f:
    json.dump(resolved, f, indent=1, sort_keys=True)
  print(f"wrote {len(resolved)} configs to {SNAPSHOT}")
