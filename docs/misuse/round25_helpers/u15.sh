. /tmp/r25/env.sh
rm -rf $O/u15 $O/u16 $O/u20; mkdir -p $O/u15/in/cat $O/u15/in/dog; cp $V/v0.mp4 $V/v1.mp4 $O/u15/in/cat/; cp $V/v2.mp4 $V/v3.mp4 $O/u15/in/dog/
echo "== U15 --output inside --input (class-folder root)"; pd --input=$O/u15/in --output=$O/u15/in/train $PD 2>&1 | tail -2
python3 -c "import json;d=json.load(open('$O/u15/in/train/manifest.json'));print(d['num_examples'], d.get('class_names'))"
echo "-- rerun the same command"; pd --input=$O/u15/in --output=$O/u15/in/train $PD 2>&1 | tail -2
echo "-- then into a new output beside it"; pd --input=$O/u15/in --output=$O/u15/train2 $PD 2>&1 | tail -2
python3 -c "import json;d=json.load(open('$O/u15/train2/manifest.json'));print(d['num_examples'], d.get('class_names'))"
mkdir -p $O/u16
printf '{"video": "%s", "video": "%s", "caption": "dup key clip"}\r\n' $V/v0.mp4 $V/v1.mp4 > $O/u16/l.jsonl
printf '{"video": "%s", "caption": "clip two", "label": 3, "author": "me", "fps": 60}\r\n' $V/v2.mp4 >> $O/u16/l.jsonl
printf '{"video": "%s", "caption": "   \\t "}\r\n' $V/v3.mp4 >> $O/u16/l.jsonl
printf '{"video": "%s", "caption": "clip four"}\r\n' $V/v4.mp4 >> $O/u16/l.jsonl
cat -A $O/u16/l.jsonl | cut -c1-150
echo "== U16 jsonl: duplicate key, extra fields, whitespace caption, CRLF"; pd --input=$O/u16/l.jsonl --output=$O/u16/set $PD --text_encoder=$UMT5 --text_length=8 2>&1 | grep -v Loading | tail -4
python3 -c "import json;d=json.load(open('$O/u16/set/manifest.json'));print(d['num_examples'], {k:d[k] for k in d if k not in ('shards',)})" 2>&1 | cut -c1-600
mkdir -p $O/u20/list $O/u20/vids $O/u20/elsewhere/vids; cp $V/v0.mp4 $V/v1.mp4 $O/u20/vids/; cp $V/v5.mp4 $O/u20/elsewhere/vids/v0.mp4; cp $V/v6.mp4 $O/u20/elsewhere/vids/v1.mp4
printf '{"video": "../vids/v0.mp4", "label": 0}\n{"video": "../vids/v1.mp4", "label": 1}\n' > $O/u20/list/l.jsonl
echo "== U20 relative video paths in a jsonl, run from another cwd ($O/u20/elsewhere/sub)"; mkdir -p $O/u20/elsewhere/sub
(cd $O/u20/elsewhere/sub && PYTHONPATH=$WT nice -n 19 timeout 280 python -m eflow_jax.tools.prepare_data --input=$O/u20/list/l.jsonl --output=$O/u20/set $PD --num_classes=2 2>&1 | tail -2; echo rc=$?)
python3 -c "import json;d=json.load(open('$O/u20/set/manifest.json'));print(d['num_examples'])" 2>&1
