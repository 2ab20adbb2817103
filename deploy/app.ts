// The entry point `cdk` runs (deploy/cdk.json: node --import tsx app.ts). A configuration or
// mapping problem is printed as it is and exits 1, without a stack trace.
import { DeployConfigError } from './config.js';
import { buildMapcApp } from './mapc-app.js';
import { MappingSetError } from './mapping-set.js';

try {
  buildMapcApp().app.synth();
} catch (error) {
  if (!(error instanceof DeployConfigError || error instanceof MappingSetError)) throw error;
  console.error(`mapc deploy: ${error.message}`);
  process.exitCode = 1;
}
