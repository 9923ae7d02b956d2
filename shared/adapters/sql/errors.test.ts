import { describe, expect, it } from 'vitest';
import { isConnectionError, isRetryableTxError, SqlRetriesExhaustedError, sqlStateOf } from './errors.ts';

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

describe('SQL error classification', () => {
  it('finds the SQLSTATE on the error or its causes', () => {
    expect(sqlStateOf(withCode('conflict', '40001'))).toBe('40001');
    expect(sqlStateOf(new Error('wrapped', { cause: withCode('deadlock', '40P01') }))).toBe('40P01');
    expect(sqlStateOf(withCode('refused', 'ECONNREFUSED'))).toBeUndefined();
    expect(sqlStateOf('not an error')).toBeUndefined();
  });

  it('retries serialization failures and deadlocks only', () => {
    expect(isRetryableTxError(withCode('restart transaction', '40001'))).toBe(true);
    expect(isRetryableTxError(withCode('deadlock detected', '40P01'))).toBe(true);
    expect(isRetryableTxError(withCode('unique violation', '23505'))).toBe(false);
    expect(isRetryableTxError(new Error('plain'))).toBe(false);
  });

  it('recognizes an unreachable or restarting database', () => {
    expect(isConnectionError(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isConnectionError(withCode('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isConnectionError(withCode('the database system is starting up', '57P03'))).toBe(true);
    expect(isConnectionError(withCode('connection failure', '08006'))).toBe(true);
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionError(withCode('syntax error', '42601'))).toBe(false);
    expect(isConnectionError(withCode('password authentication failed', '28P01'))).toBe(false);
  });

  it('says how many attempts were made and why the last one failed', () => {
    const error = new SqlRetriesExhaustedError(8, withCode('could not serialize access', '40001'));
    expect(error.message).toBe('SQL transaction failed after 8 attempts: could not serialize access (SQLSTATE 40001)');
    expect(error.code).toBe('sql_retries_exhausted');
  });
});
