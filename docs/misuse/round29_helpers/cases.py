# the round-29 case records (written from /tmp/r29/log/<id>.out), fed one by one to add_case.py
import json, subprocess, sys
C = []
def c(id, what, command, result, category, note=""):
  C.append(dict(id=id, what=what, command=command, result=result, category=category, note=note))

TWO = ("user_paths.expand_home_flags (user_paths.py:50-62, called by main.parse_flags, export.main, prepare_data's parser and "
       "the sweep) rewrites only arguments of the form --flag=value; absl and argparse also take --flag value (two words), "
       "which reaches the program as typed")

c("Y01", "--mode=sample --workdir given as TWO words through a symbolic link and '..' (--workdir $A/lnk/../run, lnk -> real/sub): "
  "real/run (what `ls lnk/../run` lists) holds a copy of the base run (steps 10, 12), $A/run (the textual normalisation) a copy with step 12 removed",
  "a1.sh: m --config=$CFG --mode=sample --workdir $A/lnk/../run --num_samples=2 --output=$A/y01sp; the same with --workdir=$A/lnk/../run (y01eq); "
  "reference y01v: --workdir=$A/run",
  "both rc=0 'wrote /tmp/r29/out2/a/y01sp.gif ...'. Decoded GIF frames (gifeq.py): y01eq clips bc95bef3f4 / a094bf0879 = the base run's step 12 "
  "(same as y02eq); y01sp clips 489bb32cb0 / 2286fec8b7 = y01v, the clips of $A/run (step 10 only). No line names the run or step sampled.",
  "silent garbage",
  f"the two spellings of one command sample two different runs. {TWO}; main.py:94 then takes workdir = os.path.abspath(FLAGS.workdir), a textual "
  "normalisation that drops lnk/.. and names $A/run, against the guide ('A path flag written through a link and .. names the folder the system "
  "reaches, as ls does'). Verified by frames against y01v. Fix: resolve two-word values too (or rewrite argv pairs '--flag', 'value' in "
  "expand_home_flags), and resolve_dotdot FLAGS.workdir/--output after parsing rather than before.")

c("Y02", "--mode=sample --output given as TWO words through lnk/.. (--output $A/lnk/../y02sp; with --output=... it writes real/y02sp*, X01)",
  "a1.sh: m --config=$CFG --mode=sample --workdir=$B --num_samples=2 --output $A/lnk/../y02sp",
  "rc=2 after sampling: \"error: [Errno 2] No such file or directory: '/tmp/r29/out2/a/lnk/../y02sp_clips/000_class0.gif.tmp16501'\"; "
  "an EMPTY folder $A/y02sp_clips left at the textual place, nothing under real/",
  "traceback/unclear",
  f"{TWO}. sample_files.write_sample_files / video_io.write_videos (video_io.py:155) make the folder with os.makedirs(os.path.dirname("
  "os.path.abspath(stem))) (textual: $A/y02sp_clips) and then write to the raw path, which the system resolves through the link to real/y02sp_clips "
  "(missing): a bare errno after the work, and a stray empty folder. Fix as Y01 (resolve the two-word value), and make the folders with the same "
  "path the files are written to.")

c("Y03", "export with both paths as TWO words through lnk/.. (--workdir $A/lnk/../run --output $A/lnk/../y03exp), against the = form",
  "a1.sh: ex --workdir $A/lnk/../run --output $A/lnk/../y03exp; ex --workdir=$A/lnk/../run --output=$A/lnk/../y03eqexp",
  "both rc=0; the two-word form: 'wrote /tmp/r29/out2/a/lnk/../y03exp/model.safetensors ...', files in real/y03exp, config.json step 12 "
  "(real/run); the = form: real/y03eqexp, step 12",
  "good",
  "the export passes the paths to the system unnormalised, so both spellings reach real/ (only its printed path keeps lnk/..).")

c("Y04", "export --output '~/y04sp' as TWO words with the tilde quoted (a script's \"--output\" \"~/exports/x\"); HOME=$O2/a2/home",
  "a2.sh: ex --workdir=$B --output '~/y04sp' (and --output='~/y04eq' for comparison)",
  "= form: rc=0, 'wrote /tmp/r29/out2/a2/home/y04eq/model.safetensors ...' (home). Two words: rc=0, 'wrote ~/y04sp/model.safetensors "
  "~/y04sp/config.json ~/y04sp/README.md' and the export is in $WT/~/y04sp (a folder named '~' in the current folder, the worktree); "
  "nothing under HOME",
  "silent garbage",
  f"the very fault user_paths.py's docstring says was fixed ('made a folder named ~ in the current directory') comes back in the two-word form: {TWO}. "
  "The message 'wrote ~/y04sp/...' reads as the home folder. (The stray $WT/~ was moved to /tmp/r29/out2/a2/wt_tilde_moved.) Fix: handle two-word "
  "values, or refuse a path that starts with '~' after parsing (one line: 'the shell did not expand ~').")

