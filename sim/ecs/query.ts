/**
 * A subset of the ECS cluster query language (used by ListContainerInstances `filter` and `memberOf`
 * placement constraints), from the ECS developer guide "Cluster query language": terms
 * `field == v`, `field != v`, `field in [a, b]`, `field not_in [a, b]` (also `not in`, `!in`),
 * `field =~ pattern`, `attribute:x exists`, `attribute:x !exists`; joined with `and`/`&&` (binds tighter)
 * and `or`/`||`; parentheses group. Fields: `ec2InstanceId`, `agentConnected`, `runningTasksCount`,
 * `attribute:<name>`. `=~` takes a wildcard pattern (`*`), as the guide's examples use it.
 */
import { awsError } from '../core/aws-error.js';
import type { SimContainerInstance } from './model.js';

type Pred = (ci: SimContainerInstance) => boolean;

const fieldValue = (ci: SimContainerInstance, field: string): string | undefined => {
  if (field === 'ec2InstanceId') return ci.ec2InstanceId;
  if (field === 'agentConnected') return String(ci.agentConnected);
  if (field === 'runningTasksCount')
    return String([...ci.tasks].filter((t) => t.lastStatus === 'RUNNING').length);
  if (field.startsWith('attribute:')) {
    const name = field.slice('attribute:'.length);
    return ci.attributes.find((a) => a.name === name)?.value;
  }
  throw awsError('ecs', 'InvalidParameterException', `Unsupported cluster query field '${field}'.`);
};

const hasAttribute = (ci: SimContainerInstance, field: string): boolean =>
  field.startsWith('attribute:') && ci.attributes.some((a) => a.name === field.slice('attribute:'.length));

const glob = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

const invalid = (text: string) =>
  awsError('ecs', 'InvalidParameterException', `Invalid cluster query expression: '${text}'.`);

const term = (text: string): Pred => {
  const ex = /^\s*([\w:.-]+)\s+(exists|!exists|not_exists)\s*$/.exec(text);
  if (ex) {
    const want = ex[2] === 'exists';
    return (ci) => hasAttribute(ci, ex[1]!) === want;
  }
  const m = /^\s*([\w:.-]+)\s*(==|!=|=~|not_in|not in|!in|in)\s*(.+?)\s*$/.exec(text);
  if (!m) throw invalid(text);
  const [, field, op, rawValue] = m as unknown as [string, string, string, string];
  const list = rawValue.startsWith('[')
    ? rawValue
        .replace(/^\[|\]$/g, '')
        .split(',')
        .map((v) => v.trim().replace(/^['"]|['"]$/g, ''))
    : [rawValue.replace(/^['"]|['"]$/g, '')];
  return (ci) => {
    const v = fieldValue(ci, field);
    switch (op) {
      case '==':
        return v === list[0];
      case '!=':
        return v !== list[0];
      case 'in':
        return v !== undefined && list.includes(v);
      case '=~':
        return v !== undefined && glob(list[0]!).test(v);
      default:
        return v === undefined || !list.includes(v);
    }
  };
};

/** Splits `text` on a keyword at parenthesis depth 0 (outside lists). */
const splitTop = (text: string, words: RegExp): string[] => {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth === 0) {
      const m = words.exec(text.slice(i));
      if (m && (i === 0 || /\s/.test(text[i - 1]!) || m[0].startsWith('&') || m[0].startsWith('|'))) {
        parts.push(text.slice(start, i));
        i += m[0].length - 1;
        start = i + 1;
      }
    }
  }
  parts.push(text.slice(start));
  return parts;
};

const parse = (text: string): Pred => {
  const ors = splitTop(text, /^(\|\||or\s)/i);
  if (ors.length > 1) {
    const ps = ors.map(parse);
    return (ci) => ps.some((p) => p(ci));
  }
  const ands = splitTop(text, /^(&&|and\s)/i);
  if (ands.length > 1) {
    const ps = ands.map(parse);
    return (ci) => ps.every((p) => p(ci));
  }
  const t = text.trim();
  if (t.startsWith('(') && t.endsWith(')')) return parse(t.slice(1, -1));
  return term(t);
};

/**
 * Compiles a cluster query expression into a predicate.
 * @throws InvalidParameterException for syntax the simulator does not support (named in the message).
 */
export const compileQuery = (expression: string): Pred => parse(expression);
