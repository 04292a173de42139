// The check kinds of @probekit/core, each a factory returning a Prober.
export { type ExecOptions, exec } from './exec.js';
export { type GrpcOptions, grpc } from './grpc.js';
export { type HttpGetOptions, type HttpHeader, httpGet } from './http.js';
export { defaultCheckName, parseTarget } from './target.js';
export { type TcpSocketOptions, tcpSocket } from './tcp.js';
