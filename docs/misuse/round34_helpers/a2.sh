# D02 (round 33 C10 rerun): shard 1's records replaced by shard 0's and its latents_sha256 deleted; rerun prepare_data
. $(dirname $0)/common.sh
D=$W/d02; rm -rf $D; mkdir -p $D
cat $O/p02/train/preparation.json | head -c 600; echo
s d02_prep pd --input=$O/p02/in --output=$D/set --shard_size=1 $PD
py $H30/readset.py $D/set > $L/d02_orig.txt 2>&1
cp -r $D/set $D/nd; cp $D/nd/shard-00000.array_record $D/nd/shard-00001.array_record
python -c "
import json; p='$D/nd/shard-00001.json'; d=json.load(open(p)); del d['latents_sha256']; json.dump(d,open(p,'w'))"
py $H30/readset.py $D/nd > $L/d02_edited.txt 2>&1
TAILN=5 s d02 pd --input=$O/p02/in --output=$D/nd --shard_size=1 $PD
py $H30/readset.py $D/nd > $L/d02_after.txt 2>&1; diff $L/d02_orig.txt $L/d02_after.txt && echo D02_SAME_SET; diff $L/d02_orig.txt $L/d02_edited.txt | head -4
python -c "import json; print(sorted(json.load(open('$D/nd/shard-00001.json'))))"
