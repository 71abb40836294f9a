"""The model card an export writes (OUTPUT/README.md): what the model is, what it was trained on
and how, whether every update was applied, and what the run itself measured at the exported step.
Only reports that scored exactly these weights are shown (weights_digest.py)."""
from __future__ import annotations

import glob
import json
import os
import sys

from eflow_jax.checkpoint import first_line
from eflow_jax.param_tree import flatten_params
from eflow_jax.sample_limits import steps_taken
from eflow_jax.weights_digest import KEY, records_step, scored_other_weights


def scores_of(workdir: str, step: int, digest: str | None = None) -> list[tuple[str, dict]]:
  """The run's own measurements at `step`: its end-of-run score and --mode=eval reports. A report
  that cannot be read (an eval killed while writing it), that records another step, or that scored
  other weights of this step than `digest` names (weights_digest.py), is skipped with a warning. A
  report set aside by a retrain (<name>.superseded[-k].json) counts when it names exactly these
  weights: the step can be trained back to them."""
  found = []
  retrained = glob.glob(os.path.join(workdir, "checkpoints", f"{step}.superseded*"))
  for stem in (f"score_step{step:06d}", f"eval_step{step:06d}"):
    path = os.path.join(workdir, f"{stem}.json")
    report = read_report(path) if os.path.exists(path) else None
    if report is None:
      pass
    elif not records_step(report, step):                  # a report of another step copied to this name
      print(f"warning: {path} is a report of step {report['step']!r}, not of step {step}; the model card leaves it "
            f"out.", file=sys.stderr, flush=True)
    elif scored_other_weights(report, digest) or (digest and report.get(KEY) is None and retrained):
      print(f"warning: {path} scored other weights of step {step}, or names none while the step was trained "
            f"again since; the model card leaves it out.", file=sys.stderr, flush=True)
    else:
      found.append((os.path.basename(path), report))
    for kept in sorted(glob.glob(os.path.join(workdir, f"{stem}.superseded*.json"))) if digest else []:
      report = read_report(kept, quiet=True)
      if report is not None and report.get(KEY) == digest:
        found.append((os.path.basename(kept), report))
  return found


def read_report(path: str, quiet: bool = False) -> dict | None:
  """A report's JSON object, or None with a warning (none when `quiet`) when it cannot be read."""
  try:
    with open(path) as f:
      report = json.load(f)
    if not isinstance(report, dict):
      raise ValueError(f"a JSON {type(report).__name__}, not a report's object")
    return report
  except (OSError, ValueError) as e:
    if not quiet:
      print(f"warning: {path} is unreadable ({first_line(e)}); the model card leaves it out.", file=sys.stderr,
            flush=True)
    return None


def example_call(config) -> str:
  """The card's example, valid for this model: its own class ids (a fixed [0, 1, 2] on a 2-class
  model asked for the unconditional id 2 as a third clip) and the steps its sampler takes (4 was
  refused by a one_step model)."""
  m, steps = config.model, steps_taken(config.flow.sampler, config.flow.inference_steps)
  if not m.num_classes:
    return f"videos = pipe(prompts=[\"a prompt\"], steps={steps})   # uint8 (B, T, H, W, 3)"
  ids = list(range(min(3, m.num_classes)))
  return (f"videos = pipe(class_ids={ids}, steps={steps})   # uint8 (B, T, H, W, 3); class ids 0-{m.num_classes - 1}, "
          f"{m.num_classes} = unconditional")


def sampled_how(report: dict) -> str:
  """How a report's clips were sampled and what they were scored against (train/evaluate.py's
  protocol), so that its scores are not read as those of the recipe's sampler when an eval ran with
  another one, nor as held-out scores when the real clips were the training records."""
  p = report.get("protocol") if isinstance(report.get("protocol"), dict) else {}
  if "sampler" not in p:
    return "sampler, steps and guidance not recorded"
  against = p.get("eval_set") if isinstance(p.get("eval_set"), dict) else {}
  held = {True: "held out" + (": no clip identical to a trained one" if "compared" in against else ""),
          False: "NOT held out"}.get(against.get("held_out"), "not known to be held out")
  scored = (f", against {against.get('clips', '?')} ({held}"
            f"{', %s records' % against['records'] if 'records' in against else ''})" if against else "")
  return (f"sampler {p['sampler']}, {counted(p.get('sampler_steps', '?'), 'step')}, guidance {p.get('guidance', '?')}"
          + (f", {p['num_samples']} samples" if "num_samples" in p else "") + scored)


