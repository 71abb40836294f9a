. /tmp/r24/env.sh
rm -rf $O/t24; mkdir -p $O/t24
cp -r $UMT5 $O/t24/fmt; python3 -c "
import json; p='$O/t24/fmt/config.json'; d=json.load(open(p)); json.dump(d, open(p,'w'), indent=4, sort_keys=True)"   # re-saved by an editor
cp -r $UMT5 $O/t24/extra; echo '{"pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>"}' > $O/t24/extra/special_tokens_map.json
cp -r $UMT5 $O/t24/novocab; rm $O/t24/novocab/spiece.vocab
T2VX=$(echo $T2VF | sed 's#--config.text_encoder.path=[^ ]*##')
for s in fmt extra novocab; do echo "== $s"; m --config=$TT:steps=6 $T2VX --config.text_encoder.path=$O/t24/$s --mode=sample --workdir=$T2V --output=$O/t24/o_$s --prompt="clip number 1 moving" --seed=3 2>&1 | grep -v WARNING | cut -c1-450 | tail -2; done
echo "== own"; m --config=$TT:steps=6 $T2VF --mode=sample --workdir=$T2V --output=$O/t24/o_own --prompt="clip number 1 moving" --seed=3 2>&1 | grep -v WARNING | cut -c1-200 | tail -1
ls $O/t24
