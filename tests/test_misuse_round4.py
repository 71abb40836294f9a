"""A fourth round of misuse (docs/misuse/round4.json lists every case tried): context parallelism,
the TFDS input of prepare_data, the split benchmarks, sampling and the Pipeline. Each case that was
not one clear line, or that did the wrong thing, ends here in one line before any work, or does the
right thing. Nothing is trained: each test takes milliseconds to seconds.
"""
import os

import pytest

from eflow_jax import cli_checks
from eflow_jax.pipeline import Pipeline
from eflow_jax.tools import tfds_input


@pytest.mark.parametrize("spec, fixed", [
    ("tfds:Bair_Robot_Pushing_Small:train", "tfds:bair_robot_pushing_small:train"),
    ("tfds:UCF101/ucf101_1_256:test[:10]", "tfds:ucf101/ucf101_1_256:test[:10]"),
])
def test_a_tfds_name_in_capitals_is_told_to_be_lower_case(spec, fixed):
  with pytest.raises(ValueError, match=r"TFDS names are lower case; write " + fixed.replace("[", r"\[") + r"\.$"):
    tfds_input.parse_spec(spec)
  assert tfds_input.parse_spec(fixed)[0] == fixed.split(":")[1].split("/")[0]


def test_an_unparsable_tfds_slice_is_one_line_naming_the_input(tmp_path, capsys):
  tfds = pytest.importorskip("tensorflow_datasets")
  from test_prepare_data_tfds import NAME, run, write_metadata    # pylint: disable=g-import-not-at-top
  data_dir = tmp_path / "tensorflow_datasets"
  write_metadata(data_dir)
  with tfds.testing.mock_data(num_examples=2, policy=tfds.testing.MockPolicy.USE_FILES, data_dir=str(data_dir)):
    assert run(f"tfds:{NAME}:train[:200%]", tmp_path / "out", "--tfds_data_dir", str(data_dir)) == 2
  err = capsys.readouterr().err.strip().splitlines()
  assert len(err) == 1 and err[0].startswith(f"prepare_data: error: --input=tfds:{NAME}:train[:200%]: TFDS cannot "
                                             f"read the split 'train[:200%]': "), err
  assert "[-100, 100]" in err[0] and not (tmp_path / "out").exists()


@pytest.mark.parametrize("output", ["s.mp4", "s.gif", "s.MP4"])
def test_a_sample_output_with_a_video_extension_is_refused(tmp_path, output):
  """--output=x.mp4 wrote x.mp4.gif, x.mp4.mp4 and x.mp4_clips/: never the file asked for."""
  with pytest.raises(ValueError, match=r"ends in \.(mp4|gif|MP4); --mode=sample's --output is a path stem: "
                                       r"--output=.*/s writes s\.gif, \.mp4 and _clips/\.$"):
    cli_checks.check_sample_output(str(tmp_path / output))
  cli_checks.check_sample_output(str(tmp_path / "s.v2"))          # a dot elsewhere is a stem like any other


@pytest.mark.parametrize("load", [Pipeline.from_pretrained, Pipeline.from_workdir])
def test_a_file_given_for_the_folder_names_the_folder(tmp_path, load):
  weights = tmp_path / "model.safetensors"
  weights.write_bytes(b"")
  with pytest.raises(ValueError, match=rf"^Pipeline\.from_\w+\('{weights}'\) is a file; give the folder that holds "
                                       rf"it \('{tmp_path}'\)\.$"):
    load(str(weights))


@pytest.mark.parametrize("flags", ["--xla_force_host_platform_device_count=0",
                                   "--xla_foo=1 --xla_force_host_platform_device_count=four",
                                   "--xla_force_host_platform_device_count=-2"])
