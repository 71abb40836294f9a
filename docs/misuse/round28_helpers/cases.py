# the round-28 case records (written from /tmp/r28/log/<id>.out), fed one by one to add_case.py
import json, subprocess, sys
E = "$B=/tmp/r27/runs/base, $EX=/tmp/r27/runs/exp, $O=/tmp/r27/out, $R2=/tmp/r28/runs2, $O2=/tmp/r28/out2"
C = []
def c(id, what, command, result, category, note=""):
  C.append(dict(id=id, what=what, command=command, result=result, category=category, note=note))

c("X01", "--mode=sample --output through a symbolic link and then '..' (lnk -> real/sub; lnk/../s is real/s to the system)",
  "c1.sh: m --config=$CFG --mode=sample --workdir=$R2/c1run --output=$O2/c1/lnk/../s --num_samples=4 --config.sample_columns=2",
  "rc=0, 'wrote /tmp/r28/out2/c1/real/s.gif /tmp/r28/out2/c1/real/s.mp4 .../real/s_clips/000_class0.gif ...'; nothing under $O2/c1/s", "good",
  "the grid went where `ls` shows lnk/../s (real/s), as round 27's resolve_dotdot intends.")
c("X02", "--mode=sample --output=.. (a path that is only '..')",
  "c1.sh: m --config=$CFG --mode=sample --workdir=$R2/c1run --output=..",
  "rc=2, 'error: --output=/tmp is a folder; --mode=sample's --output is a path stem: /tmp/name writes name.gif, name.mp4 and name_clips/ there.'", "good",
  "refused before sampling, naming the resolved folder.")
c("X03", "export --output through lnk/.. (lnk -> real/sub)",
  "c1.sh: ex --workdir=$R2/c1run --output=$O2/c1/lnk/../exp",
  "rc=0, 'wrote /tmp/r28/out2/c1/real/exp/model.safetensors /tmp/r28/out2/c1/real/exp/config.json /tmp/r28/out2/c1/real/exp/README.md'; no $O2/c1/exp", "good")
c("X04", "--mode=eval --output through lnk/.. (lnk -> real/sub)",
  "c1.sh: m --config=$CFG --mode=eval --workdir=$R2/c1run $EV --output=$O2/c1/lnk/../rep.json",
  "rc=0, 'eval (EMA weights) -> /tmp/r28/out2/c1/real/rep.json: {...}'", "good")
c("X05", "training into a fresh workdir whose checkpoints is a FILE of the user's ('my notes')",
  "c2.sh: m --config=tests/tiny_config.py:steps=4 --config.sample_every=2 --config.num_samples=4 --workdir=$R2/c2/x05",
  "rc=4 before step 1, 'error: /tmp/r28/runs2/c2/x05/checkpoints is a file, but the run writes a folder there; move it away or choose another --workdir.'; the file still reads 'my notes'", "good")
c("X06", "training into a fresh workdir whose checkpoints is a DANGLING symbolic link (-> $R2/c2/nowhere/ck, a larger disk not yet made)",
  "c2.sh: m --config=tests/tiny_config.py:steps=4 --config.sample_every=2 --config.num_samples=4 --workdir=$R2/c2/x06",
  "rc=0; the link kept, its target $R2/c2/nowhere/ck created and holding steps 3 and 4; grids samples/step_000002.gif, step_000004.gif", "good",
  "WorkdirLock._lock_checkpoints makes the link's target (os.makedirs of the realpath); the checkpoints went where the link points.")
