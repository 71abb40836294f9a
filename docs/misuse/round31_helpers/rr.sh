# round 31's fixed cases re-run by hand on main's HEAD (runners of /tmp/r31/env.sh with WT=/work/main)
. /tmp/r31/env_rr.sh
L=/tmp/r31/rr/log; O2=/tmp/r31/out2; mkdir -p $L
s() { n=$1; shift; echo "== $n: $*" > $L/$n.out; "$@" >> $L/$n.out 2>&1; echo "-- $n: $(grep -v 'WARNING:absl\|^step ' $L/$n.out | tail -${TAILN:-3} | cut -c1-600)"; }
ls /tmp/r29/runs/base/samples | grep -c None
s a05_rr m --config=tests/tiny_config.py:steps=12 --mode=sample --num_samples=2 --workdir=/tmp/r29/runs/base --output=None
ls /tmp/r29/runs/base/samples | grep -c None
s a07_rr ex --workdir=/tmp/r29/runs/base --output=None
ls -d /work/main/None 2>&1 | tail -1
for k in trunc flip; do
  rm -rf $O2/d/${k}_rr; cp -r $O2/d/$k $O2/d/${k}_rr
  s a1x_${k}_rr pd --input=/tmp/r29/out/p02/in --output=$O2/d/${k}_rr --shard_size=1 --autoencoder=identity --frames=4 --height=16 --width=16 --no_progress
  py -c "from eflow_jax.data import records; p='$O2/d/${k}_rr'; records.check_shards(p, records.read_manifest(p)); print('shards readable')"
done
G=$O2/g
HOME=$G/home s a26_rr m --config=$CFG --mode=sample --num_samples=2 --workdir=$B --flagfile "~/ff.txt"
echo RR DONE
