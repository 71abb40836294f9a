"""Videos (+ captions or class labels) -> latent ArrayRecord shards + manifest.json for training.

  python -m eflow_jax.tools.prepare_data --input=videos.jsonl --output=data/t2v_256p_81f \\
      --frames=81 --height=256 --width=448 --autoencoder=wan21 --vae_weights=/models/Wan2.1/vae \\
      --text_encoder=/models/umt5-xxl --text_length=512 --shard_size=64
  python -m eflow_jax.tools.prepare_data --input=/data/kinetics700/train --output=data/kinetics700_256_29f \\
      --frames=29 --height=256 --width=256 --autoencoder=wan21 --vae_weights=/models/Wan2.1_VAE.pth

Input (--input):
  *.jsonl   one object per line: {"video": path, "caption": str} (text) or {"video": path,
            "label": int | str} (class; string labels are numbered in sorted order); relative
            paths are relative to the list file
  *.csv     the same with a header row: video,caption or video,label
  a folder  class-labelled: <folder>/<class name>/<video files> (Kinetics layout; numbers name ids)
  tfds:NAME[/CONFIG]:SPLIT  a TensorFlow Datasets set already prepared in --tfds_data_dir (never
            downloaded; eflow_jax/tools/tfds_input.py): its video feature (--tfds_video), its
            ClassLabel's classes, or one class (unconditional) when it has none

Per video: decode with PyAV, keep every --frame_stride-th frame from the start (--start_frame),
take the first 1 + 4k = --frames of them, resize so the clip covers height x width (bicubic) and
centre-crop, map to [-1, 1], encode with the autoencoder (latents normalised with its latent
mean / std, recorded in the manifest); captions go through the text encoder (trimmed to their
real tokens, see eflow_jax/text). Unreadable, corrupt or too-short videos are reported (console and
manifest 'skipped') and left out; the run never stops for one bad file.

Reruns: OUTPUT/preparation.json records the inputs (the videos' paths and labels or captions, by digest)
and every option that shapes the records; a rerun with other ones is refused before anything is written;
a finished shard whose video was replaced is encoded again (tools/input_digests.py).

Shards: entry i is in shard i // shard_size; process p of P (--process_index/--process_count,
default JAX's) writes shards s with s % P == p. A shard is done when its sidecar shard-XXXXX.json
exists (written after the .array_record, both via temporary names): a rerun, after Ctrl-C or a
kill, skips it. Whichever process sees every sidecar writes manifest.json (data/records.py) last.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import sys
from typing import Any, Sequence

import numpy as np

from eflow_jax.atomic_io import write_json_atomically
from eflow_jax.user_paths import check_outside_checkpoints, expand_home_flags
from eflow_jax.data import clip_digests, records
from eflow_jax.tools.input_digests import check_other_processes_read_the_same, describe, stale_shards
from eflow_jax.tools.progress_bar import progress_bar
from eflow_jax.tools.preparation_record import (SIDECAR, claimed_output, finished_shard, holds_a_record_set,
                                                preparation_record, sidecars_carry_digests)
from eflow_jax.tools.preparation_processes import this_process
from eflow_jax.tools.video_inputs import (TEXT_OPTION_DEFAULTS, check_class_count, check_clip_memory,
                                          check_unused_options, read_clip_and_rate, read_input, recorded_rate)



# ---- The work. ---------------------------------------------------------------------------------
def _to_dtype(x, name: str) -> np.ndarray:
  x = np.asarray(x, np.float32)
  if name == "bfloat16":
    import ml_dtypes  # pylint: disable=g-import-not-at-top
    return x.astype(ml_dtypes.bfloat16)
  return x.astype(name)


def prepare(*, input_path: str, output: str, frames: int, height: int, width: int,
            autoencoder=None, text_encoder=None, shard_size: int = 64, frame_stride: int = 1,
            start_frame: int = 0, process_index: int | None = None,
            process_count: int | None = None, latent_dtype: str = "float32",
            text_dtype: str = "float32", still_latent: bool = False, num_classes: int = 0,
            extra_manifest: dict | None = None, progress: bool = True, tfds_options: dict | None = None) -> dict:
  """Writes this process's shards (skipping finished ones); returns a report dict:
  {'written': [shard ids], 'skipped_shards': [...], 'bad': [{'video', 'error'}], 'manifest': m|None}.
  autoencoder: an eflow_jax.autoencoders.Autoencoder (default identity, 3 channels);
  text_encoder: an eflow_jax.text.TextEncoder (required for captions); tfds_options: data_dir and
  video_key of a tfds: input."""
  from eflow_jax import autoencoders  # pylint: disable=g-import-not-at-top
  _check_options(input_path, output, frames=frames, height=height, width=width, shard_size=shard_size,
                 frame_stride=frame_stride, start_frame=start_frame, latent_dtype=latent_dtype)
  process_index, process_count = this_process(process_index, process_count)
  ae = autoencoder or autoencoders.IdentityAutoencoder(3)
  latent_shape = ae.latent_shape(frames, height, width)           # shape rule check up front
  entries, classes, origin = read_input(input_path, tfds_options)
  label_kind = _label_kind(input_path, entries, text_encoder, num_classes)
  if label_kind == "class":
    num_classes = _num_classes(entries, classes, num_classes)
    _warn_empty_classes(input_path, entries, classes, num_classes)
  num_shards = (len(entries) + shard_size - 1) // shard_size
  fields = _manifest_fields(ae, label_kind, num_classes, classes, text_encoder, extra_manifest,
                            frames=frames, height=height, width=width, frame_stride=frame_stride,
                            **origin)
  record = preparation_record(input_path, entries, fields, shard_size=shard_size, start_frame=start_frame,
                              latent_dtype=latent_dtype, text_dtype=text_dtype, still_latent=still_latent)
  with claimed_output(output, record, num_shards, shard_size, len(entries), alone=process_count == 1):
    mine = [s for s in range(num_shards) if s % process_count == process_index]
    report: dict[str, Any] = {"written": [], "skipped_shards": [], "bad": [], "manifest": None}
    digested = sidecars_carry_digests(output)
    done = {s: finished_shard(output, s, digests_expected=digested) for s in mine}
    todo = sorted([s for s in mine if done[s] is None] +
                  stale_shards(entries, shard_size, {s: info for s, info in done.items() if info}))
    report["skipped_shards"] = [s for s in mine if s not in todo]
    bar = progress_bar(sum(len(entries[s * shard_size:(s + 1) * shard_size]) for s in todo),
                    f"prepare_data p{process_index}") if progress else None
    clip_options = dict(frames=frames, height=height, width=width, frame_stride=frame_stride,
                        start_frame=start_frame, latent_dtype=latent_dtype, still_latent=still_latent)
    for s in todo:
      chunk = entries[s * shard_size:(s + 1) * shard_size]
      examples, bad, rates, kept = _encode_chunk(chunk, ae, latent_shape, label_kind, clip_options, bar)
      if label_kind == "text" and examples:
        _add_text(examples, text_encoder, text_dtype)
      _write_shard(output, s, examples, bad, [s * shard_size, s * shard_size + len(chunk)], rates, describe(chunk),
                   [s * shard_size + i for i in kept])
      report["written"].append(s)
      report["bad"].extend(bad)
    if bar:
      bar.close()
    same_inputs = functools.partial(check_other_processes_read_the_same, output, entries, shard_size, mine=set(mine))
    report["manifest"] = finalize(output, num_shards, fields, has_still_latent=still_latent, check=same_inputs)
    return report


def _label_kind(input_path: str, entries, text_encoder, num_classes: int) -> str:
  """'text' (captions) or 'class', with the options that kind reads and no option it would ignore."""
  if "caption" not in entries[0]:
    if text_encoder is not None:         # it would be loaded and then read by nothing
      raise labels_without_text(input_path)
    return "class"
  if text_encoder is None:
    raise ValueError("the input has captions: give a text encoder (--text_encoder=LOCAL_T5_DIR).")
  if num_classes:                        # a caption set has no class ids to count
    raise ValueError(f"--num_classes={num_classes} applies to class labels; {input_path} gives captions: remove it.")
  text_encoder.check_captions_kept_apart([e["caption"] for e in entries])
  return "text"


def labels_without_text(input_path: str) -> ValueError:
  return ValueError(f"{input_path} gives class labels, not captions: --text_encoder would embed nothing (a class set "
                    f"holds no text); leave it out, or list the videos with captions to prepare a text set.")


def _check_options(input_path: str, output: str, *, latent_dtype: str, start_frame: int, **sizes) -> None:
  """Before anything is read or written: each size option >= 1 and a clip that fits in RAM, and an --output neither
  a file nor inside a folder --input (a rerun, or the next preparation, would take it for one more class folder)."""
  for name, value in sizes.items():
    if value < 1:
      raise ValueError(f"--{name}={value} must be >= 1.")
  check_clip_memory(sizes["frames"], sizes["height"], sizes["width"])
  if start_frame < 0:
    raise ValueError(f"--start_frame={start_frame} must be >= 0.")
  if latent_dtype not in records.LATENT_DTYPES:
    raise ValueError(f"--latent_dtype={latent_dtype!r}; use one of {records.LATENT_DTYPES}.")
  if os.path.exists(output) and not os.path.isdir(output):
    raise ValueError(f"--output={output} is a file; give the directory to write the record set to.")
  check_outside_checkpoints("--output", output)     # a step folder's pruning would delete the set
  names = sorted(os.listdir(output)) if os.path.isdir(output) else []
  if names and not holds_a_record_set(output, names):
    # A model export or a training run would get shards and a manifest beside its own files.
    raise ValueError(f"--output={output} holds {', '.join(names[:4])}{', ...' if len(names) > 4 else ''} but no record "
                     f"set of prepare_data; give a new or empty directory.")
  if os.path.isdir(input_path):
    source, target = os.path.realpath(input_path), os.path.realpath(output)
    if target == source or target.startswith(source + os.sep):
      raise ValueError(f"--output={output} is inside the class folder --input={input_path}, where it would be read "
                       f"as one more class; write the record set outside it.")


def _num_classes(entries, classes, num_classes: int) -> int:
  """--num_classes, or the number of labels in the input (which it may not be below)."""
  n_cls = len(classes) if classes else max(e["label"] for e in entries) + 1
  check_class_count(f"--num_classes={num_classes}", num_classes)
  if num_classes and num_classes < n_cls:
    raise ValueError(f"--num_classes={num_classes} < the {n_cls} labels in the input.")
  return num_classes or n_cls


def _warn_empty_classes(input_path: str, entries, classes, num_classes: int) -> None:
  """One warning naming the classes with no video (an empty class folder, a label number skipped):
  they keep their ids (so ids match other splits of the same classes) but train nothing."""
  used = {e["label"] for e in entries}
  empty = [i for i in range(num_classes) if i not in used]
  if empty:
    names = [f"{classes[i]!r}" if classes and i < len(classes) else str(i) for i in empty]
    fix = ("remove the empty folder or rename the numbered ones" if os.path.isdir(input_path) else
           "drop those class names or renumber the labels") + " to renumber the classes"
    print(f"prepare_data: warning: {input_path}: class{'es' * (len(empty) > 1)} {', '.join(names[:10])}"
          f"{', ...' if len(names) > 10 else ''} ha{'ve' if len(empty) > 1 else 's'} no video; "
          f"{'they keep their ids' if len(empty) > 1 else 'it keeps its id'} but the model never sees "
          f"{'them' if len(empty) > 1 else 'it'} ({fix}).", file=sys.stderr,
          flush=True)


def _encode_entry(entry, ae, latent_shape, label_kind, *, frames, height, width, frame_stride, start_frame,
                  latent_dtype, still_latent) -> dict:
  """One input video -> (its example: latent, still latent, label or caption; its frame rate); raises if bad."""
  read = entry["read"] if "read" in entry else functools.partial(read_clip_and_rate, entry["video"])
  clip, rate = read(frames, height, width, frame_stride=frame_stride, start_frame=start_frame)
  latent = np.asarray(ae.encode(clip[None]))[0]
  if latent.shape != latent_shape or not np.all(np.isfinite(latent)):
    raise ValueError(f"bad latent {latent.shape} (finite: {np.all(np.isfinite(latent))})")
  ex = {"latent": _to_dtype(latent, latent_dtype)}
  if still_latent:
    held = np.repeat(clip[:1], frames, axis=0)
    ex["still_latent"] = _to_dtype(np.asarray(ae.encode(held[None]))[0], latent_dtype)
  if label_kind == "class":
    ex["label"] = np.int32(entry["label"])
  else:
    ex["caption"] = entry["caption"]
  return ex, rate


def _encode_chunk(chunk, ae, latent_shape, label_kind, clip_options: dict, bar):
  """(examples, bad videos, frame rates, the chunk positions of the examples) of one shard's entries; a
  bad video is reported and skipped."""
  examples, bad, rates, kept = [], [], [], []
  for position, e in enumerate(chunk):
    try:
      example, rate = _encode_entry(e, ae, latent_shape, label_kind, **clip_options)
      examples.append(example)
      kept.append(position)
      rates += [rate] if rate else []
    except Exception as err:  # pylint: disable=broad-except   (never stop for one bad video)
      msg = str(err).splitlines()[0] if str(err) else type(err).__name__
      bad.append({"video": e["video"], "error": msg})
      print(f"\nprepare_data: skipping {e['video']}: {msg}", file=sys.stderr, flush=True)
    if bar:
      bar.update(1)
  return examples, bad, rates, kept


def _add_text(examples: list, text_encoder, text_dtype: str) -> None:
  """The captions' embeddings, trimmed to their real tokens (eflow_jax/text), one batch per shard."""
  emb, mask = text_encoder.encode([ex["caption"] for ex in examples])
  for ex, row in zip(examples, text_encoder.trim(emb, mask)):
    ex["text"] = _to_dtype(row, text_dtype)
    ex["text_mask"] = np.ones((row.shape[0],), np.int32)


