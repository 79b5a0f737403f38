/**
 * EC2 DescribeLaunchTemplateVersions adapter: what a group's launch template launches (its
 * `InstanceType`, or attribute-based `InstanceRequirements`), for a group that names no type itself — a
 * plain launch template, or a MixedInstancesPolicy whose overrides name none. Without it such a group at
 * zero instances has no known instance size, and the scaler cannot scale it from zero (it asked for the
 * instance-cpu / instance-memory tags); with no instance of it running, its type was not even known to be
 * x86 or arm64.
 *
 * Like instance-types.ts, one signed EC2 Query request (`Action=DescribeLaunchTemplateVersions`,
 * `LaunchTemplateId` or `LaunchTemplateName`, `LaunchTemplateVersion.1`), not the EC2 SDK client. The
 * answer (`launchTemplateVersionSet/item`: `launchTemplateId`, `launchTemplateName`, `versionNumber`,
 * `defaultVersion`, `launchTemplateData/instanceType|instanceRequirements`) is read into the SDK's shape,
 * which the snapshot's `launchTemplateVersions` holds and `fleet.ts` resolves (`$Latest`, `$Default`,
 * a number).
 *
 * Calls: one per distinct template reference (id or name, version) of the groups that need it. A numbered
 * version never changes: read once per warm container. `$Latest` and `$Default` can move: read again
 * after {@link MOVING_VERSION_TTL_MS}. Best effort, as instance facts: without the permission or when EC2
 * fails, the snapshot goes without them and the planner says which tags size the group instead.
 */
import { child, ec2ErrorOf, items, num, parseEc2Xml, text, type Xml } from './ec2-xml.js';
import { awsCall } from './errors.js';
import { EC2_API_VERSION, type Ec2QueryOptions, ec2QueryPost } from './instance-types.js';

/** One DescribeLaunchTemplateVersions request: one template, one version. */
export interface DescribeLaunchTemplateVersionsInput {
  LaunchTemplateId?: string;
  LaunchTemplateName?: string;
  Versions: string[];
}

/** A min/max range of `InstanceRequirements`. */
interface Range {
  Min?: number;
  Max?: number;
}

/** One `LaunchTemplateVersions[]` item: the fields the fleet model reads (SDK field names). */
export interface LaunchTemplateVersionItem {
  LaunchTemplateId?: string;
  LaunchTemplateName?: string;
  VersionNumber?: number;
  DefaultVersion?: boolean;
  LaunchTemplateData?: {
    /**
     * Not an EC2 field: the custom attributes the user data gives the ECS agent (`ECS_INSTANCE_ATTRIBUTES`,
     * {@link agentAttributesOf}); `{}` when it gives none; absent when there is no user data or it cannot be
     * read. The user data itself is not kept (it may hold secrets).
     */
    EcsInstanceAttributes?: Record<string, string>;
    /** Not an EC2 field: `ECS_RESERVED_MEMORY` of the user data, MiB ({@link reservedMemoryOf}). */
    EcsReservedMemory?: number;
    InstanceType?: string;
    InstanceRequirements?: {
      VCpuCount?: Range;
      MemoryMiB?: Range;
      MemoryGiBPerVCpu?: Range;
      AcceleratorCount?: Range;
      AllowedInstanceTypes?: string[];
      ExcludedInstanceTypes?: string[];
      BurstablePerformance?: string;
      CpuManufacturers?: string[];
      BareMetal?: string;
      OnDemandMaxPricePercentageOverLowestPrice?: number;
      SpotMaxPricePercentageOverLowestPrice?: number;
      MaxSpotPriceAsPercentageOfOptimalOnDemandPrice?: number;
    };
  };
}

/** The narrow port: one DescribeLaunchTemplateVersions page (SDK-shaped errors, as instance-types.ts). */
export interface LaunchTemplatesClient {
  describeLaunchTemplateVersions(
    input: DescribeLaunchTemplateVersionsInput,
  ): Promise<{ LaunchTemplateVersions: LaunchTemplateVersionItem[] }>;
}

/** The form body of one request. */
export const describeLaunchTemplateVersionsBody = (input: DescribeLaunchTemplateVersionsInput): string => {
  const form = new URLSearchParams({ Action: 'DescribeLaunchTemplateVersions', Version: EC2_API_VERSION });
  if (input.LaunchTemplateId) form.append('LaunchTemplateId', input.LaunchTemplateId);
  else if (input.LaunchTemplateName) form.append('LaunchTemplateName', input.LaunchTemplateName);
  for (const [k, v] of input.Versions.entries()) form.append(`LaunchTemplateVersion.${k + 1}`, v);
  return form.toString();
};