def test_a_host_device_count_below_one_is_named(flags):
  """JAX's own start then fails with 'Could not determine process_index' (and, with JAX_PLATFORMS=cpu,
  our message told the user to name cpu, the backend they had named)."""
  with pytest.raises(ValueError, match=r"^XLA_FLAGS: --xla_force_host_platform_device_count=\S+ must be a whole "
                                       r"number >= 1 \(how many CPU devices JAX makes\); fix or unset XLA_FLAGS\.$"):
    cli_checks.check_host_device_count(flags)
  for fine in ("", "--xla_force_host_platform_device_count=4", "--xla_cpu_use_thunk_runtime=false"):
    cli_checks.check_host_device_count(fine)


@pytest.mark.slow          # a subprocess that imports JAX: 10 to 35 s on the shared 2 cores
def test_main_refuses_a_zero_device_count_in_one_line(tmp_path):
  import subprocess, sys    # pylint: disable=g-import-not-at-top,multiple-imports
  repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
  env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=0", "JAX_PLATFORMS": "cpu"}
  done = subprocess.run([sys.executable, "-m", "eflow_jax.main", "--config=tests/tiny_config.py",
                         f"--workdir={tmp_path / 'run'}"], capture_output=True, text=True, env=env, cwd=repo, timeout=300)
  lines = [l for l in done.stderr.splitlines() if l.strip()]
  assert done.returncode == 2 and len(lines) == 1, done.stderr[-2000:]
  assert "--xla_force_host_platform_device_count=0 must be a whole number >= 1" in lines[0]
  assert not (tmp_path / "run").exists()


def _benchmarks():
  import sys    # pylint: disable=g-import-not-at-top
  repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
  if repo not in sys.path:
    sys.path.insert(0, repo)       # benchmarks/ is a package of the repo, not of the install
  from benchmarks import scaffold                         # pylint: disable=g-import-not-at-top
  from benchmarks.sweeps import train_rows_parallel       # pylint: disable=g-import-not-at-top
  return scaffold, train_rows_parallel


@pytest.mark.parametrize("key, value, message", [
    ("totl_steps", 12, r"^--set totl_steps: the config has no field 'totl_steps'"),
    ("flow.w_mni", 2.0, r"^--set flow\.w_mni: the config has no field 'flow\.w_mni'"),
    ("flwo.w_min", 2.0, r"^--set flwo\.w_min: the config has no field 'flwo'"),
    ("total_steps.x", 1, r"^--set total_steps\.x: the config has no field 'total_steps\.x'"),
    ("total_steps", "ten", r"^--set total_steps='ten': .*int"),
])
def test_a_benchmark_set_of_a_field_the_config_lacks_is_refused(key, value, message):
  """A misspelt --set used to add a field nothing reads: the benchmark ran the unchanged config."""
  scaffold, _ = _benchmarks()
  base = scaffold.load("tests/tiny_config.py")
  with pytest.raises(SystemExit, match=message):
    scaffold.with_overrides(base, {key: value})
  changed = scaffold.with_overrides(base, {"total_steps": 12, "flow.w_min": 2.0, "model.patch": (1, 2, 2)})
  assert (changed.total_steps, changed.flow.w_min, tuple(changed.model.patch)) == (12, 2.0, (1, 2, 2))
  assert base.total_steps == 6                # the base config is left as it was


@pytest.mark.parametrize("argv, message", [
    (["--steps=0"], r"^--steps=0 must be >= 1"),
    (["--steps=-3"], r"^--steps=-3 must be >= 1"),
    (["--deadline_s=0"], r"need 0 < deadline_s <= finish_by_s"),
    (["--deadline_s=600", "--finish_by_s=500"], r"need 0 < deadline_s <= finish_by_s"),
])
def test_train_rows_parallel_refuses_a_zero_budget_before_training(monkeypatch, tmp_path, argv, message):
  """--steps=0 was read as 'not given': the rows trained their whole budget."""
  import sys    # pylint: disable=g-import-not-at-top
  _, rows = _benchmarks()
  monkeypatch.setattr(rows, "trainings", lambda *a: pytest.fail("trained"))
  monkeypatch.setattr(sys, "argv", ["train_rows_parallel.py", "--rows=table4:sfm_4", f"--root={tmp_path / 'r'}",
                                    f"--out={tmp_path / 'o'}", *argv])
  with pytest.raises(SystemExit, match=message):
    rows.main()
  assert not (tmp_path / "r").exists() and not (tmp_path / "o").exists()


