"""``VisionDataset``: the base of the image datasets (root, transform, target_transform)."""
import os

from ...utils.data import Dataset

__all__ = ["VisionDataset", "StandardTransform"]


class StandardTransform:
    def __init__(self, transform=None, target_transform=None):
        self.transform = transform
        self.target_transform = target_transform

    def __call__(self, input, target):
        if self.transform is not None:
            input = self.transform(input)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return input, target


class VisionDataset(Dataset):
    _repr_indent = 4

    def __init__(self, root=None, transforms=None, transform=None, target_transform=None):
        if isinstance(root, (str, bytes, os.PathLike)):
            root = os.path.expanduser(os.fspath(root))
        self.root = root
        has_transforms = transforms is not None
        has_separate = transform is not None or target_transform is not None
        if has_transforms and has_separate:
            raise ValueError("Only transforms or transform/target_transform can be passed as argument")
        self.transform = transform
        self.target_transform = target_transform
        if has_separate:
            transforms = StandardTransform(transform, target_transform)
        self.transforms = transforms

    def __len__(self):
        raise NotImplementedError

    def extra_repr(self):
        return ""

    def __repr__(self):
        head = "Dataset " + self.__class__.__name__
        body = [f"Number of datapoints: {self.__len__()}"]
        if self.root is not None:
            body.append(f"Root location: {self.root}")
        body += self.extra_repr().splitlines()
        if self.transform is not None:
            body += [f"Transform: {self.transform}"]
        lines = [head] + [" " * self._repr_indent + line for line in body]
        return "\n".join(lines)


def missing_files_error(name, folder, files, source):
    """The error raised when dataset files are absent (there is no downloading in numtorch)."""
    listing = ", ".join(files)
    return RuntimeError(
        f"{name} files not found: put {listing} in {folder} (from {source}); numtorch does not download "
        f"datasets, so fetch the files on a machine with network access and copy them there")


def to_pil_or_array(arr, mode=None):
    """A PIL Image when Pillow is installed (what torchvision datasets return), else the uint8 array."""
    try:
        from PIL import Image
    except ImportError:
        return arr
    return Image.fromarray(arr, mode=mode) if mode else Image.fromarray(arr)


def verify_str_arg(value, arg=None, valid_values=None, custom_msg=None):
    """``value`` if it is one of ``valid_values``, else torchvision's ValueError."""
    if not isinstance(value, str):
        msg = "Expected type str" + ("" if arg is None else f" for argument {arg}") + f", but got type {type(value)}."
        raise ValueError(msg)
    if valid_values is None or value in valid_values:
        return value
    if custom_msg is not None:
        raise ValueError(custom_msg)
    valid = "'" + "', '".join(str(v) for v in valid_values) + "'"
    raise ValueError(f"Unknown value '{value}' for argument {arg}. Valid values are {{{valid}}}.")


def pil_image():
    """PIL.Image, or an ImportError naming the extra that provides it."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("this dataset decodes images with Pillow: pip install numtorch[images] "
                          "(or pip install pillow)") from None
    return Image
