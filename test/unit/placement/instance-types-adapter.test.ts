/**
 * The DescribeInstanceTypes adapter against a local HTTP server on 127.0.0.1 that plays EC2's Query
 * protocol: the exact form parameters sent, the signature's scope, and the parsed answer.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  clearInstanceTypeCache,
  describeInstanceTypes,
  ec2Endpoint,
  ec2QueryInstanceTypesClient,
  type InstanceTypesClient,
  parseDescribeInstanceTypes,
  readInstanceTypeFacts,
  readSubnetZones,
} from '../../../shared/aws/instance-types.js';
import { AwsRejectedError, ConfigurationError, TransientAwsError } from '../../../shared/core/errors.js';
import { factsFromInstanceTypeInfo } from '../../../shared/core/placement/index.js';

/** Shaped like the EC2 API reference's DescribeInstanceTypes example answer (m5.large, abridged). */
const M5_LARGE = `<item>
      <autoRecoverySupported>true</autoRecoverySupported>
      <bareMetal>false</bareMetal>
      <currentGeneration>true</currentGeneration>
      <ebsInfo><ebsOptimizedSupport>default</ebsOptimizedSupport><encryptionSupport>supported</encryptionSupport></ebsInfo>
      <hypervisor>nitro</hypervisor>
      <instanceType>m5.large</instanceType>
      <memoryInfo><sizeInMiB>8192</sizeInMiB></memoryInfo>
      <networkInfo>
        <enaSupport>required</enaSupport>
        <ipv4AddressesPerInterface>10</ipv4AddressesPerInterface>
        <maximumNetworkInterfaces>3</maximumNetworkInterfaces>
        <networkPerformance>Up to 10 Gigabit</networkPerformance>
      </networkInfo>
      <processorInfo>
        <supportedArchitectures><item>x86_64</item></supportedArchitectures>
        <sustainedClockSpeedInGhz>3.1</sustainedClockSpeedInGhz>
      </processorInfo>
      <supportedUsageClasses><item>on-demand</item><item>spot</item></supportedUsageClasses>
      <vCpuInfo>
        <defaultCores>1</defaultCores>
        <defaultThreadsPerCore>2</defaultThreadsPerCore>
        <defaultVCpus>2</defaultVCpus>
        <validThreadsPerCore><item>1</item><item>2</item></validThreadsPerCore>
      </vCpuInfo>
    </item>`;
const G4DN_XLARGE = `<item>
      <instanceType>g4dn.xlarge</instanceType>
      <gpuInfo>
        <gpus><item><count>1</count><manufacturer>NVIDIA</manufacturer><memoryInfo><sizeInMiB>16384</sizeInMiB></memoryInfo><name>T4</name></item></gpus>
        <totalGpuMemoryInMiB>16384</totalGpuMemoryInMiB>
      </gpuInfo>
      <memoryInfo><sizeInMiB>16384</sizeInMiB></memoryInfo>
      <networkInfo><maximumNetworkInterfaces>3</maximumNetworkInterfaces></networkInfo>
      <processorInfo><supportedArchitectures><item>x86_64</item></supportedArchitectures></processorInfo>
      <vCpuInfo><defaultVCpus>4</defaultVCpus></vCpuInfo>
    </item>`;
const answer = (itemsXml: string, nextToken?: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstanceTypesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>1f5d6a6f-0b4e-4b3c-9a53-2f5e1d9e8c11</requestId>
    <instanceTypeSet>${itemsXml}</instanceTypeSet>${nextToken ? `\n    <nextToken>${nextToken}</nextToken>` : ''}
</DescribeInstanceTypesResponse>`;
const generic = (t: string) =>
  `<item><instanceType>${t}</instanceType><vCpuInfo><defaultVCpus>2</defaultVCpus></vCpuInfo><memoryInfo><sizeInMiB>8192</sizeInMiB></memoryInfo><processorInfo><supportedArchitectures><item>${t.includes('g.') ? 'arm64' : 'x86_64'}</item></supportedArchitectures></processorInfo><networkInfo><maximumNetworkInterfaces>3</maximumNetworkInterfaces></networkInfo></item>`;
const ec2Error = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>`;

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  form: Record<string, string>;
}
let received: Received[] = [];
let reply: (form: Record<string, string>) => { status: number; body: string } = () => ({
  status: 200,
  body: answer(''),
});
let server: Server;
let client: InstanceTypesClient;
let endpoint: string;

