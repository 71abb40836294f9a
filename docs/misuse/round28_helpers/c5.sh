# X14-X18: prepare_data's caption check and unused-option refusals (tiny UMT5 $UMT5)
. $(dirname $0)/common.sh
D=$O2/c5; rm -rf $D; mkdir -p $D
printf '{"video": "%s/v0.mp4", "caption": "a cat running fast 🎬"}\n{"video": "%s/v1.mp4", "caption": "a cat running fast 🐶"}\n' $V $V > $D/x14.jsonl
s x14 pd --input=$D/x14.jsonl --output=$D/x14set $PD --text_encoder=$UMT5 --text_length=16
py $H/readset.py $D/x14set >> $L/x14.out 2>&1; py -c "
from eflow_jax.text import T5TextEncoder; e=T5TextEncoder('$UMT5',16); t=e.tokenizer(['a cat running fast 🎬','a cat running fast 🐶'])['input_ids']; print('tokens', t)" >> $L/x14.out 2>&1; tail -5 $L/x14.out
printf '{"video": "%s/v0.mp4", "caption": "a red cat runs over the grass"}\n{"video": "%s/v1.mp4", "caption": "a red cat runs over the grasp"}\n' $V $V > $D/x15.jsonl
s x15 pd --input=$D/x15.jsonl --output=$D/x15set $PD --text_encoder=$UMT5 --text_length=16
py $H/readset.py $D/x15set >> $L/x15.out 2>&1; tail -3 $L/x15.out
printf '{"video": "%s/v0.mp4", "caption": "red cat runs over the green grass near a big old house by the sea"}\n{"video": "%s/v1.mp4", "caption": "blue dog"}\n' $V $V > $D/x16.jsonl
s x16 pd --input=$D/x16.jsonl --output=$D/x16set $PD --text_encoder=$UMT5 --text_length=4
py $H/readset.py $D/x16set >> $L/x16.out 2>&1; tail -3 $L/x16.out
echo "== x17: py caps10k.py" > $L/x17.out; py $H/caps10k.py $UMT5 8 >> $L/x17.out 2>&1; grep -v WARNING:absl $L/x17.out | tail -4
s x18a pd --input=$O/p02/in --output=$D/x18a $PD --text_device=cuda
s x18b pd --input=$O/p02/in --output=$D/x18b $PD --text_length=512 --text_device=cpu --text_dtype=float32
