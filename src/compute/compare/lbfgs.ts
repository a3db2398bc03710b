/**
 * Limited-memory BFGS (Nocedal & Wright, Algorithm 7.4/7.5) with a backtracking Armijo line search,
 * for smooth convex objectives such as the probe's penalised cross-entropy. Pure float64.
 */

export interface LbfgsOptions {
  /** Stop when max |gradient| ≤ gtol (default 1e-6). */
  gtol?: number;
  /** Iteration limit (default 1000). */
  maxIter?: number;
  /** Pairs of correction vectors kept (default 10). */
  memory?: number;
  /** Called after each iteration with the objective; return false to stop early. */
  onIteration?: (iteration: number, f: number) => boolean | void;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  converged: boolean;
  /** Why it stopped: 'gtol', 'maxIter', 'lineSearch' (no further decrease in floating point) or 'stopped'. */
  reason: 'gtol' | 'maxIter' | 'lineSearch' | 'stopped';
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Minimises f from x0; `fg(x, g)` returns f(x) and writes ∇f(x) into g. */
export function minimizeLbfgs(fg: (x: Float64Array, g: Float64Array) => number, x0: Float64Array, opts: LbfgsOptions = {}): LbfgsResult {
  const gtol = opts.gtol ?? 1e-6;
  const maxIter = opts.maxIter ?? 1000;
  const m = opts.memory ?? 10;
  const p = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(p);
  let f = fg(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(p);
  const alpha = new Float64Array(m);
  let xNew = new Float64Array(p);
  let gNew = new Float64Array(p);
  for (let iter = 0; iter < maxIter; iter++) {
    if (maxAbs(g) <= gtol) return { x, f, iterations: iter, converged: true, reason: 'gtol' };
    // Two-loop recursion: dir = −H·g.
    for (let i = 0; i < p; i++) dir[i] = -g[i];
    for (let j = S.length - 1; j >= 0; j--) {
      alpha[j] = rho[j] * dot(S[j], dir);
      const y = Y[j];
      for (let i = 0; i < p; i++) dir[i] -= alpha[j] * y[i];
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last], Y[last]) / dot(Y[last], Y[last]);
      for (let i = 0; i < p; i++) dir[i] *= gamma;
    }
    for (let j = 0; j < S.length; j++) {
      const beta = rho[j] * dot(Y[j], dir);
      const s = S[j];
      for (let i = 0; i < p; i++) dir[i] += (alpha[j] - beta) * s[i];
    }
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < p; i++) dir[i] = -g[i];
      slope = dot(g, dir);
    }
    let step = S.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    let fNew = NaN;
    let accepted = false;
    for (let tries = 0; tries < 60; tries++) {
      for (let i = 0; i < p; i++) xNew[i] = x[i] + step * dir[i];
      fNew = fg(xNew, gNew);
      if (Number.isFinite(fNew) && fNew <= f + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted || fNew >= f) {
      if (accepted) [x, g, f] = [xNew, gNew, fNew];
      return { x, f, iterations: iter + 1, converged: maxAbs(g) <= gtol, reason: maxAbs(g) <= gtol ? 'gtol' : 'lineSearch' };
    }
    const s = new Float64Array(p);
    const y = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * dot(y, y)) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = fNew;
    if (opts.onIteration?.(iter + 1, f) === false) return { x, f, iterations: iter + 1, converged: false, reason: 'stopped' };
  }
  const converged = maxAbs(g) <= gtol;
  return { x, f, iterations: maxIter, converged, reason: converged ? 'gtol' : 'maxIter' };
}
