H=/tmp/wt_r30_27813/docs/misuse/round30_helpers
while pgrep -f "/tmp/r30/queue[45].sh" >/dev/null; do sleep 2; done
for x in s2b; do echo "#### $x $(date -u +%T)"; bash $H/$x.sh; done; echo "#### done $(date -u +%T)"
