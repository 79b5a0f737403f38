/**
 * EC2 DescribeInstanceTypes adapter: the facts the placement model needs about each instance type (vCPU,
 * memory, architecture, GPUs, max ENIs), read once per type and kept for the life of the warm container
 * (instance types do not change). At most 100 types per call (the API's `InstanceTypes` limit), pages
 * followed. The core reads the raw `InstanceTypeInfo` items from `snapshot.instanceTypes` and falls back
 * to its built-in table (shared/core/placement/instance-facts.ts) for any type not answered.
 *
 * The call is one signed EC2 Query-protocol request (`Action=DescribeInstanceTypes`,
 * `Version=2016-11-15`, `InstanceType.N`, `NextToken`; SigV4 with `@smithy/signature-v4`, the XML
 * answer read with the SDK's own `@aws-sdk/xml-builder` parser) instead of `@aws-sdk/client-ec2`, whose
 * model of the whole EC2 API is ~550 KiB of every function bundle for this one read (docs/bundles.md).
 * Credentials and region come from the caller (the other clients' providers, clients.ts); the endpoint
 * honours `AWS_ENDPOINT_URL_EC2` / `AWS_ENDPOINT_URL` as the SDK does.
 */
import type { InstanceTypeInfoLike } from '../core/placement/index.js';
import { child, ec2ErrorOf, items, num, parseEc2Xml, text, type Xml } from './ec2-xml.js';
import { awsCall } from './errors.js';
import { type AwsCredentials, serviceEndpoint, signedPost } from './signed-request.js';

/** One DescribeInstanceTypes item: the fields the placement model reads, nothing else. */
export type InstanceTypeInfo = InstanceTypeInfoLike & { InstanceType: string };

/** One DescribeInstanceTypes request (≤ 100 names) and one page of its answer. */
export interface DescribeInstanceTypesInput {
  InstanceTypes: string[];
  NextToken?: string;
}
export interface DescribeInstanceTypesPage {
  InstanceTypes: InstanceTypeInfo[];
  NextToken?: string;
}

/**
 * The narrow port: one DescribeInstanceTypes page. Rejects with an SDK-shaped error (`name` = the AWS
 * error code, `$fault`, `$metadata.httpStatusCode`, or a network error's `code`) that
 * `translateAwsError` understands.
 */
export type { AwsCredentials };
export interface InstanceTypesClient {
  describeInstanceTypes(input: DescribeInstanceTypesInput): Promise<DescribeInstanceTypesPage>;
  /** DescribeSubnets: each subnet's AZ (the awsvpc services' subnets; docs/placement.md). */
  describeSubnets?(ids: readonly string[]): Promise<SubnetZone[]>;
}

/** A subnet and its Availability Zone (DescribeSubnets `Subnets[]`, the two fields the model reads). */
export interface SubnetZone {
  SubnetId: string;
  AvailabilityZone: string;
}

/** How {@link ec2QueryInstanceTypesClient} reaches EC2. */
export interface Ec2QueryOptions {
  /** The region (a provider, like an SDK client's `config.region`). */
  region: () => Promise<string>;
  /** The credentials (a provider, like an SDK client's `config.credentials`). */
  credentials: () => Promise<AwsCredentials>;
  /** HTTP client. Default: the global `fetch`, looked up at each call. */
  fetch?: typeof fetch;
  /** Environment for the endpoint variables. Default: `process.env`. */
  env?: Record<string, string | undefined>;
  /** Milliseconds before a call is abandoned (TimeoutError: transient). Default 10 000. */
  timeoutMs?: number;
}

/** The EC2 API version of the Query protocol. */
export const EC2_API_VERSION = '2016-11-15';

/**
 * The EC2 endpoint, as the SDK chooses it: `AWS_ENDPOINT_URL_EC2`, else `AWS_ENDPOINT_URL`, else
 * `https://ec2.<region>.amazonaws.com` (`.amazonaws.com.cn` in the aws-cn partition): signed-request.ts.
 */
export const ec2Endpoint = (region: string, env: Record<string, string | undefined> = process.env): URL =>
  serviceEndpoint('EC2', 'ec2', region, env);

/** The form body of one request. */
export const describeInstanceTypesBody = (input: DescribeInstanceTypesInput): string => {
  const form = new URLSearchParams({ Action: 'DescribeInstanceTypes', Version: EC2_API_VERSION });
  for (const [k, t] of input.InstanceTypes.entries()) form.append(`InstanceType.${k + 1}`, t);
  if (input.NextToken) form.append('NextToken', input.NextToken);
  return form.toString();
};

