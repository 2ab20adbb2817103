// Runs the parser, the checks and content assist on a small mapping a few times before the
// server answers `initialize`: the first analyses of a cold process take several times longer
// (the JavaScript engine has not compiled the hot paths yet), and the first edit should not.
import { compile } from '../compiler/compile.js';
import { DiagnosticSink } from '../compiler/diagnostics/diagnostic.js';
import { buildSchema } from '../compiler/schema/build-schema.js';
import { buildIndex } from './semantic-index.js';
import { completionAt } from './completion.js';
import type { Analysis } from './analysis.js';

const SAMPLE = `mapping warm_up
table parents from "parents*.csv" {
  id    int key
  name  string?
  since date header "created"
}
table children from "children*.csv" {
  id        int key
  parent_id int -> parents
  amount    decimal
}
target store { partition key pk  sort key sk }
item Parent into store {
  from parents as p where p.name is not null
  pk   = "P#{p.id}"
  sk   = "PROFILE"
  name = upper(coalesce(p.name, "x"))
  kids = each c in p.children where c.amount > 0 order by c.id desc limit 10 {
    id     = c.id
    amount = round(c.amount * 2, 2)
  }
  total = sum(kids.amount)
  ttl = epoch_seconds(p.since + 9 months)
}
`;

export function warmUp(rounds = 12): void {
  const path = '/mapc-warm-up/warm-up.map';
  const readFile = () => SAMPLE;
  for (let i = 0; i < rounds; i++) {
    const { files } = compile(path, { readFile, projectRoot: '/mapc-warm-up' });
    const schema = buildSchema(files, files[0], new DiagnosticSink());
    const index = buildIndex(files, files[0], schema);
    const analysis = { schema, index } as Analysis;
    completionAt(analysis, SAMPLE, SAMPLE.indexOf('p.name is') + 2);
    completionAt(analysis, SAMPLE, SAMPLE.indexOf('round(') + 6);
  }
}
