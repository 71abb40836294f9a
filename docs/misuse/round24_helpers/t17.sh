. /tmp/r24/env.sh
rm -rf $O/t17; mkdir -p $O/t17/in/cat $O/t17/in/dog
for i in $(seq 0 11); do c=cat; [ $i -ge 6 ] && c=dog; (cd $WT && python $H14/mkvid.py $O/t17/in/$c/w$i.mp4 6 $((5*i+1)) >/dev/null 2>&1); done
ls $O/t17/in/*/ | wc -l
(cd $WT && PYTHONPATH=$WT nice -n 19 timeout -s TERM 9 python -m eflow_jax.tools.prepare_data --input=$O/t17/in --output=$O/t17/set --shard_size=1 $PD 2>&1 | tail -3; echo "first rc=${PIPESTATUS[0]}")
ls $O/t17/set | tr '\n' ' '; echo
pd --input=$O/t17/in --output=$O/t17/set --shard_size=1 $PD 2>&1 | tail -3
pd --input=$O/t17/in --output=$O/t17/ref --shard_size=1 $PD 2>&1 | tail -1
python3 -c "
import json
a=json.load(open('$O/t17/set/manifest.json')); b=json.load(open('$O/t17/ref/manifest.json'))
print('manifest equal except source:', {k:v for k,v in a.items() if k!='source'}=={k:v for k,v in b.items() if k!='source'})"
for f in $O/t17/ref/shard-*.array_record; do n=$(basename $f); cmp -s $f $O/t17/set/$n || echo "DIFF $n"; done; echo cmpdone
ls $O/t17/set | grep -v "^shard-000[01][0-9].\(json\|array_record\)$"
