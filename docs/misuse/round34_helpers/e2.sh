# D08 part 3: halted runs at lower LRs (12 steps), looking for a last good state that still samples, then exported
. $(dirname $0)/common.sh
D=$W/e2; mkdir -p $D
for lr in ${HLR:-1e3}; do
  rm -rf $D/h$lr $D/hexp$lr
  TAILN=2 s d08c_train_$lr m --config=$TINY:steps=12 --workdir=$D/h$lr --config.curriculum.stage1.lr=$lr --config.curriculum.stage2.lr=$lr
  ls $D/h$lr/checkpoints
  TAILN=3 s d08c_export_$lr ex --workdir=$D/h$lr --output=$D/hexp$lr
  grep -n "skipped" $D/hexp$lr/README.md 2>/dev/null
done
