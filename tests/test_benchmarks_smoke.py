"""Smoke test of the Fig. 4a / 4b benchmarks: their variants are the programs they claim to be
(and Fig. 2a's error check reads true errors).

Only FLOP counts of lowered (never compiled or run) programs on the tiny config: compiling the
ladder's train steps takes minutes on CPU. Each check fails if a rung or sampler stops doing the
network passes that define it (the CFG target's extra pass, MVA's EMA passes, 2 NFE per CFG step).
"""
import json
import os
import sys

import numpy as np
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)     # benchmarks/ is a package of the repo, not of the install

from benchmarks import scaffold  # pylint: disable=g-import-not-at-top
from conftest import fake_sweep_run
from benchmarks.paper import sampling_latency, train_throughput
from eflow_jax import inference
from eflow_jax.models.video_dit import VideoDiT
from eflow_jax.train import run_setup

TINY = os.path.join(REPO, "tests/tiny_config.py:steps=6")


@pytest.fixture(scope="module")
def base():
  config = scaffold.load(TINY)
  config.data.batch_size = 4
  return config


def test_ladder_flops_grow_with_network_passes(base):
  """FM (1 pass) < SFM (CFG target: + a null-condition pass, SCM passes) < + MVA (EMA passes)."""
  ladder = {rid: (overrides, settings)
            for rid, _, overrides, settings in train_throughput.rungs(base, 0.75)}
  assert list(ladder) == ["a", "b", "c", "d", "e", "f"]
  model, _, shape, _, _ = run_setup.build(base)
  batch = scaffold.random_batch(model, shape, 4, base.data.text_length)
  flops = {rid: train_throughput.step_flops(scaffold.with_overrides(base, ladder[rid][0]),
                                            ladder[rid][1], batch)
           for rid in ("a", "b", "c")}
  assert flops["a"] < flops["b"] < flops["c"], flops
  unguided = {**ladder["b"][0], "flow.objective": "custom", "flow.guidance_target": "none"}
  no_cfg = train_throughput.step_flops(scaffold.with_overrides(base, unguided), ladder["b"][1], batch)
  assert no_cfg < flops["b"], (no_cfg, flops)       # the CFG target's null-condition passes
  assert ladder["f"][1].drop_ratio == 0.75 and ladder["e"][1].drop_ratio == 0.0


def test_sampler_nfe_and_flops(base):
  """4-step EFlow makes 4 NFE, the CFG baseline 40 x 2; the FLOPs follow the NFE."""
  specs = {v[0]: v for v in sampling_latency.variants(base, 4, 40)}
  assert specs["eflow"][5] == 4 and specs["fm_cfg"][5] == 80 and specs["sfm"][5] == 4
  model = VideoDiT.from_config(base.model)
  cond = inference.sample_conditions(base, model, 2)
  flops = {}
  for vid in ("fm_cfg", "sfm"):
    _, _, overrides, sampler, steps, _ = specs[vid]
    flops[vid] = sampling_latency.sampler_flops(scaffold.with_overrides(base, overrides), sampler,
                                                steps, cond)
  assert flops["fm_cfg"] > 15 * flops["sfm"], flops      # 20x the NFE, same network


def test_quality_vs_steps_jobs_and_resume(tmp_path, monkeypatch):
  """The script evaluates the newest checkpoint at each sampling step count and every listed
  checkpoint at the config's step count, records each point once, and skips done points on rerun."""
  from benchmarks.paper import quality_vs_steps
  for step in (100, 300, 200):
    os.makedirs(tmp_path / "checkpoints" / str(step))
  calls = []

  def fake_evaluate(config, workdir, *, step, output):
    calls.append((step, int(config.flow.inference_steps)))
    return {"step": step, "objective": {"loss": 0.5}, "class_accuracy": step / 1000.0,
            "classifier_fd": 1.0, "sharpness": 0.3, "protocol": {"nfe": int(config.flow.inference_steps)}}

  monkeypatch.setattr(quality_vs_steps.evaluate, "evaluate", fake_evaluate)
  out = str(tmp_path / "q.json")
  argv = [f"--config={TINY}", f"--workdir={tmp_path}", "--sampling_steps=1,8", f"--out={out}"]
  quality_vs_steps.main(argv)
  steps = scaffold.load(TINY).flow.inference_steps
  assert calls == [(300, 1), (300, 8), (100, steps), (200, steps), (300, steps)]
  result = json.load(open(out))
  assert sorted(result["by_sampling_steps"]) == ["1", "8"] and result["by_sampling_steps"]["8"]["nfe"] == 8
  assert result["by_training_steps"]["200"]["class_accuracy"] == 0.2
  quality_vs_steps.main(argv)                                  # everything is done: nothing reruns
  assert len(calls) == 5
  with pytest.raises(SystemExit, match="dotted.key=value"):
    quality_vs_steps.main(argv + ["--override=eval.use_i3d"])


