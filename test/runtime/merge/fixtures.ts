// Helpers for incremental-run tests: extracts from the sample generator, a combined extract
// (several extracts' files in one archive), a sink that writes into a MemoryStateStore, and
// runs of a plan against a store.
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Shard } from '../../../runtime/eval/shard.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeExtract } from '../../../examples/extract-generator/write-extract.js';
import { compile } from '../../../compiler/compile.js';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { openExtract, type OpenedExtract } from '../../../runtime/archive/extract-location.js';
import { itemKeyText, type ItemReader, type StateStore, type StoredKey } from '../../../runtime/merge/state-store.js';
import type { BuiltItem } from '../../../runtime/eval/item-value.js';
import { fieldOf } from '../../../runtime/eval/item-value.js';
import { MemoryStateStore } from '../../support/memory-state-store.js';
import { runIncremental } from '../../../runtime/run/run-incremental.js';
import type { Plan } from '../../../runtime/plan/types.js';
import { manifestTime, parseAsOf } from '../../../runtime/read/extract-time.js';
import type { RunReport } from '../../../runtime/report/run-report.js';
import type { Reject } from '../../../runtime/report/run-state.js';
import type { AttributeMap } from '../../../runtime/dynamodb/attribute-values.js';
import type { ItemSink } from '../../../runtime/sinks/item-sink.js';
import { zipBytes } from '../fixtures/zip-bytes.js';
import { readZipEntries } from '../fixtures/read-zip.js';
import { REPO_ROOT } from '../fixtures/mapc-process.js';

export function compiledPlan(mapping = 'mappings/customer.map'): Plan {
  const result = compile(join(REPO_ROOT, mapping));
  if (!result.plan) throw new Error(`${mapping} does not compile`);
  return result.plan;
}

/** The base extract and `deltas` deltas after it, as files in a fresh folder. */
export async function generatedExtracts(customers: number, deltas: number, seed = 7): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mapc-merge-'));
  const paths: string[] = [];
  for (let delta = 0; delta <= deltas; delta++) {
    const out = join(dir, delta === 0 ? 'base.zip' : `delta${delta}.zip`);
    await writeExtract({
      customers,
      seed,
      deltaCustomers: Math.max(1, Math.ceil(customers / 20)),
      sequence: delta,
      out,
    });
    paths.push(out);
  }
  return paths;
}

/**
 * One archive holding every row of `paths` (later extracts' files renamed), with the last
 * one's manifest, its "files" counting every file under its new name.
 */
export async function combinedExtract(paths: string[]): Promise<string> {
  const files: Record<string, Buffer> = {};
  const fileRows: Record<string, unknown> = {};
  let manifest: Record<string, unknown> = {};
  paths.forEach((path, n) => {
    const renamed = (name: string) => (n === 0 ? name : name.replace(/(\.[^.]+)$/, `-extract${n}$1`));
    for (const [name, content] of readZipEntries(path)) {
      if (name === '_manifest.json') {
        manifest = JSON.parse(content.toString('utf8'));
        for (const [file, rows] of Object.entries(manifest.files as Record<string, unknown>))
          fileRows[renamed(file)] = rows;
        continue;
      }
      files[renamed(name)] = content;
    }
  });
  files['_manifest.json'] = Buffer.from(JSON.stringify({ ...manifest, files: fileRows }));
  const out = join(mkdtempSync(join(tmpdir(), 'mapc-combined-')), 'combined.zip');
  writeFileSync(out, await zipBytes(files));
  return out;
}

/** Writes items into the store's item map, as the DynamoDB writer puts them into tables. */
export function memorySink(store: MemoryStateStore, plan: Plan): ItemSink {
  return {
    write(built: BuiltItem) {
      const target = plan.targets.find((t) => t.name === built.target)!;
      const key: StoredKey = {};
      for (const name of [target.partitionKey, ...(target.sortKey ? [target.sortKey] : [])])
        key[name] = fieldOf(built.attributes, name) ?? null;
      store.putItem(built.target, key, built.attributes);
    },
    delete(target, key) {
      store.items.get(target)?.delete(itemKeyText(key));
    },
    async commit() {},
    async abort() {},
  };
}

