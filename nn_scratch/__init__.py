"""nn-scratch: a neural network for handwritten digits, from scratch in NumPy.

The layers of the package follow the reader's path: :mod:`nn_scratch.maths`
(activations, softmax, loss) → :mod:`nn_scratch.network` (forward and backward
propagation) → :mod:`nn_scratch.training` (gradient descent, SGD) →
:mod:`nn_scratch.gradcheck`.

Examples
--------
>>> import nn_scratch
>>> net = nn_scratch.Network((784, 10, 10), seed=0)
>>> net.layer_sizes
(784, 10, 10)
"""

from .gradcheck import gradient_check, numerical_gradients, relative_error
from .history import DeadNetworkWarning, DivergenceError, History
from .maths import cross_entropy, get_accuracy, get_predictions, one_hot, relu, relu_prime, softmax
from .network import Network, backward_prop, forward_prop, init_params, update_params
from .training import gradient_descent, sgd, train_step

__version__ = "0.1.0"

__all__ = [
    "relu",
    "relu_prime",
    "softmax",
    "one_hot",
    "cross_entropy",
    "get_predictions",
    "get_accuracy",
    "Network",
    "init_params",
    "forward_prop",
    "backward_prop",
    "update_params",
    "History",
    "DivergenceError",
    "DeadNetworkWarning",
    "train_step",
    "gradient_descent",
    "sgd",
    "gradient_check",
    "numerical_gradients",
    "relative_error",
]