const range = (node: unknown): Range | undefined => {
  if (node === undefined) return undefined;
  const min = num((node as Record<string, unknown>).min);
  const max = num((node as Record<string, unknown>).max);
  return { ...(min !== undefined ? { Min: min } : {}), ...(max !== undefined ? { Max: max } : {}) };
};
const strings = (list: unknown): string[] | undefined => {
  const out = items(list)
    .map(text)
    .filter((s): s is string => !!s);
  return out.length > 0 ? out : undefined;
};

/** `launchTemplateData/instanceRequirements` in the SDK's field names (those the fleet model matches). */
const requirements = (node: Record<string, unknown> | undefined) => {
  if (!node) return undefined;
  const fields = {
    VCpuCount: range(child(node, 'vCpuCount')),
    MemoryMiB: range(child(node, 'memoryMiB')),
    MemoryGiBPerVCpu: range(child(node, 'memoryGiBPerVCpu')),
    AcceleratorCount: range(child(node, 'acceleratorCount')),
    AllowedInstanceTypes: strings(node.allowedInstanceTypeSet),
    ExcludedInstanceTypes: strings(node.excludedInstanceTypeSet),
    BurstablePerformance: text(node.burstablePerformance),
    CpuManufacturers: strings(node.cpuManufacturerSet),
    BareMetal: text(node.bareMetal),
    OnDemandMaxPricePercentageOverLowestPrice: num(node.onDemandMaxPricePercentageOverLowestPrice),
    SpotMaxPricePercentageOverLowestPrice: num(node.spotMaxPricePercentageOverLowestPrice),
    MaxSpotPriceAsPercentageOfOptimalOnDemandPrice: num(node.maxSpotPriceAsPercentageOfOptimalOnDemandPrice),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
};

/**
 * The custom attributes a launch template's user data (base64) gives the ECS agent: the JSON object of
 * `ECS_INSTANCE_ATTRIBUTES=` in /etc/ecs/ecs.config (ECS developer guide, "Amazon ECS container agent
 * configuration"), as an `echo` line, a heredoc or cloud-init `write_files` write it (`\"` unescaped).
 * `{}` when the script names none; undefined when there is no user data or it is not text (gzip, a
 * base64 MIME part) or the value is no JSON object of strings.
 */
export const agentAttributesOf = (userData: string | undefined): Record<string, string> | undefined => {
  if (!userData) return undefined;
  const script = Buffer.from(userData, 'base64').toString('utf8');
  if (!/ECS_CLUSTER|ecs\.config|#!|#cloud-config|Content-Type/.test(script)) return undefined;
  const json = /ECS_INSTANCE_ATTRIBUTES=['"]?(\{[^}]*\})/.exec(script)?.[1];
  if (!json) return {};
  try {
    const value = JSON.parse(json.replace(/\\"/g, '"'));
    return Object.values(value).every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
};

/**
 * `ECS_RESERVED_MEMORY` of a launch template's user data (base64): the MiB the agent keeps from ECS on
 * every instance (ECS developer guide, "Reserving Amazon ECS Linux container instance memory"); undefined
 * when not set or not readable.
 */
export const reservedMemoryOf = (userData: string | undefined): number | undefined =>
  Number(/ECS_RESERVED_MEMORY=['"]?(\d+)/.exec(Buffer.from(userData ?? '', 'base64').toString())?.[1]) ||
  undefined;

const versionItem = (item: Xml): LaunchTemplateVersionItem => {
  const node = item as Record<string, unknown> | undefined;
  const data = child(node, 'launchTemplateData');
  const type = text(data?.instanceType);
  const req = requirements(child(data, 'instanceRequirements'));
  const agent = agentAttributesOf(text(data?.userData));
  const reserved = reservedMemoryOf(text(data?.userData));
  const version = num(node?.versionNumber);
  const id = text(node?.launchTemplateId);
  const name = text(node?.launchTemplateName);
  return {
    ...(id ? { LaunchTemplateId: id } : {}),
    ...(name ? { LaunchTemplateName: name } : {}),
    ...(version !== undefined ? { VersionNumber: version } : {}),
    DefaultVersion: text(node?.defaultVersion) === 'true',
    LaunchTemplateData: {
      ...(agent ? { EcsInstanceAttributes: agent } : {}),
      ...(reserved ? { EcsReservedMemory: reserved } : {}),
      ...(type ? { InstanceType: type } : {}),
      ...(req ? { InstanceRequirements: req } : {}),
    },
  };
};

/**
 * Parses a DescribeLaunchTemplateVersions answer (`DescribeLaunchTemplateVersionsResponse`:
 * `launchTemplateVersionSet`) or throws its error as an SDK-shaped error.
 */
export const parseDescribeLaunchTemplateVersions = (
  status: number,
  xml: string,
): { LaunchTemplateVersions: LaunchTemplateVersionItem[] } => {
  const doc = parseEc2Xml(xml);
  const response = child(doc, 'DescribeLaunchTemplateVersionsResponse');
  if (status >= 200 && status < 300 && response) {
    return { LaunchTemplateVersions: items(response.launchTemplateVersionSet).map(versionItem) };
  }
  throw ec2ErrorOf(status, doc);
};

/** The {@link LaunchTemplatesClient} over a signed EC2 Query request. */
export const ec2QueryLaunchTemplatesClient = (options: Ec2QueryOptions): LaunchTemplatesClient => ({
  async describeLaunchTemplateVersions(input) {
    const { status, text } = await ec2QueryPost(options, describeLaunchTemplateVersionsBody(input));
    return parseDescribeLaunchTemplateVersions(status, text);
  },
});

/** How long an answer for `$Latest` / `$Default` is kept: someone may publish a new version. */
export const MOVING_VERSION_TTL_MS = 5 * 60_000;

/** Per warm container: reference → its items (empty: EC2 knows no such template or version). */
const cache = new Map<string, { at: number; items: LaunchTemplateVersionItem[] }>();

/** Forgets the cache (tests and benchmarks). */
export const clearLaunchTemplateCache = (): void => cache.clear();

interface TemplateRef {
  LaunchTemplateId?: string;
  LaunchTemplateName?: string;
  Version?: string;
}

interface GroupShape {
  LaunchTemplate?: TemplateRef;
  MixedInstancesPolicy?: { LaunchTemplate?: { LaunchTemplateSpecification?: TemplateRef } };
}

/**
 * The template references whose data decides what a group launches: the group's own launch template, or
 * the MixedInstancesPolicy's — its types when no override names one (overrides win: fleet.ts), and always
 * the custom attributes of its user data, which say what its instances will be while none is registered
 * (placement/nodes.ts `templateNode`). Read even when overrides name types and the group has instances:
 * its only member deregistered by someone, a group took another group's pool attribute for its own and
 * bought and drained instances for a task they could never run, over and over (random world 987217).
 */
export const templateRefs = (groups: readonly unknown[]): TemplateRef[] => {
  const out = new Map<string, TemplateRef>();
  for (const g of groups as GroupShape[]) {
    const mixed = g.MixedInstancesPolicy?.LaunchTemplate;
    const ref = mixed ? mixed.LaunchTemplateSpecification : g.LaunchTemplate;
    if (!ref || !(ref.LaunchTemplateId || ref.LaunchTemplateName)) continue;
    const version = ref.Version ?? '$Default';
    out.set(`${ref.LaunchTemplateId ?? ref.LaunchTemplateName}|${version}`, { ...ref, Version: version });
  }
  return [...out.values()];
};

/** Access denied (the EC2 codes among errors.ts's): the other templates would be denied too. */
const DENIED = /^(UnauthorizedOperation|AccessDenied|AccessDeniedException)$/;
const NOT_FOUND = /^InvalidLaunchTemplate(Id|Name)\.(NotFound|NotFoundException|VersionNotFound|Malformed)/;

/**
 * The launch template versions the groups need (see {@link templateRefs}), from the cache when fresh.
 * Best effort: a denied permission stops the reads (the rest would be denied too); a template EC2 does
 * not know is remembered as such; any other failure leaves that reference out this time.
 */
export const readLaunchTemplateVersions = async (
  client: LaunchTemplatesClient | undefined,
  groups: readonly unknown[],
  nowMs: number = Date.now(),
): Promise<LaunchTemplateVersionItem[]> => {
  if (!client) return [];
  const found = new Map<string, LaunchTemplateVersionItem>();
  for (const ref of templateRefs(groups)) {
    const key = `${ref.LaunchTemplateId ?? ref.LaunchTemplateName}|${ref.Version}`;
    const moving = ref.Version === '$Latest' || ref.Version === '$Default';
    let hit = cache.get(key);
    if (!hit || (moving && nowMs - hit.at > MOVING_VERSION_TTL_MS)) {
      try {
        const out = await awsCall({ action: 'ec2:DescribeLaunchTemplateVersions' }, () =>
          client.describeLaunchTemplateVersions({
            ...(ref.LaunchTemplateId
              ? { LaunchTemplateId: ref.LaunchTemplateId }
              : { LaunchTemplateName: ref.LaunchTemplateName! }),
            Versions: [ref.Version!],
          }),
        );
        hit = { at: nowMs, items: out.LaunchTemplateVersions };
      } catch (error) {
        const code = (error as { cause?: { name?: string } }).cause?.name ?? '';
        if (NOT_FOUND.test(code)) hit = { at: nowMs, items: [] };
        else if (DENIED.test(code)) break;
        else continue;
      }
      cache.set(key, hit);
    }
    for (const v of hit.items)
      found.set(`${v.LaunchTemplateId ?? v.LaunchTemplateName}#${v.VersionNumber}`, v);
  }
  return [...found.values()];
};
