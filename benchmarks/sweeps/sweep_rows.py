"""Which rows an ablation sweep runs (`--tables`, `--rows`) and the config each row trains
(`--steps`, `--override`), checked before any row runs."""
import os

from benchmarks.scaffold import REPO
from eflow_jax import config_lib
from eflow_jax.cli_checks import override_error_message

TABLES = ("table2", "table3", "table4", "pdg_study", "mva_study", "attention_baselines")


def parse_tables(text: str) -> list[str]:
  """The table names of `--tables=a,b`, each once, in the order given. An empty entry (a stray
  comma) or a name that is not a table is refused, naming the tables there are."""
  names = [t.strip() for t in text.split(",")]
  for name in names:
    if name not in TABLES:
      what = "an empty entry" if not name else f"{name!r}, not a table"
      raise SystemExit(f"--tables={text} holds {what}; tables are {', '.join(TABLES)} (comma-separated).")
  return list(dict.fromkeys(names))


def selected_rows(tables, rows_arg: str) -> list[tuple[str, str]]:
  """(TABLE:ROW, config path) in sweep order; `--rows` picks some of them (an unknown one is an error)."""
  rows = []
  for table in tables:
    path = os.path.join(REPO, "configs", "ablations", f"{table}.py")
    if not os.path.exists(path):
      raise SystemExit(f"--tables: no configs/ablations/{table}.py")
    rows += [(f"{table}:{row}", path) for row in config_lib.load_module(path).ROWS]
  wanted = [r.strip() for r in rows_arg.split(",") if r.strip()]
  unknown = sorted(set(wanted) - {name for name, _ in rows})
  if unknown:
    raise SystemExit(f"--rows: unknown {', '.join(unknown)}; rows are {', '.join(n for n, _ in rows)}")
  return [(name, path) for name, path in rows if not wanted or name in wanted]


def row_config(path: str, row: str, steps: int | None, overrides):
  """The config `python -m eflow_jax.main --config=path:row [--config.total_steps=steps] *overrides`
  trains: parsed by the same ml_collections flags, so the keys see what the runs will do. An
  override of anything but a config field (--mode, --workdir, --config=) is refused: the sweep sets
  those itself for each row."""
  from absl import flags  # pylint: disable=g-import-not-at-top
  from ml_collections import config_flags  # pylint: disable=g-import-not-at-top
  for override in overrides:
    if override.startswith("-") and not override.startswith("--config."):
      raise SystemExit(f"--override={override}: overrides set config fields only (--override=--config.a.b=value); "
                       f"the sweep gives each row its own --config, --workdir and --mode.")
  argv = ["ablation_sweep", f"--config={path}:{row}", *([f"--config.total_steps={steps}"] if steps else []),
          *overrides]
  values = flags.FlagValues()
  config_flags.DEFINE_config_file("config", None, "", flag_values=values, sys_argv=argv)
  try:
    rest = values(argv)
  except Exception as e:  # pylint: disable=broad-except   (a misspelt --override: as main.parse_flags says it)
    raise SystemExit(f"--override: {override_error_message(e, argv)}") from None
  if rest[1:]:            # main.py would stop every row on them, one row at a time
    raise SystemExit(f"--override={rest[1]} is not a flag; overrides look like --override=--config.a.b=value.")
  return values.config
