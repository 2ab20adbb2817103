// Every diagnostic the compiler can report: one stable code each, with its severity, message
// and hint built from parameters. Messages live here only; checks report a code and data.
// MessageParameterTypes gives each code the parameters its message and hint read (as Malloy's
// does), so a report that leaves one out, misspells one or adds one is a type error, and a
// message never prints "undefined". test/compiler/diagnostic-messages.test.ts renders each.
// docs/diagnostics.md lists the codes for users; test/compiler/diagnostics-doc.test.ts keeps it in step.

export type Severity = 'error' | 'warning';

/** `{ suggestion }` when a close candidate exists (did-you-mean.ts). */
interface Suggestion {
  suggestion?: string;
}

/** A message that is all detail, written where the problem is found, with an optional hint. */
interface Detail {
  detail: string;
  hint?: string;
}

/** The parameters of each code's message and hint. */
export interface MessageParameterTypes {
  MAP0001: Detail;
  MAP0002: { detail: string };
  MAP0003: { detail: string };
  MAP0004: { detail: string };
  MAP0005: { path: string; size: string; limit: string };
  MAP0006: { limit: string; file: string };
  MAP0007: Detail;
  MAP0008: { detail: string };

  MAP0101: { path: string };
  MAP0102: { cycle: string };
  MAP0103: { what: string; name: string; other: string };
  MAP0104: { column: string; table: string };
  MAP0105: { type: string } & Suggestion;
  MAP0106: Detail & Suggestion;
  MAP0107: { column: string; table: string } & Suggestion;
  MAP0108: { table: string; use: string };
  MAP0109: { column: string; table: string } & Suggestion;
  MAP0110: Detail;
  MAP0111: { table: string; name: string; from: string; target: string };
  MAP0112: { name: string; table: string };
  MAP0113: { cycle: string };
  MAP0115: { path: string; root: string };
  MAP0116: { path: string };
  MAP0117: { path: string; why: string; hint: string };
  MAP0114: { column: string; table: string };

  MAP0201: { item: string; target: string } & Suggestion;
  MAP0202: { target: string };
  MAP0203: { item: string; attribute: string; role: string; target: string };
  MAP0204: { attribute: string; why: string };
  MAP0205: { item: string; missing: string; table: string; attribute: string; example: string };
  MAP0206: { a: string; b: string; target: string; why: string };
  MAP0207: { attribute: string; type: string };
  MAP0208: Detail;
  MAP0209: { name: string };
  MAP0210: { detail: string };
  MAP0211: { item: string; table: string } & Suggestion;
  MAP0212: { target: string; problem: string };

  MAP0301: { name: string; hint?: string } & Suggestion;
  MAP0302: { table: string; name: string } & Suggestion;
  MAP0303: { path: string; hint: string };
  MAP0304: { path: string; what: string; hint: string };
  MAP0305: { fn: string; path: string; why: string; hint: string };
  MAP0306: { name: string };
  MAP0307: { name: string; known: string } & Suggestion;
  MAP0308: { name: string; expected: string; actual: string };
  MAP0309: Detail;
  MAP0310: { type: string };
  MAP0311: { term: string };
  MAP0312: Detail & Suggestion;
  MAP0313: { path: string; clause: string };
  MAP0314: { name: string };
  MAP0315: { value: string };

  MAP0401: { name: string };
  MAP0402: { table: string };
  MAP0403: { name: string; missing: string; table: string; column: string; alias: string };
  MAP0404: { mapping: string; table: string; pattern: string };
}

export type Code = keyof MessageParameterTypes;

export interface CodeInfo<P> {
  severity: Severity;
  title: string;
  message: (p: P) => string;
  hint?: (p: P) => string | undefined;
}

const didYouMean = (p: Suggestion) => (p.suggestion ? `did you mean \`${p.suggestion}\`?` : undefined);

