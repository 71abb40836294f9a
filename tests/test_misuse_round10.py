"""A tenth round of misuse (docs/misuse/round10.json lists every case tried): the numbers the code
reports, derived again from the files it wrote (metrics.jsonl against the curriculum, the eval report
against an independent Fréchet distance, the model card against model.safetensors, the manifest
against the records), prepare_data's media at their edges (upper-case extensions, AppleDouble files,
nested and symlinked folders, short, grey and paletted videos, mixed frame rates, class folders named
by numbers), the run recipe's override coercion, the Python API inside a program (pickle, deepcopy,
disable_jit, jit, fork, generators) and cadences and eval inputs at their edges. Each case that did
the wrong thing without a word ends here in one line: videos in a sub-folder of a class folder (left
out), class folders '0', '1', '2', '10' (folder 10 trained as class 2, while the label "10" in a list
is class 10), videos of different frame rates (recorded as a median rate none of them has). Nothing
is trained.
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from test_misuse_round9 import run_and_export  # pylint: disable=unused-import (a fixture)
from test_prepare_data_misuse import make_video, prepare

import eflow_jax
from eflow_jax import video_io
from eflow_jax.tools import video_inputs


@pytest.fixture(scope="module")
def pipe(run_and_export):
  return eflow_jax.Pipeline.from_pretrained(run_and_export[1])


def test_videos_in_a_sub_folder_of_a_class_folder_are_refused_not_left_out(tmp_path):
  for name in ("cat/v1.mp4", "cat/more/v2.mp4", "dog/v3.mp4"):
    make_video(tmp_path / "videos" / name, 0)
  with pytest.raises(ValueError, match=r"more holds 1 video\(s\) in a sub-folder of a class folder, which is not read"):
    video_inputs.read_entries(str(tmp_path / "videos"))
  (tmp_path / "videos" / "cat" / "more").rename(tmp_path / "videos" / "cat" / ".more")    # hidden: not a sub-folder
  (tmp_path / "videos" / "dog" / "notes").mkdir()                                          # no videos in it
  entries, classes = video_inputs.read_entries(str(tmp_path / "videos"))
  assert len(entries) == 2 and classes == ["cat", "dog"]


def test_class_folders_named_by_numbers_are_those_class_ids(tmp_path):
  for name in ("0", "1", "2", "10"):
    make_video(tmp_path / "videos" / name / "v.mp4", 0)
  entries, classes = video_inputs.read_entries(str(tmp_path / "videos"))
  assert classes == ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]     # 3..9: empty classes, kept
  assert {e["video"].split("/")[-2]: e["label"] for e in entries} == {"0": 0, "1": 1, "2": 2, "10": 10}
  make_video(tmp_path / "mixed" / "2" / "v.mp4", 0)      # a name among the numbers: names, in sorted order
  make_video(tmp_path / "mixed" / "cat" / "v.mp4", 0)
  assert video_inputs.read_entries(str(tmp_path / "mixed"))[1] == ["2", "cat"]


def test_two_class_folders_of_one_number_are_refused(tmp_path):
  for name in ("2", "02"):
    make_video(tmp_path / "videos" / name / "v.mp4", 0)
  with pytest.raises(ValueError, match=r"class folders '02', '2' are all class 2"):
    video_inputs.read_entries(str(tmp_path / "videos"))


@pytest.mark.parametrize("rates, warned", [([8.0, 8.0, 30.0, 30.0], True), ([8.0, 25 / 3], False), ([30.0], False)])
def test_videos_of_different_frame_rates_are_named_in_a_warning(capsys, rates, warned):
  assert video_inputs.recorded_rate(rates) == round(float(np.median(rates)), 3)
  err = capsys.readouterr().err
  assert ("frame rates differ (8 to 30 fps)" in err) == warned and err.count("\n") == int(warned)
  assert video_inputs.recorded_rate([]) is None


def test_prepare_data_warns_of_mixed_frame_rates_once(tmp_path, capsys):
  rng = np.random.default_rng(0)
  for name, fps in (("cat/a.mp4", 8), ("dog/b.mp4", 30)):
    (tmp_path / "videos" / name).parent.mkdir(parents=True, exist_ok=True)
    video_io.write_mp4(str(tmp_path / "videos" / name), rng.integers(0, 255, (6, 16, 16, 3), dtype=np.uint8), fps=fps)
  manifest = prepare(tmp_path / "videos", tmp_path / "out")["manifest"]
  assert manifest["fps"] == 19.0
  assert capsys.readouterr().err.count("frame rates differ (8 to 30 fps)") == 1


def test_numbered_class_folders_keep_their_ids_and_an_empty_one_its_id(tmp_path, capsys):
  for name in ("1", "2", "5"):
    (tmp_path / "videos" / name).mkdir(parents=True)
  for name in ("1", "2"):
    make_video(tmp_path / "videos" / name / "v.mp4", 0)
  manifest = prepare(tmp_path / "videos", tmp_path / "out")["manifest"]
  assert manifest["num_classes"] == 6 and manifest["class_names"] == ["0", "1", "2", "3", "4", "5"]
  assert "classes '0', '3', '4', '5' have no video; they keep their ids" in capsys.readouterr().err


@pytest.mark.parametrize("call", [lambda p: jax.jit(lambda: p(class_ids=[1]))(),
                                  lambda p: jax.jit(lambda y: p(class_ids=y))(jnp.array([1, 2]))])
def test_the_pipeline_inside_jax_jit_is_refused_in_one_line(pipe, call):
  with pytest.raises(TypeError, match=r"^Pipeline\(\.\.\.\) was called inside jax.jit / vmap / grad"):
    call(pipe)
  with jax.disable_jit():                               # nothing is traced there: it samples
    assert pipe(class_ids=[1]).shape[0] == 1


def test_class_ids_from_a_generator_are_the_ids_it_yields_and_a_set_is_refused(pipe):
  assert (pipe(class_ids=(i for i in [1, 2, 3])) == pipe(class_ids=[1, 2, 3])).all()
  with pytest.raises(ValueError, match=r"class_ids is a set, which has no order"):
    pipe(class_ids={1, 2})
  with pytest.raises(ValueError, match=r"class_ids is a mapping: give a list of ids"):
    pipe(class_ids={1: "cat", 2: "dog"})      # read as one object before: 'is not whole numbers'


def test_a_pipeline_called_in_a_forked_child_is_refused_not_hung(pipe):
  import os  # pylint: disable=g-import-not-at-top
  import time  # pylint: disable=g-import-not-at-top
  import warnings  # pylint: disable=g-import-not-at-top
  with warnings.catch_warnings():
    warnings.simplefilter("ignore", RuntimeWarning)      # JAX's own warning that a fork may deadlock
    child = os.fork()
  if child == 0:                                        # the child: never touches JAX if refused
    try:
      pipe(class_ids=[1])
      os._exit(1)
    except RuntimeError as e:
      os._exit(0 if "called in a child forked from it" in str(e) else 2)
    finally:
      os._exit(3)
  deadline = time.time() + 60
  while time.time() < deadline:
    done, status = os.waitpid(child, os.WNOHANG)
    if done:
      assert os.waitstatus_to_exitcode(status) == 0
      return
    time.sleep(0.2)
  os.kill(child, 9)
  pytest.fail("the forked child hung")