def test_ablation_sweep_rows_sharing_and_resume_across_sessions(tmp_path, monkeypatch):
  """Rows that differ only in sampling train once; a row is done when its report is in --results,
  so a second sweep (another session, a fresh --root) runs nothing; --rows filters; bad rows fail.
  A training does not score itself at its end (the sweep's eval scores it). Each finished row also
  keeps a still (first, middle, last frame) of samples drawn as it is scored."""
  from benchmarks.sweeps import ablation_sweep
  from PIL import Image
  calls = []

  def fake_run(cmd, log_path):
    calls.append(cmd)
    out = [a.split("=", 1)[1] for a in cmd if a.startswith("--output=")]
    if out and "--mode=sample" in cmd:     # a 5-frame GIF whose frame i is uniformly 50 * i
      frames = [Image.new("L", (6, 4), 50 * i) for i in range(5)]
      frames[0].save(out[0] + ".gif", save_all=True, append_images=frames[1:])
    elif out:
      row = [a for a in cmd if a.startswith("--config=")][0].rsplit(":", 1)[1]
      with open(out[0], "w") as f:
        json.dump({"class_accuracy": 0.5, "protocol": {"nfe": 4}, "row": row}, f)
    return 0

  monkeypatch.setattr(ablation_sweep, "run", fake_run)
  results = tmp_path / "results"
  argv = ["--tables=table4", f"--results={results}", "--steps=3"]
  ablation_sweep.main(argv + [f"--root={tmp_path / 'session1'}", "--rows=table4:fm_50,table4:fm_4"])
  workdirs = {a for c in calls for a in c if a.startswith("--workdir=")}
  assert len(calls) == 6 and len(workdirs) == 1          # 2 rows x (train, eval, sample), one training run
  assert all(f"--config.eval.classifier_path={results}/classifier.npz" in c for c in calls)
  trainings = [c for c in calls if not any(a.startswith("--mode=") for a in c)]
  assert len(trainings) == 2 and all("--config.eval.score_at_end=0" in c for c in trainings)
  assert sorted(os.listdir(results)) == ["table4_fm_4.json", "table4_fm_4_samples.png",
                                         "table4_fm_50.json", "table4_fm_50_samples.png"]
  assert json.load(open(results / "table4_fm_4.json"))["row"] == "fm_4"
  still = np.asarray(Image.open(results / "table4_fm_4_samples.png"))
  assert still.shape == (4, 3 * 6 + 2 * 8)               # frames 0, 2, 4 with 8-pixel white gaps
  np.testing.assert_array_equal(still[:, [0, 14, 28]], [[0, 100, 200]] * 4)
  assert (still[:, 6:14] == 255).all()
  os.remove(results / "table4_fm_4_samples.png")         # a row finished before stills were kept
  os.makedirs(next(iter(workdirs)).split("=", 1)[1])     # the shared training's workdir still exists
  calls.clear()
  ablation_sweep.main(argv + [f"--root={tmp_path / 'session1'}", "--rows=table4:fm_50,table4:fm_4"])
  assert len(calls) == 1
  assert calls[0][-2:] == ["--mode=sample", f"--output={tmp_path / 'session1'}/table4_fm_4_samples"]
  assert (results / "table4_fm_4_samples.png").exists()  # re-sampled while its workdir lasts
  calls.clear()
  ablation_sweep.main(argv + [f"--root={tmp_path / 'session2'}"])          # the other three rows only
  rows = sorted({a.rsplit(":", 1)[1] for c in calls for a in c if a.startswith("--config=")})
  assert rows == ["pdg_sfm_4", "sfm_4", "soflow_4"] and len(calls) == 9
  assert len({a for c in calls for a in c if a.startswith("--workdir=")}) == 3
  calls.clear()
  ablation_sweep.main(argv + [f"--root={tmp_path / 'session3'}"])
  assert not calls and set(ablation_sweep.load_results(str(results))) == {
      "table4:fm_50", "table4:fm_4", "table4:sfm_4", "table4:pdg_sfm_4", "table4:soflow_4"}
  with pytest.raises(SystemExit, match="unknown table4:nope"):
    ablation_sweep.main(argv + ["--rows=table4:nope"])


