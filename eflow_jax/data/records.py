"""ArrayRecord shards of latents + labels / text embeddings: THE on-disk training format.

This module is the one definition of the format; the data-preparation tool writes it with
`write_records` (or `write_shard` + `write_manifest` when it writes shards in parallel / resumably)
and `pipeline.py` reads it with grain's `ArrayRecordDataSource` (no TensorFlow anywhere).

Directory layout (`data.path`):
  manifest.json                  written LAST (atomically): its presence means the set is complete
  shard-00000.array_record       ArrayRecord files, written with options "group_size:1" (fast
  shard-00001.array_record       random access); read in the order `manifest["shards"]` lists them
  ...

manifest.json (FORMAT_VERSION = 1):
  format          "eflow_jax.latent_records"
  version         1
  num_examples    total records over all shards
  shards          [{"file": "shard-00000.array_record", "num_examples": 128}, ...]
  latent_shape    [T, H, W, C] of every record's 'latent' (the model input; frames x spatial x ch)
  latent_dtype    numpy dtype name of the stored latents: float32 | float16 | bfloat16
  label_kind      "class" | "text"
  num_classes     int (label_kind class)
  text_dim        int, text_length int (label_kind text; max tokens, records may store fewer)
  text_dtype      dtype name of the stored text embeddings (label_kind text)
  latent_mean     per-channel list or null: stats ALREADY applied, latent = (z - mean) / std;
  latent_std      the sampler inverts them before decoding (null = latents stored raw)
  temporal_stride autoencoder frames-per-latent-frame (1 for per-frame/pixel encoders; Wan: 4)
  has_still_latent true when every record carries 'still_latent' (for data.still_video_ratio)
  ...             any other fields the writer passes (autoencoder name, fps, resolution, source)

One record = one example, serialized with `flax.serialization.msgpack_serialize` of a flat dict
(numpy arrays keep dtype and shape exactly; decode with `decode_example`):
  'latent'      (T, H, W, C) array, dtype latent_dtype
  'label'       int32 scalar                          (class)
  'text'        (n, text_dim) array, n <= text_length (text; the reader pads to text_length)
  'text_mask'   (n,) int32, 1 = real token            (text)
  'caption'     str, optional (kept for sample names / metrics; never sent to the device)
  'still_latent' (T, H, W, C), optional: the encoding of the clip's first frame held still
Readers reject (one-line RecordsError naming the shard file and the record's index in it) any record
that breaks this: wrong keys, shape or dtype, a label outside [0, num_classes), NaN / Inf values.
"""
from __future__ import annotations

import json
import os
from typing import Any, Iterable, Mapping

import numpy as np
from flax import serialization

from eflow_jax.atomic_io import replaced_on_success, write_json_atomically

FORMAT = "eflow_jax.latent_records"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SHARD_PATTERN = "shard-{:05d}.array_record"
WRITER_OPTIONS = "group_size:1"
LABEL_KINDS = ("class", "text")
LATENT_DTYPES = ("float32", "float16", "bfloat16")
_KEYS = {"class": ("latent", "label"), "text": ("latent", "text", "text_mask")}
_OPTIONAL = ("caption", "still_latent")


class RecordsError(ValueError):
  """A missing or inconsistent record set; the message is one line naming what to fix."""


# ------------------------------------------------------------------------------------------------
# One example <-> bytes.
# ------------------------------------------------------------------------------------------------
def encode_example(example: Mapping[str, Any]) -> bytes:
  out = {}
  for key, value in example.items():
    if key == "caption":
      out[key] = str(value)
    elif key == "label":
      out[key] = np.asarray(value, np.int32)
    elif key == "text_mask":
      out[key] = np.asarray(value, np.int32)
    else:
      out[key] = np.asarray(value)
  return serialization.msgpack_serialize(out)


def decode_example(data: bytes) -> dict[str, Any]:
  return serialization.msgpack_restore(data)


# The exponent bits of the 16-bit floats, all set for Inf / NaN only: testing them is ~10x faster
# than numpy's isfinite (or a float32 cast) on float16 / bfloat16 arrays.
_EXPONENT_BITS = {"float16": 0x7C00, "bfloat16": 0x7F80}


