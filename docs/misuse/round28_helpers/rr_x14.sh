# X14 re-run: prepare_data of captions differing only in characters the tiny UMT5 does not know; nearby: three such captions + one distinct
. $(dirname $0)/rr_common.sh
D=$RR/x14; rm -rf $D; mkdir -p $D
printf '{"video": "%s/v0.mp4", "caption": "a cat running fast 🎬"}\n{"video": "%s/v1.mp4", "caption": "a cat running fast 🐶"}\n' $V $V > $D/x14.jsonl
s x14 pd --input=$D/x14.jsonl --output=$D/x14set $PD --text_encoder=$UMT5 --text_length=16
printf '{"video": "%s/v0.mp4", "caption": "a 猫 runs"}\n{"video": "%s/v1.mp4", "caption": "a 犬 runs"}\n{"video": "%s/v2.mp4", "caption": "a 鳥 runs"}\n{"video": "%s/v3.mp4", "caption": "a red cat"}\n' $V $V $V $V > $D/x14e.jsonl
s x14e pd --input=$D/x14e.jsonl --output=$D/x14eset $PD --text_encoder=$UMT5 --text_length=16
ls $D/x14set $D/x14eset
