# the round-30 case records (written from /tmp/r30/log/<name>.out), fed one by one to add_case.py
import json, subprocess, sys
C = []
def c(id, what, command, result, category, note=""):
  C.append(dict(id=id, what=what, command=command, result=result, category=category, note=note))

FLAGFILE = ("main.parse_flags (main.py:181-185) runs user_paths.expand_home_flags(argv, PATH_FLAGS) on argv BEFORE FLAGS(argv); "
            "absl reads the --flagfile's lines inside FLAGS(argv) (FlagValues.read_flags_from_files), after that rewrite, so the "
            "path flags written in a flagfile get neither the '~' expansion nor resolve_dotdot; main.main then takes "
            "workdir = os.path.abspath(FLAGS.workdir) (main.py:94), a textual normalisation")

c("Z01", "a path flag as the LAST word, its value forgotten: --mode=sample ... --workdir (nothing after it)",
  "a1.sh: m --config=$CFG --mode=sample --num_samples=2 --workdir",
  "rc=2 'error: Missing value for flag --workdir'; nothing written", "good")

c("Z02", "--workdir= (empty, a script's unset variable) for --mode=sample",
  "a1.sh: m --config=$CFG --mode=sample --workdir= --num_samples=2 --output=$A/z02",
  "rc=2 'error: --workdir is empty; give the run directory (checkpoints, metrics, samples).'; nothing written", "good")

c("Z03", "export --output given as two words whose value starts with '-' (an output folder named -x)",
  "a1.sh: ex --workdir=$B --output -x",
  "rc=2 'error: --output is followed by -x, another flag: give --output its path (--output=PATH).'; nothing written",
  "good", "nit: '-x' is called 'another flag' though the user meant a folder; the remedy (--output=PATH) is the right one for both readings.")

c("Z04", "a '--' separator before a flag (copied from a shell wrapper): --mode=sample ... -- --output=$A/z04",
  "a1.sh: m --config=$CFG --mode=sample --workdir=$B --num_samples=2 -- --output=$A/z04",
  "rc=2 \"error: unexpected arguments ['--output=/tmp/r30/out2/a/z04']; overrides look like --config.a.b=value.\"; nothing sampled, "
  "no grid at the default name either", "good",
  "nit: does not say that '--' ends flag parsing, which is why --output was not taken.")

c("Z05", "shortened flag names (refused by argparse tools since 79775bb): export --workd PATH (two words), prepare_data --inp PATH",
  "a1.sh: ex --workd $B --output=$A/z05; pd --inp $O/p02/in --output=$A/z05b $PD",
  "both rc=2 with argparse usage and 'error: the following arguments are required: --workdir' / '... --input'; nothing written",
  "good", "nit: the message names the missing --workdir, not the unrecognised --workd the user typed (argparse reports the required "
  "flag first); clear enough.")

c("Z06", "a path flag written in an absl --flagfile (flags kept in a file, as absl documents): flags.txt holds '--workdir=$A/lnk/../run' "
  "(lnk -> real/sub; real/run = a copy of the base run, steps 10, 12; $A/run, the textual normalisation, a copy with step 12 removed)",
  "a1.sh/a2.sh: m --config=$CFG --mode=sample --num_samples=2 --flagfile=$A/flags_w.txt --output=$A/z06b; reference z06v: the same with "
  "--workdir=$A/lnk/../run on the command line; first try z06 (before $A/run existed)",
  "z06b rc=0 'wrote /tmp/r30/out2/a/z06b.gif ...'; decoded frames (gifeq.py): z06b clips 489bb32cb0 / 2286fec8b7 = the step-10-only copy "
  "$A/run; z06v (command line) clips bc95bef3f4 / a094bf0879 = real/run step 12 (the same digests as round 29's Y01). With no $A/run "
  "(z06) it stopped: 'error: no checkpoint under /tmp/r30/out2/a/run/checkpoints; run --mode=train first or fix --workdir.' although "
  "`ls $A/lnk/../run/checkpoints` lists 10 12.",
  "silent garbage",
  f"the same flag read from a flagfile samples another run than on the command line (round 29 Y01 fixed for argv only). {FLAGFILE}. "
  "Fix: expand the flagfiles first (FLAGS.read_flags_from_files(argv, force_gnu=False)) and then run expand_home_flags on the result, or "
  "resolve FLAGS.workdir/--output/--prompts_file/--compilation_cache after parsing.")

