"""neural: the differentiable side of infomap-py, in PyTorch.

* :mod:`neural.reparam`: Gaussian reparameterization, Gumbel-max and
  Gumbel-softmax (soft and straight-through), score-function (REINFORCE)
  estimators and their baselines.
* :mod:`neural.estimators`: the exact gradient by enumeration, and the
  bias and variance of every estimator side by side.
* :mod:`neural.mapequation`: the map equation of soft module assignments
  (differentiable, on :func:`infomap_py.compute_flow`'s flow) and a
  clustering that learns them by gradient descent, alone or with Infomap.
* :mod:`neural.vqvae`: a vector quantizer (straight-through, EMA codebook,
  dead-code restarts) and a small convolutional VQ-VAE.
* :mod:`neural.bert`: a BERT encoder, its WordPiece tokenizer, and loaders
  of real pretrained checkpoints.

Everything runs offline on the CPU.  ``import infomap_py`` never imports
this package or torch; :mod:`neural.mapequation` imports ``infomap_py``.
"""
