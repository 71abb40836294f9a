# source me: variables and the runner used by every case
. /work/main/.venv/bin/activate
export B=/tmp/r14/runs/base EX=/tmp/r14/runs/exp R=/tmp/r14/runs O=/tmp/r14/out T2V=/tmp/r14/runs/t2v
CFG=tests/tiny_config.py:steps=12
m() { (cd /tmp/wt_r14 && PYTHONPATH=/tmp/wt_r14 nice -n 19 timeout 280 python -m eflow_jax.main "$@"); echo "rc=$?"; }
ex() { (cd /tmp/wt_r14 && PYTHONPATH=/tmp/wt_r14 nice -n 19 timeout 280 python -m eflow_jax.tools.export "$@"); echo "rc=$?"; }
py() { (cd /tmp/wt_r14 && PYTHONPATH=/tmp/wt_r14 nice -n 19 timeout 280 python "$@"); echo "rc=$?"; }
EV="--config.eval.num_samples=4 --config.eval.classifier_steps=20 --config.eval.frame_judge_steps=20"
PD="--autoencoder=identity --frames=4 --height=16 --width=16 --no_progress"
pd () 
{ 
    ( cd /tmp/wt_r14 && PYTHONPATH=/tmp/wt_r14 nice -n 19 timeout 280 python -m eflow_jax.tools.prepare_data "$@" );
    echo "rc=$?"
}
RS="--config.data.source=array_record --config.data.channels=3 --config.model.latent_channels=3 --config.model.num_classes=2"
