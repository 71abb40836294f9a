# two workdirs sharing one checkpoints/ folder by a link; data.num_threads/prefetch odd; export with empty paths;
# the text run sampled at another data.text_length; the base (Moving MNIST) run evaluated against a record set
. $(dirname $0)/common.sh
D=$O2/b11; rm -rf $D; mkdir -p $D
echo "== T7 run b's checkpoints/ a symbolic link to run a's (one big disk), trained one after the other, then at once"
rm -rf $R2/t7a $R2/t7b; cp -r $B $R2/t7a; mkdir -p $R2/t7b; ln -s $R2/t7a/checkpoints $R2/t7b/checkpoints
s t7_b m --config=tests/tiny_config.py:steps=14 --workdir=$R2/t7b
ls $R2/t7a/checkpoints $R2/t7b; head -c 300 $R2/t7b/metrics.jsonl 2>/dev/null; echo
s t7_a m --config=tests/tiny_config.py:steps=16 --workdir=$R2/t7a
ls $R2/t7a/checkpoints
m --config=tests/tiny_config.py:steps=400 --workdir=$R2/t7a --config.checkpoint.every_steps=5 > $L/t7_both_a.out 2>&1 &
sleep 2
m --config=tests/tiny_config.py:steps=400 --workdir=$R2/t7b --config.checkpoint.every_steps=5 > $L/t7_both_b.out 2>&1 &
wait
echo "-- a: $(grep -v 'WARNING\|^step ' $L/t7_both_a.out | tail -3 | cut -c1-400)"; echo "-- b: $(grep -v 'WARNING\|^step ' $L/t7_both_b.out | tail -3 | cut -c1-400)"
ls $R2/t7a/checkpoints
echo "== T8 data.num_threads / data.prefetch odd values (cat/dog record-set run, fresh workdirs, steps=2)"
for a in num_threads=0 num_threads=-1 prefetch=0 prefetch=-2 num_threads=1000; do rm -rf $R2/t8; s "t8_$a" m --config=tests/tiny_config.py:steps=2 --workdir=$R2/t8 $RS --config.data.path=$O/p02/train --config.data.$a; done
echo "== X5 export with empty or blank paths"
s x5_out ex --workdir=$B --output=
s x5_wd ex --workdir= --output=$D/x5
s x5_blank ex --workdir=$B --output=" "
ls $D; ls $WT | head -40 > $D/wt_ls.txt
echo "== S1 the text run (trained at data.text_length=8) sampled at data.text_length 16 and 4"
for n in 16 4; do s s1_$n m --config=$TT:steps=8 $T2VF --mode=sample --workdir=$T2V --output=$D/s1_$n --num_samples=2 --prompt="clip number 1 moving" --config.data.text_length=$n; done
echo "== E5 the Moving MNIST base run evaluated with data.eval_path = a record set"
rm -rf $R2/e5; cp -r $B $R2/e5
s e5 m --config=$CFG $EV --mode=eval --workdir=$R2/e5 --output=$D/e5.json --config.data.eval_path=$O/p02/train
ls $D | grep e5
