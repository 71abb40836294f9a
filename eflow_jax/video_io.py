"""Writing sample videos: a grid of clips as GIF (Pillow) and MP4 (PyAV, H.264)."""
import fractions
import math
import os

import numpy as np

from eflow_jax.atomic_io import make_parent_folder, replaced_on_success

# The rate of clips with none of their own (Moving MNIST moves its digits one step per frame).
DEFAULT_FPS = 4


def to_uint8(videos) -> np.ndarray:
  """[-1, 1] floats -> uint8, any leading shape; 1-channel clips become grey RGB. uint8 frames (what
  Pipeline returns) are kept as they are: read as [-1, 1] floats they all clipped to white."""
  if np.asarray(videos).dtype == np.uint8:
    v = np.asarray(videos)
    return np.repeat(v, 3, axis=-1) if v.shape[-1] == 1 else v
  v = np.clip((np.asarray(videos, np.float32) + 1.0) * 127.5 + 0.5, 0, 255).astype(np.uint8)
  return np.repeat(v, 3, axis=-1) if v.shape[-1] == 1 else v


def check_finite_clips(videos, what: str) -> None:
  """Clips holding NaN or inf are refused (FloatingPointError, one line) before anything is written:
  `to_uint8` would turn them into black frames that look like a result."""
  bad = int(np.size(videos) - np.count_nonzero(np.isfinite(videos)))
  if bad:
    raise FloatingPointError(f"{what}: {bad} of {np.size(videos)} sample values are not finite (NaN or inf): "
                             f"the weights are damaged or blown up, or the guidance is too large.")


def check_clips(videos, fps, what: str) -> None:
  """What write_videos can write, else one ValueError before any file: (N, T, H, W, C) with C = 1 or 3
  (channels first failed inside PyAV), floats in [-1, 1] or uint8 (0..255 floats were all white), and a
  frame rate > 0 (0 divided by zero in the GIF's frame duration, a negative one failed in PyAV)."""
  shape = np.shape(videos)
  if len(shape) != 5 or shape[-1] not in (1, 3):
    raise ValueError(f"{what}: clips of shape {shape}; give (N, T, H, W, C) with C = 1 or 3.")
  if not (isinstance(fps, (int, float, np.integer, np.floating)) and math.isfinite(fps) and fps > 0):
    raise ValueError(f"{what}: fps={fps!r}; give a frame rate > 0 (e.g. {DEFAULT_FPS}).")
  if looks_like_0_255(videos):
    raise ValueError(f"{what}: values span [{float(np.min(videos)):g}, {float(np.max(videos)):g}] (0..255 frames "
                     f"as floats?); give floats in [-1, 1] (x / 127.5 - 1) or uint8 frames.")


def looks_like_0_255(videos) -> bool:
  """Float clips that never go below 0 and reach well above 1: 0..255 frames, not a model's output
  (which overshoots [-1, 1] a little on both sides and is clipped when written)."""
  v = np.asarray(videos)
  return np.issubdtype(v.dtype, np.floating) and v.size > 0 and float(v.min()) >= 0.0 and float(v.max()) > 1.5


def video_grid(videos, columns: int | None = None, pad: int = 1) -> np.ndarray:
  """(N, T, H, W, C) -> (T, rows * (H + pad), columns * (W + pad), C), row-major; never more columns
  than clips (sample_columns=10 with 3 clips drew 7 empty columns)."""
  n, t, h, w, c = videos.shape
  columns = min(columns or math.ceil(math.sqrt(n)), n)
  rows = math.ceil(n / columns)
  grid = np.zeros((t, rows * (h + pad), columns * (w + pad), c), videos.dtype)
  for i in range(n):
    r, col = divmod(i, columns)
    grid[:, r * (h + pad):r * (h + pad) + h, col * (w + pad):col * (w + pad) + w] = videos[i]
  return grid


# libx264 refuses a frame with a side longer than this (avcodec_open2 fails; 16384 x 340 opens, 16400 x 340
# does not: measured with this package's PyAV).
MP4_MAX_SIDE = 16384


def grid_size(num_clips: int, height: int, width: int, columns: int | None = None) -> tuple[int, int]:
  """(height, width) in pixels of `write_videos`' grid of `num_clips` clips of height x width."""
  columns = min(columns or math.ceil(math.sqrt(num_clips)), num_clips)
  pad, scale = (1 if num_clips > 1 else 0), display_scale(height, width)
  return math.ceil(num_clips / columns) * (height + pad) * scale, columns * (width + pad) * scale


def upscale(frames: np.ndarray, factor: int) -> np.ndarray:
  """Nearest-neighbour upscaling so tiny demo clips are visible and H.264-friendly."""
  return frames.repeat(factor, axis=1).repeat(factor, axis=2) if factor > 1 else frames


