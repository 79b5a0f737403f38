/**
 * The DescribeLaunchTemplateVersions adapter against a local HTTP server on 127.0.0.1 that plays EC2's
 * Query protocol: the exact form parameters, the parsed answer (the EC2 API reference's example shape),
 * which groups need their template read, the cache, and best-effort failures.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  agentAttributesOf,
  clearLaunchTemplateCache,
  ec2QueryLaunchTemplatesClient,
  type LaunchTemplatesClient,
  MOVING_VERSION_TTL_MS,
  parseDescribeLaunchTemplateVersions,
  readLaunchTemplateVersions,
  reservedMemoryOf,
  templateRefs,
} from '../../../shared/aws/launch-templates.js';
import { ZERO } from '../../../shared/core/capacity/resources.js';
import { groupFleet } from '../../../shared/core/cluster/fleet.js';
import { parseSnapshot } from '../../../shared/core/snapshot/snapshot.js';

/** Shaped like the EC2 API reference's DescribeLaunchTemplateVersions example (one item). */
const item = (id: string, version: number, type: string | undefined, isDefault = true, extra = '') => `<item>
            <createTime>2017-10-31T11:38:52.000Z</createTime>
            <createdBy>arn:aws:iam::123456789012:root</createdBy>
            <defaultVersion>${isDefault}</defaultVersion>
            <launchTemplateData>
                <imageId>ami-8c1be5f6</imageId>${type ? `\n                <instanceType>${type}</instanceType>` : ''}${extra}
            </launchTemplateData>
            <launchTemplateId>${id}</launchTemplateId>
            <launchTemplateName>MyLaunchTemplate</launchTemplateName>
            <versionDescription>FirstVersion</versionDescription>
            <versionNumber>${version}</versionNumber>
        </item>`;
