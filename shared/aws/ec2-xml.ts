/**
 * Reading EC2 Query-protocol answers (the XML of `<Action>Response`, lists as `<name><item>…</item></name>`,
 * errors as `<Response><Errors><Error><Code/><Message/>`) with the SDK's own `@aws-sdk/xml-builder`
 * parser, for the EC2 reads the functions make without the EC2 SDK client (instance-types.ts,
 * launch-templates.ts; docs/bundles.md).
 */
import { parseXML } from '@aws-sdk/xml-builder';

export type Xml = Record<string, unknown> | string | undefined;
/** EC2 XML lists are `<x><item>…</item>…</x>`; the parser gives one item as an object, several as an array. */
export const items = (list: unknown): Xml[] => {
  const item = (list as { item?: unknown } | undefined)?.item;
  return item === undefined ? [] : Array.isArray(item) ? item : [item as Xml];
};
export const child = (node: unknown, name: string): Record<string, unknown> | undefined => {
  const value = (node as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
};
export const num = (value: unknown): number | undefined => {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
};
export const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The parsed document, or an empty one when the answer is not XML (a proxy's page, a truncated answer). */
export const parseEc2Xml = (xml: string): Record<string, unknown> => {
  try {
    return parseXML(xml) as Record<string, unknown>;
  } catch {
    return {};
  }
};

/** The SDK-shaped error of a failed answer (`name` = the EC2 error code, `$fault`, `$metadata`). */
export const ec2ErrorOf = (status: number, doc: Record<string, unknown>): Error => {
  const error = child(child(child(doc, 'Response'), 'Errors'), 'Error');
  const code = text(error?.Code) ?? (status >= 500 ? 'InternalError' : `HTTP${status}`);
  const message = text(error?.Message) ?? `EC2 answered HTTP ${status} with no readable error`;
  return Object.assign(new Error(message), {
    name: code,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
};