c("Z07", "'~' in a path flag inside an absl --flagfile: flags.txt holds '--output=~/z06c' (HOME=$A/home)",
  "a2.sh: HOME=$A/home m --config=$CFG --mode=sample --num_samples=2 --workdir=$B --flagfile=$A/flags_o.txt",
  "rc=0, wrote its grid and clips into a new folder named '~' in the CURRENT folder: $WT/~/z06c.gif, $WT/~/z06c.mp4, $WT/~/z06c_clips/*; "
  "nothing under $A/home (moved by hand to /tmp/r30/out2/a/tilde_dir_from_z06c so the worktree stays clean). No warning.",
  "silent garbage",
  f"the '~' rule of user_paths.py (its module doc: `--workdir=~/x` 'made a folder named ~ in the current directory') does not reach "
  f"flagfiles. {FLAGFILE}. A later `rm -rf ~` typed to clean the stray folder would be a disaster. Fix as Z06.")

c("Z08", "a checkpoint step set aside TWICE by --resume_from_step (a copy of the base run, steps 10 and 12, continued from 10 twice), then "
  "export --step=12, export (newest) and --mode=sample --step=12 of the run",
  "b1.sh: m --config=$CFG --workdir=$W --resume_from_step=10 (twice); ex --workdir=$W --step=12 --output=$O2/b_exp12; ex --workdir=$W "
  "--output=$O2/b_exp; m --config=$CFG --mode=sample --workdir=$W --step=12 --num_samples=2 --output=$O2/b_s12",
  "resume 1: '--resume_from_step=10: the newer checkpoints were set aside (.../checkpoints/12.superseded).'; resume 2: '... (.../checkpoints/"
  "12.superseded-2).', each 'metrics.jsonl: 2 record(s) of steps after 10 moved to metrics.superseded.jsonl'. checkpoints/ = 10 12 "
  "12.superseded 12.superseded-2; metrics.superseded.jsonl holds 4 records (steps 11 12 11 12, appended, none lost). Both exports and the "
  "sample rc=0 on the live step 12.", "good",
  "nit: metrics.superseded.jsonl gathers both generations in one file with nothing telling which set-aside checkpoint (12.superseded or "
  "12.superseded-2) a record belongs to (train/progress.py:264), while checkpoints, grids and reports get -2 names.")

c("Z09", "Pipeline loaders given a link to a link (l2 -> l1 -> export / run), a RELATIVE link (rel -> ../../../r29/runs/exp), a chain "
  "plus '..' (l2b -> l1b -> real/sub; l2b/../exp, l2b/../run = real/run holding step 10 only), pathlib.Path('~/exp'), Path('~/run') "
  "(HOME=$A/home with links exp, run), and bytes",
  "p1.sh: HOME=$A/home py p1.py $A (one process): Pipeline.from_pretrained(...) / Pipeline.from_workdir(...), printing .step",
  "from_pretrained: chain str 12, chain Path 12, relative link 12, chain/.. 12, Path('~/exp') 12; from_workdir: chain 12, relative link 12, "
  "Path('~/run') 12, l2b/../run 10 (the system's real/run, right); bytes: \"ValueError Pipeline.from_pretrained(b'/tmp/r29/runs/exp'): "
  "give the folder's path.\"", "good",
  "nit: the bytes refusal does not say a str or pathlib.Path is wanted (pipeline.check_folder_name); os.fsdecode would also do.")

c("Z10", "Pipeline call class_ids of container kinds not tried before, on the base export (10 classes), against class_ids=[1, 2]: a tuple, "
  "range(1, 3), a generator, [np.int64(1), np.uint8(2)], np.array([1, 2], np.uint8), a bare np.int64(1), dict_keys, the string '12'",
  "p1.py: p(class_ids=X, steps=2, seed=3), clip digests compared with p(class_ids=[1, 2], steps=2, seed=3)",
  "tuple, range, generator, numpy-scalar list and uint8 array: the same clips (68b4f95a3d); np.int64(1): one clip (1, 4, 16, 16, 3), as an "
  "int 1 gives; dict_keys: 'ValueError class_ids: [dict_keys([1, 2])] is not a whole number; give integer ids.'; '12': \"ValueError "
  "class_ids: ['12'] is not a whole number; give integer ids.\" (not read as classes 1 and 2)", "good",
  "nit: dict_keys is shown wrapped in a list, as if the user had passed [dict_keys(...)]; a generator is accepted while dict_keys is refused.")

