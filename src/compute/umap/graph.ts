/**
 * UMAP's fuzzy simplicial set, built from a precomputed (exact) k-nearest-neighbour graph.
 *
 * Input rows hold each item's neighbours nearest first, the item itself excluded (the shape
 * `knn()` returns). Per item: ρ = distance to the nearest neighbour at a non-zero distance, σ by
 * binary search so that Σ exp(−max(0, d − ρ)/σ) = log2(k); then the directed memberships are
 * combined by the fuzzy union w = a + b − a·b into a symmetric edge list (both directions stored).
 * Typed arrays throughout; the edge order is deterministic (row-major, neighbour order).
 */

const SMOOTH_K_TOLERANCE = 1e-5;
const MIN_K_DIST_SCALE = 1e-3;

/** A neighbour graph: `n` items × `k` neighbours, row-major; -1 marks a missing neighbour. */
export interface NeighbourGraph {
  n: number;
  k: number;
  indices: Int32Array;
  distances: Float64Array | Float32Array;
}

/** Symmetric weighted edges (i → j and j → i both present), weights in (0, 1]. */
export interface FuzzyGraph {
  n: number;
  head: Int32Array;
  tail: Int32Array;
  weight: Float32Array;
}

/**
 * σ and ρ per row (umap-learn's `smooth_knn_dist`). `localConnectivity` 1 for fitting, 0 for
 * transforming new points (then ρ = 0).
 */
export function smoothKnnDist(g: NeighbourGraph, localConnectivity = 1, bandwidth = 1): { sigmas: Float64Array; rhos: Float64Array } {
  const { n, k, indices, distances } = g;
  const sigmas = new Float64Array(n);
  const rhos = new Float64Array(n);
  let meanAll = 0;
  let count = 0;
  for (let t = 0; t < n * k; t++) {
    if (indices[t] >= 0) {
      meanAll += distances[t];
      count++;
    }
  }
  meanAll = count ? meanAll / count : 0;
  const target = Math.log2(k) * bandwidth;
  const index = Math.floor(localConnectivity);
  const interpolation = localConnectivity - index;
  for (let i = 0; i < n; i++) {
    const off = i * k;
    // ρ: the local-connectivity-th non-zero distance (interpolated).
    let nonZero = 0;
    let rho = 0;
    let rowSum = 0;
    let rowCount = 0;
    for (let j = 0; j < k; j++) {
      if (indices[off + j] < 0) continue;
      const d = distances[off + j];
      rowSum += d;
      rowCount++;
      if (d > 0) nonZero++;
    }
    if (nonZero >= localConnectivity && index > 0) {
      // Distances are sorted ascending: ρ is the index-th non-zero one, interpolated towards the next.
      const nth = (m: number): number => {
        let seen = 0;
        for (let j = 0; j < k; j++) {
          if (indices[off + j] < 0 || distances[off + j] <= 0) continue;
          if (++seen === m) return distances[off + j];
        }
        return NaN;
      };
      rho = nth(index);
      if (interpolation > SMOOTH_K_TOLERANCE) {
        const next = nth(index + 1);
        if (!Number.isNaN(next)) rho += interpolation * (next - rho);
      }
    } else if (nonZero > 0 && index > 0) {
      rho = nth0Max(indices, distances, off, k);
    }
    rhos[i] = rho;

    let lo = 0;
    let hi = Infinity;
    let mid = 1;
    for (let it = 0; it < 64; it++) {
      let psum = 0;
      for (let j = 0; j < k; j++) {
        if (indices[off + j] < 0) continue;
        const d = distances[off + j] - rho;
        psum += d > 0 ? Math.exp(-(d / mid)) : 1;
      }
      if (Math.abs(psum - target) < SMOOTH_K_TOLERANCE) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        if (hi === Infinity) mid *= 2;
        else mid = (lo + hi) / 2;
      }
    }
    const meanRow = rowCount ? rowSum / rowCount : 0;
    if (rho > 0) mid = Math.max(mid, MIN_K_DIST_SCALE * meanRow);
    else mid = Math.max(mid, MIN_K_DIST_SCALE * meanAll);
    sigmas[i] = mid;
  }
  return { sigmas, rhos };
}

function nth0Max(indices: Int32Array, distances: Float64Array | Float32Array, off: number, k: number): number {
  let max = 0;
  for (let j = 0; j < k; j++) if (indices[off + j] >= 0) max = Math.max(max, distances[off + j]);
  return max;
}

/** Directed membership strengths, row-major like the neighbour lists (0 where missing). */
export function memberships(g: NeighbourGraph, sigmas: Float64Array, rhos: Float64Array): Float32Array {
  const { n, k, indices, distances } = g;
  const w = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const t = i * k + j;
      const nb = indices[t];
      if (nb < 0 || nb === i) continue;
      const d = distances[t] - rhos[i];
      w[t] = d <= 0 ? 1 : Math.exp(-(d / sigmas[i]));
    }
  }
  return w;
}

/** Takes the first `k` neighbours of each row of a wider neighbour list. */
export function truncateGraph(g: NeighbourGraph, k: number): NeighbourGraph {
  if (k >= g.k) return g;
  const indices = new Int32Array(g.n * k);
  const distances = new Float64Array(g.n * k);
  for (let i = 0; i < g.n; i++) {
    for (let j = 0; j < k; j++) {
      indices[i * k + j] = g.indices[i * g.k + j];
      distances[i * k + j] = g.distances[i * g.k + j];
    }
  }
  return { n: g.n, k, indices, distances };
}

/** The fuzzy union of the directed memberships: a symmetric edge list. */
export function fuzzySimplicialSet(g: NeighbourGraph, setOpMixRatio = 1): FuzzyGraph {
  const { n, k, indices } = g;
  const { sigmas, rhos } = smoothKnnDist(g, 1);
  const w = memberships(g, sigmas, rhos);
  // At most 2 edges per directed neighbour pair.
  const head = new Int32Array(2 * n * k);
  const tail = new Int32Array(2 * n * k);
  const weight = new Float32Array(2 * n * k);
  let m = 0;
  const reverse = (i: number, j: number): number => {
    const off = j * k;
    for (let t = 0; t < k; t++) if (indices[off + t] === i) return w[off + t];
    return -1;
  };
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = indices[i * k + t];
      if (j < 0 || j === i) continue;
      const a = w[i * k + t];
      const r = reverse(i, j);
      const b = r < 0 ? 0 : r;
      const prod = a * b;
      const s = setOpMixRatio * (a + b - prod) + (1 - setOpMixRatio) * prod;
      if (s <= 0) continue;
      head[m] = i;
      tail[m] = j;
      weight[m] = s;
      m++;
      if (r < 0) {
        // j does not list i: store the mirror edge here so the graph stays symmetric.
        head[m] = j;
        tail[m] = i;
        weight[m] = s;
        m++;
      }
    }
  }
  return { n, head: head.slice(0, m), tail: tail.slice(0, m), weight: weight.slice(0, m) };
}
