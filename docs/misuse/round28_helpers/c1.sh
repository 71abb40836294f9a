# X01-X04: '..' in output paths of sample / export / eval (round 27's resolve_dotdot)
. $(dirname $0)/common.sh
D=$O2/c1; rm -rf $D; mkdir -p $D/real/sub; ln -s real/sub $D/lnk; cp -r $B $R2/c1run
s x01 m --config=$CFG --mode=sample --workdir=$R2/c1run --output=$D/lnk/../s --num_samples=4 --config.sample_columns=2
ls -la $D $D/real $D/real/sub >> $L/x01.out 2>&1; echo "x01 files: $(find $D -name 's*' | sort | tr '\n' ' ')"
s x02 m --config=$CFG --mode=sample --workdir=$R2/c1run --output=..
ls /tmp/wt_r28_20993/.. | grep -v wt_ | head -3 >> $L/x02.out
rm -rf $D/real/exp; s x03 ex --workdir=$R2/c1run --output=$D/lnk/../exp
echo "x03 files: $(ls $D/real/exp 2>&1| tr '\n' ' ') | $(ls $D/exp 2>&1 | tr '\n' ' ')"
s x04 m --config=$CFG --mode=eval --workdir=$R2/c1run $EV --output=$D/lnk/../rep.json
echo "x04 files: $(find $D -name 'rep*' | tr '\n' ' ')"
