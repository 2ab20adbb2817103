// `mapc job` as a container runs it: a child process configured by MAPC_* variables, its
// standard output collected as lines. Shared by the job tests on s3rver and DynamoDB Local.
import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { LOCAL_SERVER_ENV, REPO_ROOT } from '../runtime/fixtures/mapc-process.js';
import type { JobWorld } from './job-world.js';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: string[];
  stderr: string;
}

/**
 * What a child job keeps of this process's environment: PATH, and a clock override when the
 * suite runs under one (libfaketime: `faketime -f +365d npm test`), so that the child, the
 * test and the local servers agree on the time (S3 refuses requests signed a year apart).
 */
export function inheritedEnvironment(): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = { PATH: process.env.PATH };
  for (const [name, value] of Object.entries(process.env)) {
    if (name === 'LD_PRELOAD' || name.startsWith('FAKETIME') || name === 'DONT_FAKE_MONOTONIC') kept[name] = value;
  }
  return kept;
}

/** The variables a container would be given, for one world on the local servers (DynamoDB Local and s3rver at these endpoints). */
export function containerEnvironment(
  world: JobWorld,
  endpoints: { dynamo: string; s3: string },
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return {
    ...LOCAL_SERVER_ENV,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    MAPC_SOURCE: world.source,
    MAPC_MAPPINGS: 'mappings/customer.map',
    MAPC_TABLES: `app_table=${world.appTable}`,
    MAPC_CONTROL_TABLE: world.controlTable,
    MAPC_ENDPOINT: endpoints.dynamo,
    MAPC_S3_ENDPOINT: endpoints.s3,
    ...extra,
  };
}

/** `node bin/mapc.js <command> …` with only the given variables (and those inheritedEnvironment keeps). */
export function startMapc(
  command: string,
  env: NodeJS.ProcessEnv,
  args: string[] = [],
): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, ['bin/mapc.js', command, ...args], {
    cwd: REPO_ROOT,
    env: { ...inheritedEnvironment(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function finished(child: ChildProcess): Promise<Finished> {
  return new Promise<Finished>((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code, signal) =>
      resolve({ code, signal, lines: stdout.split('\n').filter((l) => l !== ''), stderr }),
    );
  });
}
