# D05/D08: a run whose nan_policy=skip skipped some, not all updates; D06: a one_step run exported
. $(dirname $0)/common.sh
D=$W/d05; rm -rf $D; mkdir -p $D
for lr in ${LRS:-1e9}; do
  s d05_train_$lr m --config=$TINY:steps=8 --workdir=$D/r$lr --config.curriculum.stage1.lr=$lr --config.curriculum.stage2.lr=$lr --config.nan_policy=skip
  grep -o '"nonfinite_steps": [0-9.]*' $D/r$lr/metrics.jsonl | tr '\n' ' '; echo
done
