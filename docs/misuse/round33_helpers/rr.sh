# round 33's C08 re-run by hand on main's HEAD (runners of /tmp/r33/env.sh with WT=/work/main)
. /tmp/r33/env_rr.sh
L=/tmp/r33/rr/log; O2=/tmp/r33/out2; D=$O2/c; mkdir -p $L
rm -rf $D/fx_rr; cp -r $D/set $D/fx_rr; python -c "
import json; p='$D/fx_rr/shard-00001.json'; d=json.load(open(p)); d['file']='../set/shard-00001.array_record'; json.dump(d,open(p,'w'))"
pd --input=$O/p02/in --output=$D/fx_rr --shard_size=1 $PD > $L/c08_rr.out 2>&1; grep -v WARNING $L/c08_rr.out | tail -4
python -c "import json; print(json.load(open('$D/fx_rr/manifest.json'))['shards'])"
