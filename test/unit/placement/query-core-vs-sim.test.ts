/**
 * The cluster query language twice: the core's (shared/core/placement/cluster-query.ts, which the planner
 * uses for `memberOf`) and the simulator's (sim/ecs/query.ts, written separately from AWS's "Cluster query
 * language" page, which the referee's placement uses). Property: on random expressions of the page's
 * grammar and random container instances, both compile the same expressions and agree on every instance.
 *
 * Before 2026-12-06 the simulator knew only ==, !=, in, !in, =~ (as a wildcard, not a regular expression),
 * exists and and/or: `runningTasksCount < 30` made `simulate` fail mid-run ("Unsupported cluster query
 * field 'runn'"), and `not(task:group == database)`, the page's own example, could not be replayed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileClusterQuery, type QueryTarget } from '../../../shared/core/placement/cluster-query.js';
import type { SimContainerInstance } from '../../../sim/ecs/model.js';
import { compileQuery } from '../../../sim/ecs/query.js';
import { SIM_AGENT_VERSION } from '../../../sim/ecs/shapes.js';

interface Host {
  id: string;
  type: string;
  az: string;
  stack?: string;
  slots?: string;
  connected: boolean;
  registeredAt: number;
  /** Task groups of its tasks, and whether each is RUNNING (else PENDING). */
  tasks: { group: string; running: boolean }[];
}

const TYPES = ['m5.large', 'm5.xlarge', 'c5.large', 'c6g.large', 't3.small'];
const AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const GROUPS = ['service:web', 'service:db', 'family:job'];
const IDS = ['i-0abc', 'i-0def', 'i-1234'];
const DAY = Date.parse('2026-12-01T00:00:00Z');

const hostArb: fc.Arbitrary<Host> = fc.record(
  {
    id: fc.constantFrom(...IDS),
    type: fc.constantFrom(...TYPES),
    az: fc.constantFrom(...AZS),
    stack: fc.constantFrom('prod', 'dev'),
    slots: fc.constantFrom('2', '4', '10', 'many'),
    connected: fc.boolean(),
    registeredAt: fc.integer({ min: -3, max: 3 }).map((d) => DAY + d * 43_200_000),
    tasks: fc.array(fc.record({ group: fc.constantFrom(...GROUPS), running: fc.boolean() }), {
      maxLength: 4,
    }),
  },
  { requiredKeys: ['id', 'type', 'az', 'connected', 'registeredAt', 'tasks'] },
);

const attributesOf = (h: Host): { name: string; value?: string }[] => [
  { name: 'ecs.instance-type', value: h.type },
  { name: 'ecs.availability-zone', value: h.az },
  { name: 'ecs.capability.task-eni' },
  ...(h.stack ? [{ name: 'stack', value: h.stack }] : []),
  ...(h.slots ? [{ name: 'slots', value: h.slots }] : []),
];

/** The core's view of the host, as nodes.ts builds it from DescribeContainerInstances. */
const coreTarget = (h: Host): QueryTarget => {
  const attrs = attributesOf(h);
  return {
    attribute: (n) => attrs.find((a) => a.name === n)?.value,
    hasAttribute: (n) => attrs.some((a) => a.name === n),
    ec2InstanceId: h.id,
    agentConnected: h.connected,
    agentVersion: SIM_AGENT_VERSION,
    registeredAt: new Date(h.registeredAt).toISOString(),
    runningTasksCount: h.tasks.filter((t) => t.running).length,
    hasTaskGroup: (g) => h.tasks.some((t) => t.group === g),
  };
};

/** The simulator's container instance, with the fields its query reads. */
const simInstance = (h: Host): SimContainerInstance =>
  ({
    ec2InstanceId: h.id,
    agentConnected: h.connected,
    registeredAt: h.registeredAt,
    attributes: attributesOf(h),
    tasks: new Set(
      h.tasks.map((t) => ({
        group: t.group,
        lastStatus: t.running ? 'RUNNING' : 'PENDING',
        desiredStatus: 'RUNNING',
      })),
    ),
  }) as unknown as SimContainerInstance;

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
const list = (xs: string[]) =>
  fc.subarray(xs, { minLength: 1, maxLength: 3 }).map((v) => `[${v.join(', ')}]`);
const stringOp = pick('==', 'equals', '!=', 'not_equals');
const orderOp = pick(
  '==',
  '!=',
  '>',
  'greater_than',
  '>=',
  'greater_than_equal',
  '<',
  'less_than',
  '<=',
  'less_than_equal',
);
const inOp = pick('in', 'not_in', '!in');
const matchOp = pick('=~', 'matches', '!~', 'not_matches');
const PATTERNS = ['m5.*', 'c5\\..*', '[cm]5\\.large', '(m5|c5)\\..*', '.*large', 'us-east-1[ab]', 'i-0.*'];

