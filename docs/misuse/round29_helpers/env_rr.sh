# source me: variables and the runner used by every case
. /work/main/.venv/bin/activate
export B=/tmp/r29/runs/base EX=/tmp/r29/runs/exp R=/tmp/r29/runs O=/tmp/r29/out T2V=/tmp/r29/runs/t2v
CFG=tests/tiny_config.py:steps=12
m() { (cd /tmp/wt_rr29_14573 && PYTHONPATH=/tmp/wt_rr29_14573 nice -n 19 timeout 280 python -m eflow_jax.main "$@"); echo "rc=$?"; }
ex() { (cd /tmp/wt_rr29_14573 && PYTHONPATH=/tmp/wt_rr29_14573 nice -n 19 timeout 280 python -m eflow_jax.tools.export "$@"); echo "rc=$?"; }
py() { (cd /tmp/wt_rr29_14573 && PYTHONPATH=/tmp/wt_rr29_14573 nice -n 19 timeout 280 python "$@"); echo "rc=$?"; }
EV="--config.eval.num_samples=4 --config.eval.classifier_steps=20 --config.eval.frame_judge_steps=20"
PD="--autoencoder=identity --frames=4 --height=16 --width=16 --no_progress"
pd () 
{ 
    ( cd /tmp/wt_rr29_14573 && PYTHONPATH=/tmp/wt_rr29_14573 nice -n 19 timeout 280 python -m eflow_jax.tools.prepare_data "$@" );
    echo "rc=$?"
}
RS="--config.data.source=array_record --config.data.channels=3 --config.model.latent_channels=3 --config.model.num_classes=2"
export V=/tmp/r29/out/vids H14=/tmp/wt_rr29_14573/docs/misuse/round14_helpers UMT5=/tmp/r29/umt5 WT=/tmp/wt_rr29_14573 TT=/tmp/wt_rr29_14573/docs/misuse/round19_helpers/tiny_t2v.py
T2VF='--config.data.source=array_record --config.data.path=/tmp/r29/out/t2v/set --config.data.channels=3 --config.model.latent_channels=3 --config.data.text_length=8 --config.text_encoder.path=/tmp/r29/umt5'
SW='--override=--config.eval.num_samples=4 --override=--config.eval.classifier_steps=20 --override=--config.eval.frame_judge_steps=20'
