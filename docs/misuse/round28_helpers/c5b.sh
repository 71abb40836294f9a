# c5.sh's read-backs (H was unset there) and X17
. $(dirname $0)/common.sh
H=docs/misuse/round28_helpers; D=$O2/c5
for c in x14 x16; do echo "== readset $D/${c}set" >> $L/$c.out; py $H/readset.py $D/${c}set >> $L/$c.out 2>&1; grep -v WARNING:absl $L/$c.out | tail -3; done
echo "== x17: py caps10k.py $UMT5 8" > $L/x17.out; py $H/caps10k.py $UMT5 8 >> $L/x17.out 2>&1; grep -v WARNING:absl $L/x17.out | tail -4