def _write_shard(output: str, shard: int, examples: list, bad: list, entry_range: list, rates: list,
                 inputs=(), record_entries=()) -> None:
  """The shard's records, then its sidecar (atomically): a sidecar marks the shard as finished; its
  'inputs' let a rerun notice a video replaced since (tools/input_digests.py), and each record's
  entry and latent digest tell an eval set's clips from the training set's (data/clip_digests.py)."""
  name = records.SHARD_PATTERN.format(shard)
  if examples:
    try:
      records.write_shard(os.path.join(output, name), (records.encode_example(ex) for ex in examples))
    except RuntimeError as e:     # ArrayRecord's own error for a failed write (a full disk): one line
      raise OSError(f"{os.path.join(output, name)}: writing failed ({str(e).splitlines()[0][:160]}); free space and "
                    f"rerun: the finished shards are kept.") from None
  info = {"file": name, "num_examples": len(examples), "bad": bad, "entries": entry_range, "fps": rates,
          "inputs": list(inputs), "record_entries": list(record_entries),
          "latents_sha256": [clip_digests.latent_digest(ex["latent"]) for ex in examples]}
  write_json_atomically(os.path.join(output, SIDECAR.format(shard)), info)


def _manifest_fields(ae, label_kind, num_classes, classes, text_encoder, extra_manifest, **geometry) -> dict:
  """What manifest.json says about the latents, the labels or the text, and where they came from."""
  from eflow_jax import autoencoders  # pylint: disable=g-import-not-at-top
  fields = dict(extra_manifest or {})
  fields.update(label_kind=label_kind, temporal_stride=ae.temporal_stride,
                latent_mean=None if ae.latent_mean is None else ae.latent_mean.tolist(),
                latent_std=None if ae.latent_std is None else ae.latent_std.tolist(),
                autoencoder=ae.name, **geometry)
  fields.setdefault("autoencoder_config", autoencoders.describe(ae))
  if label_kind == "class":
    fields["num_classes"] = num_classes
    if classes:
      fields["class_names"] = classes
  else:
    fields["text_length"] = text_encoder.text_length
    fields["text_encoder"] = getattr(text_encoder, "name", "")
    if getattr(text_encoder, "digest", None):           # which weights embedded the captions (text/encoder_identity.py)
      fields["text_encoder_digest"] = text_encoder.digest
      fields["text_encoder_files"] = getattr(text_encoder, "files", None)     # names a file a copy lacks
  return fields


