# Re-run, on the commit that fixed them, of D01 / D08 (a1.sh) and D09-D11 (p1.py); logs in /tmp/r34/log_rr.
# The worktree of env.sh is re-made at that commit first (git worktree add --detach /tmp/wt_r34_16295 HEAD).
H=$(dirname $(readlink -f $0)); mkdir -p /tmp/r34/log_rr /tmp/r34/rr
sed 's#L=/tmp/r34/log;#L=/tmp/r34/log_rr;#' $H/common.sh > /tmp/r34/rr/common.sh
sed 's#\$(dirname \$0)/common.sh#/tmp/r34/rr/common.sh#' $H/a1.sh > /tmp/r34/rr/a1.sh
sed 's#L, W = "/tmp/r34/log", "/tmp/r34/work/p1"#L, W = "/tmp/r34/log_rr", "/tmp/r34/work/p1_rr"#' $H/p1.py > /tmp/r34/rr/p1.py
bash /tmp/r34/rr/a1.sh
. /tmp/r34/env.sh
SKIP=d12,d13,d14,d15,d16,d17,d18 py /tmp/r34/rr/p1.py