c("Y05", "--mode=sample --output '~/y05sp' as TWO words (quoted tilde), base run",
  "a2.sh: m --config=$CFG --mode=sample --workdir=$B --num_samples=2 --output '~/y05sp'",
  "rc=0, 'wrote ~/y05sp.gif ~/y05sp.mp4 ~/y05sp_clips/000_class0.gif ...'; files in $WT/~/ (y05sp.gif, y05sp.mp4, y05sp_clips/), none in HOME",
  "silent garbage",
  f"same cause as Y04 ({TWO}); main.sample_output_folder / write_sample_files take the '~' literally.")

c("Y06", "prepare_data with '~' paths as TWO words: --input '~/in' --output '~/y06set', then a real --input with --output '~/y06set'",
  "a2.sh: pd --input '~/in' --output '~/y06set' $PD; pd --input=$O2/a2/home/in --output '~/y06set' $PD",
  "first rc=2 \"prepare_data: error: --input '~/in' does not exist.\" (HOME/in existed only later; fine). Second rc=0 'prepare_data: "
  "~/y06set/manifest.json: 4 examples, latent [4, 16, 16, 3] (class).' and the set is in $WT/~/y06set, not in HOME",
  "silent garbage",
  f"same cause as Y04 ({TWO}; prepare_data.py:343). The manifest line names '~/y06set', which the user reads as home.")

c("Y07", "Pipeline.from_workdir / from_pretrained given a lnk/.. path as str and as pathlib.Path (lnk -> real/sub; real/run = steps 10, 12, "
  "$A/run = step 10 only; real/exp = the step-12 export, $A/exp = a step-10 export)",
  "a3.sh: py a3.py $A ...: Pipeline.from_workdir('$A/lnk/../run') and (pathlib.Path(...)); from_pretrained('$A/lnk/../exp') and Path(...)",
  "from_workdir(str): 'step 12 source /tmp/r29/out2/a/real/run/checkpoints step 12'; from_workdir(Path): 'step 10 source "
  "/tmp/r29/out2/a/lnk/../run/checkpoints step 10' (other clips: sums 790119 vs 790329); from_pretrained str and Path: both step 12 (real/exp)",
  "silent garbage",
  "the same path as a str and as a pathlib.Path loads two different runs with no word. pipeline.py:153 calls user_paths.resolve_dotdot(workdir), "
  "which acts only on str (isinstance(value, str)); a Path keeps lnk/.., and the checkpointer then normalises it textually to $A/run. "
  "Fix: os.fspath() the argument first (and in from_pretrained for messages).")

c("Y08", "Pipeline loaders given '~' paths (HOME holding run/ and exp/): from_workdir('~/run'), from_pretrained('~/exp'), from_pretrained(Path('~/exp'))",
  "a3.sh: py a3.py (HOME=$O2/a3home)",
  "each one line: 'FileNotFoundError: no checkpoint under ~/run/checkpoints; train first or fix the path.'; "
  "'FileNotFoundError: ~/exp/config.json, ~/exp/model.safetensors not found: ~/exp is not an eflow_jax export (python -m eflow_jax.tools.export "
  "--workdir=RUN --output=~/exp).'",
  "good",
  "Python does not expand '~' and the loaders refuse in one line. Nit: the CLI expands '~' but the Python API does not, and the hint proposes "
  "exporting to ~/exp, where the user believes the export already is; saying '~ is not expanded here' would help.")

