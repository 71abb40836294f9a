"""The evaluation report: every video metric of a set of generated clips, as one JSON-ready dict.

Each number comes with its reference on real clips (classifier FD is relative to real held-out
clips; class accuracy and sharpness are also reported for the real clips), and the protocol
(sample counts, seeds, feature networks) is stored in the same dict, because Fréchet distances
from different sample counts or feature layers are not comparable.
"""
from __future__ import annotations

import time
import warnings

import numpy as np

from eflow_jax.metrics import classifier
from eflow_jax.metrics import frame_judge
from eflow_jax.metrics import fvd
from eflow_jax.metrics import i3d
from eflow_jax.metrics import sharpness


def _mean_sharpness(videos, max_batch: int = 256) -> float:
  videos = np.asarray(videos)
  per_clip = [np.asarray(sharpness.video_sharpness(videos[i:i + max_batch]))
              for i in range(0, len(videos), max_batch)]
  return float(np.mean(np.concatenate(per_clip)))


def check_clips(what: str, videos) -> np.ndarray:
  """`videos` as float clips (N, T, H, W, C) in [-1, 1], C = 1 or 3, else one ValueError naming the fix:
  channels first, uint8 frames (what Pipeline returns) or [0, 255] floats were scored as if they were
  [-1, 1] clips (sharpness 10^4 times too large, features of white frames), non-finite values as numbers."""
  videos = np.asarray(videos)
  if videos.ndim != 5 or videos.shape[-1] not in (1, 3):
    first = " (channels first? np.moveaxis(x, 1, -1))" if videos.ndim == 5 and videos.shape[1] in (1, 3) else ""
    raise ValueError(f"{what} has shape {videos.shape}; give (N, T, H, W, C) with C = 1 or 3{first}.")
  if not np.issubdtype(videos.dtype, np.floating):
    raise ValueError(f"{what} is {videos.dtype} (0..255 frames, as Pipeline returns); the metrics take floats in "
                     f"[-1, 1]: pass x / 127.5 - 1.")
  bad = int(np.size(videos) - np.count_nonzero(np.isfinite(videos)))
  if bad:
    raise ValueError(f"{what}: {bad} of {np.size(videos)} values are not finite (NaN or inf); nothing was scored.")
  low, high = float(videos.min(initial=0.0)), float(videos.max(initial=0.0))
  if low < -1.01 or high > 1.01:
    raise ValueError(f"{what} spans [{low:g}, {high:g}]; the metrics take clips in [-1, 1] (x / 127.5 - 1 for "
                     f"0..255 values; np.clip a decoder's overshoot).")
  return videos


def check_labels(what: str, labels, count: int):
  """Labels must be one per clip: one label broadcast over N clips, or N of another length, failed in
  numpy's broadcasting (IndexError, 'operands could not be broadcast')."""
  if labels is None:
    return None
  labels = np.asarray(labels).reshape(-1)
  if len(labels) != count:
    raise ValueError(f"{what} has {len(labels)} entries for {count} clips; give one label per clip.")
  return labels


def per_class_accuracy(predictions, labels) -> dict:
  """{class: fraction of that class's samples recognised as it}: a mean can hide dead classes."""
  predictions, labels = np.asarray(predictions).reshape(-1), np.asarray(labels).reshape(-1)
  return {str(int(c)): float(np.mean(predictions[labels == c] == c)) for c in np.unique(labels)}


def warn_unit_range(samples, real_videos) -> None:
  """Samples in [0, 1] against real clips that reach -1 were most likely written as [0, 1] images: a
  warning, not an error, because a collapsed model can also produce such samples and is scored."""
  if len(samples) and samples.min() >= 0.0 and len(real_videos) and real_videos.min() < -0.5:
    warnings.warn(f"samples lie in [0, {samples.max():.3g}] while real_videos reach {real_videos.min():.3g}: if the "
                  f"samples are [0, 1] images, pass x * 2 - 1 (the metrics take [-1, 1]).", stacklevel=3)


