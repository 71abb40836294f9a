# sourced by the round-29 re-run scripts (rr_*.sh): fixtures via /tmp/r29/env_rr.sh (env.sh with the worktree renamed), new log folder
. /tmp/r29/env_rr.sh
L=/tmp/r29/rr/log; O2=/tmp/r29/out2; R2=/tmp/r29/runs2; mkdir -p $L $O2 $R2
s() { n=$1; shift; echo "== $n: $*" > $L/$n.out; "$@" >> $L/$n.out 2>&1; echo "-- $n: $(grep -v 'WARNING:absl\|^step ' $L/$n.out | tail -${TAILN:-3} | cut -c1-700)"; }
H29=$WT/docs/misuse/round29_helpers
