/**
 * A second process for the decision race: opens the same database and tries to decide every request
 * given on the command line. Prints one JSON line with how many decisions it won.
 * argv: dataDir databaseUrl|'' officerTelegramId outcome requestId...
 */
import { openDatabase } from '../../storage/data-source.ts';
import { createTestDesk } from './storage-desk.ts';
import { decideRequest } from '../../domain/use-cases/decide-request.ts';

const [dataDir, databaseUrl, officer, outcome, ...ids] = process.argv.slice(2);
const ds = await openDatabase({ dataDir: dataDir!, databaseUrl: databaseUrl || undefined });
const desk = createTestDesk(ds, dataDir!, { masterKey: Buffer.from(process.env['TEST_MASTER_KEY']!, 'base64') });
let won = 0;
const refused: Record<string, number> = {};
for (const id of ids) {
  const r = await decideRequest(desk.ports, { requestId: id, officerTelegramId: officer!, outcome: outcome as 'approve' | 'reject', reasons: ['berkas tidak sesuai'] });
  if (r.ok) won++;
  else refused[r.code] = (refused[r.code] ?? 0) + 1;
}
await ds.destroy();
process.stdout.write(JSON.stringify({ won, refused }) + '\n');
