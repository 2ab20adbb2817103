// Where the deploy app is, and the repository it deploys (the Dockerfile's build context, the
// mappings it compiles).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEPLOY_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = join(DEPLOY_DIR, '..');
