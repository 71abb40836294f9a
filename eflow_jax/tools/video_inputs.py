"""prepare_data's inputs: the list of videos with their captions or class labels (a .jsonl / .csv
list or a Kinetics-style class folder), and one video file decoded, resized and centre-cropped to a
clip in [-1, 1] (the format is documented in eflow_jax/tools/prepare_data.py)."""
import csv
import functools
import json
import math
import numbers
import os
import stat
import sys
import unicodedata

import numpy as np

from eflow_jax import sample_limits
from eflow_jax.blank_text import is_blank
from eflow_jax.tools.folder_layout import (check_no_loose_videos, is_macos_metadata, say_macos_metadata_skipped,
                                          say_other_files_left_out)
from eflow_jax.tools.list_columns import check_list_columns
from eflow_jax.tools.repeated_clips import (check_class_folders_differ, check_no_repeated_clips, video_identities,
                                            warn_videos_in_two_classes)
from eflow_jax.user_paths import expand_home

# What PyAV (FFmpeg) decodes, by the names cameras, phones, broadcasts and editors give them.
VIDEO_EXTS = (".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".gif", ".3gp", ".3g2", ".ts", ".mts",
              ".m2ts", ".flv", ".f4v", ".wmv", ".asf", ".ogv", ".vob", ".mxf", ".dv")
MAX_CLASSES = 2**20     # a class table row per id (models/embeddings.py): more is a mistyped label, not a data set


def check_class_count(what: str, count: int) -> None:
  """Class ids run from 0 to the largest label: a label of 10**30 (a typo, an id column) made
  prepare_data list every id below it until memory ran out, without a word."""
  if count > MAX_CLASSES:
    raise ValueError(f"{what} means {count:,} classes (ids 0 to the largest), more than {MAX_CLASSES:,}: a label "
                     f"that is no class number? Fix it, or give class names.")


def check_clip_memory(frames: int, height: int, width: int) -> None:
  """One clip of float32 pixels must fit in the free RAM: --height=30000 --width=30000 read every
  video, each failing after minutes with a bare MemoryError (or swapping the machine)."""
  needed, available = frames * height * width * 3 * 4, sample_limits.available_memory()
  if available is not None and needed > available:
    raise ValueError(f"--frames={frames} --height={height} --width={width}: a clip of float32 pixels needs "
                     f"{needed / 2**30:.1f} GiB, {available / 2**30:.1f} GiB of RAM is free; ask for smaller clips.")


# prepare_data's text options and their defaults (parse_args).
TEXT_OPTION_DEFAULTS = {"text_length": 512, "text_device": "cpu", "text_dtype": "float32"}


def check_unused_options(args) -> None:
  """prepare_data's options that the rest of the command would ignore, refused in one line: Wan VAE
  options with --autoencoder=identity (the manifest's autoencoder_config named those weights as the
  set's autoencoder), text options without --text_encoder (a class set embeds no text)."""
  given = [f"--{name}" for name in ("vae_weights", "vae_cache_dir", "vae_arch") if getattr(args, name)]
  given += ["--vae_random_init_seed"] if args.vae_random_init_seed >= 0 else []
  if args.autoencoder == "identity" and given:
    raise ValueError(f"{' / '.join(given)} {'apply' if len(given) > 1 else 'applies'} to --autoencoder=wan21, not "
                     f"identity (which stores the pixels as they are): remove {'them' if len(given) > 1 else 'it'}, or "
                     f"use --autoencoder=wan21.")
  given = [f"--{name}={getattr(args, name)}" for name, default in TEXT_OPTION_DEFAULTS.items()
           if getattr(args, name) != default]
  if not args.text_encoder and given:
    raise ValueError(f"{' '.join(given)} {'apply' if len(given) > 1 else 'applies'} to captions embedded with "
                     f"--text_encoder, which is not given: remove {'them' if len(given) > 1 else 'it'}, or give it.")


def read_input(input_path: str, tfds_options: dict | None = None) -> tuple[list[dict], list[str] | None, dict]:
  """(entries, class names or None, where they came from for the manifest: 'source', and 'tfds' for
  a TFDS input) of --input; a TFDS entry carries its own clip reader ('read')."""
  from eflow_jax.tools import tfds_input  # pylint: disable=g-import-not-at-top
  if tfds_input.is_spec(input_path):
    entries, classes, described = tfds_input.read_entries(input_path, **(tfds_options or {}))
    for e in entries:            # a TFDS example holds its frames: they become a clip as a file's would
      e["read"] = functools.partial(array_clip_and_rate, e.pop("frames"))
    return entries, classes, {"source": input_path, "tfds": described}
  if tfds_options and any(tfds_options.values()):
    raise ValueError(f"--tfds_data_dir / --tfds_video apply to --input=tfds:..., not to --input={input_path}.")
  entries, classes = read_entries(input_path)
  return entries, classes, {"source": os.path.abspath(input_path)}


