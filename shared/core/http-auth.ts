import { isHttpReply, type HttpReply, type HttpRequestInfo } from './http-reply.ts';
import type { HttpTrigger } from './triggers.ts';

/** The header carrying the authenticated caller to the handler; a client's own value is never trusted. */
export const PRINCIPAL_HEADER = 'hearth-principal';
/** Comma-separated roles of the authenticated caller (for example `hearth:admin`). */
export const ROLES_HEADER = 'hearth-principal-roles';

/**
 * Runs a trigger's `authorize` check the same way on every platform: headers a client sent under the
 * principal names are dropped, then set from what the authorizer established. A rejection is returned
 * as the reply to send.
 * @example const auth = await authorizeHttp(trigger, { method, path, headers }); if ('rejected' in auth) ...
 */
export async function authorizeHttp(
  trigger: HttpTrigger<unknown>,
  request: HttpRequestInfo,
): Promise<{ rejected: HttpReply } | { headers: Record<string, string> }> {
  const headers: Record<string, string> = { ...request.headers };
  delete headers[PRINCIPAL_HEADER];
  delete headers[ROLES_HEADER];
  const verdict = await trigger.authorize?.({ ...request, headers });
  if (verdict === undefined) return { headers };
  if (isHttpReply(verdict)) return { rejected: verdict };
  headers[PRINCIPAL_HEADER] = verdict.principal;
  if (verdict.roles?.length) headers[ROLES_HEADER] = verdict.roles.join(',');
  return { headers };
}

/**
 * The authenticated caller of an HTTP-triggered event, or undefined when its trigger has no authorizer.
 * @example const caller = principalOf(ctx.meta.headers) ?? 'anonymous'
 */
export function principalOf(headers: Readonly<Record<string, string>>): string | undefined {
  return headers[PRINCIPAL_HEADER] || undefined;
}

/**
 * True when the authenticated caller holds `role`.
 * @example if (hasRole(ctx.meta.headers, 'hearth:admin')) ...
 */
export function hasRole(headers: Readonly<Record<string, string>>, role: string): boolean {
  return (headers[ROLES_HEADER] ?? '').split(',').includes(role);
}