c("Y09", "training grids after TWO resumes over the same steps: a 6-step run (sample_every=2, checkpoint every 2), then --resume_from_step=2 with "
  "the stages' LR 0.02, then --resume_from_step=2 again with LR 0.05",
  "b1.sh: m --config=tests/tiny_config.py:steps=6 --config.sample_every=2 --config.num_samples=4 --config.checkpoint.every_steps=2 "
  "--config.checkpoint.max_to_keep=10 --workdir=$R2/b1 [--resume_from_step=2 --config.curriculum.stage1.lr=0.02 --config.curriculum.stage2.lr=0.02] "
  "[--resume_from_step=2 ... lr=0.05]",
  "all rc=0; each resume: 'samples: 4 grid file(s) of steps after 2 renamed *.superseded.gif / .mp4'. After both: step_000004.superseded.gif = "
  "run 1's grid (md5 2f2fef4c), step_000004.superseded2.gif = run 2's (224a3f4d), step_000004.gif = run 3's (8cf3a2ce); likewise step 6; "
  "step_000002 untouched. checkpoints: 2 4 4.superseded 4.superseded.1796480495 5 ... 6.superseded.1796480495",
  "good",
  "every grid kept under its own name. Nit: the second set-aside of the CHECKPOINTS is named '<step>.superseded.1796480495' (a number), while "
  "the grids of the same resume are '.superseded2' and the guide only speaks of '<step>.superseded': nothing ties 4.superseded.1796480495 to "
  "step_000004.superseded2.gif.")

c("Y10", "the user's own files already at the set-aside names (samples/step_000004.superseded.gif: a red 40x30 picture; "
  "step_000004.superseded.mp4: a text file), then a 6-step run with grids and a --resume_from_step=2 over step 4",
  "b1.sh: m --config=tests/tiny_config.py:steps=6 $G --workdir=$R2/b2; then the same with --resume_from_step=2",
  "both rc=0; the run's step_000004.gif/.mp4 set aside as step_000004.superseded2.gif/.mp4; the user's two files: md5sum -c OK",
  "good",
  "Nit: the resume still prints 'samples: 4 grid file(s) ... renamed *.superseded.gif / .mp4' although step 4's went to .superseded2.")

c("Y11", "training with grids into a fresh workdir whose samples/ folder is immutable (chattr +i: a folder the user protected)",
  "b2.sh: m --config=tests/tiny_config.py:steps=4 --config.sample_every=2 --config.num_samples=4 --config.checkpoint.every_steps=2 --workdir=$R2/b3",
  "rc=4 before step 1: 'error: the samples folder of --workdir=/tmp/r29/runs2/b3/samples is not writable (PermissionError: [Errno 1] Operation not "
  "permitted: '/tmp/r29/runs2/b3/samples/.write_probe_24836'); choose another directory or fix its permissions.'; nothing written",
  "good",
  "Nit: 'the samples folder of --workdir=.../samples' names the samples folder as the workdir.")

c("Y12", "the checkpoints-folder lock: --mode=sample and export of a workdir while its trainer runs (a copy of the base run continued 12 -> 400, "
  "checkpoint every 2 steps, max_to_keep 3, started in the background; sample and export once checkpoint 14 existed), then SIGTERM to the trainer",
  "c1.sh: (trainer) m --config=tests/tiny_config.py:steps=400 --config.checkpoint.every_steps=2 --config.checkpoint.max_to_keep=3 --workdir=$R2/c1 &; "
  "m --config=$CFG --mode=sample --workdir=$R2/c1 --num_samples=2 --output=$O2/c1/s; ex --workdir=$R2/c1 --output=$O2/c1/exp",
  "sample rc=0 (clips finite, max 255); export rc=0, config.json step 52 (checkpoints at the export's end: 10 12 60 62 64 66.orbax-checkpoint-tmp); "
  "trainer 'SIGTERM: stopped after step 66; checkpoint in ...' rc=75, checkpoints 10 12 62 64 66",
  "good",
  "read-only modes are not blocked by the trainer's lock and read a complete step while pruning goes on; the trainer was not disturbed. "
  "Nit: --mode=sample does not say which step it sampled, which matters while the newest step moves.")

c("Y13", "a second workdir whose checkpoints/ is a symbolic link to a finished run's checkpoints ($R2/c2/b/checkpoints -> $R2/c2/a/checkpoints), "
  "used read-only: --mode=sample, export, --mode=eval and Pipeline.from_workdir of b",
  "c2.sh: m --config=$CFG --mode=sample --workdir=$R2/c2/b ...; ex --workdir=$R2/c2/b --output=$O2/c2/exp; m --config=$CFG --mode=eval "
  "--workdir=$R2/c2/b $EV; py -c 'Pipeline.from_workdir(b)'",
  "all rc=0: samples written, export written, 'eval (EMA weights) -> /tmp/r29/runs2/c2/b/eval_step000012.json', 'pipeline step 12'; "
  "run a's folder unchanged",
  "good",
  "only training through such a link is refused (W14/round 27); reading through it is harmless.")