c("X07", "training into a fresh workdir whose samples/ is a DANGLING symbolic link (-> a folder not yet made), with grids on (sample_every)",
  "c2.sh: m --config=tests/tiny_config.py:steps=4 --config.sample_every=2 --config.num_samples=4 --workdir=$R2/c2/x07; again c3.sh: m --config=tests/tiny_config.py:steps=8 --config.sample_every=5 --config.num_samples=4 --config.checkpoint.every_steps=100 --workdir=$R2/c3/x07b",
  "x07: steps 1-2 trained, then rc=4 'error: [Errno 17] File exists: '/tmp/r28/runs2/c2/x07/samples'', checkpoints/ empty. x07b (verification): 'step 5/8 ...' then the same 'error: [Errno 17] File exists: '/tmp/r28/runs2/c3/x07b/samples'', rc=4, checkpoints/ empty, metrics.jsonl 5 lines",
  "traceback/unclear",
  "the steps before the first grid are lost (no checkpoint: sample_every=5 cost 5 steps; at a real sample_every it is thousands) and the one line is a bare errno that does not say samples is a link to a missing folder. Checkpoints/ as a dangling link works (X06) because the lock makes its target; samples/ is not checked: workdir.check_run_folders tests os.path.exists (False for a dangling link) so it passes, then video_io.write_videos' os.makedirs(..., exist_ok=True) (video_io.py:155) raises FileExistsError on the link at the first grid. Seen twice (x07, x07b).")
c("X08", "training whose samples/ already holds FOLDERS named as grids (samples/step_000002.gif/ with the user's mine.txt, samples/step_000004.mp4/)",
  "c2.sh: m --config=tests/tiny_config.py:steps=4 --config.sample_every=2 --config.num_samples=4 --workdir=$R2/c2/x08",
  "rc=0 with 'warning: .../samples/step_000002.gif was not written by a sampler here (no writer mark): this step's grid is not written over it (the other steps' grids are).' and the same for step_000004.mp4; both folders and mine.txt intact; neither step's other file written", "good")
c("X09", "grids after a real SIGKILL mid-run (kill -9 of the trainer once samples/step_000012.gif existed; checkpoints 5, 10 and a half-written 15.orbax-checkpoint-tmp; grids 1..14) and a PLAIN resume (no --resume_from_step) to step 14",
  "c3.sh: m --config=tests/tiny_config.py:steps=400 --config.sample_every=1 --config.num_samples=4 --config.checkpoint.every_steps=5 --workdir=$R2/c3/x09 (killed -9); c3b.sh: m --config=tests/tiny_config.py:steps=14 --config.sample_every=1 --config.num_samples=4 --config.checkpoint.every_steps=5 --workdir=$R2/c3/x09",
  "rc=0: 'Resuming from ... at step 10', 'metrics.jsonl: 5 record(s) of steps after 10 moved to metrics.superseded.jsonl', 'samples: 8 grid file(s) of steps after 10 renamed *.superseded.gif / .mp4'; grids step_000011..14 new plus step_0000NN.superseded.gif/.mp4; md5 of step_000011.superseded.gif = the pre-kill step_000011.gif (45db48c4...); steps 1-10 untouched", "good",
  "a first resume attempt with --allow_resume_change=total_steps was refused (rc=2, 'total_steps is not a data-order field'), which also removed the leftover 15.orbax-checkpoint-tmp; its log was replaced by the c3b run.")
c("X10", "--mode=eval WITHOUT --output on a run whose default report name eval_step000012.json holds the user's own NON-JSON text ('my eval notes: step 12 looked good')",
  "c4.sh: m --config=$CFG --mode=eval --workdir=$R2/c4/x10 $EV (copy of $B); again c4v.sh on $R2/c4v/x10v",
  "rc=0, 'eval (EMA weights) -> /tmp/r28/runs2/c4/x10/eval_step000012.json: {...}'; md5sum -c: FAILED; the file is now the new report, the notes are gone, no .superseded copy. The same file given as --output=$R2/c4v/x10o/eval_step000012.json is refused: 'error: --output=... exists and is not an eval report; it would be overwritten: choose another path.' rc=2",
  "data loss",
  "cli_checks.check_eval_report_settings treats a default-name file it cannot parse as 'not a report: nothing of value to keep' (except (OSError, ValueError, AttributeError): return) and the eval writes over it; check_eval_output's 'exists and is not an eval report' guard runs only for a given --output. Seen twice (x10, x10v).")
