"""Regenerate the example project's data and notebooks (the goldens come from `make example-golden`).

Kept in the repo so the example is reproducible, not hand-edited JSON.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).parent


def write_data(rows: int = 600, seed: int = 7) -> None:
    rng = random.Random(seed)
    path = HERE / "data" / "churn.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["customer_id", "tenure_months", "monthly_charges", "support_calls", "contract", "churned"]
        )
        for i in range(rows):
            tenure = rng.randint(1, 72)
            charges = round(rng.uniform(18, 120), 2)
            calls = rng.choice([0, 0, 0, 1, 1, 2, 3, 5])
            contract = rng.choice(["monthly", "monthly", "yearly", "two-year"])
            score = 0.04 * calls + 0.006 * charges - 0.03 * tenure + (0.8 if contract == "monthly" else -0.5)
            churned = int(score + rng.gauss(0, 0.5) > 0.3)
            # a few gaps, as real exports have
            charges_text = "" if i % 97 == 0 else f"{charges}"
            writer.writerow([f"C{i:04d}", tenure, charges_text, calls, contract, churned])


def notebook(cells: list, kernel: str = "python3") -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def parameters_cell(source: str) -> nbformat.NotebookNode:
    cell = new_code_cell(source)
    cell.metadata["tags"] = ["parameters"]
    return cell


def train_cell(source: str) -> nbformat.NotebookNode:
    """A cell `nbgate export` puts in the training script (`nbgate promote`, spec.promote)."""
    cell = new_code_cell(source)
    cell.metadata["tags"] = ["train"]
    return cell


def prepare() -> nbformat.NotebookNode:
    return notebook(
        [
            new_markdown_cell(
                "# Prepare the churn data\nLoad the export, fill gaps, and pin the key figures as scraps."
            ),
            parameters_cell('data_path = "../data/churn.csv"\nfill_strategy = "median"'),
            new_code_cell(
                "import pandas as pd\nimport scrapbook as sb\n\nraw = pd.read_csv(data_path)\nraw.shape"
            ),
            new_code_cell(
                "missing = int(raw['monthly_charges'].isna().sum())\nprint(f'missing monthly_charges: {missing}')"
            ),
            new_code_cell(
                "fill = raw['monthly_charges'].median() if fill_strategy == 'median' else raw['monthly_charges'].mean()\n"
                "clean = raw.assign(monthly_charges=raw['monthly_charges'].fillna(fill))\n"
                "clean.groupby('contract')[['tenure_months', 'monthly_charges', 'churned']].mean().round(4)"
            ),
            new_code_cell(
                "churn_rate = float(clean['churned'].mean())\n"
                "sb.glue('rows', int(len(clean)))\n"
                "sb.glue('churn_rate', churn_rate)\n"
                "print(f'churn rate: {churn_rate:.4f}')"
            ),
        ]
    )


def train() -> nbformat.NotebookNode:
    return notebook(
        [
            new_markdown_cell(
                "# Train the churn model\nA logistic regression on the prepared features, with a ROC plot."
            ),
            parameters_cell('data_path = "../data/churn.csv"\nC = 1.0\nseed = 0\ntest_size = 0.25'),
            train_cell(
                "%matplotlib inline\nimport matplotlib.pyplot as plt\n"
                "import numpy as np\nimport pandas as pd\nimport scrapbook as sb\n"
                "from sklearn.linear_model import LogisticRegression\n"
                "from sklearn.metrics import accuracy_score, roc_auc_score, roc_curve\n"
                "from sklearn.model_selection import train_test_split\n"
                "from sklearn.pipeline import make_pipeline\nfrom sklearn.preprocessing import StandardScaler"
            ),
            train_cell(
                "df = pd.read_csv(data_path)\n"
                "df['monthly_charges'] = df['monthly_charges'].fillna(df['monthly_charges'].median())\n"
                "X = pd.get_dummies(df[['tenure_months', 'monthly_charges', 'support_calls', 'contract']], "
                "columns=['contract'], dtype=float)\n"
                "y = df['churned']\n"
                "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, random_state=seed, stratify=y)\n"
                "X.columns.tolist()"
            ),
            train_cell(
                "model = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=1000))\n"
                "model.fit(X_train, y_train)\n"
                "proba = model.predict_proba(X_test)[:, 1]\n"
                "accuracy = accuracy_score(y_test, proba > 0.5)\n"
                "auc = roc_auc_score(y_test, proba)\n"
                "print(f'accuracy={accuracy:.4f} auc={auc:.4f}')"
            ),
            new_code_cell(
                "fpr, tpr, _ = roc_curve(y_test, proba)\n"
                "fig, ax = plt.subplots(figsize=(4, 3), dpi=80)\n"
                "ax.plot(fpr, tpr, label=f'AUC {auc:.3f}')\nax.plot([0, 1], [0, 1], '--', color='grey')\n"
                "ax.set_xlabel('false positive rate')\nax.set_ylabel('true positive rate')\nax.legend(loc='lower right')\n"
                "plt.show()"
            ),
            new_code_cell(
                "sample = X_test.head(5)\n"
                "sb.glue('accuracy', float(accuracy))\nsb.glue('auc', float(auc))\n"
                "sb.glue('sample_inputs', sample.values.tolist())\n"
                "sb.glue('sample_predictions', model.predict_proba(sample)[:, 1].round(6).tolist())\n"
                "# both class probabilities, as a served model answers (replayed by `nbgate promote`)\n"
                "sb.glue('sample_proba', model.predict_proba(sample).round(6).tolist())"
            ),
        ]
    )


def main() -> None:
    write_data()
    nbformat.write(prepare(), HERE / "notebooks" / "01_prepare.ipynb")
    nbformat.write(train(), HERE / "notebooks" / "02_train.ipynb")


if __name__ == "__main__":
    main()
