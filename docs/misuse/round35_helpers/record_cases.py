# the 30 cases as recorded into docs/misuse/round35.json (run: python docs/misuse/round35_helpers/record_cases.py; it rewrites the cases only, the top-level fields were added after it)
import json, subprocess, sys
WT = "/tmp/wt_r35_2891"
C = []
def c(id, what, command, result, category, note=None):
  d = {"id": id, "what": what, "command": command, "result": result, "category": category}
  if note: d["note"] = note
  C.append(d)
# final numbering (see the helpers named in each command)
c("E01", "a step folder's meta hand-edited: nonfinite_steps set to the string 'lots', and (another copy) to -5; then exported",
  "a1.sh: cp -r $B; edit checkpoints/12/meta/metadata nonfinite_steps='lots' (e01) / -5 (e02); ex --workdir=... --output=...",
  "both rc=0, the three files written; the card's first line 'EFlow VideoDiT (0.08M parameters, EMA weights), conditioned on 10 classes; trained for 12 steps (of 12) by eflow_jax.' with no skipped-updates clause, which is true (the state's own counter is 0).",
  "good", "export_probe.skipped_updates reads only a non-negative int and treats anything else as not recorded: the edit is harmless.")
c("E02", "the meta's saved config edited (model.hidden 32->64, mlp_hidden 64->128), then exported",
  "a1.sh: edit config.model.hidden/mlp_hidden; ex ...",
  "rc=2, 'error: checkpoint step 12 in .../checkpoints: the model section of its saved config was edited (model_sha256 differs); set it back, or start a new --workdir for the other model.' No output folder.", "good")
c("E03", "stray entries in checkpoints/: a folder backup_old, a file notes.txt and a copy of step 10 named 12_copy; export, then resume training to 14 steps",
  "a2.sh: mkdir checkpoints/backup_old; echo > notes.txt; cp -r 10 12_copy; ex ...; m --config=$TINY:steps=14 --workdir=...",
  "export rc=0 of step 12 (the strays ignored); resume 'Resuming from ... at step 12 (stage dense_mva).' rc=0, checkpoints 10 12 14 written, the strays left as they were.", "good")
c("E04", "run rs's step-12 folder (2 classes, 3 channels) copied into a copy of $B as checkpoints/20; export and sample",
  "a2.sh: cp -r $R/rs/checkpoints/12 run/checkpoints/20; ex ...; m --mode=sample ...",
  "both rc=2: 'error: checkpoint step 20 in .../checkpoints holds step 12 by its meta (copied or renamed?): rename the folder to 12, or move it away.'", "good")
c("E05", "run rs's step-12 folder copied IN PLACE of a $B copy's own step 12 (the step numbers agree), then exported and sampled",
  "a3.sh: cp -r $B run; rm -rf run/checkpoints/12; cp -r $R/rs/checkpoints/12 run/checkpoints/12; ex --workdir=run --output=exp; m --config=$TINY:steps=12 --mode=sample ...",
  "export rc=0 with no warning: exp/config.json has num_classes 2 and a (4, 16, 16, 3) latent, the card says 'conditioned on 2 classes; trained for 12 steps (of 12) ... data: array_record /tmp/r34/out/p02/train' - run rs's model exported as the Moving-MNIST run's. In the same checkpoints/ folder step 10 is run 74691fa9 (run_dir /tmp/r34/runs/base) and step 12 run dcd02097 (run_dir /tmp/r34/runs/rs), with another model section. --mode=sample with the run's config did refuse it ('is from another model (model.latent_channels: checkpoint 3, config 1)').",
  "silent garbage",
  "tools/export.py:export (like Pipeline.from_workdir) takes the newest readable step with its own saved config (checkpoint.Checkpointer._first_readable / _restore_ema_step check the meta's step and model_sha256 but not that the step belongs to this run). Training can never write steps of two model sections into one checkpoints/ folder (fault_tolerance.check_resume refuses it), so a kept step whose model section differs from the other kept steps' can only be a copy: refuse it in one line ('step 12 is another model than step 10: copied from another run?'). See E06 for the same-architecture case.")
