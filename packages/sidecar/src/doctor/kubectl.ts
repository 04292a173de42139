// What doctor cannot see from inside the pod (the Service's selector, its targetPort, the endpoints): the commands to see it.

export interface KubectlStep {
  /** What the command shows and what to compare it with. */
  readonly why: string;
  readonly command: string;
}

/** A Kubernetes object name, safe to paste into a shell line and a jsonpath string. */
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** The commands, filled in with `POD_NAME` and `POD_NAMESPACE` (downward API) when set, else `<pod>` and `<namespace>`. */
export function kubectlSteps(env: Readonly<Record<string, string | undefined>> = process.env): KubectlStep[] {
  const pod = name(env['POD_NAME'], '<pod>');
  const ns = `-n ${name(env['POD_NAMESPACE'], '<namespace>')}`;
  return [
    {
      why: "the pod's address, labels and readiness",
      command: `kubectl ${ns} get pod ${pod} -o wide --show-labels`,
    },
    {
      why: "each Service's selector (it must match the pod's labels) and port->targetPort (the targetPort must listen on the pod address)",
      command: `kubectl ${ns} get services -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.spec.selector}{"\\t"}{range .spec.ports[*]}{.port}->{.targetPort} {end}{"\\n"}{end}'`,
    },
    {
      why: 'the Services that have this pod as an endpoint, and whether it is ready there (nothing after a name: not an endpoint)',
      command: `kubectl ${ns} get endpointslices -o jsonpath='{range .items[*]}{.metadata.labels.kubernetes\\.io/service-name}{"\\t"}{range .endpoints[?(@.targetRef.name=="${pod}")]}ready={.conditions.ready} {.addresses[0]}{end}{"\\n"}{end}'`,
    },
    {
      why: 'the probes as the kubelet runs them (port, path) and its events (Readiness probe failed: ...)',
      command: `kubectl ${ns} describe pod ${pod}`,
    },
  ];
}

function name(value: string | undefined, placeholder: string): string {
  return value !== undefined && NAME.test(value) ? value : placeholder;
}
