// Builds the CDK app: the deployment's settings (context and an optional file, checked), the
// mappings compiled for their targets, the tables planned, the stack, and cdk-nag's
// AwsSolutions checks attached as a validation plugin (synth fails on an unacknowledged
// error). The CLI's entry point (app.ts) and the tests build it the same way; the tests pass
// the context that `cdk` would read from cdk.json and the command line.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDeployConfig, type DeployConfig } from './config.js';
import { readDeployInput } from './config-input.js';
import { compileMappingSet, type MappingSet } from './mapping-set.js';
import { DEPLOY_DIR, REPO_ROOT } from './paths.js';
import { MapcStack } from './stack/mapc-stack.js';
import { planTables, type TablePlan } from './table-plan.js';

export { DEPLOY_DIR, REPO_ROOT };

/** The context of deploy/cdk.json: CDK's feature flags, as `cdk` passes them to the app. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(DEPLOY_DIR, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

export interface MapcApp {
  app: App;
  stack: MapcStack;
  config: DeployConfig;
  mappingSet: MappingSet;
  tablePlan: TablePlan;
}

export interface MapcAppOptions {
  /** Context as `cdk` would give it (cdk.json's, then -c); without it the App reads what the CLI passed. */
  context?: Record<string, unknown>;
  outdir?: string;
  /** Where a `config` file named in the context is read from (default: the current folder). */
  cwd?: string;
  /**
   * CDK's own CloudFormation checks at synth (default true; CDK_VALIDATION=false also turns
   * them off). Tests of the template leave them to the test that runs `cdk synth`.
   */
  cloudFormationValidation?: boolean;
  /**
   * Build the stack without its cdk-nag acknowledgements, and without the checks that would
   * then fail the synth: what the test of the acknowledgements compares them with.
   */
  withoutNagAcknowledgements?: boolean;
}

export function buildMapcApp(options: MapcAppOptions = {}): MapcApp {
  const app = new App({
    ...(options.context !== undefined ? { context: { ...cdkJsonContext(), ...options.context } } : {}),
    ...(options.outdir !== undefined ? { outdir: options.outdir } : {}),
    ...(options.cloudFormationValidation === false ? { builtinCloudFormationValidation: false } : {}),
  });
  const config = parseDeployConfig(readDeployInput(app.node, options.cwd), REPO_ROOT);
  const mappingSet = compileMappingSet(REPO_ROOT, config.mappings);
  const tablePlan = planTables(config, mappingSet);
  const acknowledge = options.withoutNagAcknowledgements !== true;
  const stack = new MapcStack(app, config.name, {
    config,
    mappingSet,
    tablePlan,
    imageContext: REPO_ROOT,
    acknowledgeNagFindings: acknowledge,
  });
  if (acknowledge) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, config, mappingSet, tablePlan };
}
