# sourced by the rr_ scripts (re-run of the fixed cases): env2.sh (WT = this worktree), logs in /tmp/r28/rr/log
. /tmp/r28/env2.sh
L=/tmp/r28/rr/log; RR=/tmp/r28/rr; mkdir -p $L
s() { n=$1; shift; echo "== $n: $*" > $L/$n.out; "$@" >> $L/$n.out 2>&1; echo "-- $n: $(grep -v 'WARNING:absl\|^step ' $L/$n.out | tail -${TAILN:-3} | cut -c1-700)"; }