def _check_finite(where: str, name: str, value: np.ndarray) -> None:
  bits = _EXPONENT_BITS.get(value.dtype.name)
  if bits:
    bad = np.count_nonzero((value.view(np.uint16) & bits) == bits)
  else:
    bad = value.size - np.count_nonzero(np.isfinite(value))
  if bad:
    raise RecordsError(f"{where}: {name} holds {bad} non-finite values (NaN/Inf).")


def _check_example(ex: Mapping[str, Any], m: Mapping[str, Any], where: str) -> None:
  """The one rule for a record's contents, used by the writer and by every read (`to_model_example`).

  `where` names the example in the message ("example 3", ".../shard-00001.array_record record 17").
  """
  if not isinstance(ex, Mapping):
    raise RecordsError(f"{where}: a {type(ex).__name__}, not a dict of arrays (not this format).")
  kind = m["label_kind"]
  required = _KEYS[kind] + (("still_latent",) if m.get("has_still_latent") else ())
  missing = [k for k in required if k not in ex]
  extra = [k for k in ex if k not in _KEYS[kind] + _OPTIONAL]
  if missing or extra:
    raise RecordsError(f"{where}: keys missing {missing} / unexpected {extra} for "
                       f"label_kind={kind!r}.")
  want = f"{tuple(m['latent_shape'])} {m['latent_dtype']} (manifest latent_shape, latent_dtype)"
  for name in ("latent", "still_latent"):
    if name in ex:
      value = np.asarray(ex[name])
      if list(value.shape) != list(m["latent_shape"]) or value.dtype.name != m["latent_dtype"]:
        raise RecordsError(f"{where}: {name} {value.shape} {value.dtype.name} != {want}.")
      _check_finite(where, name, value)
  if kind == "class":
    label = np.asarray(ex["label"])
    if label.shape or label.dtype.kind not in "iu":
      raise RecordsError(f"{where}: label {label.tolist()!r} ({label.dtype.name}) is not an integer "
                         "scalar.")
    if not 0 <= int(label) < m["num_classes"]:
      raise RecordsError(f"{where}: label {int(label)} outside [0, num_classes={m['num_classes']}).")
  else:
    text, mask = np.asarray(ex["text"]), np.asarray(ex["text_mask"])
    if (text.ndim != 2 or text.shape[1] != m["text_dim"] or text.shape[0] > m["text_length"]
        or mask.shape != text.shape[:1]):
      raise RecordsError(f"{where}: text {text.shape} / text_mask {mask.shape} do not fit "
                         f"(n <= text_length={m['text_length']}, text_dim={m['text_dim']}).")
    if text.dtype.name != m.get("text_dtype", text.dtype.name):
      raise RecordsError(f"{where}: text dtype {text.dtype.name} != manifest text_dtype "
                         f"{m['text_dtype']}.")
    _check_finite(where, "text", text)


# ------------------------------------------------------------------------------------------------
# Writing.
# ------------------------------------------------------------------------------------------------
def write_shard(filename: str, encoded: Iterable[bytes]) -> int:
  """Writes serialized examples to one ArrayRecord file (via a temporary name); returns count."""
  from array_record.python.array_record_module import ArrayRecordWriter  # pylint: disable=g-import-not-at-top
  count = 0
  with replaced_on_success(filename) as tmp:
    writer = ArrayRecordWriter(tmp, WRITER_OPTIONS)
    try:
      for data in encoded:
        writer.write(data)
        count += 1
    finally:
      writer.close()
  return count


