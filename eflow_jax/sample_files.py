"""The files `--mode=sample` writes (train/evaluate.py, sample): a grid of every clip as GIF + MP4
under a stem, each clip on its own under `<stem>_clips/`, and for prompted clips `captions.txt`
there, naming each clip's caption. Named so that two different requests never share a name, and
written so that a folder never holds two requests' clips side by side."""
import os
import re
import zlib

from eflow_jax import folder_lock
from eflow_jax import sample_limits
from eflow_jax import video_io
from eflow_jax.atomic_io import make_parent_folder, write_atomically
from eflow_jax.schema.flow import flow_config

# Beside prompted clips: "<clip name>\t<caption>" per clip (runs of whitespace as one space). A
# clip's name holds its caption's place among the prompts (a prompts file's blank lines not counted).
CAPTIONS_FILE = "captions.txt"
# The clip files `sample` writes into <stem>_clips/: index, then class, prompt or caption number.
CLIP_NAME = re.compile(r"^\d{3}_(class|prompt|caption)\d+\.(gif|mp4)$")
CAPTIONS_LINE = re.compile(r"^\d{3}_(prompt|caption)\d+\t")


def check_earlier_sample(stem: str) -> None:
  """Raises ValueError (one line) when STEM.gif or STEM.mp4 is there but was not written by a sampler
  here (video_io.WRITER_MARK), or STEM_clips/ holds what no earlier sample into STEM wrote: a user's
  own file of that name would be written over or removed."""
  foreign = foreign_grid_files(stem)
  if foreign:
    raise ValueError(f"{foreign[0]} is there and is not a sample grid eflow_jax wrote (no writer mark of this name and "
                     f"size, as a copy, an edited grid or one from before the mark has none): it would be written "
                     f"over; choose another --output, or move it.")
  check_earlier_clips(stem + video_io.CLIPS_FOLDER_SUFFIX)


def foreign_grid_files(stem: str) -> list[str]:
  """STEM.gif / STEM.mp4 where one is there that no sampler here wrote (video_io.WRITER_MARK): a user's."""
  return [path for path in (f"{stem}.gif", f"{stem}.mp4")
          if os.path.lexists(path) and not (os.path.isfile(path) and video_io.carries_writer_mark(path))]


def check_earlier_clips(folder: str) -> None:
  """Raises ValueError (one line) when `folder` (<stem>_clips/) holds a file of a clip's name or a
  captions.txt that an earlier sample into this stem did not write: the rerun removes those, and a
  folder of clips the user collected there (copies from other samples: their mark names another
  folder) or made would be emptied."""
  for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
    path = os.path.join(folder, name)
    if CLIP_NAME.match(name) and not (os.path.isfile(path) and video_io.carries_writer_mark(path)):
      what = "a clip of an earlier sample into this --output (no writer mark of this folder, name and size)"
    elif name == CAPTIONS_FILE and not _is_captions_file(path):
      what = "the captions an earlier sample wrote (not one '<clip name><tab><caption>' line per clip)"
    else:
      continue
    raise ValueError(f"{path} is there and is not {what}: it would be removed; choose another --output, or move it.")


def _is_captions_file(path: str) -> bool:
  try:
    with open(path, encoding="utf-8") as f:
      lines = f.read().splitlines()
  except (OSError, ValueError):
    return False
  return bool(lines) and all(CAPTIONS_LINE.match(line) for line in lines)


def write_sample_files(stem: str, videos, names, columns, fps, captions=None) -> list[str]:
  """The earlier grid and clips of `stem` removed, the clips (and their captions) written, the grid
  last: a sampler cut short leaves no grid and fewer clips, never an earlier request's clips beside
  a new grid. A second sampler into the same folder waits for the first (folder_lock.py)."""
  video_io.check_finite_clips(videos, f"{stem}.gif / .mp4 not written")   # before an earlier sample is removed
  video_io.check_clips(videos, fps, f"{stem}.gif / .mp4 not written")
  make_parent_folder(stem)
  clips_folder = stem + video_io.CLIPS_FOLDER_SUFFIX
  captions_path = os.path.join(clips_folder, CAPTIONS_FILE)
  with folder_lock.locked(os.path.dirname(os.path.abspath(stem))):
    check_earlier_sample(stem)
    for path in (f"{stem}.gif", f"{stem}.mp4", captions_path):
      if os.path.isfile(path):
        os.remove(path)
    remove_stale_clips(clips_folder, ())
    try:
      clips = [path for name, video in zip(names, videos)
               for path in video_io.write_videos(os.path.join(clips_folder, name), video[None], fps=fps)]
      if captions is not None:
        write_atomically(captions_path, "".join(f"{name}\t{' '.join(caption.split())}\n"
                                                for name, caption in zip(names, captions)))
        clips.append(captions_path)
      return video_io.write_videos(stem, videos, columns=columns, fps=fps) + clips
    except OSError as e:        # a full disk: which sample, and that what is there is incomplete
      raise OSError(f"{stem}.gif / .mp4: writing the samples failed ({e.strerror or e}); {clips_folder} holds only "
                    f"the clips written before, and no grid: free space and sample again.") from None


def default_sample_name(config, trained: int, *, steps, guidance, seed, sampler, num, class_id, prompts) -> str:
  """--mode=sample's file name without --output: every option that changes the clips is in it (the
  sampler, its steps and guidance, the seed, the clip count, a time shift or unguided input other than
  the default, the class or a digest of the prompts), so two different requests never write over
  each other's clips under one name."""
  flow = config.flow
  sampler = sampler or flow.sampler
  taken = sample_limits.steps_taken(sampler, steps or flow.inference_steps)      # one_step: always 1
  name = (f"sample_step{trained:06d}_{sampler}_n{taken}_"
          f"w{flow.w_inf if guidance is None else guidance:g}_seed{seed}_{num}clips")
  defaults = sample_limits.sampler_settings(flow_config(), sampler)       # in the name only where changed
  for key, value in sample_limits.sampler_settings(flow, sampler).items():
    if value != defaults[key]:
      name += f"_{key.replace('_', '')}{value:g}"
  if class_id is not None:
    name += f"_class{class_id}"
  if prompts is not None:
    name += f"_prompts{zlib.crc32(chr(10).join(prompts).encode('utf-8')):08x}"
  return name


def remove_stale_clips(folder: str, names) -> None:
  """Removes the clips an earlier `sample` wrote into `folder` that this one does not rewrite (a rerun
  with fewer clips or other classes would otherwise leave two requests' clips side by side). Files
  of any other name are left as they are."""
  keep = {f"{name}.{ext}" for name in names for ext in ("gif", "mp4")}
  for entry in os.listdir(folder) if os.path.isdir(folder) else []:
    if CLIP_NAME.match(entry) and entry not in keep:
      os.remove(os.path.join(folder, entry))
