import type { AnyFunction } from '../../shared/core/index.ts';
import type { StackConfig } from '../stack-config.ts';

/** A deployment target: creates the resources of `functions` and returns the stack outputs. */
export type Target = (functions: readonly AnyFunction[], config: StackConfig) => Record<string, unknown>;