def read_entries(input_path: str) -> tuple[list[dict], list[str] | None]:
  """(entries [{'video', 'caption' | 'label'}], class names or None) from --input."""
  if os.path.isdir(input_path):
    return _folder_entries(input_path)
  if not os.path.exists(input_path):
    raise ValueError(f"--input {input_path!r} does not exist.")
  base = os.path.dirname(os.path.abspath(input_path))
  rows = _read_rows(input_path)
  if not rows:
    raise ValueError(f"{input_path} lists no videos.")
  for where, row in rows:
    _check_row(where, row)
  both = next((w for w, r in rows if {"caption", "label"} <= set(r)), None)
  if both:         # the label was dropped without a word: the set was read as a captioned one
    raise ValueError(f"{both} has both 'caption' and 'label'; a record set is captioned (text) or labelled "
                     f"(classes): keep one of the two in every row.")
  kinds = {("caption" in r) for _, r in rows}
  if len(kinds) != 1 or (kinds == {False} and any("label" not in r for _, r in rows)):
    at, odd = next((w, r) for w, r in rows if ("caption" in r) != ("caption" in rows[0][1]) or
                   not {"caption", "label"} & set(r))
    raise ValueError(f"{input_path}: every row needs 'video' and either all 'caption' or all 'label' ({at} has "
                     f"{', '.join(repr(k) for k in odd)}).")
  check_list_columns(input_path, rows)
  entries, classes = [], None
  # A row's '~/v.mp4' is in the home folder, as in every path flag (user_paths.py), not in './~'.
  if kinds == {True}:
    for _, r in rows:
      entries.append({"video": os.path.join(base, expand_home(r["video"])), "caption": r["caption"]})
  else:
    ids, classes = class_ids(input_path, [r["label"] for _, r in rows])
    for (_, r), i in zip(rows, ids):
      entries.append({"video": os.path.join(base, expand_home(r["video"])), "label": i})
  for (where, row), entry in zip(rows, entries):      # a named pipe would block its reader for ever
    try:
      special = not stat.S_ISREG(os.stat(entry["video"]).st_mode) and not os.path.isdir(entry["video"])
    except OSError:
      special = False                               # missing: reported as a bad video when it is read
    if special:
      raise ValueError(f"{where}: {row['video']} is not a regular file (a named pipe, a device); list video files.")
  identities = video_identities([e["video"] for e in entries])      # hashed once for both checks
  check_no_repeated_clips(rows, entries, identities=identities)
  if kinds == {False}:           # one video listed under two labels: said, as for two class folders
    warn_videos_in_two_classes(entries, classes or {e["label"]: str(e["label"]) for e in entries}, identities)
  return entries, classes


def _folder_entries(input_path: str) -> tuple[list[dict], list[str]]:
  """A class folder's videos. A video that is a symbolic link to nothing (or to itself) is listed,
  so that it is reported and skipped as unreadable like any other bad video, not silently left out.
  Class folders named by numbers are those class ids, as the same labels in a .jsonl / .csv are."""
  listed = sorted(os.listdir(input_path))
  metadata = [os.path.join(input_path, d) for d in listed if is_macos_metadata(d)]
  classes = [d for d in listed if os.path.isdir(os.path.join(input_path, d)) and not d.startswith(".")
             and not is_macos_metadata(d)]
  if not classes:
    raise ValueError(f"{input_path}: a folder input needs one sub-folder of videos per class.")
  check_no_loose_videos(input_path, VIDEO_EXTS)
  check_names_differ(input_path, classes)
  check_class_folders_differ(input_path, classes)
  ids, names = folder_class_ids(input_path, classes)
  entries, others = [], []
  for label, name in zip(ids, classes):
    folder = os.path.join(input_path, name)
    check_no_nested_videos(folder)
    for f in sorted(os.listdir(folder)):
      path = os.path.join(folder, f)
      if is_macos_metadata(f):
        metadata.append(path)
      elif f.lower().endswith(VIDEO_EXTS) and (os.path.isfile(path) or os.path.islink(path)):
        entries.append({"video": path, "label": label})
      elif os.path.isfile(path) and not f.startswith("."):
        others.append(os.path.relpath(path, input_path))
  if not entries:
    raise ValueError(f"{input_path}: none of its {len(classes)} class folders holds a video file "
                     f"({', '.join(VIDEO_EXTS)}).")
  say_macos_metadata_skipped(input_path, [os.path.relpath(m, input_path) for m in metadata])
  say_other_files_left_out(input_path, others)
  # A link or a copy of a video in its own class folder: the same clip twice, as in a list.
  identities = video_identities([e["video"] for e in entries])      # hashed once for both checks
  check_no_repeated_clips([(e["video"], {"video": e["video"], "label": names[e["label"]]}) for e in entries], entries,
                          listed=False, identities=identities)
  warn_videos_in_two_classes(entries, names, identities)
  return entries, names


