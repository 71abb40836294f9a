# Part S: the ablation sweep's --rows / --tables given twice, with spacing, empty, mixed with --report_only
. $(dirname $0)/common.sh
G=$O2/s; rm -rf $G; mkdir -p $G
sw() { n=$1; shift; echo "== $n: $*" > $L/$n.out; (cd $WT && PYTHONPATH=$WT nice -n 19 timeout 280 python benchmarks/sweeps/ablation_sweep.py "$@") >> $L/$n.out 2>&1; echo "rc=$?" >> $L/$n.out; echo "-- $n: $(grep -v WARNING $L/$n.out | tail -${TAILN:-3} | cut -c1-600)"; }
TAILN=6 sw z15 --report_only --rows=table4:sfm_4 --rows=table4:sfm_4 --root=$G/r15 --results=$G/res15; find $G/res15 -type f | head; 
TAILN=6 sw z16 --report_only --rows='table4:sfm_4, table4:pdg_sfm_4' --root=$G/r16 --results=$G/res16; find $G/res16 -type f | head
TAILN=6 sw z17 --report_only --tables=table4 --tables=table9 --root=$G/r17 --results=$G/res17; find $G/res17 -type f | head
TAILN=6 sw z18 --report_only --rows= --root=$G/r18 --results=$G/res18; find $G/res18 -type f | head
TAILN=6 sw z18b --report_only --tables=table4 --rows=table2:sfm_4 --root=$G/r18b --results=$G/res18b
