"""Sampling requests beyond what a run can answer are refused in one line before anything compiles,
by the command line and the Pipeline alike (eflow_jax/sample_limits.py): a guidance scale far past
the trained range (1e30 sampled meaningless clips), 10**9 sampler steps (the process was killed
for memory), more clips than the RAM holds; a guidance just outside the trained range warns once.
"""
import os
import subprocess
import sys

import pytest

from eflow_jax import cli_checks
from eflow_jax import config_lib
from eflow_jax import sample_limits
from eflow_jax.pipeline import Pipeline
from eflow_jax.train import evaluate

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def config():
  return config_lib.load_config(os.path.join(REPO, "tests/tiny_config.py:steps=4"))


@pytest.fixture
def weightless(config):
  """A Pipeline without weights: every refusal here must come before the weights are touched."""
  return Pipeline(config, None, (4, 16, 16, 1), source="test")


@pytest.mark.parametrize("guidance", [1e30, 46.0])
def test_guidance_far_past_the_trained_range_is_refused(config, weightless, guidance):
  assert sample_limits.guidance_limit(config.flow) == 45.0       # 10 x w_max = 4.5
  with pytest.raises(ValueError, match=r"^guidance=.* more than 10x .*trained on 0\.\.4\.5.*use at most 45\.$"):
    weightless(class_ids=[0], guidance=guidance)


def test_guidance_outside_the_trained_range_warns_once(config, capsys):
  sample_limits.check_guidance("guidance", 7.25, config.flow)
  sample_limits.check_guidance("guidance", 7.25, config.flow)
  sample_limits.check_guidance("guidance", 3.0, config.flow)           # inside U(2.5, 4.5): silent
  err = capsys.readouterr().err.splitlines()
  assert len(err) == 1 and err[0].startswith("warning: guidance=7.25 is outside the guidance range")
  sample_limits.check_guidance("guidance", 7.5, config.flow, "euler_cfg")   # a CFG scale: no network input
  assert not capsys.readouterr().err


@pytest.mark.parametrize("steps", [1001, 10**9])
def test_steps_past_any_sampler_are_refused(weightless, steps):
  with pytest.raises(ValueError, match=f"^steps={steps} is more sampler steps than any sampler uses"):
    weightless(class_ids=[0], steps=steps)
  with pytest.raises(ValueError, match=f"^--sample_steps={steps} is more sampler steps"):
    cli_checks.check_flags("sample", "runs/x", {"sample_steps": steps}, 10)


def test_more_clips_than_the_ram_holds_are_refused(config, weightless, monkeypatch):
  monkeypatch.setattr(sample_limits, "available_memory", lambda: 10**6)
  per_clip = 4 * 16 * 16 * (12 + 6)                       # identity autoencoder: latents = pixels
  sample_limits.check_memory("x", 10**6 // per_clip, config, (4, 16, 16, 1))
  with pytest.raises(MemoryError, match=r"^Pipeline: 1000 clips need about .* GiB .*at most 54 clips per call \(fewer where the network's working memory is large"):
    weightless(class_ids=[0] * 1000)
  with pytest.raises(MemoryError, match=r"^--mode=sample: 1000 clips"):     # before any checkpoint is read
    evaluate.sample_videos(config, "/nonexistent/run", num=1000)


def test_wan_clips_are_counted_in_pixels(config):
  wan = config_lib.load_config(os.path.join(REPO, "tests/tiny_config.py:steps=4"))
  with wan.unlocked():
    wan.autoencoder.kind = "wan21"
  assert sample_limits.pixel_values_per_clip(wan, (2, 4, 4, 16)) == 5 * 32 * 32 * 3
  assert sample_limits.pixel_values_per_clip(config, (2, 4, 4, 16)) == 2 * 4 * 4 * 16


def test_command_line_refuses_the_guidance_before_reading_the_run(tmp_path):
  result = subprocess.run([sys.executable, "-m", "eflow_jax.main", "--config=tests/tiny_config.py",
                           f"--workdir={tmp_path / 'none'}", "--mode=sample", "--guidance=1e30"],
                          cwd=REPO, capture_output=True, text=True, check=False)
  assert result.returncode == 2, result.stderr
  assert result.stderr.strip().splitlines() == [
      "error: --guidance=1e+30 is more than 10x the largest guidance this run knows (trained on 0..4.5, "
      "configured 4): the clips would be noise; use at most 45."]
