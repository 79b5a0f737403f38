import { describe, expect, it } from 'vitest';
import {
  builtinInstanceFacts,
  compileClusterQuery,
  type Demand,
  placeTasks,
  type QueryTarget,
  templateNode,
} from '../../../shared/core/placement/index.js';
import { parseSnapshot } from '../../../shared/core/snapshot/snapshot.js';
import { containerInstance, node, req } from './builders.js';

const demand = (key: string, count: number, ...args: Parameters<typeof req>): Demand => ({
  key,
  count,
  req: req(...args),
});

const emptySnapshot = parseSnapshot({
  version: 1,
  capturedAt: '2026-12-03T10:00:00Z',
  cluster: { clusterName: 'c', clusterArn: 'arn:aws:ecs:us-east-1:1:cluster/c' },
  containerInstances: [],
  services: [],
  taskDefinitions: [],
  autoScalingGroups: [],
});
const fresh = (type: string) =>
  templateNode(
    type,
    builtinInstanceFacts(type),
    { CPU: 2048, MEMORY: 7680, GPU: 0 },
    { resources: { CPU: 0, MEMORY: 0, GPU: 0 }, tcpPorts: [], udpPorts: [], enis: 0 },
    emptySnapshot,
  );

describe('placeTasks', () => {
  it('binpack(memory) fills the fullest instance first', () => {
    const r = placeTasks(
      [demand('w', 2, { memory: 1024 }, { strategy: [{ type: 'binpack', field: 'memory' }] })],
      [node({ id: 'roomy', memory: 7000 }), node({ id: 'tight', memory: 2500 })],
      { record: true },
    );
    expect(r.assignments.map((a) => a.nodeId.split('/').pop())).toEqual(['tight', 'tight']);
  });

  it('spread(AZ) balances the group across zones, counting tasks already there', () => {
    const r = placeTasks(
      [demand('w', 3, {}, { strategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }] })],
      [
        node({ id: 'a1', az: 'us-east-1a', groups: { 'service:web': 2 } }),
        node({ id: 'b1', az: 'us-east-1b' }),
        node({ id: 'c1', az: 'us-east-1c' }),
      ],
      { record: true },
    );
    expect(r.assignments.map((a) => a.nodeId.split('/').pop()).sort()).toEqual(['b1', 'b1', 'c1'].sort());
  });

  it('spread(AZ) counts the tasks it places as it goes, and what two instances of one zone hold together', () => {
    // Each zone's count moves with every task placed (kept per demand, not recounted per task): a count
    // frozen at the start would put every task on the first instance that takes one.
    const spreadAz = { strategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }] };
    const where = (r: ReturnType<typeof placeTasks>) => r.assignments.map((a) => a.nodeId.split('/').pop());
    const three = [
      node({ id: 'a1', az: 'us-east-1a' }),
      node({ id: 'b1', az: 'us-east-1b' }),
      node({ id: 'c1', az: 'us-east-1c' }),
    ];
    expect(where(placeTasks([demand('w', 6, {}, spreadAz)], three, { record: true }))).toEqual([
      'a1',
      'b1',
      'c1',
      'a1',
      'b1',
      'c1',
    ]);
    // Two instances in zone a share its count; a second demand of the same group starts from the tasks
    // the first one placed.
    const two = [
      node({ id: 'a1', az: 'us-east-1a' }),
      node({ id: 'a2', az: 'us-east-1a' }),
      node({ id: 'b1', az: 'us-east-1b' }),
    ];
    const r = placeTasks(
      [
        demand('w', 2, { memory: 1024 }, spreadAz),
        { ...demand('v', 2, { memory: 512 }, spreadAz), key: 'v' },
      ],
      two,
      { record: true },
    );
    expect(where(r)).toEqual(['a1', 'b1', 'a1', 'b1']);
  });

  it('spread(instanceId) puts one per instance before doubling up', () => {
    const r = placeTasks(
      [demand('w', 3, {}, { strategy: [{ type: 'spread', field: 'instanceId' }] })],
      [node({ id: 'x' }), node({ id: 'y' }), node({ id: 'z' })],
      { record: true },
    );
    expect(new Set(r.assignments.map((a) => a.nodeId)).size).toBe(3);
  });

  it('worstFit: ties of a strategy go to the emptiest instance, not the first', () => {
    // Same AZ: the default spread by AZ leaves both tied; ECS picks at random, the check the worst pick.
    const nodes = [node({ id: 'small', memory: 2000 }), node({ id: 'big', memory: 7000 })];
    const one = [demand('w', 1, { memory: 512 })];
    const where = (r: ReturnType<typeof placeTasks>) => r.assignments.map((a) => a.nodeId.split('/').pop());
    expect(where(placeTasks(one, nodes, { record: true }))).toEqual(['small']);
    expect(where(placeTasks(one, nodes, { record: true, worstFit: true }))).toEqual(['big']);
  });

  it('worstFit: a task of the random strategy goes to the emptiest instance that takes it', () => {
    const nodes = [
      node({ id: 'small', memory: 2000 }),
      node({ id: 'big', memory: 7000, tcpUsed: [80] }),
      node({ id: 'mid', memory: 4000 }),
    ];
    const r = placeTasks(
      [demand('w', 2, { memory: 512, tcp: [80] }, { strategy: [{ type: 'random' }] })],
      nodes,
      {
        record: true,
        worstFit: true,
      },
    );
    // Port 80 is taken on the emptiest; then the emptiest of the rest, then the other (the port again).
    expect(r.assignments.map((a) => a.nodeId.split('/').pop())).toEqual(['mid', 'small']);
  });

  it('worstFit: a tie goes where the tasks still to place need room most, then the emptiest (world 21550)', () => {
    // `any` ties on both; `arm` (still to place) takes only the arm64 host: the worst pick is that host.
    const nodes = [
      node({ id: 'x86', cpu: 4096, memory: 16000, arch: 'x86_64' }),
      node({ id: 'arm', cpu: 1024, memory: 4000, arch: 'arm64' }),
    ];
    const both = [
      demand('any', 1, { cpu: 512, memory: 512 }, { strategy: [{ type: 'random' }] }),
      demand('arm', 1, { cpu: 1024, memory: 1024, arch: 'ARM64' }),
    ];
    const r = placeTasks(both, nodes, { record: true, worstFit: true, smallestFirst: true });
    expect(r.assignments.map((a) => `${a.key}@${a.nodeId.split('/').pop()}`)).toEqual(['any@arm']);
    expect(r.unplaced.map((u) => u.key)).toEqual(['arm']);
  });

  it('smallestFirst is the exact reverse: demands of the same size change order too (world 10621)', () => {
    // Equal by their largest figure (2,048), so "smallest first" once kept the given order.
    const nodes = [node({ id: 'only', memory: 4096 })];
    const both = [demand('large', 1, { memory: 2048 }), demand('small', 1, { memory: 2048 })];
    const first = (r: ReturnType<typeof placeTasks>) => r.assignments.map((a) => a.key);
    expect(first(placeTasks(both, nodes, { record: true }))).toEqual(['large', 'small']);
    expect(first(placeTasks(both, nodes, { record: true, smallestFirst: true }))).toEqual(['small', 'large']);
  });

  it('opens one new instance per static-port task', () => {
    const r = placeTasks([demand('w', 3, { tcp: [80] })], [node({ tcpUsed: [80] })], {
      templates: [fresh('m5.large')],
    });
    expect(r.newInstances).toHaveLength(3);
    expect(r.placedOnNew).toBe(3);
  });

  it('opens ⌈n / task ENIs⌉ new m5.large instances for awsvpc tasks', () => {
    const facts = {
      instanceType: 'm5.large',
      vcpu: 2,
      memoryMiB: 8192,
      architectures: ['x86_64'],
      gpus: 0,
      maxEnis: 3,
      trunkEnis: 10,
      source: 'built-in table' as const,
    };
    const t = templateNode(
      'm5.large',
      facts,
      { CPU: 2048, MEMORY: 7680, GPU: 0 },
      { resources: { CPU: 0, MEMORY: 0, GPU: 0 }, tcpPorts: [], udpPorts: [], enis: 0 },
      emptySnapshot,
    );
    const r = placeTasks([demand('w', 5, { networkMode: 'awsvpc' })], [], { templates: [t] });
    expect(r.newInstances).toHaveLength(3);
  });

  it("reports a task no template takes with each template's refusal", () => {
    const r = placeTasks([demand('w', 2, { arch: 'ARM64' })], [], { templates: [fresh('m5.large')] });
    expect(r.unplaced).toEqual([
      expect.objectContaining({
        key: 'w',
        count: 2,
        reason: 'no-type',
        refusals: [expect.objectContaining({ instanceType: 'm5.large' })],
      }),
    ]);
  });

  it('stops at maxNew', () => {
    const r = placeTasks([demand('w', 3, { tcp: [80] })], [], { templates: [fresh('m5.large')], maxNew: 2 });
    expect(r.newInstances).toHaveLength(2);
    expect(r.unplaced[0]).toMatchObject({ count: 1, reason: 'max-instances' });
  });

  it('newOnly demands skip registered instances', () => {
    const r = placeTasks([{ ...demand('w', 1), newOnly: true }], [node()], {
      templates: [fresh('m5.large')],
    });
    expect(r.placedOnExisting).toBe(0);
    expect(r.newInstances).toHaveLength(1);
  });

  it('does not mutate the nodes it is given', () => {
    const n = node({ cpu: 1024 });
    placeTasks([demand('w', 2, { cpu: 512, tcp: [80] }, { distinct: false })], [n]);
    expect(n.free.CPU).toBe(1024);
    expect(n.tcpPortsUsed.has(80)).toBe(false);
  });
});

