"""Writes docs/misuse/round36.json: every case through docs/misuse/add_case.py, then the top-level fields."""
import json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "round36.json")
G, U, S, D = "good", "traceback/unclear", "silent garbage", "data loss"

CASES = [
 ("F01", "fork of a fork: a fresh run n1 (steps 10, 12) copied to n2 and trained to 14, n2 copied to n3 and trained to 16; then n3's step 16 (a grandchild's) copied back into a copy of n1 and exported",
  "a1.sh: m --config=$TINY:steps=12 --workdir=n1 (f0_fresh.sh); cp -r n1 n2; m ...steps=14 --workdir=n2; cp -r n2 n3; m ...steps=16 --workdir=n3; cp -r n1 n1c; cp -r n3/checkpoints/16 n1c/checkpoints/; ex --workdir=n1c",
  "training rc=0 each. Metas read back (lin.py): n1 10/12 run 22828103 lineage [22828103]; n2 14 run cd4b4ff8 lineage [22828103, cd4b4ff8] run_dir n2; n3 16 run b9b24ba1 lineage [22828103, cd4b4ff8, b9b24ba1]. The export of n1c (steps 10, 12 of n1 + 16 of n3) rc=0, 'drawing one clip from step 16's weights', card 'trained for 16 steps (of 16)': step 16 continues n1, accepted without a warning.",
  G, "Each fork adds its new id to the newest checkpoint's lineage (run_lineage.next_lineage); a descendant's step in an ancestor's folder continues it."),
 ("F02", "a run moved with mv (cp n1 mva; mv mva mvb) then resumed to 14; the parent n1 exported into e1, then mvb into e1 (replaces the parent's), then n1 again into e1",
  "a1.sh: cp -r n1 mva; mv mva mvb; m ...steps=14 --workdir=mvb; ex --workdir=n1 --output=e1; ex --workdir=mvb --output=e1; ex --workdir=n1 --output=e1",
  "resume rc=0; mvb step 14 run a5382549 lineage [22828103, a5382549] run_dir mvb (a moved run is a fork, documented). ex n1 -> e1 rc=0; ex mvb -> e1 rc=0, e1/config.json run_id a5382549 step 14, card 'trained for 14 steps'; ex n1 -> e1 again rc=2 'error: --output=e1 holds the export of another run (run a5382549, trained in mvb; this is run 22828103); choose another directory, or delete that export first.' e1 still the 14-step export.",
  G, "tools/export.check_same_run: the child's lineage holds the parent, so the child replaces the parent's export; the parent does not continue the child, so it does not overwrite the child's. The refusal calls the child 'another run', which is true of the id."),
 ("F03", "another run's step (fresh run n9's step 6, same model) copied into a copy of n1 as step 4, older than the run's own steps 10 and 12; default export",
  "a2.sh: m ...steps=8 --workdir=n9; cp -r n1 f3; cp -r n9/checkpoints/6 f3/checkpoints/4; ex --workdir=f3 --output=f3_exp",
  "rc=2 'error: checkpoints in f3/checkpoints: step 12 is of run 22828103 (written in n1) and step 4 of run 9afa9f04 (written in n9), and neither continues the other: a step folder copied in from another run? Move that run's steps out of f3/checkpoints, then run this again.' No f3_exp.",
  G, "run_lineage.check_one_run checks the used step against every kept step, older ones too."),
 ("F04", "Pipeline.from_workdir on that folder (f3: own 10, 12; foreign 4) with step=4 (the foreign one), step=12 (own) and the default",
  "a2.sh: py p4.py f3 (Pipeline.from_workdir(f3, step=4 / 12 / None))",
  "step=4: IncompatibleCheckpointError 'checkpoint step 4 in f3/checkpoints holds step 6 by its meta (copied or renamed?): rename the folder to 6, or move it away.'; step=12 and default: ValueError with the same one-line lineage refusal as F03.",
  G, "pipeline.Pipeline.from_workdir calls run_lineage.check_one_run; the renamed folder is caught first by the step-in-meta check."),
 ("F05", "training resumed (steps=14) in f3, which holds the foreign step 4",
  "a2.sh: m --config=$TINY:steps=14 --workdir=f3",
  "rc=2, the same one-line lineage refusal; checkpoints still 4, 10, 12, nothing trained or pruned.",
  G, "fault_tolerance._resumed calls check_one_run before any step is trained or pruned."),
 ("F06", "another run's step (n9's 8) copied into a copy of n1 as step 20, its meta/ item removed; default export",
  "a2.sh: cp -r n1 f6; cp -r n9/checkpoints/8 f6/checkpoints/20; rm -rf f6/checkpoints/20/meta; ex --workdir=f6 --output=f6_exp",
  "rc=0 with 'warning: checkpoint step 20 in f6/checkpoints is unreadable (its item meta missing); left as it is, trying an older step.' then 'drawing one clip from step 12's weights'; card 'trained for 12 steps (of 12)': the run's own newest step exported, the foreign weights never read.",
  G, "checkpoint._first_readable falls back past an unreadable default step with a warning; the result is the run's own step 12."),

 ("F08", "--resume_from_step=12 in a copy of n1 that also holds another run's step (n9's 8 copied as 20): the step that would be set aside is the foreign one",
  "a2.sh: cp -r n1 f8; cp -r n9/checkpoints/8 f8/checkpoints/20; m --config=$TINY:steps=14 --workdir=f8 --resume_from_step=12",
  "rc=2 one-line refusal 'step 12 is of run 22828103 ... and step 20 of run 9afa9f04 ..., and neither continues the other: a step folder copied in from another run? Move that run's steps out of f8/checkpoints'; checkpoints still 10, 12, 20 (nothing set aside, nothing trained).",
  G, "fault_tolerance._resume_from checks (via _resumed) before setting newer steps aside; the foreign folder is named, not renamed to 20.superseded where it would pass for this run's."),
 ("F09", "--resume_from_step=10 in a copy of n1 (a fork) trained to 14; then export --step=12 (the set-aside step)",
  "a2.sh: cp -r n1 f9; m --config=$TINY:steps=14 --workdir=f9 --resume_from_step=10; ex --workdir=f9 --output=f9_exp --step=12",
  "rc=0: '--resume_from_step=10: the newer checkpoints were set aside (f9/checkpoints/12.superseded)' and 'metrics.jsonl: 2 record(s) of steps after 10 moved to metrics.superseded.jsonl'. Metas: 10 and 12.superseded run 22828103 (n1); 11 (new stage boundary) and 14 run 2440adaf lineage [22828103, 2440adaf] run_dir f9. Export --step=12 rc=2 'checkpoint step 12 not in f9/checkpoints; available: [10, 11, 14] (12.superseded* holds it, set aside: rename it back to 12 to read it).'",
  G, "The fork gets a new id whose lineage holds n1; the superseded step is out of all_steps and named when asked for."),
 ("F10", "an export's config.json flow.inference_shift edited to 0.0, and (another copy) to NaN; sampled with Pipeline.from_pretrained(...)(class_ids=[1, 2])",
  "a3.sh: cp -r $EX x_s0 / x_snan; medit.py config.json flow.inference_shift = 0.0 / nan; py p10.py $EX x_s0 x_snan",
  "the untouched export samples (finite). Both edited copies load without a word, then sampling ends in a numpy RuntimeWarning from flow/timesteps.py ('return shift * t / (1.0 + (shift - 1.0) * t)') and 'FloatingPointError samples of x_s0 (steps=None, guidance=None, seed=0): 2048 of 2048 sample values are not finite (NaN or inf): the weights are damaged or blown up, or the guidance is too large.' The weights are fine; the cause (config.json inference_shift) is not named.",
  U, "pipeline.read_description checks config.json's flow with cli_checks.sampling_defaults_problem, which covers only sampler, w_inf and inference_steps; schema/flow.py's validation (inference_shift > 0) is not applied to an export's config. Fix: add inference_shift (finite, > 0) to sampling_defaults_problem so that the load refuses in one line naming config.json, as for w_inf."),
 ("F12", "prepare_data with a .jsonl list whose first row's video is a URL with a leading space (' https://example.com/a.mp4')",
  "a3.sh: pd --input=u1/l.jsonl --output=u1/set $PD",
  "rc=0: 'prepare_data: skipping u1/ https://example.com/a.mp4: unreadable (FileNotFoundError: ... No such file or directory: 'u1/ https://example.com/a.mp4')', '1 bad video(s) skipped', manifest 1 example (the URL row's class 0 has no clip). The URL refusal (one line, before writing) did not fire; the row was joined to the list's folder as a relative path and skipped as a missing file after the set was started.",
  U, "tools/video_inputs._check_row tests video.split('://')[0].isalnum() on the unstripped value: ' https' has a space. Fix: test the stripped value (video.strip()), or refuse a path with leading/trailing spaces outright."),
 ("F13", "prepare_data with a .csv whose second row's video is 'FTP://host/v1.mp4' (upper-case scheme)",
  "a3.sh: pd --input=u2/l.csv --output=u2/set $PD",
  "rc=2 'prepare_data: error: u2/l.csv: row 2: FTP://host/v1.mp4 is a URL; prepare_data reads local files: download the videos, list their paths.' No u2/set written.",
  G, "video_inputs._check_row, any alphanumeric scheme."),
 ("F14", "--mode=eval with eval.num_samples=0 on a copy of n1",
  "a4.sh: m --config=$TINY:steps=12 --workdir=ev --mode=eval --config.eval.num_samples=0 ...",
  "rc=2 'error: eval.num_samples=0 must be >= 2.' before any work.", G, "config check before JAX."),
 ("F15", "--mode=eval with eval.num_samples=1 (a Frechet distance needs two)",
  "a4.sh: m ... --mode=eval --config.eval.num_samples=1 ...",
  "rc=2 'error: eval.num_samples=1 must be >= 2.'; metrics.jsonl unchanged (last record the step-12 training record).", G, ""),
 ("F16", "--mode=eval with eval.num_samples=1000000000",
  "a4.sh: m ... --mode=eval --config.eval.num_samples=1000000000 ...",
  "rc=2 'error: --mode=eval: 1000000000 clips at once need about 186562.5 GiB of working memory to sample (the compiled sampler's buffers), 16.4 GiB is free; set --config.eval.num_samples to about 66004 or fewer.' before sampling.", G, ""),
 ("F17", "--mode=eval with eval.classifier_steps=0",
  "a4.sh: m ... --mode=eval --config.eval.num_samples=4 --config.eval.classifier_steps=0 ...",
  "rc=2 'error: eval.classifier_steps=0 must be >= 1.'", G, ""),

 ("F18", "a text run trained by this commit with its own UMT5 copy (umt5a), exported; then the encoder folder moved (mv umt5a umt5b) and the export sampled with the Pipeline, before and after setting pipe.config.text_encoder.path",
  "a5.sh: cp -r $UMT5 umt5a; m --config=$TT:steps=6 --workdir=t2 $T2VF --config.text_encoder.path=umt5a; ex --workdir=t2 --output=t2_exp; mv umt5a umt5b; py p18.py t2_exp umt5b",
  "training and export rc=0; card line 15 '- text encoder: t5 read from umt5a (not in this folder; on another machine set `pipe.config.text_encoder.path` to its copy before the first call)'. Pipeline call with the old path: ValueError 'text encoder path 'umt5a' is not a local directory (config.json, weights and tokenizer files of a T5/UMT5 model; nothing is downloaded).'; after p.config.text_encoder.path = umt5b: shape (1, 4, 16, 16, 3), finite.",
  G, "The card's advice works; the error names the path (not the attribute to set, which the card names)."),
 ("F19", "--mode=sample of that text run with text_encoder.path still the moved folder",
  "a5.sh: m --config=$TT:steps=6 --workdir=t2 $T2VF --config.text_encoder.path=umt5a --mode=sample --num_samples=1 --prompt='clip number 2 moving' --output=t2_s",
  "rc=2 'error: text_encoder.path='umt5a' is not a local directory: the t5 encoder needs one (config.json, weights and tokenizer files; nothing is downloaded).' No t2_s files.", G, ""),
 ("F20", "the text run resumed (steps=8) with text_encoder.path given as the moved folder umt5b",
  "a5.sh: m --config=$TT:steps=8 --workdir=t2 $T2VF --config.text_encoder.path=umt5b",
  "rc=0: a warning that checkpoint 6 ended stage 480p_dense_mva but lies in 480p_sparse under total_steps=8 (the stage-order warning, true), 'Resuming from t2/checkpoints at step 6'; steps 7, 8 written with the same run id 7e48000c (lineage [7e48000c]: same folder, same run). The path change is accepted: the encoder is compared by identity with the caption set's manifest (train/source_agreement.py, encoder_identity.check_same_encoder), not by path.",
  G, ""),

 ("F11", "an export's config.json flow.inference_shift edited to -0.5 (which training's config check refuses: flow.inference_shift must be > 0), and another copy to 1e-6 (allowed); sampled with the Pipeline",
  "a8.sh: cp -r $EX x_sneg / x_stiny; medit.py config.json flow.inference_shift = -0.5 / 1e-6; py p10.py x_sneg x_stiny",
  "both rc=0 without a word: x_sneg (2, 4, 16, 16, 3) uint8 finite, mean 132.1 std 123.3; x_stiny mean 124.1 std 91.4. The untouched export with the same seed and classes: mean 125.5 std 73.0 (F10's p10.py). The -0.5 clips are saturated (std near 127.5, pixels pinned at 0/255): garbage returned as samples from a config no training run could have.",
  S, "pipeline.read_description -> cli_checks.sampling_defaults_problem checks sampler, w_inf and inference_steps of config.json's flow but not inference_shift, which schema/flow.py validate refuses unless > 0 for training; flow/sampling.alg2_sample uses cfg.inference_shift as read. Fix: check inference_shift (a finite number > 0) in sampling_defaults_problem (same one line naming config.json as w_inf); this also fixes F10."),
 ("F21", "a nan_policy=skip run with lr 1e30 (6 steps): its closing line, the metas' nonfinite_steps",
  "a6.sh: m --config=$TINY:steps=6 --workdir=k --config.curriculum.stage1.lr=1e30 --config.curriculum.stage2.lr=1e30 --config.nan_policy=skip",
  "rc=0; running warnings 'N update(s) skipped so far' and the closing 'warning: 5 of this run's 6 updates (steps 1-6) were skipped for a non-finite loss or gradient (nan_policy=skip).'; metas: step 5 nonfinite_steps 4, step 6 nonfinite_steps 5 (lineage [20f45a03]).",
  G, ""),
 ("F22", "export of that skip run (default step 6), then of its earlier kept step 5 as the refusal suggests",
  "a6.sh: ex --workdir=k --output=k_exp; a9.sh: ex --workdir=k --output=k_exp5 --step=5",
  "step 6: rc=2 'error: --workdir=k step 6: a clip drawn from its EMA weights with the recipe's sampler has 1024 of 1024 values that are not finite (NaN or inf); 5 of its 6 updates were skipped for a non-finite loss (nan_policy): the weights are blown up; nothing was exported. Train again with a lower LR, or export an earlier step (--step=N; kept: 5).' No k_exp. Step 5 (a9.sh): rc=2 the same refusal, '4 of its 5 updates were skipped ... Train again with a lower LR, or no earlier checkpoint is kept.' No k_exp5 (only step 1's update was applied, with lr 1e30: every kept step is blown up, and the second refusal says so).",
  G, "tools/export_probe draws the probe clip before writing; the card count comes from meta nonfinite_steps."),
 ("F23", "the skip run (at step 6, 5 of 6 updates skipped) resumed to 8 with nan_policy=halt",
  "a6.sh: m --config=$TINY:steps=8 --workdir=k --config.curriculum.stage1.lr=1e30 --config.curriculum.stage2.lr=1e30 --config.nan_policy=halt",
  "rc=3 'Resuming from k/checkpoints at step 6 (stage dense_mva).' then 'error: non-finite fm, scm, mva, gradients at step 7 (stage dense_mva, loss nan); the state before it (step 6, the last with a finite loss) is in k/checkpoints.' Step 6 is not the last with a finite loss: its meta records 5 skipped updates and the log shows losses non-finite from step 2 on (only step 1's update was applied). Checkpoints 5, 6 unchanged; nothing lost.",
  U, "train/fault_tolerance.halt_error always calls the state before the bad step 'the last with a finite loss'; after a resume of a skip run (or any run whose checkpoint counts skipped updates) that is false. Fix: pass the resumed meta's nonfinite_steps (or the state's counter) to halt_error and say 'step 6, whose state skipped N non-finite updates under nan_policy=skip; the last finite loss was at step M' (from metrics.jsonl), or drop the clause when the count is > 0."),
 ("F24", "a finished 12-step run (copy of n1) resumed with total_steps=8 (below the step reached)",
  "a7.sh: cp -r n1 r25; m --config=$TINY:steps=8 --workdir=r25",
  "rc=0 'warning: the run is at step 12, past total_steps=8: nothing is trained (a run is not shortened; --resume_from_step=N with N < 8 trains from checkpoint N).'; checkpoints 10, 12 kept; metrics.jsonl md5 unchanged.", G, ""),
 ("F25", "a copy of n1 resumed to 14 with another --config.seed",
  "a7.sh: cp -r n1 r26; m --config=$TINY:steps=14 --workdir=r26 --config.seed=7",
  "rc=2 'error: resuming with another data order (seed: checkpoint 0, config 7): rerun with the checkpoint's values, start a new --workdir, or pass --allow_resume_change=seed (the run then differs from an uninterrupted one).'", G, ""),
 ("F26", "ablation sweep --rows naming a row that does not exist (table4:sfm4 for sfm_4)",
  "a7.sh: py benchmarks/sweeps/ablation_sweep.py --rows=table4:sfm4 --report_only --root=sw --results=$WT/docs/ablation_results",
  "rc=1 '--rows: unknown table4:sfm4; rows are table2:softmax_fm, ..., table4:sfm_4, ...' (one line), nothing read or written.", G, ""),

 ("F07", "another run's newer step written by this commit (fresh run n9b's step 16, same model) copied into a copy of n1 with its meta's lineage hand-edited: to the string 'edited' (g1), and (g2) to a list that names n1's run id first; default export",
  "a8.sh: m --config=$TINY:steps=16 --workdir=n9b; cp -r n1 g1; cp -r n9b/checkpoints/16 g1/checkpoints/; medit.py g1/checkpoints/16/meta/metadata lineage='edited'; ex --workdir=g1 --output=g1_exp; the same with lineage=[n1's id] + n9b's lineage (g2)",
  "g1: rc=0 'warning: checkpoints in g1/checkpoints: step 16 is of run b5a79a29 (written in n9b) and step 10 of run 22828103 (written in n1), and neither continues the other as far as checkpoints from before lineages tell (a step folder copied in from another run, or a copy of a continued copy).' then the foreign step 16 exported, card 'trained for 16 steps (of 16)'. The same step with its lineage intact is refused (F03, F08). g2: rc=0 without a word (a forged lineage that names this run is believed, as expected of a plain JSON meta). (An earlier try, f07, copied n9's step 8 as 20 and was refused first by the step-in-meta check.)",
  U, "run_lineage.continues: only a 'lineage' that is a list counts as a lineage; any other value falls through to the run_dir test and the verdict None, i.e. the warning meant for checkpoints written before lineages, whose text ('as far as checkpoints from before lineages tell') misdescribes a meta that has the key. Fix: when KEY is present but not a non-empty list of strings, refuse in one line naming the meta file ('its lineage is not a list of run ids: edited?'), or at least treat it as False like a list that lacks the other run."),
 ("F27", "ablation sweep --report_only over a results folder in which one row's report was copied over another's (attention_baselines_sana_fm.json copied to ..._softmax_fm.json); shipped reports (no digest) and a report re-signed as this sweep writes it (sweep settings + own digest, mkreport.py)",
  "a7.sh: cp -r docs/ablation_results res27; cp res27/attention_baselines_sana_fm.json res27/attention_baselines_softmax_fm.json; py benchmarks/sweeps/ablation_sweep.py --rows=attention_baselines:softmax_fm --rows=attention_baselines:sana_fm --report_only --root=sw --results=res27; a10.sh: the same with the sana report re-signed (res28), then a training sweep of softmax_fm into res28",
  "shipped reports (res27): rc=0, both rows printed with identical numbers (fvd 325.3 ... step 4000) under the general warning '49 report(s) in res27 carry no digest of their numbers (written before reports had one, or removed with an edit): rows printed unchecked: ..., attention_baselines:sana_fm, ..., attention_baselines:softmax_fm, ...' (every shipped row, so nothing points at the copy). Re-signed report (res28, f28b): rc=0, 'warning: attention_baselines:softmax_fm: res28/attention_baselines_softmax_fm.json was same steps and overrides, but the row's config resolves differently now (its recipe changed): its row below is not this sweep's measurement.' The copy is caught, but the reason given is false: softmax_fm's recipe did not change, the file is another row's report. A training sweep into res28 (f28c) rc=1, refused before running (other steps), nothing lost.",
  U, "benchmarks/sweeps/ablation_sweep.settings_mismatch compares the report's sweep.report_key with this row's and, when steps and overrides agree, can only say 'its recipe changed'; the report does not record which row it is, so a copied or renamed report is misdescribed (and the shipped, digest-less reports are not compared at all). Fix: record the row name (TABLE:ROW) in the report's 'sweep' settings (under its digest) and check it first: 'holds the report of attention_baselines:sana_fm (copied or renamed?)'."),
 ("F28", "round 34's old run (no lineage in its metas, written in /tmp/r34/runs/base) copied and trained on by this commit to 14, then its step 10 exported",
  "a8.sh: cp -r $B b30; m --config=$TINY:steps=14 --workdir=b30; ex --workdir=b30 --output=b30_exp --step=10",
  "training rc=0; metas: 10, 12 run 74691fa9 lineage None run_dir /tmp/r34/runs/base; 14 run 3950d960 lineage [74691fa9, 3950d960] run_dir b30 (a fork of the old run, its id carried). Export --step=10 rc=0 without a warning (step 14's lineage names the old run).",
  G, "run_lineage.next_lineage starts from the old meta's run_id (lineage_of), so old runs join the scheme when trained on."),
 ("F29", "a copy trained on and copied again, then put back: n1 itself trained on from 12 to 14 (its own id), and n3's step 16 (from the chain n1@12 -> n2 -> n3, a sibling branch of n1's new steps 13-14) copied into n1; exported, then n1 resumed to 18",
  "a8.sh: m --config=$TINY:steps=14 --workdir=n1; cp -r n3/checkpoints/16 n1/checkpoints/; ex --workdir=n1 --output=n1_exp30; m --config=$TINY:steps=18 --workdir=n1",
  "no warning anywhere: export rc=0 of step 16, card 'trained for 16 steps (of 16)'; resume rc=0 'Resuming from n1/checkpoints at step 16', step 18 written with a new id 8d0f54c6 lineage [22828103, cd4b4ff8, b9b24ba1, 8d0f54c6]. n1 now holds step 14 (branch n1@12 -> 13 -> 14) and steps 16, 18 (branch n1@12 -> n2 13-14 -> n3 15-16 -> 17-18) as one run; metrics.jsonl reads steps 11, 12, 13, 14, 17, 18 (losses 0.4849 0.4673 0.4876 0.4805 0.477 0.476): 13-14 of one branch, 17-18 of the other, 15-16 absent, one curve without a word.",
  S, "run_lineage.continues accepts any step whose lineage names this run's id; a lineage holds run ids only, not the step each fork left from, so a descendant that forked from step 12 is taken to continue this run's later step 14. Fix: record the fork point in the lineage (run id and the step it resumed from, e.g. [[id, first_step], ...]) and in check_one_run refuse (or warn) when this run's own step lies after the step that the other step's line left this run at ('step 14 is of run 22828103 after step 12, where step 16's line forked from it')."),

 ("F30", "--mode=eval with data.eval_path set to another set: on the Moving MNIST run (ev2, data.source moving_mnist) the record set $O/p02/train; on a copy of the array_record run rs a set prepared at 8x8 (the run's clips are 16x16)",
  "a9.sh: m --config=$TINY:steps=8 --workdir=ev2 --mode=eval --config.data.eval_path=$O/p02/train ...; a11.sh: pd --input=$O/p02/in --output=p8 --autoencoder=identity --frames=4 --height=8 --width=8; m --config=$TINY:steps=12 $RS --config.data.path=$O/p02/train --workdir=rs30 --mode=eval --config.data.eval_path=p8 $EV",
  "rc=2 'error: data.eval_path='/tmp/r34/out/p02/train' is read only with data.source='array_record' (data.source='moving_mnist' ignores it); unset it or change data.source.'; rc=2 'error: data.eval_path: its clips are (4, 8, 8, 3) (latent T, H, W, C), data.path's (4, 16, 16, 3), the shape the model samples: the samples and the real clips would not compare; prepare the eval set at data.path's frames and size.' rs30/metrics.jsonl unchanged. (a10.sh's first try at 8 frames was refused by prepare_data: the 6-frame videos are too short, 'into this --output too'.)",
  G, ""),
 ("F31", "--mode=eval with eval.num_samples=2 (the least allowed) on a fresh run",
  "a9.sh: m --config=$TINY:steps=8 --workdir=ev2 --mode=eval --config.eval.num_samples=2 --config.eval.classifier_steps=20 --config.eval.frame_judge_steps=20",
  "rc=0, ev2/eval_step000008.json written and a metrics record; it states num_samples 2, num_real_clips 2, classifier_fd 0.1286, class_accuracy 0.0, the protocol (seeds, sampler alg2, 4 steps, clip shape) and the classifier's held-out accuracy 0.091 (20 steps): every number a reader needs to see how little it means is in the report.",
  G, ""),
 ("F32", "prepare_data with a file:// URL naming a local video that exists (file:///tmp/r34/out/vids/v0.mp4)",
  "a10.sh: pd --input=u3/l.jsonl --output=u3/set $PD",
  "rc=2 'prepare_data: error: u3/l.jsonl:1: file:///tmp/r34/out/vids/v0.mp4 is a URL; prepare_data reads local files: download the videos, list their paths.' No u3/set. Refused before writing; the advice to 'download' a local file is a little off, but the fix (list the path) is said.",
  G, ""),
]

def main():
  add = os.path.join(HERE, "..", "add_case.py")
  keys = ("id", "what", "command", "result", "category", "note")
  for case in CASES:
    subprocess.run([sys.executable, add, OUT, "cases"], input=json.dumps(dict(zip(keys, case))), text=True, check=True)
  doc = json.load(open(OUT))
  doc.update(TOP)
  order = ["what", "setup", "commit", "machine", "date", "counts", "cases"]
  doc = {k: doc[k] for k in order}
  with open(OUT, "w") as f:
    json.dump(doc, f, indent=1, ensure_ascii=False); f.write("\n")

TOP = {}   # filled below

if __name__ == "__main__":
  exec(open(os.path.join(HERE, "top.py")).read())
  main()

