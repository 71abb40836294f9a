"""Cases found by trying round 24's fixes at their edges and elsewhere (round 25 of docs/misuse/):
the metric caches' folder (config.eval.metrics_dir) named as a file or inside a run's checkpoints,
prompts given as a dict, a sample --output naming a format it does not write, a Ctrl-C of the
ablation sweep, a sampling call too large for the compiled sampler's memory, a preparation whose every
video was skipped, and two curriculum stages of one name."""
import os
import signal
import subprocess
import sys
import textwrap
import time
import types

import pytest
from test_pipeline_misuse import write_run
from tiny_config import get_config

from eflow_jax import cli_checks, workdir as workdir_lib
from eflow_jax.pipeline import Pipeline

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def uncached_config(**eval_settings):
  """The tiny config with classifier and frame-judge step counts nothing ships: both would be built."""
  config = get_config()
  config.eval.classifier_steps = config.eval.frame_judge_steps = 7
  config.eval.update(eval_settings)
  return config


def test_a_file_named_as_the_metrics_folder_is_called_a_file(tmp_path):
  """Round 25 (U03): 'not writable ... fix its permissions. Or give --config.eval.metrics_dir=<a
  writable folder>' - the flag the user had given, naming a file."""
  notes = tmp_path / "notes.txt"
  notes.write_text("my notes\n")
  with pytest.raises(OSError, match=r"^config\.eval\.metrics_dir=.*notes\.txt is a file; give a folder\.$"):
    workdir_lib.check_metric_caches(uncached_config(metrics_dir=str(notes)), str(tmp_path), use_i3d=False)
  with pytest.raises(OSError, match=r"^config\.eval\.metrics_dir=.*notes\.txt/caches lies under the file .*notes\.txt; "
                                    r"give a folder\.$"):
    workdir_lib.check_metric_caches(uncached_config(metrics_dir=str(notes / "caches")), str(tmp_path), use_i3d=False)
  assert notes.read_text() == "my notes\n"
  workdir_lib.check_metric_caches(uncached_config(metrics_dir=str(tmp_path / "new" / "caches")), str(tmp_path),
                                  use_i3d=False)
  assert not (tmp_path / "new").exists()          # checked, not created


@pytest.mark.parametrize("setting, name", [("metrics_dir", "14/mc"), ("metrics_dir", "mc"),
                                           ("classifier_path", "14/c.npz"), ("i3d_reference_path", "i3d.npz")])
def test_a_metric_cache_inside_a_runs_checkpoints_is_refused(tmp_path, setting, name):
  """Round 25 (U06): caches kept under checkpoints/14/ were deleted with step 14 by pruning."""
  write_run(str(tmp_path / "run"), steps=(14,))
  path = str(tmp_path / "run" / "checkpoints" / name)
  with pytest.raises(ValueError, match=rf"^config\.eval\.{setting}=.*checkpoints/{name} is inside the run's "
                                       r"checkpoints folder .* pruning"):
    workdir_lib.check_metric_caches(uncached_config(**{setting: path}), str(tmp_path / "run"), use_i3d=True)
  beside = str(tmp_path / "run" / "caches" / os.path.basename(name))
  workdir_lib.check_metric_caches(uncached_config(**{setting: beside}), str(tmp_path / "run"), use_i3d=True)


@pytest.mark.parametrize("prompts, message", [
    ({"scene1": "a red car"}, r"^prompts is a mapping: give a list of prompts \(its keys or its values"),
    ({"a red car", "a dog"}, r"^prompts is a set, which has no order; give a list \(one clip per prompt"),
    (5, r"^prompts=\[5\] must be one or more strings\.$")])
def test_prompts_given_as_a_dict_or_a_set_are_refused(prompts, message):
  """Round 25 (U14): a dict of prompts by scene name was sampled from its KEYS ('scene1'), no word."""
  text_model = types.SimpleNamespace(model=types.SimpleNamespace(num_classes=0))
  with pytest.raises(ValueError, match=message):
    Pipeline.conditions(text_model, prompts=prompts)


