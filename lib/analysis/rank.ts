/**
 * Rank agreement between two paired samples (does the cheap measurement order the fork points the way the
 * expensive one does?). Both handle ties: Spearman's ρ as the Pearson correlation of average ranks, Kendall's
 * τ-b with its tie correction. Null where undefined — fewer than two pairs, or a sample with no spread.
 */

/** 1-based ranks, ties sharing the average of the ranks they span ([10, 20, 20] → [1, 2.5, 2.5]). */
export function averageRanks(values: number[]): number[] {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && order[end + 1].value === order[start].value) end += 1;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k += 1) ranks[order[k].index] = rank;
    start = end + 1;
  }
  return ranks;
}

function checkPaired(xs: number[], ys: number[]): void {
  if (xs.length !== ys.length) throw new RangeError(`paired samples differ in length (${xs.length} vs ${ys.length})`);
}

export function pearson(xs: number[], ys: number[]): number | null {
  checkPaired(xs, ys);
  const n = xs.length;
  if (n < 2) return null;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i += 1) {
    const dx = xs[i] - mx;
    const dy = ys[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  // Rounding can push a perfect correlation a hair past ±1.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

export function spearman(xs: number[], ys: number[]): number | null {
  checkPaired(xs, ys);
  return pearson(averageRanks(xs), averageRanks(ys));
}

/** τ-b = (concordant − discordant) / √((n0 − n1)(n0 − n2)); O(n²), fine for the handful of forks a run has. */
export function kendallTauB(xs: number[], ys: number[]): number | null {
  checkPaired(xs, ys);
  const n = xs.length;
  if (n < 2) return null;
  let concordant = 0;
  let discordant = 0;
  let tiedX = 0;
  let tiedY = 0;
  for (let i = 0; i < n; i += 1) {
    for (let j = i + 1; j < n; j += 1) {
      const dx = Math.sign(xs[i] - xs[j]);
      const dy = Math.sign(ys[i] - ys[j]);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiedX += 1;
      else if (dy === 0) tiedY += 1;
      else if (dx === dy) concordant += 1;
      else discordant += 1;
    }
  }
  const denominator = Math.sqrt((concordant + discordant + tiedX) * (concordant + discordant + tiedY));
  if (denominator === 0) return null;
  return (concordant - discordant) / denominator;
}
