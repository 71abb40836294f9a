# b9.sh again with earlier signals (the commands finished before them)
. $(dirname $0)/common.sh
bg() { n=$1 sig=$2 d=$3; shift 3; echo "== $n: $* (SIG$sig after ${d}s)" > $L/$n.out
  (cd $WT && PYTHONPATH=$WT exec nice -n 19 python -m "$@") >> $L/$n.out 2>&1 & p=$!
  sleep $d; kill -$sig $p; wait $p; echo "rc=$?" >> $L/$n.out; echo "-- $n: $(grep -v '^I1\|^W1' $L/$n.out | tail -2 | cut -c1-300)"; }
for d in 1.5 2.2; do rm -rf $W/pt$d
  bg g19_$d TERM $d eflow_jax.tools.prepare_data --input=$W/inA --output=$W/pt$d $PD
  ls -a $W/pt$d | tr '\n' ' '; echo
  s g19_${d}b pd --input=$W/inA --output=$W/pt$d $PD
  cmp $W/pt$d/shard-00000.array_record $W/pt3/shard-00000.array_record && echo same as uninterrupted
done
for d in 5 8; do
rm -rf $W/ne$d; cp -r $W/ne $W/ne$d; cp $W/ne$d/eval_step000006.json $L/g20_report_before.json
bg g20_$d INT $d eflow_jax.main --config=$TINY:steps=6 --workdir=$W/ne$d --mode=eval $EV
ls -a $W/ne$d | tr '\n' ' '; echo; cmp $W/ne$d/eval_step000006.json $L/g20_report_before.json && echo report unchanged
done
