// The mappings a stack deploys, compiled at synth time with mapc's own compiler: their names
// (the `Mapping` dimension of the job's metrics, one set of alarms each), the plan file each
// becomes inside the image (the Dockerfile compiles mappings/*.map into plans/), and the
// target tables their `target` declarations ask for: key attributes with their DynamoDB types
// and the TTL attribute, exactly what the job checks a table against before it writes
// (runtime/dynamodb/expected-table.ts). A mapping that does not compile stops the synth with
// mapc's diagnostics, as `mapc check` prints them.
import { basename, join } from 'node:path';
import { checkAcrossMappings, compile, type CompileResult } from '../compiler/compile.js';
import { viewOf } from '../compiler/diagnostics/diagnostic.js';
import { renderDiagnostics } from '../compiler/diagnostics/render.js';
import { expectedTable, type ExpectedKey } from '../runtime/dynamodb/expected-table.js';

export interface DeployedMapping {
  /** The .map file, relative to the repository (mappings/customer.map). */
  file: string;
  /** The mapping's name: the Mapping dimension of its metrics. */
  name: string;
  /** Its plan inside the image, relative to the image's working folder. */
  planPath: string;
}

export interface TargetShape {
  /** The logical target name the mappings write to. */
  target: string;
  partitionKey: ExpectedKey;
  sortKey: ExpectedKey | null;
  ttlAttribute: string | null;
  /** The mappings that write to it. */
  mappings: string[];
}

export interface MappingSet {
  mappings: DeployedMapping[];
  targets: TargetShape[];
}

export class MappingSetError extends Error {
  override name = 'MappingSetError';
}

/** Where the Dockerfile's staging step writes the plan of a mapping file (deploy/image/stage-image.sh). */
export function planPathInImage(mappingFile: string): string {
  return `plans/${basename(mappingFile).replace(/\.map$/, '')}.plan.json`;
}

export function compileMappingSet(repoRoot: string, files: string[]): MappingSet {
  const results: CompileResult[] = files.map((file) => compile(join(repoRoot, file)));
  const diagnostics = [...results.flatMap((r) => r.diagnostics), ...checkAcrossMappings(results)];
  if (diagnostics.some((d) => viewOf(d).severity === 'error') || results.some((r) => r.plan === null)) {
    const sources = new Map(results.flatMap((r) => [...r.sources]));
    throw new MappingSetError(`the mappings do not compile:\n${renderDiagnostics(diagnostics, (f) => sources.get(f))}`);
  }

  const mappings = results.map((result, i) => ({
    file: files[i],
    name: result.plan!.mapping,
    planPath: planPathInImage(files[i]),
  }));
  const names = new Map<string, string>();
  for (const mapping of mappings) {
    const other = names.get(mapping.name);
    if (other !== undefined)
      throw new MappingSetError(
        `${other} and ${mapping.file} are both mapping ${mapping.name}: each mapping has its own ledger, so names must differ`,
      );
    names.set(mapping.name, mapping.file);
  }

  const targets = new Map<string, TargetShape>();
  for (const result of results) {
    const plan = result.plan!;
    for (const target of plan.targets) {
      const expected = expectedTable(plan, target.name, target.name);
      const shape: TargetShape = {
        target: target.name,
        partitionKey: expected.partitionKey,
        sortKey: expected.sortKey,
        ttlAttribute: expected.ttlAttribute,
        mappings: [plan.mapping],
      };
      const known = targets.get(target.name);
      if (known === undefined) {
        targets.set(target.name, shape);
        continue;
      }
      const merged = mergeShapes(known, shape);
      if (merged === null) {
        throw new MappingSetError(
          `target ${target.name} is declared differently by mapping ${known.mappings.join(', ')} (${describeShape(known)}) and mapping ${plan.mapping} (${describeShape(shape)}): one table cannot be both`,
        );
      }
      targets.set(target.name, { ...merged, mappings: [...known.mappings, plan.mapping] });
    }
  }
  return { mappings, targets: [...targets.values()] };
}

/** One shape from two mappings' views of a target: the same attributes, and key types that agree where both know them. */
function mergeShapes(a: TargetShape, b: TargetShape): TargetShape | null {
  const key = (x: ExpectedKey, y: ExpectedKey): ExpectedKey | null =>
    x.name !== y.name || (x.type !== null && y.type !== null && x.type !== y.type)
      ? null
      : { name: x.name, type: x.type ?? y.type };
  const partitionKey = key(a.partitionKey, b.partitionKey);
  const sortKey = a.sortKey && b.sortKey ? key(a.sortKey, b.sortKey) : null;
  if (
    partitionKey === null ||
    (a.sortKey === null) !== (b.sortKey === null) ||
    (a.sortKey !== null && sortKey === null) ||
    a.ttlAttribute !== b.ttlAttribute
  )
    return null;
  return { ...a, partitionKey, sortKey };
}

export function describeShape(shape: Pick<TargetShape, 'partitionKey' | 'sortKey' | 'ttlAttribute'>): string {
  const key = (k: ExpectedKey) => `${k.name} ${k.type ?? '(type unknown)'}`;
  return [
    `partition key ${key(shape.partitionKey)}`,
    shape.sortKey ? `sort key ${key(shape.sortKey)}` : 'no sort key',
    `ttl ${shape.ttlAttribute ?? 'none'}`,
  ].join(', ');
}
