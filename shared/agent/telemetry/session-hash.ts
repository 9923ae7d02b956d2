import { createHash } from 'node:crypto';

/**
 * The form of a session id that may leave the process (logs, span attributes, metrics): the first 16 hex
 * digits of its SHA-256, enough to correlate one session's lines and useless for finding the session.
 * Lives in the agent layer (dependency-free) so runner logs and the telemetry adapter hash alike.
 * @example hashSessionId('user-42-chat') // "5f1c0e2b9a7d4c11"
 */
export function hashSessionId(sessionId: string): string {
  return createHash('sha256').update(`hearth-session\u0000${sessionId}`).digest('hex').slice(0, 16);
}
