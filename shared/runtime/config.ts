/**
 * Deployment-wide configuration from environment variables (set by serverless.yml params), parsed with
 * zod at cold start. A bad value is a {@link ConfigurationError} naming the variable, its value and the
 * allowed values: the function then does nothing rather than scale on a guess.
 */
import { POLICY_TAGS, type SettingSpec } from '../core/cluster/config.js';
import { type ClusterPolicy, DEFAULT_CLUSTER_POLICY } from '../core/cluster/policy.js';
import { ConfigurationError } from '../core/errors.js';

/** The cluster scaler's deployment settings. */
export interface ClusterScalerConfig {
  /** `DRY_RUN=true`: log every plan, write nothing (overrides every cluster's tag). */
  dryRun: boolean;
  /** Defaults for every cluster; each ASG's tags override them. */
  defaults: ClusterPolicy;
  /** CloudWatch namespace of the metrics (and so of the alarms). */
  namespace: string;
}

const BOOLEAN = /^(true|false)$/i;

/**
 * Reads the cluster scaler's configuration. Unset variables take {@link DEFAULT_CLUSTER_POLICY}'s values.
 * Variables: DRY_RUN (true|false), POWERTOOLS_METRICS_NAMESPACE, and per setting the `env` named in
 * POLICY_TAGS (DEFAULT_HEADROOM_TASKS, DEFAULT_SCALE_IN, DEFAULT_MAX_STEP, DEFAULT_SCALE_OUT_COOLDOWN,
 * DEFAULT_SCALE_IN_COOLDOWN, DEFAULT_BOOT_TIMEOUT, DEFAULT_SCALE_OUT_BACKOFF, DEFAULT_HALT_UNHEALTHY_PERCENT).
 * @throws ConfigurationError listing every invalid variable with its allowed values.
 */
export const loadClusterScalerConfig = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): ClusterScalerConfig => {
  const problems: string[] = [];
  const defaults: ClusterPolicy = { ...DEFAULT_CLUSTER_POLICY };
  for (const [key, spec] of Object.entries(POLICY_TAGS) as [keyof ClusterPolicy, SettingSpec][]) {
    if (!spec.env) continue;
    const raw = env[spec.env];
    if (raw === undefined || raw.trim() === '') continue;
    const r = spec.schema.safeParse(raw);
    if (r.success) (defaults as unknown as Record<string, unknown>)[key] = r.data;
    else problems.push(`${spec.env}='${raw}' is invalid; allowed: ${spec.allowed}`);
  }
  const dryRunRaw = env.DRY_RUN?.trim() ?? '';
  if (dryRunRaw !== '' && !BOOLEAN.test(dryRunRaw)) {
    problems.push(`DRY_RUN='${dryRunRaw}' is invalid; allowed: true or false`);
  }
  if (problems.length > 0) {
    throw new ConfigurationError(
      `environment: ${problems.join('; ')}. Fix the serverless.yml params (or the function's environment) and redeploy.`,
    );
  }
  return {
    dryRun: dryRunRaw.toLowerCase() === 'true',
    defaults,
    namespace: env.POWERTOOLS_METRICS_NAMESPACE?.trim() || 'EcsAutoscaler',
  };
};
