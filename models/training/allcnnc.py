"""All-CNN-C (Springenberg et al. 2015), as used by Mehrer et al. 2020.

Nine convolutions and global average pooling, no pooling layers and no batch
normalisation. `width` scales the channel counts (96 and 192 at width 1).
The forward pass can return every layer after its nonlinearity, which is what
the ONNX export exposes as graph outputs (conv1 ... conv8, logits).
"""
import torch
from torch import nn
import torch.nn.functional as F

LAYER_NAMES = [f"conv{i}" for i in range(1, 9)] + ["logits"]


def scaled(channels, width):
    return max(1, int(round(channels * width)))


class AllCNNC(nn.Module):
    def __init__(self, in_channels=1, num_classes=10, width=1.0, dropout=False):
        super().__init__()
        a, b = scaled(96, width), scaled(192, width)
        # (in, out, kernel, stride, padding); padding 1 keeps the size of 3x3
        # convolutions, conv7 is 'valid' as in the original.
        spec = [
            (in_channels, a, 3, 1, 1), (a, a, 3, 1, 1), (a, a, 3, 2, 1),
            (a, b, 3, 1, 1), (b, b, 3, 1, 1), (b, b, 3, 2, 1),
            (b, b, 3, 1, 0), (b, b, 1, 1, 0), (b, num_classes, 1, 1, 0),
        ]
        self.convs = nn.ModuleList(nn.Conv2d(i, o, k, s, p) for i, o, k, s, p in spec)
        self.dropout = dropout
        self.width = width
        for conv in self.convs:
            # He initialisation for ReLU networks; zero biases.
            nn.init.kaiming_normal_(conv.weight, mode="fan_in", nonlinearity="relu")
            nn.init.zeros_(conv.bias)

    def forward(self, x, all_layers=False):
        layers = []
        for i, conv in enumerate(self.convs[:8]):
            x = F.relu(conv(x))
            layers.append(x)
            # Dropout 0.5 after each stride-2 block (after conv3 and conv6).
            if self.dropout and i in (2, 5):
                x = F.dropout(x, 0.5, self.training)
        # conv9 maps to the classes; no ReLU so the logits can be negative.
        logits = self.convs[8](x).mean(dim=(2, 3))
        if all_layers:
            return [logits] + layers
        return logits
