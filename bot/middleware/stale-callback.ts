import type { Transformer } from 'grammy';

const STALE = /query is too old|query ID is invalid/i;

/**
 * Answering a button press is a courtesy (it stops the client's spinner); Telegram refuses it once the
 * press is older than about 15 s, which is every press that waited out a restart or a long queue. That
 * refusal must not fail the handler and turn a valid action into "terjadi kesalahan": it is treated as
 * answered. Every other error still throws. Found by test/fuzz/bot.fuzz.test.ts.
 *
 * @example
 * bot.api.config.use(tolerateStaleCallbackAnswers);
 */
export const tolerateStaleCallbackAnswers: Transformer = async (prev, method, payload, signal) => {
  const response = await prev(method, payload, signal);
  if (method === 'answerCallbackQuery' && !response.ok && response.error_code === 400 && STALE.test(response.description)) {
    // answerCallbackQuery's own success value is `true`; the transformer's type is generic over methods.
    const answered: Awaited<ReturnType<typeof prev>> = { ok: true, result: true as never };
    return answered;
  }
  return response;
};
