/**
 * Systems Manager Parameter Store (String parameters, Standard tier), as AWS documents it (API reference
 * "PutParameter", "GetParameter"; user guide "Parameter name requirements", "Parameter tiers"):
 * - names: letters, digits and `. - _ /`, at most 1011 characters (2048 with the ARN prefix; the
 *   simulator checks the name), at most 15 levels; a name cannot begin with `aws` or `ssm`
 *   (ValidationException), and a leading `/` makes it hierarchical;
 * - Standard values are at most 4 KB (ValidationException above);
 * - PutParameter on an existing name without `Overwrite: true` → ParameterAlreadyExists; each write
 *   adds a version (at most 100 kept: the oldest is dropped);
 * - GetParameter of an unknown name → ParameterNotFound.
 */
import type { GetParameterCommandInput, PutParameterCommandInput } from '@aws-sdk/client-ssm';
import { awsError } from '../core/aws-error.js';
import type { SimContext } from '../core/context.js';
import { type CommandTable, command } from '../core/registry.js';

const NAME = /^[a-zA-Z0-9_.\-/]+$/;
const MAX_STANDARD_VALUE_BYTES = 4096;

/** One stored parameter. */
export interface StoredParameter {
  name: string;
  value: string;
  version: number;
  /** Epoch ms of the last write. */
  lastModifiedMs: number;
  /** Values by version (at most 100). */
  history: string[];
}

const invalid = (message: string) => awsError('ssm', 'ValidationException', message);

const checkName = (name: string | undefined): string => {
  if (!name) throw invalid('Parameter name must not be empty.');
  if (name.length > 1011 || !NAME.test(name)) {
    throw invalid(`Parameter name ${name} is invalid: only a-zA-Z0-9_.-/ and at most 1011 characters.`);
  }
  if (/^\/?(aws|ssm)/i.test(name)) {
    throw invalid(`No access to reserved parameter name: ${name}.`);
  }
  if (name.startsWith('/') && name.split('/').length - 1 > 15) {
    throw awsError('ssm', 'HierarchyLevelLimitExceededException', 'A hierarchy can have at most 15 levels.');
  }
  return name;
};

/** The parameter store of the simulated account and region. */
export class ParameterStore {
  readonly parameters = new Map<string, StoredParameter>();

  constructor(private readonly ctx: SimContext) {}

  /** The command table (service `ssm`). */
  api(): CommandTable {
    return {
      PutParameter: command<PutParameterCommandInput>((i) => {
        const name = checkName(i.Name);
        if (i.Value === undefined || i.Value.length === 0)
          throw invalid('Parameter value must not be empty.');
        if ((i.Tier ?? 'Standard') === 'Standard' && Buffer.byteLength(i.Value) > MAX_STANDARD_VALUE_BYTES) {
          throw invalid(
            `Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.`,
          );
        }
        const existing = this.parameters.get(name);
        if (existing && i.Overwrite !== true) {
          throw awsError(
            'ssm',
            'ParameterAlreadyExists',
            'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
          );
        }
        const history = [...(existing?.history ?? []), i.Value].slice(-100);
        const version = (existing?.version ?? 0) + 1;
        this.parameters.set(name, {
          name,
          value: i.Value,
          version,
          lastModifiedMs: this.ctx.clock.nowMs,
          history,
        });
        return { Version: version, Tier: i.Tier ?? 'Standard' };
      }),
      GetParameter: command<GetParameterCommandInput>((i) => {
        const name = checkName(i.Name);
        const p = this.parameters.get(name);
        if (!p) throw awsError('ssm', 'ParameterNotFound', `Parameter ${name} not found.`);
        return {
          Parameter: {
            Name: p.name,
            Type: 'String',
            Value: p.value,
            Version: p.version,
            LastModifiedDate: new Date(p.lastModifiedMs),
            ARN: `arn:aws:ssm:${this.ctx.settings.region}:${this.ctx.settings.accountId}:parameter${p.name.startsWith('/') ? '' : '/'}${p.name}`,
            DataType: 'text',
          },
        };
      }),
    };
  }
}
