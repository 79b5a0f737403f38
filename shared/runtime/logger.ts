/**
 * Powertools Logger shared by every function (STYLE.md §4): structured JSON, constant messages, facts as keys.
 * `POWERTOOLS_LOG_LEVEL` sets the level (the tests set SILENT).
 */
import { Logger } from '@aws-lambda-powertools/logger';

/** The process-wide logger; created once per module so warm invocations reuse it. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'ecs-autoscaler' });
