/**
 * CloudWatch metric storage: datapoints keyed by namespace, name and dimension set, fed by
 * PutMetricData and by EMF documents (the Powertools Metrics output of the handlers).
 * Values are kept per submission (sum, count, min, max) so any standard statistic can be computed.
 */

/** One submitted datapoint (aggregated if it carried several values). */
export interface Datapoint {
  t: number;
  sum: number;
  count: number;
  min: number;
  max: number;
}

/** A metric identity; `dims` sorted by name. */
export interface MetricId {
  namespace: string;
  name: string;
  dims: Array<{ Name: string; Value: string }>;
}

/** Statistics the simulator computes (no percentiles). */
export type Statistic = 'Average' | 'Sum' | 'Minimum' | 'Maximum' | 'SampleCount';

/** Canonical key of a metric (dimension order does not matter, as in CloudWatch). */
export const metricKey = (m: MetricId): string => {
  const dims =
    m.dims.length < 2 ? m.dims : [...m.dims].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  let key = `${m.namespace}|${m.name}|`;
  for (let k = 0; k < dims.length; k++) key += `${k > 0 ? ',' : ''}${dims[k]!.Name}=${dims[k]!.Value}`;
  return key;
};

/** Index of the first point with `t >= at` (points in time order). */
const firstAtOrAfter = (points: readonly Datapoint[], at: number): number => {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.t < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/** Index of the first point with `t > at` (points in time order). */
const firstAfter = (points: readonly Datapoint[], at: number): number => {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.t <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/** All datapoints, by metric. Points older than `retentionMs` are dropped on insert. */
export class MetricStore {
  private readonly series = new Map<string, { id: MetricId; points: Datapoint[] }>();
  /** The point put() added last (putStats overwrites its aggregates). */
  private last: Datapoint | undefined;

  constructor(private readonly retentionMs = 26 * 3600 * 1000) {}

  /** Adds values for a metric at time `t` (epoch ms). */
  put(id: MetricId, t: number, values: number[], counts?: number[]): void {
    if (values.length === 0) return;
    const key = metricKey(id);
    let s = this.series.get(key);
    if (!s) {
      s = { id: { ...id, dims: [...id.dims] }, points: [] };
      this.series.set(key, s);
    }
    let sum = 0;
    let count = 0;
    values.forEach((v, k) => {
      const c = counts?.[k] ?? 1;
      sum += v * c;
      count += c;
    });
    // Points stay in time order (a PutMetricData Timestamp may be in the past): after the last point
    // at or before t, so stat() finds a window by binary search instead of scanning the series.
    const point = { t, sum, count, min: Math.min(...values), max: Math.max(...values) };
    const at = firstAfter(s.points, t);
    if (at === s.points.length) s.points.push(point);
    else s.points.splice(at, 0, point);
    this.last = point;
    const cutoff = t - this.retentionMs;
    const drop = firstAtOrAfter(s.points, cutoff);
    if (drop > 0) s.points.splice(0, drop);
  }

  /** Adds a pre-aggregated StatisticSet. */
  putStats(
    id: MetricId,
    t: number,
    stats: { SampleCount: number; Sum: number; Minimum: number; Maximum: number },
  ): void {
    this.put(id, t, [stats.Minimum]);
    const p = this.last!;
    p.sum = stats.Sum;
    p.count = stats.SampleCount;
    p.min = stats.Minimum;
    p.max = stats.Maximum;
  }

  /** The statistic over [fromMs, toMs), or undefined when there is no datapoint. */
  stat(id: MetricId | string, stat: Statistic, fromMs: number, toMs: number): number | undefined {
    const s = this.series.get(typeof id === 'string' ? id : metricKey(id));
    if (!s) return undefined;
    let sum = 0;
    let count = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    const { points } = s;
    for (let k = firstAtOrAfter(points, fromMs); k < points.length; k++) {
      const p = points[k]!;
      if (p.t >= toMs) break;
      sum += p.sum;
      count += p.count;
      min = Math.min(min, p.min);
      max = Math.max(max, p.max);
    }
    if (count === 0) return undefined;
    switch (stat) {
      case 'Average':
        return sum / count;
      case 'Sum':
        return sum;
      case 'Minimum':
        return min;
      case 'Maximum':
        return max;
      default:
        return count;
    }
  }

  /** Every metric with at least one datapoint. */
  list(): MetricId[] {
    return [...this.series.values()].map((s) => s.id);
  }
}

/**
 * Turns one EMF document into metric submissions (CloudWatch embedded metric format specification:
 * `_aws.CloudWatchMetrics[].{Namespace, Dimensions: string[][], Metrics[].Name}`, values and dimension
 * values as top-level members). The document's own Timestamp is ignored: Powertools stamps real time.
 */
export const emfToMetrics = (doc: Record<string, unknown>): Array<{ id: MetricId; values: number[] }> => {
  const aws = doc._aws as
    | {
        CloudWatchMetrics?: Array<{
          Namespace: string;
          Dimensions?: string[][];
          Metrics?: Array<{ Name: string }>;
        }>;
      }
    | undefined;
  const out: Array<{ id: MetricId; values: number[] }> = [];
  for (const directive of aws?.CloudWatchMetrics ?? []) {
    const dimSets = directive.Dimensions?.length ? directive.Dimensions : [[]];
    for (const metric of directive.Metrics ?? []) {
      const raw = doc[metric.Name];
      const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is number => typeof v === 'number');
      for (const set of dimSets) {
        const dims = set.map((Name) => ({ Name, Value: String(doc[Name] ?? '') }));
        out.push({ id: { namespace: directive.Namespace, name: metric.Name, dims }, values });
      }
    }
  }
  return out;
};
