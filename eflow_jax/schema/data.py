"""`config.data`: every field the loaders read, with its default and its check.

`validate_data_config` is the single place that turns a bad combination into a one-line
ValueError naming the field to change. Pipelines call it; the train loop may call it early.
"""
from __future__ import annotations

import types

import ml_collections

from eflow_jax.schema.fields import build

SOURCES = ("moving_mnist", "array_record")
MODEL_KINDS = ("class", "text")


def data_config(**fields) -> ml_collections.ConfigDict:
  """The data config: CPU-sized Moving MNIST defaults (the embedded demo data), then `fields`."""
  c = types.SimpleNamespace()
  c.source = "moving_mnist"      # moving_mnist (built on the fly) | array_record (prepared shards)

  # --- Batching (both sources). ---
  c.batch_size = 16              # GLOBAL batch; each process yields batch_size / process_count
  c.num_threads = 2              # grain ReadOptions.num_threads (threads filling the prefetch buffer)
  c.prefetch = 4                 # grain ReadOptions.prefetch_buffer_size, in batches
  # Joint image-video training, made honest for fixed-shape batches: each example is, with this
  # probability (an independent draw keyed by (seed, stream position)), a STILL video: one frame
  # held for all T frames. Moving MNIST: the digit does not move (a real static clip, caption
  # "standing still"). Records: the record's 'still_latent' (the VAE encoding of the first frame
  # held still, written by the prep tool), or latent frame 0 repeated when the manifest says the
  # autoencoder has temporal_stride 1. The paper's T2V image ratio is 0.1.
  c.still_video_ratio = 0.0

  # --- Moving MNIST geometry (source='moving_mnist'). ---
  c.frames = 8                   # T
  c.size = 32                    # H = W of the canvas
  c.digit_size = 16              # MNIST 28x28 digits are area-resized to this side
  c.num_digits = 1               # digits per video; class = the digits read as a base-10 number
  c.max_speed = 3                # velocity components are integers in [-max_speed, max_speed]
  c.channels = 1                 # C; grayscale is replicated when > 1

  # --- Text conditioning (model_kind='text'): caption encoder size, or the records' text shape. ---
  c.text_dim = 32
  c.text_length = 8              # tokens; padded with zeros and text_mask = 0

  # --- ArrayRecord latents (source='array_record'); format in eflow_jax/data/records.py. ---
  c.path = ""                    # directory with manifest.json and *.array_record shards
  c.eval_path = ""               # held-out shards for make_eval_batch (same format); "" = none
  c.holdout_examples = 0         # else: the last N records of `path` are held out of training
  c.latent_shape = ()            # expected (T, H, W, C) of the records; () = take the manifest's
  c.num_classes = 0              # expected num_classes; 0 = take the source's (MNIST: 10**digits)
  return build("data", vars(c), fields)


def check_record_paths_are_read(cfg) -> None:
  """data.path and data.eval_path are read only from record sets: with a generated source (it draws
  its own clips and held-out split) they were ignored without a word. One-line ValueError."""
  for field in ("path", "eval_path"):
    if cfg.source != "array_record" and cfg.get(field):
      raise ValueError(f"data.{field}={cfg.get(field)!r} is read only with data.source='array_record' "
                       f"(data.source={cfg.source!r} ignores it); unset it or change data.source.")


def validate_data_config(cfg, model_kind: str | None = None) -> None:
  """Raises ValueError (one line, naming the field to change) for an invalid data config."""
  if cfg.source not in SOURCES:
    raise ValueError(f"data.source={cfg.source!r} is unknown; use one of {', '.join(SOURCES)}.")
  check_record_paths_are_read(cfg)
  if model_kind is not None and model_kind not in MODEL_KINDS:
    raise ValueError(f"model_kind={model_kind!r} is unknown; use one of {', '.join(MODEL_KINDS)}.")
  for name in ("batch_size", "text_dim", "text_length"):
    if int(cfg[name]) < 1:
      raise ValueError(f"data.{name}={cfg[name]} must be >= 1.")
  for name in ("num_threads", "prefetch", "holdout_examples", "num_classes"):
    if int(cfg[name]) < 0:
      raise ValueError(f"data.{name}={cfg[name]} must be >= 0.")
  if not 0.0 <= float(cfg.still_video_ratio) <= 1.0:
    raise ValueError(f"data.still_video_ratio={cfg.still_video_ratio} must be in [0, 1].")
  if cfg.source == "moving_mnist":
    for name in ("frames", "size", "digit_size", "num_digits", "channels"):
      if int(cfg[name]) < 1:
        raise ValueError(f"data.{name}={cfg[name]} must be >= 1.")
    if cfg.digit_size > cfg.size:
      raise ValueError(f"data.digit_size={cfg.digit_size} must be <= data.size={cfg.size}.")
    travel = cfg.size - cfg.digit_size
    if not 0 <= cfg.max_speed <= travel or (cfg.max_speed == 0 and cfg.still_video_ratio < 1):
      raise ValueError(f"data.max_speed={cfg.max_speed} must be in [1, size - digit_size = "
                       f"{travel}] (one bounce per frame at most).")
    if cfg.num_digits > 9:
      raise ValueError(f"data.num_digits={cfg.num_digits} must be <= 9 (class = base-10 number).")
    words = 6 * cfg.num_digits + cfg.num_digits - 1      # captions.max_caption_words
    if model_kind == "text" and words > cfg.text_length:
      raise ValueError(f"data.text_length={cfg.text_length} < {words} words of the longest "
                       f"caption with num_digits={cfg.num_digits}; raise data.text_length.")
  elif cfg.source == "array_record" and cfg.eval_path and int(cfg.holdout_examples):
    # pipeline.eval_source reads eval_path and then ignores the holdout: every record would train.
    raise ValueError(f"data.eval_path={cfg.eval_path!r} and data.holdout_examples={cfg.holdout_examples} are both "
                     "set: the holdout would be ignored (all of data.path trains); unset one of them.")
  elif cfg.source == "array_record" and not cfg.path:
    raise ValueError("data.path is empty; set it to a directory of ArrayRecord shards "
                     "(data.source='array_record').")
