"""Learned / random augmentation policies (``torchvision.transforms.autoaugment``): AutoAugment, RandAugment,
TrivialAugmentWide, AugMix. Operation choices and magnitudes are drawn with the calls torchvision makes
(``randint``, ``rand``), in its order."""
import math
from enum import Enum as _Enum

from ..._backend import xp as _xp
from ..._tensor import Tensor as _Tensor, _make
from ...nn.modules.module import Module as _Module
from . import functional as F
from .functional import InterpolationMode, _interp

__all__ = ["AutoAugmentPolicy", "AutoAugment", "RandAugment", "TrivialAugmentWide", "AugMix"]


def _nt():
    import numtorch
    return numtorch


def _apply_op(img, op_name, magnitude, interpolation, fill):
    if op_name == "ShearX":
        # shear about the top-left corner, as the original AutoAugment (PIL's affine) does
        return F.affine(img, angle=0.0, translate=[0, 0], scale=1.0, shear=[math.degrees(math.atan(magnitude)), 0.0],
                        interpolation=interpolation, fill=fill, center=[0, 0])
    if op_name == "ShearY":
        return F.affine(img, angle=0.0, translate=[0, 0], scale=1.0, shear=[0.0, math.degrees(math.atan(magnitude))],
                        interpolation=interpolation, fill=fill, center=[0, 0])
    if op_name == "TranslateX":
        return F.affine(img, angle=0.0, translate=[int(magnitude), 0], scale=1.0, interpolation=interpolation,
                        shear=[0.0, 0.0], fill=fill)
    if op_name == "TranslateY":
        return F.affine(img, angle=0.0, translate=[0, int(magnitude)], scale=1.0, interpolation=interpolation,
                        shear=[0.0, 0.0], fill=fill)
    if op_name == "Rotate":
        return F.rotate(img, magnitude, interpolation=interpolation, fill=fill)
    if op_name == "Brightness":
        return F.adjust_brightness(img, 1.0 + magnitude)
    if op_name == "Color":
        return F.adjust_saturation(img, 1.0 + magnitude)
    if op_name == "Contrast":
        return F.adjust_contrast(img, 1.0 + magnitude)
    if op_name == "Sharpness":
        return F.adjust_sharpness(img, 1.0 + magnitude)
    if op_name == "Posterize":
        return F.posterize(img, int(magnitude))
    if op_name == "Solarize":
        return F.solarize(img, magnitude)
    if op_name == "AutoContrast":
        return F.autocontrast(img)
    if op_name == "Equalize":
        return F.equalize(img)
    if op_name == "Invert":
        return F.invert(img)
    if op_name == "Identity":
        return img
    raise ValueError(f"The provided operator {op_name} is not recognized.")


class AutoAugmentPolicy(_Enum):
    """The datasets AutoAugment learned policies on."""
    IMAGENET = "imagenet"
    CIFAR10 = "cifar10"
    SVHN = "svhn"


def _lin(a, b, n):
    """``torch.linspace(a, b, n)`` (float32) as a magnitude table."""
    return _nt().linspace(a, b, n)


def _posterize_bits(top, n, div):
    # 8 - round(arange(n) / ((n - 1) / div)), in float32 then int32
    return top - (_nt().arange(n) / ((n - 1) / div)).round().int()


def _scalar0():
    return _nt().tensor(0.0)


def _fill_for(img, fill, channels):
    if isinstance(img, _Tensor):
        if isinstance(fill, (int, float)):
            return [float(fill)] * channels
        if fill is not None:
            return [float(f) for f in fill]
    return fill


def _magnitude(magnitudes, index):
    return float(magnitudes[index].item()) if magnitudes.ndim > 0 else 0.0


