# Part C: prepare_data rerun edges of the sidecar checks (0a078a3): "file" naming another shard, digests edited, a multi-process rerun
. $(dirname $0)/common.sh
H30=$WT/docs/misuse/round30_helpers
D=$O2/c; rm -rf $D; mkdir -p $D; cp -r /tmp/r32/out2/b/set $D/set   # round 32's clean 4-shard set of $O/p02/in (--shard_size=1)
py $H30/readset.py $D/set > $L/c_orig.txt 2>&1
# C07: shard-00001.json replaced by a copy of shard-00002.json (file, count and digests all shard 2's)
cp -r $D/set $D/f2; cp $D/f2/shard-00002.json $D/f2/shard-00001.json
TAILN=4 s c07 pd --input=$O/p02/in --output=$D/f2 --shard_size=1 $PD
py $H30/readset.py $D/f2 > $L/c07_after.txt 2>&1; diff $L/c_orig.txt $L/c07_after.txt && echo C07_SAME_SET; python -c "import json; print(json.load(open('$D/f2/manifest.json'))['shards'])"
# C08: "file" pointing outside the set (../set/shard-00001.array_record, the same bytes) 
cp -r $D/set $D/fx; python -c "
import json; p='$D/fx/shard-00001.json'; d=json.load(open(p)); d['file']='../set/shard-00001.array_record'; json.dump(d,open(p,'w'))"
TAILN=4 s c08 pd --input=$O/p02/in --output=$D/fx --shard_size=1 $PD
python -c "import json; print(json.load(open('$D/fx/manifest.json'))['shards'])"; cat $D/fx/shard-00001.json | head -c 80; echo
# C09: one digest in latents_sha256 edited (last hex digit changed)
cp -r $D/set $D/dg; python -c "
import json; p='$D/dg/shard-00002.json'; d=json.load(open(p)); h=d['latents_sha256'][0]; d['latents_sha256'][0]=h[:-1]+('0' if h[-1]!='0' else '1'); json.dump(d,open(p,'w'))"
TAILN=4 s c09 pd --input=$O/p02/in --output=$D/dg --shard_size=1 $PD
py $H30/readset.py $D/dg > $L/c09_after.txt 2>&1; diff $L/c_orig.txt $L/c09_after.txt && echo C09_SAME_SET
# C10: latents_sha256 removed from sidecar 1 AND its records replaced by another set's shard 1 (round 32's 'other')
cp -r $D/set $D/nd; cp /tmp/r32/out2/b/other/shard-00001.array_record $D/nd/; python -c "
import json; p='$D/nd/shard-00001.json'; d=json.load(open(p)); del d['latents_sha256']; json.dump(d,open(p,'w'))"
TAILN=4 s c10 pd --input=$O/p02/in --output=$D/nd --shard_size=1 $PD
py $H30/readset.py $D/nd > $L/c10_after.txt 2>&1; diff $L/c_orig.txt $L/c10_after.txt && echo C10_SAME_SET
# C11: a multi-process rerun (--process_index=1 --process_count=2) over a set with shard 1 truncated
cp -r $D/set $D/mp; truncate -s 100 $D/mp/shard-00001.array_record
TAILN=4 s c11 pd --input=$O/p02/in --output=$D/mp --shard_size=1 $PD --process_index=1 --process_count=2
ls -l $D/mp; py $H30/readset.py $D/mp > $L/c11_after.txt 2>&1; diff $L/c_orig.txt $L/c11_after.txt && echo C11_SAME_SET
