"""Paths as a user types them on a command line, shared by every entry point (eflow_jax/main.py,
tools/export.py, tools/prepare_data.py, benchmarks/sweeps/ablation_sweep.py).

- `~`: the shell expands it only at the start of a word, so `--workdir=~/x` reached the program as
  typed and made a folder named `~` in the current directory.
- A run's checkpoints folder belongs to the checkpointer: a file written into a step folder
  (`<run>/checkpoints/<step>/`) is deleted with that step when checkpoint pruning (max_to_keep)
  removes it, and a folder beside the steps is taken for a step (eflow_jax/checkpoint.py).

Standard library only: the command line checks these before JAX is imported.
"""
import os
import sys

# Names of --config.a.b overrides that hold a path: data.path, curriculum.stageN.data_path,
# eval.classifier_path, autoencoder.cache_dir, autoencoder.weights, text_encoder.path...
_CONFIG_PATH_ENDINGS = ("path", "_dir", "weights")


def expand_home(value):
  """`value` with a leading `~` or `~user` expanded (anything else, or a non-string, as given)."""
  return os.path.expanduser(value) if isinstance(value, str) and value.startswith("~") else value


def resolve_dotdot(value):
  """`value` with a `..` resolved as the system resolves it: after the link before it (`lnk/../run`
  with lnk -> real/sub is real/run, the folder `ls` lists), made absolute by os.path.realpath; a
  textual os.path.abspath drops `lnk/..` and names another folder. A pathlib.Path is read as its
  text (as os.path.realpath reads it). Other values as given."""
  if isinstance(value, os.PathLike):
    value = os.fspath(value)
  if isinstance(value, str) and ".." in value.split(os.sep):
    return os.path.realpath(value)
  return value


def _is_path_flag(name: str, names) -> bool:
  if name in names:
    return True
  return name.startswith("config.") and name.rsplit(".", 1)[-1].endswith(_CONFIG_PATH_ENDINGS)


def _refuse_padded(flag: str, value: str) -> None:
  """A path with a name that starts or ends in whitespace (a pasted path, a quoted variable with a
  stray space) would make a folder no later command finds by its visible name: one line, exit 2."""
  padded = [part for part in value.split(os.sep) if part != part.strip()]
  if padded:
    print(f"error: {flag}={value!r}: the name {padded[0]!r} starts or ends with a space; remove it (nothing was "
          f"written).", file=sys.stderr)
    sys.exit(2)


def _refuse_none_text(flag: str, value: str) -> None:
  """`--config.eval.metrics_dir=None` reaches the config as the text 'None' (ml_collections cannot type
  a field whose default is None): the eval wrote its caches into a new folder ./None, as `--output=None`
  (a script's unset variable) wrote an export there."""
  if value.strip().lower() in ("none", "null"):
    print(f"error: {flag}={value} would be a folder named {value.strip()!r}, not 'unset': give a path, or leave {flag} "
          f"out where it has a default (nothing was written).", file=sys.stderr)
    sys.exit(2)


def _joined_path_flags(argv, names) -> list:
  """argv with a path flag given as two words (`--output ~/x`, `--workdir lnk/../run`, which absl and
  argparse take as `--output=~/x`) joined into one, so that expand_home_flags sees its value. A next
  word that is another flag (`--workdir --mode=sample`: absl takes it as the folder, and trains a run
  into ./--mode=sample) is refused in one line, exit 2."""
  out, argv = [], list(argv)
  while argv:
    arg = argv.pop(0)
    if (isinstance(arg, str) and arg.startswith("-") and "=" not in arg and _is_path_flag(arg.lstrip("-"), names)
        and argv and isinstance(argv[0], str)):
      if argv[0].startswith("-") and argv[0] != "-":
        print(f"error: {arg} is followed by {argv[0]}, another flag: give {arg} its path ({arg}=PATH).",
              file=sys.stderr)
        sys.exit(2)
      arg = f"{arg}={argv.pop(0)}"
    out.append(arg)
  return out


def expand_home_flags(argv, names) -> list:
  """argv with the values of `--name=~...` and `--name ~...` expanded (and a `..` resolved:
  resolve_dotdot) for each flag in `names` (without dashes) and for the --config.* overrides that hold
  a path; other arguments untouched."""
  out = []
  for arg in _joined_path_flags(argv, names):
    if isinstance(arg, str) and arg.startswith("-") and "=" in arg:
      flag, value = arg.split("=", 1)
      if _is_path_flag(flag.lstrip("-"), names):
        _refuse_padded(flag, value)
        _refuse_none_text(flag, value)
        arg = f"{flag}={resolve_dotdot(expand_home(value))}"
    out.append(arg)
  return out


