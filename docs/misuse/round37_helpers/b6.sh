# interrupted commands: SIGINT mid-export over an existing export; SIGTERM mid-prepare_data; then reruns
. $(dirname $0)/common.sh
bg() { # bg NAME SIG DELAY module args...: run a module in the background, send SIG after DELAY s, log
  n=$1 sig=$2 d=$3; shift 3; echo "== $n: $* (SIG$sig after ${d}s)" > $L/$n.out
  (cd $WT && PYTHONPATH=$WT exec nice -n 19 python -m "$@") >> $L/$n.out 2>&1 & p=$!
  sleep $d; kill -$sig $p; wait $p; echo "rc=$?" >> $L/$n.out; echo "-- $n: $(tail -3 $L/$n.out | cut -c1-500)"; }
# export over the existing export n_ex2 (of step 6), step 5 this time, interrupted
rm -rf $W/ex14; cp -r $W/n_ex2 $W/ex14; sha256sum $W/ex14/model.safetensors > $L/g14_sha_before
bg g14a INT 6 eflow_jax.tools.export --workdir=$W/n --output=$W/ex14 --step=5
ls -la $W/ex14; sha256sum $W/ex14/model.safetensors; cat $L/g14_sha_before; grep -o '"step": [0-9]*' $W/ex14/config.json
s g14b py -c "from eflow_jax import pipeline; p=pipeline.Pipeline.from_pretrained('$W/ex14'); print('loaded step', p.step)"
s g14 ex --workdir=$W/n --output=$W/ex14 --step=5