c("Z11", "Pipeline call seed / steps as numpy kinds not tried before: seed=np.uint64(3), np.array([3]) (1-element), np.float32(3.0), -3, "
  "2**64; steps=np.uint8(2), np.array(2) (0-d)",
  "p1.py: p(class_ids=[1, 2], steps=2, seed=X) / p(class_ids=[1, 2], steps=X, seed=3)",
  "np.uint64(3), steps np.uint8(2) and np.array(2): the reference clips; np.array([3]): 'seed=array([3]) must be a whole number >= 0.'; "
  "np.float32(3.0): 'seed=3.0 must be a whole number >= 0.'; -3: 'seed=-3 must be >= 0.'; 2**64: 'seed=18446744073709551616 must be "
  "<= 4294967295.'", "good",
  "nit: 'seed=3.0 must be a whole number' for a float32 3.0 that is one (refused on type, as the command line refuses 1e3; the message "
  "could say 'an int').")

c("Z12", "captions that differ only by a TAB or a no-break space (NBSP, U+00A0): 'a cat runs' / 'a\\tcat runs', 'a dog runs' / "
  "'a\\u00a0dog runs' (--text_encoder=$UMT5 --text_length=8, beside 4 other captions)",
  "c1.sh: pd --input=$C/l.jsonl --output=$C/set $PD --text_encoder=$UMT5 --text_length=8; readset.py; tok.py (the tokenizer's ids)",
  "rc=0, 8 examples, no warning; the tab pair and the NBSP pair each got the same token ids and the same text embedding (md5 a7423873 / "
  "570a16d5), as the guide says of spacing ('meant as one text')", "good")

c("Z13", "captions that differ only by a ZERO-WIDTH SPACE (U+200B, invisible: pasted from a web page): 'a bird flies' / 'a bird\\u200b flies'",
  "c1.sh (same run as Z12)",
  "rc=0, no warning; tokens [5, 30, 9, 12, 29, 13, 11, 3, 6, 1] vs [5, 30, 9, 12, 2, 29, 13, 11, 3, 6, 1] (the ZWSP is an unknown token 2), "
  "so at text_length=8 the two captions get different embeddings (fe233f0e / f76883af): two texts that print identically train as two "
  "conditions", "good",
  "nit: text.T5TextEncoder.check_captions_kept_apart's spacing rule uses str.split(), and U+200B is not whitespace to Python (nor to the "
  "tokenizer), so an invisible character splits one caption into two texts without a word; a warning for captions equal after removing "
  "zero-width/format characters (unicodedata category Cf) would catch it.")

c("Z14", "a caption differing from another only in case, upper case: 'a fish swims' / 'A FISH SWIMS'",
  "c1.sh (same run as Z12)",
  "rc=0, no warning; 'A FISH SWIMS' tokenizes to [4, 2, 4, 2, 4, 2, 1] (every word an unknown token 2 with this tiny vocabulary) and "
  "gets its own embedding (30845176), 'a fish swims' [5, 29, 11, 6, 8, 27, 43, 11, 44, 6, 1]", "good",
  "nit: a caption that is only unknown tokens trains as 'no words' without a warning (the warning fires only when two captions collide); "
  "a line for captions mostly made of the tokenizer's unk id would help. The fixture vocabulary is tiny; a real UMT5 knows upper case.")

c("Z16", "the sweep's --rows with a space after the comma (a list typed by hand): --rows='table4:sfm_4, table4:pdg_sfm_4', --report_only",
  "s1.sh: ablation_sweep.py --report_only --rows='table4:sfm_4, table4:pdg_sfm_4' --root=$G/r16 --results=$G/res16",
  "rc=1 '--report_only: /tmp/r30/out2/s/res16 holds no report of the 2 row(s) asked for: sweep them first.' (both rows read, the space "
  "ignored)", "good", "nit: --report_only makes the empty --root and --results folders although it refuses and writes nothing "
  "(sweep_folders in parse_args).")

