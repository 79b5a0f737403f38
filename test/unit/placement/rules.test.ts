import { describe, expect, it } from 'vitest';
import { accepts, refusal, serviceCapacityProviders } from '../../../shared/core/placement/index.js';
import type { Service } from '../../../shared/core/snapshot/snapshot.js';
import { type NodeSpec, node, req, type ServiceSpec, type TdSpec } from './builders.js';

interface Row {
  rule: string;
  td?: TdSpec;
  svc?: ServiceSpec;
  node: NodeSpec;
  code: string | undefined;
}

// Each rule alone: the first row of a rule refuses, the second (same rule, room left) accepts.
const table: Row[] = [
  { rule: 'CPU', td: { cpu: 1024 }, node: { cpu: 512 }, code: 'RESOURCE:CPU' },
  { rule: 'CPU fits exactly', td: { cpu: 1024 }, node: { cpu: 1024 }, code: undefined },
  { rule: 'memory', td: { memory: 4096 }, node: { memory: 4000 }, code: 'RESOURCE:MEMORY' },
  { rule: 'memory fits', td: { memory: 4096 }, node: { memory: 4096 }, code: undefined },
  { rule: 'GPU', td: { gpu: 1 }, node: {}, code: 'RESOURCE:GPU' },
  { rule: 'GPU fits', td: { gpu: 1 }, node: { gpu: 1 }, code: undefined },
  {
    rule: 'static TCP port taken (bridge)',
    td: { tcp: [80] },
    node: { tcpUsed: [80] },
    code: 'RESOURCE:PORTS_TCP',
  },
  { rule: 'static TCP port free (bridge)', td: { tcp: [80] }, node: { tcpUsed: [443] }, code: undefined },
  { rule: 'agent port 51678 is taken', td: { tcp: [51678] }, node: {}, code: 'RESOURCE:PORTS_TCP' },
  {
    rule: 'host mode uses the container port',
    td: { networkMode: 'host', tcp: [8080] },
    node: { tcpUsed: [8080] },
    code: 'RESOURCE:PORTS_TCP',
  },
  { rule: 'UDP port taken', td: { udp: [53] }, node: { udpUsed: [53] }, code: 'RESOURCE:PORTS_UDP' },
  {
    rule: 'UDP port vs a TCP port of the same number',
    td: { udp: [53] },
    node: { tcpUsed: [53] },
    code: undefined,
  },
  {
    rule: 'awsvpc ignores host ports',
    td: { networkMode: 'awsvpc', tcp: [80] },
    node: { tcpUsed: [80] },
    code: undefined,
  },
  {
    rule: 'ENI: m5.large has 2 task ENIs',
    td: { networkMode: 'awsvpc' },
    node: { enis: 2 },
    code: 'RESOURCE:ENI',
  },
  { rule: 'ENI: one of 2 left', td: { networkMode: 'awsvpc' }, node: { enis: 1 }, code: undefined },
  {
    rule: 'ENI: trunked m5.large has 10',
    td: { networkMode: 'awsvpc' },
    node: { enis: 9, trunk: true },
    code: undefined,
  },
  {
    rule: 'ENI: trunked m5.large full at 10',
    td: { networkMode: 'awsvpc' },
    node: { enis: 10, trunk: true },
    code: 'RESOURCE:ENI',
  },
  {
    rule: 'ENI: t3 has no trunking even with the attribute',
    td: { networkMode: 'awsvpc' },
    node: { type: 't3.large', enis: 2, trunk: true },
    code: 'RESOURCE:ENI',
  },
  {
    rule: 'ENI: unknown type is not limited',
    td: { networkMode: 'awsvpc' },
    node: { type: 'x9.huge', enis: 40 },
    code: undefined,
  },
  { rule: 'bridge takes no ENI', td: {}, node: { enis: 2 }, code: undefined },
  { rule: 'arm64 on x86', td: { arch: 'ARM64' }, node: {}, code: 'ATTRIBUTE' },
  { rule: 'arm64 on Graviton', td: { arch: 'ARM64' }, node: { type: 'm6g.large' }, code: undefined },
  {
    rule: 'requiresAttributes value',
    td: { requiresAttributes: [{ name: 'ecs.cpu-architecture', value: 'arm64' }] },
    node: {},
    code: 'ATTRIBUTE',
  },
  {
    rule: 'requiresAttributes capability present',
    td: { requiresAttributes: [{ name: 'ecs.capability.task-eni' }] },
    node: { attributes: { 'ecs.capability.task-eni': undefined } },
    code: undefined,
  },
  {
    rule: 'requiresAttributes capability missing where capabilities are listed',
    td: { requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.40' }] },
    node: { attributes: { 'ecs.capability.task-eni': undefined } },
    code: 'ATTRIBUTE',
  },
  {
    rule: 'requiresAttributes capability assumed where the snapshot lists none',
    td: { requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.40' }] },
    node: {},
    code: undefined,
  },
  {
    rule: 'custom attribute missing',
    td: { requiresAttributes: [{ name: 'stack' }] },
    node: {},
    code: 'ATTRIBUTE',
  },
  {
    rule: 'memberOf on the service',
    svc: { memberOf: 'attribute:ecs.instance-type =~ c5.*' },
    node: {},
    code: 'MemberOf',
  },
  {
    rule: 'memberOf on the task definition, custom attribute',
    td: { memberOf: 'attribute:stack == prod' },
    node: { attributes: { stack: 'prod' } },
    code: undefined,
  },
  {
    rule: 'memberOf with in and parentheses',
    svc: {
      memberOf: '(attribute:ecs.availability-zone in [us-east-1b, us-east-1c]) or attribute:stack exists',
    },
    node: {},
    code: 'MemberOf',
  },
  {
    rule: 'distinctInstance: a task of the group here',
    svc: { distinct: true },
    node: { groups: { 'service:web': 1 } },
    code: 'DistinctInstance',
  },
  {
    rule: 'distinctInstance: other groups only',
    svc: { distinct: true },
    node: { groups: { 'service:db': 3 } },
    code: undefined,
  },
  {
    rule: 'no distinctInstance: same group is fine',
    node: { groups: { 'service:web': 3 } },
    code: undefined,
  },
];

// Mixed: rules apply in ECS's order (resources, then attributes, then constraints), first failure wins.
const mixed: Row[] = [
  {
    rule: 'memory before port',
    td: { memory: 9000, tcp: [80] },
    node: { tcpUsed: [80] },
    code: 'RESOURCE:MEMORY',
  },
  {
    rule: 'port before ENI is moot (awsvpc has no host port)',
    td: { networkMode: 'awsvpc', tcp: [80] },
    node: { tcpUsed: [80], enis: 2 },
    code: 'RESOURCE:ENI',
  },
  {
    rule: 'port before attribute',
    td: { tcp: [80], arch: 'ARM64' },
    node: { tcpUsed: [80] },
    code: 'RESOURCE:PORTS_TCP',
  },
  {
    rule: 'attribute before memberOf',
    td: { arch: 'ARM64' },
    svc: { memberOf: 'attribute:stack == x' },
    node: {},
    code: 'ATTRIBUTE',
  },
  {
    rule: 'memberOf before distinctInstance',
    svc: { distinct: true, memberOf: 'attribute:stack == x' },
    node: { groups: { 'service:web': 1 } },
    code: 'MemberOf',
  },
  {
    rule: 'everything met at once',
    td: { networkMode: 'awsvpc', arch: 'ARM64', requiresAttributes: [{ name: 'stack', value: 'prod' }] },
    svc: { distinct: true, memberOf: 'attribute:ecs.instance-type =~ m6g.*' },
    node: { type: 'm6g.large', enis: 1, attributes: { stack: 'prod' }, groups: { 'service:db': 1 } },
    code: undefined,
  },
];

describe('placement rules', () => {
  it.each([...table, ...mixed])('$rule → $code', ({ td, svc, node: n, code }) => {
    const why = refusal(node(n), req(td, svc));
    expect(why?.code).toBe(code);
    if (why) expect(why.reason.length).toBeGreaterThan(10);
  });
});

describe('capacity provider strategies (ecs-facts §1.1)', () => {
  const cp = (providers: readonly string[] | undefined) => ({
    ...req({ cpu: 256 }),
    capacityProviders: providers,
  });
  const on = (provider: string | undefined) => ({ ...node({}), capacityProvider: provider });
  it.each([
    { task: ['batch-cp'], host: 'batch-cp', code: undefined },
    { task: ['batch-cp'], host: 'web-cp', code: 'CapacityProvider' },
    { task: ['batch-cp'], host: undefined, code: 'CapacityProvider' },
    { task: ['a-cp', 'b-cp'], host: 'b-cp', code: undefined },
    { task: undefined, host: 'batch-cp', code: undefined },
  ])('a task of $task on an instance of $host → $code', ({ task, host, code }) => {
    const why = refusal(on(host), cp(task));
    expect(why?.code).toBe(code);
    expect(accepts(on(host), cp(task))).toBe(code === undefined);
  });

  it('comes before resources: a full instance of another provider names the provider, not CPU', () => {
    const full = { ...node({ cpu: 0 }), capacityProvider: 'web-cp' };
    expect(refusal(full, cp(['batch-cp']))?.code).toBe('CapacityProvider');
  });

  const svc = (s: Partial<Service>): Service =>
    ({ serviceName: 'x', serviceArn: 'a', status: 'ACTIVE', desiredCount: 1, ...s }) as Service;
  it.each([
    {
      name: 'its own strategy',
      s: { capacityProviderStrategy: [{ capacityProvider: 'a', weight: 1 }] },
      want: ['a'],
    },
    {
      name: 'items without weight or base left out when another has one',
      s: {
        capacityProviderStrategy: [
          { capacityProvider: 'a', weight: 0 },
          { capacityProvider: 'b', weight: 2 },
        ],
      },
      want: ['b'],
    },
    { name: "the cluster's default when it names neither", s: {}, want: ['d'] },
    { name: 'launch type EC2: any instance', s: { launchType: 'EC2' }, want: undefined },
    { name: 'a daemon: any instance', s: { schedulingStrategy: 'DAEMON' }, want: undefined },
  ])('$name', ({ s, want }) => {
    expect(serviceCapacityProviders(svc(s), [{ capacityProvider: 'd', weight: 1 }])).toEqual(want);
  });
});
