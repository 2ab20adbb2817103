// Option parsing shared by the commands: node's parseArgs, with `--help` and a usage error
// that names the command.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandLine<T extends Options>(args: string[], options: T, usage: string) {
  try {
    const parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return parsed as typeof parsed & { values: { help?: boolean } };
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${usage}`);
  }
}
