"""ArrayRecord latent shards: exact round trip, manifest checks, holdout, still clips."""
import json
import os

import ml_dtypes
import numpy as np
import pytest

from eflow_jax.data import data_config  # pylint: disable=g-import-not-at-top
from eflow_jax.data import pipeline
from eflow_jax.data import records

SHAPE = (2, 4, 4, 3)


def class_examples(n, dtype=np.float32):
  rng = np.random.default_rng(0)
  return [dict(latent=rng.standard_normal(SHAPE).astype(dtype), label=i % 5) for i in range(n)]


def text_examples(n, dim=6, length=5):
  rng = np.random.default_rng(1)
  out = []
  for i in range(n):
    k = 1 + i % length                                   # variable number of stored tokens
    out.append(dict(latent=rng.standard_normal(SHAPE).astype(ml_dtypes.bfloat16),
                    text=rng.standard_normal((k, dim)).astype(np.float32),
                    text_mask=np.ones(k, np.int32), caption=f"clip {i}"))
  return out


def record_cfg(path, **kw):
  c = data_config()
  c.source, c.path, c.batch_size = "array_record", str(path), 4
  for k, v in kw.items():
    c[k] = v
  return c


def epoch_latents(it, steps):
  batches = [next(it) for _ in range(steps)]
  return np.concatenate([b["x"] for b in batches]), batches


def key(a):
  return np.asarray(a, np.float32).tobytes()


def test_class_records_round_trip_exactly(tmp_path):
  exs = class_examples(12)
  m = records.write_records(tmp_path, exs, dict(label_kind="class", num_classes=5,
                                                autoencoder="identity"), shard_size=5)
  assert [s["num_examples"] for s in m["shards"]] == [5, 5, 2]
  on_disk = json.loads((tmp_path / "manifest.json").read_text())
  assert on_disk["latent_shape"] == list(SHAPE) and on_disk["autoencoder"] == "identity"
  source = records.data_source(str(tmp_path), records.read_manifest(str(tmp_path)))
  for i, ex in enumerate(exs):                               # byte-exact decode, in write order
    got = records.decode_example(source[i])
    np.testing.assert_array_equal(got["latent"], ex["latent"])
    assert got["latent"].dtype == np.float32 and int(got["label"]) == ex["label"]
  # One epoch through the pipeline (3 batches of 4) is a permutation of the 12 examples.
  it = pipeline.make_train_iterator(record_cfg(tmp_path), model_kind="class", seed=0)
  x, batches = epoch_latents(it, 3)
  label_of = {key(e["latent"]): e["label"] for e in exs}
  assert sorted(map(key, x)) == sorted(label_of)
  for b in batches:
    assert [label_of[key(r)] for r in b["x"]] == b["y"].tolist() and b["y"].dtype == np.int32
  x2, _ = epoch_latents(it, 3)                               # the next epoch: reshuffled
  assert sorted(map(key, x2)) == sorted(label_of) and list(map(key, x2)) != list(map(key, x))
  assert pipeline.example_shape(record_cfg(tmp_path)) == SHAPE
  assert pipeline.num_classes(record_cfg(tmp_path)) == 5


def test_text_records_round_trip_with_padding(tmp_path):
  exs = text_examples(8)
  records.write_records(tmp_path, exs, dict(label_kind="text", text_length=5), shard_size=3)
  c = record_cfg(tmp_path, text_dim=6, text_length=5, batch_size=8)
  b = next(pipeline.make_train_iterator(c, model_kind="text", seed=1))
  by_latent = {key(e["latent"]): e for e in exs}
  assert set(b) == {"x", "text", "text_mask"} and b["text"].shape == (8, 5, 6)
  for x, text, mask in zip(b["x"], b["text"], b["text_mask"]):
    ex = by_latent[key(x)]                                   # bf16 -> f32 is exact
    k = len(ex["text_mask"])
    np.testing.assert_array_equal(text[:k], ex["text"])
    assert np.all(text[k:] == 0) and mask.tolist() == [1] * k + [0] * (5 - k)
  e = pipeline.make_eval_batch(c, model_kind="text", seed=0, batch_size=3, with_captions=True)
  for x, cap in zip(e["x"], e["caption"]):
    assert by_latent[key(x)]["caption"] == cap


