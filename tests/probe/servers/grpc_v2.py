"""A small V2 gRPC server (``inference.GRPCInferenceService``) on grpcio and the stubs that
tritonclient ships: what the probe image itself has, so the image test can run it inside the
probe container (``--network none`` leaves only loopback) and probe it over gRPC.

Serves the ``linear`` models: ServerReady, ModelReady, ModelMetadata and ModelInfer with the
input as ``raw_input_contents`` (what ``tritonclient.grpc`` sends), the output as
``raw_output_contents`` (what Triton answers). Run: ``python grpc_v2.py PORT``.
"""

from __future__ import annotations

import sys
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
import numpy as np
from tritonclient.grpc import service_pb2, service_pb2_grpc

sys.path.insert(0, str(Path(__file__).parent))
import linear

_DTYPES = {"FP32": np.float32, "FP64": np.float64}
_Tensor = service_pb2.ModelMetadataResponse.TensorMetadata


class Linear(service_pb2_grpc.GRPCInferenceServiceServicer):
    def ServerReady(self, request: Any, context: Any) -> Any:
        return service_pb2.ServerReadyResponse(ready=True)

    def ModelReady(self, request: Any, context: Any) -> Any:
        return service_pb2.ModelReadyResponse(ready=request.name in linear.WEIGHTS)

    def ModelMetadata(self, request: Any, context: Any) -> Any:
        if request.name not in linear.WEIGHTS:
            context.abort(grpc.StatusCode.NOT_FOUND, f"no model {request.name!r}")
        return service_pb2.ModelMetadataResponse(
            name=request.name,
            platform="linear",
            inputs=[_Tensor(name="x", datatype="FP64", shape=[-1, 4])],
            outputs=[_Tensor(name="y", datatype="FP64", shape=[-1])],
        )

    def ModelInfer(self, request: Any, context: Any) -> Any:
        if request.model_name not in linear.WEIGHTS:
            context.abort(grpc.StatusCode.NOT_FOUND, f"no model {request.model_name!r}")
        tensor = request.inputs[0]
        x = np.frombuffer(request.raw_input_contents[0], dtype=_DTYPES[tensor.datatype])
        y = np.asarray(linear.predict(request.model_name, x.reshape(tuple(tensor.shape)).tolist()))
        output = service_pb2.ModelInferResponse.InferOutputTensor(name="y", datatype="FP64", shape=[len(y)])
        return service_pb2.ModelInferResponse(
            model_name=request.model_name,
            id=request.id,
            outputs=[output],
            raw_output_contents=[y.astype(np.float64).tobytes()],
        )


def serve(port: int) -> grpc.Server:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    service_pb2_grpc.add_GRPCInferenceServiceServicer_to_server(Linear(), server)
    server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()
    return server


if __name__ == "__main__":
    serve(int(sys.argv[1])).wait_for_termination()
