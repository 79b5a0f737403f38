/**
 * Predictive headroom (issue 16; off by default, tag `ecs-autoscaler:predictive-headroom=enabled`):
 * pre-warm before a ramp that happened at the same time yesterday.
 *
 * Memory: the demand (Σ desired tasks of the REPLICA services) per ten-minute slot of the day, the most
 * recent occurrence of each slot, in two ASG tags of 72 slots × 2 base-36 characters (`zz`: unknown) —
 * within the 256 characters of a tag value. The first decision in a slot overwrites yesterday's value;
 * later ones keep the maximum. The slots just ahead (the next 20 minutes, longer than a boot) still hold
 * yesterday's values: when their peak is above today's demand, the difference is kept as extra headroom,
 * converted to copies of the largest task by the average task's share of it. Never less than the
 * reactive headroom; a day without history (or a Monday after a weekend) predicts nothing above it.
 */
import { type CapacityAnalysis, headroomTask } from '../capacity/capacity.js';
import { taskReservation } from '../capacity/resources.js';
import type { AsgTag, ClusterSnapshot } from '../snapshot/snapshot.js';
import { tagValue } from './config.js';

/** Seconds per slot and slots per day. */
export const SLOT_SECONDS = 600;
export const SLOTS = 144;
/** How many slots ahead the forecast looks (20 minutes: more than a boot and a tick). */
export const LOOKAHEAD_SLOTS = 2;
/** The two tags holding the history (slots 0–71 with the last slot written, and 72–143). */
export const HISTORY_TAGS = ['ecs-autoscaler:demand-history-0', 'ecs-autoscaler:demand-history-1'] as const;

const UNKNOWN = 'zz';
const MAX_VALUE = 36 * 36 - 2;

/** The history: demand per slot (undefined: unknown) and the slot last written. */
export interface DemandHistory {
  lastSlot: number | undefined;
  values: (number | undefined)[];
}

/** The slot of `now` (UTC time of day / 10 min). */
export const slotOf = (now: Date): number => Math.floor(((now.getTime() / 1000) % 86_400) / SLOT_SECONDS);

/** Reads the two tags; anything malformed reads as unknown. */
export const parseHistory = (tags: readonly AsgTag[]): DemandHistory => {
  const raw0 = tagValue(tags, HISTORY_TAGS[0]) ?? '';
  const raw1 = tagValue(tags, HISTORY_TAGS[1]) ?? '';
  const m = /^(\d{1,3})\|([0-9a-z]{144})$/.exec(raw0);
  const second = /^[0-9a-z]{144}$/.test(raw1) ? raw1 : UNKNOWN.repeat(72);
  const body = (m ? m[2]! : UNKNOWN.repeat(72)) + second;
  const values = Array.from({ length: SLOTS }, (_, i) => {
    const v = body.slice(2 * i, 2 * i + 2);
    return v === UNKNOWN ? undefined : Number.parseInt(v, 36);
  });
  const last = m ? Number(m[1]) : undefined;
  return { lastSlot: last !== undefined && last < SLOTS ? last : undefined, values };
};

/** The two tag values of a history. */
export const formatHistory = (h: DemandHistory): [string, string] => {
  const cell = (v: number | undefined): string =>
    v === undefined ? UNKNOWN : Math.min(MAX_VALUE, Math.max(0, v)).toString(36).padStart(2, '0');
  const body = h.values.map(cell).join('');
  return [`${h.lastSlot ?? 0}|${body.slice(0, 144)}`, body.slice(144)];
};

/** Records `demand` at `now`: the first decision of a slot overwrites yesterday's value, later ones keep the max. */
export const recordDemand = (h: DemandHistory, now: Date, demand: number): DemandHistory => {
  const slot = slotOf(now);
  const values = [...h.values];
  values[slot] = h.lastSlot === slot ? Math.max(values[slot] ?? 0, demand) : demand;
  return { lastSlot: slot, values };
};

/** Yesterday's peak demand in the slots just ahead of `now` (undefined: no history there). */
export const forecastDemand = (
  h: DemandHistory,
  now: Date,
  lookahead = LOOKAHEAD_SLOTS,
): number | undefined => {
  const slot = slotOf(now);
  const ahead = Array.from({ length: lookahead }, (_, k) => h.values[(slot + 1 + k) % SLOTS]).filter(
    (v): v is number => v !== undefined,
  );
  return ahead.length > 0 ? Math.max(...ahead) : undefined;
};

/** What predictive headroom adds to one decision. */
export interface PredictiveHeadroom {
  /** Extra copies of the largest task to keep free. */
  extraTasks: number;
  /** Tag values to write (only those that change). */
  tags: Record<string, string>;
  reasons: string[];
}

/**
 * Records today's demand and turns yesterday's demand just ahead into extra headroom. Pure.
 * @param demand Σ desired tasks of the REPLICA services now.
 */
export const predictiveHeadroom = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  tags: readonly AsgTag[],
  demand: number,
  now: Date,
): PredictiveHeadroom => {
  const before = parseHistory(tags);
  const forecast = forecastDemand(before, now);
  const after = recordDemand(before, now, demand);
  const [v0, v1] = formatHistory(after);
  const out: Record<string, string> = {};
  if (tagValue(tags, HISTORY_TAGS[0]) !== v0) out[HISTORY_TAGS[0]] = v0;
  if (tagValue(tags, HISTORY_TAGS[1]) !== v1) out[HISTORY_TAGS[1]] = v1;
  if (forecast === undefined || forecast <= demand) return { extraTasks: 0, tags: out, reasons: [] };
  // The average wanted task as a share of the largest one (per dimension, the larger share).
  const largest = headroomTask(analysis);
  const byArn = new Map(snapshot.taskDefinitions.map((t) => [t.taskDefinitionArn, t]));
  let cpu = 0;
  let memory = 0;
  let count = 0;
  for (const s of snapshot.services) {
    if (s.status !== 'ACTIVE' || s.schedulingStrategy === 'DAEMON' || s.desiredCount <= 0) continue;
    const td = byArn.get(s.taskDefinition ?? s.deployments[0]?.taskDefinition ?? '');
    if (!td) continue;
    const r = taskReservation(td);
    cpu += r.CPU * s.desiredCount;
    memory += r.MEMORY * s.desiredCount;
    count += s.desiredCount;
  }
  const share =
    count === 0
      ? 1
      : Math.max(
          largest.CPU > 0 ? cpu / count / largest.CPU : 0,
          largest.MEMORY > 0 ? memory / count / largest.MEMORY : 0,
        );
  const extraTasks = Math.min(100, Math.ceil((forecast - demand) * share));
  return {
    extraTasks,
    tags: out,
    reasons: [
      `predictive headroom: yesterday ${forecast} tasks were wanted in the next ${LOOKAHEAD_SLOTS * 10} minutes, ${demand} now: keep ${extraTasks} more of the largest task free`,
    ],
  };
};
