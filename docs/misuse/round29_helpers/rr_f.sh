# re-run of Y25 (f1.sh, f1.py)
. $(dirname $0)/rr_common.sh
s y25 py $H29/f1.py $EX
grep -v 'WARNING' $L/y25.out
