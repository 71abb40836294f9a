# an eval report of step 6, then step 6 retrained (--resume_from_step=5, other seed), then export: which report does the card quote?
. $(dirname $0)/common.sh
rm -rf $W/n $W/n_ex; s g13a m --config=$TINY:steps=6 --workdir=$W/n
s g13b m --config=$TINY:steps=6 --workdir=$W/n --mode=eval $EV
ls -la $W/n $W/n/eval* 2>/dev/null | head -20
s g13c m --config=$TINY:steps=6 --workdir=$W/n --resume_from_step=5 --config.seed=11
ls -la $W/n $W/n/eval* 2>/dev/null | head -20
TAILN=5 s g13 ex --workdir=$W/n --output=$W/n_ex
