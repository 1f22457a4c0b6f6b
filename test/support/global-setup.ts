import type { TestProject } from 'vitest/node';
import { providePostgres } from './services/postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test PostgreSQL server (its `postgres` database); see test/support/databases.ts. */
    pgUrl: string;
  }
}

/** One external service the tests need: starts it, hands its address to the tests, returns its stop. */
interface Service {
  readonly name: string;
  start(project: TestProject): Promise<() => Promise<void>>;
}

// Add further services (Dovecot, …) here, each in its own file under test/support/services/.
const services: readonly Service[] = [
  {
    name: 'postgres',
    async start(project) {
      const server = await providePostgres();
      project.provide('pgUrl', server.url);
      return () => server.stop();
    },
  },
];

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stops: Array<{ name: string; stop: () => Promise<void> }> = [];
  const teardown = async (): Promise<void> => {
    const errors: unknown[] = [];
    for (const { name, stop } of stops.reverse()) {
      try {
        await stop();
      } catch (e) {
        errors.push(new Error(`stopping ${name}: ${String(e)}`));
      }
    }
    stops.length = 0;
    if (errors.length) throw new AggregateError(errors, 'global teardown failed');
  };
  try {
    // Sequential: two cores, and the start-ups are short.
    for (const service of services) {
      const t0 = Date.now();
      stops.push({ name: service.name, stop: await service.start(project) });
      console.log(`[global-setup] ${service.name} ready in ${Date.now() - t0} ms`);
    }
  } catch (e) {
    await teardown().catch(() => undefined);
    throw e;
  }
  return teardown;
}
