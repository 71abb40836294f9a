# sourced by the round-27 re-run scripts (rr_*.sh): fixtures via env2.sh (runners in the re-run worktree), logs in /tmp/r27/rr/log
. /tmp/r27/env2.sh
L=/tmp/r27/rr/log; RR=/tmp/r27/rr; mkdir -p $L $RR
s() { n=$1; shift; echo "== $n: $*" > $L/$n.out; "$@" >> $L/$n.out 2>&1; echo "-- $n: $(grep -v 'WARNING:absl\|^step ' $L/$n.out | tail -${TAILN:-3} | cut -c1-700)"; }
