"""``torch.distributions``: parameterized probability distributions with sampling (reparameterized where
the family allows it), log densities, moments, entropies, KL divergences, constraints and transforms.

The families follow PyTorch's formulas and parameter conventions; samples come from numtorch's generator
(the gamma, Poisson and binomial samplers through NumPy generators seeded from it), so they are
reproducible under ``manual_seed`` but are not PyTorch's bit for bit (docs/random.md)."""
from . import constraints, transforms, utils  # noqa: F401
from .distribution import Distribution
from .exp_family import ExponentialFamily
from ._continuous import Normal, Uniform, Exponential, Laplace, Cauchy, Gumbel, Gamma, Chi2, Beta, StudentT
from ._discrete import (Bernoulli, Categorical, OneHotCategorical, OneHotCategoricalStraightThrough, Binomial,
                        Multinomial, Poisson, Geometric, NegativeBinomial)
from ._multivariate import Dirichlet, MultivariateNormal, RelaxedBernoulli, RelaxedOneHotCategorical, LogisticNormal
from ._structure import (Independent, TransformedDistribution, MixtureSameFamily, LogNormal, HalfNormal, HalfCauchy,
                         Pareto, Weibull, InverseGamma)
from ._more import (ContinuousBernoulli, FisherSnedecor, Kumaraswamy, VonMises, GeneralizedPareto,
                    LowRankMultivariateNormal, LKJCholesky, Wishart)
from .constraint_registry import biject_to, transform_to
from .kl import kl_divergence, register_kl
from .transforms import (AbsTransform, AffineTransform, CatTransform, ComposeTransform, CorrCholeskyTransform,
                         CumulativeDistributionTransform, ExpTransform, IndependentTransform, LowerCholeskyTransform,
                         PositiveDefiniteTransform, PowerTransform, ReshapeTransform, SigmoidTransform,
                         SoftplusTransform, TanhTransform, SoftmaxTransform, StackTransform, StickBreakingTransform,
                         Transform, identity_transform)

# the per-family submodules, reachable as attributes as in torch (torch.distributions.normal.Normal)
from . import (bernoulli, beta, binomial, categorical, cauchy, chi2, continuous_bernoulli, dirichlet, exponential,
               fishersnedecor, gamma, generalized_pareto, geometric, gumbel, half_cauchy,
               half_normal, independent, inverse_gamma, kumaraswamy, laplace, lkj_cholesky,
               log_normal, logistic_normal, lowrank_multivariate_normal, mixture_same_family,
               multinomial, multivariate_normal, negative_binomial, normal, one_hot_categorical,
               pareto, poisson, relaxed_bernoulli, relaxed_categorical, studentT,
               transformed_distribution, uniform, von_mises, weibull, wishart)  # noqa: F401,E402

__all__ = ["Bernoulli", "Beta", "Binomial", "Categorical", "Cauchy", "Chi2", "ContinuousBernoulli", "Dirichlet",
           "Distribution", "Exponential", "ExponentialFamily", "FisherSnedecor", "Gamma",
           "GeneralizedPareto", "Geometric", "Gumbel", "HalfCauchy", "HalfNormal", "Independent",
           "InverseGamma", "Kumaraswamy", "LKJCholesky", "Laplace", "LogNormal", "LogisticNormal",
           "LowRankMultivariateNormal", "MixtureSameFamily", "Multinomial", "MultivariateNormal",
           "NegativeBinomial", "Normal", "OneHotCategorical", "OneHotCategoricalStraightThrough", "Pareto",
           "RelaxedBernoulli", "RelaxedOneHotCategorical", "StudentT", "Poisson", "Uniform", "VonMises",
           "Weibull", "Wishart", "TransformedDistribution", "biject_to", "kl_divergence", "register_kl",
           "transform_to", "AbsTransform", "AffineTransform", "CatTransform", "ComposeTransform",
           "CorrCholeskyTransform", "CumulativeDistributionTransform", "ExpTransform",
           "IndependentTransform", "LowerCholeskyTransform", "PositiveDefiniteTransform", "PowerTransform",
           "ReshapeTransform", "SigmoidTransform", "SoftplusTransform", "TanhTransform", "SoftmaxTransform",
           "StackTransform", "StickBreakingTransform", "Transform", "identity_transform"]
