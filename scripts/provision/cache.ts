import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

// Built tools live outside the repo so a fresh clone reuses them and `git clean` never costs a rebuild.
export function cacheDir(): string {
  const dir = process.env.CISCO_PROGRAMS_CACHE ?? join(homedir(), '.cache', 'cisco-programs');
  mkdirSync(dir, { recursive: true });
  return dir;
}
