"""The loss functions by family (``torch.nn.functional.loss`` re-exports them)."""
