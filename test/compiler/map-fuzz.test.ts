// A grammar-aware fuzzer for the compiler (issue 17): .map-like texts built from valid
// fragments, mutated tokens, deep nesting, long literals and random bytes must end in
// diagnostics or a plan: never a throw, never more than a few seconds, never unbounded memory.
// Seeded and bounded; the seed is printed so a failure can be replayed with MAP_FUZZ_SEED.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import { compile } from '../../compiler/compile.js';
import { renderDiagnostics } from '../../compiler/diagnostics/render.js';

const seed = Number(process.env.MAP_FUZZ_SEED ?? Date.now() % 2 ** 31);
const RUNS = 150;
const PER_CASE_MS = 5_000;

const fragments = [
  'mapping m\n',
  'import "examples/warehouse.map"\n',
  'target t { partition key pk sort key sk }\n',
  'item x into t {\n  from customers as c\n',
  '  pk = "C#{c.customer_id}"\n',
  '  sk = "X"\n',
  '  n = c.name\n',
  '  orders = each o in c.orders where o.status == "open" order by o.order_date desc limit 5 { id = o.order_id }\n',
  '  v = case when c.segment == "a" then 1 else 2 end\n',
  '  w = cast(c.customer_id as string) when c.email is not null\n',
  '  total = sum(c.orders.order_id)\n',
  '}\n',
  'table z from "z*.csv" { id int key\n name string? }\n',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  '"',
  '\\',
  '`',
  '#',
  '->',
  '==',
  '+',
  '-',
  'not ',
  'and ',
  ',',
  '.',
  '=',
  '\n',
  ' ',
];
const tokenSoup = fc.array(fc.constantFrom(...fragments), { maxLength: 60 }).map((parts) => parts.join(''));
const deepNesting = fc
  .tuple(fc.constantFrom('(', 'not ', '-', 'concat(', '{ a = '), fc.integer({ min: 0, max: 2_000 }), fc.boolean())
  .map(
    ([open, depth, close]) =>
      `${fragments[1]}${fragments[2]}${fragments[3]}${fragments[4]}  v = ${open.repeat(depth)}1${close ? ')'.repeat(depth) : ''}\n}\n`,
  );
const longChain = fc
  .integer({ min: 1, max: 3_000 })
  .map(
    (n) =>
      `${fragments[1]}${fragments[2]}${fragments[3]}${fragments[4]}  v = ${Array(n).fill('c.customer_id').join(' + ')}\n}\n`,
  );
const longLiteral = fc
  .integer({ min: 1, max: 300_000 })
  .map((n) => `mapping m\ntable z from "${'a'.repeat(n)}" { id int key }\n`);
const randomBytes = fc.uint8Array({ maxLength: 20_000 }).map((bytes) => Buffer.from(bytes).toString('latin1'));
const mutated = fc
  .tuple(tokenSoup, fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 4 })), { maxLength: 8 }))
  .map(([text, edits]) => {
    let out = text;
    for (const [at, insert] of edits) {
      const i = out.length === 0 ? 0 : at % out.length;
      out = out.slice(0, i) + insert + out.slice(i + 1);
    }
    return out;
  });

describe(`.map fuzzer (seed ${seed}; replay with MAP_FUZZ_SEED=${seed})`, function () {
  this.timeout(60_000);

  it('compile ends with diagnostics or a plan, fast and within bounded memory, for any text', () => {
    console.log(`    .map fuzzer seed: ${seed}`);
    const heapBefore = process.memoryUsage().heapUsed;
    fc.assert(
      fc.property(fc.oneof(tokenSoup, mutated, deepNesting, longChain, longLiteral, randomBytes), (text) => {
        const started = Date.now();
        const result = compile('fuzz.map', {
          readFile: (p) => (p.endsWith('fuzz.map') ? text : readFileSync(p, 'utf8')),
          projectRoot: process.cwd(),
        });
        renderDiagnostics(result.diagnostics, (p) => result.sources.get(p));
        expect(result.plan !== null || result.diagnostics.length > 0, 'neither a plan nor a diagnostic').to.equal(true);
        expect(result.diagnostics.length).to.be.at.most(400);
        expect(Date.now() - started, 'one case took too long').to.be.below(PER_CASE_MS);
      }),
      { seed, numRuns: RUNS },
    );
    expect(process.memoryUsage().heapUsed - heapBefore).to.be.below(512 * 1024 * 1024);
  });
});
