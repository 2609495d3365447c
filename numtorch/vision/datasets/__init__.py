"""``torchvision.datasets`` for numtorch: the official on-disk formats, read without downloading or unpickling
code (MNIST family, CIFAR, SVHN, STL10, Flowers102, OxfordIIITPet, Caltech101, CelebA, VOC, COCO, folders)."""
from .vision import VisionDataset
from .cifar import CIFAR10, CIFAR100
from .mnist import MNIST, FashionMNIST, KMNIST, EMNIST, QMNIST
from .folder import DatasetFolder, ImageFolder
from .digits import Digits
from .svhn import SVHN
from .stl10 import STL10
from .fakedata import FakeData
from .flowers102 import Flowers102
from .oxford_iiit_pet import OxfordIIITPet
from .caltech import Caltech101
from .celeba import CelebA
from .voc import VOCSegmentation, VOCDetection
from .coco import CocoDetection, CocoCaptions

__all__ = ["VisionDataset", "CIFAR10", "CIFAR100", "MNIST", "FashionMNIST", "KMNIST", "DatasetFolder",
           "ImageFolder", "Digits"]
__all__ += ["EMNIST", "QMNIST", "SVHN", "STL10", "FakeData", "Flowers102", "OxfordIIITPet", "Caltech101", "CelebA",
            "VOCSegmentation", "VOCDetection", "CocoDetection", "CocoCaptions"]
