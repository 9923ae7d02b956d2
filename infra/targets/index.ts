import { deployKnative } from './knative.ts';
import type { Target } from './types.ts';

/** Targets by `hearth:target` value; `aca` (Azure Container Apps + Dapr) plugs in here later. */
const TARGETS: Readonly<Record<string, Target>> = { knative: deployKnative };

/**
 * The target named by `hearth:target`; an unknown name fails with the known ones listed.
 * @example selectTarget('knative')(functions, config)
 */
export function selectTarget(name: string): Target {
  const target = TARGETS[name];
  if (!target) {
    throw new Error(
      `hearth:target "${name}" is not supported; use one of: ${Object.keys(TARGETS).join(', ')} (aca is planned, not built yet)`,
    );
  }
  return target;
}
