H=/tmp/wt_r30_27813/docs/misuse/round30_helpers
while pgrep -f "/tmp/r30/queue2.sh" >/dev/null; do sleep 2; done
for x in t1 s2; do echo "#### $x $(date -u +%T)"; bash $H/$x.sh; done; echo "#### done $(date -u +%T)"
