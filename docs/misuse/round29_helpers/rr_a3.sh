# re-run of Y07/Y08 (a3.sh) on $O2/a_rr (made by rr_a1.sh)
. $(dirname $0)/rr_common.sh
A=$O2/a_rr
ex --workdir=$A/run --output=$A/exp >/dev/null 2>&1
cp -r $EX $A/real/exp
rm -rf $O2/a3home_rr; mkdir -p $O2/a3home_rr; cp -r $B $O2/a3home_rr/run; cp -r $EX $O2/a3home_rr/exp
s y07 py $H29/rr_a3.py $A $O2/a3home_rr
cat $L/y07.out | grep -v WARNING