def finalize(output: str, num_shards: int, fields: dict, *, has_still_latent: bool, check=None) -> dict | None:
  """Writes manifest.json when every shard's sidecar exists, after `check(sidecars)`; returns it (None if not yet)."""
  infos = [finished_shard(output, s, read_records=False) for s in range(num_shards)]
  if any(i is None for i in infos):
    return None
  if check:
    check(infos)
  shards = [{"file": i["file"], "num_examples": i["num_examples"]} for i in infos if i["num_examples"]]
  if not shards:      # the reasons again: a rerun reuses the finished shards and prints none above
    bad = [f"{b['video']}: {b['error']}" for i in infos for b in i.get("bad", [])]
    raise ValueError(f"{output}: no video could be prepared, all {len(bad)} were skipped ({'; '.join(bad[:2])}"
                     f"{'; ...' * (len(bad) > 2)}); fix them or the options and run again (into this --output too: it "
                     f"holds no clip, and a rerun with other options starts it afresh).")
  from array_record.python.array_record_module import ArrayRecordReader  # pylint: disable=g-import-not-at-top
  reader = ArrayRecordReader(os.path.join(output, shards[0]["file"]))
  first = records.decode_example(reader.read([0])[0])
  reader.close()
  manifest = records.make_manifest(first, fields)
  rates = [r for i in infos for r in i.get("fps", [])]
  manifest.update(num_examples=sum(s["num_examples"] for s in shards), shards=shards,
                  has_still_latent=bool(has_still_latent),
                  skipped=[b for i in infos for b in i["bad"]],
                  fps=recorded_rate(rates))   # samples play at it
  records.write_manifest(output, manifest)
  return manifest