_IMAGENET = [(("Posterize", 0.4, 8), ("Rotate", 0.6, 9)), (("Solarize", 0.6, 5), ("AutoContrast", 0.6, None)),
             (("Equalize", 0.8, None), ("Equalize", 0.6, None)), (("Posterize", 0.6, 7), ("Posterize", 0.6, 6)),
             (("Equalize", 0.4, None), ("Solarize", 0.2, 4)), (("Equalize", 0.4, None), ("Rotate", 0.8, 8)),
             (("Solarize", 0.6, 3), ("Equalize", 0.6, None)), (("Posterize", 0.8, 5), ("Equalize", 1.0, None)),
             (("Rotate", 0.2, 3), ("Solarize", 0.6, 8)), (("Equalize", 0.6, None), ("Posterize", 0.4, 6)),
             (("Rotate", 0.8, 8), ("Color", 0.4, 0)), (("Rotate", 0.4, 9), ("Equalize", 0.6, None)),
             (("Equalize", 0.0, None), ("Equalize", 0.8, None)), (("Invert", 0.6, None), ("Equalize", 1.0, None)),
             (("Color", 0.6, 4), ("Contrast", 1.0, 8)), (("Rotate", 0.8, 8), ("Color", 1.0, 2)),
             (("Color", 0.8, 8), ("Solarize", 0.8, 7)), (("Sharpness", 0.4, 7), ("Invert", 0.6, None)),
             (("ShearX", 0.6, 5), ("Equalize", 1.0, None)), (("Color", 0.4, 0), ("Equalize", 0.6, None)),
             (("Equalize", 0.4, None), ("Solarize", 0.2, 4)), (("Solarize", 0.6, 5), ("AutoContrast", 0.6, None)),
             (("Invert", 0.6, None), ("Equalize", 1.0, None)), (("Color", 0.6, 4), ("Contrast", 1.0, 8)),
             (("Equalize", 0.8, None), ("Equalize", 0.6, None))]
_CIFAR10 = [(("Invert", 0.1, None), ("Contrast", 0.2, 6)), (("Rotate", 0.7, 2), ("TranslateX", 0.3, 9)),
            (("Sharpness", 0.8, 1), ("Sharpness", 0.9, 3)), (("ShearY", 0.5, 8), ("TranslateY", 0.7, 9)),
            (("AutoContrast", 0.5, None), ("Equalize", 0.9, None)), (("ShearY", 0.2, 7), ("Posterize", 0.3, 7)),
            (("Color", 0.4, 3), ("Brightness", 0.6, 7)), (("Sharpness", 0.3, 9), ("Brightness", 0.7, 9)),
            (("Equalize", 0.6, None), ("Equalize", 0.5, None)), (("Contrast", 0.6, 7), ("Sharpness", 0.6, 5)),
            (("Color", 0.7, 7), ("TranslateX", 0.5, 8)), (("Equalize", 0.3, None), ("AutoContrast", 0.4, None)),
            (("TranslateY", 0.4, 3), ("Sharpness", 0.2, 6)), (("Brightness", 0.9, 6), ("Color", 0.2, 8)),
            (("Solarize", 0.5, 2), ("Invert", 0.0, None)), (("Equalize", 0.2, None), ("AutoContrast", 0.6, None)),
            (("Equalize", 0.2, None), ("Equalize", 0.6, None)), (("Color", 0.9, 9), ("Equalize", 0.6, None)),
            (("AutoContrast", 0.8, None), ("Solarize", 0.2, 8)), (("Brightness", 0.1, 3), ("Color", 0.7, 0)),
            (("Solarize", 0.4, 5), ("AutoContrast", 0.9, None)), (("TranslateY", 0.9, 9), ("TranslateY", 0.7, 9)),
            (("AutoContrast", 0.9, None), ("Solarize", 0.8, 3)), (("Equalize", 0.8, None), ("Invert", 0.1, None)),
            (("TranslateY", 0.7, 9), ("AutoContrast", 0.9, None))]
_SVHN = [(("ShearX", 0.9, 4), ("Invert", 0.2, None)), (("ShearY", 0.9, 8), ("Invert", 0.7, None)),
         (("Equalize", 0.6, None), ("Solarize", 0.6, 6)), (("Invert", 0.9, None), ("Equalize", 0.6, None)),
         (("Equalize", 0.6, None), ("Rotate", 0.9, 3)), (("ShearX", 0.9, 4), ("AutoContrast", 0.8, None)),
         (("ShearY", 0.9, 8), ("Invert", 0.4, None)), (("ShearY", 0.9, 5), ("Solarize", 0.2, 6)),
         (("Invert", 0.9, None), ("AutoContrast", 0.8, None)), (("Equalize", 0.6, None), ("Rotate", 0.9, 3)),
         (("ShearX", 0.9, 4), ("Solarize", 0.3, 3)), (("ShearY", 0.8, 8), ("Invert", 0.7, None)),
         (("Equalize", 0.9, None), ("TranslateY", 0.6, 6)), (("Invert", 0.9, None), ("Equalize", 0.6, None)),
         (("Contrast", 0.3, 3), ("Rotate", 0.8, 4)), (("Invert", 0.8, None), ("TranslateY", 0.0, 2)),
         (("ShearY", 0.7, 6), ("Solarize", 0.4, 8)), (("Invert", 0.6, None), ("Rotate", 0.8, 4)),
         (("ShearY", 0.3, 7), ("TranslateX", 0.9, 3)), (("ShearX", 0.1, 6), ("Invert", 0.6, None)),
         (("Solarize", 0.7, 2), ("TranslateY", 0.6, 7)), (("ShearY", 0.8, 4), ("Invert", 0.8, None)),
         (("ShearX", 0.7, 9), ("TranslateY", 0.8, 3)), (("ShearY", 0.8, 5), ("AutoContrast", 0.7, None)),
         (("ShearX", 0.7, 2), ("Invert", 0.1, None))]


