# F01-F02: forks of forks, a run moved with mv then resumed, and its exports
. $(dirname $0)/common.sh
cd $W; rm -rf n2 n3 n1c mva mvb e1
cp -r n1 n2; TAILN=2 s f01a m --config=$TINY:steps=14 --workdir=$W/n2
cp -r n2 n3; TAILN=2 s f01b m --config=$TINY:steps=16 --workdir=$W/n3
for r in n1 n2 n3; do echo "[$r]"; python $H36/lin.py $W/$r; done
cp -r n1 n1c; cp -r n3/checkpoints/16 n1c/checkpoints/16     # a grandchild's step put back into the first run
TAILN=3 s f01c ex --workdir=$W/n1c --output=$W/n1c_exp; grep -o "trained for [^.]*" $W/n1c_exp/README.md
# F02: mv then resume; exports of parent and child into one folder
cp -r n1 mva; mv mva mvb; TAILN=2 s f02a m --config=$TINY:steps=14 --workdir=$W/mvb; echo "[mvb]"; python $H36/lin.py $W/mvb
TAILN=2 s f02b ex --workdir=$W/n1 --output=$W/e1; TAILN=2 s f02c ex --workdir=$W/mvb --output=$W/e1; grep -o "trained for [^.]*" $W/e1/README.md
TAILN=2 s f02d ex --workdir=$W/n1 --output=$W/e1; grep -o "trained for [^.]*" $W/e1/README.md
