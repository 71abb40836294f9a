# Writes round 32's cases into docs/misuse/round32.json through add_case.py (run from the worktree root)
import json, subprocess
G, U, S = "good", "traceback/unclear", "silent garbage"
C = [
("B01", "--mode=sample --output=NONE and --output=none (an unset variable in other spellings: shell tools, YAML and JSON write null/none/NONE), e5fbfbd refuses 'None' and 'null' only",
 "a1.sh (first form): m --config=$CFG --mode=sample --num_samples=2 --workdir=$B --output=NONE; same with --output=none",
 "both rc=0 'wrote /tmp/r29/runs/base/samples/NONE.gif ... NONE_clips/001_class1.mp4' / '.../samples/none.gif ...' (into the read-only fixture's samples/: moved at once to /tmp/r32/moved, the listing of samples/ the same again but its mtime); no warning", G,
 "user_paths._refuse_none_text compares value.strip() with exactly 'None' and 'null'. A stem 'none' can be a real name, so writing it is defensible; nit: the check could be case-insensitive ('NONE', 'Null', 'NULL') as a script printing an unset variable in another language would give those."),
("B02", "--mode=sample --output='None ' (trailing space: an unset variable followed by a space in a quoted string)",
 "a1.sh: m --config=$CFG --mode=sample --num_samples=2 --workdir=$A/base \"--output=None \"",
 "rc=2 \"error: --output='None ': the name 'None ' starts or ends with a space; remove it (nothing was written).\"; samples/ of the copy unchanged", G,
 "Refused by the space check before the None check; either way nothing written."),
("B03", "export --output=null and prepare_data --output=None",
 "a1.sh: ex --workdir=$A/base --output=null; pd --input=$O/p02/in --output=None $PD",
 "both rc=2 \"error: --output=null would be a folder named 'null', not 'unset': leave --output out for its default (nothing was written).\" (and the same for None); no folder None/null in the worktree or $A", G,
 "Nit: prepare_data's --output is required (no default), so 'leave --output out for its default' sends the user to an argparse 'required' error; it could say 'give the record set's folder'."),
("B04", "--flagfile naming a DIRECTORY (a user pointing at the folder of flag files)",
 "a1.sh: m --config=$CFG --mode=sample --num_samples=2 --workdir=$A/base --flagfile=$A/ff/dir --output=$A/b06",
 "rc=2 'error: --flagfile=/tmp/r32/out2/a/ff/dir: not a readable file (nothing was run).'", G,
 "Nit: 'is a directory' would say it more precisely."),
("B05", "--flagfile naming an EMPTY file (flags.txt created but never filled)",
 "a1.sh: m --config=$CFG --mode=sample --num_samples=2 --workdir=$A/base --flagfile=$A/ff/empty.txt --output=$A/b07",
 "rc=0, wrote $A/b07.gif/.mp4/_clips (2 clips, frames mean 111, not black); the run's samples/ unchanged", G,
 "An empty flagfile adds nothing, as absl reads it; no warning, which is reasonable."),
("B06", "prepare_data rerun over its finished set after one sidecar's num_examples was edited 1 -> 0 (shard-00001.json; its .array_record kept, 1 record)",
 "b1.sh: pd --input=$O/p02/in --output=$D/n0 --shard_size=1 $PD (the command that made it)",
 "rc=0 'prepare_data: wrote shards [], skipped finished shards [0, 1, 2, 3] ...', then 'manifest.json: 3 examples' (was 4): the manifest was REWRITTEN without shard-00001, whose record (cat v1, label 0) is silently gone from the set; readset.py lists 3 examples; no warning. The same with num_examples edited to null (h1.sh, b32_null): skipped as finished, manifest rewritten with 3 examples", S,
 "tools/preparation_record.py:finished_shard checks the shard file only `if info['num_examples']:`, so a sidecar saying 0 is taken as a finished empty shard without opening its file (which holds 1 record), and prepare_data's manifest writer keeps only shards with num_examples > 0. A fix: check_shard_file also when num_examples is 0 (an empty shard's file must hold 0 records, or not exist), and redo the shard when the count differs, as the 1 -> 2 edit (B07) is."),
("B07", "prepare_data rerun after the same sidecar's num_examples was edited 1 -> 2",
 "b1.sh: pd --input=$O/p02/in --output=$D/n2 --shard_size=1 $PD",
 "rc=0 'prepare_data: shard 1 is prepared again: .../shard-00001.array_record holds 1 records but shard-00001.json says 2.', 'wrote shards [1], skipped finished shards [0, 2, 3]'; readset.py identical to the original set (4 examples)", G, ""),
("B08", "prepare_data rerun after shard-00001 (records AND sidecar) was replaced by the shard of the same name from ANOTHER set (same videos, classes swapped: same geometry, other labels)",
 "b1.sh: cp $D/other/shard-00001.{array_record,json} $D/sw/; pd --input=$O/p02/in --output=$D/sw --shard_size=1 $PD",
 "rc=0 'prepare_data: warning: shard 1 was encoded from other contents of /tmp/r29/out/p02/in/cat/v1.mp4 (replaced since); encoding it again.', 'wrote shards [1]'; readset.py identical to the original set", G,
 "Nit: the warning says the user's video cat/v1.mp4 was replaced, which it was not; the sidecar came from another input folder. The check (the sidecar's recorded inputs against the files) is right; the wording could say 'encoded from other inputs than --input's (a shard of another set?)'."),
("B09", "prepare_data rerun after only shard-00001.array_record was replaced by another set's (the sidecar kept)",
 "b1.sh: cp $D/other/shard-00001.array_record $D/sr/; pd --input=$O/p02/in --output=$D/sr --shard_size=1 $PD",
 "rc=0 \"prepare_data: shard 1 is prepared again: .../shard-00001.array_record: record 0 is not the latent its sidecar's digest names (changed or damaged since it was written).\", 'wrote shards [1]'; the set equal to the original", G, ""),
("B10", "text run --mode=sample with a VERY long --prompt (the caption repeated 300 times, 6,000 characters)",
 "c1.sh: m $TP --mode=sample --num_samples=1 --prompt=\"$LONG\" --output=$C/b12 (TP = --config=$TT:steps=6 --workdir=<copy of $T2V> $T2VF)",
 "rc=0, 'W... 1 prompt(s) longer than text_length=8 tokens (up to 6301) are truncated.'; wrote b12.gif and b12_clips/000_prompt0.* + captions.txt holding the full prompt; frames mean 126, not black", G, ""),
("B11", "text run --prompt of punctuation only ('?!... ;;')",
 "c1.sh: m $TP --mode=sample --num_samples=2 --prompt='?!... ;;' --output=$C/b13",
 "rc=0, 2 clips, captions.txt '000_prompt0\\t?!... ;;' twice; frames mean 111, not black; no warning", G,
 "Nothing to warn: punctuation is text the tokenizer encodes."),
("B12", "text run --prompt with a NEWLINE inside ('clip number 2<LF>moving', a prompt pasted from two lines)",
 "c1.sh: m $TP --mode=sample --num_samples=2 --prompt=\"$(printf 'clip number 2\\nmoving')\" --output=$C/b14",
 "rc=0, 2 clips; captions.txt '000_prompt0<TAB>clip number 2 moving' (one line each: the newline written as a space, so the file stays one caption a line); frames not black", G,
 "Nit: sample_files.py writes ' '.join(caption.split()) into captions.txt while the model was given the text with its newline; nothing says the caption in the file is the prompt normalised."),
("B13", "text run --prompt= (empty)",
 "c1.sh: m $TP --mode=sample --num_samples=2 --prompt= --output=$C/b15",
 "rc=0 with 'warning: --mode=sample: prompts [0, 1] are blank: drawn from empty or unknown text, not from a caption.'; clips written", G, ""),
("B14", "text run --guidance edges: nan, inf, -1, 1e30 (and alg2 --sample_steps=1 --guidance=1e6)",
 "c1.sh: m $TP --mode=sample --num_samples=1 --prompt='clip number 2 moving' --guidance={nan,inf,-1,1e30} --output=$C/b16_G",
 "all rc=2 at once: '--guidance=nan must be a finite number.', the same for inf, '--guidance=-1.0 must be >= 0 (1 = no guidance; the model was trained on flow.w_min..flow.w_max).', '--guidance=1e+30 is more than 10x the largest guidance this run knows (trained on 0..4.5, configured 4): the clips would be noise; use at most 45.'; nothing written", G, ""),
("B15", "text run --sampler=one_step with --sample_steps 0, -1, 100000",
 "c1.sh: m $TP --mode=sample --num_samples=1 --prompt='clip number 2 moving' --sampler=one_step --sample_steps={0,-1,100000} --output=$C/b17_N",
 "all rc=2: '--sample_steps=0 must be >= 1.', '--sample_steps=-1 must be >= 1.', '--sample_steps=100000 is more sampler steps than any sampler uses (at most 1000; ...)'", G, ""),
("B16", "text run --sampler=euler_cfg --guidance=0 (classifier-free guidance switched to the unconditional prediction)",
 "c1.sh: m $TP --mode=sample --num_samples=1 --prompt='clip number 2 moving' --sampler=euler_cfg --guidance=0 --output=$C/b18_ecfg0",
 "rc=0, clip written, frames mean 126 (finite, not black)", G,
 "Nit: guidance 0 ignores the prompt entirely; no note says so (w=0 is inside the trained range, so it is a legitimate request)."),
("B17", "--resume_from_step=10 with total_steps=10 on a copy of the base run (steps 10 and 12), to 'set aside' 12 without training",
 "d1.sh: m --config=tests/tiny_config.py:steps=10 --workdir=$D/r --resume_from_step=10",
 "rc=2 'error: --resume_from_step=10 with total_steps=10: nothing would be trained after it; raise --config.total_steps (sample, eval and export take --step).'; checkpoints 10 and 12 kept; --mode=sample/eval --step=12 and export --step=12 of that copy then rc=0 on step 12", G, ""),
("B18", "--allow_resume_change=seed given twice on a resume whose seed did NOT change (copy of the base run, steps=14): an allowance with nothing to allow",
 "d1.sh: m --config=tests/tiny_config.py:steps=14 --workdir=$D/r2 --allow_resume_change=seed --allow_resume_change=seed",
 "rc=0 'Resuming from .../checkpoints at step 12 (stage dense_mva).', checkpoint 14 written, 10 and 12 kept; no warning about the allowance", G,
 "Nit: nothing says the allowance was unused; a user who meant to change the seed but forgot --config.seed=N gets no hint."),
("B19", "text Pipeline.from_pretrained(export of $T2V) with prompts as a numpy str array, numpy object array, tuple, generator, one str, bytes, np.bytes_ array, ints, [], a 2-D array, a dict, a set",
 "e1.sh: ex --workdir=$T2V --output=$E/exp; py p1.py $E/exp (steps=2, seed=7)",
 "list (2,4,16,16,3) uint8 0..255 mean 128.2; np.array / np.object / tuple / generator: the same clips as the list; a str: 1 clip, equal to the list's first; bytes, np.bytes_, ints, [], 2-D array: ValueError 'prompts=[...] must be one or more strings.'; dict: 'prompts is a mapping: give a list of prompts (its keys or its values ...)'; set: 'prompts is a set, which has no order; give a list'", G,
 "Nit: UTF-8 bytes prompts (a file read in binary) could be decoded rather than refused; the refusal is clear though."),
("B26", "text run --prompt and --prompts_file both given",
 "f1.sh: m $TP --mode=sample --prompt='clip number 2 moving' --prompts_file=$F/p.txt --output=$F/b30",
 "rc=2 'error: --prompt and --prompts_file both given; use one.'; nothing written", G, ""),
("B27", "text run --class_id=1 (a class flag on a text model)",
 "f1.sh: m $TP --mode=sample --num_samples=1 --class_id=1 --output=$F/b31",
 "rc=2 'error: --class_id is for class-conditional models; this config is a text model: use --prompt.'; nothing written", G, ""),
("B21", "a real set-aside step: --resume_from_step=10 with total_steps=11 on a copy of the base run (steps 10 and 12)",
 "d2.sh: m --config=tests/tiny_config.py:steps=11 --workdir=$D/s --resume_from_step=10",
 "rc=0 '--resume_from_step=10: the newer checkpoints were set aside (.../checkpoints/12.superseded).', 'metrics.jsonl: 2 record(s) of steps after 10 moved to metrics.superseded.jsonl ...'; checkpoints/ = 10 11 12.superseded", G, ""),
("B22", "--mode=sample --step=12 naming the step set aside in B21",
 "d2.sh: m --config=tests/tiny_config.py:steps=11 --workdir=$D/s --mode=sample --step=12 --num_samples=2 --output=$D/b26",
 "rc=2 'error: checkpoint step 12 not in .../checkpoints; available: [10, 11] (12.superseded* holds it, set aside: rename it back to 12 to read it).'; nothing written", G,
 "Nit: the advice 'rename it back to 12' makes 12 the run's newest step again, so the next plain resume would continue from the superseded 12 rather than 11; the message could add that (or say to copy it out / export it after renaming)."),
("B23", "--mode=eval --step=12 (set aside) with --output",
 "d2.sh: m --config=tests/tiny_config.py:steps=11 --workdir=$D/s --mode=eval --step=12 $EV --output=$D/b27.json",
 "rc=2, the same one line as B22; no report written", G, ""),
("B24", "export --step=12 (set aside)",
 "d2.sh: ex --workdir=$D/s --step=12 --output=$D/b28",
 "rc=2, the same one line as B22; no export folder", G, ""),
("B25", "text run --sampler=one_step --sample_steps=4 (steps the one-step sampler cannot use)",
 "d2.sh: m $TP(--workdir=$T2V) --mode=sample --num_samples=1 --prompt='clip number 2 moving' --sampler=one_step --sample_steps=4 --output=$D/b29",
 "rc=2 'error: --sample_steps=4 with the one_step sampler, which takes one step (f(x, 1, 0)); drop --sample_steps, or use the alg2 or chain sampler for 4 steps.'; without --sample_steps rc=0, clip written", G, ""),
("B20", "export of the TEXT run -> --mode=sample of the export (--seed=3, 2 clips, one prompt, default steps/guidance) against Pipeline.from_pretrained(export) for the same request",
 "e1.sh/f2.sh: m --config=$TT:steps=6 --workdir=$E/exp $T2VF --mode=sample --num_samples=2 --prompt='clip number 2 moving' --seed=3 --output=$E/b24; py p2.py $E/exp $E/b24_clips (Pipeline(prompts=[p]*2, seed=3))",
 "both rc=0; the GIF clips (written 4x upscaled, 64x64) taken back to 16x16 equal the Pipeline's uint8 clips exactly (max abs diff 0, both clips)", G,
 "(The first p2.py run compared the 64x64 GIF with the 16x16 array and failed in the helper itself; rerun in f2.sh after the helper was fixed.)"),
("B28", "--mode=eval of the TEXT EXPORT (not the run) with --output",
 "f2.sh: m --config=$TT:steps=6 --workdir=$E/exp $T2VF --mode=eval $EV --output=$F/b32.json",
 "rc=0 with 'warning: the eval scores the training records of data.path=/tmp/r29/out/t2v/set: the report says held_out false ...'; report step 6, weights ema, weights_sha256 32fcc83f... (the same digest as the run's step 6 in round 31's A16); the export folder unchanged (README.md, config.json, model.safetensors)", G, ""),
("B29", "text run --num_samples=0 and --num_samples=100000",
 "g1.sh: m $TP(--workdir=$T2V) --mode=sample --num_samples={0,100000} --prompt='clip number 2 moving' --output=$G/b33X",
 "both rc=2 at once: '--num_samples=0 must be >= 1.'; 'the grid of 100000 clips in 5 columns would be 340x1360000 pixels, more than an MP4 frame may be (16384 a side); ask for at most 1200 clips per call, or set another --config.sample_columns.'", G, ""),
("B30", "text run --prompts_file that is EMPTY, and one of blank lines only (spaces, a tab)",
 "g1.sh: m $TP --mode=sample --prompts_file=$G/{empty,blank}.txt --output=$G/b34X",
 "both rc=2 'error: --prompts_file=... has no prompts (one caption per line).'; nothing written", G, ""),
("B31", "text run --seed=-1 and --seed=2**64",
 "g1.sh: m $TP --mode=sample --num_samples=1 --prompt='clip number 2 moving' --seed={-1,18446744073709551616} --output=$G/b35X",
 "rc=2 '--seed=-1 must be >= 0.'; rc=2 '--seed=18446744073709551616 must be <= 4294967295.'", G, ""),
("B32", "prepare_data rerun after a sidecar's num_examples was edited to -1, and to the STRING \"1\" (a hand edit that quoted the number)",
 "h1.sh: pd --input=$O/p02/in --output=$D/h_{m1,str} --shard_size=1 $PD",
 "both rc=0, shard 1 prepared again ('... holds 1 records but shard-00001.json says -1.' / '... holds 1 records but shard-00001.json says 1.'), the set equal to the original", G,
 "Nit: for the string the message reads 'holds 1 records but ... says 1' (records.check_shard_file compares 1 != '1' and prints both the same); it could say the count is not a number."),
("B33", "prepare_data rerun after a sidecar (shard-00001.json) was cut to half its size (a copy cut short: not JSON any more), its records kept",
 "h1.sh: truncate -s half $D/h_cut/shard-00001.json; pd --input=$O/p02/in --output=$D/h_cut --shard_size=1 $PD",
 "rc=2 'prepare_data: error: Unterminated string starting at: line 17 column 4 (char 195)': no file named, nothing prepared again; the set itself (manifest intact) still reads as before", U,
 "tools/preparation_record.py:finished_shard does json.load on the sidecar with no guard; the JSONDecodeError (a ValueError) reaches prepare_data's one-line error printer without the file's name. The user cannot tell which of the set's files is broken, and the rerun that A13/A14's fix made the cure for a damaged shard stops instead. A fix: a sidecar that is not JSON (or lacks num_examples as an int) means the shard is not finished: prepare it again with the one line 'shard 1 is prepared again: shard-00001.json is not readable JSON', as for a damaged .array_record; at least name the file."),
]
for cid, what, cmd, res, cat, note in C:
  case = dict(id=cid, what=what, command=cmd, result=res, category=cat, note=note)
  subprocess.run(["python", "docs/misuse/add_case.py", "docs/misuse/round32.json", "cases"], input=json.dumps(case), text=True, check=True)

