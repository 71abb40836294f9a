"""Adds the re-run's fields (after, category_after, commit_after) to round29.json's re-run cases, and
counts_after / commit_after at the top (re-run cases by category_after, the others by category).
rr_update_json.py docs/misuse/round29.json COMMIT   (run after add_case.py added the new cases)"""
import json, sys

path, commit = sys.argv[1], sys.argv[2]
L = "/tmp/r29/rr/log"
AFTER = {
 "Y01": ("good", f"rr_a1.sh ($O2/a_rr): two words --workdir $A/lnk/../run: rc=0, frames (gifeq.py) y01sp bc95bef3f4 / a094bf0879 = y01eq (= form) = the base run's step 12 in real/run; the textual $A/run (step 10 only, y01v) gives 489bb32cb0 / 2286fec8b7 (as the first run's y01sp did). The right run is read. Logs {L}/y01*.out"),
 "Y02": ("good", f"rr_a1.sh: --output $A/lnk/../y02sp (two words): rc=0, 'wrote /tmp/r29/out2/a_rr/real/y02sp.gif ... real/y02sp_clips/...' (frames = y02eq, = form, also in real/); no stray folder at the textual $A/y02sp_clips. Log {L}/y02sp.out"),
 "Y04": ("good", f"rr_a2.sh (HOME=$O2/a2_rr/home): ex --workdir=$B --output '~/y04sp': rc=0 'wrote /tmp/r29/out2/a2_rr/home/y04sp/model.safetensors ...' (step 12, as the = form's home/y04eq); no '~' in $WT before or after (ls -a). Log {L}/y04sp.out"),
 "Y05": ("good", f"rr_a2.sh: m --mode=sample --output '~/y05sp': rc=0 'wrote /tmp/r29/out2/a2_rr/home/y05sp.gif .../home/y05sp_clips/...'; nothing in $WT (no '~'). Log {L}/y05sp.out"),
 "Y06": ("good", f"rr_a2.sh: pd --input '~/in' (before HOME/in existed) now names the expanded path: \"prepare_data: error: --input '/tmp/r29/out2/a2_rr/home/in' does not exist.\" rc=2; pd --input=$HOME/in --output '~/y06set': rc=0 'prepare_data: /tmp/r29/out2/a2_rr/home/y06set/manifest.json: 4 examples ...'; also both two-word (--input '~/in' --output '~/y06setc'): rc=0 in HOME; no '~' in $WT. Logs {L}/y06sp*.out"),
 "Y07": ("good", f"rr_a3.sh/rr_a3.py on $O2/a_rr: from_workdir(str lnk/../run) and from_workdir(Path(lnk/../run)) both 'step 12 source /tmp/r29/out2/a_rr/real/run/checkpoints step 12 sum 790119' (the first run's Path gave step 10, sum 790329); from_pretrained str and Path both step 12 sum 790119 (real/exp; $A/exp is a step-10 export). Log {L}/y07.out"),
 "Y08": ("good", f"rr_a3.py (HOME=$O2/a3home_rr): from_workdir('~/run'), from_workdir(Path('~/run')), from_pretrained('~/exp'), from_pretrained(Path('~/exp')) all load step 12 (source /tmp/r29/out2/a3home_rr/..., sum 790119); a missing '~/nosuch' is named expanded: 'FileNotFoundError: /tmp/r29/out2/a3home_rr/nosuch/config.json, ... not found: /tmp/r29/out2/a3home_rr/nosuch is not an eflow_jax export (... --output=/tmp/r29/out2/a3home_rr/nosuch).' Nit gone. Log {L}/y07.out"),
 "Y10": ("good", f"rr_b.sh ($R2/b2_rr, the user's own step_000004.superseded.gif/.mp4 in samples/): first resume rc=0, 'samples: 4 grid file(s) of steps after 2 renamed step_NNNNNN.superseded[-k].gif / .mp4 (those steps are trained again).'; the run's step-4 grids went to step_000004.superseded-2.gif/.mp4 (md5 = the step-4 grids before), step 6's to .superseded.gif; second resume (y10c) rc=0: step_000004.superseded-3.*, step_000006.superseded-2.*; the user's two files md5sum -c OK after both. The line no longer names a wrong suffix. (Checkpoints are still named 4.superseded / 4.superseded.1796482986: Y09's nit, not re-run.) Logs {L}/y10*.out"),
 "Y11": ("good", f"rr_b.sh ($R2/b3_rr, samples/ chattr +i): rc=4 before step 1: 'error: /tmp/r29/runs2/b3_rr/samples (the samples folder of --workdir) is not writable (PermissionError: [Errno 1] Operation not permitted: '/tmp/r29/runs2/b3_rr/samples/.write_probe_23373'); choose another directory or fix its permissions.'; nothing written (the workdir holds only samples/). Nit gone. Log {L}/y11.out"),
 "Y14": ("good", f"rr_d.sh ($O2/d_rr, $R2/d_rr/run): 2-step eval into r.json (md5 2ef157ff), then the default 4-step eval with the same --output: rc=2 at once (no eval work in the log): 'error: /tmp/r29/out2/d_rr/r.json holds an eval with sampler_steps=2, this one has sampler_steps=4; give another --output to keep both, or delete it.'; r.json md5sum -c OK, folder unchanged. Code: train/evaluate.py now calls cli_checks.check_eval_report_settings for --output too. Log {L}/y14b.out"),
 "Y15": ("good", f"rr_d.sh: ro.json (copy of r.json) chattr +i, 2-step eval --output=ro.json: rc=2 before the eval: 'error: /tmp/r29/out2/d_rr/ro.json cannot be replaced (it is read-only or immutable); give another --output or make it writable.'; ro.json md5 OK, no tmp file; chattr -i undone (lsattr shows no i). Log {L}/y15.out"),
 "Y17": ("good", f"rr_d.sh: dang.json -> $D/gone/r.json (missing folder): rc=2 before the eval: 'error: /tmp/r29/out2/d_rr/dang.json is a symbolic link to /tmp/r29/out2/d_rr/gone/r.json, whose folder does not exist: the report could not be written; create that folder or remove the link.'; the link is still a link, $D/gone not made. Log {L}/y17.out"),
 "Y19": ("good", f"rr_d.sh ($R2/d2b_rr: eval_step000012.json = the step-10 report without weights_sha256): ex rc=0 with 'warning: /tmp/r29/runs2/d2b_rr/eval_step000012.json is a report of step 10, not of step 12; the model card leaves it out.'; README '## Measured by the run' now says '- nothing: the run wrote no score or eval report at this step (...)'; step 10's scores no longer quoted. Log {L}/y19.out"),
 "Y22": ("good", f"rr_e.sh ($O2/e_rr): the same four captions: rc=0 and no warning at all; the records as before (the three whitespace variants share the text embedding a7423873, 'A cat runs' 8d961e40). Log {L}/y22.out"),
 "Y25": ("good", f"rr_f.sh (f1.py on $EX): np.bool_(True) -> 'ValueError: class_ids: [True] is not a whole number; give integer ids.'; np.array([True, False]) -> '... [True, False] are not whole numbers ...'; the other rows as before (int64/uint8/float32 [1, 0] = reference 68b4f95a3d). Nit gone. Log {L}/y25.out"),
 "Y28": ("good", f"rr_g.sh --report_only on a fresh --results: --rows=table4:sfm_4 --rows=table4:pdg_sfm_4 -> '... holds no report of the 2 row(s) asked for' (was 1); two-word --rows x --rows y -> 2; --tables=table2 --tables=table4 -> 12 row(s) (= 7 of table2 + 5 of table4, each counted alone); a row repeated across the two --rows counted once (2). Real sweep (rr_g2.sh, $O2/g2_rr): --rows=table4:sfm_4 --rows=table4:pdg_sfm_4 --steps=2 $SW: rc=0, the table holds both rows ('| pdg_sfm_4 | 0.06529 | 0 | 5.098 | 4 | 2 |', '| sfm_4 | 0.06546 | 0 | 5.103 | 4 | 2 |'), root and results hold both rows' runs, logs and reports (the first run kept only pdg_sfm_4). Logs {L}/y28*.out"),
 "Y31": ("good", f"rr_h.sh ($O2/h_rr): ex --step=10 into the step-12 export: rc=0, '... eval_mine.json scored other weights of step 12 (...): kept as .../eval_mine.superseded.json, not written over.' then '--output=/tmp/r29/out2/h_rr/e: the export of step 12 is replaced by step 10's.'; config step 10, NOTES.md md5 unchanged. Nit gone. Log {L}/y31b.out"),
 "Y33": ("good", f"rr_a4.sh ($O2/a4_rr): eval --output $A/lnk/../reports/rep.json (two words, new folder): rc=0 'eval (EMA weights) -> /tmp/r29/out2/a4_rr/real/reports/rep.json'; existing folder two words -> real/rep.json; = form -> real/reports2/rep.json; no stray $A/reports at the textual place (find). Logs {L}/y33*.out"),
 "Y35": ("good", f"rr_b.sh ($R2/b4_rr = the run after one resume of Y10, samples/step_000004.gif chattr +i): --resume_from_step=2: rc=4 before anything: 'error: /tmp/r29/runs2/b4_rr/samples/step_000004.gif, a grid of a step that --resume_from_step=2 trains again, cannot be renamed (read-only or immutable); make it writable or move it out of samples/ (nothing was changed).' (the only line; no 'set aside' lines); the run's tree (names + md5 of every file: checkpoints, metrics.jsonl, grids) identical before/after (diff empty); chattr -i undone. Log {L}/y35.out, {L}/y35_tree_*.txt"),
 "Y36": ("good", f"rr_d.sh ($O2/d3_rr): latest.json -> shared/base_eval.json (4-step report of the same weights). The original case (2-step eval --output=latest.json): rc=2 before the eval: 'error: /tmp/r29/out2/d3_rr/shared/base_eval.json holds an eval with sampler_steps=4, this one has sampler_steps=2; give another --output to keep both, or delete it.'; link kept, target md5 and mtime unchanged. Same settings (y36c): rc=0 'eval (EMA weights) -> /tmp/r29/out2/d3_rr/shared/base_eval.json', latest.json still a link, the target rewritten (mtime 15:04:11 -> 15:04:28; same content, md5 equal, 4 steps). Logs {L}/y36*.out"),
 "Y38": ("good", f"rr_g3.sh (HOME=$O2/g3home_rr): --root '~/sw' --results '~/res' (two words): rc=0, the trainer started with '--workdir=/tmp/r29/out2/g3home_rr/sw/train_d9dfe38480 --config.eval.classifier_path=/tmp/r29/out2/g3home_rr/res/classifier.npz'; run, log, samples, table4_sfm_4.json and classifier.npz in HOME; no '~' in $WT (find empty). Log {L}/y38.out"),
}
EXTRA = json.load(open(sys.argv[3])) if len(sys.argv) > 3 else {}    # id -> [category, text] for late results
AFTER.update({k: tuple(v) for k, v in EXTRA.items()})
doc = json.load(open(path))
seen = set()
for c in doc["cases"]:
  if c["id"] in AFTER:
    cat, text = AFTER[c["id"]]
    c["after"], c["category_after"], c["commit_after"] = text, cat, commit
    seen.add(c["id"])
missing = set(AFTER) - seen
assert not missing, missing
counts = {k: 0 for k in ("good", "traceback/unclear", "silent garbage", "data loss", "not run")}
for c in doc["cases"]:
  counts[c.get("category_after", c["category"])] += 1
doc["counts_after"], doc["commit_after"] = counts, commit
with open(path, "w") as f:
  json.dump(doc, f, indent=1, ensure_ascii=False)
  f.write("\n")
print(counts)
