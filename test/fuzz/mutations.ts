/**
 * Bad-input generators for the handler fuzz test: arbitrary JSON, and the real events of `events/` with
 * one field removed, retyped or oversized.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

/** A recorded event file. */
export interface EventFile {
  name: string;
  event: unknown;
}

/** Every event under events/<source>/*.json (snapshots excluded: they are not Lambda events). */
export const loadEvents = (root = 'events'): EventFile[] =>
  readdirSync(root)
    .filter((d) => d !== 'snapshots')
    .flatMap((d) =>
      readdirSync(join(root, d))
        .filter((f) => f.endsWith('.json'))
        .map((f) => ({
          name: `${d}/${f}`,
          event: JSON.parse(readFileSync(join(root, d, f), 'utf8')) as unknown,
        })),
    );

type Path = (string | number)[];

/** Every path to a value inside `v` (objects and arrays), the root excluded. */
export const paths = (v: unknown, prefix: Path = []): Path[] => {
  if (Array.isArray(v)) return v.flatMap((x, i) => [[...prefix, i], ...paths(x, [...prefix, i])]);
  if (v && typeof v === 'object') {
    return Object.entries(v).flatMap(([k, x]) => [[...prefix, k], ...paths(x, [...prefix, k])]);
  }
  return [];
};

/** How a field is broken. */
export type Mutation =
  | { kind: 'remove'; path: Path }
  | { kind: 'retype'; path: Path; value: unknown }
  | { kind: 'oversize'; path: Path; value: unknown };

/** Applies a mutation to a clone. */
export const mutate = (event: unknown, m: Mutation): unknown => {
  const copy = structuredClone(event) as Record<string | number, unknown>;
  const parent = m.path
    .slice(0, -1)
    .reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, copy);
  const key = m.path.at(-1)!;
  if (m.kind === 'remove') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else parent[key] = m.value;
  return copy;
};

/** Values of another type than a field usually has, and oversized ones. */
const retyped = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 20 }),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);
const oversized = fc.oneof(
  fc.constant('x'.repeat(300_000)),
  fc.constant(Array.from({ length: 20_000 }, (_, i) => `i-${i}`)),
  fc.constant(Number.MAX_VALUE),
  fc.constant(-1e21),
  fc.constant(`i-${'f'.repeat(5000)}`),
);

/** A real event with one field broken. */
export const mutatedEvent = (
  events: readonly EventFile[],
): fc.Arbitrary<{ name: string; mutation: Mutation; event: unknown }> =>
  fc.constantFrom(...events.filter((e) => paths(e.event).length > 0)).chain((file) =>
    fc
      .record({
        path: fc.constantFrom(...paths(file.event)),
        kind: fc.constantFrom('remove', 'retype', 'oversize'),
        retype: retyped,
        big: oversized,
      })
      .map(({ path, kind, retype, big }) => {
        const mutation: Mutation =
          kind === 'remove'
            ? { kind, path }
            : { kind: kind as 'retype' | 'oversize', path, value: kind === 'retype' ? retype : big };
        return { name: file.name, mutation, event: mutate(file.event, mutation) };
      }),
  );

/** Arbitrary JSON values, including event-like objects with random detail-types. */
export const arbitraryEvent = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({
    version: fc.constant('0'),
    id: fc.uuid(),
    'detail-type': fc.oneof(
      fc.constantFrom(
        'EC2 Instance-terminate Lifecycle Action',
        'ECS Task State Change',
        'ECS Container Instance State Change',
        'CloudWatch Alarm State Change',
        'EC2 Spot Instance Interruption Warning',
        'Scheduled Event',
      ),
      fc.string(),
    ),
    source: fc.constantFrom('aws.autoscaling', 'aws.ecs', 'aws.cloudwatch', 'aws.ec2', 'aws.events'),
    time: fc.constant('2026-01-01T00:00:00Z'),
    region: fc.constant('us-east-1'),
    resources: fc.array(fc.string(), { maxLength: 2 }),
    detail: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
  }),
);
