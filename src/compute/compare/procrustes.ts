/**
 * Orthogonal Procrustes for 2-D layouts: the rotation or reflection R and uniform scale s that
 * carry a panel's points onto a reference panel's,
 *   min over R (orthogonal 2×2), s > 0, t:  Σ_i ‖s·R·b_i + t − a_i‖²,
 * fitted on every item placed in both (finite coordinates). With A_c, B_c the centred layouts
 * (points as rows) and M = B_cᵀA_c, the best rotation maximises c(M₀₀+M₁₁) + s(M₁₀−M₀₁), the best
 * reflection c(M₀₀−M₁₁) + s(M₁₀+M₀₁); the larger maximum σ wins (σ = the nuclear norm of M) and
 * s = σ / ‖B_c‖²_F. (scipy.linalg.orthogonal_procrustes gives the same R and σ.)
 */

export interface Procrustes {
  /** Row-vector map p ↦ p·R: [r00, r01, r10, r11]. */
  rotation: [number, number, number, number];
  scale: number;
  /** Mean of the reference and of the aligned layout over the fitted items. */
  referenceMean: [number, number];
  mean: [number, number];
  /** True when R is a reflection (det −1). */
  reflection: boolean;
  /** Items the fit used. */
  items: number;
}

function finite(c: ArrayLike<number>, i: number): boolean {
  return Number.isFinite(c[2 * i]) && Number.isFinite(c[2 * i + 1]);
}

/** Fits the map from `coords` onto `reference` (both interleaved x, y; same items in the same order). */
export function fitProcrustes(reference: ArrayLike<number>, coords: ArrayLike<number>): Procrustes {
  if (reference.length !== coords.length || reference.length % 2 !== 0) {
    const what = `${reference.length / 2} and ${coords.length / 2} points`;
    throw new Error(`procrustes: layouts of ${what} (need the same items, x/y interleaved)`);
  }
  const n = reference.length / 2;
  let items = 0;
  let ax = 0,
    ay = 0,
    bx = 0,
    by = 0;
  for (let i = 0; i < n; i++) {
    if (!finite(reference, i) || !finite(coords, i)) continue;
    items++;
    ax += reference[2 * i];
    ay += reference[2 * i + 1];
    bx += coords[2 * i];
    by += coords[2 * i + 1];
  }
  const identity: Procrustes = { rotation: [1, 0, 0, 1], scale: 1, referenceMean: [0, 0], mean: [0, 0], reflection: false, items };
  if (items === 0) return identity;
  ax /= items;
  ay /= items;
  bx /= items;
  by /= items;
  let m00 = 0,
    m01 = 0,
    m10 = 0,
    m11 = 0,
    bb = 0;
  for (let i = 0; i < n; i++) {
    if (!finite(reference, i) || !finite(coords, i)) continue;
    const a0 = reference[2 * i] - ax,
      a1 = reference[2 * i + 1] - ay;
    const b0 = coords[2 * i] - bx,
      b1 = coords[2 * i + 1] - by;
    m00 += b0 * a0;
    m01 += b0 * a1;
    m10 += b1 * a0;
    m11 += b1 * a1;
    bb += b0 * b0 + b1 * b1;
  }
  if (bb === 0) return { ...identity, referenceMean: [ax, ay], mean: [bx, by], scale: 0 };
  // Rotation R = [[c, s], [−s, c]] acting on row vectors: tr(RᵀM) = c(m00+m11) + s(m01−m10).
  const rotP = m00 + m11,
    rotQ = m01 - m10;
  // Reflection R = [[c, s], [s, −c]]: tr(RᵀM) = c(m00−m11) + s(m01+m10).
  const refP = m00 - m11,
    refQ = m01 + m10;
  const rotS = Math.hypot(rotP, rotQ);
  const refS = Math.hypot(refP, refQ);
  let rotation: Procrustes['rotation'];
  let sigma: number;
  let reflection = false;
  if (rotS >= refS) {
    const c = rotS > 0 ? rotP / rotS : 1,
      s = rotS > 0 ? rotQ / rotS : 0;
    rotation = [c, s, -s, c];
    sigma = rotS;
  } else {
    const c = refP / refS,
      s = refQ / refS;
    rotation = [c, s, s, -c];
    sigma = refS;
    reflection = true;
  }
  return { rotation, scale: sigma / bb, referenceMean: [ax, ay], mean: [bx, by], reflection, items };
}

/** Applies a fit: p ↦ s·(p − mean)·R + referenceMean (non-finite points stay as they are). */
export function applyProcrustes(fit: Procrustes, coords: ArrayLike<number>): Float32Array {
  const out = new Float32Array(coords.length);
  const [r00, r01, r10, r11] = fit.rotation;
  for (let i = 0; i < coords.length; i += 2) {
    const x = coords[i] - fit.mean[0];
    const y = coords[i + 1] - fit.mean[1];
    out[i] = fit.scale * (x * r00 + y * r10) + fit.referenceMean[0];
    out[i + 1] = fit.scale * (x * r01 + y * r11) + fit.referenceMean[1];
  }
  return out;
}

/**
 * A panel's 2-D layout (x, y interleaved, one point per item) aligned to the reference panel's:
 * rotation or reflection plus uniform scale and translation, fitted on all items placed in both.
 */
export function alignLayouts(reference: Float32Array, coords: Float32Array): Float32Array {
  return applyProcrustes(fitProcrustes(reference, coords), coords);
}