def evaluate_videos(samples, labels=None, *, real_videos, real_labels=None, classifier_params=None,
                    real_i3d_stats=None, use_i3d: bool = False, protocol: dict | None = None,
                    i3d_max_batch: int = 8, i3d_cache_dir: str | None = None, judge_params=None) -> dict:
  """Metrics of generated `samples` (N, T, H, W, C) in [-1, 1] against held-out `real_videos`.

  labels (N,): the classes the samples were conditioned on (None for text models: no accuracy).
  classifier_params: the Moving MNIST classifier (classifier.load_or_train_classifier); None skips
  classifier_fd / class_accuracy (other data sets). use_i3d: also FVD against real_i3d_stats
  = (mu, sigma) from fvd.reference_statistics (~2 s per sample clip on CPU). i3d_cache_dir: where
  the real clips' I3D features are cached (keyed by the clips' hash; they are the same every eval).
  protocol: what produced the samples (seeds, sampler, steps, guidance...), copied into the report.
  judge_params: the per-frame digit judge (frame_judge.load_or_train_judge); with labels it adds
  "frame_judge" (clips whose frames mostly read as their digit) and the same of the real clips.
  """
  samples, real_videos = check_clips("samples", samples), check_clips("real_videos", real_videos)
  if samples.shape[1:] != real_videos.shape[1:]:
    raise ValueError(f"samples {samples.shape} and real_videos {real_videos.shape} must both be "
                     "(N, T, H, W, C) with the same clip shape.")
  labels = check_labels("labels", labels, len(samples))
  real_labels = check_labels("real_labels", real_labels, len(real_videos))
  warn_unit_range(samples, real_videos)
  report = {"num_samples": int(len(samples)), "num_real_clips": int(len(real_videos)),
            "sharpness": _mean_sharpness(samples), "sharpness_real": _mean_sharpness(real_videos)}
  proto = dict(protocol or {})
  proto.update(clip_shape=list(samples.shape[1:]), num_samples=report["num_samples"],
               num_real_clips=report["num_real_clips"],
               sharpness="mean squared 5-point Laplacian per grayscale frame, averaged")
  if classifier_params is not None:
    report["classifier_fd"] = fvd.fvd_from_features(classifier.features(classifier_params, real_videos),
                                                    classifier.features(classifier_params, samples))
    if labels is not None:
      predictions = classifier.predict(classifier_params, samples)
      report["class_accuracy"] = float(np.mean(predictions == np.asarray(labels).reshape(-1)))
      report["class_accuracy_per_class"] = per_class_accuracy(predictions, labels)
    if real_labels is not None:
      report["class_accuracy_real"] = classifier.accuracy(classifier_params, real_videos, real_labels)
    proto["classifier_features"] = classifier.FEATURES_NAME
  if judge_params is not None and labels is not None:
    report["frame_judge"] = frame_judge.judge_videos(judge_params, samples, labels)
    if real_labels is not None:
      report["frame_judge_real"] = frame_judge.judge_videos(judge_params, real_videos, real_labels)
    proto["frame_judge"] = "a clip counts when more than half of its frames read as its digit"
  if use_i3d:
    if real_i3d_stats is None:
      raise ValueError("use_i3d=True needs real_i3d_stats=(mu, sigma) from fvd.reference_statistics.")
    start = time.time()
    report["fvd"] = fvd.fvd(real_i3d_stats, i3d.i3d_features(samples, max_batch=i3d_max_batch))
    # The floor at this sample count: held-out real clips scored the same way (FVD is biased upward
    # for small N, so a sample FVD reads only against this number).
    real_features = fvd.cached_features(i3d_cache_dir, real_videos, name=f"{i3d.FEATURES_NAME}/{i3d.RESIZE_NAME}",
                                        feature_fn=lambda v: i3d.i3d_features(v, max_batch=i3d_max_batch))
    report["fvd_real"] = fvd.fvd(real_i3d_stats, real_features)
    report["i3d_seconds"] = round(time.time() - start, 1)
    proto.update(fvd_features=i3d.FEATURES_NAME, fvd_resize=i3d.RESIZE_NAME,
                 fvd_frame_repeats=i3d.frame_repeats(samples.shape[1]))
  report["protocol"] = proto
  return report