const answer = (items: string) => `<?xml version="1.0" encoding="UTF-8"?>
<DescribeLaunchTemplateVersionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>65cadec1-b364-4354-8ca8-4176dexample</requestId>
    <launchTemplateVersionSet>${items}
    </launchTemplateVersionSet>
</DescribeLaunchTemplateVersionsResponse>`;
const ec2Error = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>ea966190-example</RequestID></Response>`;

let received: Record<string, string>[] = [];
let reply: (form: Record<string, string>) => { status: number; body: string };
let server: Server;
let client: LaunchTemplatesClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(body));
      received.push(form);
      const { status, body: out } = reply(form);
      res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8' }).end(out);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = ec2QueryLaunchTemplatesClient({
    region: async () => 'eu-west-1',
    credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
    env: { AWS_ENDPOINT_URL_EC2: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
  });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received = [];
  clearLaunchTemplateCache();
  reply = (form) => ({
    status: 200,
    body: answer(item(form.LaunchTemplateId ?? 'lt-0a20c965061f64abc', 1, 'c5.large')),
  });
});

const plain = (id: string, version = '$Default') => ({
  AutoScalingGroupName: `asg-${id}`,
  LaunchTemplate: { LaunchTemplateId: id, LaunchTemplateName: 'MyLaunchTemplate', Version: version },
});

describe('DescribeLaunchTemplateVersions', () => {
  it('sends Action, Version, the template id and LaunchTemplateVersion.1', async () => {
    await readLaunchTemplateVersions(client, [plain('lt-0a20c965061f64abc', '$Latest')]);
    expect(received).toEqual([
      {
        Action: 'DescribeLaunchTemplateVersions',
        Version: '2016-11-15',
        LaunchTemplateId: 'lt-0a20c965061f64abc',
        'LaunchTemplateVersion.1': '$Latest',
      },
    ]);
  });

  it('parses the documented answer: id, name, number, default, instance type, requirements', () => {
    const requirements = `
                <instanceRequirements>
                    <vCpuCount><min>2</min><max>4</max></vCpuCount>
                    <memoryMiB><min>4096</min></memoryMiB>
                    <acceleratorCount><max>0</max></acceleratorCount>
                    <excludedInstanceTypeSet><item>t2.*</item><item>m4.*</item></excludedInstanceTypeSet>
                    <cpuManufacturerSet><item>intel</item></cpuManufacturerSet>
                    <burstablePerformance>excluded</burstablePerformance>
                    <onDemandMaxPricePercentageOverLowestPrice>35</onDemandMaxPricePercentageOverLowestPrice>
                    <maxSpotPriceAsPercentageOfOptimalOnDemandPrice>60</maxSpotPriceAsPercentageOfOptimalOnDemandPrice>
                </instanceRequirements>`;
    const out = parseDescribeLaunchTemplateVersions(
      200,
      answer(item('lt-1', 3, 'm5.large', false) + item('lt-2', 7, undefined, true, requirements)),
    );
    expect(out.LaunchTemplateVersions).toEqual([
      {
        LaunchTemplateId: 'lt-1',
        LaunchTemplateName: 'MyLaunchTemplate',
        VersionNumber: 3,
        DefaultVersion: false,
        LaunchTemplateData: { InstanceType: 'm5.large' },
      },
      {
        LaunchTemplateId: 'lt-2',
        LaunchTemplateName: 'MyLaunchTemplate',
        VersionNumber: 7,
        DefaultVersion: true,
        LaunchTemplateData: {
          InstanceRequirements: {
            VCpuCount: { Min: 2, Max: 4 },
            MemoryMiB: { Min: 4096 },
            AcceleratorCount: { Max: 0 },
            ExcludedInstanceTypes: ['t2.*', 'm4.*'],
            BurstablePerformance: 'excluded',
            CpuManufacturers: ['intel'],
            OnDemandMaxPricePercentageOverLowestPrice: 35,
            MaxSpotPriceAsPercentageOfOptimalOnDemandPrice: 60,
          },
        },
      },
    ]);
    expect(() =>
      parseDescribeLaunchTemplateVersions(400, ec2Error('InvalidLaunchTemplateId.NotFound', 'gone')),
    ).toThrow(expect.objectContaining({ name: 'InvalidLaunchTemplateId.NotFound' }));
  });

  it("reads every group's template: its user data's attributes count while no member is registered", () => {
    const refs = templateRefs([
      plain('lt-plain'),
      { LaunchConfigurationName: 'old-lc' },
      {
        Instances: [{ InstanceId: 'i-1' }],
        MixedInstancesPolicy: {
          LaunchTemplate: {
            LaunchTemplateSpecification: { LaunchTemplateId: 'lt-typed', Version: '3' },
            Overrides: [{ InstanceType: 'm5.large' }],
          },
        },
      },
      // At zero instances the template is read all the same: its user data names the custom attributes.
      {
        Instances: [],
        MixedInstancesPolicy: {
          LaunchTemplate: {
            LaunchTemplateSpecification: { LaunchTemplateId: 'lt-pool', Version: '1' },
            Overrides: [{ InstanceType: 'm5.large' }],
          },
        },
      },
      {
        MixedInstancesPolicy: {
          LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateName: 'spot-only', Version: '2' } },
        },
      },
      plain('lt-plain'),
    ]);
    expect(refs.map((r) => `${r.LaunchTemplateId ?? r.LaunchTemplateName}@${r.Version}`)).toEqual([
      'lt-plain@$Default',
      'lt-typed@3',
      'lt-pool@1',
      'spot-only@2',
    ]);
  });

  const b64 = (script: string) => Buffer.from(script).toString('base64');
  it.each([
    [
      'an echo line (single quotes)',
      `#!/bin/bash\necho ECS_CLUSTER=prod >> /etc/ecs/ecs.config\necho 'ECS_INSTANCE_ATTRIBUTES={"pool":"batch","team":"data"}' >> /etc/ecs/ecs.config\n`,
      { pool: 'batch', team: 'data' },
    ],
    [
      'an echo line (escaped double quotes)',
      `#!/bin/bash\necho "ECS_INSTANCE_ATTRIBUTES={\\"pool\\": \\"gpu\\"}" >> /etc/ecs/ecs.config\n`,
      { pool: 'gpu' },
    ],
    [
      'a heredoc',
      `#!/bin/bash\ncat <<'EOF' >> /etc/ecs/ecs.config\nECS_CLUSTER=prod\nECS_INSTANCE_ATTRIBUTES={"stack": "prod"}\nEOF\n`,
      { stack: 'prod' },
    ],
    ['a script that names none', '#!/bin/bash\necho ECS_CLUSTER=prod >> /etc/ecs/ecs.config\n', {}],
    [
      'a value that is no JSON',
      `#!/bin/bash\necho 'ECS_INSTANCE_ATTRIBUTES={pool:batch}' >> /etc/ecs/ecs.config`,
      undefined,
    ],
    [
      'a value that is not a string',
      `#!/bin/bash\necho 'ECS_INSTANCE_ATTRIBUTES={"n":1}' >> /etc/ecs/ecs.config`,
      undefined,
    ],
    // Not read as known: other agents' formats (the old reading, an instance of the type, then applies).
    [
      'Bottlerocket TOML',
      '[settings.ecs]\ncluster = "prod"\n[settings.ecs.instance-attributes]\npool = "batch"\n',
      undefined,
    ],
    [
      'Windows PowerShell',
      '<powershell>\nInitialize-ECSAgent -Cluster prod -EnableTaskIAMRole\n</powershell>',
      undefined,
    ],
  ])('the agent attributes of user data: %s', (_, script, expected) => {
    expect(agentAttributesOf(b64(script))).toEqual(expected);
  });

  it.each([
    [
      'an echo line',
      '#!/bin/bash\necho ECS_CLUSTER=prod >> /etc/ecs/ecs.config\necho ECS_RESERVED_MEMORY=512 >> /etc/ecs/ecs.config\n',
      512,
    ],
    [
      'a heredoc, quoted',
      "#!/bin/bash\ncat <<'EOF' >> /etc/ecs/ecs.config\nECS_RESERVED_MEMORY='1024'\nEOF\n",
      1024,
    ],
    ['a script that sets none', '#!/bin/bash\necho ECS_CLUSTER=prod >> /etc/ecs/ecs.config\n', undefined],
    ['zero', '#!/bin/bash\necho ECS_RESERVED_MEMORY=0 >> /etc/ecs/ecs.config\n', undefined],
  ])('the reserved memory of user data: %s', (_, script, expected) => {
    expect(reservedMemoryOf(b64(script))).toBe(expected);
  });

  it('user data that is not text (gzip) or absent gives no agent attributes', () => {
    expect(agentAttributesOf(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]).toString('base64'))).toBeUndefined();
    expect(agentAttributesOf(undefined)).toBeUndefined();
  });

  it('the answer carries the agent attributes of the user data, not the user data', () => {
    const userData = b64(
      `#!/bin/bash\necho 'ECS_INSTANCE_ATTRIBUTES={"pool":"batch"}' >> /etc/ecs/ecs.config\necho SECRET=x`,
    );
    const out = parseDescribeLaunchTemplateVersions(
      200,
      answer(item('lt-1', 1, 'm5.large', true, `\n                <userData>${userData}</userData>`)),
    );
    expect(out.LaunchTemplateVersions[0]?.LaunchTemplateData).toEqual({
      EcsInstanceAttributes: { pool: 'batch' },
      InstanceType: 'm5.large',
    });
  });

  it('a numbered version is read once; $Latest / $Default again after the TTL', async () => {
    const groups = [plain('lt-a', '4'), plain('lt-b', '$Latest')];
    await readLaunchTemplateVersions(client, groups, 0);
    await readLaunchTemplateVersions(client, groups, MOVING_VERSION_TTL_MS);
    expect(received.map((f) => f.LaunchTemplateId)).toEqual(['lt-a', 'lt-b']);
    await readLaunchTemplateVersions(client, groups, MOVING_VERSION_TTL_MS + 1);
    expect(received.map((f) => f.LaunchTemplateId)).toEqual(['lt-a', 'lt-b', 'lt-b']);
  });

  it('best effort: a template EC2 does not know is remembered, a denied call stops the reads', async () => {
    reply = (form) =>
      form.LaunchTemplateId === 'lt-gone'
        ? { status: 400, body: ec2Error('InvalidLaunchTemplateId.NotFound', 'does not exist') }
        : form.LaunchTemplateId === 'lt-denied'
          ? { status: 403, body: ec2Error('UnauthorizedOperation', 'not authorized') }
          : { status: 200, body: answer(item(form.LaunchTemplateId!, 1, 'c5.large')) };
    const found = await readLaunchTemplateVersions(client, [plain('lt-gone'), plain('lt-ok')]);
    expect(found.map((v) => v.LaunchTemplateId)).toEqual(['lt-ok']);
    await readLaunchTemplateVersions(client, [plain('lt-gone')]);
    expect(received.filter((f) => f.LaunchTemplateId === 'lt-gone')).toHaveLength(1);
    received = [];
    const none = await readLaunchTemplateVersions(client, [plain('lt-denied'), plain('lt-next')]);
    expect(none).toEqual([]);
    expect(received.map((f) => f.LaunchTemplateId)).toEqual(['lt-denied']);
  });

  it('what it reads sizes a group with no instance and no override (scale from zero)', async () => {
    const found = await readLaunchTemplateVersions(client, [plain('lt-0a20c965061f64abc')]);
    const group = {
      AutoScalingGroupName: 'asg-zero',
      MinSize: 0,
      MaxSize: 10,
      DesiredCapacity: 0,
      Instances: [],
      LaunchTemplate: { LaunchTemplateId: 'lt-0a20c965061f64abc', Version: '$Default' },
      Tags: [],
    };
    const snapshot = (versions?: unknown[]) =>
      parseSnapshot(
        {
          version: 1,
          capturedAt: '2026-12-03T00:00:00.000Z',
          cluster: { clusterName: 'c1', clusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/c1' },
          containerInstances: [],
          services: [],
          taskDefinitions: [],
          autoScalingGroups: [group],
          scalableTargets: [],
          ...(versions ? { launchTemplateVersions: versions } : {}),
        },
        'test',
      );
    const withTemplate = snapshot(found);
    const fleet = groupFleet(withTemplate, withTemplate.autoScalingGroups[0]!, ZERO, new Map());
    expect(fleet.options.map((o) => o.instanceType)).toEqual(['c5.large']);
    const without = snapshot();
    expect(
      groupFleet(without, without.autoScalingGroups[0]!, ZERO, new Map()).options.map((o) => o.instanceType),
    ).toEqual([]);
  });
});