def test_ablation_sweep_keeps_the_training_curve_of_a_resumed_and_a_diverged_run(tmp_path):
  """The curve is metrics.jsonl by step: the records of one step are merged, the newest value of a
  key winning (a resumed run, the diagnostics' own record), a line cut short by a kill is skipped,
  a NaN loss (a diverged run) is kept as NaN."""
  from benchmarks.sweeps import training_curves
  workdir = tmp_path / "train"
  os.makedirs(workdir)
  records = [{"step": 25, "loss": 1.0, "loss/max": 1.5, "grad_norm": 2.0},
             {"step": 50, "loss": 0.9, "loss/max": 3.0, "grad_norm": 2.5},   # then killed, resumed at 25
             {"step": 50, "loss": 0.8, "loss/max": 0.9, "grad_norm": 1.5},
             {"step": 50, "diag/path_gap/t0.0-0.2": 0.1},                  # the diagnostics' record
             {"step": 75, "loss": float("nan"), "loss/max": float("nan"), "grad_norm": 9.0,
              "nonfinite_steps": 1}]
  with open(workdir / "metrics.jsonl", "w") as f:
    f.write("\n".join(json.dumps(r) for r in records) + '\n{"step": 100, "lo')
  path = tmp_path / "results" / "curves" / "t_r.json"
  assert training_curves.save_training_curve(str(workdir), str(path))
  curve = json.load(open(path))
  assert curve["step"] == [25, 50, 75] and curve["loss"][:2] == [1.0, 0.8]
  assert np.isnan(curve["loss"][2]) and curve["loss/max"][:2] == [1.5, 0.9]
  assert curve["nonfinite_steps"] == [None, None, 1] and "fm/v_mse" not in curve
  assert not training_curves.save_training_curve(str(tmp_path / "missing"), str(path))


def test_ablation_sweep_scores_an_export_trained_elsewhere_without_training(tmp_path, monkeypatch):
  """A row trained on a GPU comes back as an export in its workdir (train_rows_parallel.py): at the
  row's step budget it is scored (eval, sample) and its curve kept, with no training call; an export
  of another step is not scored as the row."""
  from benchmarks.sweeps import ablation_sweep
  from eflow_jax import config_lib
  calls = []
  monkeypatch.setattr(ablation_sweep, "run", fake_sweep_run(calls))
  argv = ["--tables=table4", f"--results={tmp_path / 'results'}", "--steps=3", f"--root={tmp_path}",
          "--rows=table4:sfm_4"]
  config = config_lib.load_config(os.path.join(REPO, "configs/ablations/table4.py:sfm_4"))
  config.total_steps = 3
  workdir = tmp_path / ("train_" + ablation_sweep.training_key(config))
  os.makedirs(workdir)
  (workdir / "model.safetensors").write_bytes(b"")
  (workdir / "metrics.jsonl").write_text(json.dumps({"step": 3, "loss": 0.5}) + "\n")
  (workdir / "config.json").write_text(json.dumps({"step": 2}))
  with pytest.raises(SystemExit, match=r"^1 row\(s\) failed, without a report: table4:sfm_4; see their logs"):
    ablation_sweep.main(argv)
  assert not calls and not os.path.exists(tmp_path / "results" / "table4_sfm_4.json")
  (workdir / "config.json").write_text(json.dumps({"step": 3}))
  ablation_sweep.main(argv)
  assert [c[-2] for c in calls] == ["--mode=eval", "--mode=sample"]
  assert all(f"--workdir={workdir}" in c for c in calls)
  assert json.load(open(tmp_path / "results" / "curves" / "table4_sfm_4.json"))["loss"] == [0.5]
  assert os.path.exists(tmp_path / "results" / "table4_sfm_4.json")


