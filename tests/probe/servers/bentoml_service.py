"""BentoML 1.4 service serving both linear test models: ``/predict`` (right), ``/predict_wrong``."""

import bentoml
import linear


@bentoml.service(workers=1)
class Linear:
    @bentoml.api
    def predict(self, instances: list[list[float]]) -> list[float]:
        return linear.predict("right", instances)

    @bentoml.api
    def predict_wrong(self, instances: list[list[float]]) -> list[float]:
        return linear.predict("wrong", instances)
