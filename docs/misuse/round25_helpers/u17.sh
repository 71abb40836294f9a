. /tmp/r25/env.sh
rm -rf $O/u17; mkdir -p $O/u17
printf '{"video": "%s", "caption": "clip two", "fps": 60, "start_frame": 3}\n{"video": "%s", "caption": "clip four", "fps": 60, "start_frame": 3}\n' $V/v2.mp4 $V/v4.mp4 > $O/u17/a.jsonl
echo "== U17a rows with fps/start_frame keys"; pd --input=$O/u17/a.jsonl --output=$O/u17/a $PD --text_encoder=$UMT5 --text_length=8 2>&1 | grep -v "Loading\|WARNING" | tail -2
python3 -c "import json;d=json.load(open('$O/u17/a/manifest.json'));print('manifest fps', d.get('fps'))"
printf '{"video": "%s", "caption": "clip two"}\n{"video": "%s", "caption": "clip four"}\n' $V/v2.mp4 $V/v4.mp4 > $O/u17/b.jsonl
pd --input=$O/u17/b.jsonl --output=$O/u17/b $PD --text_encoder=$UMT5 --text_length=8 2>&1 | grep -v "Loading\|WARNING" | tail -1
python3 -c "
import json; a=json.load(open('$O/u17/a/shard-00000.json'))['latents_sha256']; b=json.load(open('$O/u17/b/shard-00000.json'))['latents_sha256']; print('latents same as without the keys:', a==b)"
printf '{"video": "%s", "captions": "clip two"}\n{"video": "%s", "Caption": "clip four"}\n' $V/v2.mp4 $V/v4.mp4 > $O/u17/c.jsonl
echo "== U17c misspelt caption keys with --text_encoder"; pd --input=$O/u17/c.jsonl --output=$O/u17/c $PD --text_encoder=$UMT5 --text_length=8 2>&1 | grep -v "Loading\|WARNING" | tail -2
printf '{"video": "%s", "lable": 0}\n{"video": "%s", "lable": 1}\n' $V/v2.mp4 $V/v4.mp4 > $O/u17/d.jsonl
echo "== U17d misspelt label key, no encoder"; pd --input=$O/u17/d.jsonl --output=$O/u17/d $PD 2>&1 | grep -v "Loading\|WARNING" | tail -2