doc = json.load(open("docs/misuse/round32.json"))
n = doc["counts"]
top = {
 "what": (f"Round 32: {len(doc['cases'])} new misuse cases (B01-B33) on 845b0dd, run by hand with no code change, aimed at the edges of the fixes since b3e7666 "
          "(None as a path flag, repeatable --allow_resume_change, a damaged shard prepared again, flagfiles), the text-to-video run (odd --prompt values, "
          "samplers with step/guidance edges, eval and Pipeline of its export, Pipeline against --mode=sample) and steps set aside by --resume_from_step: "
          f"{n['good']} good, {n['traceback/unclear']} traceback/unclear, {n['silent garbage']} silent garbage, {n['data loss']} data loss, {n['not run']} not run. "
          "Silent garbage: B06 (prepare_data rerun over a finished set whose shard-00001.json had num_examples edited 1 -> 0: rc=0, 'skipped finished shards [0, 1, 2, 3]', "
          "and the manifest rewritten with 3 examples, shard 1's record dropped from the set without a word; tools/preparation_record.py:finished_shard checks the shard file "
          "only when the sidecar's num_examples is non-zero, and the manifest keeps only shards with num_examples > 0). The same for num_examples edited to null. Traceback/unclear: B33 (a rerun over a set whose shard-00001.json was cut short: rc=2 'prepare_data: error: Unterminated string starting at: line 17 column 4 (char 195)', naming no file and preparing nothing again; finished_shard json.loads the sidecar unguarded). Nits on good cases: 'NONE'/'none' are not refused as 'None'/'null' are (B01); "
          "prepare_data's None refusal says 'leave --output out for its default' for a required flag (B03); B08's warning says the user's video was replaced when the shard came from another set; "
          "captions.txt shows a prompt's newline as a space (B12); an unused --allow_resume_change is silent (B18); the set-aside advice 'rename it back to 12' does not say 12 then becomes the newest step again (B22)."),
 "setup": ("git worktree /tmp/wt_r32_4413 on branch round32_4413 at 845b0dd (main). Fixtures from round 29, read-only: base run /tmp/r29/runs/base (tests/tiny_config.py:steps=12, Moving MNIST, "
           "checkpoints 10 and 12), cat/dog class folders /tmp/r29/out/p02/in, tiny UMT5 /tmp/r29/umt5, caption set /tmp/r29/out/t2v/set and text run /tmp/r29/runs/t2v (exported to /tmp/r32/out2/e/exp). "
           "Every change was made on cp -r copies under /tmp/r32/out2 (B01 itself wrote NONE.* and none.* into /tmp/r29/runs/base/samples: moved at once to /tmp/r32/moved; only that folder's mtime differs; "
           "the remaining None cases then ran on a copy). Runners in /tmp/r32/env.sh (= /tmp/r29/env.sh with the worktree path): m (python -m eflow_jax.main), ex (tools.export), pd (tools.prepare_data), py, "
           "each cd to the worktree, PYTHONPATH set, nice -n 19 timeout 280, printing rc=; one eflow_jax process at a time, except that f1.sh's two quick refusals (B26, B27) and the start of its eval overlapped "
           "d2.sh's training by a queueing slip (f1.sh was stopped by its pid and its rest run as f2.sh after d2.sh). Scripts in docs/misuse/round32_helpers (common.sh, a1/b1/c1/d1/d2/e1/f1/f2/g1/h1.sh, p1.py, p2.py, cases.py); "
           "full output of each case in /tmp/r32/log/<name>.out. No pytest was run."),
 "commit": "845b0dd",
 "machine": "x86_64, AMD EPYC, AVX-512 (2 cores shared with other jobs; every command under nice -n 19)",
 "date": "2026-12-05",
}
doc = {**top, **{k: v for k, v in doc.items() if k not in top}}
with open("docs/misuse/round32.json", "w") as f:
  json.dump(doc, f, indent=1, ensure_ascii=False); f.write("\n")
print(doc["what"][:300])
