/**
 * EC2's Query protocol over HTTP, for callers that read EC2 with a signed form POST instead of the SDK
 * client (the project's DescribeInstanceTypes adapter does, to keep its bundles small). Follows the EC2
 * API reference ("Query requests for Amazon EC2", "Error responses"):
 * - request: `application/x-www-form-urlencoded` body with `Action`, `Version=2016-11-15`, list members
 *   as `Name.N` (1-based) — `InstanceType.N` is the SDK input's `InstanceTypes`;
 * - answer: `<ActionResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` with lowerCamelCase
 *   elements, lists as `<name><item>…</item></name>` (the top-level `InstanceTypes` is `instanceTypeSet`);
 * - error: HTTP 4xx/5xx with `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/>`.
 * Only what the simulator's EC2 implements is mapped.
 */

export const EC2_QUERY_VERSION = '2016-11-15';

/** Query list member name → SDK input member name. */
const LIST_INPUTS: Record<string, string> = {
  InstanceType: 'InstanceTypes',
  LaunchTemplateVersion: 'Versions',
  SubnetId: 'SubnetIds',
};
/** SDK output member name → XML element name, where it is not the lowerCamelCase of the member. */
const OUTPUT_NAMES: Record<string, string> = {
  InstanceTypes: 'instanceTypeSet',
  LaunchTemplateVersions: 'launchTemplateVersionSet',
  Subnets: 'subnetSet',
};

/** The action and SDK-shaped input of a Query request body, or undefined when it is not one for EC2. */
export const parseEc2Query = (
  body: string,
): { action: string; input: Record<string, unknown> } | undefined => {
  const form = new URLSearchParams(body);
  const action = form.get('Action');
  if (!action || form.get('Version') !== EC2_QUERY_VERSION) return undefined;
  const input: Record<string, unknown> = {};
  const lists: Record<string, [number, string][]> = {};
  for (const [key, value] of form) {
    if (key === 'Action' || key === 'Version') continue;
    const m = /^([A-Za-z]+)\.(\d+)$/.exec(key);
    if (m) {
      const name = LIST_INPUTS[m[1]!] ?? m[1]!;
      lists[name] = [...(lists[name] ?? []), [Number(m[2]), value]];
    } else input[key] = /^\d+$/.test(value) && key === 'MaxResults' ? Number(value) : value;
  }
  for (const [name, entries] of Object.entries(lists)) {
    input[name] = entries.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }
  return { action, input };
};

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

const element = (name: string, value: unknown): string => {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return `<${name}>${value.map((v) => element('item', v)).join('')}</${name}>`;
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => element(OUTPUT_NAMES[k] ?? lowerFirst(k), v))
      .join('');
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
};

/** The XML answer of one action's output. */
export const ec2QueryResponse = (action: string, output: Record<string, unknown>): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n${element(`${action}Response`, {
    RequestId: 'sim-request',
    ...output,
  }).replace(
    `<${action}Response>`,
    `<${action}Response xmlns="http://ec2.amazonaws.com/doc/${EC2_QUERY_VERSION}/">`,
  )}`;

/** The XML error answer. */
export const ec2QueryError = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(
    message,
  )}</Message></Error></Errors><RequestID>sim-request</RequestID></Response>`;

/**
 * Answers one fetch call when it is an EC2 Query request: `call(action, input)` runs it in the
 * simulator; a thrown simulated AWS error (name, `$metadata.httpStatusCode`) becomes the error answer.
 * Undefined when the request is not an EC2 Query request (the caller lets it through).
 */
export const answerEc2Query = async (
  init: { body?: unknown } | undefined,
  call: (action: string, input: Record<string, unknown>) => Promise<unknown>,
): Promise<Response | undefined> => {
  if (typeof init?.body !== 'string') return undefined;
  const request = parseEc2Query(init.body);
  if (!request) return undefined;
  const headers = { 'content-type': 'text/xml;charset=UTF-8' };
  try {
    const output = (await call(request.action, request.input)) as Record<string, unknown>;
    return new Response(ec2QueryResponse(request.action, output ?? {}), { status: 200, headers });
  } catch (error) {
    const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    if (!e.$metadata) throw error;
    return new Response(ec2QueryError(e.name ?? 'InternalError', e.message ?? ''), {
      status: e.$metadata.httpStatusCode ?? 400,
      headers,
    });
  }
};