/** Reads one `instanceTypeSet/item` into the fields the model uses. */
const instanceTypeInfo = (item: Xml): InstanceTypeInfo | undefined => {
  const type = text((item as Record<string, unknown> | undefined)?.instanceType);
  if (!type) return undefined;
  const vcpus = num(child(item, 'vCpuInfo')?.defaultVCpus);
  const mib = num(child(item, 'memoryInfo')?.sizeInMiB);
  const archs = items(child(child(item, 'processorInfo'), 'supportedArchitectures'))
    .map(text)
    .filter((a): a is string => !!a);
  const gpus = items(child(child(item, 'gpuInfo'), 'gpus')).map((g) => ({
    Count: num((g as Record<string, unknown> | undefined)?.count) ?? 0,
  }));
  const enis = num(child(item, 'networkInfo')?.maximumNetworkInterfaces);
  return {
    InstanceType: type,
    ...(vcpus !== undefined ? { VCpuInfo: { DefaultVCpus: vcpus } } : {}),
    ...(mib !== undefined ? { MemoryInfo: { SizeInMiB: mib } } : {}),
    ...(archs.length > 0 ? { ProcessorInfo: { SupportedArchitectures: archs } } : {}),
    ...(gpus.length > 0 ? { GpuInfo: { Gpus: gpus } } : {}),
    ...(enis !== undefined ? { NetworkInfo: { MaximumNetworkInterfaces: enis } } : {}),
  };
};

/**
 * Parses a DescribeInstanceTypes answer (`DescribeInstanceTypesResponse`: `instanceTypeSet`,
 * `nextToken`) or throws its `Response/Errors/Error` (`Code`, `Message`) as an SDK-shaped error.
 */
export const parseDescribeInstanceTypes = (status: number, xml: string): DescribeInstanceTypesPage => {
  const doc = parseEc2Xml(xml);
  const response = child(doc, 'DescribeInstanceTypesResponse');
  if (status >= 200 && status < 300 && response) {
    const token = text(response.nextToken);
    return {
      InstanceTypes: items(response.instanceTypeSet)
        .map(instanceTypeInfo)
        .filter((i): i is InstanceTypeInfo => !!i),
      ...(token ? { NextToken: token } : {}),
    };
  }
  throw ec2ErrorOf(status, doc);
};

