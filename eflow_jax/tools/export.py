"""Hands a trained model to someone: the EMA weights as safetensors, the run's config as JSON, and a
model card, read back by `eflow_jax.Pipeline.from_pretrained(OUTPUT)`.

    python -m eflow_jax.tools.export --workdir=runs/demo --output=exported/demo [--step=N]

Only the EMA parameters are read from the checkpoint (not the online weights or the Adam moments).
OUTPUT/model.safetensors   {'cond/emb_t/fc1/kernel': array, ...}: the parameter tree, '/'-joined
OUTPUT/config.json         the resolved run config, the example shape, the step, the data manifest
OUTPUT/README.md           the model card: model, data, steps, recipe, the run's measured scores
An existing OUTPUT is refused unless it is an earlier export (its files are then replaced).
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import sys

from eflow_jax.param_tree import flatten_params
from eflow_jax.pipeline import CONFIG_FILE, WEIGHTS_FILE, Pipeline, run_description


def scores_of(workdir: str, step: int) -> list[tuple[str, dict]]:
  """The run's own measurements at `step`: its end-of-run score and --mode=eval reports."""
  found = []
  for pattern in (f"score_step{step:06d}.json", f"eval_step{step:06d}.json"):
    for path in sorted(glob.glob(os.path.join(workdir, pattern))):
      with open(path) as f:
        found.append((os.path.basename(path), json.load(f)))
  return found


def model_card(pipe: Pipeline, workdir: str) -> str:
  """A short README.md: what the model is, what it was trained on and how, what it scored."""
  c, m = pipe.config, pipe.config.model
  params = sum(v.size for v in flatten_params(pipe.params).values())
  stages = [f"{s.name}: {s.fraction or s.steps} ({'fraction' if s.fraction else 'steps'}), drop {s.drop_ratio}, "
            f"FM:SCM:MVA {s.ratio_fm}:{s.ratio_scm}:{s.ratio_mva}, LR {s.lr}"
            for key, s in sorted(c.curriculum.items()) if key.startswith("stage")]
  condition = f"{m.num_classes} classes" if m.num_classes else f"text ({c.data.text_dim}-d embeddings)"
  lines = [
      "# eflow_jax model", "",
      f"EFlow VideoDiT ({params / 1e6:.2f}M parameters, EMA weights), conditioned on {condition}; "
      f"trained for {pipe.step} steps (of {c.total_steps}) by eflow_jax. Load it with",
      "", "```python", "import eflow_jax", "pipe = eflow_jax.Pipeline.from_pretrained(\"THIS_DIRECTORY\")",
      ("videos = pipe(class_ids=[0, 1, 2], steps=4)   # uint8 (B, T, H, W, 3)" if m.num_classes else
       "videos = pipe(prompts=[\"a prompt\"], steps=4)   # uint8 (B, T, H, W, 3)"), "```", "",
      "## Model", "",
      f"- attention {m.attention} (softmax every {m.softmax_every} blocks), blocks "
      f"{m.encoder_blocks}/{m.middle_blocks}/{m.decoder_blocks} (encoder/middle/decoder), width {m.hidden}, "
      f"{m.num_heads} heads, patch {tuple(m.patch)}",
      f"- example (latent) shape {pipe.example_shape}, autoencoder {c.autoencoder.kind}"
      f"{' (' + pipe.manifest.get('autoencoder', '') + ')' if pipe.manifest else ''}", "",
      "## Data and recipe", "",
      f"- data: {c.data.source}{' ' + c.data.path if c.data.path else ''}, batch {c.data.batch_size}",
      f"- objective: guidance target {c.flow.guidance_target}, w ~ U({c.flow.w_min}, {c.flow.w_max}), "
      f"path drop {c.flow.p_drop}; sampler {c.flow.sampler}, {c.flow.inference_steps} steps, w_inf {c.flow.w_inf}",
      *[f"- stage {s}" for s in stages], "",
      "## Measured by the run", ""]
  scores = scores_of(workdir, pipe.step)
  for name, report in scores:
    shown = {k: v for k, v in report.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    lines.append(f"- `{name}`: " + ", ".join(f"{k} {v:.4g}" for k, v in shown.items()))
  if not scores:
    lines.append("- nothing: the run wrote no score or eval report at this step "
                 "(`python -m eflow_jax.main --mode=eval` writes one).")
  lines += ["", "License: Apache-2.0 (the eflow_jax code). The weights come from the run above.", ""]
  return "\n".join(lines)


def export(workdir: str, output: str, step: int | None = None) -> list[str]:
  """Writes the three files; returns their paths."""
  from safetensors.numpy import save_file
  if os.path.exists(output) and (not os.path.isdir(output) or
                                 (os.listdir(output) and not os.path.exists(os.path.join(output, CONFIG_FILE)))):
    raise FileExistsError(f"--output={output} exists and is not an earlier export; choose another directory.")
  pipe = Pipeline.from_workdir(workdir, step)
  os.makedirs(output, exist_ok=True)
  paths = [os.path.join(output, name) for name in (WEIGHTS_FILE, CONFIG_FILE, "README.md")]
  save_file(flatten_params(pipe.params), paths[0])
  os.chmod(paths[0], 0o644)        # safetensors writes 0600; an export is meant to be shared
  with open(paths[1], "w") as f:
    json.dump(run_description(pipe.config, pipe.example_shape, pipe.step, pipe.manifest), f, indent=1)
  with open(paths[2], "w") as f:
    f.write(model_card(pipe, workdir))
  return paths


def main(argv=None) -> int:
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument("--workdir", required=True, help="the training run (its checkpoints/)")
  parser.add_argument("--output", required=True, help="the export directory")
  parser.add_argument("--step", type=int, default=None, help="checkpoint step (default: the newest)")
  args = parser.parse_args(argv)
  try:
    paths = export(args.workdir, args.output, args.step)
  except (ValueError, OSError) as e:          # bad paths, an unreadable checkpoint: one line
    print(f"error: {e}", file=sys.stderr)
    return 2
  print("wrote " + " ".join(paths))
  return 0


if __name__ == "__main__":
  sys.exit(main())
