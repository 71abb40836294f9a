# Re-run, on the commit that fixed them, of E05 (a3.sh), E06 (c1.sh, c3.sh), E16 (a5.sh) and E29 (c1.sh):
# the scripts as they are, with logs in /tmp/r35/log_rr and writes in /tmp/r35/work_rr, against a worktree
# of that commit (RRWT, e.g. git worktree add --detach /tmp/wt_r35_rr HEAD). Round 34's fixtures read only.
H=$(dirname $(readlink -f $0)); R=/tmp/r35/rr; mkdir -p $R /tmp/r35/log_rr /tmp/r35/work_rr
sed "s#/tmp/wt_r34_16295#$RRWT#g" /tmp/r34/env.sh > $R/env.sh
sed -e "s#/tmp/r35/env.sh#$R/env.sh#" -e 's#L=/tmp/r35/log;#L=/tmp/r35/log_rr;#' -e 's#W=/tmp/r35/work;#W=/tmp/r35/work_rr;#' \
    $H/common.sh > $R/common.sh
for f in a3 c1 c3 a5; do
  sed "s#\$(dirname \$0)/common.sh#$R/common.sh#" $H/$f.sh > $R/$f.sh
  echo "#### $f"; bash $R/$f.sh
done
