# sourced by the round-36 case scripts: fixtures (round 34's, read-only), log folder and a logger s NAME CMD... (full output kept in $L/NAME.out)
. /tmp/r36/env.sh
L=/tmp/r36/log; W=/tmp/r36/work; mkdir -p $L $W
s() { n=$1; shift; echo "== $n: $*" > $L/$n.out; "$@" >> $L/$n.out 2>&1; echo "-- $n: $(grep -v 'WARNING:absl\|^step \|^I1\|^W1' $L/$n.out | tail -${TAILN:-3} | cut -c1-700)"; }
TINY=tests/tiny_config.py; H36=$WT/docs/misuse/round36_helpers
H=$H36