def test_stability_summary_finds_a_spike_against_its_neighbours_and_a_divergence():
  """By hand: 20 windows of 25 steps; the largest step is 1.0 everywhere except 3.0 at step 300,
  so the one jump above 2x is 3.0 / median(1.0 x 8) = 3x; the early descent (steps <= 50, the
  first 10%) is not counted; a NaN window mean is a divergence."""
  from benchmarks.sweeps import training_curves
  steps = list(range(25, 525, 25))
  means = [0.5] * 20
  peaks = [5.0, 4.0] + [1.0] * 18
  peaks[steps.index(300)] = 3.0
  curve = {"step": steps, "fm/v_mse": means, "fm/v_mse/max": peaks, "grad_norm": [2.0] * 20,
           "grad_norm/max": [9.0, 8.0] + [2.0] * 17 + [4.0], "nonfinite_steps": [0] * 19 + [3]}
  got = training_curves.stability_summary(curve)
  assert got["worst_jump"] == 3.0 and got["spikes"] == 1 and got["final"] == 0.5
  assert got["grad_norm_peak"] == 4.0 and got["skipped_updates"] == 3 and not got["diverged"]
  curve["fm/v_mse"][-1] = float("nan")
  assert training_curves.stability_summary(curve)["diverged"]


def test_ablation_sweep_scores_a_row_that_diverged_and_says_where(tmp_path, monkeypatch):
  """A training halted by a non-finite loss (exit code 3, nan_policy=halt) is a result of the
  stability comparison: its last good state is scored and the report says at which step it stopped;
  any other failure leaves the row undone."""
  from benchmarks.sweeps import ablation_sweep
  calls = []

  def fake_run(cmd, log_path):
    calls.append(cmd)
    out = [a.split("=", 1)[1] for a in cmd if a.startswith("--output=")]
    if "--mode=eval" in cmd:
      with open(out[0], "w") as f:
        json.dump({"class_accuracy": 0.1, "step": 1200}, f)
      return 0
    if "--mode=sample" in cmd:
      Image.new("L", (6, 4)).save(out[0] + ".gif")
      return 0
    with open(log_path, "a") as log:          # the halt's one line (train/fault_tolerance.py)
      log.write("step 1200/4000 ...\nerror: non-finite loss, fm at step 1201 (stage dense, loss nan); "
                "the state before it (step 1200, the last with a finite loss) is in /x. Lower the learning rate\n")
    return 3 if "sla80_fm" in cmd[3] else 1

  from PIL import Image
  monkeypatch.setattr(ablation_sweep, "run", fake_run)
  results = tmp_path / "results"
  argv = ["--tables=attention_baselines", f"--results={results}", f"--root={tmp_path}", "--steps=3",
          "--rows=attention_baselines:sla80_fm,attention_baselines:vsa_fm"]
  with pytest.raises(SystemExit, match=r"^1 row\(s\) failed, without a report: attention_baselines:vsa_fm;"):
    ablation_sweep.main(argv)                               # and the sweep says so in its exit code
  report = json.load(open(results / "attention_baselines_sla80_fm.json"))
  from eflow_jax import own_digest
  assert own_digest.matches(report) is True and report.pop(own_digest.KEY)     # the sha256 of its own values
  assert report.pop("sweep")["total_steps"] == 3          # the settings it was made with
  assert report == {"class_accuracy": 0.1, "step": 1200, "diverged_at_step": 1201}
  assert not (results / "attention_baselines_vsa_fm.json").exists()       # exit 1: not a result
  assert [c[3].rsplit(":", 1)[1] for c in calls] == ["sla80_fm"] * 3 + ["vsa_fm"]


def test_ablation_training_key_ignores_how_attention_is_computed():
  """Pallas vs reference and the query tile compute the same function, and how a run is scored
  trains nothing: one training run; the attention type and the objective are what rows differ in,
  so they change the key."""
  from benchmarks.sweeps import ablation_sweep
  config = scaffold.load(os.path.join(REPO, "configs/ablations/table2.py:glga_fm"))
  key = ablation_sweep.training_key(config)
  for overrides, same in (({"model.attention_impl": "pallas"}, True), ({"model.window_block": 128}, True),
                          ({"flow.inference_steps": 8}, True), ({"model.attention": "softmax"}, False),
                          ({"flow.guidance_target": "pdg"}, False),
                          ({"model.sla_critical": 0.5}, True), ({"model.vsa_topk": 3}, True),
                          ({"eval.num_samples": 200}, True), ({"eval.guidance_diagnostics_every": 500}, True),
                          ({"eval_every": 100}, True), ({"flow.w_max": 2.0}, False)):
    assert (ablation_sweep.training_key(scaffold.with_overrides(config, overrides)) == key) == same, overrides
  # A baseline's own knobs do change its training.
  sla_row = scaffold.load(os.path.join(REPO, "configs/ablations/attention_baselines.py:sla80_fm"))
  assert ablation_sweep.training_key(scaffold.with_overrides(sla_row, {"model.sla_critical": 0.5})) != \
      ablation_sweep.training_key(sla_row)


