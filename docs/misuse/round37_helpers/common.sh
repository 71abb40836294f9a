# sourced by the round-37 case scripts: fixtures (round 34's, read-only), log folder and a logger s NAME CMD... (full output kept in $L/NAME.out)
. /tmp/r37/env.sh
L=/tmp/r37/log; W=/tmp/r37/work; mkdir -p $L $W
s() { n=$1; shift; echo "== $n: $*" > $L/$n.out; "$@" >> $L/$n.out 2>&1; echo "-- $n: $(grep -v 'WARNING:absl\|^step \|^I1\|^W1' $L/$n.out | tail -${TAILN:-3} | cut -c1-700)"; }
TINY=tests/tiny_config.py; H37=$WT/docs/misuse/round37_helpers
