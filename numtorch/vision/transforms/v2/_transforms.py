"""``transforms.v2`` classes for image classification.

A v2 transform takes any structure (a tuple ``(image, label)``, a dict, ...), flattens it, draws its random
parameters once (``make_params``) and applies them to every image-like leaf; other leaves pass through. Which
leaves are images follows torchvision: PIL images and ``tv_tensors.Image``/``Video`` always; a plain tensor only
when no such image is present, and then only the first one. The random draws are torchvision v2's calls, in its
order."""
import math
import warnings
from collections.abc import Sequence

from ...._backend import xp as _xp
from ...._tensor import Tensor, _make
from ....nn.modules.module import Module as _Module
from ... import tv_tensors
from .. import _functional_pil as _F_pil
from ..transforms import _setup_size, _setup_angle, _check_sequence_input, _check_erasing_args
from ..autoaugment import AutoAugmentPolicy, _IMAGENET, _CIFAR10, _SVHN
from . import functional as F
from .functional import InterpolationMode, is_pure_tensor


def _nt():
    import numtorch
    return numtorch


def _uniform(a, b):
    return _nt().empty(1).uniform_(a, b).item()


# --------------------------------------------------------------------------- structure
def _flatten(x):
    """Leaves of nested tuples/lists/dicts, and a function rebuilding the structure from new leaves."""
    if isinstance(x, (tuple, list)):
        parts = [_flatten(v) for v in x]
        leaves = [leaf for p in parts for leaf in p[0]]

        def build(new):
            out, k = [], 0
            for (lv, b) in parts:
                out.append(b(new[k:k + len(lv)]))
                k += len(lv)
            return type(x)(out) if isinstance(x, list) or type(x) is tuple else type(x)(*out)
        return leaves, build
    if isinstance(x, dict):
        keys = list(x)
        parts = [_flatten(x[k]) for k in keys]
        leaves = [leaf for p in parts for leaf in p[0]]

        def build(new):
            out, k = {}, 0
            for key, (lv, b) in zip(keys, parts):
                out[key] = b(new[k:k + len(lv)])
                k += len(lv)
            return type(x)(out)
        return leaves, build
    return [x], lambda new: new[0]


def _is_image_like(x):
    return _F_pil.is_pil(x) or isinstance(x, (tv_tensors.Image, tv_tensors.Video))


def check_type(obj, types_or_checks):
    """Whether ``obj`` is an instance of one of the types or passes one of the checks."""
    for t in types_or_checks:
        if isinstance(obj, t) if isinstance(t, type) else t(obj):
            return True
    return False


def has_any(flat_inputs, *types_or_checks):
    return any(check_type(x, types_or_checks) for x in flat_inputs)


def has_all(flat_inputs, *types_or_checks):
    for t in types_or_checks:
        if not any(isinstance(x, t) if isinstance(t, type) else t(x) for x in flat_inputs):
            return False
    return True


def get_bounding_boxes(flat_inputs):
    """The (first) ``BoundingBoxes`` in the sample."""
    for x in flat_inputs:
        if isinstance(x, tv_tensors.BoundingBoxes):
            return x
    raise ValueError("No bounding boxes were found in the sample")


def get_keypoints(flat_inputs):
    """The (first) ``KeyPoints`` in the sample."""
    for x in flat_inputs:
        if isinstance(x, tv_tensors.KeyPoints):
            return x
    raise ValueError("No keypoints were found in the sample")


def _is_pil(x):
    return _F_pil.is_pil(x)


def query_chw(flat_inputs):
    """``(C, H, W)`` shared by the sample's images and videos."""
    chws = {tuple(F.get_dimensions(x)) for x in flat_inputs
            if check_type(x, (is_pure_tensor, tv_tensors.Image, _is_pil, tv_tensors.Video))}
    if not chws:
        raise TypeError("No image or video was found in the sample")
    if len(chws) > 1:
        raise ValueError(f"Found multiple CxHxW dimensions in the sample: {_seq_str(sorted(chws))}")
    return chws.pop()


def query_size(flat_inputs):
    """``(H, W)`` shared by the sample's images, videos, masks, boxes and keypoints."""
    sizes = {tuple(F.get_size(x)) for x in flat_inputs
             if check_type(x, (is_pure_tensor, tv_tensors.Image, _is_pil, tv_tensors.Video, tv_tensors.Mask,
                               tv_tensors.BoundingBoxes, tv_tensors.KeyPoints))}
    if not sizes:
        raise TypeError("No image, video, mask, bounding box of keypoint was found in the sample")
    if len(sizes) > 1:
        raise ValueError(f"Found multiple HxW dimensions in the sample: {_seq_str(sorted(sizes))}")
    return sizes.pop()


def _seq_str(seq):
    seq = [str(s) for s in seq]
    if len(seq) == 1:
        return seq[0]
    return ", ".join(seq[:-1]) + (", " if len(seq) > 2 else " ") + "and " + seq[-1]


_query_chw = query_chw
_query_size = query_size
# kinds that only the transforms declaring ``_v2_meta`` change; the others pass them through, as torchvision's
# transforms pass through inputs their functional has no kernel for
_META = (tv_tensors.BoundingBoxes, tv_tensors.KeyPoints, tv_tensors.Mask)


class Transform(_Module):
    """Base class: ``make_params`` draws the parameters once per call, ``transform`` applies them per leaf."""

    _transformed_types = (Tensor, "pil")
    _v2_meta = False

    def check_inputs(self, flat_inputs):
        pass

    def make_params(self, flat_inputs):
        return dict()

    def transform(self, inpt, params):
        raise NotImplementedError

    def _accepts(self, x):
        for t in self._transformed_types:
            if t == "pil":
                if _F_pil.is_pil(x):
                    return True
            elif isinstance(t, type):
                if isinstance(x, t):
                    return True
            elif t(x):
                return True
        return False

    def _needs_transform_list(self, flat_inputs):
        transform_pure = not any(_is_image_like(x) for x in flat_inputs)
        out = []
        for x in flat_inputs:
            need = self._accepts(x)
            if need and not self._v2_meta and isinstance(x, tv_tensors.TVTensor) and not _is_image_like(x):
                need = False
            if need and is_pure_tensor(x):
                if transform_pure:
                    transform_pure = False
                else:
                    need = False
            out.append(need)
        return out

    def forward(self, *inputs):
        flat, build = _flatten(inputs if len(inputs) > 1 else inputs[0])
        self.check_inputs(flat)
        needs = self._needs_transform_list(flat)
        params = self.make_params([x for x, n in zip(flat, needs) if n])
        return build([self.transform(x, params) if n else x for x, n in zip(flat, needs)])

    def __repr__(self):
        extra = [f"{k}={v}" for k, v in self.__dict__.items() if not k.startswith("_") and k != "training"
                 and isinstance(v, (bool, int, float, str, tuple, list, InterpolationMode))]
        return f"{type(self).__name__}({', '.join(extra)})"


