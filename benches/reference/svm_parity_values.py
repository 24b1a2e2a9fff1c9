"""Prints the expected values of the parity test in src/models/svm.rs (`matches_scikit_learn_svc`).

Run once with scikit-learn installed: python3 benches/reference/svm_parity_values.py
The data are a small overlapping 3-class problem, rounded to 2 decimals so they can be written
into the test as literals; the output is pasted into the test with the scikit-learn version.
"""
import numpy as np
import sklearn
from sklearn.svm import SVC

rng = np.random.default_rng(11)
centres = np.array([[0.0, 0.0, 0.0], [1.5, 0.5, -0.5], [0.5, 1.5, 1.0]])
X = np.round(np.vstack([c + rng.normal(size=(10, 3)) for c in centres]), 2)
y = np.repeat([0, 1, 2], 10)
T = np.round(rng.normal(size=(6, 3)) + 0.6, 2)

print("// scikit-learn", sklearn.__version__)
print("X =", X.tolist())
print("y =", y.tolist())
print("T =", T.tolist())
for kernel in ["rbf", "linear"]:
    m = SVC(kernel=kernel, decision_function_shape="ovo").fit(X, y)
    print(kernel, "ovo decision values =", np.round(m.decision_function(T), 6).tolist())
    print(kernel, "predict =", m.predict(T).tolist(), "n_support =", m.n_support_.tolist())

# SVR(): the same rows, target = a smooth function of them plus noise (svr.rs
# `matches_scikit_learn_svr`).
from sklearn.svm import SVR  # noqa: E402

target = np.round(np.sin(X[:, 0]) + 0.5 * X[:, 1] + rng.normal(scale=0.1, size=len(X)), 2)
print("svr target =", target.tolist())
m = SVR().fit(X, target)
print("svr predict =", np.round(m.predict(T), 6).tolist(), "n_support =", int(m.support_.size))