const typesOf = (form: Record<string, string>): string[] =>
  Object.keys(form)
    .filter((k) => k.startsWith('InstanceType.'))
    .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]))
    .map((k) => form[k]!);

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(body));
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, form });
      const { status, body: out } = reply(form);
      res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8' }).end(out);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = ec2QueryInstanceTypesClient({
    region: async () => 'eu-west-1',
    credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'tok' }),
    env: { AWS_ENDPOINT_URL_EC2: endpoint },
  });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  received = [];
  clearInstanceTypeCache();
  reply = (form) => ({ status: 200, body: answer(typesOf(form).map(generic).join('')) });
});

describe('the EC2 Query request', () => {
  it('is a signed form POST with exactly Action, Version and InstanceType.N', async () => {
    await describeInstanceTypes(client, ['m5.large', 'm6g.large']);
    expect(received).toHaveLength(1);
    const [r] = received;
    expect(r!.method).toBe('POST');
    expect(r!.url).toBe('/');
    expect(r!.form).toEqual({
      Action: 'DescribeInstanceTypes',
      Version: '2016-11-15',
      'InstanceType.1': 'm5.large',
      'InstanceType.2': 'm6g.large',
    });
    expect(r!.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(r!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/ec2\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(r!.headers['x-amz-security-token']).toBe('tok');
    expect(r!.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
  });

  it('parses the documented answer into the fields the placement model reads', async () => {
    reply = () => ({ status: 200, body: answer(M5_LARGE + G4DN_XLARGE) });
    const out = await describeInstanceTypes(client, ['m5.large', 'g4dn.xlarge']);
    expect(out).toEqual([
      {
        InstanceType: 'm5.large',
        VCpuInfo: { DefaultVCpus: 2 },
        MemoryInfo: { SizeInMiB: 8192 },
        ProcessorInfo: { SupportedArchitectures: ['x86_64'] },
        NetworkInfo: { MaximumNetworkInterfaces: 3 },
      },
      {
        InstanceType: 'g4dn.xlarge',
        VCpuInfo: { DefaultVCpus: 4 },
        MemoryInfo: { SizeInMiB: 16384 },
        ProcessorInfo: { SupportedArchitectures: ['x86_64'] },
        GpuInfo: { Gpus: [{ Count: 1 }] },
        NetworkInfo: { MaximumNetworkInterfaces: 3 },
      },
    ]);
    expect(factsFromInstanceTypeInfo(out[1]!)).toMatchObject({
      vcpu: 4,
      memoryMiB: 16384,
      gpus: 1,
      maxEnis: 3,
    });
  });

  it('reads an empty instanceTypeSet as no items', () => {
    expect(parseDescribeInstanceTypes(200, answer(''))).toEqual({ InstanceTypes: [] });
  });
});

describe('describeInstanceTypes', () => {
  it('asks at most 100 types per call and reads each type once per warm container', async () => {
    const types = Array.from({ length: 250 }, (_, k) => `m${k}.large`);
    const first = await describeInstanceTypes(client, [...types, ...types.slice(0, 10)]);
    expect(first).toHaveLength(250);
    expect(received.map((r) => typesOf(r.form).length)).toEqual([100, 100, 50]);
    expect(received.flatMap((r) => typesOf(r.form)).sort()).toEqual([...types].sort());
    await describeInstanceTypes(client, types.slice(0, 120));
    expect(received).toHaveLength(3);
  });

  it('follows NextToken', async () => {
    reply = (form) =>
      form.NextToken === 'p2'
        ? { status: 200, body: answer(generic('m6g.large')) }
        : { status: 200, body: answer(generic('m5.large'), 'p2') };
    const out = await describeInstanceTypes(client, ['m5.large', 'm6g.large']);
    expect(out.map((i) => i.InstanceType)).toEqual(['m5.large', 'm6g.large']);
    expect(received).toHaveLength(2);
    expect(received[0]!.form.NextToken).toBeUndefined();
    expect(received[1]!.form).toEqual({
      Action: 'DescribeInstanceTypes',
      Version: '2016-11-15',
      'InstanceType.1': 'm5.large',
      'InstanceType.2': 'm6g.large',
      NextToken: 'p2',
    });
    expect(out[1]!.ProcessorInfo?.SupportedArchitectures).toEqual(['arm64']);
  });

  it('asks one by one when EC2 rejects the batch for one unknown name, and remembers the unknown', async () => {
    reply = (form) =>
      typesOf(form).includes('x9.huge')
        ? {
            status: 400,
            body: ec2Error(
              'InvalidInstanceType',
              'The following supplied instance types do not exist: [x9.huge]',
            ),
          }
        : { status: 200, body: answer(typesOf(form).map(generic).join('')) };
    const out = await describeInstanceTypes(client, ['m5.large', 'x9.huge']);
    expect(out.map((i) => i.InstanceType)).toEqual(['m5.large']);
    expect(received.map((r) => typesOf(r.form))).toEqual([
      ['m5.large', 'x9.huge'],
      ['m5.large'],
      ['x9.huge'],
    ]);
    await describeInstanceTypes(client, ['x9.huge']);
    expect(received).toHaveLength(3);
  });

  it('never sends a malformed name', async () => {
    await describeInstanceTypes(client, ['', 'not a type', '(unknown type)']);
    expect(received).toHaveLength(0);
  });

  it('translates throttling, 5xx and a missing permission', async () => {
    reply = () => ({ status: 503, body: ec2Error('RequestLimitExceeded', 'Request limit exceeded.') });
    await expect(describeInstanceTypes(client, ['m5.large'])).rejects.toBeInstanceOf(TransientAwsError);
    reply = () => ({ status: 500, body: 'oops' });
    await expect(describeInstanceTypes(client, ['m5.large'])).rejects.toBeInstanceOf(TransientAwsError);
    reply = () => ({
      status: 403,
      body: ec2Error('UnauthorizedOperation', 'You are not authorized to perform this operation.'),
    });
    const denied = describeInstanceTypes(client, ['m5.large']);
    await expect(denied).rejects.toBeInstanceOf(AwsRejectedError);
    await expect(denied).rejects.toThrow(/grant ec2:DescribeInstanceTypes/);
    expect(received).toHaveLength(3);
  });

  it('takes a refused connection as transient', async () => {
    const closed = ec2QueryInstanceTypesClient({
      region: async () => 'eu-west-1',
      credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:1' },
    });
    await expect(describeInstanceTypes(closed, ['m5.large'])).rejects.toBeInstanceOf(TransientAwsError);
  });

  it('gives the placement model its facts (trunk limit from the ECS table)', async () => {
    const [item] = await describeInstanceTypes(client, ['m5.large']);
    expect(factsFromInstanceTypeInfo(item!)).toMatchObject({
      vcpu: 2,
      memoryMiB: 8192,
      architectures: ['x86_64'],
      maxEnis: 3,
      trunkEnis: 10,
      source: 'DescribeInstanceTypes',
    });
  });

  it('snapshot facts are best effort: a denied call leaves the built-in table', async () => {
    reply = () => ({ status: 403, body: ec2Error('UnauthorizedOperation', 'no') });
    const ci = { attributes: [{ name: 'ecs.instance-type', value: 'm5.large' }] };
    expect(await readInstanceTypeFacts(client, [ci], [])).toEqual([]);
    expect(typesOf(received[0]!.form)).toEqual(['m5.large']);
  });
});

describe('ec2Endpoint', () => {
  it('honours AWS_ENDPOINT_URL_EC2, then AWS_ENDPOINT_URL, unless configured endpoints are ignored', () => {
    const env = { AWS_ENDPOINT_URL_EC2: 'http://ec2.local:4566', AWS_ENDPOINT_URL: 'http://all.local:1' };
    expect(ec2Endpoint('us-east-1', env).href).toBe('http://ec2.local:4566/');
    expect(ec2Endpoint('us-east-1', { AWS_ENDPOINT_URL: 'http://all.local:1' }).href).toBe(
      'http://all.local:1/',
    );
    expect(ec2Endpoint('us-east-1', { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }).href).toBe(
      'https://ec2.us-east-1.amazonaws.com/',
    );
  });

  it('defaults to the regional endpoint, with the aws-cn suffix in China', () => {
    expect(ec2Endpoint('eu-west-1', {}).href).toBe('https://ec2.eu-west-1.amazonaws.com/');
    expect(ec2Endpoint('cn-north-1', {}).href).toBe('https://ec2.cn-north-1.amazonaws.com.cn/');
    expect(ec2Endpoint('us-gov-west-1', {}).href).toBe('https://ec2.us-gov-west-1.amazonaws.com/');
  });

  it('rejects a missing region with a configuration error, before any request', async () => {
    const noRegion = ec2QueryInstanceTypesClient({
      region: async () => '',
      credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }),
      env: {},
    });
    await expect(describeInstanceTypes(noRegion, ['m5.large'])).rejects.toBeInstanceOf(ConfigurationError);
  });
});

/** Shaped like the EC2 API reference's DescribeSubnets example answer (abridged). */
const subnetsAnswer = (subnets: [string, string][]) => `<?xml version="1.0" encoding="UTF-8"?>
<DescribeSubnetsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId>
    <subnetSet>${subnets
      .map(
        ([id, az]) =>
          `<item><subnetId>${id}</subnetId><subnetArn>arn:aws:ec2:eu-west-1:111122223333:subnet/${id}</subnetArn><state>available</state><vpcId>vpc-0a60eb65b4EXAMPLE</vpcId><cidrBlock>10.0.1.0/24</cidrBlock><availableIpAddressCount>251</availableIpAddressCount><availabilityZone>${az}</availabilityZone><availabilityZoneId>euw1-az1</availabilityZoneId><defaultForAz>false</defaultForAz><mapPublicIpOnLaunch>false</mapPublicIpOnLaunch></item>`,
      )
      .join('')}</subnetSet>
</DescribeSubnetsResponse>`;

const awsvpcService = (subnets: string[]) => ({
  serviceName: 'api',
  networkConfiguration: { awsvpcConfiguration: { subnets } },
});

describe('readSubnetZones (DescribeSubnets)', () => {
  it("asks the AZs of the awsvpc services' subnets once per warm container", async () => {
    reply = () => ({
      status: 200,
      body: subnetsAnswer([
        ['subnet-a', 'eu-west-1a'],
        ['subnet-task-b', 'eu-west-1b'],
      ]),
    });
    const services = [awsvpcService(['subnet-a', 'subnet-task-b']), { serviceName: 'web' }];
    const first = await readSubnetZones(client, services);
    expect(first).toEqual([
      { SubnetId: 'subnet-a', AvailabilityZone: 'eu-west-1a' },
      { SubnetId: 'subnet-task-b', AvailabilityZone: 'eu-west-1b' },
    ]);
    expect(received.map((r) => r.form)).toEqual([
      {
        Action: 'DescribeSubnets',
        Version: '2016-11-15',
        'SubnetId.1': 'subnet-a',
        'SubnetId.2': 'subnet-task-b',
      },
    ]);
    expect(await readSubnetZones(client, [awsvpcService(['subnet-task-b'])])).toEqual([first[1]]);
    expect(received).toHaveLength(1);
  });

  it('is best effort: a refused call (no permission, a subnet gone) leaves the subnets unknown', async () => {
    reply = () => ({
      status: 403,
      body: ec2Error('UnauthorizedOperation', 'You are not authorized to perform this operation.'),
    });
    expect(await readSubnetZones(client, [awsvpcService(['subnet-x'])])).toEqual([]);
    reply = () => ({
      status: 400,
      body: ec2Error('InvalidSubnetID.NotFound', "The subnet ID 'subnet-x' does not exist"),
    });
    expect(await readSubnetZones(client, [awsvpcService(['subnet-x'])])).toEqual([]);
    expect(received).toHaveLength(2);
  });

  it('asks nothing when no service names a subnet', async () => {
    expect(await readSubnetZones(client, [{ serviceName: 'web' }])).toEqual([]);
    expect(received).toEqual([]);
  });
});
