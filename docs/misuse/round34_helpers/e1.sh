# D28 part 2: manifest num_examples AND its shard's count edited smaller (4 -> 2), consistently; train 4 steps
# D25 part 2: the natural fix after D25 (all clips too short): rerun with --frame_stride=1 into the same --output
# D08 part 2: a halted run whose last good state still samples (lr ${HLR:-1e5}): export it and read the card's count
. $(dirname $0)/common.sh
D=$W/e; rm -rf $D; mkdir -p $D
cp -r $O/p02/train $D/small; python -c "
import json; p='$D/small/manifest.json'; d=json.load(open(p)); d['num_examples']=2; d['shards'][0]['num_examples']=2; json.dump(d,open(p,'w'))"
TAILN=3 s d28b m --config=$TINY:steps=4 --workdir=$D/r28 $RS --config.data.path=$D/small
grep -o '"epoch[^,]*' $D/r28/metrics.jsonl 2>/dev/null | tail -2
TAILN=3 s d25b pd --input=$O/p02/in --output=$W/c/set25 $PD
[ -f $W/c/set25/manifest.json ] && py $H34/frames.py $W/c/set25 | head -3
for lr in ${HLR:-1e5}; do
  TAILN=2 s d08b_train_$lr m --config=$TINY:steps=8 --workdir=$D/h$lr --config.curriculum.stage1.lr=$lr --config.curriculum.stage2.lr=$lr
  ls $D/h$lr/checkpoints
  TAILN=3 s d08b_export_$lr ex --workdir=$D/h$lr --output=$D/hexp$lr
  grep -n "skipped" $D/hexp$lr/README.md 2>/dev/null
done
