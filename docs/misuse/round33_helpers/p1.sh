# C12: the Pipeline's outputs against its docstring (p1.py), base export
. $(dirname $0)/common.sh
TAILN=12 s c12 py $H33/p1.py $EX
