"""``torch._dynamo.config``: the flags scripts set; with no compiler they change nothing."""
suppress_errors = False
verbose = False
cache_size_limit = 8
recompile_limit = 8
accumulated_cache_size_limit = 256
accumulated_recompile_limit = 256
automatic_dynamic_shapes = True
assume_static_by_default = True
capture_scalar_outputs = False
capture_dynamic_output_shape_ops = False
optimize_ddp = True
guard_nn_modules = False
inline_inbuilt_nn_modules = True
specialize_int = False
force_parameter_static_shapes = True
error_on_recompile = False
