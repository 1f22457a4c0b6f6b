import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const probe = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'probes', 'typeorm-maps.mjs');

describe('typeorm loaded without source maps (heap kept small)', () => {
  it('keeps no source map of typeorm, and leaves source maps on for the desk’s own files', () => {
    const out = JSON.parse(execFileSync(process.execPath, [probe], { encoding: 'utf8', timeout: 60_000 })) as Record<string, unknown>;
    expect(out['typeormFiles']).toBeGreaterThan(100);
    expect(out['typeormFilesWithMaps']).toBe(0);
    expect(out['sourceMapsEnabled']).toBe(true);
    expect(out['configErrorIsClass']).toBe(true);
  });
});