# ---- Command line. -----------------------------------------------------------------------------
def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
  p = argparse.ArgumentParser(prog="python -m eflow_jax.tools.prepare_data", description=__doc__.split("\n\n")[0],
                              allow_abbrev=False)   # `--out ~/x` would pass user_paths by as another flag
  p.add_argument("--input", required=True, help=".jsonl / .csv list, a class folder, or tfds:NAME[/CONFIG]:SPLIT")
  p.add_argument("--tfds_data_dir", default="", help="where the tfds: set is prepared (default: TFDS's)")
  p.add_argument("--tfds_video", default="", help="the tfds: set's video feature (default: picked)")
  p.add_argument("--output", required=True, help="record directory (config data.path)")
  p.add_argument("--frames", type=int, required=True, help="1 + 4k for the Wan VAE")
  p.add_argument("--height", type=int, required=True)
  p.add_argument("--width", type=int, required=True)
  p.add_argument("--frame_stride", type=int, default=1)
  p.add_argument("--start_frame", type=int, default=0)
  p.add_argument("--autoencoder", default="wan21", choices=["wan21", "identity"])
  p.add_argument("--vae_weights", default="", help="diffusers dir / .safetensors / .pth / Orbax")
  p.add_argument("--vae_cache_dir", default="", help="converted weights cached here (Orbax)")
  p.add_argument("--vae_arch", default="", help="JSON diffusers config overrides")
  p.add_argument("--vae_random_init_seed", type=int, default=-1, help="tests only")
  p.add_argument("--vae_max_batch", type=int, default=1)
  p.add_argument("--text_encoder", default="", help="local T5/UMT5 directory (captions)")
  p.add_argument("--text_length", type=int, default=TEXT_OPTION_DEFAULTS["text_length"])
  p.add_argument("--text_device", default=TEXT_OPTION_DEFAULTS["text_device"])
  p.add_argument("--text_dtype", default=TEXT_OPTION_DEFAULTS["text_dtype"], choices=["float32", "float16", "bfloat16"])
  p.add_argument("--shard_size", type=int, default=64)
  p.add_argument("--latent_dtype", default="float32", choices=list(records.LATENT_DTYPES))
  p.add_argument("--still_latent", action="store_true", help="also encode the first frame held")
  p.add_argument("--num_classes", type=int, default=0)
  p.add_argument("--process_index", type=int, default=None)
  p.add_argument("--process_count", type=int, default=None)
  p.add_argument("--no_progress", action="store_true")
  return p.parse_args(expand_home_flags(sys.argv[1:] if argv is None else argv, (
      "input", "output", "tfds_data_dir", "vae_weights", "vae_cache_dir", "text_encoder")))


