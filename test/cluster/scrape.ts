// Reads a Prometheus text page the way a scraper does: the sum of a metric's samples whose labels include `labels`.
/** An API's /metrics needs its METRICS_TOKEN as bearer (`token`); a worker's port needs none. */
export async function scrape(url: string, token?: string): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, text: await res.text() };
}

export function sampleSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

/** A metric's value on the page at `url`; fails when the page does not answer 200. */
export async function metricAt(url: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const { status, text } = await scrape(url);
  if (status !== 200) throw new Error(`${url}: ${status}`);
  return sampleSum(text, name, labels);
}
