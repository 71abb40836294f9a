# Part C: captions differing by a tab, NBSP, zero-width space, or case only; prepare_data with the tiny UMT5
. $(dirname $0)/common.sh
C=$O2/c; rm -rf $C; mkdir -p $C; TX="--text_encoder=$UMT5 --text_length=8"
python - $C $V <<'PY'
import json, sys
C, V = sys.argv[1:]
rows = [('v0', 'a cat runs'), ('v1', 'a\tcat runs'), ('v2', 'a dog runs'), ('v3', 'a\u00a0dog runs'),
        ('v4', 'a bird flies'), ('v5', 'a bird\u200b flies'), ('v6', 'a fish swims'), ('v7', 'A FISH SWIMS')]
with open(f'{C}/l.jsonl', 'w') as f:
  for v, c in rows: f.write(json.dumps({'video': f'{V}/{v}.mp4', 'caption': c}, ensure_ascii=False) + '\n')
PY
s z14 pd --input=$C/l.jsonl --output=$C/set $PD $TX
TAILN=12 s z14x true; grep -v WARNING:absl $L/z14.out | tail -12
py $H30/readset.py $C/set > $L/z14_set.txt 2>&1; cat $L/z14_set.txt | cut -c1-250
py $H30/tok.py $UMT5 > $L/z14_tok.txt 2>&1; cat $L/z14_tok.txt