# Written into every GIF's comment and every MP4's metadata, with the file's name and frame size: a
# later sample into the same name replaces only a file that carries it (sample_files.py), never a
# user's own picture, a copy of a grid kept under another name, or a grid edited to another size.
WRITER_MARK = "written by eflow_jax"
CLIPS_FOLDER_SUFFIX = "_clips"       # <stem>_clips/: each clip of the sample written as <stem>.gif / .mp4


def writer_mark(path: str, width: int, height: int) -> str:
  """A clip's mark names its sample's folder too: a clip copied into another sample's clips folder
  (a collection of the best ones) is not that sample's to replace."""
  name, folder = os.path.basename(path), os.path.basename(os.path.dirname(os.path.abspath(path)))
  return f"{WRITER_MARK} as {f'{folder}/' if folder.endswith(CLIPS_FOLDER_SUFFIX) else ''}{name}, {width}x{height}"


def carries_writer_mark(path: str) -> bool:
  """Whether the GIF or MP4 at `path` was written here under this name and size (writer_mark); an
  unreadable file was not."""
  try:
    if path.lower().endswith(".gif"):
      from PIL import Image
      with Image.open(path) as image:
        comment = image.info.get("comment")
        comment = comment.decode(errors="replace") if isinstance(comment, bytes) else comment
        return comment == writer_mark(path, *image.size)
    import av
    with av.open(path) as container:
      stream = container.streams.video[0]
      return container.metadata.get("comment") == writer_mark(path, stream.width, stream.height)
  except Exception:  # pylint: disable=broad-except   (PIL and PyAV raise many types for foreign files)
    return False


def write_gif(path: str, frames: np.ndarray, fps: float = DEFAULT_FPS) -> None:
  """Written under a temporary name and renamed (atomic_io.py), as write_mp4: a sample run killed or
  failing mid-file leaves the earlier clip of that name, never a cut-off one that looks like a result."""
  from PIL import Image
  images = [Image.fromarray(f) for f in frames]
  with replaced_on_success(path) as tmp:
    images[0].save(tmp, format="GIF", save_all=True, append_images=images[1:], duration=int(1000 / fps), loop=0,
                   comment=writer_mark(path, *images[0].size))


def write_mp4(path: str, frames: np.ndarray, fps: float = DEFAULT_FPS) -> None:
  import av
  # yuv420p needs even sides: an odd side gets its last row / column once more (cropping it made a
  # 1-pixel side 0 and failed inside PyAV).
  frames = np.pad(frames, ((0, 0), (0, frames.shape[1] % 2), (0, frames.shape[2] % 2), (0, 0)), mode="edge")
  with replaced_on_success(path) as tmp, av.open(tmp, mode="w", format="mp4") as container:
    container.metadata["comment"] = writer_mark(path, frames.shape[2], frames.shape[1])
    stream = container.add_stream("libx264", rate=fractions.Fraction(fps).limit_denominator(1001))
    stream.width, stream.height, stream.pix_fmt = frames.shape[2], frames.shape[1], "yuv420p"
    for frame in frames:
      for packet in stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")):
        container.mux(packet)
    for packet in stream.encode():
      container.mux(packet)


def display_scale(height: int, width: int, target: int = 128, most: int = 4) -> int:
  """How much a clip is enlarged to be seen: tiny clips (the demo's 32 px) up to `most` times,
  clips of `target` px or more not at all (a 480p grid must not be blown up in memory)."""
  return max(1, min(most, target // max(height, width, 1)))


def write_videos(path_stem: str, videos, *, columns: int | None = None, fps: float = DEFAULT_FPS,
                 scale: int | None = None) -> list[str]:
  """Writes `path_stem`.gif and .mp4 of a grid of (N, T, H, W, C) clips in [-1, 1]; returns paths.
  scale: nearest-neighbour enlargement (default: display_scale of one clip)."""
  videos = np.asarray(videos)
  check_finite_clips(videos, f"{path_stem}.gif / .mp4 not written")
  check_clips(videos, fps, f"{path_stem}.gif / .mp4 not written")
  make_parent_folder(path_stem)
  scale = display_scale(*videos.shape[2:4]) if scale is None else scale
  frames = upscale(video_grid(to_uint8(videos), columns, pad=1 if len(videos) > 1 else 0), scale)
  if max(frames.shape[1:3]) > MP4_MAX_SIDE:       # before the GIF: neither file, not one of the two
    raise ValueError(f"{path_stem}.gif / .mp4 not written: the grid of {len(videos)} clips is {frames.shape[2]}x"
                     f"{frames.shape[1]} pixels, more than an MP4 frame may be ({MP4_MAX_SIDE} a side).")
  write_gif(path_stem + ".gif", frames, fps)
  write_mp4(path_stem + ".mp4", frames, fps)
  return [path_stem + ".gif", path_stem + ".mp4"]