def test_kernel_tuning_quick_run_checks_every_candidate(tmp_path):
  """--quick (interpret mode, tiny): all three parts run, every candidate's output matches the jnp
  reference to float32 rounding, the first tiling is the baseline of the ratios, and the fused
  part tunes each kernel's tiling on its own."""
  from benchmarks.dev import kernel_tuning
  result = kernel_tuning.main(["--quick", "--part=all", f"--out={tmp_path / 'k.json'}"])
  impls = [r for r in result["rows"] if r["part"] == "impls"]
  tiles = [r for r in result["rows"] if r["part"] == "tiles"]
  fused = [r for r in result["rows"] if r["part"] == "fused"]
  assert [r["case"] for r in impls] == ["dense", "drop75"] and len(tiles) == 2
  assert sorted({r["kernel"] for r in fused}) == ["dkv", "dq", "fwd"] and len(fused) == 6, fused
  assert all(r["err_out"] < 1e-5 for r in impls + tiles + fused), result["rows"]
  # Each kernel's candidates differ from the default tiling in that kernel only.
  for kernel in ("fwd", "dq", "dkv"):
    for tiling in kernel_tuning.fused_tilings(kernel_tuning.parse_args(["--quick"]), kernel)[1:]:
      others = {"fwd", "dq", "dkv"} - {kernel}
      assert all(getattr(tiling, o) == getattr(kernel_tuning.GLGATiling(), o) for o in others)
  first = kernel_tuning.tiling_name(kernel_tuning.tilings(kernel_tuning.parse_args(["--quick"]))[0])
  assert [r["speedup_fwd_bwd"] for r in tiles if r["tiling"] == first] == [1.0]
  assert json.load(open(tmp_path / "k.json"))["rows"] == json.loads(json.dumps(result["rows"]))


def test_attention_scaling_check_reads_the_error_against_float32():
  """--check: the reference path in float32 is the float32 truth (0), the Pallas GLGA (interpret)
  agrees to float32 rounding, a core off by 1% reads 1e-2, and bf16 inputs read bf16 rounding."""
  import jax
  import jax.numpy as jnp
  from benchmarks.paper import attention_scaling
  B, N, H, D, radius = 1, 96, 2, 16, 10
  arrays = tuple(jax.random.normal(k, (B, N, H, D)) for k in jax.random.split(jax.random.PRNGKey(0), 4))
  pos = jnp.arange(N, dtype=jnp.int32)[None]
  reference = attention_scaling.glga_core(pos, radius, "reference", 32)
  cores = {"reference": reference, "pallas": attention_scaling.glga_core(pos, radius, "pallas", 32),
           "off": lambda q, k, v: 1.01 * reference(q, k, v)}
  errors = attention_scaling.errors_against_float32(cores, arrays)
  assert errors["reference"] == (0.0, 0.0)
  assert max(errors["pallas"]) < 1e-5, errors
  assert errors["off"] == pytest.approx((0.01, 0.01), rel=1e-3)
  bf16 = attention_scaling.errors_against_float32(
      cores, tuple(a.astype(jnp.bfloat16) for a in arrays))
  assert all(1e-4 < e < 3e-2 for e in bf16["pallas"] + bf16["reference"]), bf16


