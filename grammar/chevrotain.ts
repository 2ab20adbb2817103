// The parts of Chevrotain the grammar uses, from the package's own single-file build
// (lib/chevrotain.mjs, shipped in the same package, same version). The package's entry
// point loads lodash-es as hundreds of small modules: 0.4 s at every start of `mapc`,
// against 30 ms for the single file. Types come from the package as usual.
import type * as Chevrotain from 'chevrotain';

const chevrotain = (await import(
  new URL('../chevrotain.mjs', import.meta.resolve('chevrotain')).href
)) as typeof Chevrotain;

export const { createToken, CstParser, defaultParserErrorProvider, generateCstDts, Lexer } = chevrotain;
