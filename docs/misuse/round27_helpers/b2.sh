# W05-W07: --compilation_cache odd values; text --prompt unicode/long/newline; a Latin-1 prompts file
. $(dirname $0)/common.sh
D=$O2/b2; rm -rf $D; mkdir -p $D
echo "== W05 --compilation_cache"
echo "my notes" > $D/notes.txt
s w05_file m --config=$CFG --mode=sample --workdir=$B --output=$D/cf --num_samples=2 --compilation_cache=$D/notes.txt; cat $D/notes.txt
s w05_empty m --config=$CFG --mode=sample --workdir=$B --output=$D/ce --num_samples=2 --compilation_cache=
rm -rf $R2/w05; cp -r $B $R2/w05
s w05_step m --config=$CFG --mode=sample --workdir=$R2/w05 --output=$D/cs --num_samples=2 --compilation_cache=$R2/w05/checkpoints/12/xla
ls $R2/w05/checkpoints/12 | head; du -sh $R2/w05/checkpoints/12/xla 2>&1
s w05_after m --config=$CFG --mode=sample --workdir=$R2/w05 --output=$D/cs2 --num_samples=2
s w05_train m --config=tests/tiny_config.py:steps=14 --workdir=$R2/w05 --compilation_cache=$R2/w05/checkpoints/10/xla
ls $R2/w05/checkpoints
echo "== W06 --prompt unicode / very long / newline (text run)"
s w06_uni m --config=$TT:steps=8 $T2VF --mode=sample --workdir=$T2V --output=$D/uni --num_samples=2 --prompt="клип номер 1 🎬 moving"
cat -A $D/uni_clips/captions.txt
LONG=$(python -c "print('clip number 1 moving ' * 150)")
s w06_long m --config=$TT:steps=8 $T2VF --mode=sample --workdir=$T2V --output=$D/long --num_samples=2 --prompt="$LONG"
cut -c1-120 $D/long_clips/captions.txt; wc -c $D/long_clips/captions.txt
s w06_nl m --config=$TT:steps=8 $T2VF --mode=sample --workdir=$T2V --output=$D/nl --num_samples=2 --prompt=$'clip number 1\nmoving'
cat -A $D/nl_clips/captions.txt
echo "== W07 prompts file in Latin-1 / cp1252"
printf 'clip number 1 moving caf\xe9\nclip number 2 \x93moving\x94\n' > $D/latin1.txt
s w07 m --config=$TT:steps=8 $T2VF --mode=sample --workdir=$T2V --output=$D/lat --prompts_file=$D/latin1.txt
ls $D | grep lat; [ -f $D/lat_clips/captions.txt ] && cat -A $D/lat_clips/captions.txt
