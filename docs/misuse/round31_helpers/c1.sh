# Part C: resumes with changed config; A04 redo
. $(dirname $0)/common.sh
A=$O2/c; rm -rf $A; mkdir -p $A; cp -r $B $A/base0
C14=tests/tiny_config.py:steps=14
cp -r $A/base0 $A/r1; s a08a m --config=$C14 --workdir=$A/r1 --config.seed=5 --allow_resume_change=config.seed; ls $A/r1/checkpoints
s a08b m --config=$C14 --workdir=$A/r1 --config.seed=5 --allow_resume_change=Seed; ls $A/r1/checkpoints
s a08c m --config=$C14 --workdir=$A/r1 --config.seed=5 --allow_resume_change=; ls $A/r1/checkpoints
s a08d m --config=$C14 --workdir=$A/r1 --config.seed=5 --allow_resume_change=seed --allow_resume_change=data.batch_size; ls $A/r1/checkpoints
TAILN=6 s a08e m --config=$C14 --workdir=$A/r1 --config.seed=5 "--allow_resume_change= seed , seed"; ls $A/r1/checkpoints
cp -r $A/base0 $A/r2; TAILN=5 s a09 m --config=$C14 --workdir=$A/r2 --config.optim.lr=1e-5 ; ls $A/r2/checkpoints
