"""What a sampling request may ask for, checked before anything compiles: the guidance scale
against the range the run was trained on, the number of sampler steps, and the memory the clips
will take. `--mode=sample` (train/evaluate.py) and the Pipeline (pipeline.py) call the same
functions, so both refuse or warn alike, in one line.
"""
from __future__ import annotations

import math
import os
import sys

# The largest number of sampler steps: DDPM's 1000-step discretisation (Ho et al. 2020) is the finest
# any flow or diffusion sampler uses; the paper's samplers take 1-8 (docs/method.md §6) and the FM
# baselines 40-50 (configs/ablations/table2.py, table4.py). 10**9 steps would only build a time grid
# of gigabytes and never finish.
MAX_SAMPLE_STEPS = 1000
# A guidance scale more than this many times the largest one the run knows (flow.w_max, the
# configured flow.w_inf, or the unguided 1) is refused: for Alg. 2 / chain / one-step it is the
# network's input w, trained on U(w_min, w_max) and the unguided value only (docs/method.md §3), and
# its sinusoidal embedding (models/embeddings.py) has no meaningful value that far out; for euler_cfg
# it multiplies the class direction v_c - v_u by that much. Either way the clips are noise.
GUIDANCE_HEADROOM = 10.0
# Bytes held per decoded pixel value: float32 frames from the decoder, their uint8 copy and the
# uint8 grid video_io writes; per latent value: the float32 noise, state and output of the sampler.
BYTES_PER_PIXEL_VALUE = 4 + 1 + 1
BYTES_PER_LATENT_VALUE = 3 * 4
# The share of the free memory a compiled sampler's buffers may take (the rest: decoding, the
# process's own arrays, the allocator's slack).
WORKING_MEMORY_SHARE = 0.9
# The share of the free memory an advised clip count is sized to: a quarter kept for what does not
# grow with the clips, since the advice is a linear guess from one size.
ADVICE_SHARE = 0.75
_warned = set()          # the (range, value) pairs already warned about: one line each, once


def trained_guidance(flow) -> tuple[float, float]:
  """The interval of guidance inputs training saw: U(w_min, w_max) and the unguided value
  (flow.unguided_w, the path-dropped passes' input; docs/method.md §3)."""
  return (min(float(flow.w_min), float(flow.unguided_w)), max(float(flow.w_max), float(flow.unguided_w)))


def guidance_limit(flow) -> float:
  """The largest guidance accepted (see GUIDANCE_HEADROOM)."""
  return GUIDANCE_HEADROOM * max(float(flow.w_max), float(flow.w_inf), 1.0)


def check_guidance(name: str, guidance, flow, sampler: str | None = None) -> None:
  """Refuses (ValueError, one line) a guidance beyond `guidance_limit`; warns once on stderr (one
  line) when the network's guidance input lies outside the trained interval. euler_cfg's scale is
  not a network input (the network sees flow.unguided_w), so only the limit applies to it."""
  if guidance is None:
    return
  limit = guidance_limit(flow)
  lo, hi = trained_guidance(flow)
  if guidance > limit:
    raise ValueError(f"{name}={guidance:g} is more than {GUIDANCE_HEADROOM:g}x the largest guidance this run knows "
                     f"(trained on {lo:g}..{hi:g}, configured {float(flow.w_inf):g}): the clips would be noise; "
                     f"use at most {limit:g}.")
  if (sampler or flow.sampler) != "euler_cfg" and not lo <= guidance <= hi and (lo, hi, guidance) not in _warned:
    _warned.add((lo, hi, guidance))
    print(f"warning: {name}={guidance:g} is outside the guidance range the model was trained on ({lo:g}..{hi:g}, "
          f"flow.w_min..flow.w_max and the unguided flow.unguided_w): the samples extrapolate.",
          file=sys.stderr, flush=True)


def check_steps(name: str, steps) -> None:
  """A number of sampler steps above MAX_SAMPLE_STEPS is refused (one line; the type and the
  lower bound are cli_checks.check_integer's)."""
  if steps is not None and steps > MAX_SAMPLE_STEPS:
    raise ValueError(f"{name}={steps} is more sampler steps than any sampler uses (at most {MAX_SAMPLE_STEPS}; "
                     f"this model samples in 1-8, the FM baselines in 40-50).")


