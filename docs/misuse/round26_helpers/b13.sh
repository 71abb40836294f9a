# V31: caption .jsonl whose captions are not strings; V32: --prompts_file edge cases on the text run
. /tmp/r26/env.sh
L=/tmp/r26/log; O2=/tmp/r26/out/b13; rm -rf $O2; mkdir -p $O2
p() { n=$1; shift; pd "$@" > $L/$n.out 2>&1; echo "-- $n: $(grep -v '^\s*$' $L/$n.out | grep -v 'Loading weights' | cut -c1-450 | tail -4)"; }
echo "== V31"
i=0; for c in '5' 'null' '["a cat", "a dog"]' '""' '"   "' '{"en": "a cat"}' 'true'; do
  printf '{"video": "%s/v0.mp4", "caption": %s}\n{"video": "%s/v1.mp4", "caption": "clip number 1 moving"}\n' $V "$c" $V > $O2/c$i.jsonl
  echo "   caption: $c"; p v31_$i --input=$O2/c$i.jsonl --output=$O2/set$i $PD --text_encoder=$UMT5 --text_length=8
  [ -f $O2/set$i/manifest.json ] && python -c "import json;m=json.load(open('$O2/set$i/manifest.json'));print('   manifest', m['num_examples'], m['skipped'])"
  i=$((i+1)); done
echo "== V32 prompts_file"
: > $O2/empty.txt; printf '\n\n   \n' > $O2/blank.txt; python -c "print('\n'.join('clip number %d moving' % (i % 4) for i in range(5000)))" > $O2/many.txt; printf 'clip number 1 moving\n\nclip number 2 moving\n' > $O2/gap.txt
printf '\xff\xfeb\x00a\x00d\x00\n\x00' > $O2/utf16.txt
for f in empty blank gap utf16 many missing; do m --config=$TT:steps=8 $T2VF --mode=sample --workdir=$T2V --output=$O2/s_$f --prompts_file=$O2/$f.txt > $L/v32_$f.out 2>&1; echo "-- $f: $(grep -v 'Loading weights' $L/v32_$f.out | cut -c1-400 | tail -3)"; [ -f $O2/s_${f}_clips/captions.txt ] && cat -A $O2/s_${f}_clips/captions.txt | head -4; done
m --config=$TT:steps=8 $T2VF --mode=sample --workdir=$T2V --output=$O2/s_both --prompts_file=$O2/gap.txt --prompt="clip number 3 moving" > $L/v32_both.out 2>&1; echo "-- both: $(cut -c1-400 $L/v32_both.out | tail -2)"