class _RandomApplyTransform(Transform):
    """Applies with probability ``p``: one ``rand(1)`` draw, skipped when ``>= p``."""

    def __init__(self, p=0.5):
        if not 0.0 <= p <= 1.0:
            raise ValueError("`p` should be a floating point value in the interval [0.0, 1.0].")
        super().__init__()
        self.p = p

    def forward(self, *inputs):
        inputs = inputs if len(inputs) > 1 else inputs[0]
        flat, build = _flatten(inputs)
        self.check_inputs(flat)
        if _nt().rand(1).item() >= self.p:
            return inputs
        needs = self._needs_transform_list(flat)
        params = self.make_params([x for x, n in zip(flat, needs) if n])
        return build([self.transform(x, params) if n else x for x, n in zip(flat, needs)])


# --------------------------------------------------------------------------- containers
class Compose(Transform):
    def __init__(self, transforms):
        super().__init__()
        if not isinstance(transforms, Sequence):
            raise TypeError("Argument transforms should be a sequence of callables")
        if not transforms:
            raise ValueError("Pass at least one transform")
        self.transforms = transforms

    def forward(self, *inputs):
        unpack = len(inputs) > 1
        for t in self.transforms:
            out = t(*inputs)
            inputs = out if unpack else (out,)
        return out

    def __repr__(self):
        return "\n".join([type(self).__name__ + "("] + [f"    {t}" for t in self.transforms] + [")"])


class RandomApply(Transform):
    def __init__(self, transforms, p=0.5):
        super().__init__()
        if not isinstance(transforms, (Sequence, _Module)):
            raise TypeError("Argument transforms should be a sequence of callables or a `nn.ModuleList`")
        self.transforms = transforms
        if not 0.0 <= p <= 1.0:
            raise ValueError("`p` should be a floating point value in the interval [0.0, 1.0].")
        self.p = p

    def forward(self, *inputs):
        needs_unpacking = len(inputs) > 1
        if _nt().rand(1).item() >= self.p:
            return inputs if needs_unpacking else inputs[0]
        for t in self.transforms:
            out = t(*inputs)
            inputs = out if needs_unpacking else (out,)
        return out


class RandomChoice(Transform):
    def __init__(self, transforms, p=None):
        super().__init__()
        if not isinstance(transforms, Sequence):
            raise TypeError("Argument transforms should be a sequence of callables")
        if p is None:
            p = [1] * len(transforms)
        elif len(p) != len(transforms):
            raise ValueError(f"Length of p doesn't match the number of transforms: {len(p)} != {len(transforms)}")
        super().__init__()
        self.transforms = transforms
        total = sum(p)
        self.p = [prob / total for prob in p]

    def forward(self, *inputs):
        idx = int(_nt().multinomial(_nt().tensor(self.p), 1))
        return self.transforms[idx](*inputs)


class RandomOrder(Transform):
    def __init__(self, transforms):
        if not isinstance(transforms, Sequence):
            raise TypeError("Argument transforms should be a sequence of callables")
        super().__init__()
        self.transforms = transforms

    def forward(self, *inputs):
        needs_unpacking = len(inputs) > 1
        for idx in _nt().randperm(len(self.transforms)).tolist():
            out = self.transforms[idx](*inputs)
            inputs = out if needs_unpacking else (out,)
        return out


class Identity(Transform):
    def transform(self, inpt, params):
        return inpt


class Lambda(Transform):
    _v2_meta = True
    _transformed_types = (object,)

    def __init__(self, lambd, *types):
        super().__init__()
        self.lambd = lambd
        self.types = types or self._transformed_types

    def transform(self, inpt, params):
        for t in self.types:
            if isinstance(inpt, t):
                return self.lambd(inpt)
        return inpt


# --------------------------------------------------------------------------- type conversion
class ToImage(Transform):
    """PIL image, NumPy array or plain tensor -> ``tv_tensors.Image`` (values unchanged)."""
    _transformed_types = (is_pure_tensor, "pil", _xp.ndarray)

    def transform(self, inpt, params):
        return F.to_image(inpt)


class PILToTensor(Transform):
    _transformed_types = ("pil",)

    def transform(self, inpt, params):
        return F.pil_to_tensor(inpt)


class ToPILImage(Transform):
    _transformed_types = (is_pure_tensor, tv_tensors.Image, _xp.ndarray)

    def __init__(self, mode=None):
        super().__init__()
        self.mode = mode

    def transform(self, inpt, params):
        return F.to_pil_image(inpt, mode=self.mode)


class ToPureTensor(Transform):
    _v2_meta = True
    """tv_tensors -> plain tensors."""
    _transformed_types = (tv_tensors.TVTensor,)

    def transform(self, inpt, params):
        return inpt.as_subclass(Tensor)


class ToTensor(Transform):
    """Deprecated in torchvision v2 (use ``Compose([ToImage(), ToDtype(float32, scale=True)])``)."""
    _transformed_types = (is_pure_tensor, "pil", _xp.ndarray)

    def __init__(self):
        warnings.warn("The transform `ToTensor()` is deprecated and will be removed in a future release. Instead, "
                      "please use `v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])`.Output is "
                      "equivalent up to float precision.")
        super().__init__()

    def transform(self, inpt, params):
        return F.to_tensor(inpt)


