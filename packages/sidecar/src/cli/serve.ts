// `probekit serve`: run the checks and serve the probe endpoints until SIGTERM.
import { LISTEN_PORT_FIELD } from '@probekit/core/internal';
import { signalExitCode } from '@probekit/sdk/internal';
import { watchConfig } from '../config/watch.js';
import { isLoopback } from '../doctor/addresses.js';
import { parseDuration } from '../duration.js';
import { createLogger, type Logger } from '../log.js';
import { type Sidecar, startSidecar } from '../sidecar.js';
import { type Command, type Parsed, portFlag, stringFlag } from './command.js';
import { CONFIG_HELP, CONFIG_OPTIONS, configFromFlags } from './config-flags.js';

export const serve: Command = {
  name: 'serve',
  help: `Usage: probekit serve [--config FILE] [--check TARGET]... [--port N] [--host HOST] [--shutdown-delay DURATION]

Runs every check in the background, kubelet-style, and answers the probe endpoints from the latest
results. The config is reloaded on SIGHUP and when the file changes. On SIGTERM or SIGINT readiness
answers 503 at once, the server keeps answering for the shutdown delay, then closes; exit code 0.
A second signal exits at once (130 after SIGINT, 143 after SIGTERM).

Options:
${CONFIG_HELP}
  -p, --port N             port to listen on; 0 picks a free one (default: server.port, else 8099)
      --host HOST          address to listen on (default: server.host, else 0.0.0.0)
      --shutdown-delay D   how long to answer 503 after SIGTERM before closing, like 5s or 500ms
                           (default: server.shutdownDelaySeconds, else 5s)
  -h, --help               this help

Example:
  probekit serve --config /etc/probekit/probekit.yaml
  probekit serve --check tcp://127.0.0.1:5432 --check http://127.0.0.1:8080/healthz --port 8099`,
  options: {
    ...CONFIG_OPTIONS,
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    'shutdown-delay': { type: 'string' },
  },
  async run(parsed) {
    const { load, file } = configFromFlags(parsed, 'serve');
    const overrides = serverFlags(parsed);
    const log = createLogger();
    // Handlers go in before anything starts, the config's first read included: a signal during start-up
    // must not hit node's default (SIGHUP's kills the process). A SIGHUP before the sidecar runs has nothing
    // to reload: the file is read just after it anyway. Once running, the SDK's shutdown sequence takes every
    // signal (a second one ends it at once); before that, a first is kept for it and a second exits.
    let sidecar: Sidecar | undefined;
    let pending: NodeJS.Signals | undefined;
    let stop: (signal: NodeJS.Signals) => void = () => {};
    const stopped = new Promise<NodeJS.Signals>((resolve) => {
      stop = resolve;
    });
    const onSignal = (signal: NodeJS.Signals) => {
      if (sidecar) sidecar.signal(signal);
      else if (pending) process.exit(signalExitCode(signal));
      else pending = signal;
      stop(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    process.on('SIGHUP', () => void sidecar?.reload('SIGHUP'));
    const config = await load();
    warnOnLoopbackInPod(overrides.host ?? config.server.host, log);
    try {
      sidecar = await startSidecar({ config, load, log, overrides });
    } catch (error) {
      log('error', 'cannot start', { error: (error as Error).message });
      return 1;
    }
    const running = sidecar;
    const stopWatching =
      file === undefined ? () => {} : watchConfig(file, () => void running.reload('file'), log);
    if (pending) running.signal(pending);
    const signal = await stopped;
    stopWatching();
    const result = await running.shutdown(signal);
    // Forced (a second signal, the grace ran out): connections were cut, nothing is left to wait for.
    if (result.forced) process.exit(result.exitCode);
    return result.exitCode;
  },
};

// In a pod the kubelet probes the pod IP (and a Service sends there): loopback would refuse every probe.
function warnOnLoopbackInPod(host: string, log: Logger): void {
  if (process.env['KUBERNETES_SERVICE_HOST'] === undefined || !isLoopback(host)) return;
  log(
    'warn',
    'listening on loopback in a Kubernetes pod: the kubelet probes the pod IP and will be refused',
    {
      host,
      fix: 'serve on 0.0.0.0 (the default) or ::, in server.host or --host',
    },
  );
}

function serverFlags(parsed: Parsed) {
  const port = stringFlag(parsed, 'port');
  const delay = stringFlag(parsed, 'shutdown-delay');
  return {
    port: port === undefined ? undefined : portFlag(port, '--port', LISTEN_PORT_FIELD, 'serve'),
    host: stringFlag(parsed, 'host'),
    shutdownDelaySeconds:
      delay === undefined ? undefined : parseDuration(delay, '--shutdown-delay', 'serve') / 1000,
  };
}
