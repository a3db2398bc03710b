/** Row-major float32 matrix: `n` rows (items) of `dim` values each. */
export interface Embeddings {
  n: number;
  dim: number;
  data: Float32Array;
}

export type Metric = 'euclidean' | 'cosine';

/** Exact top-k neighbours of each seed (the seed itself excluded; ties broken by lower index). */
export interface KnnResult {
  k: number;
  /** Row index of each seed in the corpus. */
  seeds: Int32Array;
  /** seeds.length × k neighbour row indices, nearest first. */
  indices: Int32Array;
  /** seeds.length × k distances (Euclidean distance, or cosine distance 1 − cos), nearest first. */
  distances: Float64Array;
}

/** A categorical column encoded as integer codes; -1 marks an empty label. */
export interface LabelColumn {
  name: string;
  codes: Int32Array;
  /** values[code] is the label string. */
  values: string[];
}

export interface FacetScore {
  consistency: number;
  ci95: [number, number];
  chance: number;
  /** Number of seeds with a non-empty label (those the mean is taken over). */
  seeds: number;
}

/** BERT-whitening parameters fitted on a corpus. */
export interface Whitening {
  dim: number;
  /** Mean vector μ (length dim). */
  mean: Float64Array;
  /** Eigenvalues of the covariance, descending (length dim). */
  eigenvalues: Float64Array;
  /** W = U·diag(1/√(λ+ε)), row-major dim × dim; column j belongs to eigenvalue j. */
  w: Float64Array;
  eps: number;
}

export type Progress = (done: number, total: number) => void;
