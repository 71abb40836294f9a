H=/tmp/wt_r30_27813/docs/misuse/round30_helpers
while pgrep -f "round30_helpers/b1.sh" >/dev/null; do sleep 2; done
for x in a1 p1 c1 s1; do echo "#### $x $(date -u +%T)"; bash $H/$x.sh; done; echo "#### done $(date -u +%T)"
