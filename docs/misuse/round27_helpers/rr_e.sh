# W16 extra edge: a default report written before the fix (its protocol has no 'shift'; round 27's e1, sampled with shift 1.0), then a plain eval
. $(dirname $0)/rr_common.sh
D=$RR/e; rm -rf $D; mkdir -p $D
cp -r /tmp/r27/runs2/e1 $D/e1old; md5sum $D/e1old/eval_step000012.json
s w16_old m --config=$CFG $EV --mode=eval --workdir=$D/e1old
ls $D/e1old; md5sum $D/e1old/eval_step*.json