c("Z17", "the sweep's --tables given twice, the second an unknown table: --tables=table4 --tables=table9, --report_only",
  "s1.sh: ablation_sweep.py --report_only --tables=table4 --tables=table9 --root=$G/r17 --results=$G/res17",
  "rc=1 \"--tables=table4,table9 holds 'table9', not a table; tables are table2, table3, table4, pdg_study, mva_study, attention_baselines "
  "(comma-separated).\"", "good", "nit: quotes the two flags as one '--tables=table4,table9' the user never typed (8469e3a joins them); "
  "clear all the same.")

c("Z19", "--mode=eval --output a RELATIVE symbolic link to an existing report of the same weights and settings ($E/links/rel.json -> "
  "../shared/r.json; the current folder is the worktree, where ../shared does not exist)",
  "e1.sh: m --config=$CFG --mode=eval --workdir=$W $EV --config.eval.metrics_dir=$E/mc --output=$E/links/rel.json",
  "rc=0 'eval (EMA weights) -> /tmp/r30/out2/e/shared/r.json: {...}'; the link kept, shared/r.json replaced by an identical report (md5 "
  "c7879f48... before and after, all keys equal to the default-name report); nothing written at $WT/../shared", "good")

c("Z20", "--mode=eval --output a link to a link ($E/links/l2.json -> links/l1.json -> shared/r2.json, a report of the same weights and "
  "settings)",
  "e1.sh: m --config=$CFG --mode=eval --workdir=$W $EV --config.eval.metrics_dir=$E/mc --output=$E/links/l2.json",
  "rc=0 'eval (EMA weights) -> /tmp/r30/out2/e/shared/r2.json: ...'; both links kept, r2.json replaced by the identical report", "good")

c("Z21", "--mode=eval --output a symbolic link LOOP (loopa.json -> loopb.json -> loopa.json: a link dance gone wrong)",
  "e1.sh: m --config=$CFG --mode=eval --workdir=$W $EV --config.eval.metrics_dir=$E/mc --output=$E/links/loopa.json",
  "rc=0 'eval (EMA weights) -> /tmp/r30/out2/e/links/loopa.json: ...'; loopa.json is now a regular file holding the report, loopb.json "
  "still links to it", "good",
  "nit: the loop link is replaced by the report without a word (train/evaluate.py:265 takes os.path.realpath only when islink, and "
  "realpath of a loop returns the path itself); the guide's 'a report linked to written through the link' cannot hold here, so a line "
  "saying the looping link was replaced, or a refusal before the eval, would be clearer. Nothing of value was lost (a loop holds no data).")

c("Z22", "a link at the DEFAULT report name into ANOTHER run's folder: run/eval_step000012.json -> other/eval_step000012.json, where other's "
  "report scored other weights (weights_sha256 zeroed), then --mode=eval of run without --output",
  "e1.sh: m --config=$CFG --mode=eval --workdir=$W $EV --config.eval.metrics_dir=$E/mc",
  "rc=0 '/tmp/r30/runs2/e/other/eval_step000012.json scored other weights of step 12 (weights_sha256 00000000..., these 78bbd445...): kept "
  "as /tmp/r30/runs2/e/other/eval_step000012.superseded.json, not written over.' then 'eval (EMA weights) -> /tmp/r30/runs2/e/other/"
  "eval_step000012.json'. other/ now holds the new report and the old one as .superseded.json (md5 of the old one kept: 09b3736e...); "
  "run's link kept", "good",
  "nit: the report lands in another run's folder under that run's default name; that run's export would then leave it out with a "
  "'scored other weights' warning (export.scores_of). The set-aside line names the path, so the user can see where it went.")