c("X11", "the same with a JSON LIST the user wrote at eval_step000012.json ('[{\"step\": 12, \"my_fvd\": 123.4}]')",
  "c4.sh: m --config=$CFG --mode=eval --workdir=$R2/c4/x11 $EV; again c4v.sh on $R2/c4v/x11v",
  "rc=0, 'eval (EMA weights) -> /tmp/r28/runs2/c4/x11/eval_step000012.json: {...}'; md5 FAILED, the list replaced by the new report, nothing set aside", "data loss",
  "report.get on a list raises AttributeError, caught by check_eval_report_settings as 'not a report' -> overwritten. Seen twice (x11, x11v).")
c("X12", "--mode=eval (default name) over a report of the SAME weights and settings that the user annotated by hand (an extra top-level key my_top and protocol.my_comment)",
  "c4.sh: m --config=$CFG --mode=eval --workdir=$R2/c4/x12 $EV",
  "rc=0, the report replaced by the new one of identical settings; the hand-added keys are gone", "good",
  "the report is an eval of the same weights under the same settings, which round 27's design lets a rerun replace; the hand-added keys are lost with it (noted, not counted).")
c("X13", "--mode=eval (default name) over a report of OTHER weights (weights_sha256 zeroed, protocol.num_samples=999)",
  "c4.sh: m --config=$CFG --mode=eval --workdir=$R2/c4/x13 $EV",
  "rc=0, '.../eval_step000012.json scored other weights of step 12 (weights_sha256 00000000..., these 78bbd445...): kept as .../eval_step000012.superseded.json, not written over.'", "good")
c("X14", "prepare_data of two DIFFERENT captions that differ only in a character the tokenizer does not know: 'a cat running fast 🎬' / '... 🐶' (again with 'a 猫 runs' / 'a 犬 runs')",
  "c5.sh: pd --input=$O2/c5/x14.jsonl --output=$O2/c5/x14set $PD --text_encoder=$UMT5 --text_length=16; c5c.sh: the same with x14v.jsonl",
  "rc=0, 'prepare_data: /tmp/r28/out2/c5/x14set/manifest.json: 2 examples ... (text)', no warning; read back (readset.py): both records 'text': 'float32[16, 32] md5 55ec357d' (x14v: both 'float32[7, 32] md5 77fece1f'); tokenizer ids of the two captions identical",
  "silent garbage",
  "two captions the user wrote differently are stored as one text without a word. T5TextEncoder.check_captions_kept_apart (eflow_jax/text/__init__.py) lets captions whose FULL token ids are equal through on purpose ('the vocabulary's limit, not the cut') and nothing else warns. Caveat: the fixture's tiny UMT5 (49 pieces, no byte fallback) makes this easy; a real UMT5 vocabulary covers far more characters but still maps characters it lacks to <unk>. Seen twice (x14, x14v).")
c("X15", "prepare_data of captions differing only in their LAST character ('... the grass' / '... the grasp') at text_length=16",
  "c5.sh: pd --input=$O2/c5/x15.jsonl --output=$O2/c5/x15set $PD --text_encoder=$UMT5 --text_length=16",
  "rc=2 before any shard, \"prepare_data: error: captions 'a red cat runs over the grasp' and 'a red cat runs over the grass' are one text at text_length=16 tokens (their tokens differ from token 23 on): set text_length to at least 24.\"", "good")
c("X16", "prepare_data of a UNIQUE caption far longer than text_length (18 words at --text_length=4) beside a short one",
  "c5.sh: pd --input=$O2/c5/x16.jsonl --output=$O2/c5/x16set $PD --text_encoder=$UMT5 --text_length=4",
  "rc=0, 2 examples; read back: text md5 26f1e019 vs acba3863 (kept apart)", "good",
  "truncated, but the two stay distinct, which is what the check is for.")
