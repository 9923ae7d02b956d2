/**
 * Labels every generated object carries, so `kubectl get -l app.kubernetes.io/part-of=hearth` finds them.
 * @example labelsFor('order-ledger') // { 'app.kubernetes.io/part-of': 'hearth', ... }
 */
export function labelsFor(fnName?: string): Record<string, string> {
  const labels: Record<string, string> = { 'app.kubernetes.io/part-of': 'hearth', 'app.kubernetes.io/managed-by': 'hearth-infra' };
  if (fnName !== undefined) labels['hearth.dev/function'] = fnName;
  return labels;
}

/** Container port of the Hearth host; Knative passes it as PORT. */
export const HTTP_PORT = 8080;