def check_one_step(name: str, steps, sampler) -> None:
  """The one-step sampler is f(x, 1, 0) (docs/method.md §6) and reads no step count: a request for N
  steps was sampled in one and written, named and reported as an N-step sample."""
  if sampler == "one_step" and steps is not None and steps != 1:
    raise ValueError(f"{name}={steps} with the one_step sampler, which takes one step (f(x, 1, 0)); drop {name}, "
                     f"or use the alg2 or chain sampler for {steps} steps.")


def steps_taken(sampler: str, steps: int) -> int:
  """The network steps `sampler` takes when asked for `steps`: one for one_step, else `steps`
  (what a sample's name, an eval report and a model card state)."""
  return 1 if sampler == "one_step" else int(steps)


def sampler_settings(flow, sampler: str | None = None) -> dict:
  """The flow settings besides the sampler, its steps and guidance that change the clips it draws
  (flow/sampling.py): the time shift of a multi-step sampler, the unguided input of euler_cfg."""
  sampler = sampler or flow.sampler
  settings = {} if sampler == "one_step" else {"shift": float(flow.inference_shift)}
  if sampler == "euler_cfg":
    settings["unguided_w"] = float(flow.unguided_w)
  return settings


def decoded_clip_shape(config, example_shape, manifest=None) -> tuple[int, int, int, int]:
  """(frames, height, width, channels) of one decoded clip, from the config alone (nothing is built):
  Wan 2.1 decodes 4x in time and 8x in space to RGB; identity keeps the latent shape. Kind 'auto'
  is the record set's autoencoder (its `manifest`, autoencoders.data_kind), identity for Moving MNIST;
  a set whose manifest is not given counts as Wan 2.1 (the larger)."""
  t, h, w, c = (int(n) for n in example_shape)
  kind = str(config.get("autoencoder", {}).get("kind", "auto"))
  if kind == "auto":
    from eflow_jax.autoencoders import data_kind  # pylint: disable=g-import-not-at-top
    kind = "identity" if config.data.source != "array_record" else data_kind(manifest) if manifest else "wan21"
  if kind == "identity":
    return t, h, w, c
  from eflow_jax.autoencoders import wan_vae  # pylint: disable=g-import-not-at-top
  vae = wan_vae.WanVAEConfig()
  return 1 + (t - 1) * vae.temporal_stride, h * vae.spatial_stride, w * vae.spatial_stride, vae.in_channels


def pixel_values_per_clip(config, example_shape, manifest=None) -> int:
  """The decoded size of one clip (`decoded_clip_shape`'s product)."""
  return math.prod(decoded_clip_shape(config, example_shape, manifest))


def check_sample_mode(what: str, num_clips: int, config, example_shape, manifest=None, setting=None) -> None:
  """A grid's clips against the free RAM (`check_memory`) and the grid against MP4's limit (--mode=sample's;
  training's, `setting` naming the config field of its clip count)."""
  check_memory(what, num_clips, config, example_shape, manifest=manifest, setting=setting)
  check_grid(what, num_clips, config, example_shape, manifest, setting=setting)


def _ask_for(fit: int, setting: str | None) -> str:
  """The advice on a clip count: the config field that sets it, else fewer clips per call."""
  return f"set --config.{setting} to at most {fit}" if setting else f"ask for at most {fit} clips per call"


def check_grid(what: str, num_clips: int, config, example_shape, manifest=None, setting=None) -> None:
  """--mode=sample writes every clip into one grid, one MP4 frame: libx264 refuses a side longer than
  video_io.MP4_MAX_SIDE, and 4000 clips in 10 columns failed after the whole sampling, in a PyAV
  traceback. Refused first (ValueError, one line) with the count that fits."""
  from eflow_jax import video_io  # pylint: disable=g-import-not-at-top
  _, h, w, _ = decoded_clip_shape(config, example_shape, manifest)
  columns = config.get("sample_columns")
  size = lambda n: video_io.grid_size(n, h, w, columns)
  if max(size(num_clips)) <= video_io.MP4_MAX_SIDE:
    return
  fit, too_many = 1, num_clips                    # the grid grows with the clips: bisect the largest that fits
  while too_many - fit > 1:
    middle = (fit + too_many) // 2
    fit, too_many = (middle, too_many) if max(size(middle)) <= video_io.MP4_MAX_SIDE else (fit, middle)
  height, width = size(num_clips)
  raise ValueError(f"{what}: the grid of {num_clips} clips{f' in {columns} columns' if columns else ''} would be "
                   f"{width}x{height} pixels, more than an MP4 frame may be ({video_io.MP4_MAX_SIDE} a side); "
                   f"{_ask_for(fit, setting)}{', or set another --config.sample_columns' if columns else ''}.")


