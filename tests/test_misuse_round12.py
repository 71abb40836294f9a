"""A twelfth round of misuse (docs/misuse/round12.json lists every case tried): unusual but legitimate
inputs at every entry point (unicode, spaces and very long names in every path, moved, copied and
symlinked runs and exports, other cwds, device counts and JAX settings, config overrides in every
mode, odd .jsonl / .csv lists, labels and media, the model card against the config). Each case that
went wrong ends here in one line: training under JAX_ENABLE_X64 (float64 checkpoints no reader takes,
exit 0), a stage's own batch missing from the model card, .csv class names that differ only in a
space or a Unicode form (two classes of one) and an empty label cell (a class named ''), a label,
class folder or --num_classes of 10**29 (every id below it listed until memory ran out), clips larger
than the RAM (a bare MemoryError per video), a .csv header that does not parse (no column named),
an --output name too long for the file system (refused only after the sampling or the evaluation),
a Decimal guidance ('not a finite number'). Nothing is trained.
"""
import decimal
import os
import types

import pytest
from test_misuse_round9 import x64
from test_pipeline_misuse import tiny_config
from test_prepare_data_misuse import make_video, prepare

from eflow_jax import cli_checks, pipeline, sample_limits
from eflow_jax.tools import export as export_tool
from eflow_jax.tools import model_card as card_lib
from eflow_jax.tools import video_inputs
from eflow_jax.train import loop


@pytest.mark.parametrize("label", [10**30, "1e30", 2**20])
def test_a_label_far_past_any_class_table_is_refused_not_enumerated(label):
  with pytest.raises(ValueError, match=r"list.csv: label \d+ means [\d,]+ classes .* more than 1,048,576"):
    video_inputs.class_ids("list.csv", [0, label])
  assert video_inputs.class_ids("list.csv", [0, 2**20 - 1])[0] == [0, 2**20 - 1]     # the largest table allowed


def test_a_class_folder_named_by_a_huge_number_is_refused(tmp_path):
  for name in ("0", "2000000"):
    (tmp_path / "videos" / name).mkdir(parents=True)
  with pytest.raises(ValueError, match=r"class folder 2000000 means 2,000,001 classes"):
    video_inputs.folder_class_ids(str(tmp_path / "videos"), ["0", "2000000"])


def test_a_huge_num_classes_is_refused_before_any_video_is_read(tmp_path):
  make_video(tmp_path / "videos" / "cat" / "v.mp4", 0)
  with pytest.raises(ValueError, match=r"--num_classes=2000000 means 2,000,000 classes"):
    prepare(tmp_path / "videos", tmp_path / "out", num_classes=2_000_000)
  assert not (tmp_path / "out" / "manifest.json").exists()


def test_class_names_that_differ_only_in_spaces_or_unicode_form_are_refused():
  with pytest.raises(ValueError, match=r"class names ' cat', 'cat' differ only in .*the spaces around them"):
    video_inputs.class_ids("list.csv", ["cat", " cat", "dog", "dog "])
  with pytest.raises(ValueError, match=r"'cafe\\u0301', 'caf\\xe9' differ only in .* their Unicode form"):
    video_inputs.class_ids("list.jsonl", ["caf\u00e9", "cafe\u0301"])            # typed, and from a macOS file name
  assert video_inputs.class_ids("list.csv", ["cat", "cats"])[1] == ["cat", "cats"]


@pytest.mark.parametrize("header, found", [("video;label", "'video;label'"), ("video, label", "'video', ' label'")])
def test_a_csv_header_that_does_not_parse_is_named(tmp_path, header, found):
  make_video(tmp_path / "v.mp4", 0)
  sep = header[5]
  (tmp_path / "list.csv").write_text(f"{header}\n{tmp_path / 'v.mp4'}{sep}0\n")
  with pytest.raises(ValueError, match=rf"row 1.* has {found}"):
    video_inputs.read_entries(str(tmp_path / "list.csv"))


@pytest.mark.parametrize("mode, name", [("sample", "x" * 250), ("eval", "y" * 250 + ".json")])
def test_an_output_name_too_long_for_the_file_system_is_refused_before_any_work(tmp_path, mode, name):
  output = str(tmp_path / name)
  with pytest.raises(ValueError, match=r"would be 2\d\d bytes long, more than the 255 the file system allows"):
    cli_checks.check_flags(mode, str(tmp_path), {"output": output}, 10)
  fits = name[:200] if mode == "sample" else name[:195] + ".json"          # an eval report is named .json
  cli_checks.check_flags(mode, str(tmp_path), {"output": str(tmp_path / fits)}, 10)           # a long one that fits


def test_a_decimal_guidance_is_named_for_its_type_not_called_infinite():
  with pytest.raises(ValueError, match=r"guidance=Decimal\('3.5'\) is a Decimal, not a real number"):
    pipeline.check_sampling_arguments(guidance=decimal.Decimal("3.5"))


