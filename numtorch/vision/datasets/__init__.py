"""``torchvision.datasets`` for numtorch: CIFAR10/100, MNIST/FashionMNIST/KMNIST, ImageFolder, Digits."""
from .vision import VisionDataset
from .cifar import CIFAR10, CIFAR100
from .mnist import MNIST, FashionMNIST, KMNIST
from .folder import DatasetFolder, ImageFolder
from .digits import Digits

__all__ = ["VisionDataset", "CIFAR10", "CIFAR100", "MNIST", "FashionMNIST", "KMNIST", "DatasetFolder",
           "ImageFolder", "Digits"]
