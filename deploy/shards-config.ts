// The optional sharded mode of a deployment (docs/deploy.md "Sharded mode"): the `shards`
// setting, a JSON object in a config file or JSON text as context (-c shards='{"maxShards": 8}').
// Without it the stack runs `mapc job` as one task per execution, as before; with it, the state
// machine applies extract after extract, each as the shards `mapc job --plan` sizes it, on a
// Distributed Map of Fargate tasks of their own size.
import { describeChoices, FARGATE_SIZES, fargateMemoryChoices } from './fargate-sizes.js';

export interface ShardsConfig {
  /** At most this many shards per extract (MAPC_MAX_SHARDS of the plan step). */
  maxShards: number;
  /** A shard's Fargate task: CPU units and memory; the plan sizes shards to fit the memory. */
  cpu: number;
  memoryMiB: number;
  /** Shard tasks at once (the Distributed Map's MaxConcurrency). */
  maxConcurrency: number;
  /** Extracts one execution applies before it lets a new execution go on (a bound on its history). */
  extractsPerExecution: number;
  /** Where the plan step writes its plan in the extracts bucket: ends with "/". */
  planPrefix: string;
}

export const SHARDS_KEYS = [
  'maxShards',
  'shardCpu',
  'shardMemoryMiB',
  'maxConcurrency',
  'extractsPerExecution',
  'planPrefix',
] as const;

export const SHARDS_DEFAULTS = {
  maxShards: 16,
  shardCpu: 2048,
  shardMemoryMiB: 8192,
  extractsPerExecution: 10,
};

/** The sharded mode's settings, or undefined when `shards` is not given; problems go to `problem`. */
export function parseShards(
  value: unknown,
  name: string,
  problem: (text: string) => undefined,
): ShardsConfig | undefined {
  if (value === undefined || value === '') return undefined;
  let raw: unknown = value;
  if (typeof value === 'string') {
    try {
      raw = JSON.parse(value);
    } catch (error) {
      return problem(`shards: ${(error as Error).message}; write it as JSON, as in {"maxShards": 8}`);
    }
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return problem(
      `shards: an object of settings, as in {"maxShards": 8, "shardMemoryMiB": 8192}, not ${JSON.stringify(value)}`,
    );
  const settings = raw as Record<string, unknown>;
  for (const key of Object.keys(settings))
    if (!(SHARDS_KEYS as readonly string[]).includes(key))
      problem(`shards.${key}: not a setting (the settings are ${SHARDS_KEYS.join(', ')})`);
  const whole = (key: (typeof SHARDS_KEYS)[number], minimum: number, maximum: number, fallback: number) => {
    const given = settings[key];
    if (given === undefined) return fallback;
    const number = typeof given === 'number' ? given : typeof given === 'string' && /^\d+$/.test(given) ? +given : NaN;
    if (Number.isSafeInteger(number) && number >= minimum && number <= maximum) return number;
    problem(`shards.${key}: a whole number from ${minimum} to ${maximum}, not ${JSON.stringify(given)}`);
    return fallback;
  };
  // A Distributed Map runs up to 10,000 child executions at once; `mapc job --shard` numbers up to 999,999.
  const maxShards = whole('maxShards', 1, 1000, SHARDS_DEFAULTS.maxShards);
  const cpu = whole('shardCpu', 256, 16384, SHARDS_DEFAULTS.shardCpu);
  const memoryMiB = whole('shardMemoryMiB', 512, 122880, SHARDS_DEFAULTS.shardMemoryMiB);
  const choices = fargateMemoryChoices(cpu);
  if (choices.length === 0)
    problem(`shards.shardCpu: Fargate takes ${FARGATE_SIZES.map(([units]) => units).join(', ')} CPU units, not ${cpu}`);
  else if (!choices.includes(memoryMiB))
    problem(
      `shards.shardMemoryMiB: with shardCpu ${cpu}, Fargate takes ${describeChoices(choices)} MiB, not ${memoryMiB}`,
    );
  const maxConcurrency = whole('maxConcurrency', 1, 10000, maxShards);
  const extractsPerExecution = whole('extractsPerExecution', 1, 100, SHARDS_DEFAULTS.extractsPerExecution);
  const planPrefix = settings.planPrefix ?? `mapc-plans/${name}/`;
  if (
    typeof planPrefix !== 'string' ||
    !planPrefix.endsWith('/') ||
    planPrefix.startsWith('/') ||
    planPrefix.includes('//') ||
    /[*?\\{}'"]/.test(planPrefix) ||
    planPrefix.length > 512
  )
    problem(
      `shards.planPrefix: a folder of the bucket ending with "/" (mapc-plans/), without "*", "?", "\\", braces or quotes, not ${JSON.stringify(planPrefix)}`,
    );
  return { maxShards, cpu, memoryMiB, maxConcurrency, extractsPerExecution, planPrefix: String(planPrefix) };
}
