# a metrics.jsonl whose last line was cut mid-write, then resumed; an orbax temporary step folder; a step without its commit markers; a process that says it is alone after another wrote shards
. $(dirname $0)/common.sh
D=$W/c2; rm -rf $D; mkdir -p $D
# K: metrics.jsonl's last record cut by 40 bytes (a crash while appending), then resume to 14
cp -r $B $D/k; python -c "import sys; p=sys.argv[1]; b=open(p,'rb').read(); open(p,'wb').write(b[:-40])" $D/k/metrics.jsonl
tail -c 120 $D/k/metrics.jsonl; echo
TAILN=4 s k_resume m --config=$TINY:steps=14 --workdir=$D/k; ls $D/k
python - $D/k <<'PY'
import json, sys, glob
for p in sorted(glob.glob(sys.argv[1] + "/metrics*.jsonl")):
  bad, steps = [], []
  for i, line in enumerate(open(p)):
    try: steps.append(json.loads(line).get("step"))
    except Exception as e: bad.append((i, line[:80] + " ... " + line[-80:]))
  print(p, "records", len(steps), "steps", steps, "unparsable lines", bad)
PY
# N: a leftover orbax temporary folder of step 14
cp -r $B $D/n; cp -r $B/checkpoints/12 $D/n/checkpoints/14.orbax-checkpoint-tmp-1733412345
TAILN=3 s n_export ex --workdir=$D/n --output=$D/n_exp; grep -o "trained for [0-9]* steps[^.]*" $D/n_exp/README.md 2>/dev/null
TAILN=4 s n_resume m --config=$TINY:steps=14 --workdir=$D/n; ls $D/n/checkpoints
# O: step 12 with its commit_success.txt markers removed
cp -r $B $D/o; find $D/o/checkpoints/12 -name commit_success.txt -delete; rm -f $D/o/checkpoints/12/_CHECKPOINT_METADATA
TAILN=3 s o_export ex --workdir=$D/o --output=$D/o_exp; grep -o "trained for [0-9]* steps[^.]*" $D/o_exp/README.md 2>/dev/null
# Hh: process 0 of 2 wrote shards 0 and 2; then a run with --process_index=0 --process_count=1
TAILN=2 s h_p0 pd --input=$O/p02/in --output=$D/sh $PD --shard_size=1 --process_index=0 --process_count=2
TAILN=4 s h_alone pd --input=$O/p02/in --output=$D/sh $PD --shard_size=1 --process_index=0 --process_count=1; ls $D/sh
[ -f $D/sh/manifest.json ] && py $H35/frames.py $D/sh
