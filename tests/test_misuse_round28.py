"""Cases found by trying round 27's fixes at their edges (round 28 of docs/misuse/): a run folder
linked to nothing, the user's files at an eval report's default name, captions a tokenizer reads
as one, and a record path given to the Python API of a Moving MNIST run."""
import json
import os

import pytest
from tiny_config import get_config

from eflow_jax import call_inputs, cli_checks, workdir as workdir_lib


def test_a_run_folder_linked_to_nothing_is_refused_before_training(tmp_path):
  """X07: samples/ a link to a missing folder trained up to the first grid and ended in 'File exists',
  with the steps before it lost (no checkpoint yet)."""
  os.symlink(tmp_path / "missing", tmp_path / "samples")
  with pytest.raises(OSError, match=rf"^{tmp_path}/samples \(the samples folder of --workdir\) is a symbolic link to "
                                    rf"{tmp_path}/missing, which does not exist"):
    workdir_lib.check_run_folders(str(tmp_path))


@pytest.mark.parametrize("content", ["my notes on step 12\n", '[{"step": 12, "my_fvd": 123.4}]', '{"fvd": 1.0}'])
def test_a_file_at_an_eval_reports_default_name_that_is_not_a_report_is_kept(tmp_path, content):
  """X10, X11: notes, or a JSON list, at <workdir>/eval_step000012.json were written over by --mode=eval
  without --output (the same file as --output was refused)."""
  path = tmp_path / "eval_step000012.json"
  path.write_text(content)
  with pytest.raises(ValueError, match=rf"^{path} is there and is not an eval report; it would be overwritten: move "
                                       r"it away, or give --output=PATH\.$"):
    cli_checks.check_eval_report_settings(str(path), {"num_samples": 4})
  assert path.read_text() == content
  path.write_text("")                      # an empty file holds nothing to keep
  cli_checks.check_eval_report_settings(str(path), {"num_samples": 4})


ASKED = {"protocol": {"num_samples": 4}}


@pytest.mark.parametrize("content,report", [({"step": 12, "weights": "ema", **ASKED}, True),
                                            ({"step": 12, "weights_sha256": "ab" * 32, **ASKED}, True),
                                            ({"weights_sha256": "ab" * 32, "fvd": 3.0, **ASKED}, True),
                                            ({"step": 12, "my_fvd": 123.4}, False),
                                            ({"protocol": {"num_samples": 4}}, False), ({"weights": "ema"}, False)])
def test_eval_output_and_the_default_name_keep_the_same_files(tmp_path, content, report):
  """--output=PATH and the default eval_stepN.json replace the same files: a JSON object of the user's
  with a 'step' (their own notes of that step) was replaced at the default name, refused as --output."""
  path = tmp_path / "eval_step000012.json"
  path.write_text(json.dumps(content))
  for check in (lambda: cli_checks.check_eval_output(str(path)),
                lambda: cli_checks.check_eval_report_settings(str(path), {"num_samples": 4})):
    if report:
      check()
    else:
      with pytest.raises(ValueError, match="is not an eval report; it would be overwritten"):
        check()
  assert json.loads(path.read_text()) == content


def test_captions_a_tokenizer_reads_as_the_same_tokens_are_warned_of(tmp_path, capsys):
  """X14: two captions differing only in characters the tokenizer does not know (an emoji, a kanji)
  were embedded as one text without a word: no text_length tells them apart."""
  from eflow_jax import text
  from eflow_jax.text.tiny import make_tiny_umt5
  make_tiny_umt5(str(tmp_path / "umt5"))
  encoder = text.build("t5", path=str(tmp_path / "umt5"), text_length=16)
  capsys.readouterr()                      # the loaders' progress bars
  encoder.check_captions_kept_apart(["a 猫 runs", "a 犬 runs", "a cat"])
  assert capsys.readouterr().err.strip() == (
      "warning: 1 caption(s) are the same tokens as another for this tokenizer (characters outside its vocabulary "
      "read as one unknown token, or case or accents its normaliser drops), e.g. 'a 犬 runs' and 'a 猫 runs': each "
      "such group trains as one text.")
  encoder.check_captions_kept_apart(["a cat", "a dog"])
  assert capsys.readouterr().err == ""


def test_the_python_api_refuses_a_record_path_for_a_generated_source():
  """X19: Pipeline.from_workdir(config=...) with data.path set on a Moving MNIST config loaded without a
  word, while --mode=sample refuses it."""
  config = get_config()
  config.data.path = "/data/set"
  with pytest.raises(ValueError, match=r"^data\.path='/data/set' is read only with data\.source='array_record'"):
    call_inputs.check_config("Pipeline.from_workdir", config)
  call_inputs.check_config("Pipeline.from_workdir", get_config())