class ToDtype(Transform):
    _v2_meta = True
    """Cast images (or, with a dict, each tv_tensor kind) to ``dtype``; ``scale`` converts the value range."""
    _transformed_types = (Tensor,)

    def __init__(self, dtype, scale=False):
        super().__init__()
        from .... import _dtype as _D
        if not isinstance(dtype, (dict, _D.dtype)):
            raise ValueError(f"dtype must be a dict or a torch.dtype, got {type(dtype)} instead")
        self.dtype = dtype
        self.scale = scale

    def transform(self, inpt, params):
        if not isinstance(self.dtype, dict):
            if not is_pure_tensor(inpt) and not isinstance(inpt, (tv_tensors.Image, tv_tensors.Video)):
                return inpt
            dtype = self.dtype
        elif type(inpt) in self.dtype:
            dtype = self.dtype[type(inpt)]
        elif "others" in self.dtype:
            dtype = self.dtype["others"]
        else:
            raise ValueError(f"No dtype was specified for type {type(inpt)}.")
        if dtype is None:
            return inpt
        scale = self.scale and (is_pure_tensor(inpt) or isinstance(inpt, (tv_tensors.Image, tv_tensors.Video)))
        return F.to_dtype(inpt, dtype=dtype, scale=scale)


class ConvertImageDtype(Transform):
    _transformed_types = (is_pure_tensor, tv_tensors.Image)

    def __init__(self, dtype=None):
        super().__init__()
        from .... import _dtype as _D
        self.dtype = _D.float32 if dtype is None else dtype

    def transform(self, inpt, params):
        return F.to_dtype(inpt, dtype=self.dtype, scale=True)


# --------------------------------------------------------------------------- geometry
class Resize(Transform):
    _v2_meta = True
    def __init__(self, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
        super().__init__()
        if isinstance(size, int):
            size = [size]
        elif isinstance(size, Sequence) and len(size) in {1, 2}:
            size = list(size)
        elif size is None:
            if not isinstance(max_size, int):
                raise ValueError(f"max_size must be an integer when size is None, but got {max_size} instead.")
        else:
            raise ValueError(f"size can be an integer, a sequence of one or two integers, or None, but got {size} "
                             f"instead.")
        self.size = size
        self.interpolation = F._interp(interpolation)
        self.max_size = max_size
        self.antialias = antialias

    def transform(self, inpt, params):
        return F.resize(inpt, self.size, self.interpolation, self.max_size, self.antialias)


class CenterCrop(Transform):
    _v2_meta = True
    def __init__(self, size):
        super().__init__()
        self.size = _setup_size(size, error_msg="Please provide only two dimensions (h, w) for size.")

    def transform(self, inpt, params):
        return F.center_crop(inpt, output_size=self.size)


class RandomResizedCrop(Transform):
    _v2_meta = True
    """v1's draws (area and log-ratio ``uniform_`` up to 10 times, then two ``randint``), once per call."""

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0), interpolation=InterpolationMode.BILINEAR,
                 antialias=True):
        super().__init__()
        self.size = _setup_size(size, error_msg="Please provide only two dimensions (h, w) for size.")
        if not isinstance(scale, Sequence) or len(scale) != 2:
            raise TypeError("Scale should be a sequence of two floats.")
        if not isinstance(ratio, Sequence) or len(ratio) != 2:
            raise TypeError("Ratio should be a sequence of two floats.")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            warnings.warn("Scale and ratio should be of kind (min, max)")
        self.scale = scale
        self.ratio = ratio
        self.interpolation = F._interp(interpolation)
        self.antialias = antialias

    def make_params(self, flat_inputs):
        from ..transforms import RandomResizedCrop as _V1
        h, w = _query_size(flat_inputs)
        img = _make(_xp.empty((1, h, w), _xp.uint8))
        i, j, hh, ww = _V1.get_params(img, self.scale, self.ratio)
        return dict(top=i, left=j, height=hh, width=ww)

    def transform(self, inpt, params):
        return F.resized_crop(inpt, **params, size=self.size, interpolation=self.interpolation,
                              antialias=self.antialias)


class RandomCrop(Transform):
    _v2_meta = True
    """Pad (``padding``; ``pad_if_needed`` pads both sides by the shortfall), then crop at two ``randint``
    (0-d) positions."""

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant"):
        super().__init__()
        self.size = _setup_size(size, error_msg="Please provide only two dimensions (h, w) for size.")
        if padding is not None:
            if isinstance(padding, int):
                padding = [padding] * 4
            padding = list(padding)
            if len(padding) == 1:
                padding = padding * 4
            elif len(padding) == 2:
                padding = [padding[0], padding[0], padding[1], padding[1]]
            else:
                padding = [padding[0], padding[2], padding[1], padding[3]]
        self.padding = padding   # left, right, top, bottom
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self.padding_mode = padding_mode

    def make_params(self, flat_inputs):
        ph, pw = _query_size(flat_inputs)
        if self.padding is not None:
            pl, pr, pt, pb = self.padding
            ph += pt + pb
            pw += pl + pr
        else:
            pl = pr = pt = pb = 0
        ch, cw = self.size
        if self.pad_if_needed:
            if ph < ch:
                d = ch - ph
                pt += d
                pb += d
                ph += 2 * d
            if pw < cw:
                d = cw - pw
                pl += d
                pr += d
                pw += 2 * d
        if ph < ch or pw < cw:
            raise ValueError(f"Required crop size {(ch, cw)} is larger than "
                             f"{'padded ' if self.padding is not None else ''}input image size {(ph, pw)}.")
        padding = [pl, pt, pr, pb]
        nt = _nt()
        vert, top = (True, int(nt.randint(0, ph - ch + 1, size=()))) if ph > ch else (False, 0)
        horz, left = (True, int(nt.randint(0, pw - cw + 1, size=()))) if pw > cw else (False, 0)
        return dict(needs_crop=vert or horz, top=top, left=left, height=ch, width=cw, needs_pad=any(padding),
                    padding=padding)

    def transform(self, inpt, params):
        if params["needs_pad"]:
            inpt = F.pad(inpt, padding=params["padding"], fill=_get_fill(inpt, self.fill),
                         padding_mode=self.padding_mode)
        if params["needs_crop"]:
            inpt = F.crop(inpt, params["top"], params["left"], params["height"], params["width"])
        return inpt


class RandomHorizontalFlip(_RandomApplyTransform):
    _v2_meta = True
    def transform(self, inpt, params):
        return F.horizontal_flip(inpt)


class RandomVerticalFlip(_RandomApplyTransform):
    _v2_meta = True
    def transform(self, inpt, params):
        return F.vertical_flip(inpt)


class Pad(Transform):
    _v2_meta = True
    def __init__(self, padding, fill=0, padding_mode="constant"):
        super().__init__()
        self.padding, self.fill, self.padding_mode = padding, fill, padding_mode

    def transform(self, inpt, params):
        return F.pad(inpt, padding=self.padding, fill=_get_fill(inpt, self.fill), padding_mode=self.padding_mode)


