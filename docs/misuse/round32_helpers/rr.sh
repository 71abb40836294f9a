# round 32's fixed cases re-run by hand on main's HEAD (runners of /tmp/r32/env.sh with WT=/work/main)
. /tmp/r32/env_rr.sh
L=/tmp/r32/rr/log; O2=/tmp/r32/out2; D=$O2/b; mkdir -p $L
s() { n=$1; shift; echo "== $n: $*" > $L/$n.out; "$@" >> $L/$n.out 2>&1; echo "-- $n: $(grep -v 'WARNING:absl\|^step ' $L/$n.out | tail -${TAILN:-4} | cut -c1-600)"; }
H30=/work/main/docs/misuse/round30_helpers
for k in 0 None; do
  rm -rf $D/n_rr_$k; cp -r $D/set $D/n_rr_$k
  python -c "
import json; p='$D/n_rr_$k/shard-00001.json'; d=json.load(open(p)); d['num_examples']=$k; json.dump(d,open(p,'w'))"
  s b06_rr_$k pd --input=$O/p02/in --output=$D/n_rr_$k --shard_size=1 $PD
  py $H30/readset.py $D/n_rr_$k > $L/b06_$k.set 2>&1; diff /tmp/r32/log/b_orig.txt $L/b06_$k.set > /dev/null && echo "B06 ($k): the same set as before the edit"
done
rm -rf $D/h_cut_rr; cp -r $D/set $D/h_cut_rr; f=$D/h_cut_rr/shard-00001.json; truncate -s $(( $(stat -c%s $f) / 2 )) $f
s b33_rr pd --input=$O/p02/in --output=$D/h_cut_rr --shard_size=1 $PD
py $H30/readset.py $D/h_cut_rr > $L/b33.set 2>&1; diff /tmp/r32/log/b_orig.txt $L/b33.set > /dev/null && echo "B33: the same set as before the cut"
echo RR DONE
