// Fetches Amazon's DynamoDB Local (the jar and its native libraries) once into the repo's
// .cache/ folder. The jar travels in the npm package amplify-dynamodb-simulator (folder
// emulator/); installing that package would bring some 280 dependencies, so only its tarball is
// fetched, with `npm pack`, and only emulator/ is unpacked.
//
// Checks, because the cache is trusted on every later start:
//   - the tarball against the registry's published integrity for the pinned version (npm pack
//     checks it too; pinning it here also catches a registry answering something else);
//   - DynamoDBLocal.jar against a pinned sha256. The package's own emulator/sha256 file cannot
//     serve: it is the sha256 of Amazon's upstream .tar.gz the package was built from, not of
//     anything inside the package.
// The unpack goes to a temporary folder beside the cache and is renamed into place only when
// complete and checked, so an interrupted install never leaves a cache that looks valid.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const DYNAMODB_LOCAL_PACKAGE = 'amplify-dynamodb-simulator';
export const DYNAMODB_LOCAL_PACKAGE_VERSION = '2.9.30';
/** `npm view amplify-dynamodb-simulator@2.9.30 dist.integrity` */
const TARBALL_INTEGRITY =
  'sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==';
/** sha256 of emulator/DynamoDBLocal.jar in that tarball (DynamoDB Local 1.25.1). */
const JAR_SHA256 = '454305e9bc3e6ebcca5b62569869e31563b8d7e346474e94557b2600702146c7';
/** Work folders of installs in progress, beside the cache; older than an hour means abandoned. */
const PARTIAL_PREFIX = '.partial-';
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

export interface DynamoDbLocalFiles {
  /** The folder holding DynamoDBLocal.jar and DynamoDBLocal_lib/. */
  dir: string;
  jar: string;
  /** Native SQLite libraries, given to java as java.library.path. */
  libDir: string;
}

/** The repo root: the nearest folder above this file with a package.json (works from build/ too). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

export function dynamoDbLocalCacheDir(): string {
  return join(repoRoot(), '.cache', 'dynamodb-local', DYNAMODB_LOCAL_PACKAGE_VERSION);
}

function filesIn(dir: string): DynamoDbLocalFiles {
  return { dir, jar: join(dir, 'DynamoDBLocal.jar'), libDir: join(dir, 'DynamoDBLocal_lib') };
}

async function sha256Of(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

async function isComplete(files: DynamoDbLocalFiles): Promise<boolean> {
  if (!existsSync(files.jar) || !existsSync(files.libDir)) return false;
  return (await sha256Of(files.jar)) === JAR_SHA256;
}

// One install per process even when several test files ask at once.
let installing: Promise<DynamoDbLocalFiles> | undefined;

/** The cached DynamoDB Local files, fetched first if the cache is missing or damaged. */
export function installDynamoDbLocal(): Promise<DynamoDbLocalFiles> {
  installing ??= ensureInstalled().finally(() => {
    installing = undefined;
  });
  return installing;
}

async function ensureInstalled(): Promise<DynamoDbLocalFiles> {
  const target = dynamoDbLocalCacheDir();
  const files = filesIn(target);
  if (await isComplete(files)) return files;
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  await removeAbandonedWork(parent);
  // Beside the target, so the final rename stays on one file system (and is atomic).
  const work = await mkdtemp(join(parent, `${PARTIAL_PREFIX}${DYNAMODB_LOCAL_PACKAGE_VERSION}-`));
  try {
    const tarball = await packTarball(work);
    const unpacked = join(work, 'emulator');
    await mkdir(unpacked);
    await run('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=2', 'package/emulator']);
    const fresh = filesIn(unpacked);
    const jarSha = existsSync(fresh.jar) ? await sha256Of(fresh.jar) : 'no DynamoDBLocal.jar in the package';
    if (jarSha !== JAR_SHA256) {
      throw new Error(
        `DynamoDB Local from ${DYNAMODB_LOCAL_PACKAGE}@${DYNAMODB_LOCAL_PACKAGE_VERSION}: DynamoDBLocal.jar has sha256 ${jarSha}, expected ${JAR_SHA256}`,
      );
    }
    // Another process may have finished the same install meanwhile, and may be running it:
    // keep a complete copy, replace only a damaged one.
    if (await isComplete(files)) return files;
    await rm(target, { recursive: true, force: true });
    try {
      await rename(unpacked, target);
    } catch (error) {
      if (!(await isComplete(files))) throw error;
    }
    return files;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Temporary folders of installs interrupted long ago (a running install is minutes old at most). */
async function removeAbandonedWork(parent: string): Promise<void> {
  for (const name of await readdir(parent)) {
    if (!name.startsWith(PARTIAL_PREFIX)) continue;
    const path = join(parent, name);
    const { mtimeMs } = await stat(path).catch(() => ({ mtimeMs: Date.now() }));
    if (Date.now() - mtimeMs > ABANDONED_AFTER_MS) await rm(path, { recursive: true, force: true });
  }
}

async function packTarball(work: string): Promise<string> {
  const spec = `${DYNAMODB_LOCAL_PACKAGE}@${DYNAMODB_LOCAL_PACKAGE_VERSION}`;
  let stdout: string;
  try {
    ({ stdout } = await run('npm', ['pack', spec, '--json', '--silent'], { cwd: work, maxBuffer: 16 * 1024 * 1024 }));
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new Error(
      `could not fetch DynamoDB Local (npm pack ${spec}): ${detail}\nCheck that npm can reach its registry, then retry.`,
    );
  }
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; integrity: string }>;
  if (packed?.integrity !== TARBALL_INTEGRITY) {
    throw new Error(
      `npm pack ${spec} gave a tarball with integrity ${packed?.integrity}, expected ${TARBALL_INTEGRITY}`,
    );
  }
  const tarball = join(work, packed.filename);
  if (!existsSync(tarball))
    throw new Error(
      `npm pack ${spec} reported ${packed.filename}, but ${work} holds ${(await readdir(work)).join(', ')}`,
    );
  return tarball;
}
