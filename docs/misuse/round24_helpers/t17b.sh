. /tmp/r24/env.sh
rm -rf $O/t17/set $O/t17/ref
for i in $(seq 12 47); do c=cat; [ $((i%2)) -eq 1 ] && c=dog; (cd $WT && python $H14/mkvid.py $O/t17/in/$c/w$i.mp4 6 $((5*i+1)) >/dev/null 2>&1); done
ls $O/t17/in/*/*.mp4 | wc -l
cd $WT; PYTHONPATH=$WT nice -n 19 python -m eflow_jax.tools.prepare_data --input=$O/t17/in --output=$O/t17/set --shard_size=1 $PD > $O/t17/first.log 2>&1 &
P=$!
while [ ! -e $O/t17/set/shard-00005.json ]; do sleep 0.1; done; kill -TERM $P; wait $P; echo "first rc=$?"
tail -3 $O/t17/first.log; ls $O/t17/set | wc -l; ls -a $O/t17/set | grep -v "^shard-000[0-9][0-9].\(json\|array_record\)$"
pd --input=$O/t17/in --output=$O/t17/set --shard_size=1 $PD 2>&1 | tail -3
pd --input=$O/t17/in --output=$O/t17/ref --shard_size=1 $PD 2>&1 | tail -1
python3 -c "
import json
a=json.load(open('$O/t17/set/manifest.json')); b=json.load(open('$O/t17/ref/manifest.json'))
print('manifest equal except source:', {k:v for k,v in a.items() if k!='source'}=={k:v for k,v in b.items() if k!='source'}, a['num_examples'])"
for f in $O/t17/ref/shard-*; do n=$(basename $f); cmp -s $f $O/t17/set/$n || echo "DIFF $n"; done; echo cmpdone; ls -a $O/t17/set | wc -l