describe('cluster query language', () => {
  const attrs: Record<string, string | undefined> = {
    'ecs.instance-type': 'm5.large',
    'ecs.availability-zone': 'us-east-1a',
    stack: 'prod',
    'ecs.capability.task-eni': undefined,
  };
  const target: QueryTarget = {
    attribute: (n) => attrs[n],
    hasAttribute: (n) => n in attrs,
    ec2InstanceId: 'i-1',
    agentConnected: true,
    agentVersion: '1.80.0',
    registeredAt: '2026-11-01T00:00:00Z',
    runningTasksCount: 3,
    hasTaskGroup: (g) => g === 'service:db',
  };
  it.each([
    ['attribute:ecs.instance-type == m5.large', true],
    ['attribute:ecs.instance-type equals t3.large', false],
    ['attribute:ecs.instance-type =~ m5\\..*', true],
    ['attribute:ecs.instance-type !~ m5\\..*', false],
    ['attribute:ecs.availability-zone in [us-east-1a, us-east-1b]', true],
    ['attribute:ecs.availability-zone not_in [us-east-1a]', false],
    ['attribute:ecs.availability-zone !in [us-east-1c]', true],
    ['attribute:stack exists && !(attribute:stack == dev)', true],
    ['attribute:ecs.capability.task-eni exists', true],
    ['attribute:gpu !exists', true],
    ['(attribute:stack == dev or attribute:stack == prod) and runningTasksCount < 5', true],
    ['runningTasksCount >= 4 || ec2InstanceId == i-1', true],
    ['task:group == service:db', true],
    ['task:group != service:db', false],
    ['agentConnected == true and not attribute:stack == prod', false],
  ])('%s → %s', (expression, expected) => {
    const q = compileClusterQuery(expression);
    expect(q.ok).toBe(true);
    if (q.ok) expect(q.test(target)).toBe(expected);
  });

  it.each(['bogus == 1', 'attribute:x ==', 'attribute:x in [a', '(attribute:x == 1', 'attribute:x ~~ 1'])(
    'rejects %s with a message',
    (expression) => {
      const q = compileClusterQuery(expression);
      expect(q.ok).toBe(false);
      if (!q.ok) expect(q.error).toContain(expression);
    },
  );
});