def test_a_clip_larger_than_the_free_ram_is_refused_before_any_video_is_read(tmp_path, monkeypatch):
  make_video(tmp_path / "videos" / "cat" / "v.mp4", 0)
  monkeypatch.setattr(sample_limits, "available_memory", lambda: 2**20)     # 12 MiB of pixels per clip asked
  with pytest.raises(ValueError, match=r"--frames=4 --height=512 --width=512: a clip of float32 pixels needs"):
    prepare(tmp_path / "videos", tmp_path / "out", height=512, width=512)
  assert not (tmp_path / "out").exists()


def test_an_empty_label_cell_is_refused_not_made_a_class_named_nothing(tmp_path):
  for i in range(3):
    make_video(tmp_path / f"v{i}.mp4", i)
  (tmp_path / "list.csv").write_text(f"video,label\n{tmp_path}/v0.mp4,cat\n{tmp_path}/v1.mp4,\n{tmp_path}/v2.mp4,dog\n")
  with pytest.raises(ValueError, match=r"list.csv: row 2: 'label' is empty"):
    video_inputs.read_entries(str(tmp_path / "list.csv"))


def test_training_with_jax_enable_x64_is_refused_before_anything_is_written(tmp_path):
  config = tiny_config()
  config.unlock().total_steps = 0      # an error of its own too: the x64 line must come first
  with x64():
    with pytest.raises(ValueError, match=r"--workdir=.*: JAX_ENABLE_X64 \(jax_enable_x64\) is on, and eflow_jax's "
                                         r"weights are float32"):
      loop.train(config, str(tmp_path / "run"))
  assert not (tmp_path / "run").exists()


def test_the_model_card_names_each_stages_own_batch_and_the_lr_schedule(tmp_path):
  config = tiny_config()
  config.unlock().curriculum.stage2.batch_size = 8          # the dense stage trains on batches of 8, not 4
  pipe = types.SimpleNamespace(config=config, params={}, step=4, example_shape=(4, 16, 16, 1), manifest=None)
  card = card_lib.model_card(pipe, str(tmp_path))
  assert "- data: moving_mnist, batch 4\n" in card
  assert [line.rsplit(", ", 1)[-1] for line in card.splitlines() if line.startswith("- stage ")] == ["batch 4", "batch 8"]
  assert "- LR schedule (times each stage's LR): constant, warm-up 0 steps, final fraction 0.0\n" in card


def test_report_only_without_any_report_of_the_rows_says_so_not_an_empty_screen(tmp_path):
  from benchmarks.sweeps import ablation_sweep  # pylint: disable=g-import-not-at-top
  with pytest.raises(SystemExit, match=r"--report_only: .* holds no report of the 1 row\(s\) asked for"):
    ablation_sweep.main(["--report_only", "--rows=table4:sfm_4", f"--root={tmp_path}", f"--results={tmp_path / 'r'}"])


def test_a_float64_checkpoint_written_before_the_refusal_is_named_as_such(tmp_path, capsys):
  """A run trained under JAX_ENABLE_X64 before training refused it: its float64 checkpoints read as
  'no readable checkpoint left; restore one by hand' (export, Pipeline) or as another train state."""
  import jax
  import jax.numpy as jnp
  from eflow_jax import checkpoint as ckpt_lib
  from eflow_jax.train import run_setup
  config = tiny_config()
  model, _, shape, optimizer, _ = run_setup.build(config)
  run = str(tmp_path / "x64_run")
  with x64():
    state = run_setup.fresh_state(config, model, optimizer, shape)[0]
    wide = jax.tree.map(lambda x: jnp.asarray(x, jnp.float64) if jnp.issubdtype(x.dtype, jnp.floating) else x, state)
    ckpt = ckpt_lib.Checkpointer(f"{run}/checkpoints")
    ckpt.save(4, wide.replace(step=jnp.asarray(4, jnp.int32)), data_state={"next_index": 4},
              meta={"step": 4, "stage": "sparse", "config": ckpt_lib.config_json(config)})
    ckpt.wait()
    ckpt.close()
  named = r"checkpoint step 4 in .*x64_run/checkpoints holds float64 arrays \(.* and \d+ more\): it was trained under JAX_ENABLE_X64"
  with pytest.raises(ckpt_lib.IncompatibleCheckpointError, match=named):
    pipeline.Pipeline.from_workdir(run)
  assert export_tool.main([f"--workdir={run}", f"--output={tmp_path / 'exp'}"]) != 0
  assert "holds float64 arrays" in capsys.readouterr().err
  ckpt = ckpt_lib.Checkpointer(f"{run}/checkpoints", read_only=True)
  with pytest.raises(ckpt_lib.IncompatibleCheckpointError, match=named):        # resume / sample / eval
    ckpt.restore(run_setup.fresh_state(config, model, optimizer, shape)[0])
  ckpt.close()
  assert sorted(os.listdir(f"{run}/checkpoints")) == ["4"]                       # never renamed .corrupt
