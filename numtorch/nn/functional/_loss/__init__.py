"""The loss functions by family; ``nn.functional.loss`` re-exports the public ones (its docstring has the map)."""
