"""`sigmoid_focal_loss` of RetinaNet."""
from ...nn import functional as _F

__all__ = ["sigmoid_focal_loss"]


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction="none"):
    """Focal loss of RetinaNet (torchvision's signature and formula) on logits:

        p_t = p y + (1 - p) (1 - y),  p = sigmoid(x)
        FL  = alpha_t * (1 - p_t)^gamma * BCEWithLogits(x, y),  alpha_t = alpha y + (1 - alpha)(1 - y)

    ``alpha < 0`` switches the alpha weighting off; reduction is 'none' (default), 'mean' or 'sum'.
    """
    p = inputs.sigmoid()
    ce_loss = _F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"Invalid Value for arg 'reduction': '{reduction} \n Supported reduction modes: 'none', "
                     f"'mean', 'sum'")