c("X17", "T5TextEncoder.check_captions_kept_apart on 10000 unique captions (3 letters + ' cat video'), timed",
  "c5c.sh: py docs/misuse/round28_helpers/caps10k.py $UMT5 8",
  "'unique captions: 10000', 'accepted', 'check took 0.54 s' rc=0", "good",
  "an earlier generator of mine made only 600 unique captions, two of which differed past token 8; that run was refused correctly ('... set text_length to at least 43', 0.05 s) and is not the case.")
c("X18", "prepare_data of the cat/dog class folders with a text option given ALONE (--text_device=cuda), then with all text options at their DEFAULTS typed out",
  "c5.sh: pd --input=$O/p02/in --output=$O2/c5/x18a $PD --text_device=cuda; pd --input=$O/p02/in --output=$O2/c5/x18b $PD --text_length=512 --text_device=cpu --text_dtype=float32",
  "x18a rc=2 'prepare_data: error: --text_device=cuda applies to captions embedded with --text_encoder, which is not given: remove it, or give it.'; x18b rc=0, 4 examples (class)", "good",
  "defaults typed out change nothing and are accepted.")
c("X19", "Pipeline.from_workdir of the Moving MNIST base run with config= a config whose data.path names a record set (the Python side of round 27's W20 refusal)",
  "c8.sh / c9.sh: py docs/misuse/round28_helpers/pipe_mm.py $B $O/p02/train (cfg = schema.load_config('tests/tiny_config.py:steps=12'); cfg.data.path = set; Pipeline.from_workdir(run, config=cfg)(class_ids=[0, 1], steps=2, seed=0))",
  "rc=0, 'loaded and sampled: (2, 4, 16, 16, 3) uint8 129.62744140625', no warning (twice: x19, x19v). The same request on the CLI is refused: m --config=$CFG --mode=sample --workdir=$B --num_samples=2 --config.data.path=$O/p02/train -> rc=2 \"error: data.path='/tmp/r27/out/p02/train' is read only with data.source='array_record' (data.source='moving_mnist' ignores it); unset it or change data.source.\"",
  "silent garbage",
  "an ignored option, not wrong pixels: the class samples are the run's own, the data.path is dropped without a word while --mode=sample refuses it. Pipeline.from_workdir checks config with call_inputs.check_config but not train/validate._sources. Low impact.")
c("X20", "training's grid pre-check at the MP4 limit with sample_columns=1 (16x16 clips, a cell 68 px): num_samples=240, 241, and 241 with sample_every=0 (no grids)",
  "c8.sh: m --config=tests/tiny_config.py:steps=5 --workdir=$R2/c8/x20a --config.sample_every=1 --config.sample_columns=1 --config.num_samples=240 (x20b: 241; x20c: 241 and --config.sample_every=0)",
  "x20a rc=0, grids step_000001..5; x20b rc=2 before step 1: \"error: training's sample grids: the grid of 241 clips in 1 columns would be 68x16388 pixels, more than an MP4 frame may be (16384 a side); set --config.num_samples to at most 240, or set another --config.sample_columns.\"; x20c rc=0, checkpoints 4 5, no samples/", "good",
  "my first try at steps=2 was refused by the curriculum check ('stage lengths [2, 0]') for all three, a harness slip, rerun at steps=5.")
c("X21", "--mode=sample default name: --sampler=one_step plain, then with --config.flow.inference_shift=1.0 (one_step takes no shift)",
  "c7.sh: m --config=$CFG --mode=sample --workdir=$R2/c7 --num_samples=4 --sampler=one_step [--config.flow.inference_shift=1.0]",
  "both rc=0 and both named sample_step000012_one_step_n1_w4_seed0_4clips; md5s of grid and clips identical ('x21: same md5s')", "good",
  "the same name is right because the clips are the same.")
