/**
 * A subset of the ECS cluster query language (used by ListContainerInstances `filter` and `memberOf`
 * placement constraints): `and`/`or`-joined terms of the form `field == v`, `field != v`,
 * `field in [a, b]`, `field not in [a, b]`, `field =~ glob*`. Fields: `ec2InstanceId`, `agentConnected`,
 * `runningTasksCount`, `registeredAt` is not supported, and `attribute:<name>`.
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

const glob = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

const term = (text: string): Pred => {
  const m = /^\s*([\w:.-]+)\s*(==|!=|=~|not in|in)\s*(.+?)\s*$/.exec(text);
  if (!m) throw awsError('ecs', 'InvalidParameterException', `Invalid cluster query expression: '${text}'.`);
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
      case 'not in':
        return v === undefined || !list.includes(v);
      default:
        return v !== undefined && glob(list[0]!).test(v);
    }
  };
};

/**
 * Compiles a cluster query expression into a predicate.
 * @throws InvalidParameterException for syntax the simulator does not support (named in the message).
 */
export const compileQuery = (expression: string): Pred => {
  const ors = expression.split(/\s+or\s+/i).map((part) => part.split(/\s+and\s+/i).map(term));
  return (ci) => ors.some((ands) => ands.every((p) => p(ci)));
};
