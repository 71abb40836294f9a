# a fresh run trained by this commit (its metas carry lineage): N1 (steps 10, 12), used by the lineage cases
. $(dirname $0)/common.sh
rm -rf $W/n1; TAILN=3 s f00 m --config=$TINY:steps=12 --workdir=$W/n1; ls $W/n1/checkpoints
