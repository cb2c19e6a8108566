import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';

/**
 * Unpacks a function's deployment zip (what deploys is what runs) into a cache directory,
 * again only when the zip changed.
 */
export function unpackArtifact(zipPath: string, targetDir: string): string {
  if (!existsSync(zipPath)) throw new Error(`Missing function artifact ${zipPath}: run "pnpm package" first`);
  const stamp = `${statSync(zipPath).mtimeMs}:${statSync(zipPath).size}`;
  const stampFile = join(targetDir, '.artifact-stamp');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return targetDir;
  rmSync(targetDir, { recursive: true, force: true });
  for (const [name, bytes] of Object.entries(unzipSync(readFileSync(zipPath)))) {
    if (name.endsWith('/')) continue;
    const file = join(targetDir, name);
    if (!file.startsWith(targetDir)) throw new Error(`Unsafe path ${name} in ${zipPath}`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  }
  writeFileSync(stampFile, stamp);
  return targetDir;
}