export interface WorldRun {
  report: RunReport;
  rejects: Reject[];
}

export interface RunOptions {
  /** as_of (ISO); else the extract's manifest. */
  asOf?: string;
  force?: boolean;
  owner?: string;
  /** The sink throws after this many items (a crash halfway through a run). */
  crashAfterWrites?: number;
  /** Threads holding tables (default 1: tests' extracts are small). */
  threads?: number;
  /** Run as this shard of N. */
  shard?: Shard;
}

/** Where incremental runs keep state and items: in memory, or on the real servers. */
export interface World {
  store: StateStore;
  run(plan: Plan, extract: string, options?: RunOptions): Promise<WorldRun>;
  /** Every item, as sorted lines of DynamoDB JSON with numbers as DynamoDB keeps them. */
  itemLines(): Promise<string[]>;
  /** One item of app_table, unmarshalled (numbers wrapped, exact). */
  item(pk: string, sk: string): Promise<Record<string, any> | undefined>;
}

/** Runs a plan incrementally on an opened extract; as_of from its manifest. */
export async function runIncrementallyOn(
  opened: OpenedExtract,
  plan: Plan,
  world: { store: StateStore; items: ItemReader; sink: ItemSink },
  options: RunOptions,
): Promise<WorldRun> {
  try {
    const asOf = options.asOf ? parseAsOf(options.asOf) : (await manifestTime(opened.source))!;
    const rejects: Reject[] = [];
    const report = await runIncremental({
      plan,
      source: opened.source,
      identity: opened.identity,
      asOf,
      store: world.store,
      items: world.items,
      sink: world.sink,
      rejects: { write: (r) => rejects.push(r) },
      owner: options.owner ?? 'test',
      force: options.force ?? false,
      threads: options.threads ?? 1,
      ...(options.shard ? { shard: options.shard } : {}),
    });
    return { report, rejects };
  } finally {
    await opened.source.close();
  }
}

/** A sink that throws after `crashAfterWrites` items, as a crash would stop a run. */
export function crashingSink(sink: ItemSink, crashAfterWrites = Infinity): ItemSink {
  let writes = 0;
  return {
    ...(sink.check ? { check: (item: BuiltItem) => sink.check!(item) } : {}),
    ...(sink.delete ? { delete: (target: string, key: StoredKey) => sink.delete!(target, key) } : {}),
    write(item) {
      if (++writes > crashAfterWrites) throw new Error(`crash injected after ${crashAfterWrites} writes`);
      return sink.write(item);
    },
    commit: () => sink.commit(),
    abort: () => sink.abort(),
  };
}

/** `store`: a MemoryStateStore of the test's own (one that fails on purpose, say). */
export async function memoryWorld(store = new MemoryStateStore()): Promise<World> {
  return {
    store,
    async run(plan, extract, options = {}) {
      const sink = crashingSink(memorySink(store, plan), options.crashAfterWrites);
      return runIncrementallyOn(await openExtract(extract), plan, { store, items: store, sink }, options);
    },
    async itemLines() {
      return normalisedLines(
        [...store.items].flatMap(([target, items]) => [...items.values()].map((item) => ({ target, item }))),
      );
    },
    async item(pk, sk) {
      const found = store.items.get('app_table')?.get(itemKeyText({ pk, sk }));
      return found ? unmarshall(found, { wrapNumbers: true }) : undefined;
    },
  };
}

/** Items as sorted JSON lines, numbers normalised as DynamoDB stores them (12.50 → 12.5). */
export function normalisedLines(items: Array<{ target: string; item: AttributeMap }>): string[] {
  return items.map(({ target, item }) => `${target} ${JSON.stringify(item, normaliseNumbers)}`).sort();
}

function normaliseNumbers(this: unknown, key: string, value: unknown): unknown {
  if (key === 'N' && typeof value === 'string' && value.includes('.'))
    return value.replace(/0+$/, '').replace(/\.$/, '');
  return value;
}
