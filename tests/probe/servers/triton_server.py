"""A real Triton Inference Server (the binary shipped in nvidia-pytriton 0.7.0), CPU only.

Binds the linear test models ``right`` and ``wrong`` (input ``x`` FP64 [-1, 4] batched,
output ``y`` FP64 [1]) on 127.0.0.1. The fixture sets LD_LIBRARY_PATH to this Python's
LIBDIR, which the Triton binary needs. Usage: ``python triton_server.py HTTP GRPC METRICS``.
"""

import sys

import linear
import numpy as np
from pytriton.decorators import batch
from pytriton.model_config import ModelConfig, Tensor
from pytriton.triton import Triton, TritonConfig


def make_infer(name):
    @batch
    def infer(x):
        y = np.asarray(linear.predict(name, x.tolist()), dtype=np.float64).reshape(-1, 1)
        return {"y": y}

    return infer


if __name__ == "__main__":
    http, grpc, metrics = (int(p) for p in sys.argv[1:4])
    config = TritonConfig(
        http_address="127.0.0.1",
        http_port=http,
        grpc_address="127.0.0.1",
        grpc_port=grpc,
        metrics_port=metrics,
        allow_gpu_metrics=False,
    )
    with Triton(config=config) as triton:
        for name in ("right", "wrong"):
            triton.bind(
                model_name=name,
                infer_func=make_infer(name),
                inputs=[Tensor(name="x", dtype=np.float64, shape=(4,))],
                outputs=[Tensor(name="y", dtype=np.float64, shape=(1,))],
                config=ModelConfig(max_batch_size=16),
            )
        triton.serve()
