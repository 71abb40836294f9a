# source me: variables and the runner used by every case
. /work/main/.venv/bin/activate
export B=/tmp/r15/runs/base EX=/tmp/r15/runs/exp R=/tmp/r15/runs O=/tmp/r15/out T2V=/tmp/r15/runs/t2v
CFG=tests/tiny_config.py:steps=12
m() { (cd /tmp/wt_r15 && PYTHONPATH=/tmp/wt_r15 nice -n 19 timeout 280 python -m eflow_jax.main "$@"); echo "rc=$?"; }
ex() { (cd /tmp/wt_r15 && PYTHONPATH=/tmp/wt_r15 nice -n 19 timeout 280 python -m eflow_jax.tools.export "$@"); echo "rc=$?"; }
py() { (cd /tmp/wt_r15 && PYTHONPATH=/tmp/wt_r15 nice -n 19 timeout 280 python "$@"); echo "rc=$?"; }
EV="--config.eval.num_samples=4 --config.eval.classifier_steps=20 --config.eval.frame_judge_steps=20"
PD="--autoencoder=identity --frames=4 --height=16 --width=16 --no_progress"
pd () 
{ 
    ( cd /tmp/wt_r15 && PYTHONPATH=/tmp/wt_r15 nice -n 19 timeout 280 python -m eflow_jax.tools.prepare_data "$@" );
    echo "rc=$?"
}
RS="--config.data.source=array_record --config.data.channels=3 --config.model.latent_channels=3 --config.model.num_classes=2"
H=/tmp/wt_r15/docs/misuse/round15_helpers   # round 14's helpers are used from docs/misuse/round14_helpers with /tmp/r14 -> /tmp/r15
SW="--steps=6 --override=--config.eval.num_samples=4 --override=--config.eval.classifier_steps=20 --override=--config.eval.frame_judge_steps=20"
