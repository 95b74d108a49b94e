// Load a TypeScript module from src/ in plain Node (20 has no type stripping): transpile it with
// the project's TypeScript, import the result. The transpiled file is written under
// node_modules/ so that its own imports of packages resolve.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const MODULES = fileURLToPath(new URL('../node_modules/', import.meta.url));

export async function importTs(path) {
  const src = readFileSync(path, 'utf8');
  const out = ts.transpileModule(src, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: path,
  });
  const dir = mkdtempSync(join(MODULES, '.nm-ts-'));
  const file = join(dir, 'module.mjs');
  writeFileSync(file, out.outputText);
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
