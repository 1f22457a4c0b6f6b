/** Time comes in through a port so tests, reminders and `--now` can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
