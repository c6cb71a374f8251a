/**
 * Someone reading the UI: fetches each page in turn (with a bearer token, like a script or a signed-in browser)
 * until stopped, and records each page's latency and status.
 */
export interface PageSample {
  path: string;
  ms: number;
  status: number;
}

export async function readPages(options: { server: string; token: string; paths: string[]; signal: AbortSignal }): Promise<PageSample[]> {
  const samples: PageSample[] = [];
  for (let i = 0; !options.signal.aborted; i++) {
    const pagePath = options.paths[i % options.paths.length];
    const started = performance.now();
    let status = 0;
    try {
      const response = await fetch(`${options.server}${pagePath}`, { headers: { authorization: `Bearer ${options.token}` }, redirect: "manual" });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      status = 0;
    }
    samples.push({ path: pagePath, ms: performance.now() - started, status });
  }
  return samples;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