class RandomRotation(Transform):
    _v2_meta = True
    def __init__(self, degrees, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=0):
        super().__init__()
        self.degrees = _setup_angle(degrees, name="degrees", req_sizes=(2,))
        self.interpolation = F._interp(interpolation)
        self.expand = expand
        self.fill = fill
        if center is not None:
            _check_sequence_input(center, "center", req_sizes=(2,))
        self.center = center

    def make_params(self, flat_inputs):
        return dict(angle=_uniform(self.degrees[0], self.degrees[1]))

    def transform(self, inpt, params):
        fill = _tensor_fill(inpt, self.fill)
        return F.rotate(inpt, params["angle"], self.interpolation, self.expand, self.center, fill)


def _get_fill(inpt, fill):
    """A fill given per kind (``{tv_tensors.Image: 127, tv_tensors.Mask: 0}``, ``"others"`` for the rest)."""
    if isinstance(fill, dict):
        fill = fill[type(inpt)] if type(inpt) in fill else fill.get("others")
        if fill is not None and not isinstance(fill, (int, float)):
            fill = [float(v) for v in fill]
    return fill


def _tensor_fill(inpt, fill):
    fill = _get_fill(inpt, fill)
    if isinstance(inpt, _META):
        return fill
    if isinstance(inpt, Tensor) and fill is not None:
        c = F.get_dimensions(inpt)[0]
        return [float(fill)] * c if isinstance(fill, (int, float)) else [float(f) for f in fill]
    return fill


class RandomAffine(Transform):
    _v2_meta = True
    def __init__(self, degrees, translate=None, scale=None, shear=None, interpolation=InterpolationMode.NEAREST, fill=0,
                 center=None):
        super().__init__()
        self.degrees = _setup_angle(degrees, name="degrees", req_sizes=(2,))
        if translate is not None:
            _check_sequence_input(translate, "translate", req_sizes=(2,))
            for t in translate:
                if not (0.0 <= t <= 1.0):
                    raise ValueError("translation values should be between 0 and 1")
        self.translate = translate
        if scale is not None:
            _check_sequence_input(scale, "scale", req_sizes=(2,))
            for s in scale:
                if s <= 0:
                    raise ValueError("scale values should be positive")
        self.scale = scale
        self.shear = _setup_angle(shear, name="shear", req_sizes=(2, 4)) if shear is not None else shear
        self.interpolation = F._interp(interpolation)
        self.fill = fill
        if center is not None:
            _check_sequence_input(center, "center", req_sizes=(2,))
        self.center = center

    def make_params(self, flat_inputs):
        from ..transforms import RandomAffine as _V1
        h, w = _query_size(flat_inputs)
        angle, translate, scale, shear = _V1.get_params(self.degrees, self.translate, self.scale, self.shear, [w, h])
        return dict(angle=angle, translate=translate, scale=scale, shear=shear)

    def transform(self, inpt, params):
        return F.affine(inpt, **params, interpolation=self.interpolation, fill=_tensor_fill(inpt, self.fill),
                        center=self.center)


# --------------------------------------------------------------------------- color
class Normalize(Transform):
    def __init__(self, mean, std, inplace=False):
        super().__init__()
        self.mean = list(mean)
        self.std = list(std)
        self.inplace = inplace

    def check_inputs(self, sample):
        if any(_F_pil.is_pil(x) for x in sample):
            raise TypeError(f"{type(self).__name__}() does not support PIL images.")

    def transform(self, inpt, params):
        return F.normalize(inpt, mean=self.mean, std=self.std, inplace=self.inplace)


class ColorJitter(Transform):
    """``randperm(4)`` then one ``uniform_`` per enabled factor, as v1."""

    def __init__(self, brightness=None, contrast=None, saturation=None, hue=None):
        super().__init__()
        from ..transforms import ColorJitter as _V1
        chk = _V1._check_input
        self.brightness = chk(None, brightness, "brightness") if brightness is not None else None
        self.contrast = chk(None, contrast, "contrast") if contrast is not None else None
        self.saturation = chk(None, saturation, "saturation") if saturation is not None else None
        self.hue = chk(None, hue, "hue", center=0, bound=(-0.5, 0.5), clip_first_on_zero=False) \
            if hue is not None else None

    def make_params(self, flat_inputs):
        fn_idx = _nt().randperm(4)
        b = None if self.brightness is None else _uniform(*self.brightness)
        c = None if self.contrast is None else _uniform(*self.contrast)
        s = None if self.saturation is None else _uniform(*self.saturation)
        h = None if self.hue is None else _uniform(*self.hue)
        return dict(fn_idx=fn_idx, brightness_factor=b, contrast_factor=c, saturation_factor=s, hue_factor=h)

    def transform(self, inpt, params):
        out = inpt
        for fn_id in params["fn_idx"].tolist():
            if fn_id == 0 and params["brightness_factor"] is not None:
                out = F.adjust_brightness(out, params["brightness_factor"])
            elif fn_id == 1 and params["contrast_factor"] is not None:
                out = F.adjust_contrast(out, params["contrast_factor"])
            elif fn_id == 2 and params["saturation_factor"] is not None:
                out = F.adjust_saturation(out, params["saturation_factor"])
            elif fn_id == 3 and params["hue_factor"] is not None:
                out = F.adjust_hue(out, params["hue_factor"])
        return out


class Grayscale(Transform):
    def __init__(self, num_output_channels=1):
        super().__init__()
        self.num_output_channels = num_output_channels

    def transform(self, inpt, params):
        return F.rgb_to_grayscale(inpt, num_output_channels=self.num_output_channels)


class RandomGrayscale(_RandomApplyTransform):
    def __init__(self, p=0.1):
        super().__init__(p=p)

    def make_params(self, flat_inputs):
        return dict(num_input_channels=_query_chw(flat_inputs)[0])

    def transform(self, inpt, params):
        return F.rgb_to_grayscale(inpt, num_output_channels=params["num_input_channels"])


class GaussianBlur(Transform):
    def __init__(self, kernel_size, sigma=(0.1, 2.0)):
        super().__init__()
        from ..transforms import GaussianBlur as _V1
        v1 = _V1(kernel_size, sigma)
        self.kernel_size, self.sigma = v1.kernel_size, v1.sigma

    def make_params(self, flat_inputs):
        s = _uniform(self.sigma[0], self.sigma[1])
        return dict(sigma=[s, s])

    def transform(self, inpt, params):
        return F.gaussian_blur(inpt, self.kernel_size, **params)


