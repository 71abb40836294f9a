# b11.sh's T8 redone with steps=3 (tiny_config's two stages need at least 3 steps; steps=2 was refused for that)
. $(dirname $0)/common.sh
for a in num_threads=0 num_threads=-1 prefetch=0 prefetch=-2 num_threads=1000; do rm -rf $R2/t8; s "t8b_$a" m --config=tests/tiny_config.py:steps=3 --workdir=$R2/t8 $RS --config.data.path=$O/p02/train --config.data.$a; done
