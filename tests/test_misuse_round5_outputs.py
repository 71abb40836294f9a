"""A fifth round of misuse, on the outputs side (docs/misuse/round5_outputs.json lists every case tried):
the video metrics used from Python, writing sample videos, --prompts_file, --mode=eval's report, the
Wan VAE's conversion cache and param_count. Each case that scored or wrote the wrong thing without a
word, or failed deep in numpy or PyAV, ends here in one line before any work, or does the right thing.
Nothing is trained: milliseconds to seconds each.
"""
import json
import os
import re

import numpy as np
import pytest

from eflow_jax import cli_checks
from eflow_jax import video_io
from eflow_jax.metrics import fvd
from eflow_jax.metrics import report
from eflow_jax.metrics import sharpness


def _real(n=4):
  """Moving-MNIST-like clips in [-1, 1]: a -1 background with brighter pixels."""
  rng = np.random.default_rng(0)
  return np.clip(rng.normal(-0.8, 0.5, (n, 4, 16, 16, 1)), -1, 1).astype(np.float32)


@pytest.mark.parametrize("samples, message", [
    (((_real() + 1) * 127.5).astype(np.uint8), r"^samples is uint8 \(0\.\.255 frames, as Pipeline returns\); the "
                                               r"metrics take floats in \[-1, 1\]: pass x / 127\.5 - 1\.$"),
    ((_real() + 1) * 127.5, r"^samples spans \[0, \S+\]; the metrics take clips in \[-1, 1\] \(x / 127\.5 - 1 for "
                            r"0\.\.255 values; np\.clip a decoder's overshoot\)\.$"),
    (_real().transpose(0, 4, 1, 2, 3), r"^samples has shape \(4, 1, 4, 16, 16\); give \(N, T, H, W, C\) with C = 1 "
                                       r"or 3 \(channels first\? np\.moveaxis\(x, 1, -1\)\)\.$"),
])
def test_samples_in_the_wrong_units_or_layout_are_refused_before_scoring(samples, message):
  """uint8 frames (Pipeline's output) and 0..255 floats were scored as [-1, 1] clips (sharpness 4e4
  against 2.5 for the same clips), channels-first clips over the wrong axes: numbers, exit 0."""
  with pytest.raises(ValueError, match=message):
    report.evaluate_videos(samples, real_videos=samples if samples.shape[-1] != 1 else _real())


def test_non_finite_samples_are_refused_by_the_metrics():
  """A NaN at a frame's border is outside the Laplacian's interior: the clip was scored as if clean."""
  samples = _real()
  samples[0, 0, 0, 0, 0] = np.nan
  with pytest.raises(ValueError, match=r"^samples: 1 of 4096 values are not finite \(NaN or inf\); nothing was "
                                       r"scored\.$"):
    report.evaluate_videos(samples, real_videos=_real())


def test_samples_in_zero_one_against_real_clips_in_minus_one_one_warn():
  real = _real()
  with pytest.warns(UserWarning, match=r"samples lie in \[0, \S+\] while real_videos reach -1: if the samples are "
                                       r"\[0, 1\] images, pass x \* 2 - 1"):
    report.evaluate_videos((real + 1) / 2, real_videos=real)


@pytest.mark.parametrize("labels", [[3], [3, 4]])
def test_labels_of_another_length_than_the_samples_are_named(labels):
  """One label for 4 clips failed in per_class_accuracy with an IndexError; two with numpy's 'operands
  could not be broadcast'."""
  from eflow_jax.metrics import classifier    # pylint: disable=g-import-not-at-top
  import jax                                   # pylint: disable=g-import-not-at-top
  real = _real()
  params = classifier.VideoClassifier(10).init(jax.random.PRNGKey(0), real[:1])["params"]
  with pytest.raises(ValueError, match=rf"^labels has {len(labels)} entries for 4 clips; give one label per clip\.$"):
    report.evaluate_videos(real, labels=labels, real_videos=real, classifier_params=params)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_frechet_distance_of_non_finite_features_is_one_line(bad):
  """numpy's eigh raised LinAlgError('Eigenvalues did not converge'), naming nothing."""
  a = np.random.default_rng(0).normal(size=(8, 16))
  b = a.copy()
  b[0, 0] = bad
  with pytest.raises(ValueError, match=r"^mu2 holds NaN or inf: the features \(or the clips they came from\) are "
                                       r"not finite\.$"):
    fvd.fvd_from_features(a, b)


def test_sharpness_of_frames_smaller_than_the_stencil_is_refused():
  """A 2x2 frame has no interior pixel: its sharpness was NaN."""
  with pytest.raises(ValueError, match=r"^sharpness needs frames of at least 3x3 pixels"):
    sharpness.video_sharpness(np.zeros((1, 4, 2, 2, 1), np.float32))
  assert float(sharpness.video_sharpness(np.zeros((1, 4, 3, 3, 1), np.float32))[0]) == 0.0


def _clips():
  return np.random.default_rng(0).uniform(-1, 1, (2, 4, 16, 16, 1)).astype(np.float32)


