# SIGTERM mid-prepare_data (then the rerun); SIGINT mid-eval over an existing report (then the report read back)
. $(dirname $0)/common.sh
bg() { n=$1 sig=$2 d=$3; shift 3; echo "== $n: $* (SIG$sig after ${d}s)" > $L/$n.out
  (cd $WT && PYTHONPATH=$WT exec nice -n 19 python -m "$@") >> $L/$n.out 2>&1 & p=$!
  sleep $d; kill -$sig $p; wait $p; echo "rc=$?" >> $L/$n.out; echo "-- $n: $(grep -v '^I1\|^W1' $L/$n.out | tail -2 | cut -c1-400)"; }
for d in 3 5; do rm -rf $W/pt$d
  bg g19_$d TERM $d eflow_jax.tools.prepare_data --input=$W/inA --output=$W/pt$d $PD
  ls -a $W/pt$d
  s g19_${d}b pd --input=$W/inA --output=$W/pt$d $PD
  cmp $W/pt$d/shard-00000.array_record $W/rsA/shard-00000.array_record 2>&1 | head -1; ls $W/pt$d
done
rm -rf $W/ne; cp -r $W/n $W/ne; cp $W/ne/eval_step000006.json $L/g20_report_before.json
bg g20 INT 12 eflow_jax.main --config=$TINY:steps=6 --workdir=$W/ne --mode=eval $EV
ls -a $W/ne; cmp $W/ne/eval_step000006.json $L/g20_report_before.json && echo report unchanged
