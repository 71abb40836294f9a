"""prepare_data's TFDS input: --input=tfds:NAME[/CONFIG]:SPLIT reads the videos of a TensorFlow
Datasets set already prepared in the user's TFDS data dir (--tfds_data_dir, else TFDS's default).

Nothing is downloaded: a set that is not prepared there is a one-line error (prepare it with TFDS's
own `tfds build`), never a download_and_prepare. Reading goes through `builder.as_data_source`
(ArrayRecord, random access, plain numpy), which needs no TensorFlow; builders whose features are
defined with TensorFlow (ucf101 and moving_mnist in tensorflow-datasets 4.9) cannot even be built
without it, and say so in one line.

The video is the feature named by --tfds_video, else the only video-like feature (frames x H x W x 1
or 3, uint8: a `Video`, or a `Sequence` of `Image` as in bair_robot_pushing_small), else `video`,
else `image_main` (bair's main camera). Labels come from a ClassLabel feature (`label` first) with
its class names; a set without one is a single class, i.e. unconditional training.
"""
from __future__ import annotations

import importlib
import re

PREFIX = "tfds:"
_SPEC = re.compile(r"tfds:(?P<name>[a-z][a-z0-9_]*)(?:/(?P<config>[\w.-]+))?:(?P<split>[\w.%:\[\]+-]+)")
_PREFERRED_VIDEO = ("video", "image_main")


def is_spec(input_path: str) -> bool:
  return input_path.startswith(PREFIX)


def parse_spec(spec: str) -> tuple[str, str, str]:
  """(name, config or '', split) of tfds:NAME[/CONFIG]:SPLIT; ValueError (one line) otherwise."""
  match = _SPEC.fullmatch(spec)
  upper = _SPEC.fullmatch(re.sub(r"(?<=^tfds:)[^/:]*", lambda m: m[0].lower(), spec))
  if not match and upper:
    raise ValueError(f"--input={spec!r}: TFDS names are lower case; write "
                     f"tfds:{upper['name']}{'/' + upper['config'] if upper['config'] else ''}:{upper['split']}.")
  if not match:
    raise ValueError(f"--input={spec!r} is not a TFDS input; write tfds:NAME[/CONFIG]:SPLIT, e.g. "
                     f"tfds:bair_robot_pushing_small:train or tfds:ucf101/ucf101_1_256:test[:100].")
  return match["name"], match["config"] or "", match["split"]


def read_entries(spec: str, *, data_dir: str = "", video_key: str = "") -> tuple[list[dict], list[str], dict]:
  """(entries [{'video': id, 'label', 'frames'}], class names, what the manifest records as 'tfds').
  Each entry's 'frames'() reads its example's video, (frames, H, W, 1 | 3) uint8."""
  name, config, split = parse_spec(spec)
  builder = _builder(spec, name, config, data_dir)
  features = builder.info.features
  key = _video_key(spec, features, video_key)
  label_key, classes = _class_label(features)
  _check_prepared(spec, builder, split)
  try:
    source = builder.as_data_source(split=split)
  except ValueError as e:    # a slice TFDS cannot parse, e.g. train[:200%]: its message spans two lines
    raise ValueError(f"--input={spec}: TFDS cannot read the split {split!r}: "
                     f"{' '.join(str(e).split())}") from None
  entries = []
  for i in range(len(source)):
    label = int(source[i][label_key]) if label_key else 0
    entries.append({"video": f"{spec}[{i}]", "label": label, "frames": lambda i=i: source[i][key]})
  if not entries:
    raise ValueError(f"--input={spec}: the split holds no examples.")
  described = {"name": name, "config": config, "split": split, "version": str(builder.info.version),
               "video_feature": key, "label_feature": label_key}
  return entries, classes or [name], described


def _import_tfds():
  try:
    import tensorflow_datasets as tfds  # pylint: disable=g-import-not-at-top
  except ImportError:
    raise ValueError("--input=tfds:... needs tensorflow-datasets (no TensorFlow): pip install -e '.[prep]'."
                     ) from None
  return tfds


