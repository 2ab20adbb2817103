// A copy of the sample mappings in a temporary project folder (a mapc.json marks its root), so
// that the language server tests can edit and rename without touching the repository.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Workspace {
  root: string;
  customer: string;
  product: string;
  warehouse: string;
}

export function copySampleWorkspace(): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'mapc-lsp-'));
  mkdirSync(join(root, 'mappings'));
  mkdirSync(join(root, 'examples'));
  writeFileSync(join(root, 'mapc.json'), '{}\n');
  const ws = {
    root,
    customer: join(root, 'mappings/customer.map'),
    product: join(root, 'mappings/product.map'),
    warehouse: join(root, 'examples/warehouse.map'),
  };
  copyFileSync('mappings/customer.map', ws.customer);
  copyFileSync('mappings/product.map', ws.product);
  copyFileSync('examples/warehouse.map', ws.warehouse);
  return ws;
}