def make_manifest(first_example: Mapping[str, Any], manifest_fields: Mapping[str, Any]) -> dict:
  """Manifest fields inferred from the first example, completed and checked against the given."""
  m = dict(manifest_fields)
  kind = m.get("label_kind")
  if kind not in LABEL_KINDS:
    raise RecordsError(f"manifest_fields['label_kind']={kind!r}; use one of {LABEL_KINDS}.")
  latent = np.asarray(first_example["latent"])
  m.setdefault("latent_shape", list(latent.shape))
  m.setdefault("latent_dtype", latent.dtype.name)
  m["latent_shape"] = [int(s) for s in m["latent_shape"]]
  if m["latent_dtype"] not in LATENT_DTYPES:
    raise RecordsError(f"latent dtype {m['latent_dtype']!r} unsupported; use one of "
                       f"{LATENT_DTYPES}.")
  if kind == "class" and int(m.get("num_classes", 0)) < 1:
    raise RecordsError("manifest_fields['num_classes'] must be >= 1 for label_kind='class'.")
  if kind == "text":
    text = np.asarray(first_example["text"])
    m.setdefault("text_dim", int(text.shape[-1]))
    m.setdefault("text_dtype", text.dtype.name)
    if int(m.get("text_length", 0)) < 1:
      raise RecordsError("manifest_fields['text_length'] (max tokens) is required for "
                         "label_kind='text'.")
  m.setdefault("latent_mean", None)
  m.setdefault("latent_std", None)
  m.setdefault("temporal_stride", 1)
  m.update(format=FORMAT, version=FORMAT_VERSION)
  return m


def write_manifest(path: str, manifest: Mapping[str, Any]) -> None:
  """Writes manifest.json atomically (temporary name, then rename): the set's completion mark. One
  already there with the same contents is left as it is: a finished set may be on a read-only disk."""
  target = os.path.join(path, MANIFEST)
  try:
    with open(target) as f:
      if json.load(f) == json.loads(json.dumps(dict(manifest))):
        return
  except (OSError, ValueError):         # none yet, or unreadable: written below
    pass
  write_json_atomically(target, dict(manifest), sort_keys=True)


def write_records(path: str, examples_iter: Iterable[Mapping[str, Any]],
                  manifest_fields: Mapping[str, Any], shard_size: int = 1024) -> dict:
  """Writes `examples_iter` as shards of `shard_size` records plus manifest.json; returns it.

  manifest_fields: at least label_kind, and num_classes (class) or text_length (text); latent
  shape/dtype and text_dim are inferred from the first example; anything else is kept verbatim.
  Every example is checked (`_check_example`: keys, shapes and dtypes against the first, label
  range, finite values), as the reader checks every record it decodes (`to_model_example`).
  """
  if shard_size < 1:
    raise RecordsError(f"shard_size={shard_size} must be >= 1.")
  os.makedirs(path, exist_ok=True)
  if os.path.exists(os.path.join(path, MANIFEST)):
    os.remove(os.path.join(path, MANIFEST))      # an incomplete rewrite must not look complete
  manifest, shards, buffer, n_still, total = None, [], [], 0, 0

  def flush():
    name = SHARD_PATTERN.format(len(shards))
    shards.append({"file": name, "num_examples": write_shard(os.path.join(path, name), buffer)})
    buffer.clear()

  for i, ex in enumerate(examples_iter):
    if manifest is None:
      manifest = make_manifest(ex, manifest_fields)
    _check_example(ex, manifest, f"example {i}")
    n_still += "still_latent" in ex
    total += 1
    buffer.append(encode_example(ex))
    if len(buffer) == shard_size:
      flush()
  if manifest is None:
    raise RecordsError("write_records got no examples.")
  if buffer:
    flush()
  manifest.update(num_examples=total, shards=shards, has_still_latent=n_still == total)
  write_manifest(path, manifest)
  return manifest


