. $(dirname $0)/common.sh
A=$O2/a     # made by a1.sh: real/run (steps 10, 12), run (step 10 only), lnk -> real/sub
ex --workdir=$A/run --output=$A/exp >/dev/null 2>&1     # textual lnk/../exp: a step-10 export
cp -r $EX $A/real/exp                                   # physical lnk/../exp: the step-12 export
mkdir -p $O2/a3home; cp -r $B $O2/a3home/run; cp -r $EX $O2/a3home/exp
s y07 py $H29/a3.py $A $O2/a3home
cat $L/y07.out | grep -v WARNING
