. /tmp/r24/env.sh
rm -rf $O/t13; mkdir -p $O/t13/in/cat $O/t13/in/dog
python3 -c "
import shutil
shutil.copy(b'/tmp/r24/out/vids/v0.mp4', b'/tmp/r24/out/t13/in/cat/v0_caf\xe9.mp4')   # Latin-1 'café' from an old archive
shutil.copy(b'/tmp/r24/out/vids/v1.mp4', b'/tmp/r24/out/t13/in/cat/v1.mp4')
shutil.copy(b'/tmp/r24/out/vids/v2.mp4', b'/tmp/r24/out/t13/in/dog/v2.mp4')
shutil.copy(b'/tmp/r24/out/vids/v3.mp4', b'/tmp/r24/out/t13/in/dog/v3.mp4')
"
ls $O/t13/in/cat | od -c | head -3
pd --input=$O/t13/in --output=$O/t13/set $PD 2>&1 | grep -v WARNING | cut -c1-400 | tail -4
ls $O/t13/set 2>&1; python3 -c "import json; d=json.load(open('$O/t13/set/manifest.json')); print(d['num_examples'], d['class_names'], d['skipped'])" 2>&1 | tail -1
(cd $WT && PYTHONPATH=$WT python $H14/read_records.py $O/t13/set 2>&1 | tail -6)
