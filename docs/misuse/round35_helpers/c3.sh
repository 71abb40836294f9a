# C1b: another run of the same config but another LR (not a data-order field); its step 12 replaces a $B copy's step 12; resume
. $(dirname $0)/common.sh
D=$W/c3; rm -rf $D; mkdir -p $D
LR="--config.curriculum.stage1.lr=3e-4 --config.curriculum.stage2.lr=3e-4"
TAILN=2 s c1b_train m --config=$TINY:steps=12 --workdir=$D/other $LR
cp -r $B $D/run; rm -rf $D/run/checkpoints/12; cp -r $D/other/checkpoints/12 $D/run/checkpoints/12
TAILN=4 s c1b_resume m --config=$TINY:steps=14 --workdir=$D/run; ls $D/run/checkpoints
python -c "
import json
for s in (10,12,14):
  d=json.load(open('$D/run/checkpoints/%d/meta/metadata'%s)); print(s, d['run_id'][:8], d['run_dir'], d['config']['curriculum']['stage2']['lr'])"
grep -o '"step": 1[0-4], "time": [0-9.]*, [^}]\{0,60\}"fm/loss": [0-9.]*' $D/run/metrics.jsonl
grep -o '"step": 12, "time": [0-9.]*, [^}]\{0,60\}"fm/loss": [0-9.]*' $D/other/metrics.jsonl
