// The mappings kept in a folder (mappings/ unless named): its .map files that declare an item,
// sorted. A file of tables and targets only, kept there for the mappings to import (a shared
// schema), is no mapping of its own and is left out. A file that cannot be read or parsed is
// kept: loading it shows what is wrong with it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../grammar/parse.js';

/** The mapping files in `folder`; none when there is no such folder. */
export function mappingsInFolder(folder: string): string[] {
  let names: string[];
  try {
    names = readdirSync(folder)
      .filter((name) => name.endsWith('.map'))
      .sort();
  } catch {
    return [];
  }
  return names.map((name) => join(folder, name)).filter(declaresItems);
}

function declaresItems(file: string): boolean {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return true;
  }
  const { ast, problems } = parse(text, file);
  return ast.items.length > 0 || problems.length > 0;
}