def folder_class_ids(input_path: str, classes: list[str]) -> tuple[list[int], list[str]]:
  """(id per class folder, class names by id). Folders '0', '1', '2', '10' were numbered in sorted
  text order ('10' was class 2) while a list's label "10" is class 10: numbers are the ids, as in
  class_ids, and two folders of one number ('2', '02') are refused."""
  numbers_ = [int(name) if name.isascii() and name.isdigit() else None for name in classes]
  if None in numbers_:
    return list(range(len(classes))), classes
  for n in set(numbers_):
    same = [name for name, m in zip(classes, numbers_) if m == n]
    if len(same) > 1:
      raise ValueError(f"{input_path}: class folders {', '.join(repr(x) for x in same)} are all class {n}; "
                       f"merge them or rename one (folders named by numbers are those class ids).")
  check_class_count(f"{input_path}: class folder {max(numbers_)}", max(numbers_) + 1)
  by_number = dict(zip(numbers_, classes))     # a number without a folder is an empty class, named by it
  return numbers_, [by_number.get(i, str(i)) for i in range(max(numbers_) + 1)]


def check_no_nested_videos(folder: str) -> None:
  """A class folder's videos are its own files (<folder>/<class>/<video>): videos in a sub-folder of
  it were left out without a word. Refused, naming the sub-folder."""
  for sub in sorted(os.listdir(folder)):
    path = os.path.join(folder, sub)
    if sub.startswith(".") or is_macos_metadata(sub) or not os.path.isdir(path):
      continue
    videos = sum(f.lower().endswith(VIDEO_EXTS) and not is_macos_metadata(f) for _, _, files in os.walk(path)
                 for f in files)
    if videos:
      raise ValueError(f"{path} holds {videos} video(s) in a sub-folder of a class folder, which is not read "
                       f"(<input>/<class name>/<video>): move them up into {os.path.basename(folder)!r}, or "
                       f"make a class folder of their own.")


def recorded_rate(rates: list) -> float | None:
  """The frame rate the manifest records for samples to play at: the clips' median. Clips of 8 and
  30 fps were recorded as 19 fps, a rate none of them has, without a word: a warning names them."""
  if not rates:
    return None
  low, high = min(rates), max(rates)
  if high > low * 1.05:              # 29.97 against 30, a GIF's 8.33 against 8: one rate
    print(f"prepare_data: warning: the videos' frame rates differ ({low:g} to {high:g} fps): a clip of the same "
          f"frames spans {high / low:.3g}x more time in some; the manifest records their median, "
          f"{float(np.median(rates)):.4g} fps, for samples to play at. Resample them to one rate (ffmpeg -r) or "
          f"prepare each rate apart.", file=sys.stderr, flush=True)
  return round(float(np.median(rates)), 3)