@pytest.mark.parametrize("fps", [0, -4, float("nan"), float("inf")])
def test_a_frame_rate_that_is_not_positive_is_refused_before_any_file(tmp_path, fps):
  """fps=0 raised ZeroDivisionError in the GIF's frame duration, fps=-4 failed inside PyAV."""
  with pytest.raises(ValueError, match=rf"not written: fps={fps!r}; give a frame rate > 0 \(e\.g\. 4\)\.$"):
    video_io.write_videos(str(tmp_path / "s"), _clips(), fps=fps)
  assert os.listdir(tmp_path) == []


def test_uint8_frames_are_written_as_they_are(tmp_path):
  """Pipeline returns uint8 frames; write_videos read them as [-1, 1] floats and wrote all-white clips."""
  from PIL import Image    # pylint: disable=g-import-not-at-top
  frames = video_io.to_uint8(_clips())
  video_io.write_videos(str(tmp_path / "s"), frames, scale=1)
  first = np.asarray(Image.open(tmp_path / "s.gif").convert("RGB"))
  np.testing.assert_array_equal(first[:16, :16], frames[0, 0])
  np.testing.assert_array_equal(video_io.to_uint8(frames), frames)


@pytest.mark.parametrize("videos, message", [
    ((_clips() + 1) * 127.5, r"values span \[\S+, \S+\] \(0\.\.255 frames as floats\?\); give floats in "
                             r"\[-1, 1\] \(x / 127\.5 - 1\) or uint8 frames\.$"),
    (_clips().transpose(0, 4, 1, 2, 3), r"clips of shape \(2, 1, 4, 16, 16\); give \(N, T, H, W, C\) with C = 1 or 3"),
])
def test_clips_in_0_255_floats_or_channels_first_are_refused(tmp_path, videos, message):
  """0..255 floats were clipped to white; channels-first clips failed inside PyAV after the GIF was written."""
  with pytest.raises(ValueError, match=message):
    video_io.write_videos(str(tmp_path / "s"), videos)
  assert os.listdir(tmp_path) == []


def test_a_prompts_file_with_a_byte_order_mark_reads_clean(tmp_path):
  """Windows editors' UTF-8 BOM was kept as the first caption's first character ('\\ufeffdigit 3 ...')."""
  path = tmp_path / "prompts.txt"
  path.write_text("digit 3 moving up\r\n\r\ndigit 4 moving left\r\n", encoding="utf-8-sig")
  assert cli_checks.read_prompts(str(path)) == ["digit 3 moving up", "digit 4 moving left"]


TINY_VAE = dict(base_dim=8, z_dim=4, dim_mult=[1, 2, 2, 2], num_res_blocks=1, temperal_downsample=[False, True, True])


def _diffusers_names(params) -> dict:
  """Flax params -> the diffusers state dict wan_convert.diffusers_to_params maps back (its module
  docstring's name mapping, inverted), so a VAE 'checkpoint' can be written without torch."""
  from eflow_jax.autoencoders import wan_convert    # pylint: disable=g-import-not-at-top
  import jax                                         # pylint: disable=g-import-not-at-top
  out = {}
  for path, leaf in jax.tree_util.tree_leaves_with_path(params):
    *names, leaf_name = [p.key for p in path]
    if len(names) >= 2 and names[-1] == "conv" and names[-2] in wan_convert._CONV3D:   # pylint: disable=protected-access
      names = names[:-1]
    if len(names) >= 2 and names[1] == "head":
      names = [names[0], *names[2:]]
    tokens = []
    for name in names:
      flat = re.fullmatch(r"up_blocks_(\d+)_([a-z]+)_(\d+)", name)
      indexed = re.fullmatch(r"(.*?)_(\d+)", name)
      tokens += (["up_blocks", *flat.groups()] if flat else ["resample", "1"] if name == "resample"
                 else list(indexed.groups()) if indexed else [name])
    value = np.asarray(leaf)
    if leaf_name == "kernel":
      value, leaf_name = value.transpose(4, 3, 0, 1, 2) if value.ndim == 5 else value.transpose(3, 2, 0, 1), "weight"
    out[".".join([*tokens, leaf_name])] = np.ascontiguousarray(value)     # safetensors writes the buffer as laid out
  return out


def _vae_weights(folder, seed):
  """A tiny Wan VAE as a diffusers folder (config.json + safetensors); returns (path, its params)."""
  from safetensors.numpy import save_file    # pylint: disable=g-import-not-at-top
  from eflow_jax.autoencoders import wan_vae    # pylint: disable=g-import-not-at-top
  params = wan_vae.init_params(wan_vae.WanVAEConfig.from_dict(TINY_VAE), seed)
  os.makedirs(folder)
  (folder / "config.json").write_text(json.dumps(TINY_VAE))
  save_file(_diffusers_names(params), str(folder / "diffusion_pytorch_model.safetensors"))
  return str(folder), params