c("Z23", "the model card when the run's eval_step000012.json (a real report of these weights) has its 'step' written as the STRING \"12\" "
  "(a hand edit, a report re-saved by a tool that quotes numbers)",
  "m1.sh: ex --workdir=$R2/m/str --output=$M/str",
  "rc=0 with 'warning: /tmp/r30/runs2/m/str/eval_step000012.json is a report of step 12, not of step 12; the model card leaves it out.'; "
  "the card says '- nothing: the run wrote no score or eval report at this step'",
  "traceback/unclear",
  "the warning contradicts itself ('step 12, not of step 12'): tools/export.py:59-60 (scores_of) compares report.get('step') not in "
  "(None, step) and prints report['step'] with an f-string, so '12' and 12 print alike. Leaving the report out is defensible; the "
  "message should show the value's type ('step \"12\" (a string)') or read int-like strings as the int.")

c("Z24", "the model card when eval_step000012.json's 'step' is 12.0 (float), null, or true (the same real report otherwise)",
  "m1.sh: ex --workdir=$R2/m/{float,null,true} --output=$M/...; reference int",
  "12.0: listed as the int reference is ('step 12, num_samples 4, ... classifier_fd 0.1157 ...'); null: listed without the 'step' item "
  "(weights_sha256 matches these weights); true: 'warning: ... is a report of step True, not of step 12; the model card leaves it out.'",
  "good")

c("Z25", "prepare_data rerun after one shard file of its finished set was deleted (--shard_size=1, 4 shards, shard-00002.array_record removed)",
  "d1.sh: pd --input=$O/p02/in --output=$D/set_missing --shard_size=1 $PD (the command that made it)",
  "rc=0 'prepare_data: wrote shards [2], skipped finished shards [0, 1, 3], 0 bad video(s) skipped.'; readset.py of the set equals the "
  "original (labels, latents)", "good")

c("Z26", "prepare_data rerun over its finished set whose manifest.json was edited by hand: class_names swapped to ['dog', 'cat'] "
  "('rename the classes')",
  "d1.sh: pd --input=$O/p02/in --output=$D/set_edit --shard_size=1 $PD",
  "rc=0 'wrote shards [], skipped finished shards [0, 1, 2, 3]'; manifest.json rewritten with class_names ['cat', 'dog'] (the folders' "
  "truth)", "good",
  "nit: the hand edit is undone without a line saying manifest.json differed and was rewritten.")

c("Z27", "prepare_data rerun after one shard's sidecar (shard-00001.json) was deleted, its .array_record kept",
  "d1.sh: pd --input=$O/p02/in --output=$D/set_side --shard_size=1 $PD",
  "rc=0 'wrote shards [1], skipped finished shards [0, 2, 3]'; shard 1 and its sidecar written again", "good")

c("Z30", "grids and checkpoints set aside THREE times: a 6-step run with grids and checkpoints every 2 "
  "(--config.sample_every=2 --config.num_samples=4 --config.checkpoint.every_steps=2 --config.checkpoint.max_to_keep=10), then "
  "--resume_from_step=2 three times; then export --step=4 and --mode=sample --step=4",
  "g1.sh: m --config=tests/tiny_config.py:steps=6 --workdir=$W $GF; 3x the same with --resume_from_step=2; ex --workdir=$W --step=4 "
  "--output=$O2/g_exp4; m ... --mode=sample --workdir=$W --step=4 --num_samples=2 --output=$O2/g_s4",
  "each resume names what it set aside: checkpoints 4/5/6.superseded, then .superseded-2, then .superseded-3; 'samples: 4 grid file(s) of "
  "steps after 2 renamed step_NNNNNN.superseded[-k].gif / .mp4'. samples/ = step_000004.gif, .superseded.gif, .superseded-2.gif, "
  ".superseded-3.gif (and .mp4, and the same for step 6): all 4 generations kept, decoded frames equal (the retrain repeats itself: "
  "69eeb775c6 / 38edc51018, not black, max 255). export --step=4 and sample --step=4 rc=0 on the live step 4.", "good")

