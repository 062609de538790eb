"""KServe 0.21 ModelServer with a small custom ``kserve.Model`` per linear test model.

Serves v1 (``{"instances"}`` -> ``{"predictions"}``) and v2 REST (InferRequest ->
InferResponse) on the ports given; loopback is forced by servers/loopback/sitecustomize.py.
Usage: ``python kserve_server.py HTTP_PORT GRPC_PORT``.
"""

import sys
import uuid

import linear
import numpy as np
from kserve import InferOutput, InferRequest, InferResponse, Model, ModelServer


class LinearModel(Model):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.load()

    def load(self) -> bool:
        self.weights, self.bias = linear.WEIGHTS[self.name]
        self.ready = True
        return self.ready

    async def get_input_types(self):
        return [{"name": "x", "datatype": "FP64", "shape": [-1, 4]}]

    async def get_output_types(self):
        return [{"name": "y", "datatype": "FP64", "shape": [-1]}]

    def predict(self, payload, headers=None, response_headers=None):
        if isinstance(payload, InferRequest):
            x = payload.inputs[0].as_numpy().reshape(-1, len(self.weights))
            y = np.asarray(linear.predict(self.name, x.tolist()), dtype=np.float64)
            out = InferOutput(name="y", shape=list(y.shape), datatype="FP64")
            out.set_data_from_numpy(y, binary_data=False)
            return InferResponse(
                model_name=self.name, infer_outputs=[out], response_id=payload.id or str(uuid.uuid4())
            )
        return {"predictions": linear.predict(self.name, payload["instances"])}


if __name__ == "__main__":
    http_port, grpc_port = sys.argv[1], sys.argv[2]
    sys.argv = [sys.argv[0], "--http_port", http_port, "--grpc_port", grpc_port, "--workers", "1"]
    ModelServer(http_port=int(http_port), grpc_port=int(grpc_port)).start(
        [LinearModel("right"), LinearModel("wrong")]
    )
