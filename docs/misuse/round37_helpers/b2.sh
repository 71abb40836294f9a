# text-to-video edges: odd captions at prepare_data --text_encoder
. $(dirname $0)/common.sh
for k in empty longsame number dup; do python $H37/mk_caps.py $k $W/caps_$k.jsonl; done
s g05 pd --input=$W/caps_empty.jsonl --output=$W/set_empty $PD --text_encoder=$UMT5 --text_length=8
s g06 pd --input=$W/caps_longsame.jsonl --output=$W/set_longsame $PD --text_encoder=$UMT5 --text_length=8
s g07 pd --input=$W/caps_number.jsonl --output=$W/set_number $PD --text_encoder=$UMT5 --text_length=8
s g08 pd --input=$W/caps_dup.jsonl --output=$W/set_dup $PD --text_encoder=$UMT5 --text_length=8
