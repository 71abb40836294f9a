# Part D: prepare_data reruns after a shard deleted / the manifest edited; training on a set with a shard missing
. $(dirname $0)/common.sh
D=$O2/d; rm -rf $D $R2/d; mkdir -p $D $R2/d
s z19a pd --input=$O/p02/in --output=$D/set --shard_size=1 $PD
py $H30/readset.py $D/set > $L/z19_orig.txt 2>&1; md5sum $D/set/* > $L/z19_md5a.txt
cp -r $D/set $D/set_missing; rm $D/set_missing/shard-00002.array_record; cp -r $D/set_missing $D/set_missing0
s z19 pd --input=$O/p02/in --output=$D/set_missing --shard_size=1 $PD
ls $D/set_missing; py $H30/readset.py $D/set_missing > $L/z19_after.txt 2>&1; diff $L/z19_orig.txt $L/z19_after.txt && echo SAME_SET
cp -r $D/set $D/set_edit; python -c "
import json; p='$D/set_edit/manifest.json'; m=json.load(open(p)); m['class_names']=['dog','cat']; json.dump(m, open(p,'w'), indent=1)"
s z20 pd --input=$O/p02/in --output=$D/set_edit --shard_size=1 $PD
grep -A3 class_names $D/set_edit/manifest.json | head -4
cp -r $D/set $D/set_side; rm $D/set_side/shard-00001.json
s z21 pd --input=$O/p02/in --output=$D/set_side --shard_size=1 $PD
ls $D/set_side
s z22 m --config=tests/tiny_config.py:steps=2 $RS --config.data.path=$D/set_missing0 --workdir=$R2/d/z22
ls $R2/d/z22 2>&1
