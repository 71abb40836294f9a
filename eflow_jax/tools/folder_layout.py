"""What a class-folder input (<input>/<class name>/<video>) may hold besides its class folders and
their videos: macOS metadata (an archive's __MACOSX/ tree, AppleDouble `._<name>` files that a copy
to a FAT / exFAT disk or a network share adds), never videos although named like them; and videos
loose beside the class folders, which belong to no class."""
import os
import sys

MACOS_ARCHIVE_FOLDER = "__MACOSX"
APPLEDOUBLE_PREFIX = "._"


def first_few(names: list[str]) -> str:
  """'a, b, c and 4 more': the names a one-line message shows."""
  return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def is_macos_metadata(name: str) -> bool:
  """`__MACOSX` (a zip made on a Mac) or `._v0.mp4` (v0.mp4's resource fork and attributes)."""
  return name == MACOS_ARCHIVE_FOLDER or name.startswith(APPLEDOUBLE_PREFIX)


def say_macos_metadata_skipped(input_path: str, names: list[str]) -> None:
  """One line for the metadata left out, so that a set with fewer clips than files says why."""
  if names:
    shown = first_few(names)
    print(f"prepare_data: {input_path}: {len(names)} macOS metadata file(s) / folder(s) left out ({shown}): they "
          f"are not videos.", file=sys.stderr, flush=True)


def say_other_files_left_out(input_path: str, names: list[str]) -> None:
  """One line for the files of a class folder not named as videos (VIDEO_EXTS): a video under a name
  the tool does not know (`.3gp` before it was known) was left out without a word."""
  if names:
    shown = first_few(names)
    print(f"prepare_data: {input_path}: {len(names)} file(s) in the class folders left out, not named as videos "
          f"({shown}); rename a video among them to its format's extension.", file=sys.stderr, flush=True)


def check_no_loose_videos(input_path: str, video_exts: tuple[str, ...]) -> None:
  """A video beside the class folders (dropped next to `dog/` instead of into it) belongs to no
  class and was left out without a word. Refused, naming it."""
  loose = sorted(name for name in os.listdir(input_path)
                 if name.lower().endswith(video_exts) and not is_macos_metadata(name)
                 and not os.path.isdir(os.path.join(input_path, name)))
  if loose:
    shown = first_few(loose)
    raise ValueError(f"{input_path} holds {len(loose)} video(s) beside its class folders ({shown}), which belong "
                     f"to no class: move each into its class folder (<input>/<class name>/<video>).")
