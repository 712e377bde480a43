/** A runner presented a lease the job no longer has: it was re-leased, cancelled or finished elsewhere. */
export class LeaseLostError extends Error {
  constructor(readonly jobId: number) {
    super(`Job ${jobId} is no longer leased to this runner (it was re-leased, cancelled or finished elsewhere).`);
    this.name = 'LeaseLostError';
  }
}

export class JobNotFoundError extends Error {
  constructor(readonly jobId: number) {
    super(`No job with id ${jobId}.`);
    this.name = 'JobNotFoundError';
  }
}

/** The requested change does not apply to the job's current state. */
export class JobStateError extends Error {
  constructor(
    readonly jobId: number,
    readonly status: string,
    action: string,
  ) {
    super(`Cannot ${action} job ${jobId}: it is ${status.replace('_', ' ')}.`);
    this.name = 'JobStateError';
  }
}
