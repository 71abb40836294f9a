"""One function, two versions, the same train steps, one process: what a code change buys in speed.

    python benchmarks/dev/ab_function.py --module=eflow_jax/kernels/window_attention.py \
        --function=window_attention_reference --commit=423912a [--config=configs/demo.py]
        [--rounds=7] [--steps=4]

The function's version at `--commit` (read with `git show`, loaded as its own module) and the
working tree's are each traced into the config's curriculum-stage train steps
(`train_throughput.Program`, fixed random batch of the config's batch size). All programs are then
timed in interleaved rounds (medians, as every benchmark here). The swap replaces the module's
global, so it reaches every caller that looks the function up in its module at trace time (callers
that imported the name directly keep the working tree's version: the script says so if the two
programs come out identical).
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repo root

from benchmarks import scaffold  # pylint: disable=g-import-not-at-top
from benchmarks.paper import train_throughput
from eflow_jax.train import curriculum


def version_at(commit: str, path: str, function: str):
  """`function` as defined in `path` at `commit`, loaded as a separate module."""
  source = subprocess.run(["git", "-C", scaffold.REPO, "show", f"{commit}:{path}"], capture_output=True,
                          text=True, check=True).stdout
  with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
    f.write(source)
  spec = importlib.util.spec_from_file_location(f"at_{commit}", f.name)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  os.remove(f.name)
  return getattr(module, function)


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  parser.add_argument("--module", required=True, help="repo-relative path of the module, e.g. eflow_jax/x.py")
  parser.add_argument("--function", required=True)
  parser.add_argument("--commit", required=True, help="the 'before' version")
  parser.add_argument("--config", default="configs/demo.py")
  parser.add_argument("--rounds", type=int, default=7)
  parser.add_argument("--steps", type=int, default=4)
  args = parser.parse_args(argv)
  module = importlib.import_module(args.module[:-3].replace("/", "."))
  versions = {"before": version_at(args.commit, args.module, args.function),
              "after": getattr(module, args.function)}
  config = scaffold.load(args.config)
  stages = curriculum.build_stages(config.curriculum, config.total_steps)
  programs = {}
  for stage in stages:
    for label, fn in versions.items():
      setattr(module, args.function, fn)                 # traced into this program only
      programs[(stage.name, label)] = train_throughput.Program(
          config, curriculum.step_settings(stages, stage.start), config.data.batch_size, "none")
  setattr(module, args.function, versions["after"])
  for stage in stages:
    texts = [programs[(stage.name, label)].step.as_text() for label in versions]
    if texts[0] == texts[1]:
      print(f"warning: stage {stage.name}: both versions compiled to the same program (is "
            f"{args.function} imported by name somewhere?).")
  times = scaffold.interleaved({key: p.timed(args.steps) for key, p in programs.items()}, args.rounds)
  batch = config.data.batch_size
  print(f"{scaffold.device_line()}; {args.function} at {args.commit} (before) vs working tree (after)")
  for stage in stages:
    before, after = (scaffold.median(times[(stage.name, label)]) for label in ("before", "after"))
    spreads = "/".join(f"{scaffold.spread(times[(stage.name, label)]):.0%}" for label in ("before", "after"))
    print(f"stage {stage.name}: {batch / before:.1f} -> {batch / after:.1f} samples/s "
          f"({before / after:.3f}x; spread {spreads})")


if __name__ == "__main__":
  main()