c("E06", "a second 12-step run of the SAME tiny config (another seed, and in a second try another LR) whose step 12 replaces a $B copy's step 12; export, sample, resume",
  "c1.sh: m --config=$TINY:steps=12 --workdir=other --config.seed=7; cp -r $B run; rm -rf run/checkpoints/12; cp -r other/checkpoints/12 run/checkpoints/12; ex; m --mode=sample; m --config=$TINY:steps=14 (resume). c3.sh: the same with the other run trained at curriculum LR 3e-4 (seed 0), then resumed to 14",
  "seed 7: export rc=0, run/exp/model.safetensors md5 8949dab6... = the other run's own export, card 'trained for 12 steps (of 12)'; --mode=sample rc=0 'sampled step 12 of .../c/run (EMA weights)'; the resume refused ('resuming with another data order (seed: checkpoint 7, config 0)'). LR 3e-4: the resume rc=0 'Resuming from .../checkpoints at step 12 (stage dense_mva).' with no word: step 14 is trained from the other run's weights and Adam state; the meta of steps 10/12/14 shows run 74691fa9 (/tmp/r34/runs/base, lr 1e-4) / 50b16ca6 (/tmp/r35/work/c3/other, lr 3e-4) / 13f2cf56 (this folder, a new fork id), and metrics.jsonl joins base's steps 1-12 with the foreign continuation's 13-14 as one curve.",
  "silent garbage",
  "checkpoint.Checkpointer._first_readable / _restore_step (resume) and _restore_ema_step (sample, export) accept any step whose own meta is consistent; fault_tolerance.run_identity then just starts a fork id because the meta's run_dir is another folder. Nothing compares the step's lineage with the run's other kept steps or metrics.jsonl. Suggested fix: on a fork record the parent run_id in the meta (run_identity), and have restore warn (read-only) or refuse (resume) when the chosen step's run_id is neither that of the run's other kept steps nor a fork of it, naming the step's run_dir ('checkpoint 12 was written by run 50b16ca6 in /tmp/r35/work/c3/other, steps 10 by 74691fa9: copied from another run?').")
c("E07", "the newest step left without one item: state/ removed (one copy), meta/ removed (another); export and sample with the default step",
  "a2.sh: rm -rf run/checkpoints/12/state; ex ...; c1.sh: rm -rf 12/meta; ex ...; m --mode=sample",
  "rc=0 with 'warning: checkpoint step 12 in .../checkpoints is unreadable (its item state missing); left as it is, trying an older step.' (meta: 'its item meta missing'); the export's card says 'trained for 10 steps (of 12)', the sample 'sampled step 10 of ...'. The folder is left as it was.", "good")
c("E08", "the meta 'step' of folder 12 hand-edited to 99, then exported",
  "a2.sh: edit meta step=99; ex ...",
  "rc=2, 'error: checkpoint step 12 in .../checkpoints holds step 99 by its meta (copied or renamed?): rename the folder to 99, or move it away.'",
  "good", "Caught before any work. The advice (rename to 99) assumes a renamed folder; here the meta was edited (the state's step is 12), but a refused hand edit of a tool-written file is good.")
c("E09", "step 12 set aside as 12.superseded by hand; export --step=12, then export with the default step",
  "a2.sh: mv 12 12.superseded; ex --step=12 ...; ex ...",
  "--step=12: rc=2 'error: checkpoint step 12 not in .../checkpoints; available: [10] (12.superseded* holds it, set aside: rename it back to 12 to read it).' Default: rc=0, step 10, card 'trained for 10 steps (of 12)'.", "good")
c("E10", "--mode=sample --num_samples=0, and --num_samples=1000000", "a3.sh: m --mode=sample --num_samples=0 / 1000000 --output=...",
  "0: rc=2 'error: --num_samples=0 must be >= 1.' 1000000: rc=2 at once 'error: --mode=sample: the grid of 1000000 clips in 5 columns would be 340x13600000 pixels, more than an MP4 frame may be (16384 a side); ask for at most 1200 clips per call, or set another --config.sample_columns.' Nothing written.", "good")
