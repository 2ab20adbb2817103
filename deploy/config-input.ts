// Where a deployment's settings come from: an optional JSON file named by the `config` context
// key (`-c config=prod.json`, relative to the current folder), then each setting given as
// context (`-c bucket=… -c prefix=…`, or the "context" of cdk.json), which wins over the file.
// Only the settings' own keys are read from context: CDK keeps its feature flags there too.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CONFIG_KEYS, DeployConfigError, type RawDeployConfig } from './config.js';

/** What reads context: an App's or a Stack's node. */
export interface ContextReader {
  tryGetContext(key: string): unknown;
}

export function readDeployInput(context: ContextReader, cwd = process.cwd()): RawDeployConfig {
  const file = context.tryGetContext('config');
  const fromFile = file === undefined || file === '' ? {} : readConfigFile(String(file), cwd);
  const fromContext: RawDeployConfig = {};
  for (const key of CONFIG_KEYS) {
    const value = context.tryGetContext(key);
    if (value !== undefined) fromContext[key] = value;
  }
  return { ...fromFile, ...fromContext };
}

function readConfigFile(file: string, cwd: string): RawDeployConfig {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DeployConfigError([`config: cannot read ${path}: ${(error as Error).message}`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DeployConfigError([`config: ${path} is not JSON: ${(error as Error).message}`]);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new DeployConfigError([
      `config: ${path} holds ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed)}; expected an object of settings, as in {"bucket": "my-extracts", "prefix": "extracts/"}`,
    ]);
  }
  return parsed;
}
