H=/tmp/wt_r30_27813/docs/misuse/round30_helpers
while pgrep -f "/tmp/r30/queue[23].sh" >/dev/null; do sleep 2; done
for x in g1 s2 s3; do echo "#### $x $(date -u +%T)"; bash $H/$x.sh; done; echo "#### done $(date -u +%T)"
