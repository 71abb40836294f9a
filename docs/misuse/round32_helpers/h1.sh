# Part H: more sidecar edits before a prepare_data rerun: num_examples -1, "1" (a string), null; the sidecar cut to half (not JSON)
. $(dirname $0)/common.sh
H30=$WT/docs/misuse/round30_helpers; D=$O2/b
for v in m1 str null; do rm -rf $D/h_$v; cp -r $D/set $D/h_$v; python -c "
import json; p='$D/h_$v/shard-00001.json'; d=json.load(open(p)); d['num_examples']={'m1': -1, 'str': '1', 'null': None}['$v']; json.dump(d,open(p,'w'))"
TAILN=4 s b32_$v pd --input=$O/p02/in --output=$D/h_$v --shard_size=1 $PD
py $H30/readset.py $D/h_$v > $L/b32_$v.set 2>&1; diff $L/b_orig.txt $L/b32_$v.set >/dev/null && echo B32_${v}_SAME_SET || tail -2 $L/b32_$v.set | cut -c1-300; done
rm -rf $D/h_cut; cp -r $D/set $D/h_cut; f=$D/h_cut/shard-00001.json; truncate -s $(( $(stat -c%s $f) / 2 )) $f
TAILN=4 s b33 pd --input=$O/p02/in --output=$D/h_cut --shard_size=1 $PD
py $H30/readset.py $D/h_cut > $L/b33.set 2>&1; diff $L/b_orig.txt $L/b33.set >/dev/null && echo B33_SAME_SET || tail -2 $L/b33.set | cut -c1-300