# ------------------------------------------------------------------------------------------------
# Reading.
# ------------------------------------------------------------------------------------------------
def read_manifest(path: str) -> dict:
  """Loads and checks path/manifest.json and that every listed shard exists (one-line errors)."""
  if path and os.path.exists(path) and not os.path.isdir(path):
    raise RecordsError(f"record directory {path!r} is a file (data.path): give the folder that holds "
                       f"{MANIFEST} and the shards.")
  if not path or not os.path.isdir(path):
    raise RecordsError(f"record directory {path!r} does not exist (data.path).")
  mpath = os.path.join(path, MANIFEST)
  if not os.path.exists(mpath):
    raise RecordsError(f"{mpath} is missing: not a finished record set (write_records writes it "
                       "last).")
  try:
    with open(mpath) as f:
      m = json.load(f)
  except (OSError, json.JSONDecodeError) as e:
    raise RecordsError(f"{mpath} is unreadable: {str(e).splitlines()[0]}") from None
  if m.get("format") != FORMAT or m.get("version") != FORMAT_VERSION:
    raise RecordsError(f"{mpath}: format {m.get('format')!r} version {m.get('version')!r}; "
                       f"this reader reads {FORMAT!r} version {FORMAT_VERSION}.")
  if not m.get("shards"):
    raise RecordsError(f"{mpath} lists no shards.")
  missing = [s["file"] for s in m["shards"] if not os.path.exists(os.path.join(path, s["file"]))]
  if missing:
    raise RecordsError(f"{path}: shard files missing: {', '.join(missing[:3])}"
                       f"{' ...' if len(missing) > 3 else ''} ({len(missing)} of "
                       f"{len(m['shards'])}).")
  if sum(s["num_examples"] for s in m["shards"]) != m["num_examples"]:
    raise RecordsError(f"{mpath}: shard counts do not add up to num_examples={m['num_examples']}.")
  if m["num_examples"] < 1:
    raise RecordsError(f"{mpath}: the record set holds no records (num_examples="
                       f"{m['num_examples']}); re-prepare it.")
  if m.get("latent_dtype") not in LATENT_DTYPES:
    raise RecordsError(f"{mpath}: latent_dtype {m.get('latent_dtype')!r} is not one of "
                       f"{LATENT_DTYPES}; re-prepare the records.")
  return m


def check_manifest(m: Mapping[str, Any], data_cfg, model_kind: str, *, path: str = "") -> None:
  """Raises a one-line RecordsError naming the config field that disagrees with the manifest."""
  where = path or data_cfg.path
  if m["label_kind"] != model_kind:
    raise RecordsError(f"{where}: records have label_kind={m['label_kind']!r} but the model is "
                       f"{model_kind!r} (model_kind).")
  if data_cfg.latent_shape and tuple(data_cfg.latent_shape) != tuple(m["latent_shape"]):
    raise RecordsError(f"{where}: latent_shape {tuple(m['latent_shape'])} != "
                       f"data.latent_shape={tuple(data_cfg.latent_shape)}.")
  if model_kind == "class":
    if data_cfg.num_classes and data_cfg.num_classes != m["num_classes"]:
      raise RecordsError(f"{where}: num_classes {m['num_classes']} != "
                         f"data.num_classes={data_cfg.num_classes}.")
  else:
    for name in ("text_dim", "text_length"):
      if data_cfg[name] != m[name]:
        raise RecordsError(f"{where}: {name} {m[name]} != data.{name}={data_cfg[name]}.")
  hold = data_cfg.holdout_examples
  if hold and not data_cfg.eval_path and hold >= m["num_examples"]:    # pipeline.make_train_iterator
    raise RecordsError(f"{where}: data.holdout_examples={hold} leaves none of its {m['num_examples']} records "
                       f"to train on; lower it (or set data.eval_path).")
  if data_cfg.still_video_ratio > 0 and not m.get("has_still_latent") \
      and m.get("temporal_stride", 1) != 1:
    raise RecordsError(f"{where}: data.still_video_ratio={data_cfg.still_video_ratio} needs "
                       "records with 'still_latent' (temporal_stride > 1: a held latent frame "
                       "is not a still clip).")


def check_shards(path: str, manifest: Mapping[str, Any]) -> None:
  """Opens every shard (its index only, no records): a truncated, corrupt or miscounted file is a
  one-line error naming it, not grain's bare RuntimeError (or a silent 0 records) later."""
  for shard in manifest["shards"]:
    check_shard_file(os.path.join(path, shard["file"]), shard["num_examples"], "manifest.json")