c("Y14", "--mode=eval --output naming an existing report of the SAME weights made with OTHER settings (a 2-step sampler: "
  "--config.flow.inference_steps=2), then the default 4-step eval into the same --output",
  "d1.sh / d1v.sh: m --config=$CFG --mode=eval --workdir=$R2/d/run $EV --config.flow.inference_steps=2 --output=$D/r.json; then "
  "m --config=$CFG --mode=eval --workdir=$R2/d/run $EV --output=$D/r.json",
  "both rc=0, no warning. r.json md5 2ef157ff (protocol sampler_steps 2) -> c7879f48 (sampler_steps 4); no r.superseded.json, nothing else in "
  "the folder: the 2-step report is gone. Seen twice ($O2/d and $O2/d1v, where a copy keep_2step.json shows what was lost)",
  "data loss",
  "train/evaluate.py (evaluate, ~l.244) runs check_eval_report_settings (which refuses another sampler/steps/guidance/seed/sample count) only "
  "when output is None; with --output only weights_digest.set_aside_report_of_other_weights runs, which keeps reports of OTHER weights "
  "(S54) but not of the same weights with other settings. The guide's advice for the default name is 'give --output to keep both', and a "
  "report of other weights at --output is kept, so replacing this one without a word is inconsistent. Fix: set such a report aside "
  "(.superseded.json) or refuse, as for the default name.")

c("Y15", "--mode=eval --output naming an existing report made immutable (chattr +i: a report the user protected)",
  "d1.sh: m --config=$CFG --mode=eval --workdir=$R2/d/run $EV --config.flow.inference_steps=2 --output=$D/ro.json",
  "rc=4 AFTER the whole eval (classifier, frame judge, sampling): \"error: [Errno 1] Operation not permitted: '/tmp/r29/out2/d/ro.json.tmp26997' "
  "-> '/tmp/r29/out2/d/ro.json'\"; ro.json unchanged (md5 c7879f48), no tmp file left",
  "traceback/unclear",
  "the guide promises that an eval whose report cannot be written is refused before evaluating, in one line; cli_checks.check_eval_output "
  "probes nothing for an existing file, and atomic_io.write_atomically's os.replace fails at the end with a bare errno. Fix: probe "
  "replacing the file (or its folder) before evaluating. (For a non-root user a chmod 444 report in a writable folder is simply replaced by the rename.)")

c("Y16", "--mode=eval --output in folders that do not exist ($D/no/such/dir/r.json)",
  "d1.sh: m --config=$CFG --mode=eval --workdir=$R2/d/run $EV --output=$D/no/such/dir/r.json",
  "rc=0, 'eval (EMA weights) -> /tmp/r29/out2/d/no/such/dir/r.json: {...}'; the folders made, the report there", "good")

c("Y17", "--mode=eval --output a DANGLING symbolic link: $D/dang.json -> $D/gone/r.json (a shared reports folder not mounted / not made yet)",
  "d1.sh: ln -s $D/gone/r.json $D/dang.json; m --config=$CFG --mode=eval --workdir=$R2/d/run $EV --output=$D/dang.json",
  "rc=0, 'eval (EMA weights) -> /tmp/r29/out2/d/dang.json: {...}'; afterwards dang.json is a plain file (-rw-r--r--, the report), the link is gone "
  "and $D/gone does not exist: nothing where the link pointed, no warning",
  "silent garbage",
  "atomic_io.write_atomically renames its temporary file over the path, which replaces the link itself rather than writing through it; "
  "cli_checks.check_eval_output tests os.path.exists (False for a dangling link). Low impact (the report exists, the link is lost), but the "
  "guide refuses the same situation for metrics.jsonl ('a metrics.jsonl linked to a missing file is refused ... when the link's folder is "
  "missing too'). Fix: refuse a dangling --output link in one line, or write through it.")

c("Y18", "the model card of an export whose run holds, at step 12's report name, a COPY of the step-10 report (eval_step000010.json copied to "
  "eval_step000012.json: 'the latest report')",
  "d2.sh: m --config=$CFG --mode=eval --workdir=$R2/d2 $EV --step=10; cp eval_step000010.json eval_step000012.json; ex --workdir=$R2/d2 --output=$O2/d2/exp",
  "rc=0 with 'warning: /tmp/r29/runs2/d2/eval_step000012.json scored other weights of step 12, or names none while the step was trained again "
  "since; the model card leaves it out.'; card: '- nothing: the run wrote no score or eval report at this step'",
  "good",
  "the report's weights_sha256 tells it apart. Nit: the warning could say the report is step 10's (its 'step' field).")

