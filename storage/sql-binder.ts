import type { DataSource } from 'typeorm';
import { isSqlite } from './data-source.ts';

export type Dialect = 'sqlite' | 'postgres';
export const dialectOf = (ds: DataSource): Dialect => (isSqlite(ds) ? 'sqlite' : 'postgres');

/** Collects bound values and hands out the dialect's placeholder for each (`?` or `$n`). */
export class Binder {
  readonly values: (string | number)[] = [];
  constructor(private readonly dialect: Dialect) {}

  bind(value: string | number): string {
    this.values.push(value);
    return this.dialect === 'postgres' ? `$${this.values.length}` : '?';
  }
}