def check_shard_file(file: str, num_examples: int, listed_by: str) -> None:
  """One shard: a readable ArrayRecord file (its index) of `num_examples` records, as `listed_by` says
  (RecordsError naming the file otherwise); prepare_data checks a finished shard so before reusing it."""
  from array_record.python.array_record_module import ArrayRecordReader  # pylint: disable=g-import-not-at-top
  if not os.path.exists(file):
    raise RecordsError(f"{file} is missing; {listed_by} lists it as a shard.")
  if not os.path.isfile(file):
    raise RecordsError(f"{file} is not a file (a directory?); {listed_by} lists it as a shard.")
  try:
    reader = ArrayRecordReader(file)
    ok, count = reader.ok(), reader.num_records()   # a file without its footer opens "not ok"
    reader.close()                                  # ... and close() raises a bare RuntimeError
  except (RuntimeError, OSError):
    ok = False
  if not ok:
    raise RecordsError(f"{file}: not a readable ArrayRecord file ({os.path.getsize(file)} bytes: "
                       "truncated or corrupt); re-prepare this shard.")
  if count != num_examples:
    raise RecordsError(f"{file} holds {count} records but {listed_by} says "
                       f"{num_examples}; re-prepare this shard or the manifest.")


class Locator:
  """Record index in the whole set -> "<path>/<shard file> record <index within the shard>"."""

  def __init__(self, path: str, manifest: Mapping[str, Any]):
    self.files = [os.path.join(path, s["file"]) for s in manifest["shards"]]
    self.starts = np.cumsum([0] + [s["num_examples"] for s in manifest["shards"]])

  def __call__(self, index: int) -> str:
    shard = int(np.searchsorted(self.starts, index, side="right")) - 1   # skips empty shards
    return f"{self.files[shard]} record {int(index - self.starts[shard])}"


def data_source(path: str, manifest: Mapping[str, Any]):
  """grain ArrayRecordDataSource over the manifest's shards, in the manifest's order (each shard
  checked first: its record count is the manifest's, which `Locator` relies on)."""
  import grain  # pylint: disable=g-import-not-at-top
  check_shards(path, manifest)
  files = [os.path.join(path, s["file"]) for s in manifest["shards"]]
  return grain.sources.ArrayRecordDataSource(files)


def check_first_records(path: str, manifest: Mapping[str, Any]) -> None:
  """Decodes the first record of every shard: wrong data fails before anything compiles, not at
  step 1 (`to_model_example` checks every record when training reads it)."""
  source, locate = data_source(path, manifest), Locator(path, manifest)
  for start, shard in zip(locate.starts, manifest["shards"]):
    if shard["num_examples"]:
      to_model_example(source[int(start)], manifest, where=locate(start))


def to_model_example(data: bytes, manifest: Mapping[str, Any], *, where: str, still: bool = False,
                     keep_caption: bool = False) -> dict[str, np.ndarray]:
  """Record bytes -> the model's per-example arrays: x float32 (T,H,W,C), y or text/text_mask.

  Every record is checked (`_check_example`; `where` names it): the float32 cast and JAX's clamped
  embedding lookup would otherwise train on integer latents or out-of-range labels silently.
  """
  try:
    ex = decode_example(data)
  except Exception as e:  # pylint: disable=broad-except   (msgpack raises several types)
    raise RecordsError(f"{where}: not an encoded example ({type(e).__name__}).") from None
  _check_example(ex, manifest, where)
  latent = ex["latent"]
  if still:
    latent = ex["still_latent"] if "still_latent" in ex else np.broadcast_to(
        latent[:1], latent.shape)
  out = {"x": np.asarray(latent, np.float32)}
  if manifest["label_kind"] == "class":
    out["y"] = np.int32(ex["label"])
  else:
    length, n = manifest["text_length"], ex["text"].shape[0]
    text = np.zeros((length, manifest["text_dim"]), np.float32)
    text[:n] = ex["text"]
    mask = np.zeros((length,), np.int32)
    mask[:n] = ex["text_mask"]
    out["text"], out["text_mask"] = text, mask
  if keep_caption:
    out["caption"] = ex.get("caption", "")
  return out