c("Y19", "the model card when eval_step000012.json is an OLD-format report (no weights_sha256, as written before reports named their weights) "
  "of step 10 (its own 'step': 10) copied to step 12's name",
  "d2.sh: json of eval_step000010.json without weights_sha256 written to $R2/d2b/eval_step000012.json; ex --workdir=$R2/d2b --output=$O2/d2/exp2",
  "rc=0, no warning; README.md '## Measured by the run': '- `eval_step000012.json` (sampler alg2, 4 steps, guidance 4.0, 4 samples, against "
  "moving_mnist held-out split (held out)): step 10, num_samples 4, ... classifier_fd 0.1159, class_accuracy 0 ...' in the card of the step-12 export",
  "silent garbage",
  "low impact (an old report, renamed by hand), but the card quotes step 10's scores as step 12's while the report itself says 'step': 10. "
  "tools/export.py scores_of checks only the weights digest (absent here, so accepted unless the step was retrained), never "
  "report['step'] against the step exported. Fix: leave out (with the same warning) a report whose 'step' is not the step.")

c("Y20", "prepare_data of one caption written in two Unicode normal forms: 'un café chaud' NFC (caf\\xc3\\xa9) and NFD (cafe\\xcc\\x81), "
  "beside two other captions, --text_encoder=$UMT5 (tiny UMT5)",
  "e1.sh: pd --input=$E/nf.jsonl --output=$E/nf_set $PD --text_encoder=$UMT5 --text_length=8",
  "rc=0, no warning; the two records' captions print alike but their text embeddings differ (md5 785c805d vs d01b6981)",
  "good",
  "Nit: prepare_data keeps the bytes as given and leaves normalisation to the tokenizer; the tiny UMT5's tokenizer.json has no normalizer, "
  "so one visible caption trains as two texts (a real UMT5 tokenizer applies NFKC). A prompt typed later matches only one form. An "
  "NFC normalisation of captions (and prompts) in prepare_data / encode would make this independent of the tokenizer.")

c("Y21", "prepare_data of duplicate identical captions on purpose: two clips 'a cat runs', two clips 'a dog runs'",
  "e1.sh: pd --input=$E/dup.jsonl --output=$E/dup_set $PD --text_encoder=$UMT5 --text_length=8",
  "rc=0, no warning; 4 records, the two 'a cat runs' records share one text embedding (a7423873), the two 'a dog runs' another (570a16d5)",
  "good", "allowed, as it must be (round 28's check warns only of DIFFERENT captions read as one).")

c("Y22", "prepare_data of captions differing only in case and whitespace: 'a cat runs', 'A cat runs', 'a cat  runs' (two spaces), ' a cat runs' (leading space)",
  "e1.sh: pd --input=$E/case.jsonl --output=$E/case_set $PD --text_encoder=$UMT5 --text_length=8",
  "rc=0 with \"warning: 2 caption(s) are the same tokens as another for this tokenizer (characters outside its vocabulary read as one unknown "
  "token), e.g. ' a cat runs' and 'a cat  runs': each such group trains as one text.\"; embeddings: the three whitespace variants one text "
  "(a7423873), 'A cat runs' its own (8d961e40)",
  "traceback/unclear",
  "low impact (the records are right: whitespace variants are one caption), but the warning gives a false cause: no character is outside the "
  "vocabulary, the tokenizer's whitespace split merges them. eflow_jax/text/__init__.py:155 (T5TextEncoder.check_captions_kept_apart) prints "
  "one fixed reason for every group of captions with equal token ids. Fix: say 'read as the same tokens (whitespace, case or characters the "
  "vocabulary lacks)', or compare whitespace-normalised captions first and stay quiet for those.")

c("Y23", "class folders with a nested sub-folder of videos (cat/more/v4.mp4, v5.mp4) and an upper-case dog/V3.MP4",
  "e2.sh: pd --input=$E/in --output=$E/set $PD",
  "rc=2 at once: \"prepare_data: error: /tmp/r29/out2/e2/in/cat/more holds 2 video(s) in a sub-folder of a class folder, which is not read "
  "(<input>/<class name>/<video>): move them up into 'cat', or make a class folder of their own.\"; no set written",
  "good", "(.MP4 was round 23's S48.)")

c("Y24", "a class folder holding a symbolic link to a deleted video (dog/v3.mp4 -> a removed file) beside three good videos",
  "e2.sh: pd --input=$E/in2 --output=$E/set2 $PD",
  "rc=0: \"prepare_data: skipping /tmp/r29/out2/e2/in2/dog/v3.mp4: unreadable (FileNotFoundError: [Errno 2] No such file or directory: ...)\", "
  "'1 bad video(s) skipped', manifest 3 examples, class_names ['cat', 'dog']",
  "good", "the bad-video policy (skip, named, counted). Nit: it could say the file is a link to a missing target.")

