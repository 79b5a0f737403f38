/**
 * Tick pacing for large accounts (issue 19, docs/account-scale.md "Tick pacing"). Every cluster decision
 * reads its container instances and services; ECS serves those reads from token buckets shared by the
 * whole account and Region (ecs-facts §7.2). When one minute's ticks of every managed cluster would ask for
 * more than {@link TICK_READ_SHARE} of a bucket's refill, each cluster is ticked every `k` minutes instead,
 * in the minute its stable hash picks, so the account's clusters are spread over the `k` minutes; a
 * cluster with one of the scaler's alarms in ALARM is not quiet and is ticked every minute. Alarms and
 * the service scaler's grow requests are never paced: they go to the cluster queue at once.
 * Pure: the dispatcher passes the managed clusters and their instance counts.
 */

/** An ECS throttling bucket: burst and refill per second, per account and Region (ecs-facts §7.2). */
export interface ReadBucket {
  burst: number;
  refill: number;
}

/** The ECS read buckets a cluster decision draws from (ecs-facts §7.2). */
export const ECS_READ_BUCKETS = {
  /** ListContainerInstances, DescribeContainerInstances, ListTasks, DescribeTasks, ListAttributes. */
  clusterResource: { burst: 100, refill: 20 },
  /** ListServices, DescribeServices. */
  service: { burst: 100, refill: 20 },
  /** DescribeClusters. */
  cluster: { burst: 50, refill: 20 },
} as const satisfies Record<string, ReadBucket>;

/**
 * Share of each bucket's refill the ticks may plan on. The rest is for the drainer, alarms, the service
 * scaler's requests, bursts and the account's other ECS tooling; at 50 % one minute's ticks are served
 * in about half a minute even when their reads arrive at once.
 */
export const TICK_READ_SHARE = 0.5;

/** Longest tick period, minutes: a quiet cluster is re-checked at least this often. */
export const MAX_TICK_PERIOD_MINUTES = 10;

/**
 * Task-list reads (ListTasks, DescribeTasks) a decision makes on average, beyond the snapshot: the
 * instances about to drain, own or ownerless drains, a candidate whose list may make scale-in possible
 * (scale-cluster.ts, scale-in.ts). `npm run bench:account` measured 2.8–3.6 per decision (5 seeds × 60
 * minutes, decisions every 5 minutes) under its busy batch workload, which scales in often; rounded up
 * (docs/account-scale.md).
 */
export const TASK_READS_PER_DECISION = 4;

/** A managed cluster as the dispatcher sees it (from DescribeAutoScalingGroups and DescribeAlarms). */
export interface ClusterSize {
  name: string;
  /** Instances of its managed groups (0 when unknown: counted as one page). */
  instances: number;
  /**
   * Not quiet: one of the scaler's alarms of the cluster is in ALARM (capacity deficit, few schedulable
   * tasks, reservation high). Such a cluster is ticked every minute, whatever the period.
   */
  busy?: boolean;
}

/** Expected ECS reads of one decision of a cluster, per bucket. */
export const decisionReads = (instances: number): Record<keyof typeof ECS_READ_BUCKETS, number> => {
  const pages = Math.max(1, Math.ceil(instances / 100));
  return {
    // ListContainerInstances (100 per page) + DescribeContainerInstances (100 per call), then task lists.
    clusterResource: 2 * pages + TASK_READS_PER_DECISION,
    // ListServices + DescribeServices (10 per call): at least one each; more services, more calls.
    service: 2,
    cluster: 1,
  };
};

/**
 * The tick period `k` (minutes): the smallest k at which one minute's ticks — every busy cluster, and a
 * k-th of the quiet ones — ask each ECS read bucket for at most {@link TICK_READ_SHARE} of its refill;
 * 1 for small accounts, at most {@link MAX_TICK_PERIOD_MINUTES} (also when the busy clusters alone use
 * the share up).
 */
export const tickPeriodMinutes = (clusters: readonly ClusterSize[], share = TICK_READ_SHARE): number => {
  let k = 1;
  for (const [bucket, b] of Object.entries(ECS_READ_BUCKETS) as [
    keyof typeof ECS_READ_BUCKETS,
    ReadBucket,
  ][]) {
    const reads = (busy: boolean) =>
      clusters.reduce((n, c) => n + (Boolean(c.busy) === busy ? decisionReads(c.instances)[bucket] : 0), 0);
    const budget = share * b.refill * 60 - reads(true);
    const quiet = reads(false);
    if (quiet === 0) continue;
    k = Math.max(k, budget > 0 ? Math.ceil(quiet / budget) : MAX_TICK_PERIOD_MINUTES);
  }
  return Math.min(MAX_TICK_PERIOD_MINUTES, k);
};

/** FNV-1a (32 bit) of a cluster name: its tick minute does not move when other clusters come and go. */
const hash32 = (text: string): number => {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
};

/** The minute (0..k−1) of a cluster's tick within each period of `k` minutes. */
export const tickSlot = (cluster: string, k: number): number => (k <= 1 ? 0 : hash32(cluster) % k);

/** Whether the tick at `at` decides `cluster`: busy, or its slot is the minute's index modulo k. */
export const tickIsDue = (cluster: string, k: number, at: Date, busy = false): boolean =>
  busy || k <= 1 || Math.floor(at.getTime() / 60_000) % k === tickSlot(cluster, k);
