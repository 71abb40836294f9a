# X17 (10000 unique captions, timed) and X14 verified with CJK captions (different words, same tokens?)
. $(dirname $0)/common.sh
H=docs/misuse/round28_helpers; D=$O2/c5
echo "== x17: py caps10k.py $UMT5 8" > $L/x17.out; py $H/caps10k.py $UMT5 8 >> $L/x17.out 2>&1; grep -v WARNING:absl $L/x17.out | tail -4
printf '{"video": "%s/v0.mp4", "caption": "a 猫 runs"}\n{"video": "%s/v1.mp4", "caption": "a 犬 runs"}\n' $V $V > $D/x14v.jsonl
s x14v pd --input=$D/x14v.jsonl --output=$D/x14vset $PD --text_encoder=$UMT5 --text_length=16
echo "== readset" >> $L/x14v.out; py $H/readset.py $D/x14vset >> $L/x14v.out 2>&1; grep -v WARNING:absl $L/x14v.out | tail -4
