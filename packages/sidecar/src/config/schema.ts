// The config file's JSON Schema: the one source for validation, for editors (schema/probekit.schema.json) and for the docs.
// The number fields are generated from core's field table, so the file is refused exactly as core would refuse it.
// Longer than most modules on purpose: it is one declaration, read top to bottom like the file it describes.
// `errorMessage` (an annotation editors also understand) is the message shown for any error at that node.
import { FLEET_DEFAULTS, PROBE_KINDS, type ProbeKind } from '@probekit/core';
import {
  CHECK_NAME,
  LISTEN_PORT_FIELD,
  type NumberField,
  PORT_FIELD,
  secondsField,
  TIMING_FIELDS,
} from '@probekit/core/internal';
import type { ServerSettings } from './load.js';

/** The check name the shutdown sequence gates readiness with (the SDK's, shared by every host). */
export { SHUTDOWN_CHECK } from '@probekit/sdk/internal';
/** The handler keys of a check: exactly one must be present. */
export const HANDLERS = ['httpGet', 'tcpSocket', 'exec', 'grpc'] as const;
/** The keys a pod spec wraps a probe in, each the probe kind its check gates: a check may hold one instead of a handler. */
export const PASTED_PROBES = {
  readinessProbe: 'readiness',
  livenessProbe: 'liveness',
  startupProbe: 'startup',
} as const satisfies Record<string, ProbeKind>;

/** The probe server's defaults, which the schema's descriptions show. */
export const SERVER_DEFAULTS: ServerSettings = Object.freeze({
  port: 8099, // the sidecar's well-known port
  host: '0.0.0.0', // the kubelet probes the pod IP, not loopback
  shutdownDelaySeconds: 5, // seconds of 503 before the server closes
  details: true,
});

export const PORT_MESSAGE = PORT_FIELD.message;
const MAPPING = 'must be a mapping';

/** The fragment for one of core's number fields: its bounds and message as core checks them, its default shown. */
function field(spec: NumberField, fallback = spec.default) {
  return {
    type: spec.type,
    ...(spec.exclusiveMinimum ? { exclusiveMinimum: spec.minimum } : { minimum: spec.minimum }),
    maximum: spec.maximum,
    description: fallback === undefined ? spec.description : `${spec.description} Default: ${fallback}.`,
    errorMessage: spec.message,
  };
}

const host = {
  type: 'string',
  title: 'Host name or IP address',
  minLength: 1,
  description: 'Host name or IP address to connect to. Default: 127.0.0.1, the pod itself.',
  errorMessage: 'must be a host name or IP address',
};
const port = { title: 'Port number', ...field(PORT_FIELD) };

const timing = Object.fromEntries(
  Object.entries(TIMING_FIELDS).map(([key, spec]) => [key, field(spec)]),
) as Record<keyof typeof TIMING_FIELDS, ReturnType<typeof field>>;

const shutdownDelaySeconds: NumberField = {
  ...secondsField(0, 'After SIGTERM, seconds to keep answering (readiness 503) before closing.'),
  maximum: 3600, // a pod's grace period is rarely longer; an hour is surely a mistake
  message: 'must be a number of seconds from 0 up to 3600',
};

const httpGet = {
  type: 'object',
  errorMessage: MAPPING,
  description: 'A Kubernetes HTTPGetAction: success iff 200 <= status < 400.',
  additionalProperties: false,
  required: ['port'],
  properties: {
    host,
    port,
    path: { type: 'string', description: 'Path and query. Default: /.', errorMessage: 'must be a string' },
    scheme: {
      enum: ['HTTP', 'HTTPS', 'http', 'https'],
      description: 'HTTP or HTTPS. Default: HTTP.',
      errorMessage: 'must be HTTP or HTTPS',
    },
    httpHeaders: {
      type: 'array',
      description: 'Request headers, as in a Kubernetes probe.',
      errorMessage: 'must be a list of { name, value }',
      items: {
        type: 'object',
        errorMessage: MAPPING,
        additionalProperties: false,
        required: ['name', 'value'],
        properties: {
          name: {
            type: 'string',
            pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$",
            errorMessage: 'must be an HTTP header name',
          },
          value: { type: 'string', errorMessage: 'must be a string' },
        },
      },
    },
    verifyTls: {
      type: 'boolean',
      description: 'Verify the HTTPS certificate; the kubelet never does. Default: false.',
      errorMessage: 'must be true or false',
    },
  },
};