def available_memory() -> int | None:
  """Bytes of RAM free for new allocations (psutil's 'available' when installed, else the free
  pages of os.sysconf), None where neither is known."""
  try:
    import psutil  # pylint: disable=g-import-not-at-top
    return int(psutil.virtual_memory().available)
  except ImportError:
    pass
  try:
    return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
  except (ValueError, OSError, AttributeError):
    return None


def check_memory(what: str, num_clips: int, config, example_shape, available: int | None = None,
                 manifest=None, setting=None) -> None:
  """Refuses (MemoryError, one line) a request whose clips alone would not fit in the free RAM,
  before anything compiles: `num_clips` (latents + decoded frames + the written grid)."""
  available = available_memory() if available is None else available
  per_clip = (math.prod(int(n) for n in example_shape) * BYTES_PER_LATENT_VALUE +
              pixel_values_per_clip(config, example_shape, manifest) * BYTES_PER_PIXEL_VALUE)
  needed = num_clips * per_clip
  if available is not None and needed > available:
    fit = max(1, available // per_clip)
    raise MemoryError(f"{what}: {num_clips} clips need about {needed / 2**30:.1f} GiB for their latents and frames, "
                      f"{available / 2**30:.1f} GiB of RAM is free; {_ask_for(fit, setting)} (fewer where "
                      f"the network's working memory is large: that is known only once it is compiled).")


def free_device_memory() -> int | None:
  """Bytes free on the first device (its allocator's limit less what is in use, on a GPU), else the
  free RAM (a CPU); None when neither is known."""
  import jax  # pylint: disable=g-import-not-at-top
  try:
    stats = jax.devices()[0].memory_stats() or {}
    if "bytes_limit" in stats:
      return int(stats["bytes_limit"]) - int(stats.get("bytes_in_use", 0))
  except Exception:  # pylint: disable=broad-except   (a backend without memory statistics)
    pass
  return available_memory()


def check_working_memory(what: str, num_clips: int, analysis, free: int | None, setting: str | None = None) -> None:
  """Refuses (MemoryError, one line), once the sampler is compiled and before it runs, a call whose
  program needs more than WORKING_MEMORY_SHARE of the free memory: XLA's buffer assignment
  (`analysis`: temporaries and output, which grow with the clips). check_memory, before compiling,
  counts only the clips: 100000 tiny clips passed it and the sampler's buffers (19 GiB) had the
  process killed by the kernel, with no message. setting: the config field that asked for the clips
  (an evaluation's), named instead of more calls."""
  if analysis is None or not free:
    return
  need = int(analysis.temp_size_in_bytes) + int(analysis.output_size_in_bytes)
  if need <= WORKING_MEMORY_SHARE * free:
    return
  fit = int(ADVICE_SHARE * free * num_clips / need)     # the buffers grow about linearly
  more = (f"set --config.{setting} to about {fit} or fewer" if setting else     # one eval report: one batch
          f"ask for about {fit} clips or fewer per call and sample the rest in other calls with another seed")
  ask = more if fit else "even one clip does not fit: sample on a machine with more memory"
  raise MemoryError(f"{what}: {num_clips} clips at once need about {need / 2**30:.1f} GiB of working memory to sample "
                    f"(the compiled sampler's buffers), {free / 2**30:.1f} GiB is free; {ask}.")


def clips_that_fit(num_clips: int, error: str) -> int | None:
  """After an out-of-memory error of sampling `num_clips` at once: about how many would fit, from the
  allocation the error names (it grows with the clips) and the memory free on the device (the RAM on
  a CPU); None when either is unknown. A rough guide, sized to ADVICE_SHARE of the free memory."""
  import re  # pylint: disable=g-import-not-at-top
  found = re.search(r"allocating (\d+) bytes", error)
  free = free_device_memory()
  if not found or not free:
    return None
  return max(0, int(num_clips * free / int(found.group(1)) * ADVICE_SHARE))