@pytest.mark.parametrize("name", ["a.png", "g.webm", "c.JPG", "d.mkv"])
def test_a_sample_output_naming_a_format_not_written_is_refused(tmp_path, name):
  """Round 25 (U23): --output=g.webm wrote g.webm.gif and g.webm.mp4, no WebM and no word."""
  stem = os.path.splitext(name)[0]
  with pytest.raises(ValueError, match=rf"^--output=.*{name.replace('.', r'[.]')} asks for \.\w+, which --mode=sample "
                                       rf"does not write \(GIF and MP4 only\); .* --output=.*{stem} writes {stem}\.gif"):
    cli_checks.check_sample_output(str(tmp_path / name))
  cli_checks.check_sample_output(str(tmp_path / "run.v2"))        # a dot in a stem that names no format: fine


@pytest.mark.parametrize("to_group", [True, False])
def test_ctrl_c_of_the_sweep_waits_for_the_rows_trainer_and_ends_in_one_line(tmp_path, to_group):
  """Round 25 (U26): Ctrl-C of the sweep printed a 25-line KeyboardInterrupt traceback, and
  subprocess.run killed the row's trainer 0.25 s later, while it saved its checkpoint. Round 26 (V40):
  a SIGINT sent to the sweep alone (`kill -INT <pid>`) never reached the trainer, which trained on."""
  trainer = tmp_path / "trainer.py"           # stands in for eflow_jax.main: a signal saves, then exits 75
  trainer.write_text(textwrap.dedent(f"""\
      import signal, sys, time
      def stop(signum, frame):
        open({str(tmp_path / 'signals')!r}, 'a').write(signal.Signals(signum).name + ' ')
        time.sleep(2)                           # the checkpoint's save
        open({str(tmp_path / 'saved')!r}, 'w').write('step 6')
        sys.exit(75)
      signal.signal(signal.SIGINT, stop)
      open({str(tmp_path / 'started')!r}, 'w').close()
      time.sleep(120)
      """))
  sweep = tmp_path / "sweep.py"
  sweep.write_text(textwrap.dedent(f"""\
      import sys
      sys.path.insert(0, {REPO!r})
      from benchmarks.sweeps import row_process
      row_process.main_interruptible(lambda: row_process.run([sys.executable, {str(trainer)!r}],
                                                             {str(tmp_path / 'row.log')!r}, {str(tmp_path)!r}))
      """))
  process = subprocess.Popen([sys.executable, str(sweep)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)        # its own group, as a terminal's foreground job
  deadline = time.time() + 60
  while not (tmp_path / "started").exists() and time.time() < deadline:
    time.sleep(0.1)
  if to_group:
    os.killpg(process.pid, signal.SIGINT)                   # what Ctrl-C at the terminal does
  else:
    os.kill(process.pid, signal.SIGINT)                     # kill -INT <the sweep's pid>
  _, err = process.communicate(timeout=60)
  assert process.returncode == 130 and (tmp_path / "saved").read_text() == "step 6"
  assert (tmp_path / "signals").read_text() == "SIGINT "      # one signal: a second gives up the save
  assert "Traceback" not in err and err.strip().splitlines()[-1].startswith(
      "interrupted: rows already finished keep their reports in --results; rerun the same command to go on")


def test_a_sampler_whose_buffers_exceed_the_free_memory_is_refused_with_a_count_that_fits():
  """Round 25 (U38), the arithmetic: XLA's temporaries and output against 90% of the free memory."""
  from eflow_jax import sample_limits
  analysis = types.SimpleNamespace(temp_size_in_bytes=19 * 2**30, output_size_in_bytes=2**30)
  with pytest.raises(MemoryError, match=r"^Pipeline: 100000 clips at once need about 20\.0 GiB of working memory to "
                                        r"sample \(the compiled sampler's buffers\), 16\.0 GiB is free; ask for about "
                                        r"60000 clips or fewer per call"):
    sample_limits.check_working_memory("Pipeline", 100000, analysis, 16 * 2**30)    # 0.75 * 16 / 20 of them
  with pytest.raises(MemoryError, match=r"even one clip does not fit"):
    sample_limits.check_working_memory("Pipeline", 1, analysis, 2**30)
  sample_limits.check_working_memory("Pipeline", 100000, analysis, 23 * 2**30)       # 20 <= 0.9 * 23: fits
  sample_limits.check_working_memory("Pipeline", 100000, None, 2**30)                # a backend without analysis


def test_a_pipeline_call_too_large_for_the_sampler_is_refused_before_it_runs(tmp_path, monkeypatch):
  """Round 25 (U38): class_ids=[1] * 100000 passed the clips-only check, and the sampler's buffers
  (19 GiB for the tiny model) had the kernel kill the process, with no message. Here the free memory
  is made small instead: the call is refused before the compiled sampler runs, and the count it
  advises is sampled."""
  import re
  import jax
  from eflow_jax import sample_limits
  from eflow_jax.tools import export as export_tool
  write_run(str(tmp_path / "run"))
  assert export_tool.main([f"--workdir={tmp_path / 'run'}", f"--output={tmp_path / 'ex'}"]) == 0
  pipe = Pipeline.from_pretrained(str(tmp_path / "ex"))
  monkeypatch.setattr(sample_limits, "free_device_memory", lambda: 20 * 2**20)
  ran, call = [], jax.stages.Compiled.__call__
  monkeypatch.setattr(jax.stages.Compiled, "__call__", lambda self, *a, **k: ran.append(1) or call(self, *a, **k))
  with pytest.raises(MemoryError, match=r"^Pipeline: 1000 clips at once need about 0\.\d GiB of working memory to "
                                        r"sample .* 0\.0 GiB is free; ask for about \d+ clips or fewer") as refused:
    pipe(class_ids=[1] * 1000, steps=1)
  assert not ran
  fit = int(re.search(r"about (\d+) clips", str(refused.value)).group(1))
  assert 10 < fit < 1000 and pipe(class_ids=[1] * fit, steps=1).shape[0] == fit and ran


def test_a_rerun_of_a_set_whose_every_video_was_skipped_says_why_again(tmp_path):
  """Round 25 (U31): the rerun reused the finished, empty shard and said only 'no video could be
  prepared (all skipped); see the errors above', with no error above."""
  import numpy as np
  from eflow_jax import video_io
  from test_prepare_data_misuse import prepare
  for i, name in enumerate(("cat/s0.mp4", "cat/s1.mp4", "dog/s2.mp4")):
    os.makedirs(tmp_path / "in" / os.path.dirname(name), exist_ok=True)
    video_io.write_mp4(str(tmp_path / "in" / name), np.full((1, 16, 16, 3), 40 * i, np.uint8), fps=8)
  for _ in range(2):                                   # the first run, then the same command again
    with pytest.raises(ValueError, match=r"^.*set: no video could be prepared, all 3 were skipped \(.*s0\.mp4: too short"
                                         r": 1 usable frames < 4 .*; .*s1\.mp4: too short.*; \.\.\.\); fix them or the "
                                         r"options and run again \(into this --output too"):
      prepare(tmp_path / "in", tmp_path / "set", shard_size=4)
  # As the line says (round 34, D25): the same --output with options the videos fit is prepared afresh.
  report = prepare(tmp_path / "in", tmp_path / "set", shard_size=4, frames=1)
  assert report["manifest"]["num_examples"] == 3


def test_two_curriculum_stages_of_one_name_are_refused():
  """Round 25 (U24, noted beside it): two stages named alike trained without a word, while a
  checkpoint, the logs and a resume name a stage by its name."""
  from eflow_jax.train import curriculum
  config = get_config()
  config.curriculum.stage2.name = config.curriculum.stage1.name
  with pytest.raises(ValueError, match=rf"^curriculum\.stage2\.name='{config.curriculum.stage1.name}' is also "
                                       r"curriculum\.stage1's; give each stage its own name"):
    curriculum.build_stages(config.curriculum, config.total_steps)
  config.curriculum.stage2.name = "another"
  assert len(curriculum.build_stages(config.curriculum, config.total_steps)) >= 2


def test_a_rows_command_runs_in_a_session_of_its_own(tmp_path):
  """A Ctrl-C at the terminal signals its whole foreground group: a row's trainer in the sweep's group
  would get it twice (directly and passed on), and a second signal gives up the checkpoint's save.
  (Two signals that close together are merged by Python, so the test above cannot tell.)"""
  from benchmarks.sweeps import row_process
  log = tmp_path / "row.log"
  assert row_process.run([sys.executable, "-c", "import os; print(os.getsid(0))"], str(log), str(tmp_path)) == 0
  assert int(log.read_text().split()[-1]) != os.getsid(0)