c("X22", "--mode=sample default names for settings used or not: alg2 with --config.flow.unguided_w=0.7 (alg2 ignores it), euler_cfg with it, euler_cfg --sample_steps=1 with and without --config.flow.inference_shift=1.0",
  "c7.sh: m --config=$CFG --mode=sample --workdir=$R2/c7 --num_samples=4 --sampler=alg2 --seed=1 [--config.flow.unguided_w=0.7]; --sampler=euler_cfg --seed=1 --config.flow.unguided_w=0.7; --sampler=euler_cfg --seed=1 --sample_steps=1 [--config.flow.inference_shift=1.0]",
  "alg2: one name sample_step000012_alg2_n4_w4_seed1_4clips and identical md5s ('x22: same md5s'); euler_cfg: ..._euler_cfg_n4_w4_seed1_4clips_unguidedw0.7; ..._euler_cfg_n1_w4_seed1_4clips and ..._euler_cfg_n1_w4_seed1_4clips_shift1 side by side, all rc=0", "good")
c("X23", "prepare_data --output through lnk/.. (lnk -> real/sub)",
  "c9.sh: pd --input=$O/p02/in --output=$O2/c9/lnk/../set $PD",
  "rc=0, 'prepare_data: /tmp/r28/out2/c9/real/set/manifest.json: 4 examples ...'; no $O2/c9/set", "good")
c("X24", "training a record set named in --config.data.path through lnk/.. and as a relative '../' path (cwd is the worktree)",
  "c9.sh: m --config=tests/tiny_config.py:steps=5 --workdir=$R2/c9_x24a $RS --config.data.path=$O2/c9/lnk/../p02set; m ... --workdir=$R2/c9_x24b $RS --config.data.path=../../r28/out2/c9/real/p02set; m ... --workdir=$R2/c9_x24c $RS --config.data.path=../r28/out2/c9/real/p02set",
  "x24a rc=0, the checkpoint's config records \"path\": \"/tmp/r28/out2/c9/real/p02set\"; x24b rc=2 \"error: record directory '/r28/out2/c9/real/p02set' does not exist (data.path).\" (my path had one '../' too many: the error names what it resolved to); x24c rc=0, recorded \"/tmp/r28/out2/c9/real/p02set\"", "good")
c("X25", "outputs read back: the same requests to Pipeline.from_pretrained($EX) and Pipeline.from_workdir($B) (the run it was exported from), bitwise; a 2-clip batch against the first 2 of a 4-clip batch",
  "c9.sh: py docs/misuse/round28_helpers/pipe_cmp.py $EX $B",
  "\"{'class_ids': [0, 1, 2, 3], 'steps': 4, 'seed': 0} ... equal 99440714 mean 126.733\", \"{'class_ids': [3], 'steps': 1, 'seed': 7, 'guidance': 1.0} ... equal cff863aa\", 'first 2 clips of a 2-clip vs 4-clip batch equal: True', rc=0", "good")
c("X26", "export / sample / eval --output that a link and '..' put INSIDE the run's checkpoints folder (lnk -> run/checkpoints/10, --output=lnk/../x)",
  "c10.sh: ex --workdir=$R2/c10/run --output=$R2/c10/lnk/../exp; m --config=$CFG --mode=sample --workdir=$R2/c10/run --num_samples=2 --output=$R2/c10/lnk/../s; m --config=$CFG --mode=eval --workdir=$R2/c10/run $EV --output=$R2/c10/lnk/../rep.json",
  "all three rc=2, e.g. 'error: --output=/tmp/r28/runs2/c10/run/checkpoints/exp is inside the run's checkpoints folder /tmp/r28/runs2/c10/run/checkpoints, whose step folders checkpoint pruning (max_to_keep) deletes ...; choose a path outside it.'; checkpoint files' md5s unchanged, steps 10 and 12", "good")

for case in C:
  out = subprocess.run([sys.executable, "docs/misuse/add_case.py", "docs/misuse/round28.json", "cases"], input=json.dumps(case),
                       capture_output=True, text=True)
  print(out.stdout.strip(), out.stderr.strip()[-300:])
