# V16: videos of odd sizes; V17: captions with newlines/tabs/very long text
. /tmp/r26/env.sh
L=/tmp/r26/log; O2=/tmp/r26/out/pd2; rm -rf $O2; mkdir -p $O2/in/a $O2/in/b
p() { n=$1; shift; pd "$@" > $L/$n.out 2>&1; echo "-- $n: $(grep -v WARNING $L/$n.out | grep -v '^\s*$' | cut -c1-450 | tail -6)"; }
(cd $WT; python $H14/mkvid.py $O2/in/a/odd17x16.mp4 6 0 16 17; python $H14/mkvid.py $O2/in/a/h1.mp4 6 10 1 64; python $H14/mkvid.py $O2/in/b/wide.mp4 6 20 16 1024; python $H14/mkvid.py $O2/in/b/tall.mp4 6 30 1024 16; python $H14/mkvid.py $O2/in/b/odd15x15.mp4 6 40 15 15) 2> $L/v16_mk.err; echo "mkvid stderr: $(cat $L/v16_mk.err | tail -3)"; ls -la $O2/in/a $O2/in/b
python -c "
import av,sys,glob
for f in sorted(glob.glob('$O2/in/*/*.mp4')):
  try:
    c=av.open(f); s=c.streams.video[0]; print(f, s.width, s.height, s.frames)
  except Exception as e: print(f, e)"
p v16 --input=$O2/in --output=$O2/set $PD
python -c "
import json;m=json.load(open('$O2/set/manifest.json'));print('manifest', m['num_examples'], m['class_names'], m['skipped'])" 2>&1
python - <<PY
import json, numpy as np
from array_record.python import array_record_module as ar
import glob
for f in sorted(glob.glob('$O2/set/shard-*.array_record')):
  r = ar.ArrayRecordReader(f); print(f, r.num_records())
PY
echo "== V17 captions"
python - > $O2/cap.jsonl <<PY
import json
V="$V"
rows=[("v0", "line one\nline two"), ("v1", "tab\tseparated\tcaption"), ("v2", "word " * 400), ("v3", "clip number 3 moving")]
for v, c in rows: print(json.dumps({"video": f"{V}/{v}.mp4", "caption": c}))
PY
cat $O2/cap.jsonl | cut -c1-120
p v17 --input=$O2/cap.jsonl --output=$O2/capset $PD --text_encoder=$UMT5 --text_length=8
ls $O2/capset; cat $O2/capset/captions.txt 2>/dev/null | cut -c1-200; python -c "
import json;m=json.load(open('$O2/capset/manifest.json'));print({k:(v if len(str(v))<300 else str(v)[:300]) for k,v in m.items() if k!='shards'})" 2>&1 | cut -c1-1500