c("Y25", "Pipeline class_ids as numpy arrays on the base export (10 classes): bool array [True, False], int64 [1, 0], int64 [1, 11], "
  "[1, 2**40], int8 [1, -1], float32 [1.0, 0.0], uint8 [1, 0], np.bool_(True)",
  "f1.sh: py f1.py $EX",
  "int64/uint8/float32 [1, 0]: the reference clips (md5 68b4f95a3d); bools: 'ValueError: class_ids: [True, False] are not whole numbers; give "
  "integer ids.'; [1, 11]: 'ValueError: class ids [11] outside [0, 10] (10 = unconditional).'; 2**40 and -1 likewise; np.bool_(True): "
  "'ValueError: class_ids: [np.True_] is not whole numbers; give integer ids.'",
  "good", "Nit: '[np.True_] is not whole numbers' (grammar, numpy repr).")

c("Y26", "Pipeline steps / guidance types: steps=2.0, np.int16(2), 0, -2; guidance 1.5, np.float64(1.5), np.array(1.5) (0-d), '1.5', "
  "np.array([1.5]), np.float16(1.5)",
  "f1.sh: py f1.py $EX",
  "np.int16(2): reference md5; steps=2.0: 'ValueError: steps=2.0 must be a whole number >= 1.'; 0 / -2: 'must be >= 1.'; guidance 1.5, np.float64, "
  "0-d array, np.float16: one md5 c551f4b146; '1.5': \"ValueError: guidance='1.5' is a str, not a real number; give an int or a float.\"; "
  "np.array([1.5]): 'ValueError: guidance=array([1.5]) is a ndarray, not a real number ...'",
  "good")

c("Y27", "Pipeline clips against --mode=sample's for the same request: --mode=sample of the base EXPORT --num_samples=4 --seed=5 --sample_steps=2, "
  "then pipe(class_ids=[0, 1, 2, 3], steps=2, seed=5)",
  "f1.sh: m --config=$CFG --mode=sample --workdir=$EX --num_samples=4 --seed=5 --sample_steps=2 --output=$O2/f/s; py pipe_vs_gif.py $EX $O2/f/s_clips ...",
  "rc=0; every clip 'max |gif - pipeline| 0 equal True' (000_class0 ... 003_class3)",
  "good",
  "Nit (round 23's S47, still so): without --config the sample of an export stops with absl's 'error: flag --config=None: Flag --config must have "
  "a value other than None.' (log y26s_noconfig.out), and an --mode=eval of an export without --config says \"Unknown command line flag "
  "'config.eval.num_samples'\" (log y27_evalnoconfig.out): the export carries its config, so the flag could default to it.")

c("Y28", "ablation sweep with --rows given twice (--rows=table4:sfm_4 --rows=table4:pdg_sfm_4, as --override is given) and --tables twice "
  "(--tables=table2 --tables=table4), --report_only on a fresh --results",
  "g1.sh: ablation_sweep.py --rows=table4:sfm_4 --rows=table4:pdg_sfm_4 --report_only ...; --tables=table2 --tables=table4 --report_only ...",
  "rc=1 '--report_only: /tmp/r29/out2/g/res27 holds no report of the 1 row(s) asked for: sweep them first.' (1 row: only the last --rows); "
  "--tables twice: '... of the 5 row(s) asked for' (table4's rows only). Verified with a real sweep (g2.sh: --rows=table4:sfm_4 "
  "--rows=table4:pdg_sfm_4 --steps=2 $SW): rc=0, the table holds only '| pdg_sfm_4 | 0.06529 | 0 | 5.098 | 4 | 2 |', root and results only "
  "table4_pdg_sfm_4*: sfm_4 dropped without a word",
  "silent garbage",
  "low impact, but a sweep run this way trains and tabulates only the last --rows / --tables without a word, while --override in the same "
  "tool is repeatable (action='append'). benchmarks/sweeps/ablation_sweep.py:180/185 declare --tables and --rows as plain store arguments. "
  "Fix: action='append' and join, or refuse a repeated --rows/--tables in one line.")

