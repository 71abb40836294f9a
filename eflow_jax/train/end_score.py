"""The line a run ends with: how its own few-step samples score (the demo's last line)."""
import os

import jax

from eflow_jax.train.evaluate import sample_metrics, write_report


def score_at_end(config, model, example_shape, state, mesh, workdir, grid_path: str | None = None) -> dict:
  """The run tells the user how it did (the demo's last line): `config.eval.score_at_end` few-step
  samples of the EMA weights, scored beside as many real held-out clips. Class models: every class in
  turn; the line gives the clips whose frames mostly read as their digit (metrics/frame_judge.py). Text
  models: the held-out captions, scored for prompt following (digit, direction, both).
  Report: <workdir>/score_stepN.json. Other data (records) has no classifier here: one line says
  the score is skipped."""
  if config.data.source != "moving_mnist":
    if jax.process_index() == 0:
      print("eval.score_at_end: skipped, the in-repo classifier scores only Moving MNIST samples; use "
            "--mode=eval (FVD with config.eval.use_i3d).", flush=True)
    return {}
  report = sample_metrics(config, model, example_shape, state, mesh, workdir,
                          num_samples=config.eval.score_at_end, use_i3d=False)
  if jax.process_index() != 0:
    return {}
  path = os.path.join(workdir, f"score_step{int(state.step):06d}.json")
  write_report(path, report)
  steps = config.flow.inference_steps
  if not model.num_classes:
    got, real = report["prompt_following"], report["prompt_following_real"]
    print(f"{steps}-step samples of {got['num_clips']} held-out captions: digit {got['digit_accuracy']:.0%}, "
          f"direction {got['direction_accuracy']:.0%}, both {got['both_accuracy']:.0%} (real clips "
          f"{real['digit_accuracy']:.0%} / {real['direction_accuracy']:.0%} / {real['both_accuracy']:.0%}; "
          f"chance {got['digit_chance']:.0%} / {got['direction_chance']:.0%}). Report: {path}", flush=True)
    return {"final_prompt_following": got["both_accuracy"]}
  grid = f" Final grid: {grid_path}." if grid_path else ""
  if "frame_judge" in report:
    # The headline reads frames as a person does (metrics/frame_judge.py); the clip classifier,
    # which is lenient with fragments, stays in the report.
    got, real = report["frame_judge"], report["frame_judge_real"]
    per_digit = " ".join(f"{c}:{v:.0%}" for c, v in got["per_digit"].items())
    print(f"{steps}-step samples: {got['recognised']:.0%} of {got['num_clips']} read as their digit in most "
          f"frames (real clips {real['recognised']:.0%}); per digit {per_digit}. Report: {path}.{grid}",
          flush=True)
    return {"final_class_accuracy": report["class_accuracy"], "final_frame_judge": got["recognised"]}
  per_digit = " ".join(f"{c}:{v:.0%}" for c, v in report["class_accuracy_per_class"].items())
  accuracy, real = report["class_accuracy"], report["class_accuracy_real"]
  print(f"{steps}-step samples: {accuracy:.0%} of {report['num_samples']} recognised "
        f"as their digit by the in-repo classifier (real clips {real:.0%}); per digit {per_digit}. "
        f"Report: {path}.{grid}", flush=True)
  return {"final_class_accuracy": report["class_accuracy"]}