/** One signed EC2 Query request (a form body): its HTTP status and answer text. */
export const ec2QueryPost = async (
  options: Ec2QueryOptions,
  body: string,
): Promise<{ status: number; text: string }> => {
  const region = await options.region();
  return signedPost({
    service: 'ec2',
    region,
    credentials: options.credentials,
    url: ec2Endpoint(region, options.env ?? process.env),
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
};

/** Parses a DescribeSubnets answer (`subnetSet` items: `subnetId`, `availabilityZone`), or throws its error. */
export const parseDescribeSubnets = (status: number, xml: string): SubnetZone[] => {
  const doc = parseEc2Xml(xml);
  const response = child(doc, 'DescribeSubnetsResponse');
  if (status < 200 || status >= 300 || !response) throw ec2ErrorOf(status, doc);
  return items(response.subnetSet).flatMap((i) => {
    const r = i as Record<string, unknown> | undefined;
    const [SubnetId, AvailabilityZone] = [text(r?.subnetId), text(r?.availabilityZone)];
    return SubnetId && AvailabilityZone ? [{ SubnetId, AvailabilityZone }] : [];
  });
};

/** The {@link InstanceTypesClient} over a signed EC2 Query request. */
export const ec2QueryInstanceTypesClient = (options: Ec2QueryOptions): InstanceTypesClient => ({
  async describeInstanceTypes(input) {
    const { status, text } = await ec2QueryPost(options, describeInstanceTypesBody(input));
    return parseDescribeInstanceTypes(status, text);
  },
  async describeSubnets(ids) {
    const form = new URLSearchParams({ Action: 'DescribeSubnets', Version: EC2_API_VERSION });
    for (const [k, id] of ids.entries()) form.append(`SubnetId.${k + 1}`, id);
    const { status, text } = await ec2QueryPost(options, form.toString());
    return parseDescribeSubnets(status, text);
  },
});

/** Per warm container: subnet → AZ (a subnet never changes AZ). */
const subnetCache = new Map<string, string>();

/**
 * The AZs of the `awsvpc` services' subnets (a task runs only on a host in one of them): best effort,
 * cached for the warm container (a subnet never changes AZ). Without ec2:DescribeSubnets, or when EC2
 * rejects the list (a subnet gone), the core knows only the subnets the instances registered in
 * (`ecs.subnet-id`); a service with another subnet stays unbound (docs/placement.md).
 */
export const readSubnetZones = async (
  client: InstanceTypesClient | undefined,
  services: readonly unknown[],
): Promise<SubnetZone[]> => {
  const wanted = [
    ...new Set(
      (services as { networkConfiguration?: { awsvpcConfiguration?: { subnets?: string[] } } }[]).flatMap(
        (s) => s.networkConfiguration?.awsvpcConfiguration?.subnets ?? [],
      ),
    ),
  ];
  const missing = wanted.filter((id) => !subnetCache.has(id));
  if (client?.describeSubnets && missing.length > 0) {
    try {
      const out = await awsCall({ action: 'ec2:DescribeSubnets' }, () => client.describeSubnets!(missing));
      for (const s of out) subnetCache.set(s.SubnetId, s.AvailabilityZone);
    } catch {
      // Unknown: the services stay unbound.
    }
  }
  return wanted.flatMap((id) => {
    const az = subnetCache.get(id);
    return az ? [{ SubnetId: id, AvailabilityZone: az }] : [];
  });
};

/** The API's limit on `InstanceTypes` per call. */
export const DESCRIBE_INSTANCE_TYPES_BATCH = 100;

/** Per warm container: type → its item (null: EC2 does not know the type). */
const cache = new Map<string, InstanceTypeInfo | null>();

/** Forgets the cache (tests and benchmarks). */
export const clearInstanceTypeCache = (): void => {
  cache.clear();
  subnetCache.clear();
};

/** EC2 instance type names look like `m5.large`, `c7gn.16xlarge`, `u-6tb1.metal`. */
const TYPE_NAME = /^[a-z0-9-]+\.[a-z0-9-]+$/;

/**
 * The DescribeInstanceTypes items of `types` (unknown and malformed names left out), from the cache when
 * read before. A batch EC2 rejects as a whole (InvalidInstanceType) is asked again one type at a time so
 * one bad name does not hide the others.
 * @throws TransientAwsError / AwsRejectedError from {@link awsCall} (throttling, missing
 *   ec2:DescribeInstanceTypes permission): the caller decides whether the built-in table will do.
 */
export const describeInstanceTypes = async (
  client: InstanceTypesClient,
  types: readonly string[],
): Promise<InstanceTypeInfo[]> => {
  const wanted = [...new Set(types)].filter((t) => TYPE_NAME.test(t));
  const missing = wanted.filter((t) => !cache.has(t));
  for (let i = 0; i < missing.length; i += DESCRIBE_INSTANCE_TYPES_BATCH) {
    await readBatch(client, missing.slice(i, i + DESCRIBE_INSTANCE_TYPES_BATCH));
  }
  return wanted.map((t) => cache.get(t)).filter((i): i is InstanceTypeInfo => !!i);
};

const readBatch = async (client: InstanceTypesClient, batch: string[]): Promise<void> => {
  try {
    let NextToken: string | undefined;
    do {
      const token = NextToken;
      const out = await awsCall({ action: 'ec2:DescribeInstanceTypes' }, () =>
        client.describeInstanceTypes({ InstanceTypes: batch, ...(token ? { NextToken: token } : {}) }),
      );
      for (const item of out.InstanceTypes) cache.set(item.InstanceType, item);
      NextToken = out.NextToken;
    } while (NextToken);
    for (const t of batch) if (!cache.has(t)) cache.set(t, null);
  } catch (error) {
    if (batch.length > 1 && /InvalidInstanceType/.test(String((error as Error).message))) {
      for (const t of batch) await readBatch(client, [t]);
      return;
    }
    if (batch.length === 1 && /InvalidInstanceType/.test(String((error as Error).message))) {
      cache.set(batch[0]!, null);
      return;
    }
    throw error;
  }
};

/**
 * Instance types named by the cluster's instances and its groups (members, mixed-instances overrides),
 * and `extra` (the groups' launch templates).
 */
const typesInUse = (
  containerInstances: readonly unknown[],
  groups: readonly unknown[],
  extra: readonly string[],
): string[] => {
  const out = new Set<string>(extra);
  for (const ci of containerInstances as { attributes?: { name?: string; value?: string }[] }[]) {
    const t = ci.attributes?.find((a) => a.name === 'ecs.instance-type')?.value;
    if (t) out.add(t);
  }
  for (const g of groups as {
    Instances?: { InstanceType?: string }[];
    MixedInstancesPolicy?: { LaunchTemplate?: { Overrides?: { InstanceType?: string }[] } };
  }[]) {
    for (const i of g.Instances ?? []) if (i.InstanceType) out.add(i.InstanceType);
    for (const o of g.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? [])
      if (o.InstanceType) out.add(o.InstanceType);
  }
  return [...out].sort();
};

/**
 * The DescribeInstanceTypes items for the snapshot: best effort. Without the ec2:DescribeInstanceTypes
 * permission, or when EC2 fails, the snapshot goes without them and the placement model uses its built-in
 * table (the report names the source); a decision is never lost for want of instance facts.
 */
export const readInstanceTypeFacts = async (
  client: InstanceTypesClient | undefined,
  containerInstances: readonly unknown[],
  groups: readonly unknown[],
  extra: readonly string[] = [],
): Promise<InstanceTypeInfo[]> => {
  if (!client) return [];
  try {
    return await describeInstanceTypes(client, typesInUse(containerInstances, groups, extra));
  } catch {
    return [];
  }
};
