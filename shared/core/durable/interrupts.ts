/**
 * The ways a durable execution stops before its handler returns. They are control flow, not failures:
 * the executor turns each into a state in the store. A handler that catches one by accident still
 * stops, because the execution remembers it was interrupted.
 */

/** Base of every interrupt; never counts as a failed attempt. */
export class ExecutionInterrupt extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecutionInterrupt';
  }
}

/** The execution waits (a sleep or a waitForEvent): park it in the store. */
export class Suspended extends ExecutionInterrupt {
  readonly reason: 'sleep' | 'wait';
  readonly stepId: string;
  readonly wakeAt: Date | null;
  constructor(reason: 'sleep' | 'wait', stepId: string, wakeAt: Date | null) {
    super(`execution parked at ${reason} "${stepId}"`);
    this.name = 'Suspended';
    this.reason = reason;
    this.stepId = stepId;
    this.wakeAt = wakeAt;
  }
}

/** This process should stop before the next step (draining, or its partition moved): hand it over. */
export class Yielded extends ExecutionInterrupt {
  constructor() {
    super('execution handed over before its next step');
    this.name = 'Yielded';
  }
}

/** Another replica owns the execution now (this one was too slow to renew its lease). */
export class Superseded extends ExecutionInterrupt {
  constructor() {
    super('execution taken over by another replica');
    this.name = 'Superseded';
  }
}

/** The execution was cancelled (`ctx.cancel(key)`); it stops at this step boundary. */
export class Cancelled extends ExecutionInterrupt {
  constructor() {
    super('execution cancelled');
    this.name = 'Cancelled';
  }
}
