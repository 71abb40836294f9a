"""One video listed or filed twice for prepare_data (tools/video_inputs.py): the same clip prepared
twice is a copy in the set, seen twice as often, that no count shows; one video by its path, a hard
link to it, or a byte-identical copy."""
import collections
import hashlib
import os
import sys

from eflow_jax.blank_text import visible_text


def check_no_repeated_clips(rows: list[tuple[str, dict]], entries: list[dict], listed: bool = True,
                            identities: list[tuple] | None = None) -> None:
  """A clip listed twice (one video, with the same caption or label) was prepared twice: a copy in
  the set, seen twice as often, that no count shows. One video is one file by its real path, a hard
  link to it, or a byte-identical copy (video_identities). Refused rather than dropped: a repeated row
  is a mistake in the list (lists pasted together, a row meant for another video), and only its
  author knows which row was meant. listed=False: `rows` are a class folder's files. identities:
  video_identities of the entries, when already taken."""
  seen = {}
  identities = identities or video_identities([e["video"] for e in entries])
  for (where, row), entry, video in zip(rows, entries, identities):
    caption = entry.get("caption")
    key = (video, None if caption is None else visible_text(caption), entry.get("label"))
    if key in seen:
      what = f"caption {row['caption']!r}" if "caption" in row else f"label {row['label']!r}"
      raise ValueError(f"{where} {'lists' if listed else 'is'} the same clip as {seen[key]} ({row['video']}, "
                       f"{what}{'' if video[0] == 'path' else ', the same video file or a byte-identical copy'}): it "
                       f"would be prepared twice; remove one of the two{' rows' if listed else ''}.")
    seen[key] = where


def video_identities(paths: list[str]) -> list[tuple]:
  """Which video each path is: its contents' sha256 where another listed file has its size (a hard
  link, a copy under another name), else its real path (a path that cannot be read is reported
  when it is decoded)."""
  sizes = {}
  for path in paths:
    try:
      sizes[path] = os.stat(path).st_size
    except OSError:
      pass
  shared = {size for size, n in collections.Counter(sizes.values()).items() if n > 1}
  out = []
  for path in paths:
    if sizes.get(path) in shared and sizes[path]:      # empty files: reported as unreadable, not as copies
      try:
        with open(path, "rb") as f:
          out.append(("sha256", hashlib.file_digest(f, "sha256").hexdigest()))
        continue
      except OSError:
        pass
    out.append(("path", os.path.realpath(path)))
  return out


def check_class_folders_differ(input_path: str, classes: list[str]) -> None:
  """Two class folders that are one folder (a link to a sibling) would make one set of clips two
  classes: the model would be taught two names for the same videos."""
  seen = {}
  for name in classes:
    real = os.path.realpath(os.path.join(input_path, name))
    if real in seen:
      raise ValueError(f"{input_path}: class folders {seen[real]!r} and {name!r} are one folder ({real}); a class "
                       f"would be another's videos again: remove the link, or merge the classes.")
    seen[real] = name


def warn_videos_in_two_classes(entries: list[dict], names: list[str], identities: list[tuple]) -> None:
  """One video (a link, a copy) in two class folders is kept, as a list may give one video two labels,
  but with one line: it is more often a copy sorted into the wrong folder."""
  first, twice = {}, []
  for entry, video in zip(entries, identities):
    if video in first and first[video]["label"] != entry["label"]:
      twice.append((first[video], entry))
    first.setdefault(video, entry)
  if twice:
    (a, b), more = twice[0], f" (and {len(twice) - 1} more)" if len(twice) > 1 else ""
    print(f"warning: {a['video']} (class {names[a['label']]!r}) and {b['video']} (class {names[b['label']]!r}) are "
          f"the same video{more}: it is prepared under both labels.", file=sys.stderr, flush=True)
