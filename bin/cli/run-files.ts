// Where `mapc run` writes its report and rejects unless told: beside the items file of a
// preview (<out>.report.json, <out>.rejects.ndjson), else in a folder of its own per run,
// mapc-runs/<mapping>-<UTC time>/, so runs never overwrite each other nor litter the
// current folder (mapc-runs/ is in .gitignore).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const RUNS_FOLDER = 'mapc-runs';

export interface RunFiles {
  reportPath: string;
  rejectsPath: string;
}

export function runFiles(
  mapping: string,
  values: { out?: string; report?: string; rejects?: string },
  now = new Date(),
): RunFiles {
  if (values.out) {
    return {
      reportPath: values.report ?? `${values.out}.report.json`,
      rejectsPath: values.rejects ?? `${values.out}.rejects.ndjson`,
    };
  }
  if (values.report && values.rejects) return { reportPath: values.report, rejectsPath: values.rejects };
  const stamp = now.toISOString().replace(/[-:]/g, '');
  const folder = join(RUNS_FOLDER, `${mapping.replace(/[^A-Za-z0-9_.-]/g, '_')}-${stamp}`);
  mkdirSync(folder, { recursive: true });
  return {
    reportPath: values.report ?? join(folder, 'report.json'),
    rejectsPath: values.rejects ?? join(folder, 'rejects.ndjson'),
  };
}
