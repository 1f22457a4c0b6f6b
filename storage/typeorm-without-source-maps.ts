/**
 * Loads typeorm with Node's source maps switched off, then switches them back as they were. tsx turns
 * source maps on for the whole process, and Node then keeps each loaded file's map for the life of the
 * process: typeorm's maps carry its whole TypeScript source, some 5 MB of strings that sit in the heap
 * for nothing, and every major collection marks them again (a mail sync runs one every ~15 messages;
 * without them a 2,000-message sync ran ~5 % faster). Our own files keep their maps, so stack traces
 * still name TypeScript lines; a trace through typeorm names the lines of its JavaScript.
 *
 * Call it before anything imports typeorm: entry points (bin/ra-desk.mjs, bench/run.ts) do, then load
 * the rest with a dynamic import, because a static import graph is compiled before any of it runs.
 */
export async function loadTypeormWithoutSourceMaps(): Promise<void> {
  const enabled = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  try {
    await import('typeorm');
  } finally {
    process.setSourceMapsEnabled(enabled);
  }
}