def test_a_vae_cache_converted_from_other_weights_is_refused(tmp_path):
  """The cache was read before the weights: autoencoder.weights=B (or a path that does not exist) got the
  VAE converted from A, and its latents decoded with the wrong model, exit 0."""
  from eflow_jax.autoencoders import wan_convert    # pylint: disable=g-import-not-at-top
  a, params_a = _vae_weights(tmp_path / "wan_a", 0)
  b, _ = _vae_weights(tmp_path / "wan_b", 1)
  cache = str(tmp_path / "cache")
  wan_convert.load_wan_vae(a, cache_dir=cache)                        # converts A, caches it
  for other in (b, str(tmp_path / "nothere.safetensors")):
    with pytest.raises(ValueError, match=rf"^autoencoder\.cache_dir={cache} holds the conversion of {a}, not of "
                                         rf"autoencoder\.weights={other}; delete the cache or point cache_dir "
                                         rf"elsewhere\.$"):
      wan_convert.load_wan_vae(other, cache_dir=cache)
  cached, _ = wan_convert.load_wan_vae(a, cache_dir=cache)            # its own source: read from the cache
  np.testing.assert_array_equal(np.asarray(cached["encoder"]["conv_in"]["conv"]["kernel"]),
                                np.asarray(params_a["encoder"]["conv_in"]["conv"]["kernel"]))


def test_a_vae_cache_of_another_architecture_is_refused(tmp_path):
  """autoencoder.arch was ignored once a cache existed: the cached VAE was returned whatever it asked."""
  from eflow_jax.autoencoders import wan_convert    # pylint: disable=g-import-not-at-top
  a, _ = _vae_weights(tmp_path / "wan_a", 0)
  cache = str(tmp_path / "cache")
  wan_convert.load_wan_vae(a, cache_dir=cache)
  with pytest.raises(ValueError, match=r"holds a VAE with z_dim=4, autoencoder\.arch asks 16; delete the cache"):
    wan_convert.load_wan_vae(a, arch=dict(TINY_VAE, z_dim=16), cache_dir=cache)


def test_a_damaged_vae_cache_names_the_cache_not_orbax(tmp_path):
  """A cache whose config no longer matches its params failed in Orbax, advising `strict=False`."""
  from eflow_jax.autoencoders import wan_convert, wan_vae    # pylint: disable=g-import-not-at-top
  cfg, cache = wan_vae.WanVAEConfig.from_dict(TINY_VAE), str(tmp_path / "cache")
  wan_convert.save_params(cache, wan_vae.init_params(cfg, 0), cfg)
  config_path = os.path.join(cache, "wan_vae_config.json")
  saved = json.load(open(config_path))
  json.dump(dict(saved, z_dim=8), open(config_path, "w"))
  with pytest.raises(ValueError, match=rf"^{cache}: params/ do not match wan_vae_config\.json \(.*\); the cache is "
                                       rf"damaged: delete it to convert the weights again\.$"):
    wan_convert.load_params(cache)


@pytest.mark.parametrize("height, width", [(1, 1), (15, 17)])
def test_an_odd_sided_clip_keeps_every_pixel_in_the_mp4(tmp_path, height, width):
  """yuv420p needs even sides: a 1-pixel side was cropped to 0 (IndexError inside PyAV), a 15x17 clip lost
  a row and a column."""
  import av    # pylint: disable=g-import-not-at-top
  clips = np.random.default_rng(0).uniform(-1, 1, (1, 3, height, width, 3)).astype(np.float32)
  video_io.write_videos(str(tmp_path / "s"), clips, scale=1)
  with av.open(str(tmp_path / "s.mp4")) as container:
    stream = container.streams.video[0]
    assert (stream.height, stream.width) == (height + height % 2, width + width % 2)


def test_an_eval_report_of_other_settings_is_not_replaced_without_output(tmp_path):
  """A second --mode=eval with another eval.num_samples replaced <workdir>/eval_step000012.json."""
  path = tmp_path / "eval_step000012.json"
  path.write_text(json.dumps({"step": 12, "weights": "ema", "protocol": {"num_samples": 4, "sampler": "alg2"}}))
  with pytest.raises(ValueError, match=rf"^{path} holds an eval with num_samples=4, this one has num_samples=6; "
                                       rf"give --output=PATH to keep both, or delete it\.$"):
    cli_checks.check_eval_report_settings(str(path), {"num_samples": 6, "sampler": "alg2"})
  cli_checks.check_eval_report_settings(str(path), {"num_samples": 4, "sampler": "alg2"})   # the same eval again
  cli_checks.check_eval_report_settings(str(tmp_path / "none.json"), {"num_samples": 6})


@pytest.mark.parametrize("argv, message", [
    (["configs/nothere.py"], r"^param_count: error: config file configs/nothere\.py not found\.$"),
    (["--overveiw", "tests/tiny_config.py"], r"^param_count: error: unknown flag --overveiw; the only flag is "
                                             r"--overview\.$"),
])
def test_param_count_words_a_bad_argument_in_one_line(capsys, argv, message):
  """A missing config or a misspelt --overview (read as a config path) was a 14-line traceback."""
  from eflow_jax.tools import param_count    # pylint: disable=g-import-not-at-top
  assert param_count.cli(argv) == 2
  err = capsys.readouterr().err.strip().splitlines()
  assert len(err) == 1, err
  assert re.match(message, err[0]), err[0]