c("E11", "--mode=sample --class_id=10 (= num_classes) and --class_id=-1 on the 10-class run",
  "a3.sh: m --mode=sample --num_samples=1 --class_id=10 / -1",
  "10: rc=0 with 'note: --class_id=10 is the null class of this 10-class model: the clips are unconditional (classes are 0..9).', the clip named 000_class10. -1: rc=2 'error: --class_id=-1 outside [0, 10] (10 = the null class).'", "good")
c("E12", "--sampler=one_step with --sample_steps=8 --guidance=3, then one_step alone",
  "a3.sh: m --mode=sample --sampler=one_step --sample_steps=8 --guidance=3; m --mode=sample --sampler=one_step",
  "first rc=2 'error: --sample_steps=8 with the one_step sampler, which takes one step (f(x, 1, 0)); drop --sample_steps, or use the alg2 or chain sampler for 8 steps.'; the second rc=0, 2 clips.", "good")
c("E13", "text run: --prompts_file with a blank line, a spaces-only line and a duplicated prompt",
  "a4.sh: printf 'clip number 1 moving\\n\\n   \\nclip number 1 moving\\nclip number 2 moving\\n' > p; m $T2VF --mode=sample --prompts_file=p",
  "rc=0, 3 clips (the blank lines dropped, the duplicate kept as a clip of its own); captions.txt maps 000_prompt0 and 001_prompt1 to 'clip number 1 moving' and 002_prompt2 to 'clip number 2 moving'.",
  "good", "cli_checks.read_prompts documents 'one per non-empty line'; captions.txt names each clip's caption.")
c("E14", "text run: a prompts file whose first line is 300 words (data.text_length 8)",
  "a4.sh: m $T2VF --mode=sample --prompts_file=p_long.txt",
  "rc=0, 2 clips, with the warning '2 prompt(s) longer than text_length=8 tokens (up to 1801) are truncated.'; captions.txt keeps the full line.", "good")
c("E15", "text run: --prompts_file naming a directory; --class_id=1 on the text model",
  "a4.sh: m $T2VF --mode=sample --prompts_file=dir/; m $T2VF --mode=sample --class_id=1",
  "rc=2 'error: --prompts_file=.../pdir: Is a directory.'; rc=2 'error: --class_id is for class-conditional models; this config is a text model: use --prompt.'", "good")
c("E16", "a run copied elsewhere, exported, trained further (to 14 steps), and exported again into the same folder",
  "a5.sh: cp -r $B x/run; ex --workdir=x/run --output=x/exp; m --config=$TINY:steps=14 --workdir=x/run; ex --workdir=x/run --output=x/exp",
  "the second export rc=2: 'error: --output=/tmp/r35/work/x/exp holds the export of another run (run 74691fa9, trained in /tmp/r35/work/x/run; this is run 4aa1cde0); choose another directory, or delete that export first.' The old export (step 12) is kept unchanged. The message calls the earlier export 'another run' trained in the very folder being exported, and does not say why the identity changed.",
  "traceback/unclear",
  "train/fault_tolerance.run_identity gives the copy a new (fork) id on its first training, since the meta's run_dir was /tmp/r34/runs/base; tools/export.py:check_same_run then compares only run ids and prints the earlier export's source_run, which is this same folder. Refusing may be right (the earlier export holds the original run's step 12), but the message should say so: when earlier['source_run'] == source_run and the ids differ, say 'this folder was copied from <parent run_dir> and became a run of its own (a fork, id 4aa1cde0) when trained on; the export there is of the original run's step 12: export into a new folder, or delete it first'.")
c("E17", "two exports of different steps of one run into one folder (step 10, then step 12)",
  "a5.sh: ex --workdir=$B --output=x/two --step=10; ex --workdir=$B --output=x/two --step=12",
  "both rc=0; model.safetensors md5 e4deccbd... then 22d631ff... (= the step-12 export); config.json step 12, the card 'trained for 12 steps (of 12)'; no leftover of the first.", "good")