c("Z15", "the sweep's --rows naming the SAME row twice (a script that appends its default row to the user's), once with --report_only and "
  "once for real (the second as two words: --rows table4:sfm_4), --steps=2 $SW",
  "s1.sh: ablation_sweep.py --report_only --rows=table4:sfm_4 --rows=table4:sfm_4 --root=$G/r15 --results=$G/res15; s3.sh: ablation_sweep.py "
  "--rows=table4:sfm_4 --rows table4:sfm_4 --steps=2 $SW --root=$G/r15r --results=$G/res15r",
  "report_only: rc=1 '... holds no report of the 1 row(s) asked for' (one row, not two); real: rc=0, the row trained, scored and sampled "
  "once (three main.py commands in the log: train, eval, sample), one table line '| sfm_4 | 0.06546 | 0 | 5.103 | 4 | 2 |', one report "
  "table4_sfm_4.json", "good")

c("Z28", "training a record set one of whose shard files was deleted (the Z25 set before its rerun: shard-00002.array_record missing of 4)",
  "d1.sh/t2.sh: m --config=tests/tiny_config.py:steps=5 $RS --config.data.path=$D/set_missing0 --workdir=$R2/d/z22",
  "rc=2 'error: data.path: /tmp/r30/out2/d/set_missing0: shard files missing: shard-00002.array_record (1 of 4).'; no workdir made",
  "good", "(the first try at steps=2 was refused earlier by the curriculum split: 'curriculum stage lengths [2, 0] must be positive', "
  "W12's known edge)")

c("Z18", "the sweep's --rows given EMPTY (a script's --rows=$ROWS with ROWS unset): with --report_only, then for real (--steps=4 $SW, "
  "stopped by SIGINT after 45 s; --steps=1 was refused by a row's stage split, which showed it checking table2's rows)",
  "s1.sh: ablation_sweep.py --report_only --rows= --root=$G/r18 --results=$G/res18; s2b.sh: timeout -s INT 45 ablation_sweep.py --rows= "
  "--steps=4 $SW --root=$G/r18d --results=$G/res18d",
  "report_only: rc=1 '--report_only: ... holds no report of the 52 row(s) asked for'; real: no refusal, no line saying all rows were "
  "selected: it began the WHOLE sweep ('+ ... --config=.../configs/ablations/table2.py:softmax_fm ... --config.total_steps=4 ...', the "
  "first of 52 rows) and only stopped for the SIGINT ('interrupted: waiting for the row's command to stop ...'); --steps=1 (s2.sh) failed "
  "on 'table2:sana_fm_drop: curriculum stage lengths [1, 0] ...' although the user named no table2 row",
  "silent garbage",
  "an empty --rows means 'every row of every table' (52 trainings, hours on this machine) without a word: sweep_rows.selected_rows "
  "(benchmarks/sweeps/sweep_rows.py:31-35) drops blank names and returns all rows when none are left ('not wanted'); ablation_sweep."
  "parse_args joins args.rows with ',' and main passes '' on. The sweep already refuses --steps=0 for the same reason ('0 would fall back "
  "to the full budget unnoticed'). Fix: refuse a --rows (or --tables) that was given but names nothing ('--rows= names no row; leave it "
  "out to sweep every row'), and also --rows=',' / ' '.")

c("Z29", "training --config overrides of odd types not tried before (fresh workdirs): total_steps=True, model.num_classes=10.0, seed=0x10, "
  "eval.metrics_dir=None (meaning 'no cache folder'), the last also for --mode=eval of a copy of the base run",
  "t1.sh / t2.sh / t3.sh: m --config=tests/tiny_config.py:steps=5 --workdir=$T/X --config.<field>=<value>; m --config=$CFG --mode=eval "
  "--workdir=$R2/t3run $EV --config.eval.metrics_dir=None",
  "total_steps=True: rc=2 \"error: flag --config.total_steps=True: invalid literal for int() with base 10: 'True'\"; num_classes=10.0: rc=2 "
  "'... invalid literal for int() with base 10: '10.0''; seed=0x10: rc=0, the checkpoint's config says \"seed\": 16 (a Python literal, as "
  "typed); metrics_dir=None: training rc=0 with \"metrics_dir\": \"None\" kept in the checkpoints; the eval rc=0 wrote its classifier and "
  "frame-judge caches into a NEW folder named 'None' in the current folder ($WT/None/classifier_steps20_seed0.npz, "
  "frame_judge_steps20_seed0.npz; moved by hand to /tmp/r30/out2/None_dir_from_z28e), the report correct",
  "good",
  "nit: 'None' for a string field is taken as a folder name (ml_collections parses a str field's value as text) and a relative "
  "metrics_dir is read from the current folder, so a stray ./None/ appears with no line naming it; the refusal text for True / 10.0 is "
  "Python's, not the project's ('total_steps must be a whole number').")

