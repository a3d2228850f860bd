#!/usr/bin/python3
"""Reference numbers for Tailor's clustering numerics (src/core/ml/cluster), from scikit-learn and scipy.

Run from the repository root with Debian's python (python3-sklearn, python3-scipy; nothing from pip):

    /usr/bin/python3 bench/reference/cluster_reference.py            # writes test/fixtures/cluster-reference.json
    /usr/bin/python3 bench/reference/cluster_reference.py --kmeans-bench FILE n d k n_init
        # times KMeans(init='k-means++', n_init, random_state=0, algorithm='lloyd') on FILE
        # (n*d little-endian float64, row-major) and prints {"ms": ..., "inertia": ...}

The data sets are generated here with fixed numpy seeds and written into the fixture, so the
TypeScript tests read exactly the same numbers (no generator has to be reimplemented twice).
"""

import json
import os
import sys
import time

import numpy as np
import scipy
import sklearn
from scipy.cluster.hierarchy import linkage
from sklearn.cluster import DBSCAN, KMeans
from sklearn.datasets import make_blobs, make_moons
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score, silhouette_score


def kmeans_bench(path, n, d, k, n_init):
    x = np.fromfile(path, dtype='<f8').reshape(n, d)
    t0 = time.perf_counter()
    km = KMeans(n_clusters=k, init='k-means++', n_init=n_init, random_state=0, algorithm='lloyd').fit(x)
    ms = (time.perf_counter() - t0) * 1000
    print(json.dumps({'ms': ms, 'inertia': float(km.inertia_), 'iterations': int(km.n_iter_)}))


def main():
    rng = np.random.RandomState(0)

    # k-means / silhouette / PCA: 600x4, 4 blobs around fixed centres plus 20 uniform noise points
    # (centres chosen so that the silhouette argmax, k = 4, wins by a clear margin).
    centres = np.array([[0, 0, 0, 0], [6, 0, 2, 0], [0, 6, 0, 2], [5, 5, 5, 5]], dtype=float)
    blobs, blob_truth = make_blobs(n_samples=580, centers=centres, n_features=4, cluster_std=1.0, random_state=0)
    noise = rng.uniform(blobs.min(axis=0), blobs.max(axis=0), size=(20, 4))
    x = np.vstack([blobs, noise])
    truth = np.concatenate([blob_truth, np.full(20, 4)])
    kmeans = []
    for k in range(2, 9):
        km = KMeans(n_clusters=k, n_init=10, random_state=0).fit(x)
        kmeans.append({'k': k, 'inertia': float(km.inertia_), 'silhouette': float(silhouette_score(x, km.labels_))})
    best_k = max(kmeans, key=lambda r: r['silhouette'])['k']
    sil_truth = float(silhouette_score(x, truth))

    pca = PCA(n_components=2).fit(x)
    proj = pca.transform(x)

    # Ward: 300x3, three elongated groups.
    w1 = rng.normal([0, 0, 0], [1.0, 0.5, 0.5], size=(100, 3))
    w2 = rng.normal([5, 1, 0], [0.5, 1.5, 0.5], size=(100, 3))
    w3 = rng.normal([2, 6, 3], [0.8, 0.8, 1.2], size=(100, 3))
    xw = np.vstack([w1, w2, w3])
    z = linkage(xw, method='ward')

    # DBSCAN: two moons plus uniform noise in 2-D.
    moons, _ = make_moons(n_samples=400, noise=0.06, random_state=0)
    mnoise = rng.uniform([-1.5, -1.0], [2.5, 1.5], size=(40, 2))
    xd = np.vstack([moons, mnoise])
    eps, min_samples = 0.15, 5
    db = DBSCAN(eps=eps, min_samples=min_samples).fit(xd)

    # ARI pairs.
    a1 = rng.randint(0, 4, size=200)
    b1 = rng.randint(0, 5, size=200)
    a2 = truth
    b2 = KMeans(n_clusters=4, n_init=10, random_state=0).fit(x).labels_
    pairs = [
        {'a': a1.tolist(), 'b': b1.tolist(), 'ari': float(adjusted_rand_score(a1, b1))},
        {'a': a2.tolist(), 'b': b2.tolist(), 'ari': float(adjusted_rand_score(a2, b2))},
        {'a': [0, 0, 1, 1], 'b': [1, 1, 0, 0], 'ari': float(adjusted_rand_score([0, 0, 1, 1], [1, 1, 0, 0]))},
        {'a': [0, 0, 1, 2], 'b': [0, 0, 1, 1], 'ari': float(adjusted_rand_score([0, 0, 1, 2], [0, 0, 1, 1]))},
        {'a': [0, 0, 0, 0], 'b': [0, 1, 2, 3], 'ari': float(adjusted_rand_score([0, 0, 0, 0], [0, 1, 2, 3]))},
    ]

    out = {
        'source': {
            'script': 'bench/reference/cluster_reference.py',
            'sklearn': sklearn.__version__,
            'scipy': scipy.__version__,
            'numpy': np.__version__,
        },
        'blobs': {'x': x.tolist(), 'truth': truth.tolist(), 'silhouetteTruth': sil_truth},
        'kmeans': {'nInit': 10, 'randomState': 0, 'results': kmeans, 'bestK': best_k},
        'pca': {
            'components': 2,
            'explainedVarianceRatio': pca.explained_variance_ratio_.tolist(),
            'projection': proj.tolist(),
        },
        'ward': {
            'x': xw.tolist(),
            'linkage': z.tolist(),
            'fcluster3': __import__('scipy.cluster.hierarchy', fromlist=['fcluster']).fcluster(z, 3, criterion='maxclust').tolist(),
        },
        'dbscan': {
            'x': xd.tolist(),
            'eps': eps,
            'minSamples': min_samples,
            'labels': db.labels_.tolist(),
            'clusters': int(len(set(db.labels_.tolist()) - {-1})),
            'noise': int((db.labels_ == -1).sum()),
        },
        'ari': pairs,
    }
    path = os.path.join('test', 'fixtures', 'cluster-reference.json')
    with open(path, 'w') as f:
        json.dump(out, f, separators=(',', ':'))
    print(f'wrote {path}: best k {best_k}, dbscan clusters {out["dbscan"]["clusters"]} noise {out["dbscan"]["noise"]}')


if __name__ == '__main__':
    if len(sys.argv) >= 2 and sys.argv[1] == '--kmeans-bench':
        kmeans_bench(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
    else:
        main()