const tcpSocket = {
  type: 'object',
  errorMessage: MAPPING,
  description: 'A Kubernetes TCPSocketAction: success iff a connection is established.',
  additionalProperties: false,
  required: ['port'],
  properties: { host, port },
};

const exec = {
  type: 'object',
  errorMessage: MAPPING,
  description: "An ExecAction, run in the sidecar's own container: success iff the command exits 0.",
  additionalProperties: false,
  required: ['command'],
  properties: {
    command: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', errorMessage: 'must be a string' },
      description: 'argv; no shell unless you write [sh, -c, "…"].',
      errorMessage: 'must be a non-empty list of strings',
    },
    env: {
      type: 'object',
      additionalProperties: { type: 'string', errorMessage: 'must be a string (quote numbers and booleans)' },
      description: 'Variables added to the minimal environment (PATH and HOME) the command gets.',
      errorMessage: 'must be a mapping of variable names to strings',
    },
    cwd: {
      type: 'string',
      minLength: 1,
      description: 'Working directory.',
      errorMessage: 'must be a non-empty path',
    },
  },
};

const grpc = {
  type: 'object',
  errorMessage: MAPPING,
  description: 'A Kubernetes GRPCAction: grpc.health.v1.Health/Check, success iff SERVING.',
  additionalProperties: false,
  required: ['port'],
  properties: {
    host,
    port,
    service: {
      type: 'string',
      description: 'The service asked about. Default: "" (the server).',
      errorMessage: 'must be a string',
    },
  },
};

/** The fields of a Kubernetes Probe object. */
const probe = {
  httpGet: ref('httpGet'),
  tcpSocket: ref('tcpSocket'),
  exec: ref('exec'),
  grpc: ref('grpc'),
  ...timing,
  terminationGracePeriodSeconds: {
    type: 'integer',
    minimum: 1,
    description:
      'Kubernetes only: the grace period of a container killed for a failed liveness or startup probe. Accepted so that a probe can be pasted whole; ignored, with a warning.',
    errorMessage: 'must be an integer number of seconds of at least 1',
  },
};

// The handlers and the pasted probe are shared by reference: the check and each of its three wrappers use them.
function ref(name: 'httpGet' | 'tcpSocket' | 'exec' | 'grpc' | 'pastedProbe') {
  return { $ref: `#/definitions/${name}` } as const;
}

const definitions = {
  httpGet,
  tcpSocket,
  exec,
  grpc,
  pastedProbe: {
    type: 'object',
    errorMessage: MAPPING,
    description:
      'A probe pasted from a pod spec as written there (readinessProbe, livenessProbe or startupProbe): the check gates that probe kind.',
    additionalProperties: false,
    properties: probe,
    oneOf: HANDLERS.map((handler) => ({ required: [handler] })),
  },
};

const check = {
  type: 'object',
  errorMessage: MAPPING,
  description: 'A Kubernetes Probe object plus name, probes and critical.',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: {
      type: 'string',
      pattern: CHECK_NAME.source,
      description: 'Unique; used in paths (/readyz/<name>), logs and metric labels.',
      errorMessage:
        'must be 1-63 lowercase letters, digits, ".", "_" or "-", starting and ending with a letter or digit',
    },
    ...probe,
    probes: {
      type: 'array',
      minItems: 1,
      items: { enum: [...PROBE_KINDS], errorMessage: `must be one of ${PROBE_KINDS.join(', ')}` },
      description: 'Which probe kinds this check gates. Default: [readiness].',
      errorMessage: `must be a non-empty list of ${PROBE_KINDS.join(', ')}`,
    },
    critical: {
      type: 'boolean',
      description: 'false: a failure makes the answer warn (still 200), never fail. Default: true.',
      errorMessage: 'must be true or false',
    },
    scope: {
      enum: ['local', 'shared'],
      description:
        'shared: a dependency every replica shares (a database, an upstream API); with fleet:, a failure most members share keeps readiness (docs/fleet.md). Readiness checks only. Default: local.',
      errorMessage: 'must be local or shared',
    },
    readinessProbe: ref('pastedProbe'),
    livenessProbe: ref('pastedProbe'),
    startupProbe: ref('pastedProbe'),
  },
  oneOf: [...HANDLERS, ...Object.keys(PASTED_PROBES)].map((handler) => ({ required: [handler] })),
};

