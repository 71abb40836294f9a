# odd model configs on the command line: num_heads not dividing hidden, patch larger than the frame, frames=1, patch frames > frames
. $(dirname $0)/common.sh
s g01 m --config=$TINY:steps=6 --workdir=$W/g01 --config.model.num_heads=3
s g02 m --config=$TINY:steps=6 --workdir=$W/g02 --config.model.patch='(1,32,32)'
s g03 m --config=$TINY:steps=6 --workdir=$W/g03 --config.data.frames=1
s g04 m --config=$TINY:steps=6 --workdir=$W/g04 --config.model.patch='(8,4,4)'
