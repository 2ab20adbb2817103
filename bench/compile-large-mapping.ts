// Benchmark: compile a generated mapping of about 2,000 lines (40 tables, 40 items with
// nested collections, lookups and aggregates) and print the time per phase-complete compile.
// Peer in the same run: parsing alone, so the cost of checking and planning is visible.
//   node --import tsx bench/compile-large-mapping.ts [--lines 2000] [--runs 20]
import { parseArgs } from 'node:util';
import { compile } from '../compiler/compile.js';
import { parse } from '../grammar/parse.js';

const { values } = parseArgs({
  options: { lines: { type: 'string', default: '2000' }, runs: { type: 'string', default: '20' } },
});
const targetLines = Number(values.lines);
const runs = Number(values.runs);

function generateMapping(approxLines: number): string {
  const out: string[] = ['mapping generated', '', 'target app { partition key pk  sort key sk  ttl expires }', ''];
  let group = 0;
  while (out.length < approxLines) {
    const g = group++;
    out.push(
      `table parent_${g} from "parent_${g}*.csv" {`,
      '  id int key',
      '  name string',
      '  email string?',
      '  created_at timestamp',
      `  category_id int -> category_${g}`,
      '}',
      '',
      `table category_${g} from "category_${g}*.csv" {`,
      '  id int key',
      '  label string',
      '}',
      '',
      `table child_${g} from "child_${g}*.csv" {`,
      '  id int key',
      `  parent_id int -> parent_${g}`,
      '  happened_on date',
      '  qty int',
      '  price decimal',
      '  status string',
      '}',
      '',
      `table grandchild_${g} from "grandchild_${g}*.csv" {`,
      `  child_id int -> child_${g}`,
      '  seq int',
      '  note string?',
      '  amount decimal',
      '  key (child_id, seq)',
      '}',
      '',
      `item Parent${g} into app {`,
      `  from parent_${g} as p where p.name != "TEST"`,
      `  pk = "P${g}#{p.id}"`,
      '  sk = "META"',
      '  name = upper(p.name)',
      '  email = lower(p.email) when p.email is not null',
      `  category = p.category_${g}.label`,
      `  children = each c in p.child_${g} where c.status != "VOID" order by c.happened_on desc, c.id limit 50 {`,
      '    id = c.id',
      '    on = c.happened_on',
      '    value = round(c.qty * c.price, 2)',
      `    parts = each gc in c.grandchild_${g} order by gc.seq limit 20 {`,
      '      seq = gc.seq',
      '      note = coalesce(gc.note, "-")',
      '      amount = gc.amount',
      '    }',
      '    parts_total = coalesce(sum(parts.amount), 0)',
      '    size = case when count(parts) > 5 then "big" else "small" end',
      '  }',
      '  keep children where on >= as_of - 9 months',
      '  total = sum(children.value)',
      '  last = max(children.on)',
      '  ttl = epoch_seconds(as_of + 9 months)',
      '}',
      '',
    );
  }
  return out.join('\n');
}

const text = generateMapping(targetLines);
const lineCount = text.split('\n').length;
const readFile = () => text;

function timeIt(label: string, fn: () => void) {
  fn(); // warm-up: JIT and the parser's one-time self-analysis
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(28)} median ${times[Math.floor(times.length / 2)].toFixed(1)} ms   min ${times[0].toFixed(1)} ms   max ${times[times.length - 1].toFixed(1)} ms`,
  );
}

const coldStart = process.hrtime.bigint();
const first = compile('generated.map', { readFile });
const coldMs = Number(process.hrtime.bigint() - coldStart) / 1e6;
if (!first.plan) {
  console.error(first.diagnostics.slice(0, 5));
  throw new Error('the generated mapping does not compile');
}
console.log(
  `generated mapping: ${lineCount} lines, ${first.plan.items.length} items, ${first.plan.tables.length} tables read; ${runs} runs each`,
);
console.log(`${'compile, first in process'.padEnd(28)} ${coldMs.toFixed(1)} ms`);
timeIt('parse only (peer)', () => parse(text, 'generated.map'));
timeIt('compile (parse→plan→ajv)', () => compile('generated.map', { readFile }));
