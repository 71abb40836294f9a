# sourced by the round-33 case scripts: fixtures, log folder and a logger s NAME CMD... (full output kept in $L/NAME.out)
. /tmp/r33/env.sh
L=/tmp/r33/log; O2=/tmp/r33/out2; R2=/tmp/r33/runs2; mkdir -p $L $O2 $R2
s() { n=$1; shift; echo "== $n: $*" > $L/$n.out; "$@" >> $L/$n.out 2>&1; echo "-- $n: $(grep -v 'WARNING:absl\|^step ' $L/$n.out | tail -${TAILN:-3} | cut -c1-700)"; }
H33=$WT/docs/misuse/round33_helpers
