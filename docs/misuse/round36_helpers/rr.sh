# Re-run, on the commit that fixed them, of F07 / F11 / F29 (a8.sh, after f0_fresh.sh and a1.sh make n1-n3 again with
# this commit's lineages), F10 / F12 (a3.sh), F23 (a6.sh) and F27 (a7.sh, a10.sh): the scripts as they are, logs in
# /tmp/r36/log_rr, writes in /tmp/r36/work_rr, against a worktree of that commit (RRWT). Round 34's fixtures read only.
H=$(dirname $(readlink -f $0)); R=/tmp/r36/rr; mkdir -p $R /tmp/r36/log_rr /tmp/r36/work_rr
sed "s#/tmp/wt_r34_16295#$RRWT#g" /tmp/r34/env.sh > $R/env.sh
sed -e "s#/tmp/r36/env.sh#$R/env.sh#" -e 's#L=/tmp/r36/log;#L=/tmp/r36/log_rr;#' -e 's#W=/tmp/r36/work;#W=/tmp/r36/work_rr;#' \
    $H/common.sh > $R/common.sh
for f in f0_fresh a1 a3 a6 a7 a8 a10; do
  sed "s#\$(dirname \$0)/common.sh#$R/common.sh#" $H/$f.sh > $R/$f.sh
  echo "#### $f"; bash $R/$f.sh
done
