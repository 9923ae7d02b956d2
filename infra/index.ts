/**
 * Pulumi program of Hearth: loads the function registry, reads the stack config and hands both to the
 * target named by `hearth:target`. Its return value becomes the stack outputs.
 */
import { FUNCTIONS_DIR, loadFunctions } from '../shared/host/registry.ts';
import { readStackConfig } from './stack-config.ts';
import { selectTarget } from './targets/index.ts';

/**
 * Runs the program; Pulumi calls the default export and awaits it.
 * @example export default program  // pulumi up
 */
export default async function program(): Promise<Record<string, unknown>> {
  const config = readStackConfig();
  const target = selectTarget(config.target);
  return target(await loadFunctions(FUNCTIONS_DIR), config);
}
