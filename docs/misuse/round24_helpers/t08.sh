. /tmp/r24/env.sh
rm -rf $R/t08; cp -r $B $R/t08
wc -l $R/t08/metrics.jsonl
python3 - <<'PY'
p='/tmp/r24/runs/t08/metrics.jsonl'; L=open(p).read().split('\n')
L.insert(4, 'garbage {not json'); L.insert(8, '{"step": 99, "loss": 0.0}'); open(p,'w').write('\n'.join(L))
PY
md5sum $R/t08/metrics.jsonl
m --config=tests/tiny_config.py:steps=14 --workdir=$R/t08 2>&1 | grep -v WARNING | cut -c1-300 | grep -iv "^step " | tail -6
ls $R/t08; wc -l $R/t08/metrics.jsonl; grep -n "garbage\|\"step\": 99" $R/t08/metrics.jsonl $R/t08/metrics.superseded.jsonl 2>/dev/null | head
