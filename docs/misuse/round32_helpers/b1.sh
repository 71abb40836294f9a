# Part B: prepare_data reruns: sidecar num_examples edited, a shard pair swapped in from another set
. $(dirname $0)/common.sh
H30=$WT/docs/misuse/round30_helpers
D=$O2/b; rm -rf $D; mkdir -p $D/in2/cat $D/in2/dog
cp $O/p02/in/dog/* $D/in2/cat/; cp $O/p02/in/cat/* $D/in2/dog/   # the same videos, the classes swapped
s b08s pd --input=$O/p02/in --output=$D/set --shard_size=1 $PD
s b08t pd --input=$D/in2 --output=$D/other --shard_size=1 $PD
py $H30/readset.py $D/set > $L/b_orig.txt 2>&1; ls -l $D/set
# B08: a sidecar's num_examples edited 1 -> 0
cp -r $D/set $D/n0; python -c "
import json; p='$D/n0/shard-00001.json'; d=json.load(open(p)); d['num_examples']=0; json.dump(d,open(p,'w'))"
TAILN=4 s b08 pd --input=$O/p02/in --output=$D/n0 --shard_size=1 $PD
py $H30/readset.py $D/n0 > $L/b08_after.txt 2>&1; diff $L/b_orig.txt $L/b08_after.txt && echo B08_SAME_SET; tail -3 $L/b08_after.txt; python -c "import json; print(json.load(open('$D/n0/manifest.json'))['num_examples'])"
# B09: num_examples edited 1 -> 2
cp -r $D/set $D/n2; python -c "
import json; p='$D/n2/shard-00001.json'; d=json.load(open(p)); d['num_examples']=2; json.dump(d,open(p,'w'))"
TAILN=4 s b09 pd --input=$O/p02/in --output=$D/n2 --shard_size=1 $PD
py $H30/readset.py $D/n2 > $L/b09_after.txt 2>&1; diff $L/b_orig.txt $L/b09_after.txt && echo B09_SAME_SET; tail -3 $L/b09_after.txt
# B10: shard-00001 (records AND sidecar) replaced by the other set's shard of the same name
cp -r $D/set $D/sw; cp $D/other/shard-00001.array_record $D/other/shard-00001.json $D/sw/
TAILN=4 s b10 pd --input=$O/p02/in --output=$D/sw --shard_size=1 $PD
py $H30/readset.py $D/sw > $L/b10_after.txt 2>&1; diff $L/b_orig.txt $L/b10_after.txt && echo B10_SAME_SET; diff $L/b_orig.txt $L/b10_after.txt | head -6
# B11: only the records replaced, the sidecar kept
cp -r $D/set $D/sr; cp $D/other/shard-00001.array_record $D/sr/
TAILN=4 s b11 pd --input=$O/p02/in --output=$D/sr --shard_size=1 $PD
py $H30/readset.py $D/sr > $L/b11_after.txt 2>&1; diff $L/b_orig.txt $L/b11_after.txt && echo B11_SAME_SET
