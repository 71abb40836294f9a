"""A row's sample still (benchmarks/sweeps/ablation_sweep.py): the first, middle and last frame of its
sample grid side by side, in grey. Rows that share a training differ only in how they sample, so
the training-time GIFs would not show them; a still is small enough to commit beside the report."""
from PIL import Image

GAP_PX = 8


def write_still(gif_path: str, still_path: str) -> None:
  """The first, middle and last frame of the GIF at `gif_path`, GAP_PX apart, saved as a PNG."""
  with Image.open(gif_path) as gif:
    frames = []
    for index in sorted({0, gif.n_frames // 2, gif.n_frames - 1}):
      gif.seek(index)
      frames.append(gif.convert("L"))
  still = Image.new("L", (sum(f.width for f in frames) + GAP_PX * (len(frames) - 1), frames[0].height), 255)
  for i, frame in enumerate(frames):
    still.paste(frame, (i * (frame.width + GAP_PX), 0))
  still.save(still_path, optimize=True)
