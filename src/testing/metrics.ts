// Prometheus text exposition (format 0.0.4) of what the fake served, so a real Prometheus can
// scrape it and compute the error ratio and p95 the ramp gates watch.

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 30];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

export class Metrics {
  private requests = new Map<string, number>();
  private durations = new Map<string, Histogram>();

  /** `status` is the HTTP status sent, or "none" when the connection ended without one. */
  observe(path: string, status: number | 'none', seconds: number): void {
    const key = `${path}\u0000${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const histogram = this.durations.get(path) ?? { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
    BUCKETS.forEach((le, i) => {
      if (seconds <= le) histogram.counts[i]!++;
    });
    histogram.sum += seconds;
    histogram.count++;
    this.durations.set(path, histogram);
  }

  render(): string {
    const lines = ['# HELP fake_requests_total Requests answered by the fake provider, by path and status.', '# TYPE fake_requests_total counter'];
    for (const [key, value] of this.requests) {
      const [path, status] = key.split('\u0000');
      lines.push(`fake_requests_total{path="${escape(path!)}",status="${escape(status!)}"} ${value}`);
    }
    lines.push('# HELP fake_request_duration_seconds Time from request arrival to the end of the response.', '# TYPE fake_request_duration_seconds histogram');
    for (const [path, h] of this.durations) {
      const label = `path="${escape(path)}"`;
      BUCKETS.forEach((le, i) => lines.push(`fake_request_duration_seconds_bucket{${label},le="${le}"} ${h.counts[i]}`));
      lines.push(`fake_request_duration_seconds_bucket{${label},le="+Inf"} ${h.count}`);
      lines.push(`fake_request_duration_seconds_sum{${label}} ${h.sum}`);
      lines.push(`fake_request_duration_seconds_count{${label}} ${h.count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Paths outside the API collapse to one label so a scanner cannot blow up the series count. */
export function metricPath(path: string, known: readonly string[]): string {
  if (known.includes(path)) return path;
  return path.startsWith('/v1/models/') ? '/v1/models/{id}' : 'other';
}
