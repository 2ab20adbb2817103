// Runs a server process that cannot outlive this one. A child started with spawn() keeps
// running when its parent dies of SIGKILL, SIGTERM or an uncaught signal ('exit' handlers do
// not run then), which leaves orphan java processes holding ports and memory. So the server
// runs under a small shell guard that blocks reading its stdin, a pipe only this process
// writes to: whenever this process goes away, however it goes, the pipe reaches end of file
// and the guard kills the server.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export class JavaMissingError extends Error {
  constructor() {
    super(
      'DynamoDB Local needs java, which is neither on the PATH nor in $JAVA_HOME/bin: install a Java runtime, e.g. apt-get install openjdk-17-jre-headless',
    );
    this.name = 'JavaMissingError';
  }
}

/** $JAVA_HOME/bin/java when set, else the first java on the PATH. */
export function findJava(): string {
  const candidates: string[] = [];
  if (process.env.JAVA_HOME) candidates.push(join(process.env.JAVA_HOME, 'bin', 'java'));
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir) candidates.push(join(dir, 'java'));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not there or not executable: try the next one
    }
  }
  throw new JavaMissingError();
}

// "$@" is the server's command line. The server gets /dev/null as stdin; the watcher reads the
// guard's stdin through fd 3, because sh gives background jobs /dev/null as stdin unless
// redirected explicitly. The guard exits with the server's status when the server stops first.
const GUARD_SCRIPT = `
"$@" </dev/null &
server=$!
exec 3<&0
{ cat >/dev/null; kill "$server" 2>/dev/null; } <&3 &
exec 3<&-
wait "$server"
`;

export interface GuardedProcess {
  child: ChildProcess;
  /** The last few kilobytes of the server's stdout and stderr, for error messages. */
  output(): string;
  /** Resolves with the exit code (or signal name) once the guard and the server are gone. */
  exited: Promise<string>;
  /** Asks the server to stop (SIGTERM through the guard), then SIGKILLs it after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const OUTPUT_KEPT = 8 * 1024;

export function spawnGuarded(command: string, args: string[], cwd: string): GuardedProcess {
  if (!existsSync('/bin/sh')) throw new Error('/bin/sh is needed to guard the server process');
  // detached: the guard, the server and the watcher form one process group, killed together.
  const child = spawn('/bin/sh', ['-c', GUARD_SCRIPT, 'dynamodb-local-guard', command, ...args], {
    cwd,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_KEPT);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  // The server must not keep this process alive (a test run that forgot stop() still ends,
  // and the guard then kills the server); stop() or the pipe closing ends it.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr])
    (stream as unknown as { unref?: () => void }).unref?.();
  child.stdin.on('error', () => {
    /* the guard is gone already: nothing to tell it */
  });

  const killGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killGroup);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      process.removeListener('exit', killGroup);
      child.stdin.destroy();
      resolve(signal ?? String(code));
    });
    child.once('error', (error) => {
      process.removeListener('exit', killGroup);
      resolve(error.message);
    });
  });

  return {
    child,
    output: () => output,
    exited,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      const timer = setTimeout(killGroup, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
