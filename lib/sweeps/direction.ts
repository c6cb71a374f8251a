/** Which way a delta points: true = an improvement, whatever the metric's direction (null where nobody states it). */
export function isImprovement(delta: number, higherIsBetter: boolean | null): boolean | null {
  if (higherIsBetter === null || delta === 0) return null;
  return higherIsBetter ? delta > 0 : delta < 0;
}
