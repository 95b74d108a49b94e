// After `vite build`: replace every file under dist/assets with its gzip (level 9). The Rust
// binary embeds the .gz files, sends them as they are to browsers (all accept gzip) and inflates
// them for the rare client that does not — a third of the bytes in the binary and on the wire.
import { readdirSync, readFileSync, writeFileSync, unlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const dir = new URL('../dist/assets/', import.meta.url).pathname;
let before = 0;
let after = 0;
for (const name of readdirSync(dir)) {
  const path = join(dir, name);
  if (name.endsWith('.gz') || !statSync(path).isFile()) continue;
  const data = readFileSync(path);
  const gz = gzipSync(data, { level: constants.Z_BEST_COMPRESSION });
  writeFileSync(`${path}.gz`, gz);
  unlinkSync(path);
  before += data.length;
  after += gz.length;
}
console.log(`gzip-dist: assets ${(before / 1024).toFixed(0)} kB -> ${(after / 1024).toFixed(0)} kB`);
