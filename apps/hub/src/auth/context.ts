// What every auth operation needs: the store and the clock.
import type { Database, Transaction } from '../store/index.js';

/** A database handle: the store itself or a caller's transaction. */
export type Executor = Database | Transaction;

export interface AuthContext {
  db: Database;
  now: () => Date;
}

export function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}
