/**
 * Symmetric eigendecomposition in float64: Householder reduction to tridiagonal form followed by
 * the implicit QL algorithm with Wilkinson-style shifts (EISPACK tred2/tql2, as in the public-domain
 * JAMA package). The work arrays hold Vᵀ so every inner loop runs over contiguous memory.
 */

/**
 * Eigenvalues (descending) and orthonormal eigenvectors of the symmetric n × n matrix `a`
 * (row-major; only the lower triangle is read). `vectors` is row-major n × n with column j the
 * eigenvector of `values[j]`; each eigenvector's sign is fixed so that its largest-magnitude
 * component (the first, on ties) is positive. Throws on non-finite input.
 */
export function eighSymmetric(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  if (!Number.isInteger(n) || n < 0) throw new Error(`eighSymmetric: invalid size ${n}`);
  if (a.length !== n * n) throw new Error(`eighSymmetric: matrix has ${a.length} values, expected ${n} × ${n}`);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = a[i * n + j];
      if (!Number.isFinite(v)) throw new Error(`eighSymmetric: non-finite value ${v} at row ${i}, column ${j}`);
    }
  }
  if (n === 0) return { values: new Float64Array(0), vectors: new Float64Array(0) };
  // T[b·n + a] = V[a][b]; V starts as the symmetric matrix built from the lower triangle.
  const T = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = a[i * n + j];
      T[j * n + i] = v;
      T[i * n + j] = v;
    }
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tred2(T, n, d, e);
  tql2(T, n, d, e);

  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[y] - d[x] || x - y);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const src = order[c];
    values[c] = d[src];
    const row = src * n;
    let big = 0;
    let at = 0;
    for (let r = 0; r < n; r++) {
      const m = Math.abs(T[row + r]);
      if (m > big) {
        big = m;
        at = r;
      }
    }
    const sign = T[row + at] < 0 ? -1 : 1;
    for (let r = 0; r < n; r++) vectors[r * n + c] = sign * T[row + r];
  }
  return { values, vectors };
}

/** Householder tridiagonalisation; on exit d = diagonal, e = sub-diagonal (e[0] = 0), T = Qᵀ. */
function tred2(T: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  // V[a][b] ≡ T[b*n + a]
  for (let j = 0; j < n; j++) d[j] = T[j * n + (n - 1)];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = T[j * n + (i - 1)];
        T[j * n + i] = 0;
        T[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        T[i * n + j] = f; // V[j][i]
        const col = j * n; // V[·][j]
        g = e[j] + T[col + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          const v = T[col + k];
          g += v * d[k];
          e[k] += v * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        const col = j * n;
        for (let k = j; k <= i - 1; k++) T[col + k] -= f * e[k] + g * d[k];
        d[j] = T[col + (i - 1)];
        T[col + i] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    T[i * n + (n - 1)] = T[i * n + i];
    T[i * n + i] = 1;
    const h = d[i + 1];
    const ci1 = (i + 1) * n; // V[·][i+1]
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = T[ci1 + k] / h;
      for (let j = 0; j <= i; j++) {
        const cj = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += T[ci1 + k] * T[cj + k];
        for (let k = 0; k <= i; k++) T[cj + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) T[ci1 + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = T[j * n + (n - 1)];
    T[j * n + (n - 1)] = 0;
  }
  T[(n - 1) * n + (n - 1)] = 1;
  e[0] = 0;
}

/** Implicit QL on the tridiagonal (d, e); accumulates rotations into T (= Vᵀ). */
function tql2(T: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 300) throw new Error('eighSymmetric: QL iteration did not converge');
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          const ri = i * n;
          const ri1 = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            const hk = T[ri1 + k];
            const vk = T[ri + k];
            T[ri1 + k] = s * vk + c * hk;
            T[ri + k] = c * vk - s * hk;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}