def main(argv: Sequence[str] | None = None) -> int:
  args = parse_args(argv)
  from eflow_jax import autoencoders, text  # pylint: disable=g-import-not-at-top
  from eflow_jax.cli_checks import start_jax_backend  # pylint: disable=g-import-not-at-top
  try:
    start_jax_backend(os.environ)
    check_unused_options(args)
    arch = json.loads(args.vae_arch) if args.vae_arch else {}
    if args.autoencoder == "wan21":                  # shape rule first: building a VAE is slow
      from eflow_jax.autoencoders import wan_vae  # pylint: disable=g-import-not-at-top
      vcfg = wan_vae.WanVAEConfig.from_dict(arch)
      st, ss = vcfg.temporal_stride, vcfg.spatial_stride
      if (args.frames - 1) % st or args.height % ss or args.width % ss:
        raise ValueError(f"wan21: video {args.frames}x{args.height}x{args.width} must have "
                         f"1 + {st}k frames and sides that are multiples of {ss}.")
    ae = autoencoders.build(args.autoencoder, channels=3, weights=args.vae_weights,
                            cache_dir=args.vae_cache_dir, arch=arch,
                            random_init_seed=args.vae_random_init_seed,
                            max_batch=args.vae_max_batch)
    extra = {"autoencoder_config": autoencoders.describe(
        ae, weights=os.path.abspath(args.vae_weights) if args.vae_weights else "",
        cache_dir=os.path.abspath(args.vae_cache_dir) if args.vae_cache_dir else "",
        random_init_seed=args.vae_random_init_seed)}
    if args.text_encoder and os.path.isdir(args.input):     # class folders: said before a large encoder loads
      raise labels_without_text(args.input)
    te = text.build("t5", path=args.text_encoder, text_length=args.text_length,
                    device=args.text_device) if args.text_encoder else None
    report = prepare(input_path=args.input, output=args.output, frames=args.frames,
                     height=args.height, width=args.width, autoencoder=ae, text_encoder=te,
                     shard_size=args.shard_size, frame_stride=args.frame_stride,
                     start_frame=args.start_frame, process_index=args.process_index,
                     process_count=args.process_count, latent_dtype=args.latent_dtype,
                     text_dtype=args.text_dtype, still_latent=args.still_latent,
                     num_classes=args.num_classes, extra_manifest=extra, progress=not args.no_progress,
                     tfds_options={"data_dir": args.tfds_data_dir, "video_key": args.tfds_video})
  except (ValueError, OSError, records.RecordsError) as e:    # OSError: another run holds --output
    print(f"prepare_data: error: {e}", file=sys.stderr)
    return 2
  except KeyboardInterrupt:        # Ctrl-C: not a traceback through PyAV; the finished shards stay
    print("prepare_data: interrupted; finished shards are kept: rerun the same command to finish.", file=sys.stderr)
    return 130
  m = report["manifest"]
  print(f"prepare_data: wrote shards {report['written']}, skipped finished shards "
        f"{report['skipped_shards']}, {len(report['bad'])} bad video(s) skipped.")
  if m:
    print(f"prepare_data: {args.output}/manifest.json: {m['num_examples']} examples, latent "
          f"{m['latent_shape']} ({m['label_kind']}).")
  else:
    print("prepare_data: other processes' shards are not finished; the last one writes the manifest.")
  return 0


if __name__ == "__main__":
  sys.exit(main())
