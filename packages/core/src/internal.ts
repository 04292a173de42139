// @probekit/core/internal: the plumbing the SDK and the sidecar build on (option checks, the field table, reasons,
// one-off runs). For probekit's own packages, not for apps: it follows their releases, with no promise of stability.
/// <reference types="node" preserve="true" />
export {
  abortReason,
  elapsedMs,
  errorMessage,
  type OptionErrorFactory,
  optionsObject,
} from './checks/common.js';
export { defaultCheckName } from './checks/target.js';
export { CHECK_NAME, resolveChecks, sameDefinition } from './definition.js';
export { describeValue } from './errors.js';
export { reasonOf } from './explain.js';
export {
  fieldValue,
  fits,
  LISTEN_PORT_FIELD,
  MAX_SECONDS,
  type NumberField,
  PORT_FIELD,
  secondsField,
  TIMING_FIELDS,
} from './fields.js';
export { fleetzAnswer, isFleetzPath } from './fleet/fleetz.js';
export { defaultMemberId } from './fleet/member.js';
export { type FleetHost, type ResolvedFleet, resolveFleet } from './fleet/options.js';
export { cap, MAX_REASON_LENGTH, redact } from './redact.js';
export { type RunEnd, runProber } from './run.js';
export { closestName } from './suggest.js';
