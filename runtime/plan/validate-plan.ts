// Checks a plan document against plan.schema.json. Used by the compiler before it writes a
// plan and by the runtime when it loads one, so neither trusts a plan the other did not check.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import schema from './plan.schema.json' with { type: 'json' };
import { planContentHash } from './plan-hash.js';
import type { Plan } from './types.js';

/**
 * Compiled once per process, at every start of a run: the schema itself is checked against
 * the JSON Schema meta-schema by a test (plan-schema.test.ts), not here, and the validator's
 * code is not optimized (it checks one document); that halves the compile.
 */
export const PLAN_VALIDATOR_OPTIONS = {
  discriminator: true,
  allErrors: false,
  validateSchema: false,
  code: { optimize: false },
} as const;

const validate = new Ajv(PLAN_VALIDATOR_OPTIONS).compile(schema);

export class InvalidPlanError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(
      `${source} is not a valid mapc plan:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Recompile the mapping with `mapc compile` (the plan may come from another mapc version or was edited by hand).',
    );
  }
}

/** Returns the plan typed when it matches the schema, else throws InvalidPlanError. */
export function checkPlan(document: unknown, source = 'plan'): Plan {
  if (validate(document)) return document as unknown as Plan;
  throw new InvalidPlanError(source, (validate.errors ?? []).map(describeSchemaError));
}

function describeSchemaError(error: ErrorObject): string {
  const where = error.instancePath === '' ? 'the document' : error.instancePath.slice(1).replaceAll('/', '.');
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${where}: missing field "${params.missingProperty}"`;
    case 'additionalProperties':
      return `${where}: unknown field "${params.additionalProperty}"`;
    case 'const':
      return `${where}: must be ${JSON.stringify(params.allowedValue)}`;
    case 'enum':
      return `${where}: must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'discriminator':
      return `${where}: unknown kind ${JSON.stringify(params.tagValue)}`;
    default:
      return `${where}: ${error.message}`;
  }
}

export class EditedPlanError extends Error {
  /** `entry`: the .map file the plan was compiled from, as its sources list it (the last one). */
  constructor(
    readonly source: string,
    readonly recorded: string | undefined,
    readonly actual: string,
    entry?: string,
  ) {
    const recompile = entry === undefined ? '`mapc compile`' : `\`mapc compile ${entry} -o ${source}\``;
    super(
      recorded === undefined
        ? // Plans have carried planHash since it was added; one without it (an edit can no longer be told) comes from before.
          `${source} was compiled by an older mapc (it has no planHash, so an edit cannot be told): recompile it with ${recompile}, or load it as it is with --allow-edited-plan`
        : `${source} was changed after \`mapc compile\` wrote it (its planHash is ${recorded}, its content hashes to ${actual}): ` +
            `recompile the mapping with ${recompile}, or run it anyway with --allow-edited-plan`,
    );
    this.name = 'EditedPlanError';
  }
}

export interface LoadPlanFileOptions {
  /** Accept a plan whose content does not match its planHash (or has none). Default false. */
  allowEdited?: boolean;
}

/**
 * Reads and checks a plan file, then recomputes its planHash from the content (plan-hash.ts):
 * a mismatch is an EditedPlanError unless `allowEdited`. An edited plan that is allowed comes
 * back with planHash and sourceHash both set to the hash of its actual content, so the run's
 * report and ledger name the plan that ran, not the mapping it was compiled from.
 */
export function loadPlanFile(path: string, options: LoadPlanFileOptions = {}): Plan {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InvalidPlanError(path, [`cannot be read as JSON: ${(error as Error).message}`]);
  }
  const plan = checkPlan(document, path);
  const actual = planContentHash(plan);
  if (plan.planHash === actual) return plan;
  if (!options.allowEdited) throw new EditedPlanError(path, plan.planHash, actual, plan.sources.at(-1)?.file);
  return { ...plan, planHash: actual, sourceHash: actual };
}
