// @probekit/core: the engine shared by the SDK and the sidecar. What an application or a host calls; the
// plumbing the sibling packages share is in ./internal.ts (`@probekit/core/internal`).
// Kept in the declarations: TypeScript 6+ loads @types/node only when something asks for it.
/// <reference types="node" preserve="true" />
export {
  ANSWER_HEADERS,
  type Answer,
  type AnswerOptions,
  answer,
  METHOD_NOT_ALLOWED,
  NOT_FOUND,
  PROBE_PATHS,
  type ProbeRequest,
  wireHeaders,
} from './answer.js';
export { type ExecOptions, exec } from './checks/exec.js';
export { fn } from './checks/function.js';
export { type GrpcOptions, grpc } from './checks/grpc.js';
export { type HttpGetOptions, type HttpHeader, httpGet } from './checks/http.js';
export { manual } from './checks/manual.js';
export { parseTarget } from './checks/target.js';
export { type TcpSocketOptions, tcpSocket } from './checks/tcp.js';
export { CHECK_DEFAULTS, resolveCheck } from './definition.js';
export { type DiscardedRun, Engine, type EngineEvents, type EngineOptions } from './engine.js';
export {
  CheckUnknownError,
  CORE_ERROR_CODES,
  DuplicateCheckError,
  InvalidCheckError,
  InvalidFleetError,
  ProbekitError,
  UnknownCheckError,
} from './errors.js';
export type { FleetVerdict } from './fleet/decision.js';
export type { FleetView, OutageChange } from './fleet/fleet.js';
export { FLEETZ_PATH, type FleetzBody } from './fleet/fleetz.js';
export type { FleetState } from './fleet/local.js';
export { FLEET_DEFAULTS, type FleetOptions, type PeerSpec } from './fleet/options.js';
export { METRIC_NAMES, registerMetrics } from './metrics.js';
export { STATUS_PATH } from './status-page.js';
export { STATUS_PAGE_CSP } from './status-page-assets.js';
export {
  type ChangeEvent,
  type CheckCondition,
  type CheckFunction,
  type CheckScope,
  type CheckSnapshot,
  type CheckSpec,
  type CheckTiming,
  type CheckValue,
  type HealthStatus,
  HISTORY_LENGTH,
  type HistoryEntry,
  type Outcome,
  PROBE_KINDS,
  type ProbeKind,
  type Prober,
  type ProbeSnapshot,
  type ResolvedCheck,
  type RunRecord,
  type RunResult,
  type Snapshot,
} from './types.js';
export { VERSION } from './version.js';
