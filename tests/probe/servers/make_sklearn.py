"""Write the linear test models as scikit-learn LinearRegression joblib files (run in a server venv).

The coefficients are set, not fitted, so the model is exact and independent of the sklearn
version: ``python make_sklearn.py OUTDIR`` writes OUTDIR/<name>/model.joblib for each model.
"""

import sys
from pathlib import Path

import joblib
import linear
import numpy as np
from sklearn.linear_model import LinearRegression

out = Path(sys.argv[1])
for name, (weights, bias) in linear.WEIGHTS.items():
    model = LinearRegression()
    model.coef_ = np.array(weights)
    model.intercept_ = bias
    model.n_features_in_ = len(weights)
    (out / name).mkdir(parents=True, exist_ok=True)
    joblib.dump(model, out / name / "model.joblib")
