// The text of grammar/cst-types.ts: Chevrotain's type declarations for the parser's CST (one
// node type and one children type per rule, a property per label or token), generated from
// the grammar itself. `npm run gen:cst` writes it; test/grammar/cst-types.test.ts checks that
// the file checked in is current. cst-to-ast.ts reads the CST through these types, so renaming
// a label in parser.ts breaks the type check instead of reading `undefined`.
import { generateCstDts } from './chevrotain.js';
import { mapParser } from './parser.js';

const HEADER = `// Generated from grammar/parser.ts by \`npm run gen:cst\` (grammar/cst-types-source.ts): do not edit.
// test/grammar/cst-types.test.ts fails when the parser changes and this file is not regenerated.
`;

export function cstTypesSource(): string {
  const types = generateCstDts(mapParser.getGAstProductions(), { includeVisitorInterface: false });
  // Without the visitor interface its type is imported for nothing.
  return HEADER + types.replace('import type { CstNode, ICstVisitor, IToken }', 'import type { CstNode, IToken }');
}