class RandomErasing(_RandomApplyTransform):
    """After the ``rand(1)`` gate: v1's area / ratio / noise / position draws."""

    def _needs_transform_list(self, flat_inputs):
        for x in flat_inputs:
            if isinstance(x, _META):
                warnings.warn(f"{type(self).__name__}() is currently passing through inputs of type "
                              f"tv_tensors.{type(x).__name__}. This will likely change in the future.")
        return super()._needs_transform_list(flat_inputs)

    def __init__(self, p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0.0, inplace=False):
        super().__init__(p=p)
        _check_erasing_args(value, scale, ratio)
        self.scale = scale
        self.ratio = ratio
        if isinstance(value, (int, float)):
            self.value = [float(value)]
        elif isinstance(value, str):
            self.value = None
        else:
            self.value = [float(v) for v in value]
        self.inplace = inplace

    def make_params(self, flat_inputs):
        from ..transforms import RandomErasing as _V1
        c, h, w = _query_chw(flat_inputs)
        if self.value is not None and len(self.value) not in (1, c):
            raise ValueError(f"If value is a sequence, it should have either a single value or {c} (number of inpt "
                             f"channels)")
        img = _make(_xp.empty((c, h, w), _xp.uint8))
        i, j, hh, ww, v = _V1.get_params(img, self.scale, self.ratio, self.value)
        return dict(i=i, j=j, h=hh, w=ww, v=None if v is img else v)

    def transform(self, inpt, params):
        if params["v"] is not None:
            inpt = F.erase(inpt, params["i"], params["j"], params["h"], params["w"], params["v"], self.inplace)
        return inpt


class _RandomOpV2(_RandomApplyTransform):
    """Apply ``_op`` with probability ``p`` (the ``rand(1) >= p`` gate)."""

    def transform(self, inpt, params):
        return self._op(inpt)


class RandomInvert(_RandomOpV2):
    def _op(self, x):
        return F.invert(x)


class RandomAutocontrast(_RandomOpV2):
    def _op(self, x):
        return F.autocontrast(x)


class RandomEqualize(_RandomOpV2):
    def _op(self, x):
        return F.equalize(x)


class RandomPosterize(_RandomOpV2):
    def __init__(self, bits, p=0.5):
        super().__init__(p=p)
        self.bits = bits

    def _op(self, x):
        return F.posterize(x, bits=self.bits)


class RandomSolarize(_RandomOpV2):
    def __init__(self, threshold, p=0.5):
        super().__init__(p=p)
        self.threshold = threshold

    def _op(self, x):
        return F.solarize(x, threshold=self.threshold)


class RandomAdjustSharpness(_RandomOpV2):
    def __init__(self, sharpness_factor, p=0.5):
        super().__init__(p=p)
        self.sharpness_factor = sharpness_factor

    def _op(self, x):
        return F.adjust_sharpness(x, sharpness_factor=self.sharpness_factor)


class RGB(Transform):
    """1-channel images to 3 channels."""

    def transform(self, inpt, params):
        return F.grayscale_to_rgb(inpt)


class GaussianNoise(Transform):
    """Add ``mean + sigma * randn`` noise (float images stay in [0, 1] with ``clip``)."""

    def __init__(self, mean=0.0, sigma=0.1, clip=True):
        super().__init__()
        self.mean, self.sigma, self.clip = mean, sigma, clip

    def transform(self, inpt, params):
        return F.gaussian_noise(inpt, mean=self.mean, sigma=self.sigma, clip=self.clip)


class RandomChannelPermutation(Transform):
    """Shuffle the channels by ``randperm(C)``."""

    def make_params(self, flat_inputs):
        return dict(permutation=_nt().randperm(_query_chw(flat_inputs)[0]).tolist())

    def transform(self, inpt, params):
        return F.permute_channels(inpt, params["permutation"])


class FiveCrop(Transform):
    def check_inputs(self, flat_inputs):
        if has_any(flat_inputs, tv_tensors.BoundingBoxes, tv_tensors.Mask):
            raise TypeError(f"BoundingBoxes'es and Mask's are not supported by {type(self).__name__}()")

    def __init__(self, size):
        super().__init__()
        self.size = _setup_size(size, error_msg="Please provide only two dimensions (h, w) for size.")

    def transform(self, inpt, params):
        return F.five_crop(inpt, self.size)


class TenCrop(Transform):
    def check_inputs(self, flat_inputs):
        if has_any(flat_inputs, tv_tensors.BoundingBoxes, tv_tensors.Mask):
            raise TypeError(f"BoundingBoxes'es and Mask's are not supported by {type(self).__name__}()")

    def __init__(self, size, vertical_flip=False):
        super().__init__()
        self.size = _setup_size(size, error_msg="Please provide only two dimensions (h, w) for size.")
        self.vertical_flip = vertical_flip

    def transform(self, inpt, params):
        return F.ten_crop(inpt, self.size, vertical_flip=self.vertical_flip)