class AutoAugment(_Module):
    """AutoAugment (Cubuk et al. 2019): one of 25 learned two-operation sub-policies per image."""

    def __init__(self, policy=AutoAugmentPolicy.IMAGENET, interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__()
        self.policy = policy
        self.interpolation = _interp(interpolation)
        self.fill = fill
        self.policies = self._get_policies(policy)

    def _get_policies(self, policy):
        table = {AutoAugmentPolicy.IMAGENET: _IMAGENET, AutoAugmentPolicy.CIFAR10: _CIFAR10,
                 AutoAugmentPolicy.SVHN: _SVHN}
        if policy not in table:
            raise ValueError(f"The provided policy {policy} is not recognized.")
        return list(table[policy])

    def _augmentation_space(self, num_bins, image_size):
        return {"ShearX": (_lin(0.0, 0.3, num_bins), True), "ShearY": (_lin(0.0, 0.3, num_bins), True),
                "TranslateX": (_lin(0.0, 150.0 / 331.0 * image_size[1], num_bins), True),
                "TranslateY": (_lin(0.0, 150.0 / 331.0 * image_size[0], num_bins), True),
                "Rotate": (_lin(0.0, 30.0, num_bins), True), "Brightness": (_lin(0.0, 0.9, num_bins), True),
                "Color": (_lin(0.0, 0.9, num_bins), True), "Contrast": (_lin(0.0, 0.9, num_bins), True),
                "Sharpness": (_lin(0.0, 0.9, num_bins), True),
                "Posterize": (_posterize_bits(8, num_bins, 4), False),
                "Solarize": (_lin(255.0, 0.0, num_bins), False), "AutoContrast": (_scalar0(), False),
                "Equalize": (_scalar0(), False), "Invert": (_scalar0(), False)}

    @staticmethod
    def get_params(transform_num):
        """``randint(transform_num)`` for the sub-policy, ``rand(2)`` probabilities, ``randint(2, (2,))`` signs."""
        nt = _nt()
        policy_id = int(nt.randint(transform_num, (1,)).item())
        probs = nt.rand((2,))
        signs = nt.randint(2, (2,))
        return policy_id, probs, signs

    def forward(self, img):
        channels, height, width = F.get_dimensions(img)
        fill = _fill_for(img, self.fill, channels)
        transform_id, probs, signs = self.get_params(len(self.policies))
        op_meta = self._augmentation_space(10, (height, width))
        for i, (op_name, p, magnitude_id) in enumerate(self.policies[transform_id]):
            if probs[i].item() <= p:
                magnitudes, signed = op_meta[op_name]
                magnitude = float(magnitudes[magnitude_id].item()) if magnitude_id is not None else 0.0
                if signed and signs[i].item() == 0:
                    magnitude *= -1.0
                img = _apply_op(img, op_name, magnitude, interpolation=self.interpolation, fill=fill)
        return img

    def __repr__(self):
        return f"{self.__class__.__name__}(policy={self.policy}, fill={self.fill})"


class RandAugment(_Module):
    """RandAugment (Cubuk et al. 2020): ``num_ops`` uniformly chosen operations at a fixed magnitude."""

    def __init__(self, num_ops=2, magnitude=9, num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST,
                 fill=None):
        super().__init__()
        self.num_ops = num_ops
        self.magnitude = magnitude
        self.num_magnitude_bins = num_magnitude_bins
        self.interpolation = _interp(interpolation)
        self.fill = fill

    def _augmentation_space(self, num_bins, image_size):
        return {"Identity": (_scalar0(), False), "ShearX": (_lin(0.0, 0.3, num_bins), True),
                "ShearY": (_lin(0.0, 0.3, num_bins), True),
                "TranslateX": (_lin(0.0, 150.0 / 331.0 * image_size[1], num_bins), True),
                "TranslateY": (_lin(0.0, 150.0 / 331.0 * image_size[0], num_bins), True),
                "Rotate": (_lin(0.0, 30.0, num_bins), True), "Brightness": (_lin(0.0, 0.9, num_bins), True),
                "Color": (_lin(0.0, 0.9, num_bins), True), "Contrast": (_lin(0.0, 0.9, num_bins), True),
                "Sharpness": (_lin(0.0, 0.9, num_bins), True),
                "Posterize": (_posterize_bits(8, num_bins, 4), False),
                "Solarize": (_lin(255.0, 0.0, num_bins), False), "AutoContrast": (_scalar0(), False),
                "Equalize": (_scalar0(), False)}

    def forward(self, img):
        nt = _nt()
        channels, height, width = F.get_dimensions(img)
        fill = _fill_for(img, self.fill, channels)
        op_meta = self._augmentation_space(self.num_magnitude_bins, (height, width))
        for _ in range(self.num_ops):
            op_index = int(nt.randint(len(op_meta), (1,)).item())
            op_name = list(op_meta.keys())[op_index]
            magnitudes, signed = op_meta[op_name]
            magnitude = _magnitude(magnitudes, self.magnitude)
            if signed and nt.randint(2, (1,)).item():
                magnitude *= -1.0
            img = _apply_op(img, op_name, magnitude, interpolation=self.interpolation, fill=fill)
        return img

    def __repr__(self):
        return (f"{self.__class__.__name__}(num_ops={self.num_ops}, magnitude={self.magnitude}, "
                f"num_magnitude_bins={self.num_magnitude_bins}, interpolation={self.interpolation}, fill={self.fill})")


class TrivialAugmentWide(_Module):
    """TrivialAugment (Muller & Hutter 2021): one uniformly chosen operation at a uniformly chosen magnitude."""

    def __init__(self, num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__()
        self.num_magnitude_bins = num_magnitude_bins
        self.interpolation = _interp(interpolation)
        self.fill = fill

    def _augmentation_space(self, num_bins):
        return {"Identity": (_scalar0(), False), "ShearX": (_lin(0.0, 0.99, num_bins), True),
                "ShearY": (_lin(0.0, 0.99, num_bins), True), "TranslateX": (_lin(0.0, 32.0, num_bins), True),
                "TranslateY": (_lin(0.0, 32.0, num_bins), True), "Rotate": (_lin(0.0, 135.0, num_bins), True),
                "Brightness": (_lin(0.0, 0.99, num_bins), True), "Color": (_lin(0.0, 0.99, num_bins), True),
                "Contrast": (_lin(0.0, 0.99, num_bins), True), "Sharpness": (_lin(0.0, 0.99, num_bins), True),
                "Posterize": (_posterize_bits(8, num_bins, 6), False),
                "Solarize": (_lin(255.0, 0.0, num_bins), False), "AutoContrast": (_scalar0(), False),
                "Equalize": (_scalar0(), False)}

    def forward(self, img):
        nt = _nt()
        channels, height, width = F.get_dimensions(img)
        fill = _fill_for(img, self.fill, channels)
        op_meta = self._augmentation_space(self.num_magnitude_bins)
        op_index = int(nt.randint(len(op_meta), (1,)).item())
        op_name = list(op_meta.keys())[op_index]
        magnitudes, signed = op_meta[op_name]
        magnitude = (float(magnitudes[int(nt.randint(len(magnitudes), (1,), dtype=nt.long).item())].item())
                     if magnitudes.ndim > 0 else 0.0)
        if signed and nt.randint(2, (1,)).item():
            magnitude *= -1.0
        return _apply_op(img, op_name, magnitude, interpolation=self.interpolation, fill=fill)

    def __repr__(self):
        return (f"{self.__class__.__name__}(num_magnitude_bins={self.num_magnitude_bins}, "
                f"interpolation={self.interpolation}, fill={self.fill})")


def _sample_dirichlet(alpha, rows):
    """``rows`` Dirichlet(alpha) samples: normalised Gamma(alpha_k) draws (torch's ``_sample_dirichlet``
    algorithm; the Gamma draws come from a NumPy generator seeded from numtorch's stream, not from torch's)."""
    from ...distributions._sampling import _numpy_rng
    g = _numpy_rng().standard_gamma(_xp.asarray(alpha, _xp.float64), size=(rows, len(alpha)))
    return _make((g / g.sum(1, keepdims=True)).astype(_xp.float32))


class AugMix(_Module):
    """AugMix (Hendrycks et al. 2020): a Dirichlet-weighted mix of ``mixture_width`` random augmentation
    chains, blended with the original by a Beta(alpha, alpha) weight."""

    def __init__(self, severity=3, mixture_width=3, chain_depth=-1, alpha=1.0, all_ops=True,
                 interpolation=InterpolationMode.BILINEAR, fill=None):
        super().__init__()
        self._PARAMETER_MAX = 10
        if not 1 <= severity <= self._PARAMETER_MAX:
            raise ValueError(f"The severity must be between [1, {self._PARAMETER_MAX}]. Got {severity} instead.")
        self.severity = severity
        self.mixture_width = mixture_width
        self.chain_depth = chain_depth
        self.alpha = alpha
        self.all_ops = all_ops
        self.interpolation = _interp(interpolation)
        self.fill = fill

    def _augmentation_space(self, num_bins, image_size):
        s = {"ShearX": (_lin(0.0, 0.3, num_bins), True), "ShearY": (_lin(0.0, 0.3, num_bins), True),
             "TranslateX": (_lin(0.0, image_size[1] / 3.0, num_bins), True),
             "TranslateY": (_lin(0.0, image_size[0] / 3.0, num_bins), True),
             "Rotate": (_lin(0.0, 30.0, num_bins), True), "Posterize": (_posterize_bits(4, num_bins, 4), False),
             "Solarize": (_lin(255.0, 0.0, num_bins), False), "AutoContrast": (_scalar0(), False),
             "Equalize": (_scalar0(), False)}
        if self.all_ops:
            s.update({"Brightness": (_lin(0.0, 0.9, num_bins), True), "Color": (_lin(0.0, 0.9, num_bins), True),
                      "Contrast": (_lin(0.0, 0.9, num_bins), True), "Sharpness": (_lin(0.0, 0.9, num_bins), True)})
        return s

    def _sample_dirichlet(self, params):
        return _sample_dirichlet(params._data[0].tolist(), params.shape[0])

    def forward(self, orig_img):
        nt = _nt()
        channels, height, width = F.get_dimensions(orig_img)
        if isinstance(orig_img, _Tensor):
            img = orig_img
            fill = _fill_for(orig_img, self.fill, channels)
        else:
            img = F.pil_to_tensor(orig_img)
            fill = self.fill
        op_meta = self._augmentation_space(self._PARAMETER_MAX, (height, width))
        orig_dims = list(img.shape)
        batch = img.reshape([1] * max(4 - img.ndim, 0) + orig_dims)
        batch_dims = [batch.size(0)] + [1] * (batch.ndim - 1)
        m = self._sample_dirichlet(nt.tensor([self.alpha, self.alpha]).expand(batch_dims[0], -1))
        combined = self._sample_dirichlet(nt.tensor([self.alpha] * self.mixture_width).expand(batch_dims[0], -1)) \
            * m[:, 1].reshape([batch_dims[0], -1])
        mix = m[:, 0].reshape(batch_dims) * batch
        for i in range(self.mixture_width):
            aug = batch
            depth = self.chain_depth if self.chain_depth > 0 else int(nt.randint(low=1, high=4, size=(1,)).item())
            for _ in range(depth):
                op_index = int(nt.randint(len(op_meta), (1,)).item())
                op_name = list(op_meta.keys())[op_index]
                magnitudes, signed = op_meta[op_name]
                magnitude = (float(magnitudes[int(nt.randint(self.severity, (1,), dtype=nt.long).item())].item())
                             if magnitudes.ndim > 0 else 0.0)
                if signed and nt.randint(2, (1,)).item():
                    magnitude *= -1.0
                aug = _apply_op(aug, op_name, magnitude, interpolation=self.interpolation, fill=fill)
            mix = mix + combined[:, i].reshape(batch_dims) * aug
        mix = mix.reshape(orig_dims).to(dtype=img.dtype)
        if not isinstance(orig_img, _Tensor):
            return F.to_pil_image(mix)
        return mix

    def __repr__(self):
        return (f"{self.__class__.__name__}(severity={self.severity}, mixture_width={self.mixture_width}, "
                f"chain_depth={self.chain_depth}, alpha={self.alpha}, all_ops={self.all_ops}, "
                f"interpolation={self.interpolation}, fill={self.fill})")
