# X23 prepare_data --output through lnk/..; X24 training --config.data.path through lnk/.. and relative ../; X25 Pipeline export vs run; X19 again
. $(dirname $0)/common.sh
H=docs/misuse/round28_helpers; D=$O2/c9; rm -rf $D; mkdir -p $D/real/sub; ln -s real/sub $D/lnk
s x23 pd --input=$O/p02/in --output=$D/lnk/../set $PD
echo "x23: real/set: $(ls $D/real/set 2>&1 | tr '\n' ' ') | $D/set: $(ls $D/set 2>&1)"
cp -r $O/p02/train $D/real/p02set
s x24a m --config=tests/tiny_config.py:steps=5 --workdir=$R2/c9_x24a $RS --config.data.path=$D/lnk/../p02set
grep -o '"path": "[^"]*"' $R2/c9_x24a/parameters.txt 2>/dev/null | head -2; grep -n "data.path\|path:" $R2/c9_x24a/parameters.txt | head -3
s x24b m --config=tests/tiny_config.py:steps=5 --workdir=$R2/c9_x24b $RS --config.data.path=../../r28/out2/c9/real/p02set
grep -n "path" $R2/c9_x24b/parameters.txt | head -3
echo "== x25: py pipe_cmp.py $EX $B" > $L/x25.out; py $H/pipe_cmp.py $EX $B >> $L/x25.out 2>&1; grep -v WARNING:absl $L/x25.out | tail -4
echo "== x19v: py pipe_mm.py $B $O/p02/train (again)" > $L/x19v.out; py $H/pipe_mm.py $B $O/p02/train >> $L/x19v.out 2>&1; grep -v WARNING:absl $L/x19v.out | tail -2
