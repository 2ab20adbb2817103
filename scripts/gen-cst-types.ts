// `npm run gen:cst`: writes grammar/cst-types.ts, the CST's types, from the parser's rules.
// Run it after changing grammar/parser.ts, then fix what the type check says in cst-to-ast.ts.
import { writeFileSync } from 'node:fs';
import { cstTypesSource } from '../grammar/cst-types-source.js';

const path = new URL('../grammar/cst-types.ts', import.meta.url);
writeFileSync(path, cstTypesSource());
console.log('wrote grammar/cst-types.ts');
