// Every lint rule, in the order findings are reported; each id is also its anchor in docs/manifests.md.
import type { Rule } from './findings.js';
import { configInvalid } from './rules-config.js';
import {
  livenessEqualsReadiness,
  livenessExternal,
  timeoutNotBelowPeriod,
  undeclaredPort,
  unknownNamedPort,
} from './rules-probes.js';
import { fleetHeadlessService, serviceWithoutReadiness } from './rules-services.js';
import {
  gracePeriodShort,
  nativeSidecarVersion,
  probekitLoopback,
  probePortNotProbekit,
  stackedThresholds,
} from './rules-sidecar.js';

export const RULES: readonly Rule[] = [
  configInvalid,
  livenessExternal,
  livenessEqualsReadiness,
  timeoutNotBelowPeriod,
  undeclaredPort,
  unknownNamedPort,
  gracePeriodShort,
  probekitLoopback,
  probePortNotProbekit,
  stackedThresholds,
  fleetHeadlessService,
  serviceWithoutReadiness,
  nativeSidecarVersion,
];