def _builder(spec: str, name: str, config: str, data_dir: str):
  """The dataset's builder (its code and, when prepared, its metadata); never downloads."""
  tfds = _import_tfds()
  try:    # registers ucf101 and moving_mnist, which tfds only names lazily (bair needs no import)
    importlib.import_module("tensorflow_datasets.video")
  except Exception:  # pylint: disable=broad-except   (then they are unknown datasets, as in a build without them)
    pass
  try:
    return tfds.builder(f"{name}/{config}" if config else name, data_dir=data_dir or None)
  except ModuleNotFoundError as e:
    if "tensorflow" in str(e):
      raise ValueError(f"--input={spec}: the TFDS builder of {name} is written with TensorFlow and cannot run "
                       f"without it: pip install -e '.[tf]'.") from None
    raise ValueError(f"--input={spec}: {str(e).splitlines()[0]}") from None
  except tfds.core.registered.DatasetNotFoundError:
    raise ValueError(f"--input={spec}: TFDS knows no dataset {name!r} (tensorflow-datasets "
                     f"{tfds.__version__}).") from None
  except ValueError as e:
    raise ValueError(f"--input={spec}: {str(e).splitlines()[0]}") from None


def _is_image(feature) -> bool:
  from tensorflow_datasets import features as F  # pylint: disable=g-import-not-at-top
  return isinstance(feature, F.Image) and len(feature.shape) == 3 and feature.shape[-1] in (1, 3)


def _videos(features) -> list[str]:
  """The keys of the video-like features: a Video (a Sequence of Image) or another Sequence of Image,
  or each Image of an example that is itself a sequence of steps (bair_robot_pushing_small)."""
  from tensorflow_datasets import features as F  # pylint: disable=g-import-not-at-top
  if isinstance(features, F.Sequence):
    steps = features.feature
    return [k for k, f in steps.items() if _is_image(f)] if isinstance(steps, F.FeaturesDict) else []
  return [k for k, f in features.items() if isinstance(f, F.Sequence) and _is_image(f.feature)]


def _video_key(spec: str, features, video_key: str) -> str:
  videos = _videos(features)
  if video_key:
    if video_key not in videos:
      raise ValueError(f"--tfds_video={video_key!r} is not a video feature of {spec}; its video features: "
                       f"{videos or 'none'}.")
    return video_key
  if not videos:
    raise ValueError(f"--input={spec} has no video feature; prepare_data needs a Video or a Sequence of Image "
                     f"(frames x H x W x 1 or 3).")
  if len(videos) == 1:
    return videos[0]
  preferred = [k for k in _PREFERRED_VIDEO if k in videos]
  if preferred:
    return preferred[0]
  raise ValueError(f"--input={spec} has several video features {sorted(videos)}; pick one with --tfds_video.")


def _class_label(features) -> tuple[str, list[str] | None]:
  """('label' or the only top-level ClassLabel feature, its class names), or ('', None) when there is none."""
  from tensorflow_datasets import features as F  # pylint: disable=g-import-not-at-top
  if not isinstance(features, F.FeaturesDict):
    return "", None
  labels = [k for k, f in features.items() if isinstance(f, F.ClassLabel)]
  key = "label" if "label" in labels else (labels[0] if len(labels) == 1 else "")
  return (key, list(features[key].names)) if key else ("", None)


def _check_prepared(spec: str, builder, split: str) -> None:
  """The set is in the data dir, in a format read without TensorFlow, and has the split."""
  from tensorflow_datasets.core import file_adapters  # pylint: disable=g-import-not-at-top
  if not builder.is_prepared():
    raise ValueError(f"--input={spec}: not prepared in the TFDS data dir {builder.data_dir}; prepare_data never "
                     f"downloads: build it there first (`tfds build {builder.name} --file_format=array_record`) or point "
                     f"--tfds_data_dir at it.")
  if builder.info.file_format != file_adapters.FileFormat.ARRAY_RECORD:
    raise ValueError(f"--input={spec}: prepared as {builder.info.file_format.value}, read without TensorFlow only as "
                     f"array_record: `tfds convert_format --dataset_version_dir={builder.data_dir} "
                     f"--out_file_format=array_record`.")
  known = list(builder.info.splits)
  for part in re.split(r"\+", split):
    base = part.split("[")[0]
    if base not in known:
      raise ValueError(f"--input={spec}: no split {base!r}; {builder.name} has {known}.")
