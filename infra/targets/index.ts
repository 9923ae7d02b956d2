import { deployAca } from './aca.ts';
import { deployKnative } from './knative.ts';
import type { Target } from './types.ts';

/** Targets by `hearth:target` value. */
const TARGETS: Readonly<Record<string, Target>> = { knative: deployKnative, aca: deployAca };

/**
 * The target named by `hearth:target`; an unknown name fails with the known ones listed.
 * @example selectTarget('aca')(functions, config)
 */
export function selectTarget(name: string): Target {
  const target = TARGETS[name];
  if (!target) {
    throw new Error(`hearth:target "${name}" is not supported; use one of: ${Object.keys(TARGETS).join(', ')}`);
  }
  return target;
}
