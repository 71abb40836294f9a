. /tmp/r25/env.sh
sed -i '1d' $O/u16/l.jsonl; cat -A $O/u16/l.jsonl | cut -c1-120
echo "== U16b extra fields (label 3, author, fps), whitespace-only caption, CRLF"; pd --input=$O/u16/l.jsonl --output=$O/u16/set $PD --text_encoder=$UMT5 --text_length=8 2>&1 | grep -v Loading | tail -4
python3 -c "import json;d=json.load(open('$O/u16/set/manifest.json'));print(d['num_examples'], {k:d[k] for k in d if k not in ('shards',)})" 2>&1 | cut -c1-700
sed -i '2d' $O/u16/l.jsonl
echo "== U16c without the whitespace row"; pd --input=$O/u16/l.jsonl --output=$O/u16/set $PD --text_encoder=$UMT5 --text_length=8 2>&1 | grep -v Loading | tail -4
python3 -c "import json;d=json.load(open('$O/u16/set/manifest.json'));print(d['num_examples'], {k:d[k] for k in d if k not in ('shards',)})" 2>&1 | cut -c1-900
sed -i 's/"label": 3, //' $O/u16/l.jsonl; cat $O/u16/l.jsonl
echo "== U16d extra fields only (author, fps 60)"; pd --input=$O/u16/l.jsonl --output=$O/u16/set $PD --text_encoder=$UMT5 --text_length=8 2>&1 | grep -v Loading | tail -4
python3 -c "import json;d=json.load(open('$O/u16/set/manifest.json'));print(d['num_examples'], d.get('fps'), d.get('captions', '')[:3] if isinstance(d.get('captions'), list) else '')" 2>&1 | cut -c1-400