describe('templateNode: where a new instance of a group gets its attributes', () => {
  /** Two m5.large pools: i-web (pool=web, group web) listed first, i-batch (pool=batch, group batch). */
  const ci = (id: string, pool: string) =>
    containerInstance({
      id,
      cpu: 0,
      memory: 0,
      attributes: { 'ecs.capability.task-eni': undefined, pool },
    });
  const group = (name: string, ids: string[]) => ({
    AutoScalingGroupName: name,
    MinSize: 0,
    MaxSize: 10,
    DesiredCapacity: ids.length,
    Instances: ids.map((InstanceId) => ({
      InstanceId,
      InstanceType: 'm5.large',
      LifecycleState: 'InService',
      HealthStatus: 'Healthy',
    })),
  });
  const snapshot = (batchMembers: boolean) =>
    parseSnapshot({
      version: 1,
      capturedAt: '2026-12-03T10:00:00Z',
      cluster: { clusterName: 'c', clusterArn: 'arn:aws:ecs:us-east-1:1:cluster/c' },
      containerInstances: batchMembers ? [ci('web', 'web'), ci('batch', 'batch')] : [ci('web', 'web')],
      services: [],
      taskDefinitions: [],
      autoScalingGroups: [group('web', ['i-web']), group('batch', batchMembers ? ['i-batch'] : [])],
    });
  const of = (snap: ReturnType<typeof snapshot>, g?: string, agent?: Record<string, string>) =>
    templateNode(
      'm5.large',
      builtinInstanceFacts('m5.large'),
      { CPU: 2048, MEMORY: 7680, GPU: 0 },
      { resources: { CPU: 0, MEMORY: 0, GPU: 0 }, tcpPorts: [], udpPorts: [], enis: 0 },
      snap,
      undefined,
      g,
      agent,
    ).attributes;

  it("copies the group's own instance, not the first of its type", () => {
    expect(of(snapshot(true), 'batch').get('pool')).toBe('batch');
    expect(of(snapshot(true), 'web').get('pool')).toBe('web');
    // No group named: the first instance of the type, as before.
    expect(of(snapshot(true)).get('pool')).toBe('web');
  });

  it("a group with no instance takes its user data's custom attributes and only the other's built-in ones", () => {
    const a = of(snapshot(false), 'batch', { pool: 'batch', team: 'data' });
    expect(a.get('pool')).toBe('batch');
    expect(a.get('team')).toBe('data');
    expect(a.has('ecs.capability.task-eni')).toBe(true);
    // User data that names none: no custom attribute at all (not the web pool's).
    expect(of(snapshot(false), 'batch', {}).has('pool')).toBe(false);
    // Not known (not read, not text): the other instance's, as before.
    expect(of(snapshot(false), 'batch').get('pool')).toBe('web');
  });
});