export const CODES: { readonly [C in Code]: CodeInfo<MessageParameterTypes[C]> } = {
  // 00xx: text
  MAP0001: { severity: 'error', title: 'syntax error', message: (p) => p.detail, hint: (p) => p.hint },
  MAP0002: {
    severity: 'error',
    title: 'unexpected character',
    message: (p) => p.detail,
    hint: () => 'names are letters, digits and `_`; comments start with `#`',
  },
  MAP0003: { severity: 'error', title: 'unterminated string', message: (p) => p.detail },
  MAP0004: { severity: 'error', title: 'bad string', message: (p) => p.detail },
  MAP0005: {
    severity: 'error',
    title: 'file too large',
    message: (p) => `${p.path} is ${p.size} bytes; a .map file may hold at most ${p.limit} bytes`,
    hint: () => 'split the mapping: move shared tables into a file of their own and `import` it',
  },
  MAP0006: {
    severity: 'error',
    title: 'too many diagnostics',
    message: (p) => `stopped after ${p.limit} diagnostics in ${p.file}`,
    hint: () => 'fix the first ones and check again; if this is not a .map file, name the right one',
  },
  MAP0007: { severity: 'error', title: 'nested too deep', message: (p) => p.detail, hint: (p) => p.hint },
  MAP0008: {
    severity: 'error',
    title: 'literal too long',
    message: (p) => p.detail,
    hint: () => 'a mapping holds names and short texts; long values belong in the extract',
  },

  // 01xx: files, tables and columns
  MAP0101: {
    severity: 'error',
    title: 'import not found',
    message: (p) => `cannot read imported file "${p.path}"`,
    hint: () => 'import paths are relative to the file that imports them',
  },
  MAP0102: {
    severity: 'error',
    title: 'import cycle',
    message: (p) => `import cycle: ${p.cycle}`,
    hint: () => 'move the shared declarations into one file that imports nothing',
  },
  MAP0103: {
    severity: 'error',
    title: 'duplicate declaration',
    message: (p) => `${p.what} \`${p.name}\` is declared twice (also at ${p.other})`,
  },
  MAP0104: {
    severity: 'error',
    title: 'duplicate column',
    message: (p) => `column \`${p.column}\` is declared twice in table \`${p.table}\``,
  },
  MAP0105: {
    severity: 'error',
    title: 'unknown type',
    message: (p) => `unknown type \`${p.type}\``,
    hint: (p) => didYouMean(p) ?? 'types are string, int, decimal, float, bool, date and timestamp',
  },
  MAP0106: {
    severity: 'error',
    title: 'bad format option',
    message: (p) => p.detail,
    hint: (p) => didYouMean(p) ?? p.hint,
  },
  MAP0107: {
    severity: 'error',
    title: 'unknown key column',
    message: (p) => `key column \`${p.column}\` is not a column of table \`${p.table}\``,
    hint: didYouMean,
  },
  MAP0108: {
    severity: 'error',
    title: 'table without key',
    message: (p) => `table \`${p.table}\` has no key, but ${p.use}`,
    hint: () => 'mark its key column with `key`, or add `key (a, b)` for a composite key',
  },
  MAP0109: {
    severity: 'error',
    title: 'unknown referenced table',
    message: (p) => `\`${p.column}\` references unknown table \`${p.table}\``,
    hint: didYouMean,
  },
  MAP0110: { severity: 'error', title: 'bad reference', message: (p) => p.detail, hint: (p) => p.hint },
  MAP0111: {
    severity: 'error',
    title: 'ambiguous relationship name',
    message: (p) => `table \`${p.table}\` gets two relationships named \`${p.name}\` (${p.from})`,
    hint: (p) => `name them apart: \`-> ${p.target} as … inverse …\``,
  },
  MAP0112: {
    severity: 'error',
    title: 'relationship name clashes with a column',
    message: (p) => `relationship \`${p.name}\` on table \`${p.table}\` has the name of one of its columns`,
    hint: () => 'give it another name with `as …` or `inverse …`',
  },
  MAP0113: {
    severity: 'error',
    title: 'reference cycle',
    message: (p) => `tables reference each other in a cycle: ${p.cycle}`,
    hint: () => 'one side of the cycle must be a plain column (drop its `->`); items can still match it in a `where`',
  },
  MAP0115: {
    severity: 'error',
    title: 'import outside the project',
    message: (p) => `import "${p.path}" leaves the project folder ${p.root}`,
    hint: () =>
      'imports stay inside the folder of the mapping, or the nearest folder above it with a mapc.json or package.json: move the file there',
  },
  MAP0116: {
    severity: 'error',
    title: 'absolute import',
    message: (p) => `import "${p.path}" is an absolute path`,
    hint: () => 'write the path relative to this file, or pass --allow-absolute-imports',
  },
  MAP0117: {
    severity: 'error',
    title: 'not a readable .map file',
    message: (p) => `${p.path} ${p.why}`,
    hint: (p) => p.hint,
  },
  MAP0114: {
    severity: 'error',
    title: 'table has a nullable key',
    message: (p) => `key column \`${p.column}\` of table \`${p.table}\` is nullable`,
    hint: () => 'key columns cannot be empty: remove the `?`',
  },

  // 02xx: targets and item structure
  MAP0201: {
    severity: 'error',
    title: 'unknown target',
    message: (p) => `item \`${p.item}\` goes into unknown target table \`${p.target}\``,
    hint: (p) => didYouMean(p) ?? 'declare it: `target name { partition key pk  sort key sk  ttl expires_at }`',
  },
  MAP0202: {
    severity: 'error',
    title: 'target without partition key',
    message: (p) => `target \`${p.target}\` declares no partition key`,
    hint: () => 'add `partition key pk`',
  },
  MAP0203: {
    severity: 'error',
    title: 'missing key attribute',
    message: (p) => `item \`${p.item}\` does not set \`${p.attribute}\`, the ${p.role} key of \`${p.target}\``,
    hint: (p) => `add \`${p.attribute} = "…"\` at the top level of the item`,
  },
  MAP0204: {
    severity: 'error',
    title: 'nullable key attribute',
    message: (p) => `key attribute \`${p.attribute}\` may be null: ${p.why}`,
    hint: () => 'use columns that cannot be empty, or coalesce(…, "default")',
  },
  MAP0205: {
    severity: 'error',
    title: 'key does not identify the root row',
    message: (p) =>
      `the key of item \`${p.item}\` does not use ${p.missing} of \`${p.table}\`'s key: two rows would write the same item`,
    hint: (p) => `put it in the key, e.g. \`${p.attribute} = "…#{${p.example}}"\``,
  },
  MAP0206: {
    severity: 'error',
    title: 'key patterns may collide',
    message: (p) =>
      `items \`${p.a}\` and \`${p.b}\` both go into \`${p.target}\` and their keys can be equal (${p.why})`,
    hint: () => 'give each item type its own constant prefix, e.g. "CUST#…" and "PROD#…"',
  },
  MAP0207: {
    severity: 'error',
    title: 'bad key attribute type',
    message: (p) => `key attribute \`${p.attribute}\` is ${p.type}; DynamoDB keys are strings or numbers`,
    hint: () => 'build it with a template: "PREFIX#{…}"',
  },
  MAP0208: { severity: 'error', title: 'bad TTL', message: (p) => p.detail, hint: (p) => p.hint },
  MAP0209: {
    severity: 'error',
    title: 'duplicate attribute',
    message: (p) => `attribute \`${p.name}\` is set twice in one object`,
  },
  MAP0210: { severity: 'error', title: 'misplaced clause', message: (p) => p.detail },
  MAP0211: {
    severity: 'error',
    title: 'unknown root table',
    message: (p) => `item \`${p.item}\` reads unknown table \`${p.table}\``,
    hint: didYouMean,
  },
  MAP0212: {
    severity: 'warning',
    title: 'target is not a DynamoDB table name',
    message: (p) => `target \`${p.target}\` ${p.problem}`,
    hint: (p) =>
      `rename the target, or bind it to a valid physical table at run time: \`--table ${p.target}=my-table\``,
  },

  // 03xx: expressions
  MAP0301: {
    severity: 'error',
    title: 'unknown name',
    message: (p) => `unknown name \`${p.name}\``,
    hint: (p) => didYouMean(p) ?? p.hint,
  },
  MAP0302: {
    severity: 'error',
    title: 'unknown column or relationship',
    message: (p) => `table \`${p.table}\` has no column or relationship \`${p.name}\``,
    hint: didYouMean,
  },
  MAP0303: {
    severity: 'error',
    title: 'collection used as a value',
    message: (p) => `\`${p.path}\` is a collection (many rows), not one value`,
    hint: (p) => p.hint,
  },
  MAP0304: {
    severity: 'error',
    title: 'not a collection',
    message: (p) => `\`${p.path}\` is ${p.what}, not a collection to iterate over`,
    hint: (p) => p.hint,
  },
  MAP0305: {
    severity: 'error',
    title: 'aggregate over something not embedded',
    message: (p) => `\`${p.fn}(${p.path})\` ${p.why}`,
    hint: (p) => p.hint,
  },
  MAP0306: {
    severity: 'error',
    title: 'attribute used before it is set',
    message: (p) => `attribute \`${p.name}\` is used before it is set`,
    hint: () => 'move this line below the attribute it reads',
  },
  MAP0307: {
    severity: 'error',
    title: 'unknown function',
    message: (p) => `unknown function \`${p.name}\``,
    hint: (p) => didYouMean(p) ?? `functions: ${p.known}`,
  },
  MAP0308: {
    severity: 'error',
    title: 'wrong number of arguments',
    message: (p) => `\`${p.name}\` takes ${p.expected} argument(s), not ${p.actual}`,
  },
  MAP0309: { severity: 'error', title: 'type mismatch', message: (p) => p.detail, hint: (p) => p.hint },
  MAP0310: {
    severity: 'error',
    title: 'condition is not true/false',
    message: (p) => `this condition is ${p.type}, not bool`,
    hint: () => 'compare it: `x == …`, `x is not null`',
  },
  MAP0311: {
    severity: 'error',
    title: 'order by a value the element does not carry',
    message: (p) => `\`order by ${p.term}\` sorts by a value no attribute of the element holds`,
    hint: () =>
      'add it as an attribute of the element (stored items are re-sorted by attributes when later extracts merge in) and order by that',
  },
  MAP0312: { severity: 'error', title: 'bad cast', message: (p) => p.detail, hint: (p) => didYouMean(p) ?? p.hint },
  MAP0313: {
    severity: 'error',
    title: 'row read where only attributes may be',
    message: (p) => `\`${p.path}\` reads a source row, but ${p.clause} may only read the item's attributes`,
    hint: () =>
      'these are recomputed when later extracts merge into an item, when the source rows are gone: copy the value into an attribute first',
  },
  MAP0314: {
    severity: 'error',
    title: 'duplicate row name',
    message: (p) => `\`${p.name}\` already names a row here`,
    hint: () => 'choose another name after `each` / `as`',
  },
  MAP0315: { severity: 'error', title: 'bad limit', message: (p) => `limit ${p.value} is not a whole number above 0` },

  // 04xx: warnings
  MAP0401: {
    severity: 'warning',
    title: 'unbounded collection',
    message: (p) => `collection \`${p.name}\` has no limit: one item can outgrow DynamoDB's 400 KB`,
    hint: () => 'add `limit N`, or retention with `keep … where …`',
  },
  MAP0402: {
    severity: 'warning',
    title: 'unused table',
    message: (p) => `table \`${p.table}\` is declared here but no item uses it`,
    hint: () => 'remove it, or move it into the shared schema file',
  },
  MAP0403: {
    severity: 'warning',
    title: 'element without its key',
    message: (p) =>
      `elements of \`${p.name}\` do not carry ${p.missing} of \`${p.table}\`'s key: a row delivered again cannot replace its twin`,
    hint: (p) => `add \`${p.column} = ${p.alias}.${p.column}\``,
  },
  MAP0404: {
    severity: 'warning',
    title: 'looked-up table not optional',
    message: (p) =>
      `mapping \`${p.mapping}\` only looks rows up in table \`${p.table}\`, which is not declared \`optional\`: an extract without a file of it stops the run`,
    hint: (p) =>
      `add \`optional\` after its pattern (\`from "${p.pattern}" optional\`) so that an extract without new rows of \`${p.table}\` does not stop the run`,
  },
};

export function codeInfo<C extends Code>(code: C): CodeInfo<MessageParameterTypes[C]> {
  return CODES[code];
}
