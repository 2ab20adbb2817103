// The MAPC_* variables the job's container runs with (bin/cli/job-config.ts reads them): the
// container's command is plain `mapc job`, a catch-up over the whole prefix, configured by
// these alone. MAPC_OWNER is not here: the state machine sets it per execution (its name), so
// that a retried task of the same execution takes its own lease over at once.
import type { DeployConfig } from './config.js';
import type { MappingSet } from './mapping-set.js';
import type { TablePlan } from './table-plan.js';

/** The container's command after the image's entry point (`node bin/mapc.js`). */
export const JOB_COMMAND = ['job'];

/** Sharded mode's plan step, on the same task definition (the state machine overrides the command). */
export const PLAN_COMMAND = ['job', '--plan'];

export function jobEnvironment(
  config: DeployConfig,
  set: MappingSet,
  tables: TablePlan,
  region: string,
): Record<string, string> {
  const bindings = Object.fromEntries(tables.targets.map((t) => [t.target!, t.tableName]));
  return {
    MAPC_SOURCE: `s3://${config.bucket.name}/${config.prefix}`,
    // Plans compiled into the image (Dockerfile), relative to its working folder.
    MAPC_MAPPINGS: set.mappings.map((m) => m.planPath).join(' '),
    MAPC_TABLES: JSON.stringify(bindings),
    MAPC_CONTROL_TABLE: tables.control.tableName,
    MAPC_REGION: region,
    MAPC_METRICS: 'emf',
    ...(config.task.maxRejects !== undefined ? { MAPC_MAX_REJECTS: String(config.task.maxRejects) } : {}),
  };
}
