# SIGINT mid-export at several moments over an existing export of step 6 (ex14 reset to it each time); what is left, and does it load?
. $(dirname $0)/common.sh
bg() { n=$1 sig=$2 d=$3; shift 3; echo "== $n: $* (SIG$sig after ${d}s)" > $L/$n.out
  (cd $WT && PYTHONPATH=$WT exec nice -n 19 python -m "$@") >> $L/$n.out 2>&1 & p=$!
  sleep $d; kill -$sig $p; wait $p; echo "rc=$?" >> $L/$n.out; echo "-- $n: $(grep -v '^I1\|^W1' $L/$n.out | tail -2 | cut -c1-400)"; }
for d in 3 4 5; do
  rm -rf $W/ex14; cp -r $W/n_ex2 $W/ex14
  bg g14_$d INT $d eflow_jax.tools.export --workdir=$W/n --output=$W/ex14 --step=5
  ls $W/ex14; grep -o '"step": [0-9]*' $W/ex14/config.json | head -1; sha256sum $W/ex14/model.safetensors | cut -c1-12; grep -m1 -o "step [0-9]*" $W/ex14/README.md
  s g14_${d}load py -c "from eflow_jax import pipeline; p=pipeline.Pipeline.from_pretrained('$W/ex14'); print('loaded step', p.step)"
done