def test_step_profile_classes_ops_by_what_their_fusions_execute():
  """A hand-written HLO module: each fusion's class follows from the opcodes of the computation it
  calls (nested calls included), not from its name."""
  from benchmarks.dev import step_profile
  hlo = """HloModule m

%inner (p: f32[4]) -> f32[4] {
  %p = f32[4]{0} parameter(0)
  ROOT %e = f32[4]{0} exponential(%p)
}

%mm (a: f32[4,4], b: f32[4,4]) -> f32[4,4] {
  %a = f32[4,4]{1,0} parameter(0)
  %b = f32[4,4]{1,0} parameter(1)
  ROOT %d = f32[4,4]{1,0} dot(%a, %b), lhs_contracting_dims={1}, rhs_contracting_dims={0}
}

%moves (a: f32[4,4]) -> f32[4,4] {
  %a = f32[4,4]{1,0} parameter(0)
  ROOT %t = f32[4,4]{0,1} transpose(%a), dimensions={1,0}
}

%nested (p: f32[4]) -> f32[4] {
  %p = f32[4]{0} parameter(0)
  ROOT %c = f32[4]{0} call(%p), to_apply=%inner
}

ENTRY %main (a: f32[4,4], v: f32[4]) -> f32[4,4] {
  %a = f32[4,4]{1,0} parameter(0)
  %v = f32[4]{0} parameter(1)
  %ynn_fusion.1 = f32[4,4]{1,0} fusion(%a, %a), kind=kCustom, calls=%mm
  %copy_fusion.2 = f32[4,4]{0,1} fusion(%a), kind=kLoop, calls=%moves
  %add_fusion.3 = f32[4]{0} fusion(%v), kind=kLoop, calls=%nested
  ROOT %r = f32[4,4]{1,0} add(%a, %a)
}
"""
  bodies, instructions = step_profile.hlo_index(hlo)
  kind = lambda name: step_profile.op_class(name, bodies, instructions)
  assert kind("ynn_fusion.1") == "matmul"
  assert kind("copy_fusion.2") == "data movement (copy/transpose/concat)"
  assert kind("add_fusion.3") == "elementwise (transcendental)"      # exp, two calls down
  assert kind("r") == "elementwise (other)"
  assert kind("ThunkExecutor::Execute") is None
  assert step_profile.model_part("jit(train_step)/x_scan/self_attn/jit(window_attention_reference)/div") == \
      "attention: local window branch (jnp reference)"
  assert step_profile.model_part("jit(train_step)/middle_scan/ffn/fc1/dot_general") == "FFN"


def test_ab_config_variants_keep_tuple_values_whole():
  from benchmarks.dev import ab_config
  assert ab_config.parse_variant("base:") == ("base", {})
  assert ab_config.parse_variant("p:model.patch=(2,4,4),data.batch_size=8,model.dtype=bfloat16") == (
      "p", {"model.patch": (2, 4, 4), "data.batch_size": 8, "model.dtype": "bfloat16"})
  with pytest.raises(SystemExit, match="NAME:KEY=VALUE"):
    ab_config.parse_variant("model.dtype=bfloat16")


def test_flop_ladder_counts_match_the_closed_form_and_the_throughput_benchmark(base):
  """flop_ladder's rung a (FM: one forward + backward per example) is 3x the closed-form forward
  matmuls within the non-matmul share, and each rung's count is train_throughput's for that rung."""
  from benchmarks.paper import flop_ladder
  sets = {"model.attention_impl": "reference"}
  result = flop_ladder.ladder(TINY, 4, sets)
  ratio = result["xla_rung_a"] / result["closed_form_rung_a"]
  assert 1.0 <= ratio < 1.25, ratio               # elementwise work, norms, AdamW on top of matmuls
  rows = {row["id"]: row for row in result["rows"]}
  assert rows["a"]["vs_fm"] == 1.0 and rows["b"]["vs_sfm"] == 1.0
  assert rows["e"]["flops"] < rows["d"]["flops"]        # the weak path replaces the null-condition pass
  model, _, shape, _, _ = run_setup.build(base)
  batch = scaffold.random_batch(model, shape, 4, base.data.text_length)
  rid, _, overrides, settings = train_throughput.rungs(base, 0.75)[3]
  assert rows[rid]["flops"] == train_throughput.step_flops(scaffold.with_overrides(base, overrides), settings, batch)