c("E18", "Pipeline.from_workdir($B, config=another config): data.size 32 (another clip size), then flow.sampler chain / inference_steps 8 / w_inf 1.5",
  "p1.py e22/e23",
  "size 32: ValueError 'the checkpoint in /tmp/r34/runs/base/checkpoints was trained on clips of (4, 16, 16, 1) (T, H, W, C), the config gives (4, 32, 32, 1): drop the config's data.frames / data.size overrides, or point data.path at a record set of the trained shape.' Sampler: loads, pipe.config.flow is chain/8; its clips equal the default Pipeline's with steps=8, sampler='chain', guidance=1.5 passed per call, and differ from its defaults.", "good")
c("E19", "an exported Pipeline deep-copied and pickled / unpickled, each used to sample",
  "p1.py e24",
  "deepcopy and a pickle round trip (324294 bytes) both give clips identical to the original's for the same seed.", "good")
c("E20", "a Pipeline loaded from a copy of $EX, the folder then deleted, the Pipeline called again",
  "p1.py e25",
  "the call after rmtree gives the same clips as before (weights held in memory; the identity decoder needs no file).", "good")
c("E21", "prepare_data processes with different --shard_size: process 0 of 2 --shard_size=1, process 1 of 2 --shard_size=2",
  "b1.sh: pd --input=$O/p02/in --output=s26 $PD --shard_size=1 --process_index=0 --process_count=2; the same with --shard_size=2 --process_index=1",
  "process 0 rc=0 (shards 0 and 2, 'other processes' shards are not finished; the last one writes the manifest.'); process 1 rc=2 'prepare_data: error: --output=.../s26 was prepared from other inputs or options (shard_size: 1 then, 2 now); rerun with the same inputs and options to finish it, or prepare the changed set in a new --output (nothing was written).'", "good")
c("E22", "prepare_data processes reading different inputs: process 1 of 2 given another folder of 4 videos with the same class names",
  "b1.sh: pd --input=$O/p02/in ... --process_index=0; pd --input=in2 ... --process_index=1 (--process_count=2, --shard_size=1)",
  "process 1 rc=2 'prepare_data: error: --output=.../s27 was prepared from other inputs or options (the input list (4 videos then, 4 now, other paths, labels or captions)); ... (nothing was written).' No manifest.", "good")
c("E23", "prepare_data: only process 0 of 2 ran (twice, the second by mistake with index 0 again); then training on the unfinished set; then a run of process 0 with --process_count=1",
  "b1.sh: pd ... --process_index=0 --process_count=2 (twice); m --config=$TINY:steps=4 $RS --config.data.path=s28; c2.sh: pd ... --process_index=0 --process_count=1 on such a set",
  "the repeat: rc=0 'wrote shards [], skipped finished shards [0, 2]' and 'other processes' shards are not finished; the last one writes the manifest.'; training rc=2 'error: data.path: .../s28/manifest.json is missing: not a finished record set (write_records writes it last).' A run with --process_count=1 then writes shards 1 and 3 and the manifest: 4 records in input order (labels 0,0,1,1).",
  "good", "The training refusal does not say which shards are missing (1 and 3, process 1 of 2); naming them would help, but it is one clear line.")
c("E24", "prepare_data: a zero-byte cat/empty.mp4 and a text file dog/notes.mp4 among the class folders",
  "b1.sh: : > in29/cat/empty.mp4; echo text > in29/dog/notes.mp4; pd --input=in29 --output=s29 $PD",
  "rc=0, 'prepare_data: skipping .../empty.mp4: [Errno 1094995529] Invalid data found when processing input' (the same for notes.mp4), '2 bad video(s) skipped', manifest 4 examples with both files listed under 'skipped' with their errors.", "good")
c("E25", "resume with total_steps=8 below the checkpoint's step 12",
  "b2.sh: cp -r $B a; m --config=$TINY:steps=8 --workdir=a",
  "rc=0, 'warning: the run is at step 12, past total_steps=8: nothing is trained (a run is not shortened; --resume_from_step=N with N < 8 trains from checkpoint N).'; checkpoints 10 12 unchanged.", "good")