def test_holdout_is_never_trained_on(tmp_path):
  exs = class_examples(12)
  records.write_records(tmp_path, exs, dict(label_kind="class", num_classes=5), shard_size=4)
  c = record_cfg(tmp_path, holdout_examples=4)
  held = {key(e["latent"]) for e in exs[8:]}
  x, _ = epoch_latents(pipeline.make_train_iterator(c, model_kind="class", seed=0), 6)
  assert not held & set(map(key, x)) and len(set(map(key, x))) == 8
  e = pipeline.make_eval_batch(c, model_kind="class", seed=0, batch_size=4)
  assert set(map(key, e["x"])) == held


def test_still_clips_from_records(tmp_path):
  exs = class_examples(8)
  records.write_records(tmp_path / "a", exs, dict(label_kind="class", num_classes=5))
  x, _ = epoch_latents(pipeline.make_train_iterator(
      record_cfg(tmp_path / "a", still_video_ratio=1.0), model_kind="class", seed=0), 2)
  np.testing.assert_array_equal(x, np.broadcast_to(x[:, :1], x.shape))
  # A temporally compressing autoencoder needs the encoded still clip in the record.
  records.write_records(tmp_path / "b", exs, dict(label_kind="class", num_classes=5,
                                                  temporal_stride=4))
  with pytest.raises(ValueError, match="still_latent"):
    pipeline.make_train_iterator(record_cfg(tmp_path / "b", still_video_ratio=0.5),
                                 model_kind="class", seed=0)
  with_still = [dict(e, still_latent=np.full(SHAPE, i, np.float32)) for i, e in enumerate(exs)]
  records.write_records(tmp_path / "c", with_still, dict(label_kind="class", num_classes=5,
                                                         temporal_stride=4))
  x, _ = epoch_latents(pipeline.make_train_iterator(
      record_cfg(tmp_path / "c", still_video_ratio=1.0), model_kind="class", seed=0), 2)
  assert sorted(float(v[0, 0, 0, 0]) for v in x) == list(range(8))


def test_mismatches_and_missing_files_are_one_line_errors(tmp_path):
  records.write_records(tmp_path / "r", class_examples(6),
                        dict(label_kind="class", num_classes=5), shard_size=2)
  cases = [
      (record_cfg(tmp_path / "r"), "text", "model_kind"),
      (record_cfg(tmp_path / "r", latent_shape=(2, 4, 4, 4)), "class", "data.latent_shape"),
      (record_cfg(tmp_path / "r", num_classes=10), "class", "data.num_classes"),
      (record_cfg(tmp_path / "nowhere"), "class", "does not exist"),
      (record_cfg(""), "class", "data.path"),
  ]
  (tmp_path / "empty").mkdir()
  cases.append((record_cfg(tmp_path / "empty"), "class", "manifest.json is missing"))
  for c, kind, needle in cases:
    with pytest.raises(ValueError, match=needle) as e:
      pipeline.make_train_iterator(c, model_kind=kind, seed=0)
    assert "\n" not in str(e.value), str(e.value)
  os.remove(tmp_path / "r" / "shard-00001.array_record")
  with pytest.raises(ValueError, match="shard files missing: shard-00001") as e:
    pipeline.make_train_iterator(record_cfg(tmp_path / "r"), model_kind="class", seed=0)
  assert "\n" not in str(e.value)


def test_writer_rejects_inconsistent_examples(tmp_path):
  exs = class_examples(3)
  exs[2] = dict(exs[2], latent=np.zeros((2, 4, 4, 4), np.float32))
  with pytest.raises(ValueError, match="example 2: latent"):
    records.write_records(tmp_path, exs, dict(label_kind="class", num_classes=5))
  assert not (tmp_path / "manifest.json").exists()
  with pytest.raises(ValueError, match="label 7 outside"):
    records.write_records(tmp_path, [dict(latent=np.zeros(SHAPE, np.float32), label=7)],
                          dict(label_kind="class", num_classes=5))