c("Y29", "ablation sweep --override whose value holds '=' (a metrics folder named 'm=c': --override=--config.eval.metrics_dir=$G/m=c)",
  "g1.sh: ablation_sweep.py --rows=table4:sfm_4 --steps=2 $SW --override=--config.eval.metrics_dir=$G/m=c --root=$G/r28 --results=$G/res28",
  "rc=0, table row '| sfm_4 | 0.06546 | 0 | 5.103 | 4 | 2 |'; $G/m=c holds frame_judge_steps20_seed0.npz",
  "good")

c("Y30", "ablation sweep --override values with spaces: '--config.eval.num_samples= 4' (space after '='), a metrics_dir with a space inside "
  "('$G/my caches'), and '--override= --config.eval.num_samples=4' (space before the flag)",
  "g1.sh: three sweeps (--rows=table4:sfm_4 --steps=2 $SW, fresh --root/--results each)",
  "' 4': rc=0, the same row as Y29 (num_samples 4); 'my caches': rc=0, the folder made and used; ' --config...': rc=1 at once '--override= "
  "--config.eval.num_samples=4 is not a flag; overrides look like --override=--config.a.b=value.', nothing trained",
  "good")

c("Y31", "export of ANOTHER step into the same --output: step 12 exported to $H/e, the export evaluated into $H/e/eval_mine.json, the user's "
  "NOTES.md added, then --step=10 exported to $H/e",
  "h1.sh: ex --workdir=$R2/h/run --output=$H/e; m --config=$CFG --mode=eval --workdir=$H/e $EV --output=$H/e/eval_mine.json; "
  "ex --workdir=$R2/h/run --step=10 --output=$H/e",
  "rc=0: '/tmp/r29/out2/h/e/eval_mine.json scored other weights of step 12 (weights_sha256 78bbd445..., these 433e4735...): kept as "
  "/tmp/r29/out2/h/e/eval_mine.superseded.json, not written over.' then 'wrote ...'; config.json step 10, card 'trained for 10 steps (of 12)'; "
  "NOTES.md md5 unchanged",
  "good",
  "the same run's export is replaced by design (guide), its report kept aside. Nit: no line says the step-12 export was replaced by step 10's.")

c("Y32", "export of a run whose newest step has one bit flipped in its largest array file (checkpoints/12/state/ocdbt.process_0/d/..., byte 195156 ^ 0x10)",
  "h1.sh: ex --workdir=$R2/h/flip --output=$H/flip_exp; ex --step=12 ...; then training 12 -> 14 on it",
  "export rc=0, step 12, no warning; its 70 tensors equal the clean step-12 export's (st_cmp.py: 0 differ). Training: 'warning: checkpoint step 12 "
  "... is unreadable (array data of opt_state/1/0/nu/cond/emb_gap/fc1/kernel differs from its checksum written at save); moved it to "
  ".../12.corrupt, trying an older step.' rc=0",
  "good",
  "the flipped bit lies in the optimizer state, which the export does not read; the EMA weights it exports are intact, and training, which "
  "reads it, catches the flip.")

c("Y33", "--mode=eval --output as TWO words through lnk/.. into a folder that does not exist yet (--output $A/lnk/../reports/rep.json); "
  "the same into an existing folder, and the = form",
  "a4.sh: m --config=$CFG --mode=eval --workdir=$B $EV --output $A/lnk/../reports/rep.json (y33spb); --output $A/lnk/../rep.json (y33sp); "
  "--output=$A/lnk/../reports2/rep.json (y33eqb)",
  "new folder, two words: rc=2 AFTER the whole eval: \"error: [Errno 2] No such file or directory: '/tmp/r29/out2/a4/lnk/../reports/rep.json.tmp30938'\", "
  "no report, an empty $A/reports left at the textual place. Existing folder, two words: rc=0, real/rep.json. = form: rc=0, real/reports2/rep.json",
  "traceback/unclear",
  f"the eval's work is lost to a bare errno. {TWO}; train/evaluate.py makes the folder with os.makedirs(os.path.dirname(os.path.abspath(path))) "
  "(textual: $A/reports) and atomic_io writes the raw path, which the system resolves to real/reports (missing). Same fix as Y01/Y02.")

c("Y34", "prepare_data with --input and --output as TWO words through lnk/.. (class folders in real/in)",
  "a4.sh: pd --input $A/lnk/../in --output $A/lnk/../set $PD",
  "rc=0, 'prepare_data: /tmp/r29/out2/a4/lnk/../set/manifest.json: 4 examples ...'; the set in real/set (where ls lnk/../set looks)",
  "good")

