# the round-29 top-level fields (run after cases.py)
import json
p = "docs/misuse/round29.json"
d = json.load(open(p))
n = len(d["cases"]); k = d["counts"]
what = (
  f"Round 29: {n} new misuse cases (Y01-Y{n:02d}) against the command-line entry points (eflow_jax.main, tools.export, tools.prepare_data, "
  "the ablation sweep) and the Python Pipeline, aimed at paths with '~' and lnk/.. in every spelling, training grids after repeated resumes, "
  "the checkpoints-folder lock, eval reports at odd --output paths, the export's model card, caption normalisation, class-folder layouts, "
  "Pipeline argument edges and the sweep's flags: "
  f"{k['good']} good, {k['traceback/unclear']} traceback/unclear, {k['silent garbage']} silent garbage, {k['data loss']} data loss, {k['not run']} not run. "
  "One cause behind seven of them: user_paths.expand_home_flags rewrites only '--flag=value' arguments, while absl and argparse also take "
  "'--flag value' (two words), which reaches the program as typed: "
  "Y01 (silent garbage): --mode=sample --workdir lnk/../run samples ANOTHER run (main.py:94 os.path.abspath normalises textually; the = form reads the run ls shows); "
  "Y02 (traceback/unclear): --mode=sample --output lnk/../s dies after sampling with a bare [Errno 2] and leaves an empty folder (video_io.write_videos makes the folder from os.path.abspath, writes the raw path); "
  "Y33 (traceback/unclear): --mode=eval --output lnk/../newdir/r.json loses the whole eval to the same bare errno (train/evaluate.py makedirs of abspath, atomic_io writes the raw path); "
  "Y04, Y05, Y06, Y38 (silent garbage): a quoted '~' in the two-word form makes a folder named '~' in the current folder for export, sample, prepare_data and the sweep "
  "(the sweep's training runs, reports and classifier landed inside the repository), the fault user_paths.py's docstring says was fixed. "
  "Y07 (silent garbage): Pipeline.from_workdir(pathlib.Path('lnk/../run')) loads another run than the same path as a str (user_paths.resolve_dotdot acts on str only). "
  "Y14 (data loss): --mode=eval --output naming an existing report of the same weights made with other settings (2-step sampler) overwrites it without a word "
  "(train/evaluate.py runs check_eval_report_settings only without --output; set_aside_report_of_other_weights keeps only other weights' reports). "
  "Y15 (traceback/unclear): an immutable report as --output fails after the whole eval with a bare [Errno 1] (no probe before evaluating). "
  "Y17 and Y36 (silent garbage): an --output that is a symbolic link (dangling, or to a shared report) is replaced by a plain file and its target never written "
  "(atomic_io.write_atomically renames over the link). "
  "Y19 (silent garbage, low): an old-format report (no weights_sha256) of step 10 at step 12's report name is quoted in the step-12 export's card as its measurement "
  "(tools/export.py scores_of never compares report['step']). "
  "Y22 (traceback/unclear, low): captions differing only in whitespace draw the 'same tokens' warning with a false cause ('characters outside its vocabulary'; text/__init__.py:155). "
  "Y28 (silent garbage, low): the sweep's --rows / --tables given twice keep only the last (argparse store; --override appends), verified with a real sweep. "
  "Y35 (traceback/unclear): a resume over an immutable training grid sets aside checkpoints and metrics, then stops with a bare [Errno 1] from "
  "train/training_grids.set_aside_grids_after's os.rename, grids half renamed (nothing deleted). "
  "Good with nits: Y08 (the Python API does not expand '~' and its hint proposes exporting to the same '~' path), Y09 (a second --resume_from_step names "
  "checkpoints '<step>.superseded.<number>' while grids get '.superseded2'), Y10 (the set-aside line says '*.superseded.gif' when '.superseded2' was used), "
  "Y11 (message names the samples folder as --workdir), Y12 (sample while training does not say which step), Y18, Y20 (no Unicode normalisation of captions: "
  "the tiny UMT5 has no normalizer, so NFC and NFD 'café' train as two texts), Y24, Y25, Y27 (round 23 S47 still: --mode=sample/eval of an export needs --config, "
  "with absl's messages), Y31 (no line says the step-12 export was replaced by step 10's).")
setup = ("cwd /tmp/wt_r29_11019 (WT), a worktree of main at fdf400b on branch round29_11019; venv /work/main/.venv (nothing installed); run as root. "
  "Fixtures made fresh for this round: /tmp/r29/env.sh = docs/misuse/round26_helpers/env.sh with /tmp/r25 -> /tmp/r29 and the worktree path -> WT, "
  "and /tmp/r29/setup.sh = docs/misuse/round22_helpers/setup.sh with /tmp/r22 -> /tmp/r29 (both copied into round29_helpers/; output /tmp/r29/log/setup.out, "
  "every step rc=0): the base run $B=/tmp/r29/runs/base (tests/tiny_config.py:steps=12, checkpoints 10, 12), its export $EX=/tmp/r29/runs/exp, "
  "videos $V=/tmp/r29/out/vids/v0..v7.mp4, cat/dog class folders $O/p02/in and their set $O/p02/train, the run $R/rs on it, the tiny UMT5 $UMT5=/tmp/r29/umt5, "
  "the caption set $O/t2v/set and the text run $T2V. Runners m / ex / pd / py (cd WT, PYTHONPATH=WT, nice -n 19 timeout 280) with $CFG, $EV, $PD, $SW. "
  "One eflow_jax process at a time, except Y12's trainer in the background while the sample and export ran (then SIGTERM); cases that change a run or set "
  "worked on cp -r copies under /tmp/r29/runs2 and /tmp/r29/out2. The full output of each command is in /tmp/r29/log/<id>.out (quoted here without absl "
  "WARNING lines). Case scripts in docs/misuse/round29_helpers/: common.sh ($L $O2 $R2 $H29 and the logger s), a1-a4 (paths: two-word flags, '~', "
  "Pipeline paths via a3.py), b1-b3 (training grids), c1-c3 (checkpoints lock and linked checkpoints), d1, d1v, d2, d3 (eval reports, model card), "
  "e1-e2 (prepare_data), f1.sh/f1.py (Pipeline), g1-g3 (sweep), h1 (export), helpers gifeq.py, readset.py (round 28's), st_cmp.py, and cases.py / "
  "summary.py which write this file through add_case.py. The '~' folders Y04-Y06 and Y38 made in WT were moved to /tmp/r29/out2/a2/wt_tilde_moved and "
  "/tmp/r29/out2/g3/wt_tilde_moved. No pytest was run.")
out = {"what": what, "setup": setup, "commit": "fdf400b",
       "machine": "x86_64, AMD EPYC, AVX-512 (2 cores shared with other jobs; every command under nice -n 19)",
       "date": "2026-12-05", "counts": d["counts"], "cases": d["cases"]}
with open(p, "w") as f:
  json.dump(out, f, indent=1, ensure_ascii=False); f.write("\n")
print(n, d["counts"])