@pytest.mark.parametrize("out, extra, message", [
    ("{tmp}", [], "is a folder; give the JSON file's path"),
    ("{tmp}/run/metrics.jsonl", [], "exists and is not a demo_curve result; pick another --json"),
    ("{tmp}/a_file/curve.json", [], "a_file is a file, not a folder"),
    ("{tmp}/curve.json", ["--steps=abc"], "--steps='abc': give 'all' or checkpoint steps"),
    ("{tmp}/curve.json", ["--set=model.hidden=64"], "is from another model"),
])
def test_demo_curve_refuses_bad_options_in_one_line_before_scoring(tmp_path, monkeypatch, out, extra, message):
  """Each was a traceback; a --out that cannot be written failed after the first point was scored."""
  from benchmarks.sweeps import demo_curve
  from test_pipeline_misuse import write_run   # pylint: disable=g-import-not-at-top
  workdir = tmp_path / "run"
  write_run(str(workdir))
  (workdir / "metrics.jsonl").write_text('{"step": 2}\n')
  (tmp_path / "a_file").write_text("mine")
  monkeypatch.setattr(demo_curve.evaluate, "sample_metrics", lambda *a, **k: pytest.fail("scored despite it"))
  with pytest.raises(SystemExit, match=message) as info:
    demo_curve.main([f"--config={TINY}", f"--workdir={workdir}", f"--out={out.format(tmp=tmp_path)}",
                     "--num_samples=10", *extra])
  assert str(info.value).startswith("error: ") and "\n" not in str(info.value)
  assert (workdir / "metrics.jsonl").read_text() == '{"step": 2}\n'


def test_equal_time_table_takes_each_runs_latest_checkpoint_by_each_minute(tmp_path, capsys):
  from benchmarks.sweeps import equal_time
  point = lambda step, minutes, acc: {"step": step, "minutes": minutes, "recognised": acc, "class_accuracy": acc,
                                      "classifier_fd": 100.0 - step / 100}
  fast = [point(200, 4.0, 0.1), point(400, 8.0, 0.2), point(600, 12.5, 0.3)]
  slow = [point(200, 6.0, 0.05), point(400, 11.0, 0.15)]
  rows = equal_time.table({"fast": fast, "slow": slow}, 5.0)
  assert [r["minute"] for r in rows] == [5.0, 10.0, 15.0]
  assert [r["fast"]["step"] for r in rows] == [200, 400, 600]
  assert [r["slow"] and r["slow"]["step"] for r in rows] == [None, 200, 400]
  paths = []
  for name, points in (("fast", fast), ("slow", slow)):
    paths.append(str(tmp_path / f"{name}.json"))
    json.dump({"run": {}, "points": points}, open(paths[-1], "w"))
  equal_time.main(["--curves", *paths, "--names", "fast", "slow", "--json", str(tmp_path / "t.json")])
  assert json.load(open(tmp_path / "t.json"))["rows"] == json.loads(json.dumps(rows))
  with pytest.raises(SystemExit, match="one --names entry per --curves file"):
    equal_time.main(["--curves", *paths, "--names", "fast"])


def test_parked_program_keeps_its_state_in_host_memory_between_timings(base):
  """--park-states: the state lives in host memory except while its steps are timed, and the timed
  steps still advance it (the step counter moves from the warm-up's 1 to 2)."""
  import jax  # pylint: disable=g-import-not-at-top
  ladder = {rid: (o, s) for rid, _, o, s in train_throughput.rungs(base, 0.75)}
  program = train_throughput.Program(scaffold.with_overrides(base, ladder["a"][0]), ladder["a"][1],
                                     4, "none", park=True)
  leaves = jax.tree.leaves(program.state)
  assert all(isinstance(x, np.ndarray) for x in leaves), {type(x) for x in leaves}
  assert program.timed(1)() > 0
  assert all(isinstance(x, np.ndarray) for x in jax.tree.leaves(program.state))
  assert int(program.state.step) == 2


def test_a_ladder_cut_off_mid_run_leaves_a_report_of_the_rounds_it_finished(tmp_path, monkeypatch):
  """A GPU call ends at its time limit, not when the script does: after round 1 the report on disk
  holds round 1's seconds, marked partial, before round 2 is cut off."""
  class Fake:
    def __init__(self, seconds):
      self.compile_s, self.seconds, self.calls = 1.0, seconds, 0

    def timed(self, steps):
      def run():
        self.calls += 1
        if self.calls == 2:
          raise TimeoutError("the call's time limit")
        return self.seconds
      return run

  programs = {"a": Fake(2.0), "b": Fake(3.0)}
  monkeypatch.setattr(train_throughput, "build_programs", lambda *a: ([], programs))
  monkeypatch.setattr(scaffold, "matmul_peak", lambda size: 1.0)
  report = tmp_path / "ladder.json"
  with pytest.raises(TimeoutError):
    train_throughput.main([f"--config={TINY}", "--rounds=3", "--steps=1", f"--json={report}"])
  written = json.load(open(report))
  assert written["partial"] is True and written["rounds_done"] == 1
  assert written["seconds_per_round"] == {"a": [2.0], "b": [3.0]}