c("Y35", "a resume over a grid the user made immutable (chattr +i samples/step_000004.gif, the run's own grid, in a copy of Y10's run), "
  "then --resume_from_step=2 (which sets aside the grids of steps 4 and 6)",
  "b3.sh: m --config=tests/tiny_config.py:steps=6 $G --workdir=$R2/b4 --resume_from_step=2",
  "rc=4 before any step: 'Resuming ... at step 2', '--resume_from_step=2: the newer checkpoints were set aside (.../4.superseded.1796481435, "
  ".../5.superseded..., .../6.superseded...)', 'metrics.jsonl: 4 record(s) of steps after 2 moved to metrics.superseded.jsonl ...', then "
  "\"error: [Errno 1] Operation not permitted: '/tmp/r29/runs2/b4/samples/step_000004.gif' -> "
  "'/tmp/r29/runs2/b4/samples/step_000004.superseded3.gif'\". Left: checkpoints 2 plus the set-aside steps (the run's newest step is now 2), "
  "metrics.jsonl ends at step 2, step_000006.gif not renamed; the grid intact (md5 OK)",
  "traceback/unclear",
  "nothing is deleted (every step and record is kept aside), but the run stops half-way through setting aside with a bare errno, and the "
  "grids are left half renamed. train/training_grids.py set_aside_grids_after (called from train/loop.py:178 after the checkpoints and "
  "metrics were set aside) calls os.rename without a check or a probe. Fix: check before setting anything aside that the grids to rename "
  "can be renamed (or warn and leave such a grid, as a user's file is left), one line naming it.")

c("Y36", "--mode=eval --output a symbolic link to an existing report of the SAME weights in a shared folder ($D/latest.json -> "
  "$D/shared/base_eval.json, the user's 'latest' link; the new eval with a 2-step sampler)",
  "d3.sh: m --config=$CFG --mode=eval --workdir=$R2/d/run $EV --output=$D/shared/base_eval.json; ln -s ...; "
  "m --config=$CFG --mode=eval --workdir=$R2/d/run $EV --config.flow.inference_steps=2 --output=$D/latest.json",
  "rc=0, no warning; latest.json is now a plain file (the 2-step report), the link gone; shared/base_eval.json unchanged (md5 c7879f48, same "
  "mtime, 4 steps)",
  "silent garbage",
  "the same cause as Y17: atomic_io.write_atomically renames over the link, so the link is replaced instead of its target being written "
  "(or the target set aside, as a plain file of other weights would be, T29). Contrast Y14: the same report as a plain file is overwritten. "
  "The guide keeps a linked metrics.jsonl's link and rewrites its target; a linked report should be handled the same way (or refused).")

c("Y37", "TRAINING through the second workdir of Y13 (b/checkpoints -> a/checkpoints, run a finished), 12 -> 14",
  "c3.sh: m --config=tests/tiny_config.py:steps=14 --workdir=$R2/c2/b",
  "rc=2 at once: 'error: /tmp/r29/runs2/c2/b/checkpoints is a link to /tmp/r29/runs2/c2/a/checkpoints, the checkpoints of the run in "
  "/tmp/r29/runs2/c2/a: the two runs would resume from and prune each other's steps; continue that run with --workdir=/tmp/r29/runs2/c2/a, "
  "or give this one a checkpoints folder of its own.'; a's checkpoints 10 12 unchanged",
  "good", "round 27's fix holds after the first run finished.")

c("Y38", "the ablation sweep with --root and --results as TWO words with a quoted tilde (--root '~/sw' --results '~/res'), HOME=$O2/g3home",
  "g3.sh: ablation_sweep.py --rows=table4:sfm_4 --steps=2 $SW --root '~/sw' --results '~/res'",
  "rc=0, the table printed; the trainer was started with '--workdir=/tmp/wt_r29_11019/~/sw/train_d9dfe38480 "
  "--config.eval.classifier_path=/tmp/wt_r29_11019/~/res/classifier.npz'; everything (training run, log, samples, report "
  "table4_sfm_4.json, classifier.npz) went to $WT/~/sw and $WT/~/res, a folder named '~' INSIDE the repository; HOME holds only .cache",
  "silent garbage",
  f"same cause as Y04 ({TWO}; ablation_sweep.py:190), and the sweep then makes the literal path absolute, so the trainer cannot expand it "
  "either. The results land in the repository's working tree, where a 'git add -A' would commit them. (Moved to /tmp/r29/out2/g3/wt_tilde_moved.)")

for case in C:
  r = subprocess.run([sys.executable, "docs/misuse/add_case.py", "docs/misuse/round29.json", "cases"], input=json.dumps(case),
                     text=True, capture_output=True)
  print(r.stdout.strip() or r.stderr.strip())