def _read_rows(input_path: str) -> list[tuple[str, object]]:
  """[(where, row)] of a .jsonl (non-empty lines) or .csv list; a byte-order mark (as editors on
  Windows write) is skipped, text that is not UTF-8 is one line naming the file."""
  rows: list[tuple[str, object]] = []
  try:
    if input_path.endswith(".jsonl"):
      with open(input_path, encoding="utf-8-sig") as f:
        for n, line in enumerate(f, 1):
          if line.strip():
            try:
              rows.append((f"{input_path}:{n}", json.loads(line, object_pairs_hook=_one_value_per_key)))
            except json.JSONDecodeError as e:
              raise ValueError(f"{input_path}:{n}: not JSON ({e.msg}).") from None
            except KeyError as e:
              raise ValueError(f"{input_path}:{n}: {e.args[0]}; keep one.") from None
    elif input_path.endswith(".csv"):
      with open(input_path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        twice = sorted({k for k in reader.fieldnames or () if list(reader.fieldnames).count(k) > 1})
        if twice:                 # DictReader keeps the last column of a name: the first was dropped
          raise ValueError(f"{input_path}: the header names column(s) {', '.join(map(repr, twice))} twice; keep one.")
        rows = [(f"{input_path}: row {n}", r) for n, r in enumerate(reader, 1)]
    else:
      raise ValueError(f"--input {input_path!r}: want a .jsonl / .csv list or a class folder.")
  except UnicodeDecodeError as e:
    raise ValueError(f"{input_path} is not UTF-8 text (byte {e.start}: {e.reason}); save the list as UTF-8."
                     ) from None
  return rows


def _one_value_per_key(pairs):
  """A .jsonl row's object; a key given twice ({"label": "cat", "label": "dog"}) kept the last value
  without a word."""
  keys = [k for k, _ in pairs]
  twice = sorted({k for k in keys if keys.count(k) > 1})
  if twice:
    raise KeyError(f"key(s) {', '.join(map(repr, twice))} given twice in one row")
  return dict(pairs)


def _check_row(where: str, row) -> None:
  """A row is an object whose 'video' is a path, whose 'label', if any, is not blank and whose
  'caption', if any, is text (a caption of null or 5 would otherwise be encoded as the words 'None' or
  '5') and not blank (its clip would silently teach the unconditional case)."""
  if not isinstance(row, dict):
    raise ValueError(f"{where}: {type(row).__name__} {str(row)[:40]!r} is not an object like "
                     f'{{"video": "a.mp4", "caption": "..."}} or {{"video": "a.mp4", "label": 3}}.')
  if "video" not in row:
    raise ValueError(f"{where}: lacks 'video' (it has {', '.join(repr(k) for k in row)}); every row needs 'video' and "
                     f"either 'caption' or 'label'.")
  video = row["video"]
  if not isinstance(video, str) or not video.strip():
    raise ValueError(f"{where}: 'video' is {video!r}; give the video file's path as text.")
  if "://" in video and video.split("://")[0].strip().replace("+", "").replace(".", "").isalnum():   # https://, s3://
    raise ValueError(f"{where}: {video} is a URL; prepare_data reads local files: download the videos, list their paths.")
  if isinstance(row.get("label"), str) and not row["label"].strip():     # a .csv's empty cell was a class named ''
    raise ValueError(f"{where}: 'label' is empty; give every row its class number or name.")
  if "caption" in row and not isinstance(row["caption"], str):
    raise ValueError(f"{where}: 'caption' is {row['caption']!r}, not text; give every caption as a string.")
  if "caption" in row and is_blank(row["caption"]):   # would train as an empty (null-text) or unknown-token clip
    raise ValueError(f"{where}: 'caption' is empty; give every clip its caption, or leave the clip out.")


def class_number(label) -> int | None:
  """A label's class number when it is one: an int, a whole float (2.0) or a string of one ("2",
  " 2.0 ", as a .csv gives every label); None when it is a class name. A fraction is an error."""
  if isinstance(label, bool):
    raise ValueError(f"label {label!r} is a boolean, neither a class number nor a class name")
  if isinstance(label, numbers.Integral):      # exact: float() changed 10**29 into another number
    return int(label)
  if isinstance(label, numbers.Real):
    number = float(label)
  elif isinstance(label, str):
    try:
      number = float(label.strip())
    except ValueError:
      return None
  else:
    raise ValueError(f"label {label!r} is neither a class number nor a class name")
  if not math.isfinite(number) or number != int(number):
    raise ValueError(f"label {label!r} is not a whole number")
  return int(number)


def check_names_differ(where: str, classes: list[str]) -> None:
  """Class names (labels or class folders) that differ only in the spaces around them (a .csv's
  'a.mp4, cat' beside 'b.mp4,cat'), their Unicode form ('café' typed, and copied from a macOS file
  name) or letter case ('cat' and 'Cat' from two people's lists) were two classes of one, without
  a word; which was meant cannot be known."""
  alike: dict[str, list[str]] = {}
  for name in classes:
    alike.setdefault(unicodedata.normalize("NFC", name.strip()).casefold(), []).append(name)
  same = next((names for names in alike.values() if len(names) > 1), None)
  if same:
    raise ValueError(f"{where}: class names {', '.join(ascii(n) for n in same)} differ only in letter case, the "
                     f"spaces around them or their Unicode form: one class or {len(same)}? Write each class's name "
                     f"alike.")


def class_ids(where: str, labels: list) -> tuple[list[int], list[str] | None]:
  """(class id per label, class names or None). All class numbers: the ids are those numbers (2.0
  is class 2); all class names: numbered in sorted order. A mix of the two is refused: which name
  would class 2 be?"""
  numbers_, names = [], []
  for n, label in enumerate(labels, 1):
    try:
      number = class_number(label)
    except ValueError as e:
      raise ValueError(f"{where}: row {n}: {e}; labels are class numbers (0, 1, ...) or class names.") from None
    (names if number is None else numbers_).append((n, label, number))
  if numbers_ and names:
    raise ValueError(f"{where}: labels mix class numbers (row {numbers_[0][0]}: {numbers_[0][1]!r}) and class names "
                     f"(row {names[0][0]}: {names[0][1]!r}); use one kind for every row.")
  if names:
    classes = sorted({str(label) for _, label, _ in names})
    check_names_differ(where, classes)
    return [classes.index(str(label)) for _, label, _ in names], classes
  ids = [number for _, _, number in numbers_]
  if min(ids) < 0:
    raise ValueError(f"{where}: negative class label {min(ids)}.")
  check_class_count(f"{where}: label {max(ids)}", max(ids) + 1)
  return ids, None


def read_clip(path: str, frames: int, height: int, width: int, *, frame_stride: int = 1,
              start_frame: int = 0) -> np.ndarray:
  """A video file -> (frames, height, width, 3) float32 in [-1, 1]; ValueError if unusable."""
  return read_clip_and_rate(path, frames, height, width, frame_stride=frame_stride, start_frame=start_frame)[0]


def read_clip_and_rate(path: str, frames: int, height: int, width: int, *, frame_stride: int = 1,
                       start_frame: int = 0) -> tuple[np.ndarray, float | None]:
  """(read_clip's clip, its frame rate: the stream's average rate / frame_stride, None if unknown)."""
  import av  # pylint: disable=g-import-not-at-top
  need = start_frame + (frames - 1) * frame_stride + 1
  out = []
  try:
    with av.open(path) as container:
      if not container.streams.video:
        raise ValueError("no video stream")
      stream = container.streams.video[0]
      rate = float(stream.average_rate) / frame_stride if stream.average_rate else None
      for i, frame in enumerate(container.decode(stream)):
        if i >= start_frame and (i - start_frame) % frame_stride == 0:
          out.append(frame.to_ndarray(format="rgb24"))
        if i + 1 >= need:
          break
  except ValueError:
    raise
  except Exception as e:  # pylint: disable=broad-except   (PyAV raises many error types)
    if os.path.islink(path) and not os.path.exists(path):
      raise ValueError(f"a symbolic link to {os.readlink(path)}, which does not exist") from None
    raise ValueError(f"unreadable ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''})"
                     ) from None
  return fit_clip(out, frames, height, width, frame_stride=frame_stride, start_frame=start_frame), rate


def array_clip_and_rate(frames_of, frames: int, height: int, width: int, *, frame_stride: int = 1,
                        start_frame: int = 0) -> tuple[np.ndarray, None]:
  """read_clip_and_rate for a stored video: frames_of() gives it, (T, H, W, 1 | 3) uint8; no rate."""
  video = np.asarray(frames_of())
  if video.shape[-1] == 1:                             # grey (moving_mnist): the autoencoders take RGB
    video = np.repeat(video, 3, axis=-1)
  picked = list(video[start_frame::frame_stride][:frames])
  return fit_clip(picked, frames, height, width, frame_stride=frame_stride, start_frame=start_frame), None


def fit_clip(out: list, frames: int, height: int, width: int, *, frame_stride: int, start_frame: int
             ) -> np.ndarray:
  """The picked RGB uint8 frames -> the clip: the first `frames` of them, resized to cover height x
  width (bicubic), centre-cropped, in [-1, 1]; ValueError if there are fewer. Every input (video
  files, TFDS examples) goes through it, so a clip is the same whatever it was stored in."""
  from PIL import Image  # pylint: disable=g-import-not-at-top
  if len(out) < frames:
    raise ValueError(f"too short: {len(out)} usable frames < {frames} (stride {frame_stride}, "
                     f"start {start_frame})")
  out = out[:frames]
  h, w = out[0].shape[:2]
  scale = max(height / h, width / w)
  rh, rw = max(height, round(h * scale)), max(width, round(w * scale))
  top, left = (rh - height) // 2, (rw - width) // 2
  clip = np.stack([np.asarray(Image.fromarray(f).resize((rw, rh), Image.BICUBIC))
                   [top:top + height, left:left + width] for f in out])
  return clip.astype(np.float32) / 127.5 - 1.0