c("E26", "resume to 16 steps with other curriculum stage boundaries (fractions 0.9/0.1 instead of 0.8/0.2)",
  "b2.sh: cp -r $B b; m --config=$TINY:steps=16 --workdir=b --config.curriculum.stage1.fraction=0.9 --config.curriculum.stage2.fraction=0.1",
  "rc=0 with 'warning: checkpoint 12 ended stage dense_mva, but with this total_steps / curriculum step 12 lies in the earlier stage sparse: training goes back to it. Keep the checkpoint's total_steps and stage fractions to continue in dense_mva.'; metrics.jsonl shows steps 13-14 at drop_ratio 0.75 (sparse) and 15-16 at 0.0, as warned.", "good")
c("E27", "resume of run rs with curriculum.stage2.data_path pointed at another record set of the same shape (and log_every=0 on a $B copy)",
  "b2.sh: m --workdir=d $RS --config.data.path=$O/p02/train --config.curriculum.stage2.data_path=s29; m --workdir=c --config.log_every=0",
  "rc=2 'error: resuming with another data order (curriculum.stage2.data_path: checkpoint '', config '/tmp/r35/work/mp/s29'): rerun with the checkpoint's values, start a new --workdir, or pass --allow_resume_change=curriculum.stage2.data_path (the run then differs from an uninterrupted one).'; log_every: rc=2 'error: log_every=0 must be >= 1.'", "good")
c("E28", "--mode=eval with data.eval_path = the training set itself, and = the same 4 videos prepared again into another folder",
  "b3.sh: m $RS --config.data.path=$O/p02/train --config.data.eval_path=$O/p02/train --mode=eval $EV; the same with eval_path=s29",
  "both rc=0 with a warning, e.g. 'warning: 4 of the 4 clips of data.eval_path=.../s29 are clips the weights trained on (the same source video, or byte-identical latents, as records of /tmp/r34/out/p02/train): the report says held_out false; score a set prepared from other videos.'; the reports' protocol.eval_set says held_out False, clips_also_trained_on '4 of 4'.", "good")
c("E29", "prepare_data from a .jsonl whose video paths are http(s) URLs",
  "c1.sh: printf '{\"video\": \"https://example.com/a.mp4\", \"label\": 0}\\n{\"video\": \"http://example.com/b.mp4\", \"label\": 1}\\n' > urls.jsonl; pd --input=urls.jsonl --output=s_urls $PD",
  "rc=2 after trying both: 'prepare_data: error: .../s_urls: no video could be prepared, all 2 were skipped (/tmp/r35/work/c/https://example.com/a.mp4: unreadable (FileNotFoundError: [Errno 2] No such file or directory: '/tmp/r35/work/c/https://example.com/a.mp4'); ...); fix them or the options and prepare into a new --output (or delete this one: it holds no clip).' The URL is glued onto the .jsonl's folder as a relative path; nothing says URLs are not read; s_urls/ is left with preparation.json and shard-00000.json.",
  "traceback/unclear",
  "tools/video_inputs.py:read_entries joins every 'video' value to the list's folder (os.path.join(base, expand_home(r['video']))), so 'https://...' becomes '<folder>/https://...'. Suggested fix: in read_entries (or _check_row) refuse a value with a URL scheme (urllib.parse.urlsplit(v).scheme in http/https/gs/s3...) in one line before --output is claimed: 'row 1: video https://example.com/a.mp4 is a URL; prepare_data reads local files: download the videos and list their paths'.")
c("E30", "metrics.jsonl's last record cut 40 bytes short (a crash while appending), then the run resumed to 14 steps",
  "c2.sh: cp -r $B k; truncate the last 40 bytes of k/metrics.jsonl; m --config=$TINY:steps=14 --workdir=k",
  "rc=0; metrics.jsonl parses to steps 1-11, 13, 14 with one unreadable line (the cut step-12 record, now ended by a newline); the resumed records are not joined to it.",
  "good", "train/progress._open_jsonl adds the missing newline before appending; the cut record itself is lost with the crash, not by the tool.")
import os
out = WT + "/docs/misuse/round35.json"
if os.path.exists(out): os.remove(out)
for d in C:
  subprocess.run([sys.executable, WT + "/docs/misuse/add_case.py", out, "cases"], input=json.dumps(d), text=True, check=True)
