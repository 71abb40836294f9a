. $(dirname $0)/common.sh
A=$O2/p; rm -rf $A; mkdir -p $A/home $A/real/sub
ln -s $EX $A/l1; ln -s $A/l1 $A/l2; ln -s ../../../r29/runs/exp $A/rel; ls $A/rel/ >/dev/null && echo rel ok
ln -s $B $A/w1; ln -s $A/w1 $A/w2; ln -s ../../../r29/runs/base $A/wrel
ln -s $A/real/sub $A/l1b; ln -s $A/l1b $A/l2b; cp -r $EX $A/real/exp; cp -r $B $A/real/run; rm -rf $A/real/run/checkpoints/12
ln -s $EX $A/home/exp; ln -s $B $A/home/run
HOME=$A/home TAILN=60 s z11 py $H30/p1.py $A
