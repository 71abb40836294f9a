# sourced by the round-34 case scripts: fixtures, log folder and a logger s NAME CMD... (full output kept in $L/NAME.out)
. /tmp/r34/env.sh
L=/tmp/r34/log; W=/tmp/r34/work; mkdir -p $L $W
s() { n=$1; shift; echo "== $n: $*" > $L/$n.out; "$@" >> $L/$n.out 2>&1; echo "-- $n: $(grep -v 'WARNING:absl\|^step \|^I1\|^W1' $L/$n.out | tail -${TAILN:-3} | cut -c1-700)"; }
H34=$WT/docs/misuse/round34_helpers; H30=$WT/docs/misuse/round30_helpers
TINY=tests/tiny_config.py