@pytest.mark.parametrize("extra, message", [
    (["--override=--config.model.attention=GLGA"], r"^table4:sfm_4: unknown model\.attention 'GLGA'"),
    (["--steps=2", "--override=--config.mesh.context=0"], r"^table4:sfm_4: config\.mesh: ICI sizes must be positive"),
])
def test_the_sweep_checks_every_row_before_training_any(monkeypatch, tmp_path, extra, message):
  """A row config that main.py refuses used to fail in each row's log while the sweep exited 0."""
  _benchmarks()
  from benchmarks.sweeps import ablation_sweep    # pylint: disable=g-import-not-at-top
  monkeypatch.setattr(ablation_sweep, "run", lambda *a, **k: pytest.fail("a row was started"))
  with pytest.raises(SystemExit, match=message):
    ablation_sweep.main(["--rows=table4:sfm_4", f"--root={tmp_path / 'r'}", f"--results={tmp_path / 's'}", *extra])
  assert os.listdir(tmp_path / "r") == []


def test_demo_curve_names_the_report_flag_the_readme_gives(tmp_path):
  """Its errors said --out (the old alias) to a user who had typed the documented --json."""
  _benchmarks()
  from benchmarks.sweeps import demo_curve    # pylint: disable=g-import-not-at-top
  with pytest.raises(SystemExit, match=rf"^error: --json={tmp_path} is a folder; give the JSON file's path\.$"):
    demo_curve.read_result(str(tmp_path), {"workdir": "w"})
  (tmp_path / "other.json").write_text("[1]")
  with pytest.raises(SystemExit, match=r"is not a demo_curve result; pick another --json\.$"):
    demo_curve.read_result(str(tmp_path / "other.json"), {"workdir": "w"})


def test_ab_config_refuses_a_misspelt_variant_before_compiling_any(monkeypatch):
  _benchmarks()
  from benchmarks.dev import ab_config    # pylint: disable=g-import-not-at-top
  monkeypatch.setattr(ab_config.train_throughput, "Program", lambda *a, **k: pytest.fail("compiled a variant"))
  with pytest.raises(SystemExit, match=r"^--variant flow\.w_mni: the config has no field 'flow\.w_mni'"):
    ab_config.main(["--config=tests/tiny_config.py", "--variant=base:", "--variant=a:flow.w_mni=2", "--steps=1"])


@pytest.mark.parametrize("mesh, devices, hosts, message", [
    (dict(context=3), 1, 1, r"ICI sizes \[-1, 1, 3\] \(data, fsdp, context\) do not divide the 1 devices per host or slice"),
    (dict(context=8), 4, 1, r"ICI sizes \[-1, 1, 8\] \(data, fsdp, context\) do not divide the 4 devices per host or slice"),
    (dict(dcn_context=2), 1, 1, r"dcn_\* sizes \[-1, 1, 2\] \(data, fsdp, context\) do not divide the 1 hosts or slices"),
])
def test_a_context_size_the_devices_cannot_hold_names_the_axes_and_the_devices(mesh, devices, hosts, message):
  """'ICI sizes [-1, 1, 3] do not divide 1' named neither the axes nor what the 1 counted."""
  import ml_collections    # pylint: disable=g-import-not-at-top
  from eflow_jax import sharding    # pylint: disable=g-import-not-at-top
  from eflow_jax.schema.devices import MESH_DEFAULTS    # pylint: disable=g-import-not-at-top
  config = ml_collections.ConfigDict({**MESH_DEFAULTS, **mesh})
  with pytest.raises(ValueError, match=r"^config\.mesh: " + message + r"; change config\.mesh so that they do\.$"):
    sharding.mesh_shape(config, devices, hosts)
  assert sharding.mesh_shape(ml_collections.ConfigDict({**MESH_DEFAULTS, "context": 2}), 4, 1) == ((2, 1, 2), (1, 1, 1))