/** `fleet:`: the shapes and bounds of each field; core's resolveFleet checks the rest (addresses, names). */
const fleet = {
  type: 'object',
  errorMessage: MAPPING,
  description:
    'The replicas this one compares notes with, so that a failure of a shared check everyone has keeps readiness (docs/fleet.md).',
  additionalProperties: false,
  required: ['peers'],
  properties: {
    member: {
      type: 'string',
      minLength: 1,
      description:
        "This member's id in /fleetz. Default: $POD_NAME, else $HOSTNAME, else <host name>:<port>.",
      errorMessage: 'must be a string',
    },
    peers: {
      type: 'object',
      errorMessage: 'must be { static: [host:port, …] } or { dns: name }',
      description: 'The members: a list, or the A and AAAA records of a name (a headless Service).',
      additionalProperties: false,
      properties: {
        static: {
          type: 'array',
          description: 'host:port of every member (IPv6 in brackets).',
          items: { type: 'string', errorMessage: 'must be host:port' },
          errorMessage: 'must be a list of host:port',
        },
        dns: {
          type: 'string',
          minLength: 1,
          description: 'A fully qualified name whose A and AAAA records are the members.',
          errorMessage: 'must be a DNS name',
        },
        port: { ...port, description: "The port members serve /fleetz on. Default: the sidecar's own." },
        resolver: {
          type: 'string',
          description: "The DNS server to ask, ip or ip:port. Default: the system's (/etc/resolv.conf).",
          errorMessage: 'must be an IP address with an optional port',
        },
      },
      oneOf: [{ required: ['static'] }, { required: ['dns'] }],
    },
    refreshSeconds: {
      type: 'number',
      minimum: 0.1,
      maximum: 3600,
      description: `Seconds between rounds of asking the peers. Default: ${FLEET_DEFAULTS.refreshSeconds}.`,
      errorMessage: 'must be a number of seconds from 0.1 to 3600',
    },
    sample: {
      type: 'integer',
      minimum: 1,
      maximum: 1000,
      description: `At most this many peers asked per round, at random. Default: ${FLEET_DEFAULTS.sample}.`,
      errorMessage: 'must be an integer from 1 to 1000',
    },
    outagePercent: {
      type: 'number',
      minimum: 1,
      maximum: 100,
      description: `A shared check failing on at least this share (%) of the answering members is an outage. Default: ${FLEET_DEFAULTS.outagePercent}.`,
      errorMessage: 'must be a percentage from 1 to 100',
    },
    minMembers: {
      type: 'integer',
      minimum: 1,
      maximum: 1_000_000,
      description: `Fewer answering members (self included): plain semantics. Default: ${FLEET_DEFAULTS.minMembers}.`,
      errorMessage: 'must be an integer from 1 to 1000000',
    },
  },
};

/** The JSON Schema (draft-07) of probekit.yaml. */
export const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://probekit.dev/schema/probekit.schema.json',
  title: 'probekit sidecar config',
  type: 'object',
  errorMessage: 'must be a mapping with server, defaults, fleet and checks',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    server: {
      type: 'object',
      errorMessage: MAPPING,
      description: 'The probe server.',
      additionalProperties: false,
      properties: {
        port: field(LISTEN_PORT_FIELD, SERVER_DEFAULTS.port),
        host: {
          type: 'string',
          minLength: 1,
          description: `Address to listen on. Default: ${SERVER_DEFAULTS.host} (the kubelet probes the pod IP).`,
          errorMessage: 'must be a host name or IP address',
        },
        shutdownDelaySeconds: field(shutdownDelaySeconds, SERVER_DEFAULTS.shutdownDelaySeconds),
        details: {
          type: 'boolean',
          description: `Show reasons (?verbose, JSON checks, failing lines). Default: ${SERVER_DEFAULTS.details}.`,
          errorMessage: 'must be true or false',
        },
        detailsToken: {
          type: 'string',
          minLength: 16,
          description: 'Show details only to requests with Authorization: Bearer <token>.',
          errorMessage: 'must be a string of at least 16 characters',
        },
      },
    },
    defaults: {
      type: 'object',
      errorMessage: MAPPING,
      description: 'Timing fields applied to every check that does not set them.',
      additionalProperties: false,
      properties: timing,
    },
    fleet,
    checks: {
      type: 'array',
      description: 'The checks.',
      errorMessage: 'must be a list of checks',
      items: check,
    },
  },
  definitions,
} as const;
