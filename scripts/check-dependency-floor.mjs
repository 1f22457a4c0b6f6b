#!/usr/bin/env node
// Dependency floor: fails when package-lock.json holds a version of a listed package below the version
// that fixed a known advisory (.ci/dependency-floor.txt). The registry here does not answer `npm audit`.
// Usage: node scripts/check-dependency-floor.mjs [LOCKFILE] [FLOOR_LIST]
// Exit 0 and one line per checked package when all is well; exit 1 naming each offending copy.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lockPath = process.argv[2] ?? join(root, 'package-lock.json');
const listPath = process.argv[3] ?? join(root, '.ci', 'dependency-floor.txt');

/** `1.4.0` → [1, 4, 0, prerelease?]; a pre-release sorts before its release. */
function parseVersion(text) {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+.*)?$/.exec(String(text).trim());
  if (!match) return null;
  return { parts: [Number(match[1]), Number(match[2]), Number(match[3])], pre: match[4] ?? null };
}

function isBelow(version, floor) {
  for (let i = 0; i < 3; i++) {
    if (version.parts[i] !== floor.parts[i]) return version.parts[i] < floor.parts[i];
  }
  // Same x.y.z: 1.4.0-rc.1 is below 1.4.0.
  return version.pre !== null && floor.pre === null;
}

function readFloors(text) {
  const floors = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [name, version, advisory, ...why] = line.split(/\s+/);
    const parsed = parseVersion(version ?? '');
    if (!name || !parsed || !advisory) throw new Error(`${listPath}:${index + 1}: expected "name version advisory why", got "${line}"`);
    floors.push({ name, version, parsed, advisory, why: why.join(' ') });
  });
  return floors;
}

/** Every installed copy of NAME in a lockfile v2/v3: top level and nested (`a/node_modules/NAME`). */
function copiesOf(lock, name) {
  const copies = [];
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`)) {
      copies.push({ path, version: entry.version });
    }
  }
  return copies;
}

let lock;
let floors;
try {
  lock = JSON.parse(readFileSync(lockPath, 'utf8'));
  floors = readFloors(readFileSync(listPath, 'utf8'));
} catch (error) {
  console.error(`dependency floor: ${error.message}`);
  process.exit(2);
}
if (!lock.packages) {
  console.error(`dependency floor: ${lockPath} has no "packages" map (lockfileVersion 2 or 3 needed)`);
  process.exit(2);
}

const problems = [];
for (const floor of floors) {
  for (const copy of copiesOf(lock, floor.name)) {
    const version = parseVersion(copy.version ?? '');
    if (!version) problems.push(`${copy.path}: unreadable version "${copy.version}" (floor ${floor.version}, ${floor.advisory})`);
    else if (isBelow(version, floor.parsed)) {
      problems.push(`${copy.path} ${copy.version} is below ${floor.version}: ${floor.advisory} ${floor.why}`);
    }
  }
}

if (problems.length > 0) {
  console.error(`dependency floor: ${problems.length} package(s) below a known-fixed version`);
  for (const problem of problems) console.error(`  ${problem}`);
  console.error('update them (npm install NAME@^FLOOR, or an "overrides" entry for a nested copy) and commit the lockfile');
  process.exit(1);
}
const names = [...new Set(floors.map((f) => f.name))];
console.log(`dependency floor: ok (${names.map((n) => `${n} ${copiesOf(lock, n).map((c) => c.version).join('/') || 'absent'}`).join(', ')})`);