const termArb: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(pick('attribute:ecs.instance-type', 'attribute:stack'), stringOp, pick(...TYPES, 'prod', 'dev'))
    .map((p) => p.join(' ')),
  fc
    .tuple(pick('attribute:ecs.availability-zone', 'attribute:stack'), inOp, list([...AZS, 'prod']))
    .map((p) => p.join(' ')),
  fc
    .tuple(
      pick('attribute:stack', 'attribute:ecs.capability.task-eni', 'attribute:gpu'),
      pick('exists', '!exists', 'not_exists'),
    )
    .map((p) => p.join(' ')),
  fc
    .tuple(
      pick('attribute:ecs.instance-type', 'attribute:ecs.availability-zone', 'ec2InstanceId'),
      matchOp,
      pick(...PATTERNS),
    )
    .map((p) => p.join(' ')),
  fc.tuple(pick('ec2InstanceId'), pick('==', '!='), pick(...IDS)).map((p) => p.join(' ')),
  fc.tuple(pick('ec2InstanceId'), inOp, list(IDS)).map((p) => p.join(' ')),
  fc.tuple(pick('agentConnected'), pick('==', '!='), pick('true', 'false')).map((p) => p.join(' ')),
  fc.tuple(pick('runningTasksCount'), orderOp, fc.integer({ min: 0, max: 4 })).map((p) => p.join(' ')),
  fc
    .tuple(pick('agentVersion'), orderOp, pick('1.14.5', '1.89.0', '1.90.0', '2.0.0', '1.9.9'))
    .map((p) => p.join(' ')),
  fc
    .tuple(
      pick('registeredAt'),
      orderOp,
      pick(
        '2026-11-30',
        '2026-12-01',
        '2026-12-02',
        '2026-12-01T12:00:00Z',
        '2026-12-01T12:00:00+00:00',
        '2026-12-01T12:00:00',
      ),
    )
    .map((p) => p.join(' ')),
  fc.tuple(pick('task:group'), pick('==', '!='), pick(...GROUPS)).map((p) => p.join(' ')),
  fc.tuple(pick('task:group'), inOp, list(GROUPS)).map((p) => p.join(' ')),
);

const { expr } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    termArb,
    fc
      .tuple(tie('expr'), pick(' and ', ' && ', ' or ', ' || '), tie('expr'))
      .map(([a, op, b]) => `(${a})${op}(${b})`),
    tie('expr').map((a) => `not(${a})`),
    tie('expr').map((a) => `!(${a})`),
  ),
}));

describe('cluster query language: core and simulator agree', () => {
  it('compile the same expressions and select the same instances', () => {
    fc.assert(
      fc.property(expr, fc.array(hostArb, { minLength: 1, maxLength: 6 }), (expression, hosts) => {
        const core = compileClusterQuery(expression);
        let sim: ((ci: SimContainerInstance) => boolean) | undefined;
        let simError: string | undefined;
        try {
          sim = compileQuery(expression);
        } catch (e) {
          simError = (e as Error).message;
        }
        expect({ expression, core: core.ok, sim: simError ?? 'ok' }).toEqual({
          expression,
          core: true,
          sim: 'ok',
        });
        if (!core.ok || !sim) return;
        for (const h of hosts) {
          expect({ expression, host: h, selected: sim(simInstance(h)) }).toEqual({
            expression,
            host: h,
            selected: core.test(coreTarget(h)),
          });
        }
      }),
      { numRuns: 2_000, seed: 20261206 },
    );
  });

  it("reads the page's own examples", () => {
    const h: Host = {
      id: 'i-abcd1234',
      type: 'g2.2xlarge',
      az: 'us-east-1a',
      connected: true,
      registeredAt: Date.parse('2018-01-01T00:00:00Z'),
      tasks: [{ group: 'service:production', running: true }],
    };
    const examples: [string, boolean][] = [
      ['attribute:ecs.instance-type == t2.small', false],
      ['attribute:ecs.availability-zone in [us-east-1a, us-east-1b]', true],
      ['attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d', true],
      ['task:group == service:production', true],
      ['not(task:group == database)', true],
      ['runningTasksCount == 1', true],
      ['agentVersion < 1.14.5', false],
      ['registeredAt < 2018-02-13', true],
      ["ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", true],
    ];
    for (const [expression, selected] of examples) {
      expect([expression, compileQuery(expression)(simInstance(h))]).toEqual([expression, selected]);
      const core = compileClusterQuery(expression);
      expect([expression, core.ok && core.test(coreTarget(h))]).toEqual([expression, selected]);
    }
  });

  it('refuses what the page does not allow, as ECS answers InvalidParameterException', () => {
    // Malformed: neither reads it.
    for (const bad of [
      '',
      'instanceType == m5.large',
      '(attribute:stack == prod',
      'attribute:ecs.instance-type =~ m5.(',
      'registeredAt < yesterday',
      // Names an object has by inheritance are not subjects, operators or joiners.
      'constructor == x',
      'attribute:stack constructor prod',
      'attribute:stack == prod constructor attribute:stack == dev',
    ]) {
      expect(() => compileQuery(bad), bad).toThrow(/Invalid cluster query expression/);
      expect([bad, compileClusterQuery(bad).ok]).toEqual([bad, false]);
    }
    // An operator the page does not list for the field: ECS refuses the service or task definition, so
    // no live cluster holds one; the simulator refuses it as ECS would (the core need not).
    for (const bad of ['runningTasksCount =~ 1.*', 'agentConnected > true', 'ec2InstanceId < i-1']) {
      expect(() => compileQuery(bad), bad).toThrow(/does not take/);
    }
    expect(() => compileQuery('attribute:stack in prod')).toThrow(/needs a list/);
  });
});
