import type { BotContext } from '../context.ts';
import { checkFileType } from '../../domain/documents/file-type.ts';

/** A file a user sent, accepted on arrival; the bytes are fetched again from Telegram when submitted. */
export interface ReceivedFile {
  readonly fileId: string;
  readonly filename: string;
}

/**
 * Checks a document or photo the moment it arrives: size from the update (nothing is downloaded when it
 * is too big), then the bytes themselves. On a refusal the user is told why and asked again with
 * `askAgain`, and null is returned: the conversation stays where it was.
 */
export async function receiveDocument(ctx: BotContext, fallbackName: string, askAgain: string): Promise<ReceivedFile | null> {
  const doc = ctx.message?.document;
  const photo = ctx.message?.photo?.at(-1);
  const size = doc?.file_size ?? photo?.file_size ?? 0;
  const max = ctx.desk.ports.settings.maxFileBytes;
  if (size > max) {
    await ctx.reply(`${ctx.say('DOCUMENT.TOO_LARGE', { maxMb: Math.round(max / 1048576), sizeMb: (size / 1048576).toFixed(1) })}\n\n${askAgain}`);
    return null;
  }
  const file = await ctx.getFile();
  const bytes = await ctx.desk.download(file.file_path ?? '');
  const type = checkFileType(bytes, { maxBytes: max });
  if (!type.ok) {
    await ctx.reply(`${ctx.say(type.code, type.params)}\n\n${askAgain}`);
    return null;
  }
  return { fileId: file.file_id, filename: doc?.file_name ?? fallbackName };
}

/** Fetches the accepted files again for the use case, which checks and stores them itself. */
export async function downloadAll<K extends string>(ctx: BotContext, files: readonly (ReceivedFile & { kind: K })[]): Promise<{ kind: K; filename: string; bytes: Buffer }[]> {
  const out = [];
  for (const f of files) {
    const meta = await ctx.api.getFile(f.fileId);
    out.push({ kind: f.kind, filename: f.filename, bytes: await ctx.desk.download(meta.file_path ?? '') });
  }
  return out;
}
