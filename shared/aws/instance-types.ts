/**
 * EC2 DescribeInstanceTypes adapter: the facts the placement model needs about each instance type (vCPU,
 * memory, architecture, GPUs, max ENIs), read once per type and kept for the life of the warm container
 * (instance types do not change). At most 100 types per call (the API's `InstanceTypes` limit), pages
 * followed. The core reads the raw `InstanceTypeInfo` items from `snapshot.instanceTypes` and falls back
 * to its built-in table (shared/core/placement/instance-facts.ts) for any type not answered.
 */
import { DescribeInstanceTypesCommand, type EC2Client, type InstanceTypeInfo } from '@aws-sdk/client-ec2';
import { awsCall } from './errors.js';

/** The narrow port: only DescribeInstanceTypes. */
export type InstanceTypesClient = Pick<EC2Client, 'send'>;

/** The API's limit on `InstanceTypes` per call. */
export const DESCRIBE_INSTANCE_TYPES_BATCH = 100;

/** Per warm container: type → its item (null: EC2 does not know the type). */
const cache = new Map<string, InstanceTypeInfo | null>();

/** Forgets the cache (tests and benchmarks). */
export const clearInstanceTypeCache = (): void => cache.clear();

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
      const out = await awsCall({ action: 'ec2:DescribeInstanceTypes' }, () =>
        client.send(
          new DescribeInstanceTypesCommand({
            InstanceTypes: batch as never,
            ...(NextToken ? { NextToken } : {}),
          }),
        ),
      );
      for (const item of out.InstanceTypes ?? []) if (item.InstanceType) cache.set(item.InstanceType, item);
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

/** Instance types named by the cluster's instances and its groups (members, mixed-instances overrides). */
const typesInUse = (containerInstances: readonly unknown[], groups: readonly unknown[]): string[] => {
  const out = new Set<string>();
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
): Promise<InstanceTypeInfo[]> => {
  if (!client) return [];
  try {
    return await describeInstanceTypes(client, typesInUse(containerInstances, groups));
  } catch {
    return [];
  }
};
