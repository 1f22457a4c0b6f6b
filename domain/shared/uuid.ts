/**
 * A lowercase UUID as `crypto.randomUUID()` makes them: the internal ids of persons, documents and
 * certificates. Checked before such an id from outside (a button's callback data, a CLI argument) is
 * looked up or written into an audit row.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isUuid = (s: string): boolean => UUID.test(s);
