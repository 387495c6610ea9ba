// The hub's time comes from @flotilla/clock; re-exported so fleet/'s callers keep one import.
export { every, systemClock } from '@flotilla/clock';
export type { Clock } from '@flotilla/clock';
