// The caps that keep hostile or broken .map text from costing unbounded time, memory or stack.
// Each is far above what a real mapping needs; crossing one is reported at the place, as data.

/** Largest .map file read, in bytes. */
export const MAX_MAP_FILE_BYTES = 1024 * 1024;

/** Diagnostics kept per file; the rest are summed up in one last diagnostic. */
export const MAX_DIAGNOSTICS_PER_FILE = 100;

/**
 * Deepest nesting of brackets (`(`, `[`, `{`) and prefix operators (`not`, `-`) in the text.
 * The parser recurses once per level, so this keeps it far from the stack's end.
 */
export const MAX_NESTING_DEPTH = 64;

/**
 * Deepest expression tree after parsing: a chain `a + b + …` nests one level per operator.
 * Every later walk (checks, planning, the plan's validation, explain) recurses this deep.
 */
export const MAX_EXPRESSION_DEPTH = 256;

/** Longest single string literal, quoted name or comment, in characters. */
export const MAX_LITERAL_LENGTH = 64 * 1024;