def check_flagfiles(argv) -> list:
  """argv with `--flagfile=~/f` expanded (and `lnk/..` resolved) as other path flags are; each such
  file must be readable: config_flags reads them while the command's flags are defined, where a
  missing one ends in a stack trace. One line, exit 2."""
  argv = expand_home_flags(argv, ("flagfile",))
  given = [a.split("=", 1)[1] for a in argv if isinstance(a, str) and a.startswith(("--flagfile=", "-flagfile="))]
  given += [argv[i + 1] for i, a in enumerate(argv[:-1]) if a in ("--flagfile", "-flagfile")]
  for path in given:
    if not os.path.isfile(path) or not os.access(path, os.R_OK):
      print(f"error: --flagfile={path}: {'no such file' if not os.path.exists(path) else 'not a readable file'} "
            f"(nothing was run).", file=sys.stderr)
      sys.exit(2)
  return argv


def _holds_steps(folder: str) -> bool:
  """Whether `folder` holds a checkpoint step as Orbax writes one (`<step>/_CHECKPOINT_METADATA`), not
  merely folders named by numbers (`exports/checkpoints/2024/`)."""
  try:
    return any(name.isdigit() and os.path.exists(os.path.join(folder, name, "_CHECKPOINT_METADATA"))
               for name in os.listdir(folder))
  except OSError:
    return False


def checkpoints_folder_holding(path: str, workdir: str | None = None) -> str | None:
  """The checkpoints folder that `path` is or lies in: `workdir`'s own, or any run's (a folder named
  checkpoints that holds checkpoint steps); None when it lies in none."""
  target = os.path.realpath(path)
  own = os.path.realpath(os.path.join(workdir, "checkpoints")) if workdir else None
  current = target
  while True:
    if current == own or (os.path.basename(current) == "checkpoints" and _holds_steps(current)):
      return current
    if os.path.dirname(current) == current:
      return None
    current = os.path.dirname(current)


def check_outside_checkpoints(flag: str, path: str, workdir: str | None = None, *, stem: bool = False) -> None:
  """Refuses, in one ValueError line, an output path in a run's checkpoints folder (see above).
  stem: `path` names files written beside it (a report, a sample's STEM.gif), so its folder counts."""
  folder = checkpoints_folder_holding(os.path.dirname(os.path.abspath(path)) if stem else path, workdir)
  if folder:
    raise ValueError(f"{flag}={path} is inside the run's checkpoints folder {folder}, whose step folders "
                     f"checkpoint pruning (max_to_keep) deletes and where a folder is taken for a step; "
                     f"choose a path outside it.")


def absolute_record_paths(config) -> None:
  """data.path, data.eval_path and each curriculum stage's data_path made absolute where given, in
  place: a checkpoint and an export keep the paths a run read (train/fault_tolerance.py, the export's
  config.json), and a relative one read from another folder would name another set, or none. Links
  are resolved as the system resolves them (os.path.realpath): `current/../train` through a link
  `current` is the `train` beside the link's target, not the one beside the link, as a purely textual
  os.path.abspath would have it."""
  data = config.data
  for field in ("path", "eval_path"):
    if isinstance(data.get(field), str) and data.get(field):
      data[field] = os.path.realpath(data[field])
  for stage in (config.get("curriculum") or {}).values():
    if isinstance(stage.get("data_path"), str) and stage.get("data_path"):
      stage.data_path = os.path.realpath(stage.data_path)


def absolute_path_override(arg: str) -> str:
  """A `--config.a.path=rel` override with its path made absolute from the current folder, for a
  program that hands overrides on to a trainer it starts in another folder (the ablation sweep runs
  each row from the repository: `data/train` would be the repository's); other arguments as given."""
  if isinstance(arg, str) and arg.startswith("-") and "=" in arg:
    flag, value = arg.split("=", 1)
    if _is_path_flag(flag.lstrip("-"), ()) and value and not os.path.isabs(expand_home(value)):
      return f"{flag}={os.path.realpath(expand_home(value))}"
  return arg