def model_card(pipe, workdir: str, digest: str | None = None, skipped: int | None = None) -> str:
  """A short README.md for `pipe` (a Pipeline): what the model is, what it was trained on and how,
  how many of its updates were skipped for a non-finite loss (`skipped`, None: not recorded), what
  it scored."""
  c, m = pipe.config, pipe.config.model
  params = sum(v.size for v in flatten_params(pipe.params).values())
  # A stage's own batch and record set (schema/curriculum.py) were left out: the card named data.batch_size for all.
  stages = [f"{s.name}: {s.fraction or s.steps} ({'fraction' if s.fraction else 'steps'}), drop {s.drop_ratio}, "
            f"split {', '.join(f'{term} {share:g}' for term, share in s.ratios.items() if share)}, LR {s.lr}, "
            f"batch {s.get('batch_size') or c.data.batch_size}{', data ' + s.data_path if s.get('data_path') else ''}"
            for key, s in sorted(c.curriculum.items()) if key.startswith("stage")]
  condition = f"{m.num_classes} classes" if m.num_classes else f"text ({c.data.text_dim}-d embeddings)"
  lines = [
      "# eflow_jax model", "",
      f"EFlow VideoDiT ({params / 1e6:.2f}M parameters, EMA weights), conditioned on {condition}; "
      f"trained for {pipe.step} steps (of {c.total_steps}) by eflow_jax{skipped_note(skipped, pipe.step)}. Load it with",
      "", "```python", "import eflow_jax", "pipe = eflow_jax.Pipeline.from_pretrained(\"THIS_DIRECTORY\")",
      example_call(c), "```", "",
      "## Model", "",
      f"- attention {m.attention} (softmax every {m.softmax_every} blocks), blocks "
      f"{m.encoder_blocks}/{m.middle_blocks}/{m.decoder_blocks} (encoder/middle/decoder), width {m.hidden}, "
      f"{m.num_heads} heads, patch {tuple(m.patch)}",
      f"- example (latent) shape {pipe.example_shape}, autoencoder {c.autoencoder.kind}"
      f"{' (' + pipe.manifest.get('autoencoder', '') + ')' if pipe.manifest else ''}",
      *([] if m.num_classes else [text_encoder_line(c)]), "",
      "## Data and recipe", "",
      f"- data: {c.data.source}{' ' + c.data.path if c.data.path else ''}, batch {c.data.batch_size}",
      f"- objective: guidance target {c.flow.guidance_target}, w ~ U({c.flow.w_min}, {c.flow.w_max}), "
      f"path drop {c.flow.p_drop}; sampler {c.flow.sampler}, "
      f"{counted(steps_taken(c.flow.sampler, c.flow.inference_steps), 'step')}, w_inf {c.flow.w_inf}",
      *[f"- stage {s}" for s in stages],
      f"- LR schedule (times each stage's LR): {c.lr_schedule.decay}, warm-up {c.lr_schedule.warmup_steps} steps, "
      f"final fraction {c.lr_schedule.final_fraction}", "",
      "## Measured by the run", ""]
  scores = scores_of(workdir, pipe.step, digest)
  for name, report in scores:
    shown = {k: v for k, v in report.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    lines.append(f"- `{name}` ({sampled_how(report)}): " + ", ".join(f"{k} {v:.4g}" for k, v in shown.items()))
  if not scores:
    lines.append("- nothing: the run wrote no score or eval report at this step "
                 "(`python -m eflow_jax.main --mode=eval` writes one).")
  lines += ["", "License: Apache-2.0 (the eflow_jax code). The weights come from the run above.", ""]
  return "\n".join(lines)


def skipped_note(skipped: int | None, step: int) -> str:
  """The card's word on updates never applied (train/step.py, nan_policy): a run that skipped most
  of its steps is not the run its step count suggests."""
  if not skipped:
    return ""
  return (f"; {skipped} of these {step} updates were skipped (not applied) because the loss or gradient was not "
          f"finite (nan_policy)")


def text_encoder_line(config) -> str:
  """A text model embeds each prompt with the encoder it trained with, which the export does not hold:
  a reader copying the folder to another machine learns where it is read from before the first call."""
  te = dict(config.get("text_encoder") or {})
  if not (te.get("kind") or te.get("path")) or te.get("kind") == "builtin":
    return "- text encoder: builtin (part of the eflow_jax package)"
  return (f"- text encoder: {te.get('kind') or 't5'} read from {te.get('path')} (not in this folder; on another "
          f"machine set `pipe.config.text_encoder.path` to its copy before the first call)")


def counted(number, noun: str) -> str:
  """'1 step', '4 steps', '? steps' (a report that does not record it)."""
  return f"{number} {noun}{'' if number == 1 else 's'}"