class RandomPerspective(_RandomApplyTransform):
    _v2_meta = True
    """After the gate: eight ``randint`` draws for the corners (x then y, clockwise from the top left)."""

    def __init__(self, distortion_scale=0.5, p=0.5, interpolation=InterpolationMode.BILINEAR, fill=0):
        super().__init__(p=p)
        if not 0 <= distortion_scale <= 1:
            raise ValueError("Argument distortion_scale value should be between 0 and 1")
        self.distortion_scale = distortion_scale
        self.interpolation = F._interp(interpolation)
        self.fill = fill

    def make_params(self, flat_inputs):
        from ..functional import _get_perspective_coeffs
        h, w = _query_size(flat_inputs)
        bh = int(self.distortion_scale * (h // 2)) + 1
        bw = int(self.distortion_scale * (w // 2)) + 1
        nt = _nt()

        def r(lo, hi):
            return int(nt.randint(lo, hi, size=(1,)))
        tl = [r(0, bw), r(0, bh)]
        tr = [r(w - bw, w), r(0, bh)]
        br = [r(w - bw, w), r(h - bh, h)]
        bl = [r(0, bw), r(h - bh, h)]
        start = [[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]]
        return dict(coefficients=_get_perspective_coeffs(start, [tl, tr, br, bl]))

    def transform(self, inpt, params):
        return F.perspective(inpt, None, None, interpolation=self.interpolation,
                             fill=_tensor_fill(inpt, self.fill), coefficients=params["coefficients"])


class ElasticTransform(Transform):
    _v2_meta = True
    """v1's displacement draws (``rand`` per axis, Gaussian-smoothed, scaled by ``alpha / size``)."""

    def __init__(self, alpha=50.0, sigma=5.0, interpolation=InterpolationMode.BILINEAR, fill=0):
        super().__init__()
        self.alpha = [float(alpha)] * 2 if isinstance(alpha, (int, float)) else [float(a) for a in alpha]
        self.sigma = [float(sigma)] * 2 if isinstance(sigma, (int, float)) else [float(s) for s in sigma]
        self.interpolation = F._interp(interpolation)
        self.fill = fill

    def make_params(self, flat_inputs):
        from ..transforms import ElasticTransform as _V1
        h, w = _query_size(flat_inputs)
        return dict(displacement=_V1.get_params(self.alpha, self.sigma, [h, w]))

    def transform(self, inpt, params):
        return F.elastic(inpt, params["displacement"], interpolation=self.interpolation,
                         fill=_tensor_fill(inpt, self.fill))


class RandomResize(Transform):
    _v2_meta = True
    """Resize the shorter edge to ``randint(min_size, max_size)`` (0-d draw)."""

    def __init__(self, min_size, max_size, interpolation=InterpolationMode.BILINEAR, antialias=True):
        super().__init__()
        self.min_size, self.max_size = min_size, max_size
        self.interpolation = F._interp(interpolation)
        self.antialias = antialias

    def make_params(self, flat_inputs):
        return dict(size=[int(_nt().randint(self.min_size, self.max_size, ()))])

    def transform(self, inpt, params):
        return F.resize(inpt, params["size"], interpolation=self.interpolation, antialias=self.antialias)


class RandomShortestSize(Transform):
    _v2_meta = True
    """Scale so the shorter edge is one of ``min_size`` (picked by ``randint``), the longer at most
    ``max_size``; sizes are truncated."""

    def __init__(self, min_size, max_size=None, interpolation=InterpolationMode.BILINEAR, antialias=True):
        super().__init__()
        self.min_size = [min_size] if isinstance(min_size, int) else list(min_size)
        self.max_size = max_size
        self.interpolation = F._interp(interpolation)
        self.antialias = antialias

    def make_params(self, flat_inputs):
        h, w = _query_size(flat_inputs)
        m = self.min_size[int(_nt().randint(len(self.min_size), ()))]
        r = m / min(h, w)
        if self.max_size is not None:
            r = min(r, self.max_size / max(h, w))
        return dict(size=(int(h * r), int(w * r)))

    def transform(self, inpt, params):
        return F.resize(inpt, params["size"], interpolation=self.interpolation, antialias=self.antialias)


class LinearTransformation(Transform):
    """``(x.flatten() - mean_vector) @ transformation_matrix`` on tensors (PIL images are refused)."""
    _transformed_types = (is_pure_tensor, tv_tensors.Image, tv_tensors.Video)

    def __init__(self, transformation_matrix, mean_vector):
        super().__init__()
        from ..transforms import LinearTransformation as _V1
        _V1(transformation_matrix, mean_vector)   # the same argument checks
        self.transformation_matrix = transformation_matrix
        self.mean_vector = mean_vector

    def check_inputs(self, sample):
        if any(_F_pil.is_pil(x) for x in sample):
            raise TypeError(f"{type(self).__name__}() does not support PIL images.")

    def transform(self, inpt, params):
        from ..transforms import LinearTransformation as _V1
        out = _V1.forward(self, inpt)
        return tv_tensors.wrap(out, like=inpt) if isinstance(inpt, tv_tensors.TVTensor) else out


# --------------------------------------------------------------------------- auto augment
def _lin(a, b, n):
    return _nt().linspace(a, b, n)


def _bits(top, n, div):
    return (top - (_nt().arange(n) / ((n - 1) / div))).round().int()


_V2_SPACE = {
    "ShearX": (lambda n, h, w: _lin(0.0, 0.3, n), True), "ShearY": (lambda n, h, w: _lin(0.0, 0.3, n), True),
    "TranslateX": (lambda n, h, w: _lin(0.0, 150.0 / 331.0 * w, n), True),
    "TranslateY": (lambda n, h, w: _lin(0.0, 150.0 / 331.0 * h, n), True),
    "Rotate": (lambda n, h, w: _lin(0.0, 30.0, n), True), "Brightness": (lambda n, h, w: _lin(0.0, 0.9, n), True),
    "Color": (lambda n, h, w: _lin(0.0, 0.9, n), True), "Contrast": (lambda n, h, w: _lin(0.0, 0.9, n), True),
    "Sharpness": (lambda n, h, w: _lin(0.0, 0.9, n), True), "Posterize": (lambda n, h, w: _bits(8, n, 4), False),
    "Solarize": (lambda n, h, w: _lin(1.0, 0.0, n), False), "AutoContrast": (lambda n, h, w: None, False),
    "Equalize": (lambda n, h, w: None, False)}


class _AutoAugmentBase(Transform):
    def __init__(self, *, interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__()
        self.interpolation = F._interp(interpolation)
        self.fill = fill

    def _get_random_item(self, dct):
        keys = tuple(dct.keys())
        key = keys[int(_nt().randint(len(keys), ()))]
        return key, dct[key]

    def _extract_image(self, inputs):
        flat, build = _flatten(inputs if len(inputs) > 1 else inputs[0])
        needs = self._needs_transform_list(flat)
        found = []
        for i, (x, n) in enumerate(zip(flat, needs)):
            if n and (_is_image_like(x) or is_pure_tensor(x)):
                found.append((i, x))
            elif isinstance(x, _META):
                raise TypeError(f"Inputs of type {type(x).__name__} are not supported by {type(self).__name__}()")
        if not found:
            raise TypeError("Found no image in the sample.")
        if len(found) > 1:
            raise TypeError(f"Auto augment transformations are only properly defined for a single image or video, "
                            f"but found {len(found)}.")
        idx, img = found[0]

        def put_back(new):
            flat[idx] = new
            return build(flat)
        return put_back, img

    def _apply(self, image, op, magnitude):
        fill = _tensor_fill(image, self.fill) if self.fill is not None else None
        interp = self.interpolation
        if op == "Identity":
            return image
        if op == "ShearX":
            return F.affine(image, 0.0, [0, 0], 1.0, [math.degrees(math.atan(magnitude)), 0.0], interp, fill, [0, 0])
        if op == "ShearY":
            return F.affine(image, 0.0, [0, 0], 1.0, [0.0, math.degrees(math.atan(magnitude))], interp, fill, [0, 0])
        if op == "TranslateX":
            return F.affine(image, 0.0, [int(magnitude), 0], 1.0, [0.0, 0.0], interp, fill)
        if op == "TranslateY":
            return F.affine(image, 0.0, [0, int(magnitude)], 1.0, [0.0, 0.0], interp, fill)
        if op == "Rotate":
            return F.rotate(image, magnitude, interp, fill=fill)
        if op == "Brightness":
            return F.adjust_brightness(image, 1.0 + magnitude)
        if op == "Color":
            return F.adjust_saturation(image, 1.0 + magnitude)
        if op == "Contrast":
            return F.adjust_contrast(image, 1.0 + magnitude)
        if op == "Sharpness":
            return F.adjust_sharpness(image, 1.0 + magnitude)
        if op == "Posterize":
            return F.posterize(image, int(magnitude))
        if op == "Solarize":
            from .. import _functional_tensor as _F_t
            bound = _F_t.max_value(image._data.dtype) if isinstance(image, Tensor) else 255.0
            return F.solarize(image, bound * magnitude)
        if op == "AutoContrast":
            return F.autocontrast(image)
        if op == "Equalize":
            return F.equalize(image)
        if op == "Invert":
            return F.invert(image)
        raise ValueError(f"No transform available for {op}")

    def _magnitude(self, fn, signed, bins, h, w, index):
        mags = fn(bins, h, w)
        if mags is None:
            return 0.0
        m = float(mags[index])
        if signed and _nt().rand(()).item() <= 0.5:
            m *= -1
        return m


class AutoAugment(_AutoAugmentBase):
    _AUGMENTATION_SPACE = dict(_V2_SPACE, Invert=(lambda n, h, w: None, False))

    def __init__(self, policy=AutoAugmentPolicy.IMAGENET, interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__(interpolation=interpolation, fill=fill)
        self.policy = policy
        table = {AutoAugmentPolicy.IMAGENET: _IMAGENET, AutoAugmentPolicy.CIFAR10: _CIFAR10,
                 AutoAugmentPolicy.SVHN: _SVHN}
        if policy not in table:
            raise ValueError(f"The provided policy {policy} is not recognized.")
        self._policies = list(table[policy])

    def forward(self, *inputs):
        put_back, image = self._extract_image(inputs)
        h, w = F.get_size(image)
        policy = self._policies[int(_nt().randint(len(self._policies), ()))]
        for op, prob, mag_idx in policy:
            if not _nt().rand(()).item() <= prob:
                continue
            fn, signed = self._AUGMENTATION_SPACE[op]
            image = self._apply(image, op, self._magnitude(fn, signed, 10, h, w, mag_idx))
        return put_back(image)


class RandAugment(_AutoAugmentBase):
    _AUGMENTATION_SPACE = dict({"Identity": (lambda n, h, w: None, False)}, **_V2_SPACE)

    def __init__(self, num_ops=2, magnitude=9, num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST,
                 fill=None):
        super().__init__(interpolation=interpolation, fill=fill)
        if not isinstance(num_ops, int) or num_ops < 0:
            raise ValueError(f"num_ops should be a non-negative integer, but got {num_ops} instead.")
        self.num_ops = num_ops
        self.magnitude = magnitude
        self.num_magnitude_bins = num_magnitude_bins

    def forward(self, *inputs):
        put_back, image = self._extract_image(inputs)
        h, w = F.get_size(image)
        for _ in range(self.num_ops):
            op, (fn, signed) = self._get_random_item(self._AUGMENTATION_SPACE)
            image = self._apply(image, op, self._magnitude(fn, signed, self.num_magnitude_bins, h, w, self.magnitude))
        return put_back(image)


class TrivialAugmentWide(_AutoAugmentBase):
    _AUGMENTATION_SPACE = {
        "Identity": (lambda n, h, w: None, False), "ShearX": (lambda n, h, w: _lin(0.0, 0.99, n), True),
        "ShearY": (lambda n, h, w: _lin(0.0, 0.99, n), True), "TranslateX": (lambda n, h, w: _lin(0.0, 32.0, n), True),
        "TranslateY": (lambda n, h, w: _lin(0.0, 32.0, n), True), "Rotate": (lambda n, h, w: _lin(0.0, 135.0, n), True),
        "Brightness": (lambda n, h, w: _lin(0.0, 0.99, n), True), "Color": (lambda n, h, w: _lin(0.0, 0.99, n), True),
        "Contrast": (lambda n, h, w: _lin(0.0, 0.99, n), True), "Sharpness": (lambda n, h, w: _lin(0.0, 0.99, n), True),
        "Posterize": (lambda n, h, w: _bits(8, n, 6), False), "Solarize": (lambda n, h, w: _lin(1.0, 0.0, n), False),
        "AutoContrast": (lambda n, h, w: None, False), "Equalize": (lambda n, h, w: None, False)}

    def __init__(self, num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__(interpolation=interpolation, fill=fill)
        self.num_magnitude_bins = num_magnitude_bins

    def forward(self, *inputs):
        put_back, image = self._extract_image(inputs)
        h, w = F.get_size(image)
        op, (fn, signed) = self._get_random_item(self._AUGMENTATION_SPACE)
        mags = fn(self.num_magnitude_bins, h, w)
        if mags is not None:
            m = float(mags[int(_nt().randint(self.num_magnitude_bins, ()))])
            if signed and _nt().rand(()).item() <= 0.5:
                m *= -1
        else:
            m = 0.0
        return put_back(self._apply(image, op, m))


# --------------------------------------------------------------------------- batch mixing
def _beta(alpha):
    """One Beta(alpha, alpha) draw as a ratio of Gamma draws (NumPy's sampler seeded from numtorch's generator;
    torch samples Beta through its own Dirichlet kernel, so the value differs from torch's stream)."""
    from ....distributions._sampling import _numpy_rng
    g = _numpy_rng().standard_gamma(alpha, size=2)
    return float(g[0] / g.sum())


def _default_labels(inputs):
    if isinstance(inputs, (tuple, list)):
        inputs = inputs[1]
    if is_pure_tensor(inputs):
        return inputs
    if not isinstance(inputs, dict):
        raise ValueError("When using the default labels_getter, the input passed to forward must be a dictionary or "
                         f"a two-tuple whose second item is a dictionary or a tensor, but got {inputs} instead.")
    for k in inputs:
        if k.lower() == "labels":
            return inputs[k]
    for k in inputs:
        if "label" in k.lower():
            return inputs[k]
    raise ValueError("Could not infer where the labels are in the sample. Try passing a callable as the "
                     "labels_getter parameter?If there are no labels in the sample by design, pass labels_getter=None.")


class _BaseMixUpCutMix(Transform):
    def __init__(self, *, alpha=1.0, num_classes=None, labels_getter="default"):
        super().__init__()
        self.alpha = float(alpha)
        self.num_classes = num_classes
        self._labels_getter = _default_labels if labels_getter == "default" else labels_getter

    def forward(self, *inputs):
        inputs = inputs if len(inputs) > 1 else inputs[0]
        flat, build = _flatten(inputs)
        needs = self._needs_transform_list(flat)
        if any(_F_pil.is_pil(x) or isinstance(x, _META) for x in flat):
            raise ValueError(f"{type(self).__name__}() does not support PIL images, bounding boxes, keypoints and "
                             f"masks.")
        labels = self._labels_getter(inputs)
        if not isinstance(labels, Tensor):
            raise ValueError(f"The labels must be a tensor, but got {type(labels)} instead.")
        if labels.ndim not in (1, 2):
            raise ValueError("labels should be index based with shape (batch_size,) or probability based with shape "
                             f"(batch_size, num_classes), but got a tensor of shape {labels.shape} instead.")
        if labels.ndim == 2 and self.num_classes is not None and labels.shape[-1] != self.num_classes:
            raise ValueError("When passing 2D labels, the number of elements in last dimension must match "
                             f"num_classes: {labels.shape[-1]} != {self.num_classes}. You can Leave num_classes to "
                             "None.")
        if labels.ndim == 1 and self.num_classes is None:
            raise ValueError("num_classes must be passed if the labels are index-based (1D)")
        params = dict(labels=labels, batch_size=labels.shape[0],
                      **self.make_params([x for x, n in zip(flat, needs) if n]))
        needs[next(i for i, x in enumerate(flat) if x is labels)] = True
        return build([self.transform(x, params) if n else x for x, n in zip(flat, needs)])

    def _check_image(self, inpt, batch_size):
        expected = 5 if isinstance(inpt, tv_tensors.Video) else 4
        if inpt.ndim != expected:
            raise ValueError(f"Expected a batched input with {expected} dims, but got {inpt.ndim} dimensions instead.")
        if inpt.shape[0] != batch_size:
            raise ValueError(f"The batch size of the image or video does not match the batch size of the labels: "
                             f"{inpt.shape[0]} != {batch_size}.")

    def _mixup_label(self, label, lam):
        nt = _nt()
        if label.ndim == 1:
            label = nt.nn.functional.one_hot(label, num_classes=self.num_classes)
        if not label.dtype.is_floating_point:
            label = label.float()
        return label.roll(1, 0) * (1.0 - lam) + label * lam


class MixUp(_BaseMixUpCutMix):
    """``x = lam x + (1 - lam) x.roll(1, 0)`` (and the one-hot labels alike), ``lam ~ Beta(alpha, alpha)``."""

    def make_params(self, flat_inputs):
        return dict(lam=_beta(self.alpha))

    def transform(self, inpt, params):
        lam = params["lam"]
        if inpt is params["labels"]:
            return self._mixup_label(inpt, lam)
        if isinstance(inpt, (tv_tensors.Image, tv_tensors.Video)) or is_pure_tensor(inpt):
            self._check_image(inpt, params["batch_size"])
            out = inpt.roll(1, 0) * (1.0 - lam) + inpt * lam
            out = out.to(inpt.dtype)
            return tv_tensors.wrap(out, like=inpt) if isinstance(inpt, tv_tensors.TVTensor) else out
        return inpt


class CutMix(_BaseMixUpCutMix):
    """Paste a box of the batch rolled by one into each image; labels mix by the pasted area."""

    def make_params(self, flat_inputs):
        lam = _beta(self.alpha)
        H, W = _query_size(flat_inputs)
        nt = _nt()
        r_x = int(nt.randint(W, size=(1,)))
        r_y = int(nt.randint(H, size=(1,)))
        r = 0.5 * math.sqrt(1.0 - lam)
        rw, rh = int(r * W), int(r * H)
        x1, y1 = max(r_x - rw, 0), max(r_y - rh, 0)
        x2, y2 = min(r_x + rw, W), min(r_y + rh, H)
        return dict(box=(x1, y1, x2, y2), lam_adjusted=float(1.0 - (x2 - x1) * (y2 - y1) / (W * H)))

    def transform(self, inpt, params):
        if inpt is params["labels"]:
            return self._mixup_label(inpt, params["lam_adjusted"])
        if isinstance(inpt, (tv_tensors.Image, tv_tensors.Video)) or is_pure_tensor(inpt):
            self._check_image(inpt, params["batch_size"])
            x1, y1, x2, y2 = params["box"]
            a = inpt._data
            out = a.copy()
            out[..., y1:y2, x1:x2] = _xp.roll(a, 1, 0)[..., y1:y2, x1:x2]
            out = _make(out)
            return tv_tensors.wrap(out, like=inpt) if isinstance(inpt, tv_tensors.TVTensor) else out
        return inpt


def _share_v1_get_params():
    """torchvision's v2 classes expose their v1 twin's ``get_params``."""
    from .. import transforms as _v1, autoaugment as _aa
    pairs = [(RandomResizedCrop, _v1.RandomResizedCrop), (RandomCrop, _v1.RandomCrop), (ColorJitter, _v1.ColorJitter),
             (RandomRotation, _v1.RandomRotation), (RandomAffine, _v1.RandomAffine),
             (RandomPerspective, _v1.RandomPerspective), (RandomErasing, _v1.RandomErasing),
             (GaussianBlur, _v1.GaussianBlur), (ElasticTransform, _v1.ElasticTransform),
             (AutoAugment, _aa.AutoAugment)]
    for v2_cls, v1_cls in pairs:
        v2_cls.get_params = staticmethod(v1_cls.get_params)


_share_v1_get_params()