if __name__ == "__main__":
  out = sys.argv[1]
  for case in C:
    subprocess.run([sys.executable, "docs/misuse/add_case.py", out, "cases"], input=json.dumps(case), text=True, check=True)
  doc = json.load(open(out))
  n = doc["counts"]
  doc["what"] = (
    f"Round 30: {len(doc['cases'])} new misuse cases (Z01-Z{len(doc['cases']):02d}) against the command line (eflow_jax.main, tools.export, "
    "tools.prepare_data, the ablation sweep) and the Python Pipeline, aimed first at the edges of the fixes since fdf400b (two-word and "
    "'~' path flags, shortened flags, the loaders' '~' and links, eval --output links, the model card's step check, steps/grids set aside "
    f"more than once, captions differing in spacing, --rows/--tables given twice): {n['good']} good, {n['traceback/unclear']} "
    f"traceback/unclear, {n['silent garbage']} silent garbage, {n['data loss']} data loss, {n['not run']} not run. "
    "Silent garbage: Z06 (a --workdir=lnk/../run written in an absl --flagfile samples the textual $A/run, another run than the same "
    "flag on the command line: main.parse_flags runs user_paths.expand_home_flags before absl reads the flagfile), Z07 (--output=~/x "
    "in a --flagfile writes a folder named '~' in the current folder, same cause), Z18 (the sweep's --rows given empty, a script's "
    "unset variable, starts the whole 52-row sweep without a word: sweep_rows.selected_rows returns every row when no name is left). "
    "Traceback/unclear: Z23 (a report whose 'step' is the string \"12\" is left out of the model card with the self-contradicting "
    "warning 'is a report of step 12, not of step 12': export.scores_of compares the value but prints it untyped). "
    "Nits on good cases: invisible U+200B or all-unknown-token captions train without a line (Z13, Z14); an eval --output link loop is "
    "replaced by the report silently (Z21); metrics.superseded.jsonl does not tell set-aside generations apart (Z08); --report_only "
    "makes empty --root/--results (Z16); a relative or 'None' metrics_dir lands in the current folder (Z29).")
  doc["setup"] = (
    "Worktree /tmp/wt_r30_27813 on branch round30_27813 at 44a79f1 (main's HEAD). Fixtures of round 29, read-only: /tmp/r29/runs/base "
    "(tests/tiny_config.py:steps=12 Moving MNIST, checkpoints 10 and 12), its export /tmp/r29/runs/exp, videos /tmp/r29/out/vids, the "
    "cat/dog class folders /tmp/r29/out/p02/in, the tiny UMT5 /tmp/r29/umt5. /tmp/r30/env.sh = /tmp/r29/env.sh pointed at this worktree "
    "(runners m, ex, pd, py: cd to the worktree, PYTHONPATH set, nice -n 19 timeout 280, rc= printed); round30_helpers/common.sh adds "
    "the logger s NAME CMD (full output in /tmp/r30/log/NAME.out) and L=/tmp/r30/log O2=/tmp/r30/out2 R2=/tmp/r30/runs2. Every case "
    "that changes a run or a set works on a copy under /tmp/r30/runs2 or /tmp/r30/out2; one eflow_jax process at a time (queued "
    "scripts a1 a2 b1 p1 c1 s1 e1 m1 d1 g1 s2 s2b s3 t1 t2 t3). The stray folders Z07 and Z29 made in the worktree ('~', 'None') were "
    "moved to /tmp/r30/out2. No pytest was run.")
  doc["commit"] = "44a79f1"
  doc["machine"] = "x86_64, AMD EPYC, AVX-512 (2 cores shared with other jobs; every command under nice -n 19)"
  doc["date"] = "2026-12-05"
  with open(out, "w") as f:
    json.dump(doc, f, indent=1, ensure_ascii=False)
    f.write("\n")
  print(n)
